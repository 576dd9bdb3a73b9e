/*
 * An alert: what fired, on which quote, and its textual forms (the log
 * line, the mail subject, a sentence for message bodies).
 */
#include "config.h"

#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

/*
 * An amount in the quote's currency, as the exchange quotes it: "44.65
 * USD", "260.40 GBp" (pence); the bare number when the currency is not
 * known.
 */
static void
money(const struct alert *a, double v, char *out, size_t len)
{
	char	 n[32];

	fmt_price(v, n, sizeof(n));
	if (a->quote.currency[0] != '\0' && isfinite(v))
		snprintf(out, len, "%s %s", n, a->quote.currency);
	else
		snprintf(out, len, "%s", n);
}

/* The trading day of a close: "2026-03-06". */
static void
close_date(const struct alert *a, char *out, size_t len)
{
	int	 y, m, d;

	if (a->close_day == 0) {
		*out = '\0';
		return;
	}
	cal_date(a->close_day, &y, &m, &d);
	snprintf(out, len, " on %04d-%02d-%02d", y, m, d);
}

/* Where the price sits in its 52-week range, 0 to 100; NaN: unknown. */
static double
range_pos(const struct quote *q)
{
	double	 pos;

	if (!isfinite(q->high52) || !isfinite(q->low52) ||
	    q->high52 <= q->low52)
		return NAN;
	pos = (q->price - q->low52) / (q->high52 - q->low52) * 100;
	return pos < 0 ? 0 : pos > 100 ? 100 : pos;
}

/*
 * The alert of rule r of the watch of symbol (with its note) on quote q,
 * judged at now.
 */
void
alert_init(struct alert *a, const char *symbol, const char *note,
    const struct rule *r, const struct quote *q, const struct symref *ref,
    time_t now)
{
	memset(a, 0, sizeof(*a));
	tk_strlcpy(a->symbol, symbol, sizeof(a->symbol));
	/* cut between characters, or the JSON of its messages would fail */
	text_take(a->rule_text, sizeof(a->rule_text), r->text, strlen(r->text));
	a->rule = r;
	text_take(a->valtext, sizeof(a->valtext), r->valtext ? r->valtext : "",
	    r->valtext ? strlen(r->valtext) : 0);
	a->once = r->once;
	a->urgent = r->urgent;
	a->kind = r->kind;
	a->quote = *q;
	if ((r->kind == RULE_CLOSE_ABOVE || r->kind == RULE_CLOSE_BELOW) &&
	    ref->close_new) {
		a->quote.price = ref->close;	/* the close is the news */
		a->close_day = ref->close_day;
	}
	q = &a->quote;
	a->threshold = rule_threshold(r, q, ref);
	a->change_pct = rule_change_pct(q);
	a->range_pos = range_pos(q);
	a->time = now;
	a->note = note ? xstrdup(note) : NULL;
	a->period = r->period;
	a->period2 = r->period2;
	a->ma = r->ma;
	a->ma2 = r->ma2;
	a->value = r->value;
	a->ind[0] = a->ind[1] = NAN;
}

/* An indicator rule's figures when it fired, st its state then. */
void
alert_values(struct alert *a, const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st)
{
	if (trader_rule(r->kind))
		trader_values(r, q, ref, st, a->ind);
}

/*
 * The alert of a test message through notifier `name' (tickerctl test),
 * on the newest quote of symbol, or on none (q NULL).
 */
void
alert_test(struct alert *a, const char *name, const char *symbol,
    const struct quote *q, time_t now)
{
	memset(a, 0, sizeof(*a));
	a->test = 1;
	a->kind = RULE_ABOVE;
	tk_strlcpy(a->rule_text, name, sizeof(a->rule_text));
	tk_strlcpy(a->symbol, symbol, sizeof(a->symbol));
	if (q != NULL)
		a->quote = *q;
	else {
		a->quote.price = a->quote.prev_close = NAN;
		a->quote.high52 = a->quote.low52 = NAN;
		a->quote.time = now;
	}
	a->threshold = a->range_pos = NAN;
	a->change_pct = rule_change_pct(&a->quote);
	a->time = now;
}

/* A problem notice (tickerd.conf(5), PROBLEMS): no rule, no quote. */
void
alert_notice(struct alert *a, const char *subject, const char *text,
    time_t now)
{
	alert_test(a, "", "", NULL, now);
	a->test = 0;
	tk_strlcpy(a->rule_text, subject, sizeof(a->rule_text));
	a->notice = xstrdup(text);
}

/*
 * An event rule's alert (a filing): what happened, in one line, and the
 * page that shows it (or NULL).  The quote is the symbol's latest.
 */
void
alert_event(struct alert *a, const char *event, const char *link)
{
	free(a->event);
	free(a->link);
	a->event = xstrdup(event);
	a->link = link != NULL ? xstrdup(link) : NULL;
}

void
alert_clear(struct alert *a)
{
	free(a->event);
	free(a->link);
	a->event = a->link = NULL;
	free(a->note);
	a->note = NULL;
	free(a->notice);
	a->notice = NULL;
}

/* " pre-market", " after hours", " overnight"; "" for the regular session. */
static const char *
hours_text(const struct alert *a)
{
	static char	 s[4][16];
	int		 qs = a->quote.session;

	if (qs != QS_PRE && qs != QS_POST && qs != QS_NIGHT)
		return "";
	snprintf(s[qs - QS_PRE], sizeof(s[0]), " %s", market_hours_name(qs));
	return s[qs - QS_PRE];
}

/* What hours_text() said, read back; QS_NONE for none. */
static int
hours_from_name(const char *name)
{
	int	 qs;

	for (qs = QS_PRE; name != NULL && qs <= QS_NIGHT; qs++)
		if (strcmp(name, market_hours_name(qs)) == 0)
			return qs;
	return QS_NONE;
}

/* alert CALX above 44.53: price 45.12 (+3.2% today), 52w 27.73-44.53 */
void
alert_line(const struct alert *a, char *out, size_t len)
{
	char	 price[48], hi[32], lo[32], chg[48] = "", rng[80] = "", day[24];
	char	 ind[160] = "", late[160];

	if (a->test) {
		snprintf(out, len, "test message from tickerd (%s)",
		    a->rule_text);
		return;
	}
	if (a->notice != NULL) {
		snprintf(out, len, "problem: %s", a->rule_text);
		return;
	}
	if (a->event != NULL) {
		snprintf(out, len, "alert %s %s: %s%s%s", a->symbol,
		    a->rule_text, a->event, a->link ? " " : "",
		    a->link ? a->link : "");
		return;
	}
	money(a, a->quote.price, price, sizeof(price));
	if (isfinite(a->change_pct))
		snprintf(chg, sizeof(chg), " (%+.1f%% today)", a->change_pct);
	if (isfinite(a->quote.high52) && isfinite(a->quote.low52)) {
		fmt_price(a->quote.low52, lo, sizeof(lo));
		fmt_price(a->quote.high52, hi, sizeof(hi));
		snprintf(rng, sizeof(rng), ", 52w %s-%s", lo, hi);
	}
	close_date(a, day, sizeof(day));	/* a close: which day's */
	if (trader_rule(a->kind))
		trader_value_text(a, ind + 2, sizeof(ind) - 2);
	else if (a->kind == RULE_WHEN)
		snprintf(ind + 2, sizeof(ind) - 2, "%.150s", a->figures);
	if (ind[2] != '\0')
		memcpy(ind, ", ", 2);
	snprintf(out, len, "alert %s %s: price %s%s%s%s%s%s%s%s", a->symbol,
	    a->rule_text, price, hours_text(a), day, chg, ind[2] ? ind : "",
	    rng, a->late ? "; " : "", alert_late(a, late, sizeof(late)));
}

/*
 * What an alert that fired while the state directory was full says when
 * it goes out, later: "price crossed 44.53 at 10:31 EST (15:31 UTC)
 * while the state directory was full".  "" for any other alert.
 */
const char *
alert_late(const struct alert *a, char *out, size_t len)
{
	char	 when[64], thr[32];

	if (!a->late)
		return "";
	exchange_fmt_time(a->quote.ex, a->time, 0, when, sizeof(when));
	if (isfinite(a->threshold)) {
		fmt_price(a->threshold, thr, sizeof(thr));
		snprintf(out, len, "price crossed %s at %s while the state "
		    "directory was full", thr, when);
	} else
		snprintf(out, len, "fired at %s while the state directory "
		    "was full", when);
	return out;
}

/* The subject, without the "[tickerd] " tag: CALX 45.12 crossed above 44.53 */
void
alert_subject(const struct alert *a, char *out, size_t len)
{
	char	 price[48], thr[32], day[24];
	const char *val = a->valtext;

	if (a->test) {
		snprintf(out, len, "test message (%s)", a->rule_text);
		return;
	}
	if (a->notice != NULL) {
		snprintf(out, len, "%s", a->rule_text);
		return;
	}
	if (a->event != NULL) {
		snprintf(out, len, "%s", a->event);
		return;
	}
	money(a, a->quote.price, price, sizeof(price));
	close_date(a, day, sizeof(day));
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
		snprintf(out, len, "%s closed at %s%s, above %s", a->symbol,
		    price, day, val);
		break;
	case RULE_CLOSE_BELOW:
		snprintf(out, len, "%s closed at %s%s, below %s", a->symbol,
		    price, day, val);
		break;
	case RULE_WHEN:
		snprintf(out, len, "%s %s: %s", a->symbol, price, a->rule_text);
		break;
	default:
		trader_subject(a, price, out, len);
		break;
	}
	if (*hours_text(a) != '\0' && strlen(out) + 16 < len)
		snprintf(out + strlen(out), len - strlen(out), " (%s)",
		    hours_text(a) + 1);
}

/* One sentence for message bodies: what happened. */
void
alert_describe(const struct alert *a, char *out, size_t len)
{
	char	 price[48], thr[48], day[24];

	if (a->test) {
		snprintf(out, len, "This is a test message from tickerd, sent "
		    "with \"tickerctl test\" through the notifier \"%s\". No "
		    "rule fired; the figures below are %s's latest quote.",
		    a->rule_text, a->symbol);
		return;
	}
	if (a->notice != NULL) {
		snprintf(out, len, "%s", a->notice);
		return;
	}
	if (a->event != NULL) {
		money(a, a->quote.price, price, sizeof(price));
		snprintf(out, len, "%s.%s%s%s%s", a->event, isfinite(
		    a->quote.price) ? " Last price: " : "", isfinite(
		    a->quote.price) ? price : "", a->link ? ". The filing: " :
		    "", a->link ? a->link : "");
		return;
	}
	money(a, a->quote.price, price, sizeof(price));
	money(a, a->threshold, thr, sizeof(thr));
	close_date(a, day, sizeof(day));
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
		    a->valtext);
		break;
	case RULE_NEAR_HIGH:
		snprintf(out, len, "%s at %s is within %s of its 52-week high "
		    "(%s or more).", a->symbol, price,
		    a->valtext, thr);
		break;
	case RULE_NEAR_LOW:
		snprintf(out, len, "%s at %s is within %s of its 52-week low "
		    "(%s or less).", a->symbol, price,
		    a->valtext, thr);
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
		snprintf(out, len, "%s closed at %s%s (threshold %s).",
		    a->symbol, price, day, thr);
		break;
	case RULE_WHEN:
		snprintf(out, len, "%s at %s: %s.", a->symbol, price,
		    a->rule_text);
		break;
	default:
		trader_describe(a, out, len);
		break;
	}
}

/*
 * An alert as a JSON object: the webhook's body, and what the outbox
 * keeps to compose a digest later.  alert_from_json() reads it back.
 */
char *
alert_json(const struct alert *a)
{
	json_t	*j;
	char	 line[512], when[32], qwhen[32], *text;

	alert_line(a, line, sizeof(line));
	fmt_time(a->time, FMT_ISO, when, sizeof(when));
	fmt_time(a->quote.time, FMT_ISO, qwhen, sizeof(qwhen));
	/* jtext(): a quote's currency or a note of any bytes is held */
	j = json_pack("{s:o, s:o, s:s, s:o, s:b, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:I}",
	    "symbol", jtext(a->symbol), "rule", jtext(a->rule_text),
	    "kind", rule_kind_name(a->kind), "value", jtext(a->valtext),
	    "once", a->once, "price", jnum(a->quote.price),
	    "threshold", jnum(a->threshold), "change_pct", jnum(a->change_pct),
	    "prev_close", jnum(a->quote.prev_close),
	    "high52", jnum(a->quote.high52), "low52", jnum(a->quote.low52),
	    "range_pos", jnum(a->range_pos), "time", when, "quote_time", qwhen,
	    "message", jtext(line), "note", a->note != NULL ? jtext(a->note) :
	    json_null(), "currency", jtext(a->quote.currency),
	    "exchange", jtext(a->quote.ex != NULL ? a->quote.ex->name : ""),
	    "close_day", (json_int_t)a->close_day);
	if (j != NULL && a->late)
		json_object_set_new(j, "late", json_true());
	if (j != NULL && a->urgent)
		json_object_set_new(j, "urgent", json_true());
	if (j != NULL && a->figures[0] != '\0')
		json_object_set_new(j, "figures", jtext(a->figures));
	if (j != NULL && a->event != NULL)
		json_object_set_new(j, "event", jtext(a->event));
	if (j != NULL && a->link != NULL)
		json_object_set_new(j, "link", jtext(a->link));
	if (j != NULL && *hours_text(a) != '\0')
		json_object_set_new(j, "session", json_string(hours_text(a) +
		    1));
	if (j != NULL && trader_rule(a->kind))
		json_object_set_new(j, "indicator", json_pack("{s:o, s:o, s:i, "
		    "s:i, s:i, s:i, s:o}", "value", jnum(a->ind[0]), "value2",
		    jnum(a->ind[1]), "period", a->period, "period2", a->period2,
		    "ma", a->ma, "ma2", a->ma2, "figure", jnum(a->value)));
	text = j != NULL ? json_dumps(j, JSON_COMPACT |
	    JSON_REAL_PRECISION(15)) : NULL;
	json_decref(j);
	return text != NULL ? text : xstrdup("{}");	/* out of memory */
}

/* What alert_json() said of an indicator rule's figures. */
static void
indicator_from_json(json_t *o, struct alert *a)
{
	a->ind[0] = a->ind[1] = a->value = NAN;
	if (o == NULL)
		return;
	a->ind[0] = jget(o, "value");
	a->ind[1] = jget(o, "value2");
	a->value = jget(o, "figure");
	a->period = (int)jint(o, "period");
	a->period2 = (int)jint(o, "period2");
	a->ma = (int)jint(o, "ma");
	a->ma2 = (int)jint(o, "ma2");
}

int
alert_from_json(const char *text, struct alert *a)
{
	json_t		*j;
	const char	*sym, *rule, *kind, *val, *note, *cur;
	int		 k;

	memset(a, 0, sizeof(*a));
	if ((j = json_loads(text, 0, NULL)) == NULL)
		return -1;
	sym = json_string_value(json_object_get(j, "symbol"));
	rule = json_string_value(json_object_get(j, "rule"));
	kind = json_string_value(json_object_get(j, "kind"));
	val = json_string_value(json_object_get(j, "value"));
	note = json_string_value(json_object_get(j, "note"));
	if (sym == NULL || rule == NULL || kind == NULL)
		goto bad;
	if ((k = rule_kind_from_name(kind)) == -1)
		goto bad;
	a->kind = k;
	tk_strlcpy(a->symbol, sym, sizeof(a->symbol));
	tk_strlcpy(a->quote.symbol, sym, sizeof(a->quote.symbol));
	tk_strlcpy(a->rule_text, rule, sizeof(a->rule_text));
	tk_strlcpy(a->valtext, val ? val : "", sizeof(a->valtext));
	a->once = json_is_true(json_object_get(j, "once"));
	a->late = json_is_true(json_object_get(j, "late"));
	a->urgent = json_is_true(json_object_get(j, "urgent"));
	tk_strlcpy(a->figures, jstr(j, "figures"), sizeof(a->figures));
	a->quote.session = hours_from_name(json_string_value(
	    json_object_get(j, "session")));
	a->quote.price = jget(j, "price");
	a->quote.prev_close = jget(j, "prev_close");
	a->quote.high52 = jget(j, "high52");
	a->quote.low52 = jget(j, "low52");
	a->quote.volume = -1;
	cur = json_string_value(json_object_get(j, "currency"));
	tk_strlcpy(a->quote.currency, cur ? cur : "",
	    sizeof(a->quote.currency));
	a->quote.ex = exchange_find(json_string_value(json_object_get(j,
	    "exchange")));
	a->close_day = (long)json_integer_value(json_object_get(j,
	    "close_day"));
	a->threshold = jget(j, "threshold");
	a->change_pct = jget(j, "change_pct");
	a->range_pos = jget(j, "range_pos");
	a->time = fmt_parse_iso_time(json_string_value(json_object_get(j, "time")));
	a->quote.time = fmt_parse_iso_time(json_string_value(
	    json_object_get(j, "quote_time")));
	if (json_is_string(json_object_get(j, "event")))
		alert_event(a, jstr(j, "event"), json_string_value(
		    json_object_get(j, "link")));
	if ((!isfinite(a->quote.price) && a->event == NULL) || a->time == -1) {
		alert_clear(a);
		goto bad;
	}
	indicator_from_json(json_object_get(j, "indicator"), a);
	a->note = note ? xstrdup(note) : NULL;
	json_decref(j);
	return 0;
 bad:
	json_decref(j);
	return -1;
}
