/*
 * Indicators on a symbol's daily closes (daily.c), as tickerd.conf(5)
 * defines them; the last close is today's live price.
 *
 *	SMA(n)	the mean of the last n closes.
 *	EMA(n)	seeded with the SMA of the first n closes of the history,
 *		then e = a * close + (1 - a) * e, a = 2 / (n + 1), close by
 *		close to the last.
 *	RSI(n)	Wilder's: the first averages of gains and losses are the
 *		means of the first n changes, then avg = (avg * (n - 1) +
 *		change) / n; RSI = 100 - 100 / (1 + gains / losses), 100
 *		when there were no losses (50 when neither).
 *
 * EMA and RSI run through the whole history: what they were at the last
 * completed session is kept, keyed by the history's version, so that a
 * quote costs one step, not a year's.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

double
ind_sma(const struct daily *d, int n)
{
	size_t	 len = daily_len(d), i;
	double	 sum = 0;

	if (n < 1 || len < (size_t)n)
		return NAN;
	for (i = len - (size_t)n; i < len; i++)
		sum += daily_at(d, i)->close;
	return sum / n;
}

/* The cache slot of (kind, n), fresh for the history's version. */
static struct icache *
slot(struct daily *d, int kind, int n, int *hit)
{
	struct icache	*c, *lru = &d->cache[0];
	size_t		 i;

	for (i = 0; i < ICACHE_MAX; i++) {
		c = &d->cache[i];
		if (c->kind == kind && c->n == n) {
			*hit = c->version == d->version && c->valid;
			c->version = d->version;
			return c;
		}
		if (c->n == 0 || c->used < lru->used)
			lru = c;
	}
	memset(lru, 0, sizeof(*lru));
	lru->kind = kind;
	lru->n = n;
	lru->version = d->version;
	*hit = 0;
	return lru;
}

/* EMA through closes [0, upto): *e, or -1 when fewer than n. */
static int
ema_run(const struct daily *d, int n, size_t upto, double *e)
{
	double	 a = 2.0 / (n + 1), sum = 0;
	size_t	 i;

	if (upto < (size_t)n)
		return -1;
	for (i = 0; i < (size_t)n; i++)
		sum += daily_at(d, i)->close;
	*e = sum / n;
	for (; i < upto; i++)
		*e = a * daily_at(d, i)->close + (1 - a) * *e;
	return 0;
}

double
ind_ema(struct daily *d, int n)
{
	struct icache	*c;
	size_t		 len = daily_len(d);
	double		 e, a = 2.0 / (n + 1);
	int		 hit;

	if (n < 1 || len < (size_t)n)
		return NAN;
	if (!d->has_today || d->n < (size_t)n)
		return ema_run(d, n, len, &e) == 0 ? e : NAN;
	c = slot(d, 'e', n, &hit);
	c->used = ++d->clock;
	if (!hit) {
		ema_run(d, n, d->n, &c->s[0]);
		c->valid = 1;
	}
	return a * d->today.close + (1 - a) * c->s[0];
}

/* Wilder's averages through closes [0, upto); -1 when too few. */
static int
rsi_run(const struct daily *d, int n, size_t upto, double *gain,
    double *loss)
{
	double	 ch;
	size_t	 i;

	if (upto < (size_t)n + 1)
		return -1;
	*gain = *loss = 0;
	for (i = 1; i <= (size_t)n; i++) {
		ch = daily_at(d, i)->close - daily_at(d, i - 1)->close;
		*gain += ch > 0 ? ch : 0;
		*loss += ch < 0 ? -ch : 0;
	}
	*gain /= n;
	*loss /= n;
	for (; i < upto; i++) {
		ch = daily_at(d, i)->close - daily_at(d, i - 1)->close;
		*gain = (*gain * (n - 1) + (ch > 0 ? ch : 0)) / n;
		*loss = (*loss * (n - 1) + (ch < 0 ? -ch : 0)) / n;
	}
	return 0;
}

static double
rsi_of(double gain, double loss)
{
	if (loss == 0)
		return gain == 0 ? 50 : 100;
	return 100 - 100 / (1 + gain / loss);
}

double
ind_rsi(struct daily *d, int n)
{
	struct icache	*c;
	size_t		 len = daily_len(d);
	double		 g, l, ch;
	int		 hit;

	if (n < 1 || len < (size_t)n + 1)
		return NAN;
	if (!d->has_today || d->n < (size_t)n + 1)
		return rsi_run(d, n, len, &g, &l) == 0 ? rsi_of(g, l) : NAN;
	c = slot(d, 'r', n, &hit);
	c->used = ++d->clock;
	if (!hit) {
		rsi_run(d, n, d->n, &c->s[0], &c->s[1]);
		c->valid = 1;
	}
	ch = d->today.close - d->v[d->n - 1].close;
	g = (c->s[0] * (n - 1) + (ch > 0 ? ch : 0)) / n;
	l = (c->s[1] * (n - 1) + (ch < 0 ? -ch : 0)) / n;
	return rsi_of(g, l);
}

/* The mean volume of the n completed sessions before today's. */
double
ind_avg_volume(const struct daily *d, int n)
{
	double	 sum = 0;
	size_t	 i, end = d->n;

	if (n < 1 || end < (size_t)n)
		return NAN;
	for (i = end - (size_t)n; i < end; i++) {
		if (!isfinite(d->v[i].volume))
			return NAN;
		sum += d->v[i].volume;
	}
	return sum / n;
}

/* A moving average of kind ma (MA_SMA, MA_EMA) over n closes. */
double
ind_ma(struct daily *d, int ma, int n)
{
	return ma == MA_EMA ? ind_ema(d, n) : ind_sma(d, n);
}
