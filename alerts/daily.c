/*
 * A symbol's daily history: its completed sessions (date, open, high,
 * low, close, volume), from the provider's history endpoint and from
 * the quotes the daemon sees, and the session of the latest quote as its
 * quotes build it.  The indicator rules read it (indicators.c): today's
 * live price stands in for today's close.  It also keeps the last hours
 * of quotes for `move X% in D'.
 *
 * A day's bar is completed when a quote of a later session arrives; a
 * history from the provider replaces the completed bars it covers, so a
 * split the provider has adjusted for leaves no unadjusted bar behind.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

#define TICKS_MAX	8192		/* quotes kept for move-in rules */
#define TICKS_AGE	(6 * 3600)	/* and for at most this long */

struct daily *
daily_new(void)
{
	struct daily	*d = xcalloc(1, sizeof(*d));

	d->earnings_day = 0;
	return d;
}

void
daily_free(struct daily *d)
{
	if (d == NULL)
		return;
	free(d->v);
	free(d->ticks);
	free(d->alerts);
	free(d->apos);
	free(d->dayp);
	free(d->pend);
	free(d);
}

/* Add bar b after the last (its day is later). */
static void
push(struct daily *d, const struct dbar *b)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n++] = *b;
	if (d->n > DAILY_MAX) {
		memmove(d->v, d->v + (d->n - DAILY_MAX),
		    DAILY_MAX * sizeof(*d->v));
		d->n = DAILY_MAX;
	}
}

/* The completed bar of day, or NULL. */
const struct dbar *
daily_bar(const struct daily *d, long day)
{
	size_t	 lo = 0, hi = d->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->v[lo].day == day ? &d->v[lo] : NULL;
}

/* Today's bar is over: it joins the completed ones. */
static void
complete_today(struct daily *d)
{
	if (!d->has_today)
		return;
	while (d->n > 0 && d->v[d->n - 1].day >= d->today.day)
		d->n--;			/* replaced by what the quotes saw */
	push(d, &d->today);
	d->has_today = 0;
	d->version++;
	d->dirty = 1;
}

/* An alert of session day, numbered seq by the review. */
void
daily_alert(struct daily *d, long day, unsigned long seq)
{
	if (d->alert_day != day)
		d->nalerts = d->ndayp = 0;
	d->alert_day = day;
	if (d->nalerts == d->calerts) {
		d->calerts = d->calerts ? d->calerts * 2 : 4;
		d->alerts = xreallocarray(d->alerts, d->calerts,
		    sizeof(*d->alerts));
		d->apos = xreallocarray(d->apos, d->calerts,
		    sizeof(*d->apos));
	}
	d->apos[d->nalerts] = d->ndayp;
	d->alerts[d->nalerts++] = seq;
	if (d->npend == d->cpend) {
		d->cpend = d->cpend ? d->cpend * 2 : 4;
		d->pend = xreallocarray(d->pend, d->cpend, sizeof(*d->pend));
	}
	d->pend[d->npend++] = seq;
}

/* A price of the session of the latest alerts, after them. */
void
daily_after_alert(struct daily *d, double price)
{
	if (d->ndayp == d->cdayp) {
		d->cdayp = d->cdayp ? d->cdayp * 2 : 64;
		d->dayp = xreallocarray(d->dayp, d->cdayp, sizeof(*d->dayp));
	}
	d->dayp[d->ndayp++] = price;
}

/*
 * The highest and lowest price after each alert of that session so far,
 * to fn(seq, high, low, arg); a suffix of the prices, one pass.
 */
void
daily_alert_extremes(const struct daily *d,
    void (*fn)(unsigned long, double, double))
{
	double	 hi = -INFINITY, lo = INFINITY;
	size_t	 i = d->ndayp, k = d->nalerts;

	while (k-- > 0) {
		while (i > d->apos[k]) {
			i--;
			hi = fmax(hi, d->dayp[i]);
			lo = fmin(lo, d->dayp[i]);
		}
		if (isfinite(hi))
			fn(d->alerts[k], hi, lo);
	}
}

/* The end of the quotes (a backtest's file): today's session is over. */
void
daily_close(struct daily *d)
{
	complete_today(d);
}

/* Remember a quote for the move-in rules; forget what is too old. */
static void
tick(struct daily *d, time_t t, double p)
{
	size_t	 keep;

	if (!d->want_ticks ||
	    (d->nticks > 0 && t < d->ticks[d->nticks - 1].t))
		return;
	if (d->nticks == TICKS_MAX || (d->nticks > 0 &&
	    d->ticks[0].t < t - TICKS_AGE)) {
		for (keep = 0; keep < d->nticks &&
		    (d->ticks[keep].t < t - TICKS_AGE ||
		    d->nticks - keep >= TICKS_MAX); keep++)
			;
		memmove(d->ticks, d->ticks + keep,
		    (d->nticks - keep) * sizeof(*d->ticks));
		d->nticks -= keep;
	}
	if (d->ticks == NULL)
		d->ticks = xcalloc(TICKS_MAX, sizeof(*d->ticks));
	d->ticks[d->nticks].t = t;
	d->ticks[d->nticks].p = p;
	d->nticks++;
}

/*
 * A quote of session day: it opens the day's bar (completing the one
 * before) or extends it.  A quote of an earlier session is ignored.
 */
void
daily_quote(struct daily *d, const struct quote *q, long day)
{
	struct dbar	*t = &d->today;
	int		 vol = q->volume >= 0;

	if (d->has_today && day < t->day)
		return;
	if (!(q->price > 0 && q->price < PRICE_LIMIT))
		return;		/* no session's bar: see dbar_problem() */
	if (d->has_today && day > t->day)
		complete_today(d);
	if (!d->has_today) {
		d->has_today = 1;
		t->day = day;
		t->open = q->open > 0 ? q->open : q->price;
		t->high = t->low = q->price;
		t->volume = vol ? (double)q->volume : NAN;
		d->nticks = 0;		/* a move-in rule's window: today's */
		/* the provider's bar of today so far: its open and range */
		while (d->n > 0 && d->v[d->n - 1].day >= day) {
			if (d->v[d->n - 1].day == day) {
				t->open = d->v[d->n - 1].open;
				t->high = fmax(t->high, d->v[d->n - 1].high);
				t->low = fmin(t->low, d->v[d->n - 1].low);
			}
			d->n--;
			d->version++;
		}
	}
	if (q->open > 0)
		t->open = q->open;
	t->high = fmax(t->high, q->day_high > 0 ? fmax(q->day_high, q->price) :
	    q->price);
	t->low = fmin(t->low, q->day_low > 0 ? fmin(q->day_low, q->price) :
	    q->price);
	t->close = q->price;
	if (vol)
		t->volume = (double)q->volume;
	if (q->earnings > 0 && market_day(q->ex, q->earnings) >= day)
		d->earnings_day = market_day(q->ex, q->earnings);
	if (d->earnings_day != 0 && d->earnings_day < day)
		d->earnings_day = 0;		/* reported: the next is not known */
	tick(d, q->time, q->price);
}

/*
 * A history from the provider (n bars by day, completed sessions and
 * perhaps the current one): it replaces every completed bar from its
 * first day on.  Returns the ratio by which the provider's closes differ
 * from those kept for the same days (1 when they agree, a split's ratio
 * when it adjusted them; NaN when no day is shared).
 */
double
daily_replace(struct daily *d, const struct dbar *b, size_t n)
{
	const struct dbar	*old;
	double			 ratio = NAN, r;
	size_t			 i, keep;

	for (i = 0; i < n; i++)
		if ((old = daily_bar(d, b[i].day)) != NULL && old->close > 0 &&
		    b[i].close > 0) {
			r = b[i].close / old->close;
			if (!isfinite(ratio) || fabs(r - 1) > fabs(ratio - 1))
				ratio = r;
		}
	for (keep = 0; keep < d->n && (n == 0 || d->v[keep].day < b[0].day);
	    keep++)
		;
	if (isfinite(ratio) && fabs(ratio - 1) > 0.01)
		keep = 0;		/* adjusted: none of the old is kept */
	d->n = keep;
	for (i = 0; i < n; i++) {
		if (d->has_today && b[i].day >= d->today.day)
			break;		/* today's is the quotes' */
		if (d->n > 0 && b[i].day <= d->v[d->n - 1].day)
			continue;
		push(d, &b[i]);
	}
	d->version++;
	d->dirty = 1;
	return ratio;
}

/* Closes of the completed bars, then today's (the live price). */
size_t
daily_len(const struct daily *d)
{
	return d->n + (d->has_today ? 1 : 0);
}

const struct dbar *
daily_at(const struct daily *d, size_t i)
{
	return i < d->n ? &d->v[i] : &d->today;
}

/*
 * The lowest and highest price of the quotes of the last `window'
 * seconds up to t (today's session only); 0 when fewer than two.
 */
int
daily_window(const struct daily *d, time_t t, time_t window, double *lo,
    double *hi)
{
	size_t	 i = d->nticks, n = 0;

	*lo = INFINITY;
	*hi = -INFINITY;
	while (i > 0 && d->ticks[i - 1].t >= t - window) {
		i--;
		if (d->ticks[i].t > t)
			continue;
		*lo = fmin(*lo, d->ticks[i].p);
		*hi = fmax(*hi, d->ticks[i].p);
		n++;
	}
	return n >= 2;
}

/*
 * Why b cannot be a session's bar, or NULL when it can: every bar is
 * checked where it enters (a provider's history, daily/SYMBOL.csv), so
 * that none is kept that a replay of it would refuse.  Prices are
 * positive, finite and below PRICE_LIMIT, the high is not below the low,
 * and the date is no later than latest (the newest session there can be).
 */
const char *
dbar_problem(const struct dbar *b, long latest)
{
	const double	*p[3] = { &b->open, &b->high, &b->low };
	size_t		 i;

	if (b->day <= 0 || b->day > latest)
		return "a date that is no past session";
	if (!isfinite(b->close) || b->close <= 0 || b->close >= PRICE_LIMIT)
		return "a close that is not a price";
	for (i = 0; i < 3; i++)
		if (!isnan(*p[i]) && (!isfinite(*p[i]) || *p[i] <= 0 ||
		    *p[i] >= PRICE_LIMIT))
			return "an open, high or low that is not a price";
	if (isfinite(b->high) && isfinite(b->low) && b->high < b->low)
		return "a high below its low";
	if (!isnan(b->volume) && (!isfinite(b->volume) || b->volume < 0 ||
	    b->volume >= 1e15))
		return "a volume that is not a count";
	return NULL;
}
