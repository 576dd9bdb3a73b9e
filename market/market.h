/*
 * market/: what a quote is, and when its exchange trades.  Pure: no
 * event loop, no I/O; the caller passes every time.  Uses lib/ only.
 */
#ifndef TICKERD_MARKET_H
#define TICKERD_MARKET_H

#include <time.h>

#define SYMBOL_MAX	24		/* longest ticker symbol accepted */

/*
 * One quote as every provider reports it.  Values a provider does not
 * know are NaN; price is always a finite number > 0.
 */
struct quote {
	char		 symbol[SYMBOL_MAX + 1];
	double		 price;
	double		 prev_close;
	double		 high52;
	double		 low52;
	long long	 volume;		/* -1 when unknown */
	time_t		 time;			/* market time of the price */
	char		 currency[8];
};

/* market/symbol.c */
int		 symbol_valid(const char *);

/* market/calendar.c: US Eastern time and the NYSE calendar, by rule */
int		 et_offset(time_t);
long		 session_day(time_t);
void		 calendar_day(time_t, long *, time_t *, time_t *, time_t *);
int		 et_minute(time_t);
void		 fmt_exchange_time(time_t, int, char *, size_t);
long		 cal_days(int, int, int);
void		 cal_date(long, int *, int *, int *);
int		 cal_close_minute(int, int, int, const char **);
int		 market_session(time_t, time_t *, time_t *);
int		 market_open(time_t);
time_t		 market_last_close(time_t);
int		 market_close_minute(time_t);
time_t		 market_next_poll(time_t, time_t, time_t);

#endif /* TICKERD_MARKET_H */
