/*
 * The dashboard's pages (dashboard.c serves them), written from what the
 * daemon knows, every text from outside or from the configuration (a
 * note, a name, an error) escaped:
 *
 *   /               the watchlist: one card a symbol, its price, the
 *                   day's change, a 52-week range bar, the nearest rule
 *                   and how far, the feed, the quote's age, the note;
 *                   the problems above, the last alerts below
 *   /symbol/SYM     an SVG chart of its daily history (or of the day's
 *                   quotes when it keeps none): closes, volume, its
 *                   rules' averages and thresholds, each alert marked
 *                   with a <title> (its rule, its price); its rules and
 *                   their state; the SEC filings seen; the review of
 *                   its alerts
 *   /review         the review and its summary per rule, ?symbol= and
 *                   ?since=YYYY-MM-DD
 *   /app.js, /style.css   the one small script (Server-Sent Events) and
 *                   the style, from the binary: no framework, no CDN
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define ALERTS_SHOWN	20

static struct strmap	*rings;
static struct strlist	 ringkeys;

static const char js[] =
    "\"use strict\";\n"
    "(function () {\n"
    "\tif (!window.EventSource)\n"
    "\t\treturn;\n"
    "\tvar es = new EventSource(\"/events\"), timer = null;\n"
    "\tes.addEventListener(\"change\", function () {\n"
    "\t\tif (timer === null)\t/* at most one reload a second */\n"
    "\t\t\ttimer = setTimeout(function () { location.reload(); }, 1000);\n"
    "\t});\n"
    "})();\n";

static const char css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:system-ui,sans-serif;color:#222;margin:0 auto;"
    "padding:0 12px 24px;max-width:1100px}\n"
    "header{display:flex;flex-wrap:wrap;gap:4px 16px;align-items:baseline}\n"
    "h1{font-size:1.3em}h2{font-size:1.1em;margin:.2em 0}\n"
    "a{color:#0b5cad}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(250px,1fr));gap:12px}\n"
    ".card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;"
    "min-width:0}\n"
    ".card p{margin:.25em 0}\n"
    "*{overflow-wrap:anywhere}\n"
    ".price{font-size:1.2em;font-weight:600}\n"
    ".up{color:#1a7f37}.down{color:#c0392b}.muted{color:#666}\n"
    ".lohi{display:flex;justify-content:space-between;font-size:.85em;"
    "color:#666}\n"
    "svg{display:block;max-width:100%;height:auto}\n"
    ".track{fill:#dde5ee}.fill{fill:#8cb4e0}.mark{fill:#c0392b}\n"
    ".close{fill:none;stroke:#0b5cad;stroke-width:1.5}\n"
    ".ma{fill:none;stroke:#e6a100;stroke-width:1}\n"
    ".thr{stroke:#c0392b;stroke-dasharray:4 3;stroke-width:1}\n"
    ".vol{fill:#c9d6e3}.alert{fill:#c0392b;stroke:#fff;stroke-width:1.5}\n"
    ".problem{background:#fdecea;border:1px solid #c0392b;border-radius:6px;"
    "padding:6px 10px;margin:6px 0}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;padding:3px 6px;border-bottom:1px solid #eee;"
    "vertical-align:top}\n"
    "td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}\n"
    "@media (max-width:600px){\n"
    " table,tbody,tr,td{display:block;width:auto}\n"
    " tr.h{display:none}\n"
    " tr{border:1px solid #d0d7de;border-radius:6px;margin:0 0 8px;"
    "padding:4px 0}\n"
    " td,td.n{text-align:left;border:0;padding:1px 8px}\n"
    " td[data-l]::before{content:attr(data-l) \": \";color:#666}\n"
    "}\n";

/* ---- the day's quotes, for a symbol without a daily history ---- */

/* A judged quote, kept a minute apart (the last of each minute). */
void
dashpage_quote(const char *symbol, const struct quote *q)
{
	struct dashring	*r;
	size_t		 last;

	if (!isfinite(q->price) || q->time <= 0)
		return;
	if (rings == NULL)
		rings = strmap_new();
	if ((r = strmap_get(rings, symbol)) == NULL) {
		strlist_add(&ringkeys, symbol);
		r = xcalloc(1, sizeof(*r));
		r->t0 = q->time;
		strmap_put(rings, ringkeys.v[ringkeys.n - 1], r);
	}
	if (q->time < r->t0 || q->time - r->t0 > UINT32_MAX)
		return;
	last = (r->at + DASH_RING - 1) % DASH_RING;
	if (r->n > 0 && q->time - (r->t0 + r->dt[last]) < 60 &&
	    q->time >= r->t0 + r->dt[last]) {
		r->p[last] = (float)q->price;	/* the same minute */
		return;
	}
	r->dt[r->at] = (uint32_t)(q->time - r->t0);
	r->p[r->at] = (float)q->price;
	r->at = (r->at + 1) % DASH_RING;
	if (r->n < DASH_RING)
		r->n++;
}

void
dashpage_free(void)
{
	size_t	 i;

	for (i = 0; i < ringkeys.n; i++)
		free(strmap_get(rings, ringkeys.v[i]));
	strmap_free(rings);
	rings = NULL;
	strlist_free(&ringkeys);
}

/* ---- pieces ---- */


static void
head(struct evbuffer *b, const char *title)
{
	evbuffer_add_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\"><title>");
	dashhtml_esc(b, title);
	evbuffer_add_printf(b, " \xe2\x80\x94 tickerd</title>"
	    "<link rel=\"stylesheet\" href=\"/style.css\">"
	    "<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>"
	    "<script src=\"/app.js\" defer></script></head>\n<body>\n"
	    "<header><h1>tickerd</h1><nav><a href=\"/\">Watchlist</a> "
	    "&middot; <a href=\"/review\">Review</a></nav></header>\n");
}

static void
tail(struct evbuffer *b)
{
	evbuffer_add_printf(b, "<p class=\"muted\">tickerd %s</p>\n"
	    "</body></html>\n", PACKAGE_VERSION);
}

static void
money(struct evbuffer *b, double v, const char *currency)
{
	char	 p[32];

	fmt_price(v, p, sizeof(p));
	evbuffer_add_printf(b, "%s", isfinite(v) ? p : "-");
	if (isfinite(v) && currency != NULL && *currency != '\0') {
		evbuffer_add(b, " ", 1);
		dashhtml_esc(b, currency);
	}
}

static void
change(struct evbuffer *b, const struct quote *q)
{
	double	 c = rule_change_pct(q);

	if (isfinite(c))
		evbuffer_add_printf(b, " <span class=\"%s\">%+.2f%%</span>",
		    c >= 0 ? "up" : "down", c);
}

/* The 52-week range as a bar, the price marked, its figures under it. */
static void
range_bar(struct evbuffer *b, const struct quote *q)
{
	char	 lo[32], hi[32], p[32];
	double	 pos;

	if (!isfinite(q->high52) || !isfinite(q->low52) ||
	    q->high52 <= q->low52 || !isfinite(q->price)) {
		evbuffer_add_printf(b, "<p class=\"muted\">no 52-week range "
		    "yet</p>\n");
		return;
	}
	pos = (q->price - q->low52) / (q->high52 - q->low52);
	pos = pos < 0 ? 0 : pos > 1 ? 1 : pos;
	fmt_price(q->low52, lo, sizeof(lo));
	fmt_price(q->high52, hi, sizeof(hi));
	fmt_price(q->price, p, sizeof(p));
	evbuffer_add_printf(b, "<svg class=\"range\" viewBox=\"0 0 200 16\" "
	    "width=\"200\" height=\"16\" role=\"img\"><title>52-week range "
	    "%s-%s; price %s, %.0f%% of it</title><rect class=\"track\" x=\"0\" "
	    "y=\"5\" width=\"200\" height=\"6\"/><rect class=\"fill\" x=\"0\" "
	    "y=\"5\" width=\"%.1f\" height=\"6\"/><rect class=\"mark\" x=\"%.1f\""
	    " y=\"1\" width=\"3\" height=\"14\"/></svg>\n<p class=\"lohi\">"
	    "<span>%s</span><span>%s</span></p>\n", lo, hi, p, pos * 100,
	    pos * 200, pos * 197, lo, hi);
}

/* "1.2% below above 44.53": the nearest threshold of w's rules. */
static void
nearest(struct evbuffer *b, const struct watch *w, const struct symstate *ss)
{
	const struct rule	*r, *best = NULL;
	double			 t, d, bd = INFINITY, bt = NAN;
	size_t			 i = 0;

	TAILQ_FOREACH(r, &w->rules, entry) {
		if (i >= ss->nrules || event_rule(r->kind) ||
		    ss->rules[i++].st.spent)
			continue;
		t = rule_threshold(r, &ss->last, &ss->ref);
		if (!isfinite(t) || t <= 0 || !isfinite(ss->last.price))
			continue;
		d = fabs(t - ss->last.price) / ss->last.price * 100;
		if (d < bd) {
			bd = d;
			bt = t;
			best = r;
		}
	}
	if (best == NULL)
		return;
	evbuffer_add_printf(b, "<p class=\"near\">%.1f%% %s ", bd,
	    bt > ss->last.price ? "below" : "above");
	dashhtml_esc(b, best->text);
	evbuffer_add_printf(b, "</p>\n");
}

/* ---- / ---- */

static void
problems(struct evbuffer *b)
{
	const struct problem	*p;
	size_t			 i;

	for (i = 0; (p = problem_at(i)) != NULL; i++) {
		evbuffer_add_printf(b, "<p class=\"problem\">");
		dashhtml_esc(b, p->text);
		evbuffer_add_printf(b, "</p>\n");
	}
	if (store_problem() != NULL) {
		evbuffer_add_printf(b, "<p class=\"problem\">The state directory "
		    "cannot be written: ");
		dashhtml_esc(b, store_problem());
		evbuffer_add_printf(b, "; alerts wait for it.</p>\n");
	}
}

static void
card(struct evbuffer *b, const struct watch *w)
{
	struct symstate	*ss = symstate_find(w->symbol);
	const struct quote *q = ss != NULL ? &ss->last : NULL;
	char		 age[32];

	evbuffer_add_printf(b, "<article class=\"card\"><h2><a href=\""
	    "/symbol/");
	dashhtml_esc(b, w->symbol);
	evbuffer_add_printf(b, "\">");
	dashhtml_esc(b, w->symbol);
	evbuffer_add_printf(b, "</a> <span class=\"muted\">");
	dashhtml_esc(b, ss != NULL && ss->ex != NULL ? ss->ex->name : w->ex != NULL ?
	    w->ex->name : "");
	evbuffer_add_printf(b, "</span></h2>\n");
	if (ss == NULL || ss->last_seen == 0) {
		evbuffer_add_printf(b, "<p class=\"muted\">no quote yet%s",
		    ss != NULL && ss->problem != NULL ? ": " : "");
		dashhtml_esc(b, ss != NULL ? ss->problem : NULL);
		evbuffer_add_printf(b, "</p>\n");
	} else {
		evbuffer_add_printf(b, "<p class=\"price\">");
		money(b, q->price, q->currency);
		change(b, q);
		evbuffer_add_printf(b, "</p>\n");
		range_bar(b, q);
		nearest(b, w, ss);
		fmt_age((long long)(clock_now() - ss->last_seen), age,
		    sizeof(age));
		evbuffer_add_printf(b, "<p class=\"muted\">%s%s &middot; %s "
		    "ago</p>\n", ss->feed != NULL ? "streamed by " : "polled",
		    ss->feed != NULL ? ss->feed : "", age);
	}
	if (w->note != NULL) {
		evbuffer_add_printf(b, "<p class=\"note\">");
		dashhtml_esc(b, w->note);
		evbuffer_add_printf(b, "</p>\n");
	}
	evbuffer_add_printf(b, "</article>\n");
}

static void
last_alerts(struct evbuffer *b, const char *symbol)
{
	json_t	*a = history_tail(ALERTS_SHOWN * (symbol ? 10 : 1)), *h;
	char	 t[32];
	size_t	 i, n = 0;

	evbuffer_add_printf(b, "<h2>Last alerts</h2>\n<ul>\n");
	for (i = json_array_size(a); i-- > 0 && n < ALERTS_SHOWN;) {
		h = json_array_get(a, i);
		if (symbol != NULL && strcmp(jstr(h, "symbol"), symbol) != 0)
			continue;
		fmt_time((time_t)jint(h, "time"), FMT_ISO, t, sizeof(t));
		evbuffer_add_printf(b, "<li><span class=\"muted\">%s</span> ", t);
		dashhtml_esc(b, jstr(h, "message"));
		evbuffer_add_printf(b, "</li>\n");
		n++;
	}
	if (n == 0)
		evbuffer_add_printf(b, "<li class=\"muted\">none yet</li>\n");
	evbuffer_add_printf(b, "</ul>\n");
	json_decref(a);
}

static void
watchlist(struct evbuffer *b, const struct config *conf)
{
	const struct watch	*w;

	head(b, "watchlist");
	problems(b);
	evbuffer_add_printf(b, "<main class=\"cards\">\n");
	TAILQ_FOREACH(w, &conf->watches, entry)
		card(b, w);
	evbuffer_add_printf(b, "</main>\n");
	last_alerts(b, NULL);
	tail(b);
}

/* ---- /symbol/SYM ---- */

static const char *
rule_state_name(const struct rule *r, const struct rule_state *st,
    time_t cooldown, time_t now)
{
	if (st->expired)
		return "expired";
	if (st->spent)
		return "spent";
	if (cooldown > 0 && st->last_notify != 0 &&
	    now - st->last_notify < cooldown)
		return "cooldown";
	if (st->fired)
		return "fired";
	if (trader_cross(r->kind) && st->phase != PHASE_ARMED)
		return "waiting";
	return "armed";
}

static void
rules_table(struct evbuffer *b, const struct watch *w, struct symstate *ss)
{
	const struct rule	*r;
	const struct rule_state	*st;
	char			 now[160], last[32];
	size_t			 i = 0;

	evbuffer_add_printf(b, "<h2>Rules</h2>\n<table><tr class=\"h\"><th>"
	    "Rule</th><th>State</th><th>Now</th><th>Fired</th><th>Last</th>"
	    "</tr>\n");
	TAILQ_FOREACH(r, &w->rules, entry) {
		if (i >= ss->nrules)
			break;
		st = &ss->rules[i++].st;
		trader_now(r, &ss->last, &ss->ref, st, now, sizeof(now));
		if (st->last_notify != 0)
			fmt_time(st->last_notify, FMT_ISO, last, sizeof(last));
		else
			snprintf(last, sizeof(last), "-");
		evbuffer_add_printf(b, "<tr><td data-l=\"Rule\">");
		dashhtml_esc(b, r->text);
		evbuffer_add_printf(b, "</td><td data-l=\"State\">%s</td><td "
		    "data-l=\"Now\">", rule_state_name(r, st, w->cooldown,
		    clock_now()));
		dashhtml_esc(b, *now ? now : "-");
		evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\"Fired\">%u"
		    "</td><td class=\"d\" data-l=\"Last\">%s</td></tr>\n",
		    st->count, last);
	}
	evbuffer_add_printf(b, "</table>\n");
}

/* The review's alerts of symbol (or all), since day (0: all), as rows. */
static void
review_table(struct evbuffer *b, const char *symbol, long since)
{
	const struct review	*r;
	char			 day[16], x[32];
	size_t			 i, n = 0;
	int			 h, y, m, d;

	evbuffer_add_printf(b, "<table><tr class=\"h\"><th>Day</th><th>Symbol"
	    "</th><th>Rule</th><th>Price</th>");
	for (h = 0; review_at(0) != NULL && h < review_at(0)->o.n; h++)
		evbuffer_add_printf(b, "<th>+%dd</th>", review_at(0)->o.days[h]);
	evbuffer_add_printf(b, "<th>Rise</th><th>Fall</th><th>Note</th></tr>\n");
	for (i = 0; (r = review_at(i)) != NULL; i++) {
		if ((symbol != NULL && strcasecmp(r->symbol, symbol) != 0) ||
		    r->day0 < since)
			continue;
		cal_date(r->day0, &y, &m, &d);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
		evbuffer_add_printf(b, "<tr><td class=\"d\">%s</td><td "
		    "data-l=\"Symbol\">", day);
		dashhtml_esc(b, r->symbol);
		evbuffer_add_printf(b, "</td><td data-l=\"Rule\">");
		dashhtml_esc(b, r->rule);
		evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\"Price\">");
		money(b, r->price, r->currency);
		for (h = 0; h < r->o.n; h++) {
			fmt_pct(r->o.ret[h], x, sizeof(x));
			evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\""
			    "+%dd\">%s", r->o.days[h], x);
		}
		fmt_pct(r->o.rise, x, sizeof(x));
		evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\"Rise\">%s",
		    x);
		fmt_pct(r->o.fall, x, sizeof(x));
		evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\"Fall\">%s"
		    "</td><td data-l=\"Note\">", x);
		dashhtml_esc(b, r->note);
		evbuffer_add_printf(b, "</td></tr>\n");
		n++;
	}
	evbuffer_add_printf(b, "</table>\n");
	if (n == 0)
		evbuffer_add_printf(b, "<p class=\"muted\">no alerts to review"
		    "</p>\n");
}

/* The SEC filings seen of the symbol (FILINGS), newest first. */
static void
filings_table(struct evbuffer *b, const char *symbol)
{
	const struct filingrec	*f = filing_rec(symbol);
	char			*link;
	size_t			 i;

	if (f == NULL || f->n == 0)
		return;
	evbuffer_add_printf(b, "<h2>Filings</h2>\n<table><tr class=\"h\"><th>"
	    "Filed</th><th>Form</th><th>Items</th><th>Fired</th></tr>\n");
	for (i = 0; i < f->n && i < FILINGS_LISTED; i++) {
		link = edgar_index_url(NULL, f->cik, f->v[i].accession);
		evbuffer_add_printf(b, "<tr><td class=\"d\">");
		dashhtml_esc(b, f->v[i].date);
		evbuffer_add_printf(b, "</td><td data-l=\"Form\"><a href=\"");
		dashhtml_esc(b, link);
		evbuffer_add_printf(b, "\" rel=\"noreferrer\">");
		dashhtml_esc(b, f->v[i].form);
		evbuffer_add_printf(b, "</a></td><td data-l=\"Items\">");
		dashhtml_esc(b, f->v[i].items);
		evbuffer_add_printf(b, "</td><td data-l=\"Fired\">");
		dashhtml_esc(b, f->v[i].fired);
		evbuffer_add_printf(b, "</td></tr>\n");
		free(link);
	}
	evbuffer_add_printf(b, "</table>\n");
}

static int
symbol_page(struct evbuffer *b, const struct config *conf, const char *sym)
{
	struct watch	*w = config_watch(conf, sym);
	struct symstate	*ss = w != NULL ? symstate_find(w->symbol) : NULL;

	if (ss == NULL)
		return HTTP_NOTFOUND;
	head(b, w->symbol);
	evbuffer_add_printf(b, "<h2>");
	dashhtml_esc(b, w->symbol);
	evbuffer_add_printf(b, " <span class=\"price\">");
	money(b, ss->last_seen ? ss->last.price : NAN, ss->last.currency);
	if (ss->last_seen)
		change(b, &ss->last);
	evbuffer_add_printf(b, "</span></h2>\n");
	if (w->note != NULL) {
		evbuffer_add_printf(b, "<p class=\"note\">");
		dashhtml_esc(b, w->note);
		evbuffer_add_printf(b, "</p>\n");
	}
	dashchart_svg(b, w, ss, rings != NULL ? strmap_get(rings, w->symbol) :
	    NULL);
	rules_table(b, w, ss);
	filings_table(b, w->symbol);
	evbuffer_add_printf(b, "<h2>Review</h2>\n");
	review_table(b, w->symbol, 0);
	last_alerts(b, w->symbol);
	tail(b);
	return HTTP_OK;
}

/* ---- /review ---- */

static void
summary(struct evbuffer *b, const char *symbol, long since)
{
	const struct review	*r, *o;
	const struct outcome	**out;
	struct summary		 s;
	size_t			 i, j, k, n = 0;
	int			*dir, h;
	char			 x[32];

	for (i = 0; review_at(i) != NULL; i++)
		n++;
	out = xcalloc(n + 1, sizeof(*out));
	dir = xcalloc(n + 1, sizeof(*dir));
	evbuffer_add_printf(b, "<h2>By rule</h2>\n<table><tr class=\"h\"><th>"
	    "Rule</th><th>Alerts</th><th>Followed</th><th>Medians</th></tr>\n");
	for (i = 0; (r = review_at(i)) != NULL; i++) {
		if ((symbol != NULL && strcasecmp(r->symbol, symbol) != 0) ||
		    r->day0 < since)
			continue;
		for (j = 0; j < i && ((o = review_at(j)) == NULL ||
		    strcmp(o->rule, r->rule) != 0 || (symbol != NULL &&
		    strcasecmp(o->symbol, symbol) != 0) || o->day0 < since); j++)
			;
		if (j < i)
			continue;	/* its rule is done */
		for (j = i, k = 0; (o = review_at(j)) != NULL; j++)
			if (strcmp(o->rule, r->rule) == 0 && o->day0 >= since &&
			    (symbol == NULL || strcasecmp(o->symbol, symbol) == 0)) {
				out[k] = &o->o;
				dir[k++] = o->dir;
			}
		outcome_summary(out, dir, k, &s);
		evbuffer_add_printf(b, "<tr><td data-l=\"Rule\">");
		dashhtml_esc(b, r->rule);
		evbuffer_add_printf(b, "</td><td class=\"n\" data-l=\"Alerts\">"
		    "%zu</td><td class=\"n\" data-l=\"Followed\">%zu/%zu</td>"
		    "<td data-l=\"Medians\">", s.count, s.followed, s.judged);
		for (h = 0; h < s.n; h++) {
			fmt_pct(s.median[h], x, sizeof(x));
			evbuffer_add_printf(b, "%s+%dd %s", h ? ", " : "",
			    s.days[h], x);
		}
		evbuffer_add_printf(b, "</td></tr>\n");
	}
	evbuffer_add_printf(b, "</table>\n<p class=\"muted\"><b>Followed</b>: "
	    "of a rule's alerts that point up or down, how many the price "
	    "followed their way at the middle horizon, of those whose return "
	    "is known.</p>\n");
	free(out);
	free(dir);
}

static void
review_page(struct evbuffer *b, struct evkeyvalq *query)
{
	const char	*sym = evhttp_find_header(query, "symbol");
	const char	*since = evhttp_find_header(query, "since");
	int		 y, m, d, n = 0;
	long		 day = 0;

	if (since != NULL && sscanf(since, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    n == 10 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
		day = cal_days(y, m, d);
	if (sym != NULL && *sym == '\0')
		sym = NULL;
	head(b, "review");
	evbuffer_add_printf(b, "<h2>Review</h2>\n<form method=\"get\" "
	    "action=\"/review\"><label>Symbol <input name=\"symbol\" "
	    "size=\"8\" value=\"");
	dashhtml_esc(b, sym);
	evbuffer_add_printf(b, "\"></label> <label>Since <input name=\"since\" "
	    "type=\"date\" value=\"");
	dashhtml_esc(b, day != 0 ? since : NULL);
	evbuffer_add_printf(b, "\"></label> <button>Show</button></form>\n");
	review_table(b, sym, day);
	summary(b, sym, day);
	tail(b);
}

/*
 * The page at path into b, its Content-Type in *type: HTTP_OK, or the
 * status to answer (HTTP_NOTFOUND).
 */
int
dashpage_serve(const struct config *conf, const char *path,
    struct evkeyvalq *query, struct evbuffer *b, const char **type)
{
	char	*sym;
	int	 rc;

	*type = "text/html; charset=utf-8";
	if (strcmp(path, "/") == 0)
		watchlist(b, conf);
	else if (strcmp(path, "/review") == 0)
		review_page(b, query);
	else if (strncmp(path, "/symbol/", 8) == 0 && path[8] != '\0') {
		if ((sym = evhttp_uridecode(path + 8, 0, NULL)) == NULL)
			return HTTP_NOTFOUND;
		rc = symbol_page(b, conf, sym);
		free(sym);
		return rc;
	} else if (strcmp(path, "/app.js") == 0) {
		*type = "text/javascript; charset=utf-8";
		evbuffer_add(b, js, sizeof(js) - 1);
	} else if (strcmp(path, "/style.css") == 0) {
		*type = "text/css; charset=utf-8";
		evbuffer_add(b, css, sizeof(css) - 1);
	} else
		return HTTP_NOTFOUND;
	return HTTP_OK;
}
