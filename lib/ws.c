/*
 * WebSocket clients on libwebsockets, inside the one libevent loop.
 *
 * Debian's libwebsockets (4.1) is built neither for libevent nor with
 * its external-poll callbacks, so the loop drives it with the calls
 * those integrations use: the loop watches each connection's socket, for
 * reading always and for writing while lws has something to write (a
 * connect(2) under way, frames queued, a partial write), and hands each
 * event to lws_service_fd().  A socket is writable nearly always: were it
 * watched for writing through a handshake that a server withholds, the
 * loop would spin.  Once connected, a handshake's steps follow what is
 * read; what lws would still write then goes out on its own poll, at the
 * next tick.  A handshake that is not done within the connection's
 * timeout ends it, as a lost connection.  lws_service(ctx, -1), which polls
 * lws's own table without waiting, serves its timers (connect timeouts,
 * pings, hang-ups) on a tick of TICK seconds, and what TLS holds
 * decrypted when lws says so.
 *
 * lws 4.1 would look a host name up with getaddrinfo(3), which blocks:
 * evdns looks it up first, and lws is given the address, the name going
 * in the Host header, the TLS server name and the certificate check.
 *
 * A connection's messages come whole to ops->message (at most WS_MSG_MAX
 * bytes; a longer one is dropped and said); its end, whatever the cause,
 * comes once to ops->closed, from the loop, never from inside ws_open()
 * or ws_send().  ws_close() ends one quietly.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <poll.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <libwebsockets.h>

#include "lib/lib.h"

#define TICK		1.0		/* lws's timers are served this often */

struct wsframe {
	STAILQ_ENTRY(wsframe)	 entry;
	size_t			 len;
	unsigned char		 data[];	/* LWS_PRE, then the text */
};

enum ws_state { WS_RESOLVING, WS_CONNECTING, WS_OPEN, WS_DEAD };

struct ws {
	TAILQ_ENTRY(ws)		 entry;
	const struct ws_ops	*ops;
	void			*arg;
	enum ws_state		 state;
	char			*url;		/* as given, for messages */
	char			*host;		/* Host, SNI */
	char			*path;
	int			 port;
	int			 tls;
	int			 timeout;
	struct lws		*wsi;
	int			 fd;
	short			 what;		/* EV_READ, EV_WRITE watched */
	struct event		*sock;		/* its socket, watched */
	struct event		*dead;		/* says the end, from the loop */
	struct event		*handshake;	/* its time runs out */
	struct evdns_getaddrinfo_request *dns;
	struct buf		 rx;		/* a message in pieces */
	int			 rx_over;	/* too long: dropped */
	STAILQ_HEAD(, wsframe)	 tx;
	int			 closing;	/* ws_close(): free at the end */
	char			 why[256];
};
TAILQ_HEAD(wslist, ws);

static struct {
	struct event_base	*base;
	struct lws_context	*ctx;
	struct evdns_base	*dns;
	struct event		*serve;		/* the tick, and more to do */
	struct wslist		 all;
} W;

static void	serve(void);

static void
lws_log(int level, const char *line)
{
	char	 s[512];
	size_t	 n;

	tk_strlcpy(s, line, sizeof(s));
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	log_debug("libwebsockets: %s", s);
}

/* The end of w: said once, from the loop. */
static void
ws_dies(struct ws *w, const char *why)
{
	if (w->state == WS_DEAD)
		return;
	w->state = WS_DEAD;
	if (w->why[0] == '\0')
		tk_strlcpy(w->why, why, sizeof(w->why));
	event_active(w->dead, EV_TIMEOUT, 0);
}

static void
unwatch(struct ws *w)
{
	if (w->sock != NULL)
		event_free(w->sock);
	w->sock = NULL;
	w->fd = -1;
	w->what = 0;
}

static void	rewatch(void);

/* An event of a socket: lws serves it, and what TLS holds besides. */
static void
sock_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ws		*w = arg;
	struct lws_pollfd	 pfd;
	int			 handshake = w->state == WS_CONNECTING;

	pfd.fd = fd;
	pfd.events = POLLIN | (w->what & EV_WRITE ? POLLOUT : 0);
	pfd.revents = (ev & EV_READ ? POLLIN : 0) |
	    (ev & EV_WRITE ? POLLOUT : 0);
	lws_service_fd(W.ctx, &pfd);		/* w may be freed */
	/* a handshake step read may have something to write: lws's own
	 * poll, without waiting, sends it now rather than at the tick */
	if (handshake || lws_service_adjust_timeout(W.ctx, 1, 0) == 0)
		lws_service(W.ctx, -1);
	rewatch();
}

/* Whether fd's connect(2) is still under way. */
static int
connecting(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);

	return getpeername(fd, (struct sockaddr *)&ss, &len) == -1 &&
	    errno == ENOTCONN;
}

/* What w waits for: reading, and writing while lws has to write. */
static short
wanted(const struct ws *w, int fd)
{
	if (w->state == WS_CONNECTING)
		return connecting(fd) ? EV_READ | EV_WRITE : EV_READ;
	if (!STAILQ_EMPTY(&w->tx) ||
	    (w->state == WS_OPEN && lws_partial_buffered(w->wsi)))
		return EV_READ | EV_WRITE;
	return EV_READ;
}

/* Watch the socket lws has for w now (it may change as lws retries). */
static void
watch(struct ws *w)
{
	int	 fd = w->wsi != NULL ? (int)lws_get_socket_fd(w->wsi) : -1;
	short	 what = fd >= 0 ? wanted(w, fd) : 0;

	if (fd == w->fd && what == w->what)
		return;
	unwatch(w);
	if (fd < 0)
		return;
	w->sock = event_new(W.base, fd, what | EV_PERSIST, sock_cb, w);
	if (w->sock == NULL || event_add(w->sock, NULL) == -1)
		fatalx("ws: cannot watch a socket");
	w->fd = fd;
	w->what = what;
}

static void
rewatch(void)
{
	struct ws	*w, *next;

	for (w = TAILQ_FIRST(&W.all); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		watch(w);
	}
}

static void
frames_free(struct ws *w)
{
	struct wsframe	*f;

	while ((f = STAILQ_FIRST(&w->tx)) != NULL) {
		STAILQ_REMOVE_HEAD(&w->tx, entry);
		free(f);
	}
}

static void
ws_free(struct ws *w)
{
	unwatch(w);
	if (w->dns != NULL)
		evdns_getaddrinfo_cancel(w->dns);	/* calls back: freed */
	TAILQ_REMOVE(&W.all, w, entry);
	event_free(w->dead);
	event_free(w->handshake);
	frames_free(w);
	buf_free(&w->rx);
	free(w->url);
	free(w->host);
	free(w->path);
	free(w);
	if (TAILQ_EMPTY(&W.all))
		event_del(W.serve);
}

/* A whole message, or the piece of one that lws has. */
static int
receive(struct ws *w, const void *in, size_t len)
{
	if (!w->rx_over && w->rx.len + len > WS_MSG_MAX) {
		log_warnx("%s: a message longer than %d bytes, dropped",
		    w->url, WS_MSG_MAX);
		w->rx_over = 1;
	}
	if (!w->rx_over)
		buf_add(&w->rx, in, len);
	if (!lws_is_final_fragment(w->wsi) ||
	    lws_remaining_packet_payload(w->wsi) > 0)
		return 0;
	if (!w->rx_over && w->ops != NULL)
		w->ops->message(w, w->rx.data != NULL ? w->rx.data : "",
		    w->rx.len, w->arg);
	w->rx.len = 0;
	w->rx_over = 0;
	return w->closing ? -1 : 0;
}

/* Write the next frame waiting, and ask for another turn if more wait. */
static int
transmit(struct ws *w)
{
	struct wsframe	*f;

	if (w->closing)
		return -1;
	if ((f = STAILQ_FIRST(&w->tx)) == NULL)
		return 0;
	STAILQ_REMOVE_HEAD(&w->tx, entry);
	if (lws_write(w->wsi, f->data + LWS_PRE, f->len, LWS_WRITE_TEXT) <
	    (int)f->len) {
		free(f);
		return -1;
	}
	free(f);
	if (!STAILQ_EMPTY(&w->tx))
		lws_callback_on_writable(w->wsi);
	return 0;
}

/* What the server said as it closed: its code and reason. */
static void
peer_close(struct ws *w, const unsigned char *in, size_t len)
{
	unsigned	 code;

	if (len < 2)
		return;
	code = (unsigned)in[0] << 8 | in[1];
	snprintf(w->why, sizeof(w->why), "closed by the server (%u%s%.*s)",
	    code, len > 2 ? " " : "", (int)(len > 2 && len - 2 < 200 ?
	    len - 2 : 0), (const char *)in + 2);
	utf8_clean(w->why);
}

static int
callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct ws	*w = wsi != NULL ? lws_get_opaque_user_data(wsi) : NULL;
	char		 why[256];

	if (w == NULL)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		w->state = WS_OPEN;
		event_del(w->handshake);
		if (w->ops != NULL)
			w->ops->open(w, w->arg);
		if (!STAILQ_EMPTY(&w->tx))
			lws_callback_on_writable(wsi);
		return w->closing ? -1 : 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return receive(w, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return transmit(w);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		peer_close(w, in, len);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		snprintf(why, sizeof(why), "%s", in != NULL && len > 0 ?
		    (const char *)in : "cannot connect");
		utf8_clean(why);
		ws_dies(w, why);
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		ws_dies(w, "closed by the server");
		return 0;
	case LWS_CALLBACK_WSI_DESTROY:
		ws_dies(w, "closed");
		unwatch(w);
		w->wsi = NULL;
		if (w->closing)
			ws_free(w);
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
	{ "tickerd", callback, 0, 16384, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* Pings an idle connection, hangs up one whose pings go unanswered. */
static const lws_retry_bo_t idle_policy = {
	.secs_since_valid_ping = 30,
	.secs_since_valid_hangup = 75,
};

/* lws's timers, and whatever it has ready; then the sockets watched. */
static void
serve(void)
{
	if (W.ctx == NULL)
		return;
	lws_service(W.ctx, -1);
	rewatch();
	if (!TAILQ_EMPTY(&W.all))
		timer_in(W.serve, TICK);
}

static void
serve_cb(evutil_socket_t fd, short ev, void *arg)
{
	serve();
}

/* The handshake took too long: the connection is lost. */
static void
handshake_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ws	*w = arg;
	char		 why[64];

	if (w->state == WS_OPEN || w->state == WS_DEAD)
		return;
	snprintf(why, sizeof(why), "no WebSocket handshake within %d s",
	    w->timeout);
	ws_dies(w, why);
	if (w->wsi != NULL) {
		lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND,
		    LWS_TO_KILL_ASYNC);
		event_active(W.serve, EV_TIMEOUT, 0);
	}
}

static void
dead_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ws	*w = arg;

	if (w->ops != NULL)
		w->ops->closed(w, w->why, w->arg);
}

static int
context(void)
{
	struct lws_context_creation_info info;

	if (W.ctx != NULL)
		return 0;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.fd_limit_per_thread = 64;
	info.retry_and_idle_policy = &idle_policy;
	/* wss:// trusts OpenSSL's default paths, Debian's ca-certificates */
	if ((W.ctx = lws_create_context(&info)) == NULL) {
		log_warnx("libwebsockets: cannot create its context");
		return -1;
	}
	return 0;
}

void
ws_init(struct event_base *base)
{
	W.base = base;
	TAILQ_INIT(&W.all);
	if ((W.serve = evtimer_new(base, serve_cb, NULL)) == NULL)
		fatalx("evtimer_new");
}

void
ws_shutdown(void)
{
	struct ws	*w;

	TAILQ_FOREACH(w, &W.all, entry) {
		w->ops = NULL;
		w->closing = 1;
	}
	if (W.ctx != NULL)	/* each connection's end frees it */
		lws_context_destroy(W.ctx);
	W.ctx = NULL;
	while ((w = TAILQ_FIRST(&W.all)) != NULL)
		ws_free(w);
	if (W.dns != NULL)
		evdns_base_free(W.dns, 1);
	W.dns = NULL;
	if (W.serve != NULL)
		event_free(W.serve);
	W.serve = NULL;
}

/* Connect w to the address addr (numeric). */
static void
connect_to(struct ws *w, const char *addr)
{
	struct lws_client_connect_info	 ci;
	char				 host[300];

	if (context() == -1) {
		ws_dies(w, "libwebsockets is not available");
		return;
	}
	memset(&ci, 0, sizeof(ci));
	ci.context = W.ctx;
	ci.address = addr;
	ci.port = w->port;
	ci.ssl_connection = w->tls ? LCCSCF_USE_SSL : 0;
	ci.path = w->path;
	if ((w->tls && w->port == 443) || (!w->tls && w->port == 80))
		snprintf(host, sizeof(host), "%s", w->host);
	else
		snprintf(host, sizeof(host), "%s:%d", w->host, w->port);
	ci.host = host;
	ci.origin = host;
	ci.ietf_version_or_minus_one = -1;
	ci.opaque_user_data = w;
	ci.pwsi = &w->wsi;
	ci.retry_and_idle_policy = &idle_policy;
	w->state = WS_CONNECTING;
	if (lws_client_connect_via_info(&ci) == NULL) {
		w->wsi = NULL;
		ws_dies(w, "cannot connect");
		return;
	}
	if (w->wsi != NULL)
		lws_set_timeout(w->wsi, PENDING_TIMEOUT_AWAITING_SERVER_RESPONSE,
		    w->timeout);
	watch(w);
	event_active(W.serve, EV_TIMEOUT, 0);
}

static void
resolved(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct ws	*w = arg;
	char		 addr[INET6_ADDRSTRLEN], why[300];
	const void	*a;

	w->dns = NULL;
	if (err == EVUTIL_EAI_CANCEL)
		return;
	if (err != 0 || ai == NULL) {
		snprintf(why, sizeof(why), "cannot resolve %s: %s", w->host,
		    evutil_gai_strerror(err));
		ws_dies(w, why);
		return;
	}
	a = ai->ai_family == AF_INET6 ?
	    (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr :
	    (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
	if (inet_ntop(ai->ai_family, a, addr, sizeof(addr)) == NULL)
		ws_dies(w, "cannot resolve");
	else
		connect_to(w, addr);
	evutil_freeaddrinfo(ai);
}

/* Cut ws[s]://host[:port]/path into w; -1 when it is not such a URL. */
static int
parse_url(struct ws *w, const char *url)
{
	const char	*p, *slash, *colon, *end;
	char		*e;
	long		 port;

	if (strncmp(url, "wss://", 6) == 0) {
		w->tls = 1;
		p = url + 6;
	} else if (strncmp(url, "ws://", 5) == 0)
		p = url + 5;
	else
		return -1;
	slash = p + strcspn(p, "/?");
	if (*p == '[') {		/* [v6]:port */
		if ((end = memchr(p, ']', (size_t)(slash - p))) == NULL)
			return -1;
		w->host = xstrndup(p + 1, (size_t)(end - p - 1));
		colon = end[1] == ':' ? end + 1 : NULL;
	} else {
		colon = memchr(p, ':', (size_t)(slash - p));
		w->host = xstrndup(p, (size_t)((colon ? colon : slash) - p));
	}
	w->port = w->tls ? 443 : 80;
	if (colon != NULL) {
		port = strtol(colon + 1, &e, 10);
		if (e != slash || port < 1 || port > 65535)
			return -1;
		w->port = (int)port;
	}
	if (*w->host == '\0')
		return -1;
	xasprintf(&w->path, "%s%s", *slash == '?' ? "/" : "", *slash ?
	    slash : "/");
	return 0;
}

/*
 * A connection to url (ws:// or wss://), made from the loop; timeout is
 * in seconds, for the connection and the handshake.  NULL when url is
 * not a WebSocket URL.
 */
struct ws *
ws_open(const char *url, int timeout, const struct ws_ops *ops, void *arg)
{
	struct evutil_addrinfo	 hints;
	struct in6_addr		 a6;
	struct ws		*w = xcalloc(1, sizeof(*w));

	w->ops = ops;
	w->arg = arg;
	w->fd = -1;
	w->timeout = timeout > 0 ? timeout : 10;
	STAILQ_INIT(&w->tx);
	if (parse_url(w, url) == -1) {
		free(w->host);
		free(w->path);
		free(w);
		return NULL;
	}
	w->url = net_redact(url);
	if ((w->dead = event_new(W.base, -1, 0, dead_cb, w)) == NULL ||
	    (w->handshake = evtimer_new(W.base, handshake_cb, w)) == NULL)
		fatalx("event_new");
	timer_in(w->handshake, w->timeout);
	TAILQ_INSERT_TAIL(&W.all, w, entry);
	w->state = WS_RESOLVING;
	if (inet_pton(AF_INET, w->host, &a6) == 1 ||
	    inet_pton(AF_INET6, w->host, &a6) == 1) {
		connect_to(w, w->host);
		return w;
	}
	if (W.dns == NULL && (W.dns = evdns_base_new(W.base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE)) == NULL) {
		ws_dies(w, "no resolver (/etc/resolv.conf)");
		return w;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_ADDRCONFIG;
	w->dns = evdns_getaddrinfo(W.dns, w->host, NULL, &hints, resolved, w);
	return w;
}

/* Send text when the connection can take it; in order. */
void
ws_send(struct ws *w, const char *text, size_t len)
{
	struct wsframe	*f = xmalloc(sizeof(*f) + LWS_PRE + len);

	f->len = len;
	memcpy(f->data + LWS_PRE, text, len);
	STAILQ_INSERT_TAIL(&w->tx, f, entry);
	if (w->state == WS_OPEN && w->wsi != NULL) {
		lws_callback_on_writable(w->wsi);
		watch(w);		/* and the socket for writing */
	}
}

/* End w without a word to its owner; freed once lws lets it go. */
void
ws_close(struct ws *w)
{
	if (w == NULL)
		return;
	w->ops = NULL;
	w->closing = 1;
	event_del(w->dead);
	if (w->wsi == NULL) {
		ws_free(w);
		return;
	}
	lws_set_timeout(w->wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
	event_active(W.serve, EV_TIMEOUT, 0);
}

/* The URL of w, without its secrets (a token in the query). */
const char *
ws_url(const struct ws *w)
{
	return w->url;
}
