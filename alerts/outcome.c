/*
 * What followed an alert: its forward returns and the largest rise and
 * fall after it, from the symbol's daily history (daily.c), as
 * tickerd.conf(5) defines them under REVIEW.
 *
 *	return after N days	the close of the N-th session after the
 *				alert's session, against the alert's price
 *	rise, fall		the highest high and the lowest low of the
 *				sessions after the alert's, up to the last
 *				horizon, against the alert's price
 *
 * Sessions are the bars of the history: the trading days of the symbol's
 * exchange.  And a summary of many: how often the move went the alert's
 * way, and the median returns.  Pure.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

#define ENDED_AFTER	45	/* calendar days without a session: ended */

void
outcome_init(struct outcome *o, const int *days, int n)
{
	int	 i;

	memset(o, 0, sizeof(*o));
	o->n = n > HORIZONS_MAX ? HORIZONS_MAX : n;
	for (i = 0; i < o->n; i++) {
		o->days[i] = days[i];
		o->ret[i] = o->close[i] = NAN;
	}
	o->rise = o->fall = o->hi0 = o->lo0 = NAN;
}

/* The index of the first completed bar after day. */
static size_t
after(const struct daily *d, long day)
{
	size_t	 lo = 0, hi = d->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->v[mid].day <= day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
differs(double a, double b)
{
	return !(isnan(a) && isnan(b)) && a != b;
}

/*
 * Fill o for an alert of price p0 in session day0 from the completed
 * sessions of d; today is the current date, for a symbol that stopped
 * trading.  Returns whether o changed.
 */
int
outcome_update(struct outcome *o, const struct daily *d, long day0,
    double p0, long today)
{
	struct outcome	 was = *o;
	const struct dbar *b;
	size_t		 i, first;
	int		 k, h, last = 0;
	double		 hi, lo;

	if (o->done || o->ended || d == NULL || !(p0 > 0))
		return 0;
	for (h = 0; h < o->n; h++)
		last = o->days[h] > last ? o->days[h] : last;
	first = after(d, day0);
	o->rise = o->fall = NAN;	/* from what d holds now */
	if (isfinite(o->hi0)) {		/* the rest of the alert's session */
		o->rise = (o->hi0 / p0 - 1) * 100;
		o->fall = (o->lo0 / p0 - 1) * 100;
	}
	for (i = first, k = 1; i < d->n && k <= last; i++, k++) {
		b = &d->v[i];
		for (h = 0; h < o->n; h++)
			if (o->days[h] == k) {
				o->ret[h] = (b->close / p0 - 1) * 100;
				o->close[h] = b->close;
			}
		hi = isfinite(b->high) ? fmax(b->high, b->close) : b->close;
		lo = isfinite(b->low) ? fmin(b->low, b->close) : b->close;
		hi = (hi / p0 - 1) * 100;
		lo = (lo / p0 - 1) * 100;
		o->rise = isfinite(o->rise) ? fmax(o->rise, hi) : hi;
		o->fall = isfinite(o->fall) ? fmin(o->fall, lo) : lo;
	}
	o->seen = k - 1;
	o->done = o->seen >= last;
	if (!o->done && today - (d->n > 0 && d->v[d->n - 1].day > day0 ?
	    d->v[d->n - 1].day : day0) > ENDED_AFTER)
		o->ended = 1;		/* no session for weeks: delisted */
	if (o->seen != was.seen || o->done != was.done ||
	    o->ended != was.ended || differs(o->rise, was.rise) ||
	    differs(o->fall, was.fall))
		return 1;
	for (h = 0; h < o->n; h++)
		if (differs(o->ret[h], was.ret[h]))
			return 1;
	return 0;
}

static int
by_value(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (sorted in place); NaN for none. */
double
outcome_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The summary of n outcomes with directions dir: how many, how many the
 * move at the middle horizon went their way (of those with a direction
 * and that return known), and the median return at each horizon.
 */
void
outcome_summary(const struct outcome *const *o, const int *dir, size_t n,
    struct summary *s)
{
	double	*v = xcalloc(n ? n : 1, sizeof(*v));
	size_t	 i, k;
	int	 h, mid;

	memset(s, 0, sizeof(*s));
	s->count = n;
	s->n = n > 0 ? o[0]->n : 0;
	mid = s->n / 2;
	for (i = 0; i < n; i++)
		if (dir[i] != 0 && isfinite(o[i]->ret[mid])) {
			s->judged++;
			s->followed += (o[i]->ret[mid] > 0) == (dir[i] > 0) &&
			    o[i]->ret[mid] != 0;
		}
	for (h = 0; h < s->n; h++) {
		for (i = k = 0; i < n; i++)
			if (h < o[i]->n && isfinite(o[i]->ret[h]))
				v[k++] = o[i]->ret[h];
		s->median[h] = outcome_median(v, k);
		s->days[h] = n > 0 ? o[0]->days[h] : 0;
	}
	free(v);
}
