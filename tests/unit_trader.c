/*
 * The rules on the daily history, one quote at a time: the daily bars a
 * session's quotes build and complete; EMA and RSI from their cache equal
 * the same computed through the whole history; a cross waits to see the
 * other side; a trailing stop's high; what the subjects say.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"
#include "providers/providers.h"
#include "unit.h"

#define DAY0	20454		/* 2026-01-01 */

/* Daily bars are checked where they enter (issue 28, item 8). */
START_TEST(test_bars_checked)
{
	static const char body[] = "{\"values\":["
	    "{\"datetime\":\"2026-03-04\",\"open\":\"41\",\"high\":\"42\","
	    "\"low\":\"40\",\"close\":\"41.5\",\"volume\":\"100\"},"
	    "{\"datetime\":\"2026-03-04\",\"open\":\"41\",\"high\":\"42\","
	    "\"low\":\"40\",\"close\":\"41.6\",\"volume\":\"100\"},"
	    "{\"datetime\":\"2026-03-03\",\"open\":\"41\",\"high\":\"42\","
	    "\"low\":\"40\",\"close\":\"1e308\",\"volume\":\"100\"},"
	    "{\"datetime\":\"9999-12-31\",\"open\":\"41\",\"high\":\"42\","
	    "\"low\":\"40\",\"close\":\"41\",\"volume\":\"100\"},"
	    "{\"datetime\":\"2026-03-02\",\"open\":\"41\",\"high\":\"39\","
	    "\"low\":\"40\",\"close\":\"41\",\"volume\":\"100\"},"
	    "{\"datetime\":\"2026-02-27\",\"open\":\"40\",\"high\":\"41\","
	    "\"low\":\"39\",\"close\":\"40.5\",\"volume\":\"90\"}"
	    "],\"status\":\"ok\"}";
	struct dbar	 b = { cal_days(2026, 3, 2), 41, 42, 40, 41.5, 100 };
	struct bars	 h;
	long		 today = cal_days(2026, 3, 4);

	ck_assert_ptr_null(dbar_problem(&b, today));
	b.close = 1e308;
	ck_assert_ptr_nonnull(dbar_problem(&b, today));
	b.close = 41.5;
	b.high = 39;
	ck_assert_ptr_nonnull(dbar_problem(&b, today));
	b.high = 42;
	b.day = cal_days(9999, 12, 31);
	ck_assert_ptr_nonnull(dbar_problem(&b, today));
	b.day = today;
	b.volume = -1;
	ck_assert_ptr_nonnull(dbar_problem(&b, today));

	clock_fake(1772740800);		/* 2026-03-05 */
	ck_assert_int_eq(bars_parse(bars_api("twelvedata"), 200, body,
	    strlen(body), 0, &h), 0);
	ck_assert_uint_eq(h.n, 2);	/* 02-27 and the first 03-04 */
	ck_assert_int_eq(h.v[0].day, cal_days(2026, 2, 27));
	ck_assert_int_eq(h.v[1].day, cal_days(2026, 3, 4));
	ck_assert_uint_eq(h.skipped, 4);
	ck_assert(h.skip_why[0] != '\0');
	bars_free(&h);
	clock_fake(0);
}
END_TEST

/* A quote of price on day (at noon UTC), its session's volume. */
static struct quote
at(long day, double price, long long volume)
{
	struct quote	 q;

	memset(&q, 0, sizeof(q));
	tk_strlcpy(q.symbol, "CALX", sizeof(q.symbol));
	q.price = price;
	q.prev_close = q.high52 = q.low52 = NAN;
	q.volume = volume;
	q.time = (time_t)day * 86400 + 43200;
	return q;
}

START_TEST(test_bars_from_quotes)
{
	struct daily	*d = daily_new();
	struct quote	 q;

	q = at(DAY0, 10, 100);
	daily_quote(d, &q, DAY0);
	q = at(DAY0, 12, 300);
	daily_quote(d, &q, DAY0);
	q = at(DAY0, 9, 400);
	daily_quote(d, &q, DAY0);
	ck_assert_uint_eq(d->n, 0);
	ck_assert(d->has_today);
	ck_assert_double_eq(d->today.open, 10);
	ck_assert_double_eq(d->today.high, 12);
	ck_assert_double_eq(d->today.low, 9);
	ck_assert_double_eq(d->today.close, 9);
	ck_assert_double_eq(d->today.volume, 400);
	q = at(DAY0 + 1, 11, 50);
	daily_quote(d, &q, DAY0 + 1);
	ck_assert_uint_eq(d->n, 1);
	ck_assert_double_eq(d->v[0].close, 9);
	ck_assert(d->dirty);
	/* a quote of an earlier session changes nothing */
	q = at(DAY0, 99, 1);
	daily_quote(d, &q, DAY0);
	ck_assert_double_eq(d->today.close, 11);
	ck_assert_double_eq(ind_sma(d, 2), 10);
	ck_assert_double_eq(ind_avg_volume(d, 1), 400);
	daily_free(d);
}
END_TEST

/* The cached EMA and RSI equal a run through the whole series. */
START_TEST(test_cache_equals_full_run)
{
	struct daily	*d = daily_new(), *e;
	struct quote	 q;
	double		 a, b;
	long		 i;

	for (i = 0; i < 300; i++) {
		q = at(DAY0 + i, 40 + 5 * sin((double)i / 9) + (i % 7) * 0.3,
		    1000);
		daily_quote(d, &q, DAY0 + i);
		if (i < 30 || i % 37 != 0)
			continue;
		a = ind_ema(d, 20);
		b = ind_rsi(d, 14);
		/* the same series, the live price a completed bar's close */
		e = daily_new();
		daily_replace(e, d->v, d->n);
		e->v = xreallocarray(e->v, e->n + 1, sizeof(*e->v));
		e->v[e->n++] = d->today;
		ck_assert_double_eq_tol(a, ind_ema(e, 20), 1e-9);
		ck_assert_double_eq_tol(b, ind_rsi(e, 14), 1e-9);
		daily_free(e);
	}
	daily_free(d);
}
END_TEST

/* A cross is armed only once it has seen the other side. */
START_TEST(test_cross_arming)
{
	struct rule		 r = { .kind = RULE_CROSS_ABOVE, .period = 3,
				    .ma = MA_SMA, .text = (char *)"cross" };
	struct rule_params	 p = { .hysteresis = 0.005 };
	struct rule_state	 st = { 0 }, next;
	struct symref		 ref;
	struct quote		 q;
	static const double	 px[] = { 10, 11, 12, 13, 11, 10, 13, 13.5 };
	static const enum verdict want[] = { VERDICT_NODATA, VERDICT_NODATA,
	    VERDICT_NONE, VERDICT_NONE, VERDICT_NONE, VERDICT_NONE,
	    VERDICT_FIRE, VERDICT_NONE };
	size_t			 i;

	symref_init(&ref);
	ref.daily = daily_new();
	for (i = 0; i < sizeof(px) / sizeof(px[0]); i++) {
		q = at(DAY0 + (long)i, px[i], 1);
		symref_update(&ref, &q);
		ck_assert_msg(rule_eval(&r, &p, &q, &ref, &st, &next, q.time) ==
		    want[i], "day %zu", i);
		st = next;
	}
	daily_free(ref.daily);
}
END_TEST

/* A trailing stop: the high follows, the stop fires once, re-arms. */
START_TEST(test_trailing)
{
	struct rule		 r = { .kind = RULE_TRAILING, .value = 10,
				    .text = (char *)"trailing-stop 10%" };
	struct rule_params	 p = { .hysteresis = 0.005 };
	struct rule_state	 st = { 0 }, next;
	struct symref		 ref;
	struct quote		 q;
	static const double	 px[] = { 100, 120, 110, 108, 107, 109, 97 };
	static const enum verdict want[] = { VERDICT_NONE, VERDICT_NONE,
	    VERDICT_NONE, VERDICT_FIRE, VERDICT_NONE, VERDICT_REARM,
	    VERDICT_FIRE };
	size_t			 i;

	symref_init(&ref);
	ref.daily = daily_new();
	for (i = 0; i < sizeof(px) / sizeof(px[0]); i++) {
		q = at(DAY0, px[i], 1);
		symref_update(&ref, &q);
		ck_assert_msg(rule_eval(&r, &p, &q, &ref, &st, &next, q.time) ==
		    want[i], "price %.2f", px[i]);
		st = next;
		if (i == 2)
			ck_assert_double_eq(st.hwm, 120);
		if (i == 5)	/* re-armed: the high starts again */
			ck_assert_double_eq(st.hwm, 109);
	}
	daily_free(ref.daily);
}
END_TEST

START_TEST(test_subjects)
{
	struct alert	 a;
	char		 s[256];

	memset(&a, 0, sizeof(a));
	tk_strlcpy(a.symbol, "CALX", sizeof(a.symbol));
	a.kind = RULE_MA_ABOVE;
	a.ma = a.ma2 = MA_SMA;
	a.period = 50;
	a.period2 = 200;
	a.ind[0] = 41.2;
	a.ind[1] = 40.95;
	trader_subject(&a, "41.50 USD", s, sizeof(s));
	ck_assert_str_eq(s, "CALX 41.50 USD: SMA 50 41.20 crossed above "
	    "SMA 200 40.95");
	a.kind = RULE_RSI_ABOVE;
	a.period = 14;
	a.ind[0] = 72.4;
	tk_strlcpy(a.valtext, "70", sizeof(a.valtext));
	trader_subject(&a, "41.50 USD", s, sizeof(s));
	ck_assert_str_eq(s, "CALX 41.50 USD: RSI(14) 72.40 crossed above 70");
	a.kind = RULE_EARNINGS;
	a.ind[0] = 3;
	a.ind[1] = DAY0 + 3;
	trader_subject(&a, "41.50 USD", s, sizeof(s));
	ck_assert_str_eq(s, "CALX 41.50 USD: earnings in 3 days (2026-01-04)");
}
END_TEST

/* Earnings calendars: the next date on or after the day asked. */
START_TEST(test_earnings)
{
	char	*body, err[256], *url;
	size_t	 len;
	long	 d;

	body = unit_data("finnhub/earnings.json", &len);
	d = earnings_parse("finnhub", 200, body, len, "AAPL",
	    cal_days(2026, 2, 1), err, sizeof(err));
	ck_assert_int_eq(d, cal_days(2026, 4, 30));
	d = earnings_parse("finnhub", 200, body, len, "AAPL",
	    cal_days(2026, 1, 10), err, sizeof(err));
	ck_assert_int_eq(d, cal_days(2026, 1, 29));
	ck_assert_int_eq(earnings_parse("finnhub", 200, body, len, "MSFT",
	    cal_days(2026, 1, 10), err, sizeof(err)), 0);
	ck_assert_int_eq(earnings_parse("finnhub", 401, "{\"error\":\"Invalid "
	    "API key\"}", 29, "AAPL", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "HTTP 401");
	free(body);
	body = unit_data("alphavantage/earnings.csv", &len);
	d = earnings_parse("alphavantage", 200, body, len, "IBM",
	    cal_days(2026, 1, 22), err, sizeof(err));
	ck_assert_int_eq(d, cal_days(2026, 4, 20));	/* the quoted name */
	free(body);
	ck_assert_int_eq(earnings_parse("alphavantage", 200, "{\"Information\":"
	    "\"demo\"}", 20, "IBM", 0, err, sizeof(err)), -1);
	url = earnings_url("finnhub", "https://finnhub.io", "k", "BRK.B",
	    cal_days(2026, 1, 1));
	ck_assert_str_eq(url, "https://finnhub.io/api/v1/calendar/earnings?"
	    "from=2026-01-01&to=2026-04-11&symbol=BRK.B&token=k");
	free(url);
}
END_TEST

/* move P% in D: between a price of the last D minutes and now. */
START_TEST(test_move_in)
{
	struct rule		 r = { .kind = RULE_MOVE_IN, .value = 3,
				    .window = 1800, .text = (char *)"move" };
	struct rule_params	 p = { .hysteresis = 0.005 };
	struct rule_state	 st = { 0 }, next;
	struct symref		 ref;
	struct quote		 q;
	static const struct { int min; double px; enum verdict v; } s[] = {
		{ 0, 100, VERDICT_NODATA }, { 10, 101, VERDICT_NONE },
		{ 20, 102.9, VERDICT_NONE }, { 25, 103.1, VERDICT_FIRE },
		{ 40, 103.2, VERDICT_REARM },	/* from 101 now: +2.18% */
		{ 60, 103.0, VERDICT_NONE },
		{ 70, 99.9, VERDICT_FIRE },	/* -3.2% from 103.2 */
	};
	size_t			 i;

	symref_init(&ref);
	ref.daily = daily_new();
	ref.daily->want_ticks = 1;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		q = at(DAY0, s[i].px, 1);
		q.time += s[i].min * 60;
		symref_update(&ref, &q);
		ck_assert_msg(rule_eval(&r, &p, &q, &ref, &st, &next, q.time) ==
		    s[i].v, "minute %d", s[i].min);
		st = next;
	}
	daily_free(ref.daily);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("trader");
	TCase	*tc = tcase_create("trader");

	tcase_add_test(tc, test_bars_checked);
	tcase_add_test(tc, test_bars_from_quotes);
	tcase_add_test(tc, test_cache_equals_full_run);
	tcase_add_test(tc, test_cross_arming);
	tcase_add_test(tc, test_trailing);
	tcase_add_test(tc, test_subjects);
	tcase_add_test(tc, test_earnings);
	tcase_add_test(tc, test_move_in);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
