/*
 * The libcurl multi handle, driven by the libevent loop, in the manner
 * of curl's hiperfifo example: libcurl tells us which sockets to watch
 * (sock_cb) and when to wake it (timer_cb); libevent tells libcurl what
 * happened (event_cb, timeout_cb); finished transfers are reaped in one
 * place (check_done).  No transfer ever blocks the loop.  Every HTTP
 * request and every SMTP delivery goes through here, so connections are
 * reused across them.
 *
 * libcurl is never asked to queue a transfer for want of a connection:
 * its queue of pending transfers (7.88) retries one of them each time a
 * connection frees, and transfers added meanwhile win the race, so one
 * could wait until it timed out.  Callers bound what they have in flight
 * instead (a provider's `connections'), and no host limit is set here.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "lib/lib.h"

struct transfer {
	TAILQ_ENTRY(transfer) entry;
	CURL		*easy;
	net_done_fn	 done;
	void		*arg;
};

struct sockinfo {
	struct event	*ev;
};

static struct event_base	*net_base;
static CURLM			*multi;
static struct event		*multi_timer;
static size_t			 nrunning;
static TAILQ_HEAD(, transfer)	 transfers = TAILQ_HEAD_INITIALIZER(transfers);

static void	check_done(void);

/* Tell libcurl what happened on a socket (or that time ran out). */
static void
socket_action(curl_socket_t s, int action)
{
	CURLMcode	 rc;
	int		 still;

	if ((rc = curl_multi_socket_action(multi, s, action, &still)) !=
	    CURLM_OK)
		log_warnx("curl_multi_socket_action: %s",
		    curl_multi_strerror(rc));
	check_done();
}

static void
event_cb(evutil_socket_t fd, short kind, void *arg)
{
	socket_action(fd, ((kind & EV_READ) ? CURL_CSELECT_IN : 0) |
	    ((kind & EV_WRITE) ? CURL_CSELECT_OUT : 0));
}

static void
timeout_cb(evutil_socket_t fd, short kind, void *arg)
{
	socket_action(CURL_SOCKET_TIMEOUT, 0);
}

static int
timer_cb(CURLM *m, long timeout_ms, void *arg)
{
	struct timeval	 tv;

	if (timeout_ms < 0) {
		evtimer_del(multi_timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(multi_timer, &tv);
	return 0;
}

static int
sock_cb(CURL *e, curl_socket_t s, int what, void *cbp, void *sockp)
{
	struct sockinfo	*si = sockp;
	short		 kind;

	if (what == CURL_POLL_REMOVE) {
		if (si != NULL) {
			event_free(si->ev);
			free(si);
			curl_multi_assign(multi, s, NULL);
		}
		return 0;
	}
	kind = ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST;
	if (si == NULL) {
		si = xcalloc(1, sizeof(*si));
		curl_multi_assign(multi, s, si);
	} else
		event_free(si->ev);
	if ((si->ev = event_new(net_base, s, kind, event_cb, NULL)) == NULL)
		fatalx("event_new for socket %d", (int)s);
	event_add(si->ev, NULL);
	return 0;
}

/* Reap finished transfers and hand each to its owner. */
static void
check_done(void)
{
	CURLMsg		*msg;
	struct transfer	*t;
	int		 left;

	while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		t = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
		    (char **)&t);
		curl_multi_remove_handle(multi, msg->easy_handle);
		nrunning--;
		if (t != NULL) {
			TAILQ_REMOVE(&transfers, t, entry);
			t->done(t->easy, (int)msg->data.result, t->arg);
			free(t);
		}
	}
}

int
net_init(struct event_base *base)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	net_base = base;
	if ((multi = curl_multi_init()) == NULL)
		return -1;
	if ((multi_timer = evtimer_new(base, timeout_cb, NULL)) == NULL)
		return -1;
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	net_keep(0);
	return 0;
}

/*
 * Keep up to n idle connections open (plus a few for deliveries), so
 * that the connections the providers are allowed are all reused.
 */
void
net_keep(size_t n)
{
	curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)(n + 16));
}

/* A cookie jar, kept in memory, for the transfers given it. */
void *
net_jar(void)
{
	CURLSH	*sh;

	if ((sh = curl_share_init()) == NULL)
		fatalx("curl_share_init");
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
	return sh;
}

void
net_jar_free(void *jar)
{
	if (jar != NULL)
		curl_share_cleanup(jar);
}

/* Whether a finished transfer spoke HTTP/2 (its connection multiplexes). */
int
net_http2(void *easy)
{
	long	 v = 0;

	curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &v);
	return v >= CURL_HTTP_VERSION_2_0;
}

/*
 * A new easy handle for url, set up as every transfer of tickerd is: its
 * timeouts, the protocols it may speak (redirects included), the user
 * agent, answers of at most BODY_MAX, compressed answers accepted, no
 * signals.  The caller adds what is its own (callbacks, mail options).
 */
void *
net_easy(const char *url, const struct net_opts *o)
{
	CURL	*e;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE, (long)BODY_MAX);
	if (o->user_agent != NULL)
		curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
	if (o->redirects > 0) {
		curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)o->redirects);
	}
	if (strncmp(o->protocols, "http", 4) == 0)
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	if (o->multiplex)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	if (o->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file);
	if (o->share != NULL) {
		curl_easy_setopt(e, CURLOPT_SHARE, o->share);
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");	/* the engine */
	}
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, o->protocols);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, o->protocols);
#endif
	return e;
}

static size_t
collect_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct net_body	*b = arg;
	size_t		 n = size * nmemb;

	if (b->buf.len + n > b->max) {
		b->over = 1;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	buf_add(&b->buf, ptr, n);
	return n;
}

/*
 * Why a transfer that gathered into b failed, in words: an answer cut
 * at its limit says so, not curl's "Failed writing received data".
 */
const char *
net_strerror(int code, const struct net_body *b)
{
	static char	 msg[64];

	if (code == CURLE_WRITE_ERROR && b != NULL && b->over) {
		snprintf(msg, sizeof(msg), "the answer is larger than %zu KiB",
		    b->max / 1024);
		return msg;
	}
	return curl_easy_strerror((CURLcode)code);
}

/* Gather the answer of easy into b, up to b->max bytes. */
void
net_collect(void *easy, struct net_body *b)
{
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, b);
}

/*
 * Start a transfer.  The caller has set every option of the easy handle;
 * done(easy, curlcode, arg) is called from the loop when it finishes, and
 * then owns the easy handle again (to read it and clean it up).
 */
void
net_add(void *easy, net_done_fn done, void *arg)
{
	struct transfer	*t = xcalloc(1, sizeof(*t));
	CURLMcode	 rc;

	t->easy = easy;
	t->done = done;
	t->arg = arg;
	curl_easy_setopt(easy, CURLOPT_PRIVATE, t);
	TAILQ_INSERT_TAIL(&transfers, t, entry);
	if ((rc = curl_multi_add_handle(multi, easy)) != CURLM_OK)
		fatalx("curl_multi_add_handle: %s", curl_multi_strerror(rc));
	nrunning++;
}

/* Abort a transfer; its done callback is not called. */
void
net_cancel(void *easy)
{
	struct transfer	*t = NULL;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
	if (curl_multi_remove_handle(multi, easy) == CURLM_OK && t != NULL) {
		nrunning--;
		TAILQ_REMOVE(&transfers, t, entry);
		free(t);
		curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
	}
}

size_t
net_running(void)
{
	return nrunning;
}

/* Abort every transfer still running; each owner hears it was aborted. */
void
net_shutdown(void)
{
	struct transfer	*t;

	while ((t = TAILQ_FIRST(&transfers)) != NULL) {
		TAILQ_REMOVE(&transfers, t, entry);
		curl_multi_remove_handle(multi, t->easy);
		nrunning--;
		t->done(t->easy, CURLE_ABORTED_BY_CALLBACK, t->arg);
		free(t);
	}
	if (multi != NULL)
		curl_multi_cleanup(multi);
	multi = NULL;
	if (multi_timer != NULL)
		event_free(multi_timer);
	multi_timer = NULL;
	curl_global_cleanup();
}

/*
 * A URL fit for logs: user information and query values that look like
 * secrets (key, token, apikey, ...) are replaced by "REDACTED".
 */
char *
net_redact(const char *url)
{
	static const char *const secret[] = { "key", "apikey", "api_key",
	    "token", "access_token", "password", "secret", "apiKey", "crumb",
	    NULL };
	struct buf	 b = { 0 };
	const char	*p, *at, *slash, *q, *amp, *eq;
	size_t		 i, nlen;
	int		 hide;

	/* scheme://user:pass@host */
	p = strstr(url, "://");
	p = p ? p + 3 : url;
	slash = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(slash - p));
	if (at != NULL) {
		buf_add(&b, url, (size_t)(p - url));
		buf_puts(&b, "REDACTED@");
		p = at + 1;
	} else
		p = url;
	if ((q = strchr(p, '?')) == NULL) {
		buf_puts(&b, p);
		return b.data ? b.data : xstrdup("");
	}
	buf_add(&b, p, (size_t)(q - p) + 1);
	for (p = q + 1; *p != '\0'; p = amp + (*amp != '\0')) {
		amp = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(amp - p));
		nlen = eq ? (size_t)(eq - p) : (size_t)(amp - p);
		hide = 0;
		for (i = 0; eq != NULL && secret[i] != NULL; i++)
			if (strlen(secret[i]) == nlen &&
			    strncasecmp(p, secret[i], nlen) == 0)
				hide = 1;
		if (hide) {
			buf_add(&b, p, nlen + 1);
			buf_puts(&b, "REDACTED");
		} else
			buf_add(&b, p, (size_t)(amp - p));
		if (*amp != '\0')
			buf_add(&b, amp, 1);
		if (*amp == '#') {
			buf_puts(&b, amp + 1);
			break;
		}
	}
	return b.data;
}
