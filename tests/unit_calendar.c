/*
 * The NYSE calendar against the exchange's published holidays and early
 * closes for 2024-2027: every day of those four years is checked, so a
 * rule that closes a day too many is caught as surely as one too few.
 * Then the session clock: daylight saving, early closes, and when a
 * symbol is polled with market hours on.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"
#include "unit.h"

/* As published on nyse.com (Holidays & Trading Hours). */
static const struct {
	int		 y, m, d;
	const char	*name;
} holidays[] = {
	{ 2024, 1, 1, "New Year's Day" },
	{ 2024, 1, 15, "Martin Luther King Jr. Day" },
	{ 2024, 2, 19, "Washington's Birthday" },
	{ 2024, 3, 29, "Good Friday" },
	{ 2024, 5, 27, "Memorial Day" },
	{ 2024, 6, 19, "Juneteenth" },
	{ 2024, 7, 4, "Independence Day" },
	{ 2024, 9, 2, "Labor Day" },
	{ 2024, 11, 28, "Thanksgiving Day" },
	{ 2024, 12, 25, "Christmas Day" },
	{ 2025, 1, 1, "New Year's Day" },
	{ 2025, 1, 9, "National Day of Mourning for President Carter" },
	{ 2025, 1, 20, "Martin Luther King Jr. Day" },
	{ 2025, 2, 17, "Washington's Birthday" },
	{ 2025, 4, 18, "Good Friday" },
	{ 2025, 5, 26, "Memorial Day" },
	{ 2025, 6, 19, "Juneteenth" },
	{ 2025, 7, 4, "Independence Day" },
	{ 2025, 9, 1, "Labor Day" },
	{ 2025, 11, 27, "Thanksgiving Day" },
	{ 2025, 12, 25, "Christmas Day" },
	{ 2026, 1, 1, "New Year's Day" },
	{ 2026, 1, 19, "Martin Luther King Jr. Day" },
	{ 2026, 2, 16, "Washington's Birthday" },
	{ 2026, 4, 3, "Good Friday" },
	{ 2026, 5, 25, "Memorial Day" },
	{ 2026, 6, 19, "Juneteenth" },
	{ 2026, 7, 3, "Independence Day" },	/* July 4 is a Saturday */
	{ 2026, 9, 7, "Labor Day" },
	{ 2026, 11, 26, "Thanksgiving Day" },
	{ 2026, 12, 25, "Christmas Day" },
	{ 2027, 1, 1, "New Year's Day" },
	{ 2027, 1, 18, "Martin Luther King Jr. Day" },
	{ 2027, 2, 15, "Washington's Birthday" },
	{ 2027, 3, 26, "Good Friday" },
	{ 2027, 5, 31, "Memorial Day" },
	{ 2027, 6, 18, "Juneteenth" },		/* June 19 is a Saturday */
	{ 2027, 7, 5, "Independence Day" },	/* July 4 is a Sunday */
	{ 2027, 9, 6, "Labor Day" },
	{ 2027, 11, 25, "Thanksgiving Day" },
	{ 2027, 12, 24, "Christmas Day" },	/* December 25 is a Saturday */
	/* January 1, 2028 is a Saturday: December 31, 2027 stays open */
};

static const struct {
	int	 y, m, d;
} early[] = {
	{ 2024, 7, 3 }, { 2024, 11, 29 }, { 2024, 12, 24 },
	{ 2025, 7, 3 }, { 2025, 11, 28 }, { 2025, 12, 24 },
	{ 2026, 11, 27 }, { 2026, 12, 24 },
	{ 2027, 11, 26 },
};

START_TEST(test_published_calendar)
{
	long		 t, first = cal_days(2024, 1, 1);
	long		 last = cal_days(2027, 12, 31);
	const char	*why;
	size_t		 i, nh = 0, ne = 0;
	int		 y, m, d, c, want, wd;

	for (t = first; t <= last; t++) {
		cal_date(t, &y, &m, &d);
		ck_assert_int_eq(cal_days(y, m, d), t);
		c = exchange_close_minute(NULL, y, m, d, &why);
		wd = (int)((t + 4) % 7);
		want = (wd == 0 || wd == 6) ? 0 : 16 * 60;
		for (i = 0; i < sizeof(holidays) / sizeof(holidays[0]); i++)
			if (holidays[i].y == y && holidays[i].m == m &&
			    holidays[i].d == d) {
				ck_assert_msg(c == 0, "%d-%02d-%02d should be "
				    "closed (%s)", y, m, d, holidays[i].name);
				ck_assert_str_eq(why, holidays[i].name);
				nh++;
				want = -1;
			}
		for (i = 0; i < sizeof(early) / sizeof(early[0]); i++)
			if (early[i].y == y && early[i].m == m &&
			    early[i].d == d) {
				want = 13 * 60;
				ne++;
			}
		if (want >= 0)
			ck_assert_msg(c == want, "%d-%02d-%02d: close %d, "
			    "expected %d (%s)", y, m, d, c, want,
			    why ? why : "regular day");
	}
	ck_assert_uint_eq(nh, sizeof(holidays) / sizeof(holidays[0]));
	ck_assert_uint_eq(ne, sizeof(early) / sizeof(early[0]));
}
END_TEST

/* Rules beyond the four published years. */
START_TEST(test_rules)
{
	const char	*why;

	/* New Year's Day on a Sunday (2023): Monday Jan 2 closed */
	ck_assert_int_eq(exchange_close_minute(NULL, 2023, 1, 2, &why), 0);
	ck_assert_str_eq(why, "New Year's Day");
	/* on a Saturday (2022): Friday Dec 31, 2021 was a trading day */
	ck_assert_int_eq(exchange_close_minute(NULL, 2021, 12, 31, NULL),
	    16 * 60);
	/* Juneteenth before 2022 was a trading day */
	ck_assert_int_eq(exchange_close_minute(NULL, 2021, 6, 18, NULL),
	    16 * 60);
	/* Good Friday 2028: Easter is April 16 */
	ck_assert_int_eq(exchange_close_minute(NULL, 2028, 4, 14, &why), 0);
	ck_assert_str_eq(why, "Good Friday");
	/* July 3 on a Monday (2023): early close */
	ck_assert_int_eq(exchange_close_minute(NULL, 2023, 7, 3, NULL), 13 * 60);
}
END_TEST

static time_t
utc(int y, int m, int d, int hh, int mm)
{
	return (time_t)cal_days(y, m, d) * 86400 + hh * 3600 + mm * 60;
}

START_TEST(test_sessions)
{
	time_t	 o, c;

	/* Monday 2 March 2026 (EST): 14:30Z-21:00Z */
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 2, 14, 29)), 0);
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 2, 14, 30)), 1);
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 2, 20, 59)), 1);
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 2, 21, 0)), 0);
	/* Monday 9 March 2026, the first day of EDT: 13:30Z-20:00Z */
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 9, 13, 30)), 1);
	ck_assert_int_eq(market_open(NULL, utc(2026, 3, 9, 20, 0)), 0);
	/* Monday 2 November 2026, back to EST */
	ck_assert_int_eq(market_open(NULL, utc(2026, 11, 2, 14, 0)), 0);
	ck_assert_int_eq(market_open(NULL, utc(2026, 11, 2, 14, 30)), 1);
	/* Good Friday 2026 and a Saturday */
	ck_assert_int_eq(market_open(NULL, utc(2026, 4, 3, 15, 0)), 0);
	ck_assert_int_eq(market_open(NULL, utc(2026, 4, 4, 15, 0)), 0);
	/* the day after Thanksgiving 2026 closes at 13:00 EST = 18:00Z */
	ck_assert_int_eq(market_open(NULL, utc(2026, 11, 27, 17, 59)), 1);
	ck_assert_int_eq(market_open(NULL, utc(2026, 11, 27, 18, 0)), 0);
	ck_assert_int_eq(exchange_close_minute(NULL, 2026, 11, 27, NULL),
	    13 * 60);

	/* Thursday evening before Good Friday: the next session is Monday */
	ck_assert_int_eq(market_session(NULL, utc(2026, 4, 2, 22, 0), &o, &c),
	    0);
	ck_assert_int_eq(o, utc(2026, 4, 6, 13, 30));
	ck_assert_int_eq(c, utc(2026, 4, 6, 20, 0));
	ck_assert_int_eq(market_last_close(NULL, utc(2026, 4, 5, 12, 0)),
	    utc(2026, 4, 2, 20, 0));
}
END_TEST

START_TEST(test_next_poll)
{
	time_t	 t;

	/* in the session: every poll */
	t = utc(2026, 3, 2, 15, 0);
	ck_assert_int_eq(market_next_poll(NULL, t, 60, 120), t + 60);
	/* the last poll before the close: then one 2 minutes after it */
	t = utc(2026, 3, 2, 20, 59) + 30;
	ck_assert_int_eq(market_next_poll(NULL, t, 60, 120),
	    utc(2026, 3, 2, 21, 2));
	/* that poll done: nothing until Tuesday's open */
	ck_assert_int_eq(market_next_poll(NULL, utc(2026, 3, 2, 21, 2), 60, 120),
	    utc(2026, 3, 3, 14, 30));
	/* started between the close and the after-close poll */
	ck_assert_int_eq(market_next_poll(NULL, utc(2026, 3, 2, 21, 1), 60, 120),
	    utc(2026, 3, 2, 21, 2));
	/* started on a Saturday: Monday's open */
	ck_assert_int_eq(market_next_poll(NULL, utc(2026, 3, 7, 12, 0), 60, 120),
	    utc(2026, 3, 9, 13, 30));
	/* an early close: the after-close poll follows 13:00 */
	t = utc(2026, 11, 27, 17, 59) + 30;
	ck_assert_int_eq(market_next_poll(NULL, t, 60, 120),
	    utc(2026, 11, 27, 18, 2));
	/* before the open: the open */
	ck_assert_int_eq(market_next_poll(NULL, utc(2026, 3, 3, 10, 0), 60, 120),
	    utc(2026, 3, 3, 14, 30));
}
END_TEST

/* Times in messages: the exchange's, with its zone, and UTC beside. */
START_TEST(test_exchange_time)
{
	char	 s[64];

	exchange_fmt_time(NULL, 1772480400, 1, s, sizeof(s));
	ck_assert_str_eq(s, "2026-03-02 14:40 EST (19:40 UTC)");
	exchange_fmt_time(NULL, 1782936000, 0, s, sizeof(s));
	ck_assert_str_eq(s, "16:00 EDT (20:00 UTC)");
}
END_TEST

/*
 * The zone table read from the TZif files against the C library's own
 * reading of them: every day from 1970 to 2100 at a time of day that
 * moves, and each change to the second.  The zones are the exchanges'
 * and those whose rules are unusual: the southern half, negative
 * daylight saving (Dublin), times past 24:00 (Jerusalem), a rule that
 * starts at -1:00 (Nuuk), one that was abolished (Sao Paulo), 45-minute
 * offsets (Chatham), and Casablanca's many changes.
 */
static int
libc_off(time_t t, char *abbr, size_t len)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	tk_strlcpy(abbr, tm.tm_zone ? tm.tm_zone : "", len);
	return (int)tm.tm_gmtoff;
}

static void
zone_against_libc(const char *name)
{
	struct zone	*z = zone_get(name);
	const char	*ab;
	char		 want[16], prev[16];
	time_t		 t, lo, hi, mid;
	int		 off, poff, k, bad = 0;

	ck_assert_msg(z != NULL, "%s", name);
	setenv("TZ", name, 1);
	tzset();
	poff = libc_off(0, prev, sizeof(prev));
	for (k = 1; k < 47482 && bad < 3; k++) {	/* to 2100 */
		t = (time_t)k * 86400 + (time_t)(k * 3607L % 86400);
		off = libc_off(t, want, sizeof(want));
		if (zone_offset(z, t, &ab) != off || strcmp(ab, want) != 0) {
			bad++;
			fprintf(stderr, "%s at %lld: %d %s, libc %d %s\n",
			    name, (long long)t, zone_offset(z, t, NULL), ab,
			    off, want);
		}
		if (off != poff) {	/* the change itself, to the second */
			lo = t - 86400 - 3607;
			hi = t;
			while (hi - lo > 1) {
				mid = lo + (hi - lo) / 2;
				if (libc_off(mid, want, sizeof(want)) == poff)
					lo = mid;
				else
					hi = mid;
			}
			if (zone_offset(z, lo, NULL) != poff ||
			    zone_offset(z, hi, NULL) != off) {
				bad++;
				fprintf(stderr, "%s: the change at %lld\n",
				    name, (long long)hi);
			}
		}
		poff = off;
	}
	unsetenv("TZ");
	tzset();
	ck_assert_msg(bad == 0, "%s differs from the C library", name);
}

START_TEST(test_zones_match_libc)
{
	static const char *const names[] = {
		"America/New_York", "Europe/London", "Asia/Tokyo",
		"Australia/Sydney", "Europe/Dublin", "Asia/Jerusalem",
		"America/Nuuk", "America/Sao_Paulo", "Pacific/Chatham",
		"Africa/Casablanca", "Asia/Kolkata", "Europe/Berlin",
		"America/Santiago", "Asia/Tehran", "UTC",
	};
	const struct exchange	*ex;
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		zone_against_libc(names[i]);
	for (i = 0; (ex = exchange_at(i)) != NULL; i++)
		zone_against_libc(ex->zone);
}
END_TEST

/* Which hours a trade's time is of, in New York; crypto has one kind. */
START_TEST(test_hours_of)
{
	const struct exchange	*ny = exchange_find("NASDAQ");
	time_t			 wed = 1764633600;	/* 2025-12-02 00:00 UTC */

	ck_assert_int_eq(market_hours_of(ny, wed + 9 * 3600 + 600), QS_PRE);
	ck_assert_int_eq(market_hours_of(ny, wed + 8 * 3600 + 600), QS_NIGHT);
	ck_assert_int_eq(market_hours_of(ny, wed + 15 * 3600), QS_REGULAR);
	ck_assert_int_eq(market_hours_of(ny, wed + 21 * 3600 + 60),
	    QS_REGULAR);			/* the closing prints */
	ck_assert_int_eq(market_hours_of(ny, wed + 21 * 3600 + 1800), QS_POST);
	ck_assert_int_eq(market_hours_of(ny, wed + 26 * 3600), QS_NIGHT);
	ck_assert_int_eq(market_hours_of(ny, wed + 4 * 86400 + 15 * 3600),
	    QS_NIGHT);				/* a Saturday */
	ck_assert_int_eq(market_hours_of(exchange_find("CRYPTO"),
	    wed + 4 * 86400), QS_REGULAR);
	ck_assert_str_eq(market_hours_name(QS_PRE), "pre-market");
	ck_assert_str_eq(market_hours_name(QS_POST), "after hours");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("calendar");
	TCase	*tc = tcase_create("nyse");

	tcase_add_test(tc, test_published_calendar);
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_sessions);
	tcase_add_test(tc, test_hours_of);
	tcase_add_test(tc, test_next_poll);
	tcase_add_test(tc, test_exchange_time);
	tcase_add_test(tc, test_zones_match_libc);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
