/*
 * An alert: what fired, on which quote, and its textual forms (the log
 * line, the mail subject, a sentence for message bodies).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickerd.h"

/* Prices: two decimals, more for penny stocks. */
void
fmt_price(double v, char *out, size_t len)
{
	if (!isfinite(v))
		snprintf(out, len, "n/a");
	else if (fabs(v) < 1)
		snprintf(out, len, "%.4f", v);
	else
		snprintf(out, len, "%.2f", v);
}

void
alert_init(struct alert *a, const struct watch *w, const struct rule *r,
    const struct quote *q, const struct symref *ref, time_t now)
{
	memset(a, 0, sizeof(*a));
	tk_strlcpy(a->symbol, w->symbol, sizeof(a->symbol));
	tk_strlcpy(a->rule_text, r->text, sizeof(a->rule_text));
	a->rule = r;
	a->kind = r->kind;
	a->quote = *q;
	if ((r->kind == RULE_CLOSE_ABOVE || r->kind == RULE_CLOSE_BELOW) &&
	    ref->close_new)
		a->quote.price = ref->close;	/* the close is the news */
	q = &a->quote;
	a->threshold = rule_threshold(r, q, ref);
	a->change_pct = (isfinite(q->prev_close) && q->prev_close > 0) ?
	    (q->price - q->prev_close) / q->prev_close * 100 : NAN;
	a->range_pos = NAN;
	if (isfinite(q->high52) && isfinite(q->low52) &&
	    q->high52 > q->low52) {
		a->range_pos = (q->price - q->low52) /
		    (q->high52 - q->low52) * 100;
		if (a->range_pos < 0)
			a->range_pos = 0;
		if (a->range_pos > 100)
			a->range_pos = 100;
	}
	a->time = now;
	a->note = w->note ? xstrdup(w->note) : NULL;
}

void
alert_clear(struct alert *a)
{
	free(a->note);
	a->note = NULL;
}

/* alert CALX above 44.53: price 45.12 (+3.2% today), 52w 27.73-44.53 */
void
alert_line(const struct alert *a, char *out, size_t len)
{
	char	 price[32], hi[32], lo[32], chg[48] = "", rng[80] = "";

	fmt_price(a->quote.price, price, sizeof(price));
	if (isfinite(a->change_pct))
		snprintf(chg, sizeof(chg), " (%+.1f%% today)", a->change_pct);
	if (isfinite(a->quote.high52) && isfinite(a->quote.low52)) {
		fmt_price(a->quote.low52, lo, sizeof(lo));
		fmt_price(a->quote.high52, hi, sizeof(hi));
		snprintf(rng, sizeof(rng), ", 52w %s-%s", lo, hi);
	}
	snprintf(out, len, "alert %s %s: price %s%s%s", a->symbol,
	    a->rule_text, price, chg, rng);
}

/* The subject, without the "[tickerd] " tag: CALX 45.12 crossed above 44.53 */
void
alert_subject(const struct alert *a, char *out, size_t len)
{
	char	 price[32], thr[32];
	const char *val = a->rule ? a->rule->valtext : "";

	fmt_price(a->quote.price, price, sizeof(price));
	fmt_price(a->threshold, thr, sizeof(thr));
	switch (a->kind) {
	case RULE_ABOVE:
		snprintf(out, len, "%s %s crossed above %s", a->symbol, price,
		    val);
		break;
	case RULE_BELOW:
		snprintf(out, len, "%s %s crossed below %s", a->symbol, price,
		    val);
		break;
	case RULE_TARGET:
		snprintf(out, len, "%s %s price target reached (%s)",
		    a->symbol, price, val);
		break;
	case RULE_MOVE:
		snprintf(out, len, "%s %s moved %+.1f%% today", a->symbol,
		    price, a->change_pct);
		break;
	case RULE_NEAR_HIGH:
		snprintf(out, len, "%s %s within %s of its 52-week high",
		    a->symbol, price, val);
		break;
	case RULE_NEAR_LOW:
		snprintf(out, len, "%s %s within %s of its 52-week low",
		    a->symbol, price, val);
		break;
	case RULE_NEW_HIGH:
		snprintf(out, len, "%s %s new 52-week high (was %s)",
		    a->symbol, price, thr);
		break;
	case RULE_NEW_LOW:
		snprintf(out, len, "%s %s new 52-week low (was %s)",
		    a->symbol, price, thr);
		break;
	case RULE_CLOSE_ABOVE:
		snprintf(out, len, "%s closed at %s, above %s", a->symbol,
		    price, val);
		break;
	case RULE_CLOSE_BELOW:
		snprintf(out, len, "%s closed at %s, below %s", a->symbol,
		    price, val);
		break;
	}
}

/* One sentence for message bodies: what happened. */
void
alert_describe(const struct alert *a, char *out, size_t len)
{
	char	 price[32], thr[32];

	fmt_price(a->quote.price, price, sizeof(price));
	fmt_price(a->threshold, thr, sizeof(thr));
	switch (a->kind) {
	case RULE_ABOVE:
		snprintf(out, len, "%s rose to %s, at or above your "
		    "threshold of %s.", a->symbol, price, thr);
		break;
	case RULE_BELOW:
		snprintf(out, len, "%s fell to %s, at or below your "
		    "threshold of %s.", a->symbol, price, thr);
		break;
	case RULE_TARGET:
		snprintf(out, len, "%s reached your price target of %s "
		    "(price %s).", a->symbol, thr, price);
		break;
	case RULE_MOVE:
		snprintf(out, len, "%s moved %+.2f%% from the previous close, "
		    "more than your %s.", a->symbol, a->change_pct,
		    a->rule ? a->rule->valtext : "");
		break;
	case RULE_NEAR_HIGH:
		snprintf(out, len, "%s at %s is within %s of its 52-week high "
		    "(%s or more).", a->symbol, price,
		    a->rule ? a->rule->valtext : "", thr);
		break;
	case RULE_NEAR_LOW:
		snprintf(out, len, "%s at %s is within %s of its 52-week low "
		    "(%s or less).", a->symbol, price,
		    a->rule ? a->rule->valtext : "", thr);
		break;
	case RULE_NEW_HIGH:
		snprintf(out, len, "%s at %s broke its 52-week high of %s.",
		    a->symbol, price, thr);
		break;
	case RULE_NEW_LOW:
		snprintf(out, len, "%s at %s broke its 52-week low of %s.",
		    a->symbol, price, thr);
		break;
	case RULE_CLOSE_ABOVE:
	case RULE_CLOSE_BELOW:
		snprintf(out, len, "%s closed at %s (threshold %s).",
		    a->symbol, price, thr);
		break;
	}
}
