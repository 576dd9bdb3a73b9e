/*
 * The rules on the daily history, in a watch block (alerts/trader.c):
 *
 *	cross above sma 50		sma 50 cross above sma 200
 *	within 1% of sma 200		rsi 14 above 70
 *	volume 3x avg 20		gap 4%
 *	trailing-stop 8%		move 3% in 30m
 *	earnings in 3d
 *
 * Each rule's text, its identity, is written the one way whatever the
 * spacing: "sma 50 cross above sma 200".
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "providers/providers.h"
#include "config/parser.h"

#define PERIOD_MAX	500	/* days: what the history can hold */

/* A rule of kind, its figure v as written (valtext), at line. */
struct rule *
rule_new(struct parser *p, enum rule_kind kind, double v, const char *valtext,
    int line)
{
	struct rule	*r = xcalloc(1, sizeof(*r));

	r->kind = kind;
	r->hours = -1;	/* the watch's */
	r->value = v;
	r->valtext = xstrdup(valtext);
	r->file = p->lx->file;
	r->line = line;
	return r;
}

/* The next word, which must be one of the two given; 0, 1, or -1. */
static int
either(struct parser *p, const char *kw, const char *a, const char *b)
{
	char	*s;
	int	 vline, k = -1;

	if ((s = read_value(p, kw, &vline)) == NULL)
		return -1;
	if (strcmp(s, a) == 0)
		k = 0;
	else if (strcmp(s, b) == 0)
		k = 1;
	else
		lex_error(p, vline, "%s: expected %s or %s, got \"%s\"", kw, a, b, s);
	free(s);
	return k;
}

/* The word that must come next. */
static int
expect(struct parser *p, const char *kw, const char *want)
{
	char	*s;
	int	 vline, ok;

	if ((s = read_value(p, kw, &vline)) == NULL)
		return -1;
	if (!(ok = strcmp(s, want) == 0))
		lex_error(p, vline, "%s: expected \"%s\", got \"%s\"", kw, want, s);
	free(s);
	return ok ? 0 : -1;
}

/* A whole number from 1 to max. */
static int
number(struct parser *p, const char *kw, long max, int *out)
{
	char	*s, *end;
	long	 n;
	int	 vline;

	if ((s = read_value(p, kw, &vline)) == NULL)
		return -1;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 1 || n > max) {
		lex_error(p, vline, "%s: \"%s\" is not a whole number from 1 to %ld",
		    kw, s, max);
		free(s);
		return -1;
	}
	*out = (int)n;
	free(s);
	return 0;
}

/* sma N | ema N, its name already read (or read here when first is NULL). */
static int
average(struct parser *p, const char *kw, const char *first, int *ma,
    int *n)
{
	int	 k;

	if (first != NULL)
		k = strcmp(first, "ema") == 0;
	else if ((k = either(p, kw, "sma", "ema")) == -1)
		return -1;
	*ma = k ? MA_EMA : MA_SMA;
	return number(p, kw, PERIOD_MAX, n);
}

static const char *
ma_word(int ma)
{
	return ma == MA_EMA ? "ema" : "sma";
}

/* cross above|below sma|ema N */
struct rule *
rule_cross(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	int		 dir, ma, n;

	if ((dir = either(p, "cross", "above", "below")) == -1 ||
	    average(p, "cross", NULL, &ma, &n) == -1)
		return NULL;
	r = rule_new(p, dir ? RULE_CROSS_BELOW : RULE_CROSS_ABOVE, 0, "",
	    line);
	r->ma = ma;
	r->period = n;
	xasprintf(&r->text, "cross %s %s %d", dir ? "below" : "above",
	    ma_word(ma), n);
	return r;
}

/* sma|ema N cross above|below sma|ema M */
struct rule *
rule_ma_cross(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	int		 dir, ma, n, ma2, m;

	if (average(p, kw, kw, &ma, &n) == -1 ||
	    expect(p, kw, "cross") == -1 ||
	    (dir = either(p, kw, "above", "below")) == -1 ||
	    average(p, kw, NULL, &ma2, &m) == -1)
		return NULL;
	if (ma == ma2 && n == m) {
		lex_error(p, line, "%s %d cross: an average cannot cross itself",
		    ma_word(ma), n);
		return NULL;
	}
	r = rule_new(p, dir ? RULE_MA_BELOW : RULE_MA_ABOVE, 0, "", line);
	r->ma = ma;
	r->period = n;
	r->ma2 = ma2;
	r->period2 = m;
	xasprintf(&r->text, "%s %d cross %s %s %d", ma_word(ma), n,
	    dir ? "below" : "above", ma_word(ma2), m);
	return r;
}

/* within P% of sma|ema N, once "within P% of" is read */
struct rule *
rule_within_ma(struct parser *p, const char *which, double v,
    const char *pct, int line)
{
	struct rule	*r;
	int		 ma, n;

	if (average(p, "within", which, &ma, &n) == -1)
		return NULL;
	r = rule_new(p, RULE_NEAR_MA, v, pct, line);
	r->ma = ma;
	r->period = n;
	xasprintf(&r->text, "within %s of %s %d", pct, ma_word(ma), n);
	return r;
}

/* rsi N above|below X */
struct rule *
rule_rsi(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*s, *end;
	double		 x;
	int		 n, dir, vline;

	if (number(p, "rsi", PERIOD_MAX, &n) == -1 ||
	    (dir = either(p, "rsi", "above", "below")) == -1 ||
	    (s = read_value(p, "rsi", &vline)) == NULL)
		return NULL;
	x = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || !(x > 0 && x < 100)) {
		lex_error(p, vline, "rsi: \"%s\" is not a level between 0 and 100",
		    s);
		free(s);
		return NULL;
	}
	r = rule_new(p, dir ? RULE_RSI_BELOW : RULE_RSI_ABOVE, x, s, line);
	r->period = n;
	xasprintf(&r->text, "rsi %d %s %s", n, dir ? "below" : "above", s);
	free(s);
	return r;
}

/* volume Kx avg N */
struct rule *
rule_volume(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*s, *end;
	double		 k;
	int		 n, vline;

	if ((s = read_value(p, "volume", &vline)) == NULL)
		return NULL;
	k = strtod(s, &end);
	if (end == s || strcmp(end, "x") != 0 || !(k > 0 && k <= 1000)) {
		lex_error(p, vline, "volume: \"%s\" is not a multiple such as 3x",
		    s);
		free(s);
		return NULL;
	}
	if (expect(p, "volume", "avg") == -1 ||
	    number(p, "volume", PERIOD_MAX, &n) == -1) {
		free(s);
		return NULL;
	}
	r = rule_new(p, RULE_VOLUME, k, s, line);
	r->period = n;
	xasprintf(&r->text, "volume %s avg %d", s, n);
	free(s);
	return r;
}

/* gap P%, trailing-stop P% */
struct rule *
rule_percent(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*pct;
	double		 v;

	if (read_percent(p, kw, 100, &pct, &v) == -1)
		return NULL;
	r = rule_new(p, strcmp(kw, "gap") == 0 ? RULE_GAP : RULE_TRAILING, v,
	    pct, line);
	xasprintf(&r->text, "%s %s", kw, pct);
	free(pct);
	return r;
}

/* move P% in D, once "move P%" is read */
struct rule *
rule_move_in(struct parser *p, double v, const char *pct, int line)
{
	struct rule	*r;
	char		*d;
	int		 vline;
	time_t		 w;

	lex_drop(p);		/* "in" */
	if ((d = read_value(p, "move", &vline)) == NULL)
		return NULL;
	if (parse_duration(d, &w) == -1 || w < 60 || w > 6 * 3600) {
		lex_error(p, vline, "move %s in: \"%s\" is not a duration from 1m "
		    "to 6h", pct, d);
		free(d);
		return NULL;
	}
	r = rule_new(p, RULE_MOVE_IN, v, d, line);
	r->window = w;
	xasprintf(&r->text, "move %s in %s", pct, d);
	free(d);
	return r;
}

/* earnings in Nd */
struct rule *
rule_earnings(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*s, *end;
	long		 n;
	int		 vline;

	if (expect(p, "earnings", "in") == -1 ||
	    (s = read_value(p, "earnings", &vline)) == NULL)
		return NULL;
	n = strtol(s, &end, 10);
	if (end == s || strcmp(end, "d") != 0 || n < 0 || n > 90) {
		lex_error(p, vline, "earnings in: \"%s\" is not a number of days "
		    "from 0d to 90d", s);
		free(s);
		return NULL;
	}
	r = rule_new(p, RULE_EARNINGS, (double)n, s, line);
	r->period = (int)n;
	xasprintf(&r->text, "earnings in %s", s);
	free(s);
	return r;
}

/*
 * An earnings rule needs a provider that publishes earnings dates:
 * Yahoo (its quotes carry them), or Finnhub's or Alpha Vantage's
 * calendar.  Said at each such rule, once the providers are known.
 */
void
parse_check_earnings(struct config *conf, config_errfn errfn)
{
	const struct providerconf	*pc;
	const struct watch		*w;
	const struct rule		*r;
	char				 msg[512];

	TAILQ_FOREACH(pc, &conf->providers, entry)
		if (strcmp(pc->name, "yahoo") == 0 || earnings_served(pc->name))
			return;
	TAILQ_FOREACH(w, &conf->watches, entry)
		TAILQ_FOREACH(r, &w->rules, entry) {
			if (r->kind != RULE_EARNINGS)
				continue;
			snprintf(msg, sizeof(msg), "watch %s: %s: no provider of "
			    "this configuration publishes earnings dates; "
			    "yahoo, finnhub and alphavantage do", w->symbol,
			    r->text);
			errfn(r->file, r->line, msg);
			conf->errors++;
			return;
		}
}

/* review-days N, N, ...: the horizons of the review, ascending. */
int
kw_review_days(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct config	*conf = p->conf;
	struct strlist	 l = { 0 };
	char		*end;
	long		 v;
	size_t		 i;
	int		 bad = 0;

	if (read_list(p, "review-days", &l, NULL, 0) == -1) {
		strlist_free(&l);	/* the values before the bad one */
		return -1;
	}
	if (l.n == 0 || l.n > HORIZONS_MAX)
		bad = 1;
	for (i = 0; !bad && i < l.n; i++) {
		v = strtol(l.v[i], &end, 10);
		if (*end != '\0' || v < 1 || v > 250 ||
		    (i > 0 && v <= conf->review_days[i - 1]))
			bad = 1;
		else
			conf->review_days[i] = (int)v;
	}
	if (bad)
		lex_error(p, line, "review-days: expected 1 to %d session counts "
		    "from 1 to 250, ascending (1, 5, 20)", HORIZONS_MAX);
	else
		conf->nreview_days = (int)l.n;
	strlist_free(&l);
	return bad ? -1 : 0;
}

/* review weekly|monthly "NOTIFIER": the periodic review mail. */
int
kw_review(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct config	*conf = p->conf;
	char		*name;
	int		 which;

	if ((which = either(p, "review", "weekly", "monthly")) == -1)
		return -1;
	if ((name = read_string(p, "review")) == NULL)
		return -1;
	free(conf->review_to);
	conf->review_to = name;
	conf->review_every = which ? 30 : 7;
	conf->review_line = line;
	return 0;
}

/* The review mail goes through a mail notifier. */
void
parse_check_review(struct config *conf, config_errfn errfn)
{
	const struct notifier	*n;
	char			 msg[256];

	if (conf->review_to == NULL)
		return;
	if ((n = config_notifier(conf, conf->review_to)) == NULL ||
	    n->type != NOTIFIER_MAIL) {
		snprintf(msg, sizeof(msg), "review: \"%s\" is not a mail "
		    "notifier", conf->review_to);
		errfn(conf->path, conf->review_line, msg);
		conf->errors++;
	}
}
