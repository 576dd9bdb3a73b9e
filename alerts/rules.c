/*
 * The rule engine.  Pure: a quote, a rule, the symbol's session
 * references and the rule's prior state in; a verdict and the new state
 * out.  No I/O, no clock: the caller passes the time.
 *
 * A rule fires when its condition becomes true.  Once fired it stays
 * quiet until the condition has been false by more than the hysteresis
 * band (re-armed), so a price hovering at a threshold yields one alert.
 * Rules tied to a session (move, new 52w-high/-low) also re-arm when a
 * new session brings a new reference.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

/* References that know nothing yet. */
void
symref_init(struct symref *ref)
{
	memset(ref, 0, sizeof(*ref));
	ref->high = ref->low = NAN;
	ref->seen_high = ref->seen_low = NAN;
	ref->close = NAN;
}

/* Equal, NaN included. */
static int
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* Whether two sets of references differ in what is stored. */
int
symref_same(const struct symref *a, const struct symref *b)
{
	return a->day == b->day && same(a->high, b->high) &&
	    same(a->low, b->low) && same(a->seen_high, b->seen_high) &&
	    same(a->seen_low, b->seen_low) && a->close_day == b->close_day &&
	    same(a->close, b->close);
}

/* Whether two rule states differ in what is stored. */
int
rulestate_same(const struct rule_state *a, const struct rule_state *b)
{
	return a->fired == b->fired && a->spent == b->spent &&
	    a->last_notify == b->last_notify &&
	    same(a->session_ref, b->session_ref) && a->count == b->count &&
	    a->phase == b->phase && same(a->hwm, b->hwm) &&
	    a->since == b->since && a->expired == b->expired;
}

/*
 * Whether rule r is past its `until' (in the local time of its symbol's
 * exchange ex) or its `for' (counted from the first time it was judged,
 * which st keeps) at now: 0 not, 1 past, 2 past from now on (once, to be
 * said).  Starts st's count of `for'.
 */
int
rule_expired(const struct rule *r, struct rule_state *st,
    const struct exchange *ex, time_t now)
{
	time_t	 end = 0;

	if (r->until_day == 0 && r->for_secs == 0)
		return 0;
	if (st->expired)
		return 1;
	if (r->for_secs > 0 && st->since == 0)
		st->since = now;
	if (r->for_secs > 0)
		end = st->since + r->for_secs;
	if (r->until_day != 0) {
		time_t u = r->until_min < 0 ? market_time(ex, r->until_day + 1, 0) :
		    market_time(ex, r->until_day, r->until_min);

		end = end == 0 || u < end ? u : end;
	}
	if (now < end)
		return 0;
	st->expired = 1;
	return 2;
}

/*
 * Keep the 52-week references as they were before the current session.
 * On the first quote of a new session the reference is the lower of the
 * last value seen in an earlier session and the provider's current value:
 * the provider's figure may already include today's move, while an old
 * extreme may have left the 52-week window overnight.
 */
void
symref_update(struct symref *ref, const struct quote *q)
{
	long	 day, before = ref->day;
	int	 after_close;

	if (q->time < ref->cal_from || q->time >= ref->cal_to ||
	    q->ex != ref->cal_ex) {
		market_calendar_day(q->ex, q->time, &ref->cal_day,
		    &ref->cal_from, &ref->cal_to, &ref->cal_close);
		ref->cal_ex = q->ex;
	}
	day = ref->cal_day;
	after_close = q->time >= ref->cal_close;

	if (ref->day == 0) {
		ref->day = day;
		ref->high = q->high52;
		ref->low = q->low52;
	} else if (day > ref->day) {
		ref->day = day;
		if (isfinite(ref->seen_high) && isfinite(q->high52))
			ref->high = fmin(ref->seen_high, q->high52);
		else
			ref->high = isfinite(q->high52) ? q->high52 :
			    ref->seen_high;
		if (isfinite(ref->seen_low) && isfinite(q->low52))
			ref->low = fmax(ref->seen_low, q->low52);
		else
			ref->low = isfinite(q->low52) ? q->low52 :
			    ref->seen_low;
	} else if (!isfinite(ref->high) || !isfinite(ref->low)) {
		if (!isfinite(ref->high))
			ref->high = q->high52;
		if (!isfinite(ref->low))
			ref->low = q->low52;
	}
	if (isfinite(q->high52))
		ref->seen_high = q->high52;
	if (isfinite(q->low52))
		ref->seen_low = q->low52;
	if (ref->daily != NULL)
		daily_quote(ref->daily, q, day);

	/*
	 * The official close, judged once per session: the first quote at
	 * or after the close (16:00 ET, 13:00 on an early close, on the
	 * quote's own exchange) carries it; failing that (the daemon down
	 * at the close), the next session's previous close, which is the
	 * close of the trading day before it.
	 */
	ref->close_new = 0;
	if (after_close && day == ref->day && ref->close_day != day) {
		ref->close_new = 1;
		ref->close = q->price;
		ref->close_day = day;
	} else if (day > before && isfinite(q->prev_close)) {
		long judged = market_prev_day(q->ex, day - 1);
		if (judged != 0 && ref->close_day < judged) {
			ref->close_new = 1;
			ref->close = q->prev_close;
			ref->close_day = judged;
		}
	}
}

/* The change from the previous close, in percent; NaN when unknown. */
double
rule_change_pct(const struct quote *q)
{
	if (!isfinite(q->prev_close) || q->prev_close <= 0)
		return NAN;
	return (q->price - q->prev_close) / q->prev_close * 100;
}

/* The level of a rule of rules.c's; NaN when it has none. */
static inline double
level(const struct rule *r, const struct quote *q, const struct symref *ref)
{
	switch (r->kind) {
	case RULE_ABOVE:
	case RULE_BELOW:
	case RULE_TARGET:
	case RULE_CLOSE_ABOVE:
	case RULE_CLOSE_BELOW:
		return r->value;
	case RULE_NEAR_HIGH:
		return isfinite(q->high52) ? q->high52 * (1 - r->value / 100) :
		    NAN;
	case RULE_NEAR_LOW:
		return isfinite(q->low52) ? q->low52 * (1 + r->value / 100) :
		    NAN;
	case RULE_NEW_HIGH:
		return ref->high;
	case RULE_NEW_LOW:
		return ref->low;
	default:
		return NAN;
	}
}

/* The level a rule compares the price with; NaN when it has none. */
double
rule_threshold(const struct rule *r, const struct quote *q,
    const struct symref *ref)
{
	return trader_rule(r->kind) ? trader_threshold(r, q, ref) :
	    level(r, q, ref);
}

/*
 * Narrow (*lo, *hi), an interval around q's price, to prices at which r
 * (in state st) cannot change its verdict: its level if it is armed, or
 * where it re-arms if it has fired (the level times 1 - h for a rule of
 * rising prices, 1 + h for one of falling prices), is outside.  A stream judges a trade at once when it leaves
 * the interval, and others with the next of a few a second.  Rules that
 * are not about a price level (RSI, volume, gaps, a move in a time)
 * leave it as it is.
 */
static void
narrow(double c, double price, double *lo, double *hi)
{
	if (!isfinite(c))
		return;
	if (c > price && c < *hi)
		*hi = c;
	else if (c <= price && c > *lo)
		*lo = c;
}

void
rule_band(const struct rule *r, const struct rule_state *st,
    const struct quote *q, const struct symref *ref, double h, double *lo,
    double *hi)
{
	double	 t, p = q->prev_close, m;

	if (st->spent)
		return;
	if (!st->fired)
		h = 0;		/* its level, where it fires */
	switch (r->kind) {
	case RULE_WHEN:
		when_band(r, st, q, ref, h, lo, hi);
		return;
	case RULE_MOVE:
		if (!isfinite(p) || p <= 0)
			return;
		m = r->value / 100;
		narrow(p * (1 + m - h), q->price, lo, hi);
		narrow(p * (1 - m + h), q->price, lo, hi);
		return;
	case RULE_ABOVE: case RULE_TARGET:
	case RULE_NEAR_HIGH: case RULE_NEW_HIGH:
		t = rule_threshold(r, q, ref);
		narrow(t * (1 - h), q->price, lo, hi);
		return;
	case RULE_BELOW: case RULE_NEAR_LOW: case RULE_NEW_LOW:
		t = rule_threshold(r, q, ref);
		narrow(t * (1 + h), q->price, lo, hi);
		return;
	case RULE_CROSS_ABOVE: case RULE_CROSS_BELOW:
		/* armed once it has seen the other side: both, always */
		t = rule_threshold(r, q, ref);
		narrow(t, q->price, lo, hi);
		narrow(t * (1 - h), q->price, lo, hi);
		narrow(t * (1 + h), q->price, lo, hi);
		return;
	default:
		return;
	}
}

/*
 * Whether the rule's condition holds.  *known is cleared when the quote
 * lacks a value the rule needs.
 */
int
rule_condition(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, int *known)
{
	double	 t, c;

	if (trader_rule(r->kind))
		return trader_condition(r, q, ref, st, known);
	if (r->kind == RULE_WHEN)
		return when_condition(r, q, ref, st, known);
	t = level(r, q, ref);
	*known = 1;
	switch (r->kind) {
	case RULE_ABOVE:
	case RULE_TARGET:
		return q->price >= t;
	case RULE_BELOW:
		return q->price <= t;
	case RULE_MOVE:
		c = rule_change_pct(q);
		if (!isfinite(c))
			break;
		/* a small tolerance: 5% of 40.00 is exactly 42.00 */
		return fabs(c) >= r->value - 1e-9;
	case RULE_NEAR_HIGH:
		if (!isfinite(t))
			break;
		return q->price >= t;
	case RULE_NEAR_LOW:
		if (!isfinite(t))
			break;
		return q->price <= t;
	case RULE_NEW_HIGH:
		if (!isfinite(t))
			break;
		return q->price > t;
	case RULE_NEW_LOW:
		if (!isfinite(t))
			break;
		return q->price < t;
	case RULE_CLOSE_ABOVE:
		if (!ref->close_new)
			break;
		return ref->close >= t;
	case RULE_CLOSE_BELOW:
		if (!ref->close_new)
			break;
		return ref->close <= t;
	default:
		break;
	}
	*known = 0;
	return 0;
}

/* The session reference a fired rule remembers (move, new 52w marks). */
static double
session_ref(const struct rule *r, const struct quote *q,
    const struct symref *ref)
{
	switch (r->kind) {
	case RULE_MOVE:
		return q->prev_close;
	case RULE_NEW_HIGH:
		return ref->high;
	case RULE_NEW_LOW:
		return ref->low;
	default:
		return trader_session_ref(r, q, ref);
	}
}

/* Whether a fired rule's condition is false beyond the band h. */
int
rule_rearmed(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, double h)
{
	double	 t, c, sr;

	if (r->kind == RULE_WHEN)
		return when_rearmed(r, q, ref, st, h);
	/* a new session with a new reference re-arms session rules */
	sr = session_ref(r, q, ref);
	if (isfinite(sr) && isfinite(st->session_ref) &&
	    fabs(sr - st->session_ref) > 1e-9)
		return 1;
	if (trader_rule(r->kind))
		return trader_rearmed(r, q, ref, st, h);
	t = level(r, q, ref);
	switch (r->kind) {
	case RULE_ABOVE:
	case RULE_TARGET:
	case RULE_NEAR_HIGH:
	case RULE_NEW_HIGH:
		return q->price < t * (1 - h);
	case RULE_BELOW:
	case RULE_NEAR_LOW:
	case RULE_NEW_LOW:
		return q->price > t * (1 + h);
	case RULE_MOVE:
		c = rule_change_pct(q);
		return fabs(c) < r->value - h * 100;
	case RULE_CLOSE_ABOVE:
		return ref->close < t * (1 - h);
	case RULE_CLOSE_BELOW:
		return ref->close > t * (1 + h);
	default:
		break;
	}
	return 0;
}

/*
 * A cross rule is armed once it has seen its condition false: the first
 * quotes of a price long above its average are no cross.  Returns 1 when
 * the rule is not armed yet (nothing more to judge).
 */
static int
cross_arming(struct rule_state *next, int cond)
{
	if (next->phase == PHASE_ARMED)
		return 0;
	if (!cond)
		next->phase = PHASE_ARMED;
	else if (next->phase == PHASE_NEW)
		next->phase = PHASE_WAITING;
	return 1;
}

/*
 * Judge one rule on one quote.  Writes the rule's next state to *next
 * (a copy of *prev when nothing changes) and returns what happened.
 * now is the time of the evaluation, used for the cooldown only.
 */
enum verdict
rule_eval(const struct rule *r, const struct rule_params *p,
    const struct quote *q, const struct symref *ref,
    const struct rule_state *prev, struct rule_state *next, time_t now)
{
	int	 cond, known, rearmed = 0;

	*next = *prev;
	if (event_rule(r->kind))	/* news, not prices: filings.c */
		return VERDICT_NONE;
	if (r->kind == RULE_TRAILING && !prev->fired)	/* the high so far */
		next->hwm = prev->hwm > 0 ? fmax(prev->hwm, q->price) :
		    q->price;
	cond = rule_condition(r, q, ref, next, &known);
	if (!known)
		return VERDICT_NODATA;
	if (prev->spent)
		return VERDICT_NONE;
	if (trader_cross(r->kind) && cross_arming(next, cond))
		return VERDICT_NONE;
	if (prev->fired) {
		if (!rule_rearmed(r, q, ref, next, p->hysteresis))
			return VERDICT_NONE;
		next->fired = 0;
		if (r->kind == RULE_TRAILING)	/* a new high from here */
			next->hwm = q->price;
		rearmed = 1;
	}
	if (!cond)
		return rearmed ? VERDICT_REARM : VERDICT_NONE;

	next->fired = 1;
	next->session_ref = session_ref(r, q, ref);
	if (r->once)
		next->spent = 1;
	if (p->cooldown > 0 && prev->last_notify != 0 &&
	    now - prev->last_notify < p->cooldown)
		return VERDICT_COOLDOWN;
	next->last_notify = now;
	next->count++;
	return VERDICT_FIRE;
}

const char *
rule_kind_name(enum rule_kind k)
{
	switch (k) {
	case RULE_ABOVE: return "above";
	case RULE_BELOW: return "below";
	case RULE_TARGET: return "target";
	case RULE_MOVE: return "move";
	case RULE_NEAR_HIGH: return "within-52w-high";
	case RULE_NEAR_LOW: return "within-52w-low";
	case RULE_NEW_HIGH: return "new-52w-high";
	case RULE_NEW_LOW: return "new-52w-low";
	case RULE_CLOSE_ABOVE: return "close-above";
	case RULE_CLOSE_BELOW: return "close-below";
	case RULE_CROSS_ABOVE: return "cross-above";
	case RULE_CROSS_BELOW: return "cross-below";
	case RULE_MA_ABOVE: return "ma-cross-above";
	case RULE_MA_BELOW: return "ma-cross-below";
	case RULE_NEAR_MA: return "within-ma";
	case RULE_RSI_ABOVE: return "rsi-above";
	case RULE_RSI_BELOW: return "rsi-below";
	case RULE_VOLUME: return "volume";
	case RULE_GAP: return "gap";
	case RULE_TRAILING: return "trailing-stop";
	case RULE_MOVE_IN: return "move-in";
	case RULE_EARNINGS: return "earnings";
	case RULE_WHEN: return "when";
	case RULE_FILING: return "filing";
	case RULE_INSIDER_BUY: return "insider-buy";
	case RULE_INSIDER_SELL: return "insider-sell";
	}
	return "?";
}

/* A rule as the configuration made it. */
void
rule_free(struct rule *r)
{
	free(r->text);
	free(r->id);
	free(r->valtext);
	if (r->notify != NULL) {
		strlist_free(r->notify);
		free(r->notify);
	}
	if (r->forms != NULL) {
		strlist_free(r->forms);
		free(r->forms);
	}
	if (r->items != NULL) {
		strlist_free(r->items);
		free(r->items);
	}
	while (r->nterms > 0)
		rule_free(r->terms[--r->nterms]);
	free(r->terms);
	free(r->ors);
	free(r);
}

/* The kind named by rule_kind_name(); -1 when none is. */
int
rule_kind_from_name(const char *name)
{
	int	 k;

	for (k = RULE_ABOVE; k <= RULE_KIND_LAST; k++)
		if (strcmp(name, rule_kind_name(k)) == 0)
			return k;
	return -1;
}

const char *
rule_verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_NONE: return "none";
	case VERDICT_FIRE: return "fire";
	case VERDICT_COOLDOWN: return "cooldown";
	case VERDICT_REARM: return "rearm";
	case VERDICT_NODATA: return "nodata";
	}
	return "?";
}
