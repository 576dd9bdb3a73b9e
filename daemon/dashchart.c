/*
 * The dashboard's chart of a symbol, as SVG: its daily closes (the last
 * CHART_BARS sessions) with their volume, or, for a symbol that keeps no
 * daily history, the day's quotes (dashpage.c keeps them); the moving
 * averages its rules use, the thresholds of its rules, and each of its
 * alerts in the review marked where it fired, with a <title> naming the
 * rule and the price (a tooltip).  Drawn in the SVG's own units and
 * scaled by the page: it never runs wider than the screen.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define CHART_BARS	250
#define W		720
#define H		220		/* the prices' height */
#define VH		50		/* the volume's, under them */
#define ML		10
#define MT		12

struct series {
	double		*x;		/* a day (cal_days) or a time */
	double		*p, *v;		/* close, volume (NaN: none) */
	size_t		 n;
	size_t		 first;		/* of the daily history: its index */
	int		 daily;
	double		 lo, hi, vmax;
};

/* A day of one quote so far: drawn as a level from a minute before. */
static int
one_point(const struct dashring *r, struct series *s)
{
	size_t	 k = (r->at + DASH_RING - 1) % DASH_RING;

	s->n = 2;
	s->x = xcalloc(2, sizeof(double));
	s->p = xcalloc(2, sizeof(double));
	s->v = xcalloc(2, sizeof(double));
	s->x[1] = (double)(r->t0 + r->dt[k]);
	s->x[0] = s->x[1] - 60;
	s->p[0] = s->p[1] = r->p[k];
	s->v[0] = s->v[1] = NAN;
	return 0;
}

/* The points: the daily history if it has two sessions, else the day's. */
static int
series_of(struct symstate *ss, const struct dashring *r, struct series *s)
{
	const struct daily	*d = ss->ref.daily;
	const struct dbar	*bar;
	size_t			 i, len = d != NULL ? daily_len(d) : 0, k;

	memset(s, 0, sizeof(*s));
	if (len >= 2) {
		s->daily = 1;
		s->first = len > CHART_BARS ? len - CHART_BARS : 0;
		s->n = len - s->first;
	} else if (r != NULL && r->n >= 1)
		s->n = r->n;
	else
		return -1;
	if (!s->daily && s->n == 1)
		return one_point(r, s);
	s->x = xcalloc(s->n, sizeof(double));
	s->p = xcalloc(s->n, sizeof(double));
	s->v = xcalloc(s->n, sizeof(double));
	for (i = 0; i < s->n; i++) {
		if (s->daily) {
			bar = daily_at(d, s->first + i);
			s->x[i] = (double)bar->day;
			s->p[i] = bar->close;
			s->v[i] = bar->volume;
		} else {
			k = (r->at + DASH_RING - r->n + i) % DASH_RING;
			s->x[i] = (double)(r->t0 + r->dt[k]);
			s->p[i] = r->p[k];
			s->v[i] = NAN;
		}
	}
	return 0;
}

static void
series_free(struct series *s)
{
	free(s->x);
	free(s->p);
	free(s->v);
}

/* The average of `period' closes (EMA when ema) ending at each point. */
static void
average(const struct daily *d, size_t first, size_t n, int period, int ema,
    double *out)
{
	size_t	 len = daily_len(d), i;
	double	 sum = 0, e = NAN, a = 2.0 / (period + 1), c;

	for (i = 0; i < len; i++) {
		c = daily_at(d, i)->close;
		if (!isfinite(c))
			c = i > 0 ? daily_at(d, i - 1)->close : 0;
		sum += c;
		if (i >= (size_t)period)
			sum -= daily_at(d, i - period)->close;
		if (ema)
			e = i + 1 == (size_t)period ? sum / period :
			    i + 1 > (size_t)period ? a * c + (1 - a) * e : NAN;
		if (i >= first && i - first < n)
			out[i - first] = i + 1 < (size_t)period ? NAN :
			    ema ? e : sum / period;
	}
}

static double
xpos(const struct series *s, double x)
{
	double	 span = s->x[s->n - 1] - s->x[0];

	if (span <= 0)
		return ML;
	if (x < s->x[0])
		x = s->x[0];
	if (x > s->x[s->n - 1])
		x = s->x[s->n - 1];
	return ML + (x - s->x[0]) / span * (W - 2 * ML);
}

static double
ypos(const struct series *s, double p)
{
	return MT + (s->hi - p) / (s->hi - s->lo) * (H - MT);
}

static void
widen(struct series *s, double p)
{
	if (!isfinite(p) || p <= 0)
		return;
	if (p < s->lo)
		s->lo = p;
	if (p > s->hi)
		s->hi = p;
}

static void
polyline(struct evbuffer *b, const struct series *s, const double *p,
    const char *cls, const char *title)
{
	size_t	 i;
	int	 open = 0;

	for (i = 0; i < s->n; i++) {
		if (!isfinite(p[i])) {
			if (open)
				evbuffer_add_printf(b, "\"/>\n");
			open = 0;
			continue;
		}
		if (!open)
			evbuffer_add_printf(b, "<polyline class=\"%s\" points=\"",
			    cls);
		evbuffer_add_printf(b, "%s%.1f,%.1f", open ? " " : "",
		    xpos(s, s->x[i]), ypos(s, p[i]));
		open = 1;
	}
	if (open)
		evbuffer_add_printf(b, "\"/>\n");
	if (title != NULL)
		evbuffer_add_printf(b, "<text x=\"%d\" y=\"%d\" class=\"lbl\" "
		    "font-size=\"11\" fill=\"#8a6d00\">%s</text>\n", W - ML - 90,
		    MT + 12, title);
}

/* The averages the rules of w read, drawn. */
static void
averages(struct evbuffer *b, const struct watch *w, struct symstate *ss,
    struct series *s, int draw)
{
	const struct rule	*r;
	double			*m = xcalloc(s->n, sizeof(double));
	char			 name[32];
	size_t			 i;
	int			 k, per, ma;

	TAILQ_FOREACH(r, &w->rules, entry)
		for (k = 0; k < 2 && s->daily; k++) {
			per = k == 0 ? r->period : r->period2;
			ma = k == 0 ? r->ma : r->ma2;
			if (!trader_cross(r->kind) && r->kind != RULE_NEAR_MA)
				break;
			if (per < 2)
				continue;
			average(ss->ref.daily, s->first, s->n, per, ma == MA_EMA,
			    m);
			for (i = 0; i < s->n && !draw; i++)
				widen(s, m[i]);
			snprintf(name, sizeof(name), "%s %d", ma == MA_EMA ?
			    "EMA" : "SMA", per);
			if (draw)
				polyline(b, s, m, "ma", name);
		}
	free(m);
}

/* Each rule's threshold now, as a dashed line with its rule's words. */
static void
thresholds(struct evbuffer *b, const struct watch *w, struct symstate *ss,
    struct series *s, int draw)
{
	const struct rule	*r;
	double			 t, y;

	TAILQ_FOREACH(r, &w->rules, entry) {
		if (event_rule(r->kind) || !isfinite(ss->last.price))
			continue;
		t = rule_threshold(r, &ss->last, &ss->ref);
		if (!isfinite(t) || t <= 0 || t > ss->last.price * 3 ||
		    t < ss->last.price / 3)
			continue;
		if (!draw) {
			widen(s, t);
			continue;
		}
		y = ypos(s, t);
		evbuffer_add_printf(b, "<line class=\"thr\" x1=\"%d\" y1=\"%.1f\" "
		    "x2=\"%d\" y2=\"%.1f\"><title>", ML, y, W - ML, y);
		dashhtml_esc(b, r->text);
		evbuffer_add_printf(b, "</title></line>\n");
	}
}

/* The alerts of the review of w's symbol, each where it fired. */
static void
markers(struct evbuffer *b, const struct watch *w, struct series *s,
    int draw)
{
	const struct review	*r;
	char			 p[32], when[32];
	size_t			 i;
	double			 x;
	int			 y, m, d;

	for (i = 0; (r = review_at(i)) != NULL; i++) {
		if (strcasecmp(r->symbol, w->symbol) != 0 || !isfinite(r->price))
			continue;
		x = s->daily ? (double)r->day0 : (double)r->time;
		if (x < s->x[0] - (s->daily ? 0 : 3600))
			continue;	/* well before the chart */
		if (!draw) {
			widen(s, r->price);
			continue;
		}
		fmt_price(r->price, p, sizeof(p));
		cal_date(r->day0, &y, &m, &d);
		snprintf(when, sizeof(when), "%04d-%02d-%02d", y, m, d);
		evbuffer_add_printf(b, "<circle class=\"alert\" cx=\"%.1f\" "
		    "cy=\"%.1f\" r=\"5\"><title>", xpos(s, x), ypos(s, r->price));
		dashhtml_esc(b, r->rule);
		evbuffer_add_printf(b, " at %s ", p);
		dashhtml_esc(b, r->currency);
		evbuffer_add_printf(b, " on %s</title></circle>\n", when);
	}
}

static void
volume(struct evbuffer *b, struct series *s)
{
	double	 bw = (double)(W - 2 * ML) / (double)s->n, h;
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (isfinite(s->v[i]) && s->v[i] > s->vmax)
			s->vmax = s->v[i];
	for (i = 0; i < s->n && s->vmax > 0; i++) {
		if (!isfinite(s->v[i]) || s->v[i] <= 0)
			continue;
		h = s->v[i] / s->vmax * VH;
		evbuffer_add_printf(b, "<rect class=\"vol\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.2f\" height=\"%.1f\"/>\n", xpos(s, s->x[i]) - bw /
		    2, H + 8 + VH - h, bw > 1.5 ? bw - 0.5 : bw, h);
	}
}

/* The figures at the chart's edges: its high, its low, its first and
 * last day. */
static void
labels(struct evbuffer *b, const struct series *s)
{
	char	 lo[32], hi[32], a[32], z[32];
	int	 y, m, d;

	fmt_price(s->hi, hi, sizeof(hi));
	fmt_price(s->lo, lo, sizeof(lo));
	if (s->daily) {
		cal_date((long)s->x[0], &y, &m, &d);
		snprintf(a, sizeof(a), "%04d-%02d-%02d", y, m, d);
		cal_date((long)s->x[s->n - 1], &y, &m, &d);
		snprintf(z, sizeof(z), "%04d-%02d-%02d", y, m, d);
	} else {
		fmt_time((time_t)s->x[0], FMT_ISO, a, sizeof(a));
		fmt_time((time_t)s->x[s->n - 1], FMT_ISO, z, sizeof(z));
	}
	evbuffer_add_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "fill=\"#666\">%s</text>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "fill=\"#666\">%s</text>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "fill=\"#666\">%s</text>\n<text x=\"%d\" y=\"%d\" font-size=\"11\" "
	    "fill=\"#666\" text-anchor=\"end\">%s</text>\n", ML, MT - 2, hi, ML,
	    H + 4, lo, ML, H + VH + 22, a, W - ML, H + VH + 22, z);
}

void
dashchart_svg(struct evbuffer *b, const struct watch *w, struct symstate *ss,
    const struct dashring *ring)
{
	struct series	 s;
	size_t		 i;

	if (series_of(ss, ring, &s) == -1) {
		evbuffer_add_printf(b, "<p class=\"muted\">No chart yet: no "
		    "daily history, and no quote yet.</p>\n");
		return;
	}
	s.lo = INFINITY;
	s.hi = -INFINITY;
	for (i = 0; i < s.n; i++)
		widen(&s, s.p[i]);
	averages(b, w, ss, &s, 0);
	thresholds(b, w, ss, &s, 0);
	markers(b, w, &s, 0);
	if (!(s.hi > s.lo)) {
		s.hi = s.hi * 1.01 + 0.01;
		s.lo = s.lo * 0.99 - 0.01;
	}
	evbuffer_add_printf(b, "<figure><svg class=\"chart\" viewBox=\"0 0 %d "
	    "%d\" width=\"%d\" height=\"%d\" role=\"img\"><title>", W,
	    H + VH + 28, W, H + VH + 28);
	dashhtml_esc(b, w->symbol);
	evbuffer_add_printf(b, ": %s, %zu points</title>\n", s.daily ?
	    "daily closes" : "today's quotes", s.n);
	volume(b, &s);
	averages(b, w, ss, &s, 1);
	thresholds(b, w, ss, &s, 1);
	polyline(b, &s, s.p, "close", NULL);
	markers(b, w, &s, 1);
	labels(b, &s);
	evbuffer_add_printf(b, "</svg><figcaption class=\"muted\">%s; the "
	    "dashed lines are the rules' thresholds, the dots the alerts "
	    "(point at one for its rule and price).</figcaption></figure>\n",
	    s.daily ? "Daily closes and volume" : "Today's quotes, a minute "
	    "apart");
	series_free(&s);
}
