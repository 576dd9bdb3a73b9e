/*
 * US Eastern time, and the NYSE trading calendar computed by rule.
 *
 * Regular session 09:30-16:00 America/New_York, Monday to Friday, except
 * the exchange's holidays (NYSE Rule 7.2):
 *
 *   New Year's Day            Jan 1; Sunday -> Monday Jan 2; Saturday ->
 *                             not observed (Dec 31 is a trading day)
 *   Martin Luther King Day    third Monday of January
 *   Washington's Birthday     third Monday of February
 *   Good Friday               two days before Easter Sunday
 *   Memorial Day              last Monday of May
 *   Juneteenth                June 19 (since 2022), weekend-observed
 *   Independence Day          July 4, weekend-observed
 *   Labor Day                 first Monday of September
 *   Thanksgiving              fourth Thursday of November
 *   Christmas                 December 25, weekend-observed
 *
 * "Weekend-observed": a Saturday holiday is kept on the Friday before, a
 * Sunday holiday on the Monday after.  Early closes at 13:00: July 3
 * when it is Monday to Thursday, the day after Thanksgiving, and
 * December 24 when it is Monday to Thursday.  One-off closures that no
 * rule predicts (a national day of mourning) are listed in `special'.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"

#define OPEN_MIN	(9 * 60 + 30)
#define CLOSE_MIN	(16 * 60)
#define EARLY_MIN	(13 * 60)

/* ---- US Eastern time ---- */

static time_t	 et_time(long, int);
static int	 day_close(long);

/* The time of the n-th Sunday (n = 1, 2) of a month, at hh:00 UTC. */
static time_t
nth_sunday(int year, int mon, int n, int hh)
{
	struct tm	 tm;
	time_t		 first;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = 1;
	first = timegm(&tm);
	gmtime_r(&first, &tm);
	return first + (time_t)(((7 - tm.tm_wday) % 7 + 7 * (n - 1)) * 86400 +
	    hh * 3600);
}

/*
 * US Eastern time's offset from UTC at t, in seconds: -4h from the second
 * Sunday of March, 02:00 EST, to the first Sunday of November, 02:00 EDT
 * (the rule since 2007); -5h otherwise.
 */
int
et_offset(time_t t)
{
	static struct {			/* the last year asked about */
		time_t	 from, to;	/* its first and next year's second */
		time_t	 on, off;	/* its daylight saving time */
	} c;
	struct tm	 tm;
	int		 y;

	if (t < c.from || t >= c.to) {
		gmtime_r(&t, &tm);
		y = tm.tm_year + 1900;
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		c.from = timegm(&tm);
		tm.tm_year++;
		c.to = timegm(&tm);
		c.on = nth_sunday(y, 2, 2, 7);
		c.off = nth_sunday(y, 10, 1, 6);
	}
	return t >= c.on && t < c.off ? -4 * 3600 : -5 * 3600;
}

/* The trading session (US Eastern date) of a time, as days since 1970. */
long
session_day(time_t t)
{
	long long	 s = (long long)t + et_offset(t);

	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

/*
 * The session day of t, worked out once for every quote of that day: its
 * number (as session_day()), the UTC span [*from, *to) of its calendar
 * day in US Eastern time, and when its session closes (16:00 on a day
 * without one).
 */
void
calendar_day(time_t t, long *day, time_t *from, time_t *to, time_t *close)
{
	int	 c;

	*day = session_day(t);
	*from = et_time(*day, 0);
	*to = et_time(*day + 1, 0);
	c = day_close(*day);
	*close = et_time(*day, c ? c : CLOSE_MIN);
	if (*from > t || *to <= t || et_offset(*from) != et_offset(*to - 1))
		*from = *to = t;	/* a day of a clock change: no span */
}

/* Minutes since midnight, US Eastern time. */
int
et_minute(time_t t)
{
	long long	 s = (long long)t + et_offset(t);

	s %= 86400;
	if (s < 0)
		s += 86400;
	return (int)(s / 60);
}

/*
 * A time as an investor on the exchange reads it, with its zone and UTC
 * beside it: "2026-03-02 14:40 EST (19:40 UTC)", or without the date.
 */
void
fmt_exchange_time(time_t t, int date, char *out, size_t len)
{
	struct tm	 tm;
	time_t		 local = t + et_offset(t);
	char		 when[32], utc[16];

	gmtime_r(&local, &tm);
	strftime(when, sizeof(when), date ? "%Y-%m-%d %H:%M" : "%H:%M", &tm);
	gmtime_r(&t, &tm);
	strftime(utc, sizeof(utc), "%H:%M", &tm);
	snprintf(out, len, "%s %s (%s UTC)", when, et_offset(t) == -4 * 3600 ?
	    "EDT" : "EST", utc);
}

/* ---- the NYSE calendar ---- */

/* Closures the rules cannot know: y, m, d, why. */
static const struct {
	int		 y, m, d;
	const char	*why;
} special[] = {
	{ 2025, 1, 9, "National Day of Mourning for President Carter" },
};

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long
cal_days(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The civil date of a day number. */
void
cal_date(long days, int *y, int *m, int *d)
{
	long	 z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 Sunday .. 6 Saturday. */
static int
weekday(long days)
{
	long	 w = (days + 4) % 7;	/* 1970-01-01 was a Thursday */

	return (int)(w < 0 ? w + 7 : w);
}

/* The n-th (1-based) weekday wd of a month; n = -1: the last. */
static long
nth_weekday(int y, int m, int wd, int n)
{
	long	 first, last;

	if (n > 0) {
		first = cal_days(y, m, 1);
		return first + (wd - weekday(first) + 7) % 7 + 7 * (n - 1);
	}
	last = cal_days(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	return last - (weekday(last) - wd + 7) % 7;
}

/* Easter Sunday (the anonymous Gregorian algorithm). */
static long
easter(int y)
{
	int	 a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int	 f = (b + 8) / 25, g = (b - f + 1) / 3;
	int	 h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
	int	 l = (32 + 2 * e + 2 * i - h - k) % 7;
	int	 m = (a + 11 * h + 22 * l) / 451;
	int	 month = (h + l - 7 * m + 114) / 31;
	int	 day = (h + l - 7 * m + 114) % 31 + 1;

	return cal_days(y, month, day);
}

/* A fixed-date holiday, moved off the weekend. */
static long
observed(int y, int m, int d)
{
	long	 t = cal_days(y, m, d);

	switch (weekday(t)) {
	case 6:
		return t - 1;
	case 0:
		return t + 1;
	}
	return t;
}

/* The holiday that closes the exchange on day t, or NULL. */
static const char *
holiday(long t)
{
	int	 y, m, d;
	size_t	 i;

	cal_date(t, &y, &m, &d);
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (special[i].y == y && special[i].m == m &&
		    special[i].d == d)
			return special[i].why;
	/* New Year's Day: Sunday moves to Monday, Saturday is not kept */
	if (weekday(cal_days(y, 1, 1)) != 6 && t == observed(y, 1, 1))
		return "New Year's Day";
	if (t == nth_weekday(y, 1, 1, 3))
		return "Martin Luther King Jr. Day";
	if (t == nth_weekday(y, 2, 1, 3))
		return "Washington's Birthday";
	if (t == easter(y) - 2)
		return "Good Friday";
	if (t == nth_weekday(y, 5, 1, -1))
		return "Memorial Day";
	if (y >= 2022 && t == observed(y, 6, 19))
		return "Juneteenth";
	if (t == observed(y, 7, 4))
		return "Independence Day";
	if (t == nth_weekday(y, 9, 1, 1))
		return "Labor Day";
	if (t == nth_weekday(y, 11, 4, 4))
		return "Thanksgiving Day";
	if (t == observed(y, 12, 25))
		return "Christmas Day";
	return NULL;
}

/*
 * The session of a US Eastern date: its close in minutes after midnight
 * (960, or 780 on an early close), or 0 when the exchange is closed;
 * *why, when not NULL, says why it is closed or closes early.
 */
int
cal_close_minute(int y, int m, int d, const char **why)
{
	long		 t = cal_days(y, m, d);
	const char	*h;
	int		 wd = weekday(t);

	if (why != NULL)
		*why = NULL;
	if (wd == 0 || wd == 6) {
		if (why != NULL)
			*why = "weekend";
		return 0;
	}
	if ((h = holiday(t)) != NULL) {
		if (why != NULL)
			*why = h;
		return 0;
	}
	if ((m == 7 && d == 3) || (m == 12 && d == 24) ||
	    t == nth_weekday(y, 11, 4, 4) + 1) {
		if (why != NULL)
			*why = "early close";
		return EARLY_MIN;
	}
	return CLOSE_MIN;
}

/* The UTC time of hh:mm US Eastern time on day number t. */
static time_t
et_time(long t, int minute)
{
	time_t	 u = (time_t)t * 86400 + minute * 60 + 5 * 3600;

	if (et_offset(u - 3600) == -4 * 3600)
		u -= 3600;
	return u;
}

static int
day_close(long t)
{
	static long	 day = -1;	/* the last day asked about */
	static int	 close;
	int		 y, m, d;

	if (t != day) {
		cal_date(t, &y, &m, &d);
		close = cal_close_minute(y, m, d, NULL);
		day = t;
	}
	return close;
}

/*
 * The regular session around t: sets *open and *close of the session in
 * progress at t (return 1), or of the next one (return 0).
 */
int
market_session(time_t t, time_t *open, time_t *close)
{
	long	 day = session_day(t);
	int	 c, i;

	for (i = 0; i < 15; i++, day++) {
		if ((c = day_close(day)) == 0)
			continue;
		*open = et_time(day, OPEN_MIN);
		*close = et_time(day, c);
		if (t < *close)
			return t >= *open;
	}
	*open = *close = t + 86400;	/* not reached: no 15-day closure */
	return 0;
}

/* Whether the exchange is in its regular session at t. */
int
market_open(time_t t)
{
	time_t	 o, c;

	return market_session(t, &o, &c);
}

/* The close of the last session that ended at or before t. */
time_t
market_last_close(time_t t)
{
	long	 day = session_day(t);
	time_t	 c;
	int	 m, i;

	for (i = 0; i < 15; i++, day--) {
		if ((m = day_close(day)) == 0)
			continue;
		if ((c = et_time(day, m)) <= t)
			return c;
	}
	return 0;
}

/* The close minute (US Eastern) of the session of day t, 0 if none. */
int
market_close_minute(time_t t)
{
	return day_close(session_day(t));
}

/*
 * When a symbol polled every `poll' seconds with market hours on should
 * next be polled, given the time now: in the session, every `poll'; not
 * past the close, where one more poll `after' seconds after the close
 * takes the closing price; then nothing until the next open.
 */
time_t
market_next_poll(time_t now, time_t poll, time_t after)
{
	time_t	 next = now + poll, open, close, last;

	if (market_session(now, &open, &close)) {
		if (next < close)
			return next;
		return close + after;
	}
	last = market_last_close(now);
	if (last != 0 && now < last + after)
		return last + after;
	return open;
}
