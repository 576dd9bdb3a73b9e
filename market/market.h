/*
 * market/: what a quote is, and where and when its exchange trades.
 * No event loop, and the caller passes every time; the only I/O is the
 * tz database, read once for each zone asked about.  Inside, bottom to
 * top: cal.c (civil dates) and zone.c (tzdata), holidays.c and
 * holidays_asia.c, exchange.c (the table), calendar.c (sessions and
 * trading days).  Uses lib/ only.
 */
#ifndef TICKERD_MARKET_H
#define TICKERD_MARKET_H

#include <stddef.h>
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
	double		 open;			/* the session's; 0: unknown */
	double		 day_high, day_low;	/* the session's; 0: unknown */
	time_t		 earnings;		/* the next report; 0: unknown */
	time_t		 time;			/* market time of the price */
	long		 date;			/* only a date was given: it,
						   as cal_days(); 0: none */
	char		 currency[8];		/* "" when not given */
	const struct exchange *ex;		/* where it trades; NULL:
						   not given */
	int		 delay;			/* minutes the provider says
						   it lags; 0: not said */
	int		 session;		/* QS_*: in which hours */
	int		 untimed;		/* the provider gave no time:
						   time is the last close */
	/* a newer price of pre- or post-market trading the answer also
	 * gave (Yahoo's v7), judged after this one; ext_price 0: none */
	double		 ext_price;
	time_t		 ext_time;
	int		 ext_session;		/* QS_PRE or QS_POST */
};

/*
 * The hours a price is of.  QS_NONE: not said, which is the regular
 * session for a polled quote, and the exchange's hours at its time for a
 * trade (market_hours_of()).
 */
enum { QS_NONE, QS_REGULAR, QS_PRE, QS_POST, QS_NIGHT };
const char	*market_hours_name(int);
int		 market_extended(const struct quote *);

/*
 * An exchange (exchange.c): where and when a listing trades.  Sessions
 * are in local minutes after midnight; `day' is the holiday rule of
 * holidays.c, NULL for a market open every day.
 */
#define HOL_REGULAR	(-1)
#define EXCHANGES_MAX	48		/* the table's rows, at most */
typedef int	 holiday_rule(int, int, int, const char **);
struct exchange {
	const char	*name;		/* as in `exchange NAME': "LSE" */
	const char	*title;
	const char	*zone;		/* IANA time zone */
	const char	*codes;		/* providers' names for it */
	const char	*suffixes;	/* of its symbols: ".L .IL" */
	const char	*currency;	/* of its quotes; NULL: the pair's */
	short		 open, close;	/* regular session */
	short		 lunch, lunch_end; /* its break; 0: none */
	short		 delay;		/* minutes free quotes of it lag */
	unsigned char	 weekend;	/* bit (1 << weekday) of closed days */
	holiday_rule	*day;
};
const struct exchange *exchange_default(void);
const struct exchange *exchange_find(const char *);
const struct exchange *exchange_of_zone(const char *);
const struct exchange *exchange_of_symbol(const char *);
const struct exchange *exchange_at(size_t);
const char	*exchange_currency(const struct exchange *, const char *);
const char	*exchange_names(void);
int		 exchange_always(const struct exchange *);

/* market/holidays.c */
holiday_rule	 hol_nyse, hol_tsx, hol_lse, hol_xetra, hol_euronext,
		 hol_six, hol_milan, hol_madrid, hol_warsaw, hol_stockholm,
		 hol_oslo,
		 hol_copenhagen, hol_jpx, hol_hkex, hol_sgx, hol_krx, hol_asx,
		 hol_nse;

/* market/zone.c: time zones from the tz database */
struct zone;
struct zone	*zone_get(const char *);
void		 zone_seal(void);
const char	*zone_name(const struct zone *);
int		 zone_offset(struct zone *, time_t, const char **);
long		 zone_day(struct zone *, time_t);
int		 zone_minute(struct zone *, time_t);
time_t		 zone_utc(struct zone *, long, int);

/* market/cal.c: civil dates, as day numbers since 1970-01-01 */
long		 cal_days(int, int, int);
void		 cal_date(long, int *, int *, int *);
int		 cal_weekday(long);
long		 cal_nth_weekday(int, int, int, int);
long		 cal_easter(int);
long		 cal_observed(int, int, int);

/* market/calendar.c: an exchange's days and sessions (NULL: the default
 * exchange) */
struct zone	*exchange_zone(const struct exchange *);
void		 exchange_zones_load(void);
int		 exchange_close_minute(const struct exchange *, int, int, int,
		    const char **);
long		 market_day(const struct exchange *, time_t);
int		 market_minute(const struct exchange *, time_t);
time_t		 market_time(const struct exchange *, long, int);
void		 market_calendar_day(const struct exchange *, time_t, long *,
		    time_t *, time_t *, time_t *);
int		 market_day_session(const struct exchange *, long, time_t *,
		    time_t *);
int		 market_session(const struct exchange *, time_t, time_t *,
		    time_t *);
int		 market_open(const struct exchange *, time_t);
long		 market_prev_day(const struct exchange *, long);
time_t		 market_last_close(const struct exchange *, time_t);
time_t		 market_last_open(const struct exchange *, time_t);
time_t		 market_next_poll(const struct exchange *, time_t, time_t,
		    time_t);
int		 market_hours_of(const struct exchange *, time_t);
void		 exchange_fmt_time(const struct exchange *, time_t, int,
		    char *, size_t);

/* market/symbol.c */
int		 symbol_valid(const char *);

#endif /* TICKERD_MARKET_H */
