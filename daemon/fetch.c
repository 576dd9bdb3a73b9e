/*
 * Requests and answers.  fetch_send() asks one provider of the chain for
 * the quotes of n symbols (or one symbol's 52-week range) through
 * lib/net.c, never blocking the loop; req_done() reads the answer with
 * the provider's parser and settles each symbol: a good quote goes to the
 * arbiter, a failure backs off (exponentially, with jitter,
 * honouring Retry-After) and asks the fallback, an unknown symbol is
 * reported once, and a host that cannot be reached at all is backed off
 * as a whole.
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

#define BACKOFF_MAX	3600	/* seconds between retries, at most */
#define UNKNOWN_RETRY	3600	/* how often an unknown symbol is retried */
#define PLAN_RETRY	(6 * 3600) /* a symbol the plan does not serve */
#define KEY_RETRY	3600	/* a provider that refused its key */
#define RANGE_RETRY	3600	/* a failed 52-week range, asked again */

/* One HTTP request: n symbols' quotes, or one symbol's range. */
struct req {
	TAILQ_ENTRY(req)	 entry;
	struct src		*src;
	int			 range;
	int			 session;	/* a batch, with the crumb */
	unsigned		 epoch;		/* the host's, when sent */
	struct sym		**syms;
	const char		**names;
	size_t			 n;
	CURL			*easy;
	char			*url;
	struct curl_slist	*headers;	/* the key, for some APIs */
	struct net_body		 body;
};

static void	req_done(void *, int, void *);

/* The header lines that carry r's key (Alpaca's), or NULL. */
static struct curl_slist *
key_headers(const struct src *r)
{
	struct curl_slist	*l = NULL, *n;
	char			*h;
	int			 i;

	if (r->p->header == NULL)
		return NULL;
	for (i = 0; (h = r->p->header(r->pc->key, r->pc->secret, i)) != NULL;
	    i++) {
		if ((n = curl_slist_append(l, h)) == NULL)
			fatalx("curl_slist_append");
		l = n;
		explicit_bzero(h, strlen(h));
		free(h);
	}
	return l;
}

/* Ask provider r about n symbols: their quotes, or (range) a range. */
void
fetch_send(struct src *r, struct sym **list, size_t n, int range)
{
	struct net_opts	 opts;
	struct req	*q = xcalloc(1, sizeof(*q));
	int		 at = (int)(r - r->P->srcs);
	size_t		 i;

	q->src = r;
	q->range = range;
	q->epoch = r->host_epoch;
	q->n = n;
	q->syms = xcalloc(n, sizeof(*q->syms));
	q->names = xcalloc(n, sizeof(*q->names));
	for (i = 0; i < n; i++) {
		q->syms[i] = list[i];
		q->names[i] = list[i]->ps[at].name;
	}
	q->session = !range && r->p->session != NULL &&
	    r->session == SESSION_OK;
	if (range)
		q->url = r->p->range_url(r->base, r->pc->key, q->names[0],
		    clock_now());
	else if (q->session)
		q->url = r->p->session->url(r->base, r->crumb, q->names, n);
	else
		q->url = r->p->url(r->base, r->pc->key, q->names, n);
	session_net_opts(r, &opts);
	q->easy = net_easy(q->url, &opts);
	q->headers = key_headers(r);
	if (q->headers != NULL)
		curl_easy_setopt(q->easy, CURLOPT_HTTPHEADER, q->headers);
	q->body.max = BODY_MAX;
	net_collect(q->easy, &q->body);
	TAILQ_INSERT_TAIL(&r->P->reqs, q, entry);
	r->inflight++;
	net_add(q->easy, req_done, q);
}

/* The range's figures where the quote lacks them. */
static void
merge_range(struct sym *s, struct quote *q)
{
	long	 day = market_day(q->ex, q->time);
	int	 i;

	if (s->range_time == 0)
		return;
	if (!isfinite(q->high52) && !isfinite(q->low52)) {
		q->high52 = s->range.high52;
		q->low52 = s->range.low52;
	}
	for (i = 0; i < 2 && !isfinite(q->prev_close); i++)
		if (s->range.close_day[i] != 0 && s->range.close_day[i] < day)
			q->prev_close = s->range.close[i];
}

/*
 * A polled quote to the arbiter; then the newer pre- or post-market price
 * the answer also gave, as a quote of its own on the same references.
 */
static void
evaluate(struct sym *s, struct quote *q)
{
	time_t		 now = clock_now();
	struct quote	 x;

	arbiter_place(s, q, clock_market());
	merge_range(s, q);
	x = *q;
	q->ext_price = 0;	/* the symbol's last quote is the regular one */
	arbiter_quote(s->P->A, s, q, now, ORIGIN_POLL);
	if (x.ext_price > 0 && x.ext_time > x.time) {
		x.price = x.ext_price;
		x.time = x.ext_time;
		x.session = x.ext_session;
		x.ext_price = 0;
		x.untimed = 0;
		arbiter_quote(s->P->A, s, &x, now, ORIGIN_POLL);
	}
	poll_round_end(s);
	poll_again(s, (double)s->P->conf->poll);
}

static void
quote_ok(struct sym *s, int at, struct quote *q)
{
	struct psym	*ps = &s->ps[at];
	struct src	*r = &s->P->srcs[at];
	int		 i;

	if (ps->st->reported || s->said_unknown)
		log_info("%s: quotes are back (%s)", s->w->symbol, r->p->name);
	if (at > 0 && s->source != at)
		log_info("%s: quoted by %s, the fallback of %s", s->w->symbol,
		    r->p->name, s->P->srcs[at - 1].p->name);
	ps->st->fails = 0;
	ps->st->unknown = 0;
	ps->st->reported = 0;
	ps->st->not_before = 0;
	s->said_unknown = 0;
	s->solo = 0;
	s->source = at;
	for (i = 0; i < at; i++)
		s->ps[i].st->reported = 1;	/* say when it is back */
	tk_strlcpy(q->symbol, s->w->symbol, sizeof(q->symbol));
	s->busy = 0;
	if (poll_range_due(s, at, clock_now())) {
		poll_enqueue_range(s, at);
		if (s->range_time == 0) {
			/* the first quote waits for its 52-week range */
			s->held = xmalloc(sizeof(*s->held));
			*s->held = *q;
			s->busy = 1;
			return;
		}
	}
	evaluate(s, q);
}

/* The log line of a failed answer: once, then at debug level. */
static void
say_failed(struct sym *s, struct src *r, struct fetch_result *res,
    double delay, const char *url)
{
	if (s->ps[r - s->P->srcs].st->reported) {
		log_debug("%s: %s from %s", s->w->symbol, res->error, url);
		return;
	}
	if (res->status == FETCH_REFUSED || res->status == FETCH_BLOCKED)
		/* said once, by provider_waits */
		log_debug("%s: %s from %s", s->w->symbol, res->error, url);
	else if (res->status == FETCH_RATELIMIT)
		log_warnx("%s: rate-limited by %s (%s); not asked again for "
		    "%.0fs", s->w->symbol, r->p->name, res->error, delay);
	else if (res->status == FETCH_UNAVAILABLE)
		log_info("%s: not available from %s (%s); asked again in %.0fs",
		    s->w->symbol, r->p->name, res->error, delay);
	else if (res->status == FETCH_UNKNOWN)
		log_info("%s: %s does not know it (%s, %s)", s->w->symbol,
		    r->p->name, res->error, url);
	else
		log_warnx("%s: %s from %s, skipped; next try in %.0fs",
		    s->w->symbol, res->error, url, delay);
}

/* What tickerctl shows of the failure: unknown everywhere, or why. */
static void
set_problem(struct sym *s, struct src *r, struct fetch_result *res)
{
	size_t	 i;

	for (i = 0; i < s->P->nsrc; i++)
		if (!s->ps[i].st->unknown)
			break;
	if (i < s->P->nsrc) {
		symstate_set_problem(s->ss, r->p->name, res->error);
		return;
	}
	if (!s->said_unknown)
		log_warnx("%s: unknown or delisted symbol (%s); polling the "
		    "others goes on", s->w->symbol, res->error);
	s->said_unknown = 1;
	symstate_set_problem(s->ss, NULL, PROBLEM_UNKNOWN);
}

static void
quote_failed(struct sym *s, int at, struct fetch_result *res,
    long retry_after, const char *url)
{
	struct psym	*ps = &s->ps[at];
	struct src	*r = &s->P->srcs[at];
	time_t		 now = clock_now();
	double		 delay, wait, poll = (double)s->P->conf->poll;
	int		 next;

	s->busy = 0;
	ps->st->fails++;
	if (res->status == FETCH_UNKNOWN) {
		delay = UNKNOWN_RETRY;
		ps->st->unknown = 1;
	} else if (res->status == FETCH_UNAVAILABLE)
		delay = PLAN_RETRY;
	else if (res->status == FETCH_REFUSED || res->status == FETCH_BLOCKED)
		delay = (double)(r->host_until > now ? r->host_until - now :
		    KEY_RETRY);
	else {
		delay = clock_backoff(poll, (unsigned)ps->st->fails, BACKOFF_MAX);
		if (res->status == FETCH_RATELIMIT && retry_after > 0 &&
		    (double)retry_after > delay)
			delay = (double)retry_after;
	}
	ps->st->not_before = now + (time_t)delay;
	say_failed(s, r, res, delay, url);
	ps->st->reported = 1;
	set_problem(s, r, res);
	if ((next = poll_pick(s, now, &wait)) >= 0) {
		log_debug("%s: asking %s", s->w->symbol,
		    s->P->srcs[next].p->name);
		poll_enqueue(s, next);
		return;
	}
	poll_round_end(s);
	poll_again(s, wait > poll ? wait : poll);
}

static void
range_done(struct sym *s, int at, struct fetch_result *res, long retry_after,
    const char *url)
{
	struct src	*r = &s->P->srcs[at];
	time_t		 now = clock_now();

	s->range_busy = 0;
	if (res->status == FETCH_OK) {
		s->range.high52 = res->quote.high52;
		s->range.low52 = res->quote.low52;
		memcpy(s->range.close_day, res->close_day,
		    sizeof(s->range.close_day));
		memcpy(s->range.close, res->close, sizeof(s->range.close));
		s->range_time = now;
		s->range_reported = 0;
		log_debug("%s: 52-week range from %s", s->w->symbol, r->p->name);
	} else {
		s->range_not_before = now + (retry_after > RANGE_RETRY ?
		    retry_after : RANGE_RETRY);
		if ((res->status == FETCH_REFUSED ||
		    res->status == FETCH_BLOCKED) && r->host_until > now)
			s->range_not_before = r->host_until;
		if (!s->range_reported && res->status != FETCH_REFUSED &&
		    res->status != FETCH_BLOCKED)
			log_info("%s: no 52-week range from %s (%s, %s); asked "
			    "again in an hour", s->w->symbol, r->p->name,
			    res->error, url);
		s->range_reported = 1;
	}
	if (s->held != NULL) {
		struct quote	 q = *s->held;

		free(s->held);
		s->held = NULL;
		s->busy = 0;
		evaluate(s, &q);
	}
}

/* Failures that say the host cannot be reached at all. */
static int
host_down(int code)
{
	return code == CURLE_COULDNT_RESOLVE_HOST ||
	    code == CURLE_COULDNT_RESOLVE_PROXY ||
	    code == CURLE_COULDNT_CONNECT || code == CURLE_SSL_CONNECT_ERROR ||
	    code == CURLE_PEER_FAILED_VERIFICATION;
}

/* The symbols waiting for r go to whichever provider may be asked. */
static void
reroute(struct src *r)
{
	struct sym	*s;

	while ((s = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, s, qentry);
		r->nqueue--;
		s->busy = 0;
		poll_route(s);
	}
}

/*
 * The host is down: back off from it, exponentially with jitter, and
 * send the symbols waiting for it to their fallbacks.  The requests that
 * were in flight together see the same outage: only the first of them
 * (one sent since the backoff last grew) makes the backoff grow, or 32
 * connections failing at once would make it an hour; one that fails
 * after the backoff ran out says the host is still down, and makes it
 * grow too.  Either way the host is backed off when this returns, for
 * at least a second, so the symbols routed away cannot come back to it.
 */
static void
host_failed(struct src *r, unsigned epoch, const char *why, const char *url)
{
	time_t		 now = clock_now();
	double		 d;

	if (epoch == r->host_epoch || r->host_until <= now) {
		r->host_epoch++;
		r->host_fails++;
		d = ceil(clock_backoff((double)r->P->conf->poll,
		    (unsigned)(r->host_fails - 1), BACKOFF_MAX));
		if (d < 1)
			d = 1;
		if (r->host_until < now + (time_t)d)
			r->host_until = now + (time_t)d;
	} else
		d = (double)(r->host_until - now);
	if (!r->host_reported)
		log_warnx("%s: %s (%s); asking it again in %.0fs", r->p->name,
		    why, url, d);
	r->host_reported = 1;
	reroute(r);
}

/*
 * The provider refused its key (a bad key, Alpha Vantage's demo key), or
 * answered a page in place of data (Stooq's browser check): said once,
 * and the provider is not asked again for KEY_RETRY; the symbols waiting
 * for it go to its fallback, if it has one.
 */
static void
provider_waits(struct src *r, const struct fetch_result *res)
{
	const struct src	*next = r + 1 < r->P->srcs + r->P->nsrc ?
				    r + 1 : NULL;
	time_t			 now = clock_now();
	char			 then[160];

	if (r->host_until < now + KEY_RETRY)
		r->host_until = now + KEY_RETRY;
	if (r->key_reported == 0 && !(res->status == FETCH_REFUSED &&
	    r->feed_key_said)) {
		snprintf(then, sizeof(then), "Not asked again for %ds%s%s",
		    KEY_RETRY, next != NULL ? "; meanwhile its symbols are "
		    "asked of " : "", next != NULL ? next->p->name : "");
		if (res->status == FETCH_REFUSED)
			log_warnx("%s: the key was refused (%s); check "
			    "key-file. %s", r->p->name, res->error, then);
		else
			log_warnx("%s%s. %s", res->error, r->pc->key != NULL ?
			    "; the key of key-file was sent: check it" : "",
			    then);
	}
	r->key_reported = (int)res->status;
	reroute(r);
}

static void
req_free(struct req *q)
{
	buf_free(&q->body.buf);
	curl_slist_free_all(q->headers);
	free(q->url);
	free(q->syms);
	free(q->names);
	free(q);
}

/* The provider's reading of a finished request, one result a symbol. */
static struct fetch_result *
req_results(struct req *q, int code, long status, const char *red)
{
	struct src		*r = q->src;
	struct fetch_result	*res = xcalloc(q->n, sizeof(*res));
	const char		*body = q->body.buf.data ? q->body.buf.data : "";

	if (code != CURLE_OK) {
		api_fail_all(res, q->n, FETCH_FAIL, "%s",
		    net_strerror(code, &q->body));
		if (host_down(code))
			host_failed(r, q->epoch, res[0].error, red);
	} else if (q->range)
		r->p->range_parse(q->names[0], status, body, q->body.buf.len,
		    clock_now(), res);
	else if (q->session)
		r->p->session->parse(q->names, q->n, status, body, q->body.buf.len,
		    res);
	else
		r->p->parse(q->names, q->n, status, body, q->body.buf.len, res);
	return res;	/* the server's words came in through text_printf() */
}

/*
 * What a request told of its provider, for health.c: how many symbols it
 * quoted, or why it failed (an answer that a symbol is unknown, or not on
 * the plan, is the API working: cause -1).
 */
static void
req_health(struct req *q, int code, long status,
    const struct fetch_result *res)
{
	const char	*body = q->body.buf.data ? q->body.buf.data : "";
	size_t		 i, nok = 0, nknown = 0;
	int		 cause = CAUSE_NOT_API;

	for (i = 0; i < q->n; i++) {
		nok += res[i].status == FETCH_OK;
		nknown += res[i].status == FETCH_UNKNOWN ||
		    res[i].status == FETCH_UNAVAILABLE;
		if (res[i].status == FETCH_SESSION ||
		    res[i].status == FETCH_NOBATCH)
			return;		/* a step of the session, not a failure */
		if (res[i].status == FETCH_REFUSED)
			cause = CAUSE_KEY;
		else if (res[i].status == FETCH_BLOCKED)
			cause = CAUSE_HTML;
		else if (res[i].status == FETCH_RATELIMIT && cause != CAUSE_KEY)
			cause = CAUSE_THROTTLED;
	}
	if (nok == 0 && nknown == q->n) {
		health_request(q->src->p->name, 0, -1, "");
		return;
	}
	if (nok == 0 && code != CURLE_OK)
		cause = code == CURLE_OPERATION_TIMEDOUT ? CAUSE_TIMEOUT :
		    code == CURLE_SSL_CONNECT_ERROR ||
		    code == CURLE_PEER_FAILED_VERIFICATION ||
		    code == CURLE_SSL_CERTPROBLEM ||
		    code == CURLE_SSL_CACERT_BADFILE ? CAUSE_TLS : CAUSE_DOWN;
	else if (nok == 0 && cause == CAUSE_NOT_API && status >= 500)
		cause = CAUSE_SERVER;
	else if (nok == 0 && cause == CAUSE_NOT_API &&
	    body[strspn(body, " \t\r\n")] == '<')
		cause = CAUSE_HTML;
	health_request(q->src->p->name, nok, cause, q->n > 0 ? res[0].error :
	    "");
}

static void
req_done(void *easy, int code, void *arg)
{
	struct req		*q = arg;
	struct src		*r = q->src;
	struct fetch_result	*res;
	long			 status = 0;
	curl_off_t		 retry_after = 0;
	char			*red;
	size_t			 i;
	int			 at = (int)(r - r->P->srcs), any_ok = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
	if (status > 0)
		r->mux = net_http2(easy);
	curl_easy_cleanup(easy);
	TAILQ_REMOVE(&r->P->reqs, q, entry);
	r->inflight--;
	if (code == CURLE_ABORTED_BY_CALLBACK) {	/* shutting down */
		req_free(q);
		return;
	}
	red = net_redact(q->url);	/* the URL fit for logs */
	res = req_results(q, code, status, red);
	req_health(q, code, status, res);
	for (i = 0; i < q->n; i++)
		if (res[i].status == FETCH_REFUSED ||
		    res[i].status == FETCH_BLOCKED) {
			provider_waits(r, &res[i]);
			break;
		}
	for (i = 0; i < q->n; i++) {
		any_ok |= res[i].status == FETCH_OK;
		if (q->range)
			range_done(q->syms[i], at, &res[i], (long)retry_after,
			    red);
		else if (res[i].status == FETCH_OK)
			quote_ok(q->syms[i], at, &res[i].quote);
		else if (res[i].status == FETCH_SESSION ||
		    res[i].status == FETCH_NOBATCH) {
			/* asked again with the next session, or without
			 * one: not a failure */
			if (res[i].status == FETCH_SESSION)
				session_refused(r, res[i].error);
			else
				session_denied(r, res[i].error);
			q->syms[i]->busy = 0;
			poll_enqueue(q->syms[i], at);
		} else {
			/* a bad answer in a batch: ask that symbol alone */
			if (q->n > 1 && res[i].status == FETCH_BAD)
				q->syms[i]->solo = 1;
			quote_failed(q->syms[i], at, &res[i],
			    (long)retry_after, red);
		}
	}
	if (any_ok && q->session)
		session_good(r);
	if (any_ok && r->key_reported) {
		log_info(r->key_reported == FETCH_REFUSED ? "%s: the key is "
		    "accepted again" : "%s: answers data again", r->p->name);
		r->key_reported = 0;
	}
	if (any_ok || (code == CURLE_OK && status > 0 && status < 500)) {
		if (r->host_reported)
			log_info("%s: answering again", r->p->name);
		r->host_fails = 0;
		r->host_reported = 0;
	}
	free(res);
	free(red);
	req_free(q);
	bucket_dispatch(r);
}

/* The chain's providers send their requests through fetch_send(). */
void
fetch_attach(struct poller *P)
{
	size_t	 i;

	for (i = 0; i < P->nsrc; i++)
		P->srcs[i].send = fetch_send;
}

/* Abort every request in flight (a stop or a reload). */
void
fetch_cancel_all(struct poller *P)
{
	struct req	*q;

	while ((q = TAILQ_FIRST(&P->reqs)) != NULL) {
		TAILQ_REMOVE(&P->reqs, q, entry);
		net_cancel(q->easy);
		curl_easy_cleanup(q->easy);
		req_free(q);
	}
}
