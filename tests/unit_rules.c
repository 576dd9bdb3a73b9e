/*
 * The rule engine, table-driven: every rule kind through its transitions
 * (false->true, true->true, inside the band, beyond the band, first seen
 * true, once, cooldown, missing data, a new session).
 *
 * Each case is a rule and a series of quotes; each quote carries the
 * verdict expected after it:  F fire, . nothing, R re-armed, C true again
 * within the cooldown, N the quote lacks what the rule needs.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"
#include "unit.h"

#define X	NAN
#define DAY	86400
#define T0	1772461800	/* 2026-03-02 14:30 UTC, 09:30 ET */

struct step {
	double	 price, prev, high, low;
	long	 t;		/* seconds after T0 */
	char	 expect;
};

struct rcase {
	const char	*name;
	enum rule_kind	 kind;
	double		 value;
	int		 once;
	double		 hysteresis;
	time_t		 cooldown;
	struct step	 steps[12];
};

#define END { 0, 0, 0, 0, 0, 0 }

static const struct rcase cases[] = {
	{ "above: false->true, true->true, inside band, beyond band",
	  RULE_ABOVE, 10, 0, 0.005, 0, {
	    { 9.00, 9, 12, 5, 0, '.' },
	    { 10.00, 9, 12, 5, 60, 'F' },	/* at the threshold fires */
	    { 11.00, 9, 12, 5, 120, '.' },
	    { 9.96, 9, 12, 5, 180, '.' },	/* false, inside 0.5% */
	    { 10.20, 9, 12, 5, 240, '.' },
	    { 9.94, 9, 12, 5, 300, 'R' },	/* below 9.95 */
	    { 9.99, 9, 12, 5, 360, '.' },
	    { 10.01, 9, 12, 5, 420, 'F' },
	    END } },
	{ "above: true when first seen fires once",
	  RULE_ABOVE, 10, 0, 0.005, 0, {
	    { 11, 9, 12, 5, 0, 'F' }, { 12, 9, 12, 5, 60, '.' },
	    { 10, 9, 12, 5, 120, '.' }, END } },
	{ "below: mirror image",
	  RULE_BELOW, 10, 0, 0.005, 0, {
	    { 11, 9, 12, 5, 0, '.' }, { 10, 9, 12, 5, 60, 'F' },
	    { 9, 9, 12, 5, 120, '.' }, { 10.04, 9, 12, 5, 180, '.' },
	    { 10.06, 9, 12, 5, 240, 'R' }, { 9.5, 9, 12, 5, 300, 'F' },
	    END } },
	{ "target: alias of above",
	  RULE_TARGET, 50, 0, 0.005, 0, {
	    { 49.99, 45, 60, 30, 0, '.' }, { 50, 45, 60, 30, 60, 'F' },
	    { 51, 45, 60, 30, 120, '.' }, END } },
	{ "once: never re-arms",
	  RULE_BELOW, 10, 1, 0.005, 0, {
	    { 9, 9, 12, 5, 0, 'F' }, { 11, 9, 12, 5, 60, '.' },
	    { 9, 9, 12, 5, 120, '.' }, { 12, 9, 12, 5, 180, '.' },
	    { 8, 9, 12, 5, 240, '.' }, END } },
	{ "cooldown: a new crossing within it is not notified",
	  RULE_ABOVE, 10, 0, 0.005, 3600, {
	    { 11, 9, 12, 5, 0, 'F' }, { 9, 9, 12, 5, 60, 'R' },
	    { 11, 9, 12, 5, 120, 'C' },		/* within 1h */
	    { 11, 9, 12, 5, 180, '.' },		/* still fired */
	    { 9, 9, 12, 5, 4000, 'R' },
	    { 11, 9, 12, 5, 4100, 'F' },	/* cooldown over */
	    END } },
	{ "hysteresis 0: re-arms as soon as false",
	  RULE_ABOVE, 10, 0, 0, 0, {
	    { 10, 9, 12, 5, 0, 'F' }, { 9.99, 9, 12, 5, 60, 'R' },
	    { 10, 9, 12, 5, 120, 'F' }, END } },
	{ "hysteresis 2%",
	  RULE_ABOVE, 10, 0, 0.02, 0, {
	    { 10, 9, 12, 5, 0, 'F' }, { 9.85, 9, 12, 5, 60, '.' },
	    { 9.79, 9, 12, 5, 120, 'R' }, { 10, 9, 12, 5, 180, 'F' },
	    END } },
	{ "move 5%: up, band in percentage points, down, new session",
	  RULE_MOVE, 5, 0, 0.005, 0, {
	    { 104, 100, 200, 50, 0, '.' },
	    { 105, 100, 200, 50, 60, 'F' },	/* exactly +5% */
	    { 106, 100, 200, 50, 120, '.' },
	    { 104.6, 100, 200, 50, 180, '.' },	/* 4.6% > 4.5% */
	    { 104.4, 100, 200, 50, 240, 'R' },
	    { 95, 100, 200, 50, 300, 'F' },	/* -5% */
	    { 94, 100, 200, 50, 360, '.' },
	    /* next day: prev close 94, still +5.3% from it: a new move */
	    { 99, 94, 200, 50, DAY, 'F' },
	    { 99.5, 94, 200, 50, DAY + 60, '.' },
	    END } },
	{ "move: no previous close, no verdict",
	  RULE_MOVE, 5, 0, 0.005, 0, {
	    { 104, X, 200, 50, 0, 'N' }, { 110, X, 200, 50, 60, 'N' },
	    { 110, 100, 200, 50, 120, 'F' }, END } },
	{ "within 2% of 52w-high (100: from 98)",
	  RULE_NEAR_HIGH, 2, 0, 0.005, 0, {
	    { 97, 95, 100, 50, 0, '.' }, { 98, 95, 100, 50, 60, 'F' },
	    { 99, 95, 100, 50, 120, '.' },
	    { 97.6, 95, 100, 50, 180, '.' },	/* re-arm below 97.51 */
	    { 97.4, 95, 100, 50, 240, 'R' },
	    { 98.5, 95, 100, 50, 300, 'F' },
	    { 101, 95, 101, 50, 360, '.' },	/* above the high: still near */
	    END } },
	{ "within 2% of 52w-low (50: up to 51)",
	  RULE_NEAR_LOW, 2, 0, 0.005, 0, {
	    { 52, 55, 100, 50, 0, '.' }, { 51, 55, 100, 50, 60, 'F' },
	    { 51.2, 55, 100, 50, 120, '.' },	/* re-arm above 51.255 */
	    { 51.3, 55, 100, 50, 180, 'R' },
	    { 50.5, 55, 100, 50, 240, 'F' },
	    END } },
	{ "within: no 52-week values, no verdict",
	  RULE_NEAR_HIGH, 2, 0, 0.005, 0, {
	    { 99, 95, X, X, 0, 'N' }, { 99, 95, 100, 50, 60, 'F' }, END } },
	{ "new 52w-high: against the high known before the session",
	  RULE_NEW_HIGH, 0, 0, 0.005, 0, {
	    { 99, 95, 100, 50, 0, '.' },
	    { 100, 95, 100, 50, 60, '.' },	/* equal is no break */
	    /* the provider's high follows the price: the reference not */
	    { 100.5, 95, 100.5, 50, 120, 'F' },
	    { 101, 95, 101, 50, 180, '.' },
	    { 99.4, 95, 101, 50, 240, 'R' },	/* below 99.5 */
	    { 100.1, 95, 101, 50, 300, 'F' },
	    /* next session: the reference is now 101 */
	    { 100.9, 100, 101, 50, DAY, 'R' },
	    { 101.5, 100, 101.5, 50, DAY + 60, 'F' },
	    END } },
	{ "new 52w-low",
	  RULE_NEW_LOW, 0, 0, 0.005, 0, {
	    { 50.5, 55, 100, 50, 0, '.' },
	    { 49.9, 55, 100, 49.9, 60, 'F' },
	    { 49, 55, 100, 49, 120, '.' },
	    { 50.3, 55, 100, 49, 180, 'R' },	/* above 50.25 */
	    { 49.8, 55, 100, 49, 240, 'F' },
	    END } },
	/* 16:00 EST is 21:00 UTC: T0 + 23400 */
	{ "close above 40: judged once a session, on the close",
	  RULE_CLOSE_ABOVE, 40, 0, 0.005, 0, {
	    /* first quote: the previous close (39) is judged */
	    { 41, 39, 50, 30, 0, '.' },
	    { 42, 39, 50, 30, 3600, 'N' },		/* no close yet */
	    { 41, 39, 50, 30, 23400, 'F' },		/* the close: 41 */
	    { 41.5, 39, 50, 30, 23460, 'N' },		/* judged already */
	    { 39, 41, 50, 30, DAY, 'N' },		/* yesterday's, done */
	    { 39.9, 41, 50, 30, DAY + 23400, '.' },	/* inside the band */
	    { 39.7, 39.9, 50, 30, 2 * DAY + 23400, 'R' },
	    { 41, 39.7, 50, 30, 3 * DAY, 'N' },
	    { 40.5, 39.7, 50, 30, 3 * DAY + 23400, 'F' },
	    /* an early close at 13:00: judged next morning, prev close */
	    { 38, 40.5, 50, 30, 4 * DAY + 12600, 'N' },
	    { 37, 38, 50, 30, 5 * DAY, 'R' },
	    END } },
	{ "close below 30, first seen on a session's previous close",
	  RULE_CLOSE_BELOW, 30, 0, 0.005, 0, {
	    { 31, 29.5, 50, 25, 0, 'F' },
	    { 29, 29.5, 50, 25, 23400, '.' },
	    { 31, 29, 50, 25, DAY + 23400, 'R' },
	    END } },
	{ "new 52w-high, once: one break, never again",
	  RULE_NEW_HIGH, 0, 1, 0.005, 0, {
	    { 99, 95, 100, 50, 0, '.' },
	    { 100.5, 95, 100.5, 50, 60, 'F' },
	    { 98, 95, 100.5, 50, 120, '.' },	/* no re-arm for once */
	    { 101, 95, 101, 50, 180, '.' },
	    { 102, 101, 101, 50, DAY, '.' },	/* nor on a new session */
	    END } },
};

static char
verdict_char(enum verdict v)
{
	switch (v) {
	case VERDICT_FIRE: return 'F';
	case VERDICT_NONE: return '.';
	case VERDICT_REARM: return 'R';
	case VERDICT_COOLDOWN: return 'C';
	case VERDICT_NODATA: return 'N';
	}
	return '?';
}

static void
run_case(const struct rcase *c)
{
	struct rule		 r;
	struct rule_state	 st, next;
	struct rule_params	 p;
	struct symref		 ref;
	struct quote		 q;
	enum verdict		 v;
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.kind = c->kind;
	r.value = c->value;
	r.once = c->once;
	r.text = (char *)c->name;
	r.valtext = (char *)"";
	memset(&st, 0, sizeof(st));
	memset(&ref, 0, sizeof(ref));
	ref.high = ref.low = ref.seen_high = ref.seen_low = NAN;
	p.hysteresis = c->hysteresis;
	p.cooldown = c->cooldown;

	for (i = 0; i < 12 && c->steps[i].expect != 0; i++) {
		const struct step *s = &c->steps[i];
		memset(&q, 0, sizeof(q));
		snprintf(q.symbol, sizeof(q.symbol), "TEST");
		q.price = s->price;
		q.prev_close = s->prev;
		q.high52 = s->high;
		q.low52 = s->low;
		q.time = T0 + s->t;
		symref_update(&ref, &q);
		v = rule_eval(&r, &p, &q, &ref, &st, &next, q.time);
		ck_assert_msg(verdict_char(v) == s->expect,
		    "%s: step %zu (price %.2f): expected %c, got %c",
		    c->name, i, s->price, s->expect, verdict_char(v));
		st = next;
	}
}

START_TEST(test_cases)
{
	run_case(&cases[_i]);
}
END_TEST

START_TEST(test_session_day)
{
	/* 09:30 and 16:00 ET on 2 March 2026 (EST), and 23:00 ET */
	ck_assert_int_eq(market_day(NULL, 1772461800),
	    market_day(NULL, 1772485200));
	ck_assert_int_eq(market_day(NULL, 1772461800),
	    market_day(NULL, 1772510400));
	ck_assert_int_eq(market_day(NULL, 1772461800) + 1,
	    market_day(NULL, 1772461800 + 86400));
	/* summer time: 09:30 and 16:00 EDT on 1 July 2026 */
	ck_assert_int_eq(market_day(NULL, 1782912600),
	    market_day(NULL, 1782936000));
}
END_TEST

START_TEST(test_eastern_time)
{
	struct zone	*ny = exchange_zone(NULL);

	/* daylight saving starts 8 March 2026, 07:00 UTC */
	ck_assert_int_eq(zone_offset(ny, 1772953199, NULL), -5 * 3600);
	ck_assert_int_eq(zone_offset(ny, 1772953200, NULL), -4 * 3600);
	/* and ends 1 November 2026, 06:00 UTC */
	ck_assert_int_eq(zone_offset(ny, 1793512799, NULL), -4 * 3600);
	ck_assert_int_eq(zone_offset(ny, 1793512800, NULL), -5 * 3600);
	ck_assert_int_eq(zone_offset(ny, 1805007600, NULL), -4 * 3600);
	ck_assert_int_eq(zone_offset(ny, 1762063200, NULL), -5 * 3600);
	/* the close: 16:00 ET in summer (20:00Z) and in winter (21:00Z) */
	ck_assert_int_eq(market_minute(NULL, 1782936000), 16 * 60);
	ck_assert_int_eq(market_minute(NULL, 1772485200), 16 * 60);
}
END_TEST

START_TEST(test_symref)
{
	struct symref	 ref;
	struct quote	 q;

	memset(&ref, 0, sizeof(ref));
	ref.high = ref.low = ref.seen_high = ref.seen_low = NAN;
	memset(&q, 0, sizeof(q));
	q.time = T0;
	q.price = 44;
	q.high52 = 44.53;
	q.low52 = 27.73;
	symref_update(&ref, &q);
	ck_assert(ref.high == 44.53 && ref.low == 27.73);
	/* the session's own high moves the provider's value, not ours */
	q.time += 600;
	q.price = 45;
	q.high52 = 45;
	symref_update(&ref, &q);
	ck_assert(ref.high == 44.53);
	ck_assert(ref.seen_high == 45);
	/* the next session starts from the last value seen */
	q.time += 86400;
	q.high52 = 46;		/* already includes the new session's move */
	symref_update(&ref, &q);
	ck_assert(ref.high == 45);
	/* an old extreme left the window overnight: the lower value wins */
	q.time += 86400;
	q.high52 = 40;
	q.low52 = 30;
	symref_update(&ref, &q);
	ck_assert(ref.high == 40);
	ck_assert(ref.low == 30);
	/* a quote without 52-week values keeps the references */
	q.time += 60;
	q.high52 = NAN;
	q.low52 = NAN;
	symref_update(&ref, &q);
	ck_assert(ref.high == 40 && ref.seen_high == 40);
}
END_TEST

START_TEST(test_threshold)
{
	struct rule	 r;
	struct quote	 q;
	struct symref	 ref;

	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	memset(&ref, 0, sizeof(ref));
	q.high52 = 44.53;
	q.low52 = 27.73;
	r.kind = RULE_NEAR_HIGH;
	r.value = 2;
	ck_assert_double_eq_tol(rule_threshold(&r, &q, &ref), 43.6394, 1e-4);
	r.kind = RULE_NEAR_LOW;
	ck_assert_double_eq_tol(rule_threshold(&r, &q, &ref), 28.2846, 1e-4);
	r.kind = RULE_MOVE;
	ck_assert(isnan(rule_threshold(&r, &q, &ref)));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("rules");
	TCase	*tc = tcase_create("engine");
	int	 n = (int)(sizeof(cases) / sizeof(cases[0]));

	tcase_add_loop_test(tc, test_cases, 0, n);
	tcase_add_test(tc, test_session_day);
	tcase_add_test(tc, test_eastern_time);
	tcase_add_test(tc, test_symref);
	tcase_add_test(tc, test_threshold);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
