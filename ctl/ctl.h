/*
 * ctl/: tickerctl, the control socket's client.  Uses lib/ and alerts/.
 */
#ifndef TICKERD_CTL_H
#define TICKERD_CTL_H

#include <jansson.h>

/* ctl/table.c: tables that fit the terminal */
#define TABLE_COLS	16
#define TABLE_RIGHT	1	/* numbers: aligned right */
#define TABLE_SHRINK	2	/* cut before any column is dropped */
struct tcol {
	const char	*head;
	int		 flags;
	int		 drop;		/* dropped in this order; 0: never */
	int		 min;		/* a shrinkable's least width */
	int		 width;
	int		 gone;
};
struct table {
	struct tcol	 cols[TABLE_COLS];
	size_t		 ncols;
	char		***rows;
	size_t		 nrows;
	size_t		 at;		/* the next cell's column */
};
int		 table_width(void);
void		 table_col(struct table *, const char *, int, int, int);
void		 table_cell(struct table *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 table_print(struct table *, int);

/* ctl/review.c: tickerctl review */
void		 ctl_review_print(json_t *, const char *, const char *, int);

#endif /* TICKERD_CTL_H */
