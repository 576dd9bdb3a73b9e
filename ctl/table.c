/*
 * Tables that fit the terminal: columns sized to their widest cell, then,
 * while the line is too wide, the shrinkable column (a note) cut down to
 * its least, then the droppable columns left out, the least needed first.
 * Widths count characters, not bytes.  The width is the terminal's
 * (TIOCGWINSZ), else $COLUMNS; output to a pipe or a file without
 * $COLUMNS is not cut, for the scripts that read it.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "ctl/ctl.h"

#define GAP	1	/* spaces between columns */

/* The width tables are fitted to; 0: none. */
int
table_width(void)
{
	struct winsize	 ws;
	const char	*c = getenv("COLUMNS");
	long		 n;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0)
		return ws.ws_col;
	if (c != NULL && (n = strtol(c, NULL, 10)) >= 20 && n <= 1000)
		return (int)n;
	if (isatty(STDOUT_FILENO))
		return 80;
	return 0;
}

/* Characters of a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The bytes of the first n characters of s. */
static size_t
bytes_of(const char *s, size_t n)
{
	size_t	 i = 0;

	while (s[i] != '\0') {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n-- == 0)
			break;
		i++;
	}
	return i;
}

void
table_col(struct table *t, const char *head, int flags, int drop, int min)
{
	struct tcol	*c;

	if (t->ncols == TABLE_COLS)
		return;
	c = &t->cols[t->ncols++];
	c->head = head;
	c->flags = flags;
	c->drop = drop;
	c->min = min;
	c->width = (int)chars(head);
}

/* The next cell of the row being filled (a new row after the last). */
void
table_cell(struct table *t, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];
	size_t	 k;

	if (t->at == 0) {
		t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof(*t->rows));
		t->rows[t->nrows++] = xcalloc(TABLE_COLS, sizeof(char *));
	}
	va_start(ap, fmt);
	text_vprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	k = t->at;
	t->rows[t->nrows - 1][k] = xstrdup(buf);
	if ((int)chars(buf) > t->cols[k].width)
		t->cols[k].width = (int)chars(buf);
	t->at = (t->at + 1) % t->ncols;
}

static int
total(const struct table *t)
{
	size_t	 i;
	int	 w = 0, n = 0;

	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].gone) {
			w += t->cols[i].width;
			n++;
		}
	return w + (n > 0 ? (n - 1) * GAP : 0);
}

/* The width of t with its shrinkable columns at their least. */
static int
least(const struct table *t)
{
	struct table	 u = *t;
	size_t		 i;

	for (i = 0; i < u.ncols; i++)
		if ((u.cols[i].flags & TABLE_SHRINK) &&
		    u.cols[i].width > u.cols[i].min)
			u.cols[i].width = u.cols[i].min;
	return total(&u);
}

/*
 * Fit to width: the shrinkable columns are cut first (the last first);
 * when they cannot be cut enough, columns are dropped (in their order)
 * and the shrinkable given what is left.
 */
static void
fit(struct table *t, int width)
{
	struct tcol	*next;
	size_t		 i;
	int		 over;

	while (least(t) > width) {
		for (i = 0, next = NULL; i < t->ncols; i++)
			if (!t->cols[i].gone && t->cols[i].drop > 0 &&
			    (next == NULL || t->cols[i].drop < next->drop))
				next = &t->cols[i];
		if (next == NULL)
			break;		/* lines are cut at the width */
		next->gone = 1;
	}
	for (i = t->ncols; i-- > 0 && (over = total(t) - width) > 0;)
		if (!t->cols[i].gone && (t->cols[i].flags & TABLE_SHRINK))
			t->cols[i].width = t->cols[i].width - over <
			    t->cols[i].min ? t->cols[i].min :
			    t->cols[i].width - over;
}

static void
put(const struct tcol *c, const char *s, int last, struct buf *line)
{
	size_t	 n = chars(s), b;
	int	 pad;

	if ((int)n > c->width) {	/* cut, with a mark of the cut */
		b = bytes_of(s, (size_t)(c->width > 0 ? c->width - 1 : 0));
		buf_add(line, s, b);
		if (c->width > 0)
			buf_puts(line, "~");
		return;
	}
	pad = c->width - (int)n;
	if (c->flags & TABLE_RIGHT)
		buf_printf(line, "%*s", pad, "");
	buf_puts(line, s);
	if (!(c->flags & TABLE_RIGHT) && !last)
		buf_printf(line, "%*s", pad, "");
}

static void
print_row(const struct table *t, const char *const *cells, int width)
{
	struct buf	 line = { 0 };
	size_t		 i, last = 0, b;
	int		 first = 1;

	for (i = 0; i < t->ncols; i++)
		if (!t->cols[i].gone)
			last = i;
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].gone)
			continue;
		if (!first)
			buf_printf(&line, "%*s", GAP, "");
		first = 0;
		put(&t->cols[i], cells[i] != NULL ? cells[i] : "", i == last,
		    &line);
	}
	buf_add(&line, "", 1);
	b = width > 0 ? bytes_of(line.data, (size_t)width) : line.len - 1;
	printf("%.*s\n", (int)b, line.data);
	buf_free(&line);
}

/* Print t fitted to width, its header first; and free it. */
void
table_print(struct table *t, int width)
{
	const char	*head[TABLE_COLS];
	size_t		 i, k;

	if (width > 0)
		fit(t, width);
	for (i = 0; i < t->ncols; i++)
		head[i] = t->cols[i].head;
	print_row(t, head, width);
	for (i = 0; i < t->nrows; i++) {
		print_row(t, (const char *const *)t->rows[i], width);
		for (k = 0; k < TABLE_COLS; k++)
			free(t->rows[i][k]);
		free(t->rows[i]);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
