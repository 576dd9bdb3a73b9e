/*
 * Each watched symbol's daily history, for the rules on it: fetched from
 * the history endpoint of the first provider of the chain that has one
 * (providers/bars.c: Yahoo's chart, Stooq's daily CSV, Alpha Vantage's
 * TIME_SERIES_DAILY, Twelve Data's time_series), once at start and once
 * a session after that, two symbols at a time, through the one libcurl
 * multi handle in the loop.  The answer replaces the completed sessions
 * it covers (alerts/daily.c): a provider that adjusted its history for a
 * split leaves no unadjusted bar behind, and that is logged.  A failure
 * is logged once a session and tried again half an hour later; the rules
 * meanwhile judge with the history there is.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define INFLIGHT	2
#define SCAN_EVERY	60.0		/* seconds between looks */
#define RETRY_AFTER	1800		/* after a failure */
#define HISTORY_DAYS	420		/* asked: SMA 200 and its warm-up */
#define ANSWER_MAX	(8 * 1024 * 1024)

struct dfetch {
	char			 symbol[SYMBOL_MAX + 1];
	const struct bars_api	*api;
	char			*provider;
	char			*url;
	long			 day;
	struct net_body		 body;
};

static unsigned	 inflight;
static struct event	*scan_ev;	/* the poller's, while it runs */

/* A request is done: look for the next at once. */
static void
next_soon(void)
{
	if (scan_ev != NULL)
		timer_in(scan_ev, 0.05);
}

/*
 * Whether symbol's history d wants the provider's now: each session for
 * rules on it; for the review of its alerts only, once, when sessions
 * after a waiting alert are missing (the daemon was down): the quotes
 * build the rest.
 */
static int
wanted(const char *symbol, struct daily *d, const struct exchange *ex,
    long day)
{
	long	 prev, last, oldest;

	if (d->fetched_day == day)
		return 0;
	if (d->want_history)
		return 1;
	if (d->fetched_day != 0)
		return 0;
	prev = market_prev_day(ex, day);
	last = d->n > 0 ? d->v[d->n - 1].day : 0;
	oldest = review_oldest_pending(symbol);
	if (oldest != 0 && oldest < prev && last < prev)
		return 1;
	d->fetched_day = day;		/* looked: nothing missing */
	return 0;
}

/* How a request to provider pc goes. */
static void
options(const struct poller *P, const struct providerconf *pc,
    struct net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout = o->connect_timeout = (long)P->conf->timeout;
	o->protocols = "http,https";
	o->redirects = 3;
	o->user_agent = pc->user_agent ? pc->user_agent : TICKERD_USER_AGENT;
	o->ca_file = pc->ca_file;
}

/* A fetch failed: said once a session, tried again later. */
static void
failed(struct dfetch *x, struct daily *d, const char *why)
{
	char	*red = net_redact(x->url);

	if (d == NULL)
		return;
	d->fetching = 0;
	d->retry_at = clock_now() + RETRY_AFTER;
	if (d->said_day != x->day)
		log_warnx("%s: daily history from %s: %s; tried again in %d "
		    "minutes", x->symbol, red, why, RETRY_AFTER / 60);
	d->said_day = x->day;
	free(red);
}

/* The answer, into the symbol's history if it is still watched. */
static void
apply(struct dfetch *x, long status)
{
	struct symstate	*ss = symstate_find(x->symbol);
	struct daily	*d = ss != NULL ? ss->ref.daily : NULL;
	struct bars	 b = { 0 };
	struct dbar	*v;
	double		 ratio;
	size_t		 i;

	if (bars_parse(x->api, status, x->body.buf.data ? x->body.buf.data :
	    "", x->body.buf.len, 0, &b) == -1 || b.n == 0) {
		failed(x, d, b.error[0] != '\0' ? b.error : "no bars");
		bars_free(&b);
		return;
	}
	bars_say_skipped(&b, x->symbol);
	if (d == NULL) {
		bars_free(&b);
		return;
	}
	v = xcalloc(b.n, sizeof(*v));
	for (i = 0; i < b.n; i++) {
		v[i].day = b.v[i].day;
		v[i].open = b.v[i].open;
		v[i].high = b.v[i].high;
		v[i].low = b.v[i].low;
		v[i].close = b.v[i].close;
		v[i].volume = b.v[i].volume;
	}
	ratio = daily_replace(d, v, b.n);
	if (isfinite(ratio) && fabs(ratio - 1) > 0.01)
		log_info("%s: %s adjusted its history (closes %.3g times those "
		    "kept, a split or a dividend): the kept history is "
		    "replaced", x->symbol, x->provider, ratio);
	else
		log_debug("%s: %zu daily bars from %s", x->symbol, b.n,
		    x->provider);
	d->fetched_day = x->day;
	d->fetching = 0;
	d->retry_at = 0;
	dailystore_save(x->symbol, d);
	review_update(x->symbol, d, x->day);	/* what followed its alerts */
	review_save();
	free(v);
	bars_free(&b);
}

static void
fetched(void *easy, int code, void *arg)
{
	struct dfetch	*x = arg;
	long		 status = 0;
	struct symstate	*ss;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	inflight--;
	if (code == CURLE_ABORTED_BY_CALLBACK)	/* stopping */
		;
	else if (code != CURLE_OK) {
		ss = symstate_find(x->symbol);
		failed(x, ss != NULL ? ss->ref.daily : NULL,
		    net_strerror(code, &x->body));
	} else
		apply(x, status);
	free(x->provider);
	free(x->url);
	buf_free(&x->body.buf);
	free(x);
	next_soon();
}

/* Ask for s's history. */
static void
ask(struct poller *P, struct sym *s, const struct providerconf *pc,
    const struct bars_api *api, long day, time_t now)
{
	const struct provider	*p = provider_find(pc->name);
	struct net_opts		 opts;
	struct dfetch		*x = xcalloc(1, sizeof(*x));
	char			 name[SYMBOL_MAX + 8];
	void			*easy;

	options(P, pc, &opts);
	tk_strlcpy(x->symbol, s->w->symbol, sizeof(x->symbol));
	fetchhist_spell(pc, p, s->w->symbol, name, sizeof(name));
	x->api = api;
	x->provider = xstrdup(pc->name);
	x->day = day;
	x->url = api->url(pc->url ? pc->url : p->default_url, pc->key, name,
	    0, now - HISTORY_DAYS * 86400, now);
	x->body.max = ANSWER_MAX;
	easy = net_easy(x->url, &opts);
	net_collect(easy, &x->body);
	s->ss->ref.daily->fetching = 1;
	inflight++;
	net_add(easy, fetched, x);
}

/* The earnings date of a symbol, as its provider's calendar says. */
struct efetch {
	char			 symbol[SYMBOL_MAX + 1];
	char			*provider;
	long			 day;
	struct net_body		 body;
};

static void
earnings_fetched(void *easy, int code, void *arg)
{
	struct efetch	*x = arg;
	struct symstate	*ss = symstate_find(x->symbol);
	struct daily	*d = ss != NULL ? ss->ref.daily : NULL;
	long		 status = 0, day;
	char		 err[256] = "";

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	inflight--;
	if (code == CURLE_OK)
		day = earnings_parse(x->provider, status, x->body.buf.data ?
		    x->body.buf.data : "", x->body.buf.len, x->symbol, x->day,
		    err, sizeof(err));
	else {
		day = -1;
		snprintf(err, sizeof(err), "%s", net_strerror(code, &x->body));
	}
	if (d != NULL && code != CURLE_ABORTED_BY_CALLBACK) {
		d->earnings_fetching = 0;
		if (day >= 0) {
			d->earnings_day = day;
			log_debug("%s: next earnings from %s: %ld", x->symbol,
			    x->provider, day);
		} else {
			log_warnx("%s: earnings dates from %s: %s", x->symbol,
			    x->provider, err);
			d->earnings_asked = 0;	/* again at the next look */
			d->retry_at = clock_now() + RETRY_AFTER;
		}
	}
	free(x->provider);
	buf_free(&x->body.buf);
	free(x);
	next_soon();
}

/* The provider configured with an earnings calendar, or NULL. */
static struct providerconf *
earnings_provider(const struct config *conf)
{
	struct providerconf	*pc;

	TAILQ_FOREACH(pc, &conf->providers, entry)
		if (earnings_served(pc->name) && pc->key != NULL)
			return pc;
	return NULL;
}

/* Ask pc's calendar for the next earnings date of s. */
static void
ask_earnings(struct poller *P, struct sym *s, const struct providerconf *pc,
    long day)
{
	const struct provider	*p = provider_find(pc->name);
	struct net_opts		 opts;
	struct efetch		*x = xcalloc(1, sizeof(*x));
	char			 name[SYMBOL_MAX + 8], *url;
	void			*easy;

	options(P, pc, &opts);
	tk_strlcpy(x->symbol, s->w->symbol, sizeof(x->symbol));
	fetchhist_spell(pc, p, s->w->symbol, name, sizeof(name));
	x->provider = xstrdup(pc->name);
	x->day = day;
	x->body.max = ANSWER_MAX;
	url = earnings_url(pc->name, pc->url ? pc->url : p->default_url,
	    pc->key, name, day);
	easy = net_easy(url, &opts);
	values_secret_free(url);
	net_collect(easy, &x->body);
	s->ss->ref.daily->earnings_fetching = 1;
	s->ss->ref.daily->earnings_asked = day;
	inflight++;
	net_add(easy, earnings_fetched, x);
}

/* Every minute: the histories not fetched this session, two at a time. */
static void
scan(evutil_socket_t fd, short ev, void *arg)
{
	struct poller		*P = arg;
	const struct bars_api	*api;
	struct providerconf	*pc = fetchhist_pick(P->conf, 0, &api);
	struct providerconf	*epc = earnings_provider(P->conf);
	struct daily		*d;
	struct sym		*s;
	time_t			 now = clock_now();
	long			 day;

	timer_in(P->daily_ev, SCAN_EVERY);
	TAILQ_FOREACH(s, &P->syms, entry)	/* sessions completed */
		if ((d = s->ss->ref.daily) != NULL &&
		    (d->version != d->reviewed || d->nalerts > 0)) {
			review_session(d);
			review_update(s->w->symbol, d, market_day(s->ss->ex,
			    now));
			d->reviewed = d->version;
		}
	review_save();
	TAILQ_FOREACH(s, &P->syms, entry) {
		if (inflight >= INFLIGHT)
			break;
		if ((d = s->ss->ref.daily) == NULL || d->fetching ||
		    d->earnings_fetching || d->retry_at > now)
			continue;
		day = market_day(s->ss->ex != NULL ? s->ss->ex : s->w->ex, now);
		if (pc != NULL && wanted(s->w->symbol, d, s->ss->ex, day))
			ask(P, s, pc, api, day, now);
		else if (epc != NULL && d->want_earnings &&
		    d->earnings_asked != day)
			ask_earnings(P, s, epc, day);
	}
}

/*
 * Start looking every minute (not for a --once run): what to fetch (a
 * replay has nothing to fetch from), and the review of the alerts whose
 * sessions completed.
 */
void
dailyfetch_start(struct poller *P)
{
	const struct bars_api	*api;
	struct sym		*s;
	int			 any = 0;

	if (P->opts.once)
		return;
	TAILQ_FOREACH(s, &P->syms, entry)
		any |= s->ss->ref.daily != NULL;
	if (any && fetchhist_pick(P->conf, 0, &api) == NULL)
		log_warnx("rules on the daily history: no provider of the "
		    "chain serves daily history (yahoo, stooq, alphavantage "
		    "and twelvedata do); the history grows from quotes only");
	if ((P->daily_ev = evtimer_new(P->base, scan, P)) == NULL)
		fatalx("evtimer_new");
	scan_ev = P->daily_ev;
	timer_in(P->daily_ev, 0);
}

void
dailyfetch_stop(struct poller *P)
{
	if (P->daily_ev != NULL)
		event_free(P->daily_ev);
	P->daily_ev = NULL;
	scan_ev = NULL;
}
