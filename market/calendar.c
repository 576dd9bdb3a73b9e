/*
 * Trading days and sessions, for any exchange of the table, on the civil
 * dates of cal.c: each exchange's sessions in its own time zone (read
 * from the tz database through zone.c), its weekend and holidays
 * (holidays.c), lunch breaks and early closes.  Every function that
 * takes an exchange takes NULL for the default one (NYSE).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"

#define SCAN_DAYS	15	/* no exchange closes longer than this */

/* ---- an exchange's days ---- */

static const struct exchange *
ex_or_default(const struct exchange *ex)
{
	return ex != NULL ? ex : exchange_default();
}

/* The exchange's time zone; UTC when tzdata lacks it (zone_get says). */
struct zone *
exchange_zone(const struct exchange *ex)
{
	struct zone	*z;

	if ((z = zone_get(ex_or_default(ex)->zone)) != NULL)
		return z;
	return zone_get("UTC");
}

/* Read every exchange's zone, then no other: at the daemon's start. */
void
exchange_zones_load(void)
{
	const struct exchange	*ex;
	size_t			 i;

	for (i = 0; (ex = exchange_at(i)) != NULL; i++)
		(void)exchange_zone(ex);
	zone_seal();
}

static struct zone *
ex_zone(const struct exchange *ex)
{
	static const struct exchange	*last;
	static struct zone		*z;

	if (ex != last || z == NULL) {
		z = exchange_zone(ex);
		last = ex;
	}
	return z;
}

/*
 * The session of a local date: the minute it closes (its regular close,
 * or an early one), 0 when the exchange does not open that day; *why,
 * when not NULL, says why it is closed or closes early.
 */
int
exchange_close_minute(const struct exchange *ex, int y, int m, int d,
    const char **why)
{
	const char	*w = NULL;
	int		 c;

	ex = ex_or_default(ex);
	if (ex->weekend & (1 << cal_weekday(cal_days(y, m, d)))) {
		w = "weekend";
		c = 0;
	} else if (ex->day == NULL ||
	    (c = ex->day(y, m, d, &w)) == HOL_REGULAR) {
		w = NULL;
		c = ex->close;
	}
	if (why != NULL)
		*why = w;
	return c;
}

/* The close minute of local day t (as zone_day), with a one-day cache. */
static int
day_close(const struct exchange *ex, long t)
{
	static const struct exchange	*cex;
	static long			 cday = -1;
	static int			 close;
	int				 y, m, d;

	if (t != cday || ex != cex) {
		cal_date(t, &y, &m, &d);
		close = exchange_close_minute(ex, y, m, d, NULL);
		cday = t;
		cex = ex;
	}
	return close;
}

/* The trading day of t on the exchange: its local date, in days. */
long
market_day(const struct exchange *ex, time_t t)
{
	return zone_day(ex_zone(ex_or_default(ex)), t);
}

/* Minutes since local midnight on the exchange. */
int
market_minute(const struct exchange *ex, time_t t)
{
	return zone_minute(ex_zone(ex_or_default(ex)), t);
}

/* The UTC instant of local minute `minute' of day t on the exchange. */
time_t
market_time(const struct exchange *ex, long t, int minute)
{
	return zone_utc(ex_zone(ex_or_default(ex)), t, minute);
}

/*
 * The day of t, worked out once for every quote of that day: its number
 * (as market_day()), the UTC span [*from, *to) of that local date, and
 * when its session closes (the regular close on a day without one).
 */
void
market_calendar_day(const struct exchange *ex, time_t t, long *day,
    time_t *from, time_t *to, time_t *close)
{
	int	 c;

	ex = ex_or_default(ex);
	*day = market_day(ex, t);
	*from = market_time(ex, *day, 0);
	*to = market_time(ex, *day + 1, 0);
	c = day_close(ex, *day);
	*close = market_time(ex, *day, c ? c : ex->close);
	if (*from > t || *to <= t)
		*from = *to = t;	/* a day of a clock change: no span */
}

/* When day t's session opens and closes, UTC; 0 when it has none. */
int
market_day_session(const struct exchange *ex, long t, time_t *open,
    time_t *close)
{
	int	 c;

	ex = ex_or_default(ex);
	if ((c = day_close(ex, t)) == 0)
		return 0;
	*open = market_time(ex, t, ex->open);
	*close = market_time(ex, t, c);
	return 1;
}

/*
 * The regular session around t: sets *open and *close of the part of a
 * session in progress at t (return 1), or of the next one (return 0).
 * A lunch break splits a session in two parts.
 */
int
market_session(const struct exchange *ex, time_t t, time_t *open,
    time_t *close)
{
	long	 day;
	int	 c, i, part, from, to;

	ex = ex_or_default(ex);
	day = market_day(ex, t) - 1;	/* a 24-hour day may end after t */
	for (i = 0; i < SCAN_DAYS; i++, day++) {
		if ((c = day_close(ex, day)) == 0)
			continue;
		for (part = 0; part < 2; part++) {
			from = part == 0 ? ex->open : ex->lunch_end;
			to = part == 0 && ex->lunch != 0 && ex->lunch < c ?
			    ex->lunch : c;
			if (part == 1 && (ex->lunch == 0 || c <= from))
				break;
			*open = market_time(ex, day, from);
			*close = market_time(ex, day, to);
			if (t < *close)
				return t >= *open;
		}
	}
	*open = *close = t + 86400;	/* not reached: no such closure */
	return 0;
}

/* Whether the exchange is in its regular session at t. */
int
market_open(const struct exchange *ex, time_t t)
{
	time_t	 o, c;

	return market_session(ex, t, &o, &c);
}

/* The last trading day at or before day t (0 when none in reach). */
long
market_prev_day(const struct exchange *ex, long t)
{
	int	 i;

	ex = ex_or_default(ex);
	for (i = 0; i < SCAN_DAYS; i++, t--)
		if (day_close(ex, t) != 0)
			return t;
	return 0;
}

/* The open (which 0) or close (1) of the last session that began or
 * ended at or before t; 0: none. */
static time_t
last_session(const struct exchange *ex, time_t t, int which)
{
	long	 day;
	time_t	 oc[2];
	int	 i;

	ex = ex_or_default(ex);
	day = market_day(ex, t) + 1;
	for (i = 0; i < SCAN_DAYS; i++, day--)
		if (market_day_session(ex, day, &oc[0], &oc[1]) &&
		    oc[which] <= t)
			return oc[which];
	return 0;
}

/* The close of the last session that ended at or before t; 0: none. */
time_t
market_last_close(const struct exchange *ex, time_t t)
{
	return last_session(ex, t, 1);
}

/* The open of the last session that began at or before t; 0: none. */
time_t
market_last_open(const struct exchange *ex, time_t t)
{
	return last_session(ex, t, 0);
}

/*
 * When a symbol polled every `poll' seconds with market hours on should
 * next be polled, given the time now: in the session, every `poll'; not
 * past the close, where one more poll `after' seconds after the close
 * takes the closing price; then nothing until the next open.
 */
time_t
market_next_poll(const struct exchange *ex, time_t now, time_t poll,
    time_t after)
{
	time_t	 next = now + poll, open, close, last;

	if (market_session(ex, now, &open, &close)) {
		if (next < close)
			return next;
		if (exchange_always(ex))
			return next;
		return close + after;
	}
	last = market_last_close(ex, now);
	if (last != 0 && now < last + after)
		return last + after;
	return open;
}

/*
 * A time as an investor on the exchange reads it, with its zone and UTC
 * beside it: "2026-03-02 14:40 EST (19:40 UTC)", or without the date.
 */
void
exchange_fmt_time(const struct exchange *ex, time_t t, int date, char *out,
    size_t len)
{
	struct zone	*z = ex_zone(ex_or_default(ex));
	const char	*abbr;
	struct tm	 tm;
	time_t		 local = t + zone_offset(z, t, &abbr);
	char		 when[32], utc[16];

	gmtime_r(&local, &tm);
	strftime(when, sizeof(when), date ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
	if (strcmp(zone_name(z), "UTC") == 0) {
		snprintf(out, len, "%s UTC", when);
		return;
	}
	gmtime_r(&t, &tm);
	strftime(utc, sizeof(utc), "%H:%M", &tm);
	if (abbr[0] == '+' || abbr[0] == '-' || abbr[0] == '\0')
		abbr = zone_name(z);	/* a zone without an abbreviation */
	snprintf(out, len, "%s %s (%s UTC)", when, abbr, utc);
}

/*
 * The hours t falls in on ex, for a trade that does not say: the regular
 * session (and two minutes after its close, for the closing prints),
 * pre-market in the 5 1/2 hours before the open (from 04:00 in New
 * York), after hours in the 4 hours after the close (to 20:00), and
 * overnight otherwise, weekends and holidays included.  A market open
 * around the clock has regular hours only.
 */
#define PRE_HOURS	330	/* minutes before the open */
#define POST_HOURS	240	/* minutes after the close */
#define CLOSE_PRINTS	2	/* minutes after the close still regular */
int
market_hours_of(const struct exchange *ex, time_t t)
{
	int	 c, m;

	ex = ex_or_default(ex);
	if (exchange_always(ex))
		return QS_REGULAR;
	if ((c = day_close(ex, market_day(ex, t))) == 0)
		return QS_NIGHT;
	m = market_minute(ex, t);
	if (m < ex->open)
		return m >= ex->open - PRE_HOURS ? QS_PRE : QS_NIGHT;
	if (m < c + CLOSE_PRINTS)
		return QS_REGULAR;
	return m < c + POST_HOURS ? QS_POST : QS_NIGHT;
}

/* A price of pre-market, after-hours or overnight trading. */
int
market_extended(const struct quote *q)
{
	return (q->session == QS_PRE || q->session == QS_POST ||
	    q->session == QS_NIGHT) && !exchange_always(q->ex);
}

/* How a session is named in alerts and tables. */
const char *
market_hours_name(int qs)
{
	switch (qs) {
	case QS_PRE:
		return "pre-market";
	case QS_POST:
		return "after hours";
	case QS_NIGHT:
		return "overnight";
	default:
		return "regular";
	}
}
