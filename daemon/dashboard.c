/*
 * `dashboard "127.0.0.1:8080"' (or a socket path): read-only pages of
 * what tickerd knows, served by evhttp in the daemon's own loop
 * (dashpage.c writes them).  Live through Server-Sent Events (/events:
 * "change" when a quote or an alert came, a comment every PING
 * seconds); without JavaScript the pages refresh themselves.
 *
 * Loopback by default; any other address needs the token of its
 * token-file (the configuration refuses one without), given as
 * "Authorization: Bearer TOKEN", the cookie it sets, or ?token= once.
 * Every page carries a Content-Security-Policy that allows no inline
 * script or style, headers and bodies are bounded, and at most
 * STREAMS_MAX event streams are open at once.  When `metrics' names the
 * same address, its listener serves both (metrics.c hands us the rest).
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define STREAMS_MAX	32
#define PING		5	/* seconds between a stream's comments */
#define LOOK		1	/* seconds between looks for a change */
#define HEADERS_MAX	8192
#define COOKIE		"tickerd_token"

struct stream {
	TAILQ_ENTRY(stream)	 entry;
	struct evhttp_request	*req;
};
TAILQ_HEAD(streamlist, stream);

static struct {
	struct event_base	*base;
	struct config		*conf;
	struct evhttp		*http;		/* NULL: metrics' serves us */
	char			*bound;
	char			*sock_path;
	struct streamlist	 streams;
	size_t			 nstreams;
	struct event		*tick;
	unsigned long		 version, sent;
	time_t			 pinged;
} D = { .streams = TAILQ_HEAD_INITIALIZER(D.streams) };

/* Something the pages show changed (a quote, an alert). */
void
dashboard_changed(void)
{
	D.version++;
}

static void
security_headers(struct evhttp_request *req, const char *type)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Content-Security-Policy", "default-src 'none'; "
	    "script-src 'self'; style-src 'self'; img-src 'self'; "
	    "connect-src 'self'; base-uri 'none'; form-action 'self'; "
	    "frame-ancestors 'none'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cache-Control", "no-store");
}

/* The value of cookie name in a Cookie header, into out; 0 if none. */
static int
cookie(const char *header, const char *name, char *out, size_t len)
{
	const char	*p = header;
	size_t		 n = strlen(name), v;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " ;");
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			v = strcspn(p + n + 1, ";");
			if (v >= len)
				return 0;
			memcpy(out, p + n + 1, v);
			out[v] = '\0';
			return 1;
		}
		p = strchr(p, ';');
	}
	return 0;
}

/* Whether a and b are equal, in a time that does not say where not. */
static int
same(const char *a, const char *b)
{
	size_t		 i, la = strlen(a), lb = strlen(b);
	unsigned	 d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

/* Whether req may see the pages: no token set, or the right one. */
static int
allowed(struct evhttp_request *req, struct evkeyvalq *query)
{
	const char	*tok = D.conf->dashboard_token, *h, *q;
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	char		 c[256], set[320];

	if (tok == NULL)
		return 1;
	if ((h = evhttp_find_header(in, "Authorization")) != NULL &&
	    strncmp(h, "Bearer ", 7) == 0 && same(h + 7, tok))
		return 1;
	if ((h = evhttp_find_header(in, "Cookie")) != NULL &&
	    cookie(h, COOKIE, c, sizeof(c)) && same(c, tok))
		return 1;
	if ((q = evhttp_find_header(query, "token")) != NULL && same(q, tok)) {
		snprintf(set, sizeof(set), COOKIE "=%s; Path=/; HttpOnly; "
		    "SameSite=Strict", tok);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Set-Cookie", set);
		return 1;
	}
	return 0;
}

/*
 * A stream's client went away.  libevent has then let go of the request
 * whose reply was still under way: ending it frees it.
 */
static void
stream_closed(struct evhttp_connection *conn, void *arg)
{
	struct stream	*s = arg;

	if (evhttp_request_get_connection(s->req) == NULL)
		evhttp_send_reply_end(s->req);
	TAILQ_REMOVE(&D.streams, s, entry);
	D.nstreams--;
	free(s);
}

/* GET /events: a stream of "change" events, kept open. */
static void
events(struct evhttp_request *req)
{
	struct stream	*s;
	struct evbuffer	*b;

	if (D.nstreams >= STREAMS_MAX) {
		evhttp_send_error(req, 503, "too many event streams");
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->req = req;
	TAILQ_INSERT_TAIL(&D.streams, s, entry);
	D.nstreams++;
	security_headers(req, "text/event-stream; charset=utf-8");
	evhttp_send_reply_start(req, HTTP_OK, "OK");
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    stream_closed, s);
	b = evbuffer_new();
	evbuffer_add_printf(b, "retry: 3000\n: tickerd %s\n\n", PACKAGE_VERSION);
	evhttp_send_reply_chunk(req, b);
	evbuffer_free(b);
}

/* Every LOOK: tell the streams of a change, or that they are alive. */
static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct stream	*s;
	struct evbuffer	*b;
	time_t		 now = clock_now();
	int		 change = D.version != D.sent;

	timer_in(D.tick, LOOK);
	if (!change && now - D.pinged < PING)
		return;
	D.sent = D.version;
	D.pinged = now;
	TAILQ_FOREACH(s, &D.streams, entry) {
		b = evbuffer_new();
		if (change)
			evbuffer_add_printf(b, "event: change\ndata: %lu\n\n",
			    D.version);
		else
			evbuffer_add_printf(b, ": alive\n\n");
		evhttp_send_reply_chunk(s->req, b);
		evbuffer_free(b);
	}
}

/* Serve one request: a page, the script, the style, or the events. */
void
dashboard_request(struct evhttp_request *req)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char		*qs = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evkeyvalq	 query;
	struct evbuffer		*b;
	const char		*type;
	int			 status;

	TAILQ_INIT(&query);
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		evhttp_send_error(req, 405, "read-only");
		return;
	}
	if (D.conf == NULL || path == NULL || (qs != NULL &&
	    evhttp_parse_query_str(qs, &query) == -1)) {
		evhttp_send_error(req, HTTP_BADREQUEST, NULL);
		return;
	}
	if (!allowed(req, &query)) {
		evhttp_send_error(req, 401, "a token is required: "
		    "Authorization: Bearer, or ?token=");
		evhttp_clear_headers(&query);
		return;
	}
	if (strcmp(path, "/events") == 0) {
		evhttp_clear_headers(&query);
		events(req);
		return;
	}
	b = evbuffer_new();
	status = dashpage_serve(D.conf, path, &query, b, &type);
	security_headers(req, type);
	if (status == HTTP_OK)
		evhttp_send_reply(req, HTTP_OK, "OK", b);
	else
		evhttp_send_error(req, status, NULL);
	evbuffer_free(b);
	evhttp_clear_headers(&query);
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	dashboard_request(req);
}

static void
unbind(void)
{
	struct stream	*s;

	while ((s = TAILQ_FIRST(&D.streams)) != NULL) {
		evhttp_connection_set_closecb(evhttp_request_get_connection(
		    s->req), NULL, NULL);
		evhttp_send_reply_end(s->req);
		TAILQ_REMOVE(&D.streams, s, entry);
		free(s);
	}
	D.nstreams = 0;
	if (D.http != NULL)
		evhttp_free(D.http);
	D.http = NULL;
	if (D.sock_path != NULL)
		(void)unlink(D.sock_path);
	free(D.sock_path);
	D.sock_path = NULL;
	free(D.bound);
	D.bound = NULL;
}

static void
bind_to(const char *where)
{
	int	 rc;

	if ((D.http = evhttp_new(D.base)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_allowed_methods(D.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_max_headers_size(D.http, HEADERS_MAX);
	evhttp_set_max_body_size(D.http, 0);
	evhttp_set_timeout(D.http, 30);
	evhttp_set_gencb(D.http, request_cb, NULL);
	rc = httpd_bind(D.base, D.http, where, &D.sock_path);
	if (rc == -1) {
		log_warnx("dashboard: cannot listen on %s: %s; no dashboard "
		    "(is the port in use?)", where, strerror(errno));
		unbind();
		return;
	}
	D.bound = xstrdup(where);
	log_info("dashboard: serving http://%s/", where);
}

/* Whether metrics' listener serves the dashboard too (the same address). */
int
dashboard_shares(const struct config *conf)
{
	return conf != NULL && conf->dashboard != NULL && conf->metrics != NULL &&
	    strcmp(conf->dashboard, conf->metrics) == 0;
}

void
dashboard_start(struct event_base *base, struct config *conf)
{
	D.base = base;
	if ((D.tick = evtimer_new(base, tick_cb, NULL)) == NULL)
		fatalx("evtimer_new");
	timer_in(D.tick, LOOK);
	dashboard_reconfigure(conf);
}

/* A reload: the same address goes on serving; another is bound anew. */
void
dashboard_reconfigure(struct config *conf)
{
	D.conf = conf;
	if (D.base == NULL)
		return;
	if (conf->dashboard != NULL && D.bound != NULL &&
	    strcmp(conf->dashboard, D.bound) == 0 && !dashboard_shares(conf))
		return;
	unbind();
	if (conf->dashboard != NULL && !dashboard_shares(conf))
		bind_to(conf->dashboard);
	else if (dashboard_shares(conf))
		log_info("dashboard: serving http://%s/ beside /metrics",
		    conf->dashboard);
}

void
dashboard_stop(void)
{
	unbind();
	dashpage_free();
	if (D.tick != NULL)
		event_free(D.tick);
	D.tick = NULL;
	D.conf = NULL;
	D.base = NULL;
}
