/*
 * The rules traders set up, judged on the symbol's daily history
 * (daily.c, indicators.c) with the semantics of the level rules
 * (rules.c): fire on becoming true, re-arm beyond the hysteresis band,
 * once, cooldown.
 *
 *	cross above|below sma|ema N	the price crosses the average; a
 *					cross rule is armed only once it has
 *					seen the other side, so a price that
 *					has long been above is no cross
 *	sma N cross above|below sma M	the averages cross (golden, death)
 *	within P% of sma|ema N		the price within P% of the average
 *	rsi N above|below X		Wilder's RSI beyond X
 *	volume Kx avg N			today's volume so far at least K
 *					times the mean of the N sessions
 *					before; once a session
 *	gap P%				today's open P% or more from the
 *					previous close; once a session
 *	trailing-stop P%		the price P% below the highest
 *					seen since the rule was armed
 *	move P% in D			a move of P% either way between a
 *					price of the last D and now, within
 *					today's session
 *	earnings in Nd			N days or fewer before the next
 *					earnings date; once a date
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

/* The close of the session before today's, from the quote or history. */
static double
prev_close(const struct quote *q, const struct daily *d)
{
	if (isfinite(q->prev_close) && q->prev_close > 0)
		return q->prev_close;
	if (d->has_today && d->n > 0)
		return d->v[d->n - 1].close;
	return NAN;
}

/* The move of the last r->window seconds, in percent, signed. */
static double
move_in(const struct rule *r, const struct quote *q, const struct daily *d)
{
	double	 lo, hi, up, down;

	if (!daily_window(d, q->time, r->window, &lo, &hi) || lo <= 0)
		return NAN;
	up = (q->price - lo) / lo * 100;
	down = (q->price - hi) / hi * 100;
	return up >= -down ? up : down;
}

/*
 * The rule's figures on this quote into v (NaN: unknown): the average,
 * the second average, RSI, volume and its mean, the gap and the open,
 * the stop and the high, the move, the days to earnings and the date.
 * Returns 0, or -1 when what the rule needs is not known.
 */
int
trader_values(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, double v[2])
{
	struct daily	*d = ref->daily;
	double		 pc;

	v[0] = v[1] = NAN;
	if (d == NULL)
		return -1;
	switch (r->kind) {
	case RULE_CROSS_ABOVE:
	case RULE_CROSS_BELOW:
	case RULE_NEAR_MA:
		v[0] = ind_ma(d, r->ma, r->period);
		break;
	case RULE_MA_ABOVE:
	case RULE_MA_BELOW:
		v[0] = ind_ma(d, r->ma, r->period);
		v[1] = ind_ma(d, r->ma2, r->period2);
		return isfinite(v[0]) && isfinite(v[1]) ? 0 : -1;
	case RULE_RSI_ABOVE:
	case RULE_RSI_BELOW:
		v[0] = ind_rsi(d, r->period);
		break;
	case RULE_VOLUME:
		v[0] = d->has_today ? d->today.volume : NAN;
		v[1] = ind_avg_volume(d, r->period);
		return isfinite(v[0]) && isfinite(v[1]) && v[1] > 0 ? 0 : -1;
	case RULE_GAP:
		pc = prev_close(q, d);
		if (!d->has_today || !(pc > 0))
			return -1;
		v[1] = d->today.open;
		v[0] = (v[1] - pc) / pc * 100;
		break;
	case RULE_TRAILING:
		if (!(st->hwm > 0))
			return -1;
		v[1] = st->hwm;
		v[0] = st->hwm * (1 - r->value / 100);
		break;
	case RULE_MOVE_IN:
		v[0] = move_in(r, q, d);
		break;
	case RULE_EARNINGS:
		if (d->earnings_day == 0 || ref->cal_day == 0)
			return -1;
		v[1] = (double)d->earnings_day;
		v[0] = (double)(d->earnings_day - ref->cal_day);
		break;
	default:
		return -1;
	}
	return isfinite(v[0]) ? 0 : -1;
}

/* The level the rule compares with, where it has one; NaN otherwise. */
double
trader_threshold(const struct rule *r, const struct quote *q,
    const struct symref *ref)
{
	struct rule_state	 st = { 0 };
	double			 v[2];

	if (trader_values(r, q, ref, &st, v) == -1)
		return NAN;
	switch (r->kind) {
	case RULE_CROSS_ABOVE:
	case RULE_CROSS_BELOW:
	case RULE_NEAR_MA:
		return v[0];
	case RULE_MA_ABOVE:
	case RULE_MA_BELOW:
		return v[1];
	case RULE_RSI_ABOVE:
	case RULE_RSI_BELOW:
		return r->value;
	case RULE_VOLUME:
		return r->value * v[1];
	default:
		return NAN;
	}
}

/* Whether the rule's condition holds; *known 0 when it cannot say. */
int
trader_condition(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, int *known)
{
	double	 v[2];

	*known = trader_values(r, q, ref, st, v) == 0;
	if (!*known)
		return 0;
	switch (r->kind) {
	case RULE_CROSS_ABOVE:	return q->price > v[0];
	case RULE_CROSS_BELOW:	return q->price < v[0];
	case RULE_MA_ABOVE:	return v[0] > v[1];
	case RULE_MA_BELOW:	return v[0] < v[1];
	case RULE_NEAR_MA:
		return fabs(q->price - v[0]) / v[0] * 100 <= r->value + 1e-9;
	case RULE_RSI_ABOVE:	return v[0] > r->value;
	case RULE_RSI_BELOW:	return v[0] < r->value;
	case RULE_VOLUME:	return v[0] >= r->value * v[1];
	case RULE_GAP:
	case RULE_MOVE_IN:
		return fabs(v[0]) >= r->value - 1e-9;
	case RULE_TRAILING:	return q->price <= v[0];
	case RULE_EARNINGS:	return v[0] >= 0 && v[0] <= r->period;
	default:		return 0;
	}
}

/* The reference of the session (or date) a fired rule belongs to. */
double
trader_session_ref(const struct rule *r, const struct quote *q,
    const struct symref *ref)
{
	switch (r->kind) {
	case RULE_VOLUME:
	case RULE_GAP:
	case RULE_MOVE_IN:
		return (double)ref->cal_day;
	case RULE_EARNINGS:
		return ref->daily != NULL && ref->daily->earnings_day != 0 ?
		    (double)ref->daily->earnings_day : NAN;
	default:
		return NAN;
	}
}

/* Whether a fired rule is false beyond the band h (a fraction). */
int
trader_rearmed(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, double h)
{
	double	 v[2];

	if (trader_values(r, q, ref, st, v) == -1)
		return 0;
	switch (r->kind) {
	case RULE_CROSS_ABOVE:	return q->price < v[0] * (1 - h);
	case RULE_CROSS_BELOW:	return q->price > v[0] * (1 + h);
	case RULE_MA_ABOVE:	return v[0] < v[1] * (1 - h);
	case RULE_MA_BELOW:	return v[0] > v[1] * (1 + h);
	case RULE_NEAR_MA:
		return fabs(q->price - v[0]) / v[0] * 100 > r->value + h * 100;
	case RULE_RSI_ABOVE:	return v[0] < r->value * (1 - h);
	case RULE_RSI_BELOW:	return v[0] > r->value * (1 + h);
	case RULE_TRAILING:	return q->price > v[0] * (1 + h);
	case RULE_MOVE_IN:	return fabs(v[0]) < r->value - h * 100;
	default:		return 0;	/* a new session re-arms */
	}
}

/* A day as its date: 2026-12-02. */
static void
cal_format(long day, char *out, size_t len)
{
	int	 y, m, d;

	cal_date(day, &y, &m, &d);
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
}

/* "SMA 50", "EMA 20" */
static const char *
ma_name(int ma)
{
	return ma == MA_EMA ? "EMA" : "SMA";
}

/* A volume, short: 3.2M, 940K. */
static void
volume_text(double v, char *out, size_t len)
{
	if (v >= 1e9)
		snprintf(out, len, "%.2fB", v / 1e9);
	else if (v >= 1e6)
		snprintf(out, len, "%.2fM", v / 1e6);
	else if (v >= 1e4)
		snprintf(out, len, "%.1fK", v / 1e3);
	else
		snprintf(out, len, "%.0f", v);
}

/* The indicator as the alert line gives it: "RSI(14) 72.40". */
void
trader_value_text(const struct alert *a, char *out, size_t len)
{
	char	 x[32], y[32];

	*out = '\0';
	switch (a->kind) {
	case RULE_CROSS_ABOVE:
	case RULE_CROSS_BELOW:
	case RULE_NEAR_MA:
		snprintf(out, len, "%s %d %.2f", ma_name(a->ma), a->period,
		    a->ind[0]);
		break;
	case RULE_MA_ABOVE:
	case RULE_MA_BELOW:
		snprintf(out, len, "%s %d %.2f, %s %d %.2f", ma_name(a->ma),
		    a->period, a->ind[0], ma_name(a->ma2), a->period2,
		    a->ind[1]);
		break;
	case RULE_RSI_ABOVE:
	case RULE_RSI_BELOW:
		snprintf(out, len, "RSI(%d) %.2f", a->period, a->ind[0]);
		break;
	case RULE_VOLUME:
		volume_text(a->ind[0], x, sizeof(x));
		volume_text(a->ind[1], y, sizeof(y));
		snprintf(out, len, "volume %s, %.1fx the %d-day mean of %s", x,
		    a->ind[0] / a->ind[1], a->period, y);
		break;
	case RULE_GAP:
		snprintf(out, len, "gap %+.2f%%, open %.2f", a->ind[0],
		    a->ind[1]);
		break;
	case RULE_TRAILING:
		snprintf(out, len, "stop %.2f, high %.2f", a->ind[0],
		    a->ind[1]);
		break;
	case RULE_MOVE_IN:
		snprintf(out, len, "%+.2f%% in %s", a->ind[0], a->valtext);
		break;
	case RULE_EARNINGS:
		cal_format((long)a->ind[1], x, sizeof(x));
		snprintf(out, len, "earnings on %s", x);
		break;
	default:
		break;
	}
}

/*
 * The subject of an indicator alert, price first:
 * "CALX 45.12 USD: RSI(14) 72.4 crossed above 70".
 */
void
trader_subject(const struct alert *a, const char *price, char *out,
    size_t len)
{
	const char	*dir = a->kind == RULE_CROSS_ABOVE ||
			    a->kind == RULE_MA_ABOVE ||
			    a->kind == RULE_RSI_ABOVE ? "above" : "below";
	char		 x[32], y[32];
	int		 days = (int)a->ind[0];

	switch (a->kind) {
	case RULE_CROSS_ABOVE:
	case RULE_CROSS_BELOW:
		snprintf(out, len, "%s %s crossed %s %s %d %.2f", a->symbol,
		    price, dir, ma_name(a->ma), a->period, a->ind[0]);
		break;
	case RULE_MA_ABOVE:
	case RULE_MA_BELOW:
		snprintf(out, len, "%s %s: %s %d %.2f crossed %s %s %d %.2f",
		    a->symbol, price, ma_name(a->ma), a->period, a->ind[0],
		    dir, ma_name(a->ma2), a->period2, a->ind[1]);
		break;
	case RULE_NEAR_MA:
		snprintf(out, len, "%s %s within %s of %s %d %.2f", a->symbol,
		    price, a->valtext, ma_name(a->ma), a->period, a->ind[0]);
		break;
	case RULE_RSI_ABOVE:
	case RULE_RSI_BELOW:
		snprintf(out, len, "%s %s: RSI(%d) %.2f crossed %s %s",
		    a->symbol, price, a->period, a->ind[0], dir, a->valtext);
		break;
	case RULE_VOLUME:
		volume_text(a->ind[0], x, sizeof(x));
		volume_text(a->ind[1], y, sizeof(y));
		snprintf(out, len, "%s %s: volume %s, %.1fx its %d-day mean "
		    "of %s", a->symbol, price, x, a->ind[0] / a->ind[1],
		    a->period, y);
		break;
	case RULE_GAP:
		snprintf(out, len, "%s %s: gapped %s %.2f%% at the open "
		    "(%.2f)", a->symbol, price, a->ind[0] >= 0 ? "up" : "down",
		    fabs(a->ind[0]), a->ind[1]);
		break;
	case RULE_TRAILING:
		snprintf(out, len, "%s %s hit its %s trailing stop %.2f (high "
		    "%.2f)", a->symbol, price, a->valtext, a->ind[0],
		    a->ind[1]);
		break;
	case RULE_MOVE_IN:
		snprintf(out, len, "%s %s moved %+.2f%% within %s", a->symbol,
		    price, a->ind[0], a->valtext);
		break;
	case RULE_EARNINGS:
		cal_format((long)a->ind[1], x, sizeof(x));
		snprintf(out, len, "%s %s: earnings %s (%s)", a->symbol, price,
		    days == 0 ? "today" : days == 1 ? "tomorrow" : "soon", x);
		if (days > 1)
			snprintf(out, len, "%s %s: earnings in %d days (%s)",
			    a->symbol, price, days, x);
		break;
	default:
		snprintf(out, len, "%s %s %s", a->symbol, price, a->rule_text);
		break;
	}
}

/* One sentence for message bodies. */
void
trader_describe(const struct alert *a, char *out, size_t len)
{
	char	 val[128];

	trader_value_text(a, val, sizeof(val));
	snprintf(out, len, "%s: your rule \"%s\" fired; %s.", a->symbol,
	    a->rule_text, val);
}

/*
 * The rule's indicator on quote q now, as tickerctl alerts shows it
 * ("RSI(14) 64.20"); "" when it is not known or the rule has none.
 */
void
trader_now(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, char *out,
    size_t len)
{
	struct alert	 a;

	*out = '\0';
	if (!trader_rule(r->kind) || q->price <= 0)
		return;
	memset(&a, 0, sizeof(a));
	a.kind = r->kind;
	a.period = r->period;
	a.period2 = r->period2;
	a.ma = r->ma;
	a.ma2 = r->ma2;
	tk_strlcpy(a.valtext, r->valtext, sizeof(a.valtext));
	if (trader_values(r, q, ref, st, a.ind) == -1)
		snprintf(out, len, "not known yet");
	else
		trader_value_text(&a, out, len);
}
