/*
 * Filings: SEC EDGAR, looked at for each watched symbol that has a
 * filing or insider rule (tickerd.conf(5), FILINGS).
 *
 * The ticker-to-CIK map (company_tickers.json) is read from the state
 * directory, fetched when it is missing or a week old.  Each symbol's
 * submissions are asked every `edgar-poll' (a quarter of it while its
 * exchange is in session); what is new since the last look (by
 * accession number: store/filing.c) is judged by its watch's rules, and
 * a new Form 4 is read first when an insider rule wants it.  The alerts
 * go through the judge, whose commit makes them durable with the
 * filings' record: each accession is announced once.  The first look at
 * a symbol only records.
 *
 * Every request names the configured contact in its User-Agent, and
 * all of them together stay within the SEC's fair-access limit (10 a
 * second: BUDGET a second here, at most INFLIGHT at once).  The SEC's
 * refusal page stops every request for REFUSED_WAIT, said once, and is
 * a problem notice (health.c) until EDGAR answers again.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "daemon/daemon.h"

#define BUDGET		8	/* requests a second, of the SEC's 10 */
#define INFLIGHT	4
#define REFUSED_WAIT	600	/* after the SEC's refusal page */
#define TICKERS_EVERY	(7 * 86400)
#define RETRY_MIN	30	/* a failed look, tried again after */
#define RETRY_MAX	1800
#define DOC_TRIES	3	/* a Form 4 that cannot be read, given up */
#define ANSWER_BIG	(32u << 20)	/* submissions of a large filer */
#define TICK		0.25

/* A watched symbol's side of EDGAR; it outlives reloads. */
struct fsym {
	char		 symbol[SYMBOL_MAX + 1];
	long		 cik;		/* 0: not looked up; -1: none */
	time_t		 next;		/* the next look */
	int		 busy;		/* a look under way */
	int		 fails;		/* looks failed in a row */
	int		 said;		/* its failure was logged */
	/* a look's new filings, waiting for their Form 4s */
	struct filing	*news;
	struct form4	*f4;
	int		*doc;		/* per news: DOC_* */
	int		*tries;
	size_t		 nnews;
	time_t		 doc_at;	/* a failed Form 4: asked again then */
};
enum { DOC_NONE, DOC_WANT, DOC_ASKED, DOC_READ, DOC_FAILED };

static struct {
	struct event_base	*base;
	struct config		*conf;
	struct judge		*J;
	struct event		*tick;
	struct strmap		*ciks;		/* EDGAR ticker -> cik, as the
						   pointer's value */
	struct strlist		 tickers;	/* its keys */
	time_t			 tickers_at;	/* read or fetched; 0: none */
	int			 tickers_busy;
	time_t			 tickers_retry;
	struct strlist		 want;		/* the symbols with such rules */
	struct strmap		*syms;		/* symbol -> fsym */
	struct strlist		 symkeys;
	time_t			 wait_until;	/* refused: nothing before */
	int			 refused;	/* said, not over */
	int			 proven;	/* data.sec.gov answered since the
						   start, or since its refusal:
						   else one request at a time */
	double			 tokens, tokens_at;
	unsigned		 inflight;
} F;

/* A request's own: which symbol (or the map), which filing's Form 4. */
struct freq {
	char		 symbol[SYMBOL_MAX + 1];
	int		 kind;		/* REQ_* */
	size_t		 news;		/* REQ_DOC: its index */
	char		*url;
	struct net_body	 body;
};
enum { REQ_TICKERS, REQ_SUBMISSIONS, REQ_DOC };

static const char *
www(void)
{
	return F.conf->edgar->url;	/* NULL: the SEC's own */
}

/* Whether rules of w read filings. */
static int
wants(const struct watch *w, int insider)
{
	const struct rule	*r;

	TAILQ_FOREACH(r, &w->rules, entry)
		if (insider ? r->kind != RULE_FILING && event_rule(r->kind) :
		    event_rule(r->kind))
			return 1;
	return 0;
}

static struct fsym *
fsym_of(const char *symbol, int make)
{
	struct fsym	*s;

	if (F.syms == NULL)
		F.syms = strmap_new();
	if ((s = strmap_get(F.syms, symbol)) != NULL || !make)
		return s;
	s = xcalloc(1, sizeof(*s));
	tk_strlcpy(s->symbol, symbol, sizeof(s->symbol));
	strmap_put(F.syms, s->symbol, s);
	strlist_add(&F.symkeys, symbol);
	return s;
}

static void
news_free(struct fsym *s)
{
	free(s->news);
	free(s->f4);
	free(s->doc);
	free(s->tries);
	s->news = NULL;
	s->f4 = NULL;
	s->doc = s->tries = NULL;
	s->nnews = 0;
}

/* Whether a request may go now: the budget, the refusal's wait. */
static int
may_ask(time_t now)
{
	double	 t = clock_mono();

	if (now < F.wait_until || F.inflight >= (F.proven ? INFLIGHT : 1))
		return 0;
	F.tokens = fmin(BUDGET, F.tokens + (t - F.tokens_at) * BUDGET);
	F.tokens_at = t;
	if (F.tokens < 1)
		return 0;
	F.tokens -= 1;
	return 1;
}

static void	done(void *, int, void *);

static void
ask(const char *symbol, int kind, size_t news, char *url)
{
	struct net_opts	 o;
	struct freq	*x = xcalloc(1, sizeof(*x));
	void		*easy;

	memset(&o, 0, sizeof(o));
	o.timeout = o.connect_timeout = (long)F.conf->timeout;
	o.protocols = "http,https";
	o.redirects = 3;
	o.user_agent = F.conf->edgar->contact;
	o.ca_file = F.conf->edgar->ca_file;
	tk_strlcpy(x->symbol, symbol, sizeof(x->symbol));
	x->kind = kind;
	x->news = news;
	x->url = url;
	x->body.max = ANSWER_BIG;
	easy = net_easy(url, &o);
	net_collect(easy, &x->body);
	F.inflight++;
	net_add(easy, done, x);
}

/* ---- the ticker map ---- */

static void
map_put(const char *ticker, long cik, void *arg)
{
	if (strmap_get(F.ciks, ticker) != NULL || (uintmax_t)cik > UINTPTR_MAX)
		return;		/* the first is the company's main one */
	strlist_add(&F.tickers, ticker);
	strmap_put(F.ciks, F.tickers.v[F.tickers.n - 1], (void *)(uintptr_t)cik);
}

static void
map_free(void)
{
	strmap_free(F.ciks);
	strlist_free(&F.tickers);
	F.ciks = NULL;
}

/* Read company_tickers.json; 0, or -1 (err says). */
static int
map_read(const char *body, size_t len, char *err, size_t errlen)
{
	map_free();
	F.ciks = strmap_new();
	if (edgar_tickers_parse(body, len, map_put, NULL, err, errlen) < 0) {
		map_free();
		return -1;
	}
	return 0;
}

/* The CIK of symbol: -1 when EDGAR has none. */
static long
cik_of(const char *symbol)
{
	char	 t[SYMBOL_MAX + 1];
	void	*c;

	edgar_ticker(symbol, t, sizeof(t));
	c = F.ciks != NULL ? strmap_get(F.ciks, t) : NULL;
	return c != NULL ? (long)(uintptr_t)c : -1;
}

static void
tickers_done(long status, const char *body, size_t len, const char *why,
    int refused)
{
	char	 err[256];

	F.tickers_busy = 0;
	if (refused)		/* said once for all (refused()) */
		return;
	if (why == NULL && status == 200 &&
	    map_read(body, len, err, sizeof(err)) == 0) {
		F.tickers_at = clock_now();
		if (filing_tickers_save(body, len) == -1)
			log_warnx("edgar: company_tickers.json could not be kept "
			    "in the state directory; fetched again at start");
		log_info("edgar: %zu tickers with their CIKs", F.tickers.n);
		return;
	}
	if (why == NULL)
		why = status == 200 ? err : "";
	log_warnx("edgar: company_tickers.json: %s%s (HTTP %ld); tried again "
	    "in %d minutes", why, *why ? "" : "no answer", status,
	    RETRY_MAX / 60);
	F.tickers_retry = clock_now() + RETRY_MAX;
}

static int
is_form4(const char *form)
{
	return strcmp(form, "4") == 0 || strcmp(form, "4/A") == 0;
}

/* Every new filing of s judged, its alerts to the judge, all kept. */
static void
judge_news(struct fsym *s)
{
	struct watch	*w = config_watch(F.conf, s->symbol);
	struct symstate	*ss = symstate_find(s->symbol);

	if (w != NULL && ss != NULL && F.J != NULL)
		filingrules_judge(F.J, w, ss, s->cik, s->news, s->f4,
		    s->doc, DOC_READ, s->nnews);
	news_free(s);
}

/* The news of s are judged once every Form 4 they want is read. */
static void
judge_when_read(struct fsym *s)
{
	size_t	 i;

	for (i = 0; i < s->nnews; i++)
		if (s->doc[i] == DOC_WANT || s->doc[i] == DOC_ASKED)
			return;
	judge_news(s);
	s->busy = 0;
}

/* A look's filings: recorded at the first, else what is new judged. */
static void
look_read(struct fsym *s, struct filing *f, size_t n)
{
	const struct filingrec	*rec = filing_rec(s->symbol);
	struct watch		*w = config_watch(F.conf, s->symbol);
	const char		*oldest = "";
	size_t			 i, k = 0;
	int			 insider = w != NULL && wants(w, 1);

	if (rec == NULL) {
		if (n > 0)
			filing_keep(s->symbol, s->cik, f, NULL, n);
		else
			filing_looked(s->symbol, s->cik);
		judge_dirty(F.J);
		log_info("%s: SEC EDGAR: %zu recent filings seen (CIK %ld); "
		    "new ones are announced from now on", s->symbol, n, s->cik);
		return;
	}
	if (rec->n == FILING_SEEN_MAX)	/* older than what is kept: old */
		oldest = rec->v[rec->n - 1].accepted;
	for (i = 0; i < n; i++)
		if (!filing_seen(s->symbol, f[i].accession) &&
		    strcmp(f[i].accepted, oldest) >= 0)
			f[k++] = f[i];
	if (k == 0)
		return;
	s->news = xreallocarray(NULL, k, sizeof(*s->news));
	memcpy(s->news, f, k * sizeof(*f));
	s->f4 = xcalloc(k, sizeof(*s->f4));
	s->doc = xcalloc(k, sizeof(*s->doc));
	s->tries = xcalloc(k, sizeof(*s->tries));
	s->nnews = k;
	for (i = 0; i < k; i++)
		if (insider && is_form4(s->news[i].form) &&
		    s->news[i].doc[0] != '\0')
			s->doc[i] = DOC_WANT;
	s->busy = 1;		/* until its news are judged */
	judge_when_read(s);
}

/* How long until s is looked at again: a quarter while in session. */
static time_t
interval(const struct fsym *s, time_t now)
{
	struct symstate		*ss = symstate_find(s->symbol);
	const struct exchange	*ex = ss != NULL ? ss->ex : NULL;
	time_t			 t = F.conf->edgar_poll;

	if (ex != NULL && market_open(ex, now) && t >= 4)
		t /= 4;
	return t;
}

static void
look_failed(struct fsym *s, const char *why)
{
	time_t	 wait = RETRY_MIN << (s->fails < 6 ? s->fails : 6);

	if (wait > RETRY_MAX)
		wait = RETRY_MAX;
	if (wait > F.conf->edgar_poll && F.conf->edgar_poll > RETRY_MIN)
		wait = F.conf->edgar_poll;
	s->fails++;
	s->next = clock_now() + wait;
	if (!s->said)
		log_warnx("%s: SEC EDGAR's filings: %s; tried again in %llds",
		    s->symbol, why, (long long)wait);
	s->said = 1;
}

static void
look_done(struct fsym *s, long status, const char *body, size_t len,
    const char *why, int refused)
{
	struct filing	*f;
	char		 err[256];
	long		 n;

	s->busy = 0;
	if (refused) {		/* said once for all (refused()) */
		s->next = F.wait_until;
		return;
	}
	if (why != NULL) {
		look_failed(s, why);
		return;
	}
	f = xcalloc(FILING_SEEN_MAX, sizeof(*f));
	n = status == 404 ? 0 : edgar_submissions_parse(body, len, f,
	    FILING_SEEN_MAX, err, sizeof(err));
	if (n < 0)
		look_failed(s, err);
	else {
		if (s->said)
			log_info("%s: SEC EDGAR's filings are read again",
			    s->symbol);
		s->fails = s->said = 0;
		s->next = clock_now() + interval(s, clock_now());
		look_read(s, f, (size_t)n);
	}
	free(f);
}

static void
doc_done(struct fsym *s, size_t i, long status, const char *body, size_t len,
    const char *why, int refused)
{
	char	 err[256];

	if (i >= s->nnews || s->doc[i] != DOC_ASKED)
		return;
	if (why == NULL && edgar_form4_parse(body, len, &s->f4[i], err,
	    sizeof(err)) == 0) {
		s->doc[i] = DOC_READ;
		judge_when_read(s);
		return;
	}
	if (why == NULL)
		why = err;
	if (refused || ++s->tries[i] < DOC_TRIES) {
		s->doc[i] = DOC_WANT;
		s->doc_at = clock_now() + (refused ? 0 : RETRY_MIN);
		return;
	}
	log_warnx("%s: Form %s %s could not be read (%s); its insider rules "
	    "are not judged on it", s->symbol, s->news[i].form,
	    s->news[i].accession, why);
	s->doc[i] = DOC_FAILED;
	judge_when_read(s);
}

/* The SEC refused: no request for REFUSED_WAIT, said once. */
static void
refused(const char *why)
{
	F.wait_until = clock_now() + REFUSED_WAIT;
	F.proven = 0;
	if (F.refused)
		return;
	F.refused = 1;
	log_warnx("edgar: %s; no request to EDGAR for %d minutes",
	    why, REFUSED_WAIT / 60);
	health_source("edgar", why);
}

/* An answer, or a failure: to what asked for it. */
static void
done(void *easy, int code, void *arg)
{
	struct freq	*x = arg;
	struct fsym	*s = fsym_of(x->symbol, 0);
	long		 status = 0;
	char		 why[400];
	const char	*body = x->body.buf.data ? x->body.buf.data : "", *w = NULL;
	size_t		 len = x->body.buf.len;
	int		 ref = 0, gone = code == CURLE_ABORTED_BY_CALLBACK ||
			    F.conf == NULL || F.J == NULL;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	F.inflight--;
	if (gone) {		/* asked again at the next start */
		if (x->kind == REQ_TICKERS)
			F.tickers_busy = 0;
		else if (s != NULL && x->kind == REQ_SUBMISSIONS)
			s->busy = 0;
		else if (s != NULL && x->news < s->nnews)
			s->doc[x->news] = DOC_WANT;
		goto out;
	}
	if (code != CURLE_OK)
		w = net_strerror(code, &x->body);
	else if ((ref = edgar_refused(status, body, len, why, sizeof(why))))
		refused(w = why);
	else if (status != 200 && !(status == 404 && x->kind ==
	    REQ_SUBMISSIONS)) {
		snprintf(why, sizeof(why), "HTTP %ld%s", status,
		    api_html(body, len) ? " with a page" : "");
		w = why;
	} else {
		if (x->kind != REQ_TICKERS)	/* the files host may differ */
			F.proven = 1;
		if (F.refused) {
			F.refused = 0;
			log_info("edgar: EDGAR answers again");
			health_source("edgar", NULL);
		}
	}
	if (x->kind == REQ_TICKERS)
		tickers_done(status, body, len, w, ref);
	else if (s != NULL && x->kind == REQ_SUBMISSIONS)
		look_done(s, status, body, len, w, ref);
	else if (s != NULL)
		doc_done(s, x->news, status, body, len, w, ref);
 out:
	free(x->url);
	buf_free(&x->body.buf);
	free(x);
}

/* ---- when ---- */

static void
ask_docs(struct fsym *s, time_t now)
{
	size_t	 i;

	for (i = 0; i < s->nnews; i++)
		if (s->doc[i] == DOC_WANT && may_ask(now)) {
			s->doc[i] = DOC_ASKED;
			ask(s->symbol, REQ_DOC, i, edgar_doc_url(www(), s->cik,
			    &s->news[i]));
		}
}

/* A watched symbol's turn: its CIK, its look, its Form 4s. */
static void
turn(const struct watch *w, time_t now)
{
	struct fsym	*s = fsym_of(w->symbol, 1);

	if (s->cik == 0 && F.ciks != NULL &&
	    (s->cik = cik_of(w->symbol)) == -1)
		log_warnx("%s: SEC EDGAR knows no company of this ticker (a "
		    "listing outside the US files elsewhere); its filing rules "
		    "wait for one", w->symbol);
	if (s->cik <= 0)
		return;
	if (s->nnews > 0 && s->doc_at <= now)
		ask_docs(s, now);
	else if (!s->busy && s->next <= now && may_ask(now)) {
		s->busy = 1;
		ask(s->symbol, REQ_SUBMISSIONS, 0, edgar_submissions_url(
		    F.conf->edgar->url, s->cik));
	}
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct watch	*w;
	time_t		 now = clock_now();
	size_t		 i;

	timer_in(F.tick, TICK);
	if (!F.tickers_busy && now >= F.tickers_retry &&
	    (F.tickers_at == 0 || now - F.tickers_at >= TICKERS_EVERY) &&
	    may_ask(now)) {
		F.tickers_busy = 1;
		ask("", REQ_TICKERS, 0, edgar_tickers_url(www()));
	}
	for (i = 0; i < F.want.n; i++)
		if ((w = config_watch(F.conf, F.want.v[i])) != NULL)
			turn(w, now);
}

/*
 * Start looking (a daemon with filing rules and provider edgar; not a
 * --once run or a replay): the map from the state directory, if kept.
 */
void
filings_start(struct event_base *base, struct config *conf, struct judge *J)
{
	struct watch	*w;
	struct buf	 b = { 0 };
	char		 err[256];
	time_t		 at;

	strlist_free(&F.want);
	TAILQ_FOREACH(w, &conf->watches, entry)
		if (wants(w, 0))
			strlist_add(&F.want, w->symbol);
	if (conf->edgar == NULL || F.want.n == 0)
		return;
	F.base = base;
	F.conf = conf;
	F.J = J;
	if (F.ciks == NULL && (at = filing_tickers_load(&b)) != 0) {
		if (map_read(b.data, b.len, err, sizeof(err)) == 0)
			F.tickers_at = at;
		else
			log_warnx("edgar: the kept company_tickers.json: %s; "
			    "fetched again", err);
	}
	buf_free(&b);
	if (F.tokens_at == 0) {
		F.tokens = 1;
		F.tokens_at = clock_mono();
	}
	if ((F.tick = evtimer_new(base, tick_cb, NULL)) == NULL)
		fatalx("evtimer_new");
	timer_in(F.tick, 0);
}

/* Stop looking; what is known stays for the next start (a reload). */
void
filings_stop(void)
{
	if (F.tick != NULL)
		event_free(F.tick);
	F.tick = NULL;
	F.conf = NULL;
	F.J = NULL;
}

/*
 * The filings seen, for tickerctl filings [SYMBOL]: newest first, each
 * with the rules it fired.
 */
json_t *
filings_json(const char *symbol)
{
	const struct filingrec	*r;
	json_t			*a = json_array(), *o;
	size_t			 i, k;
	char			*link;

	for (i = 0; (r = filing_at(i)) != NULL; i++) {
		if (symbol != NULL && strcasecmp(symbol, r->symbol) != 0)
			continue;
		for (k = 0; k < r->n && k < FILINGS_LISTED; k++) {
			link = edgar_index_url(NULL, r->cik,
			    r->v[k].accession);
			o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			    "symbol", jtext(r->symbol), "accession",
			    jtext(r->v[k].accession), "form", jtext(r->v[k].form),
			    "date", jtext(r->v[k].date), "accepted",
			    jtext(r->v[k].accepted), "items",
			    jtext(r->v[k].items), "fired", jtext(r->v[k].fired),
			    "link", jtext(link));
			json_array_append_new(a, o);
			free(link);
		}
	}
	return a;
}
