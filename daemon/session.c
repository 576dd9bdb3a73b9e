/*
 * Sessions, for the batch endpoints that want one (Yahoo's v7 quote):
 * a request whose answer sets a cookie, then one that turns the cookie
 * into a crumb.  The cookie lives in a jar of libcurl's, in memory only,
 * shared by the provider's requests; the crumb goes into each batch
 * request.  While a session is being made, the provider's quotes wait;
 * when none can be had (the server has no such endpoint, answers a page
 * in place of a crumb, or throttles), the provider's plain endpoint is
 * used, one symbol a request, and a session is tried again later.  A
 * batch answer that refuses the session (401 Invalid Crumb) renews it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define SESSION_RETRY	3600	/* no crumb to be had: try again then */
#define THROTTLE_MIN	60	/* a throttled crumb: at least this long */
#define REFUSED_MAX	3	/* sessions refused in a row: give up */
#define DENIED_RETRY	(6 * 3600) /* batches refused to this client */
#define CRUMB_ANSWER_MAX (64 * 1024)	/* a page in place of a crumb */

/* How every request to provider r is made: its timeouts, its
 * User-Agent, its connections shared, its cookies. */
void
session_net_opts(const struct src *r, struct net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->protocols = "http,https";
	o->redirects = 3;
	o->timeout = o->connect_timeout = (long)r->P->conf->timeout;
	o->user_agent = r->pc->user_agent ? r->pc->user_agent :
	    TICKERD_USER_AGENT;
	o->multiplex = r->mux;
	o->share = r->jar;
	o->ca_file = r->pc->ca_file;
}

/* One request of the handshake. */
struct hand {
	struct src	*src;
	CURL		*easy;
	struct net_body	 body;
	int		 crumb;		/* the second step */
};

static void	hand_done(void *, int, void *);

static void
hand_send(struct src *r, int crumb)
{
	struct net_opts	 opts;
	struct hand	*h = xcalloc(1, sizeof(*h));
	const struct session_api *api = r->p->session;
	char		*url;

	h->src = r;
	h->crumb = crumb;
	url = crumb ? api->crumb_url(r->base) : api->cookie_url(r->base);
	session_net_opts(r, &opts);
	h->easy = net_easy(url, &opts);
	free(url);
	h->body.max = CRUMB_ANSWER_MAX;
	net_collect(h->easy, &h->body);
	r->hand = h;
	r->inflight++;
	net_add(h->easy, hand_done, h);
}

/* No session now: the plain endpoint until `retry' seconds from now. */
static void
session_off(struct src *r, const char *why, double retry)
{
	r->session = SESSION_OFF;
	r->session_retry = clock_now() + (time_t)retry;
	if (!r->session_reported)
		log_warnx("%s: no session for batches (%s); one symbol a "
		    "request until it can be had, tried again in %.0fs",
		    r->p->name, why, retry);
	else
		log_debug("%s: no session (%s)", r->p->name, why);
	r->session_reported = 1;
}

static void
crumb_read(struct src *r, struct hand *h, long status, long retry_after)
{
	char			 why[128];
	double			 d;

	switch (r->p->session->crumb_parse(status, h->body.buf.data ?
	    h->body.buf.data : "", h->body.buf.len, r->crumb,
	    sizeof(r->crumb), why, sizeof(why))) {
	case CRUMB_OK:
		r->session = SESSION_OK;
		if (r->session_reported)
			log_info("%s: a session again: batches of up to %zu "
			    "symbols", r->p->name, r->p->session->batch_max);
		else
			log_debug("%s: a session: batches of up to %zu symbols",
			    r->p->name, r->p->session->batch_max);
		r->session_reported = 0;
		break;
	case CRUMB_THROTTLED:
		d = clock_backoff(THROTTLE_MIN, (unsigned)++r->session_throttled,
		    SESSION_RETRY);
		session_off(r, why, retry_after > d ? (double)retry_after : d);
		break;
	case CRUMB_NONE:
		session_off(r, why, SESSION_RETRY);
		break;
	}
}

static void
hand_done(void *easy, int code, void *arg)
{
	struct hand	*h = arg;
	struct src	*r = h->src;
	long		 status = 0;
	curl_off_t	 retry_after = 0;
	char		 why[160];

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
	curl_easy_cleanup(easy);
	r->inflight--;
	r->hand = NULL;
	if (code == CURLE_ABORTED_BY_CALLBACK) {
		buf_free(&h->body.buf);
		free(h);
		return;
	}
	if (code != CURLE_OK) {
		/* the plain requests that follow say what is wrong with the
		 * host, and back off from it */
		snprintf(why, sizeof(why), "%s: %s", h->crumb ? "crumb" :
		    "cookie", net_strerror(code, &h->body));
		r->session = SESSION_OFF;
		r->session_retry = clock_now() + SESSION_RETRY / 12;
		log_debug("%s: no session (%s)", r->p->name, why);
	} else if (!h->crumb)
		hand_send(r, 1);	/* the cookie is in the jar */
	else {
		crumb_read(r, h, status, (long)retry_after);
		if (r->session == SESSION_OK)
			r->session_throttled = 0;
	}
	buf_free(&h->body.buf);
	free(h);
	if (r->session != SESSION_ASKING)
		r->ready(r);	/* the bucket's: send what waits */
}

/*
 * Whether r's quotes must wait for a session: 1 while one is being made
 * (started here when due), 0 when they may go, in batches if there is a
 * session and one by one if not.
 */
int
session_wait(struct src *r)
{
	if (r->p->session == NULL || !r->pc->batches)
		return 0;
	switch (r->session) {
	case SESSION_OK:
		return 0;
	case SESSION_ASKING:
		return 1;
	case SESSION_OFF:
		if (clock_now() < r->session_retry)
			return 0;
		break;
	}
	if (r->jar == NULL)
		r->jar = net_jar();
	r->session = SESSION_ASKING;
	hand_send(r, 0);
	return 1;
}

/* A batch answer refused the session: renew it, or give up for a while. */
void
session_refused(struct src *r, const char *why)
{
	if (r->session != SESSION_OK)
		return;		/* already being renewed */
	if (++r->session_refused >= REFUSED_MAX) {
		r->session_refused = 0;
		session_off(r, why, SESSION_RETRY);
		return;
	}
	log_debug("%s: session refused (%s); a new one", r->p->name, why);
	r->session = SESSION_NONE;
}

/*
 * A batch answer says the endpoint is not for this client at all (Yahoo's
 * 401 "User is unable to access this feature", whatever the crumb): no
 * batches for DENIED_RETRY, said once; the plain endpoint serves.
 */
void
session_denied(struct src *r, const char *why)
{
	if (r->session == SESSION_OFF)
		return;		/* another batch of the same answer */
	r->session = SESSION_OFF;
	r->session_refused = 0;
	r->session_retry = clock_now() + DENIED_RETRY;
	log_warnx("%s: batches are refused to this client (%s); one symbol "
	    "a request from the plain endpoint for %dh, then batches are "
	    "tried again", r->p->name, why, DENIED_RETRY / 3600);
	r->session_reported = 1;
}

/* A batch answer was good: the session is sound. */
void
session_good(struct src *r)
{
	r->session_refused = 0;
}

/* How many symbols a quote request may carry now, or soon. */
size_t
session_batch_max(const struct src *r)
{
	if (r->p->session != NULL && r->pc->batches &&
	    r->session != SESSION_OFF)
		return r->p->session->batch_max;
	return r->p->batch_max;
}

/* The poller stops: abort the handshake, forget the cookie. */
void
session_stop(struct src *r)
{
	if (r->hand != NULL) {
		net_cancel(r->hand->easy);
		curl_easy_cleanup(r->hand->easy);
		buf_free(&r->hand->body.buf);
		free(r->hand);
		r->hand = NULL;
	}
	net_jar_free(r->jar);
	r->jar = NULL;
}
