/*
 * lib/: what every other layer may use, and which uses none of them:
 * logging, allocation, strings and buffers, JSON helpers, formatting,
 * the clock and its timers, the count of pending work, and the one
 * owner of the libcurl multi handle inside the libevent loop.  Inside,
 * bottom to top: sink.c (where lines go, fatal()), xmalloc.c, buf.c,
 * secret.c, utf8.c (text_take(): the one way in for outside text), log.c,
 * and the rest on them.
 *
 * The layers of tickerd, each a folder, each using only those below it:
 *
 *	ctl/		tickerctl
 *	daemon/		main; sources -> arbiter -> judge; control socket
 *	notify/		delivery queue, digests, mail, webhook, syslog
 *	store/		state.json, history, outbox
 *	config/		the configuration language and its values
 *	providers/	the quote providers and the replay reader
 *	alerts/		the rule engine and alert texts (pure)
 *	market/		quotes, exchange calendars and time (pure)
 *	lib/		this
 */
#ifndef TICKERD_LIB_H
#define TICKERD_LIB_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct event;
struct event_base;

/* lib/xmalloc.c: allocation that fails loudly, and string lists */
struct strlist {
	char		**v;
	size_t		  n;
};
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
int		 xasprintf(char **, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 strlist_add(struct strlist *, const char *);
int		 strlist_has(const struct strlist *, const char *);
void		 strlist_free(struct strlist *);
size_t		 tk_strlcpy(char *, const char *, size_t);

/* lib/strmap.c: strings to pointers, by hash; keys are not copied */
struct strmap;
struct strmap	*strmap_new(void);
void		 strmap_free(struct strmap *);
size_t		 strmap_count(const struct strmap *);
void		*strmap_get(const struct strmap *, const char *);
void		*strmap_getn(const struct strmap *, const char *, size_t);
void		*strmap_getnh(const struct strmap *, const char *, size_t,
		    uint32_t);
void		 strmap_put(struct strmap *, const char *, void *);
void		 strmap_del(struct strmap *, const char *);
uint32_t	 strmap_hash(const char *, size_t);

/* lib/buf.c: a growable byte buffer */
struct buf {
	char		*data;
	size_t		 len;
	size_t		 cap;
};
void		 buf_add(struct buf *, const void *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 buf_base64(struct buf *, const void *, size_t);
int		 buf_unbase64(struct buf *, const char *, size_t);
void		 buf_free(struct buf *);
int		 buf_tail_contains(int, const char *, size_t);

/* lib/utf8.c: text from outside, valid before it goes anywhere */
int		 utf8_valid(const char *, size_t);
void		 utf8_clean(char *);
void		 utf8_clean_n(char *, size_t);
char		*text_take(char *, size_t, const char *, size_t);
char		*text_vprintf(char *, size_t, const char *, va_list)
		    __attribute__((__format__(printf, 3, 0)));
char		*text_printf(char *, size_t, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));

/* lib/secret.c: secrets hidden wherever they appear, in part too */
#define SECRET_RUN	8	/* a run of this many bytes of a secret is one */
void		 secret_register(const char *);
int		 secret_any(void);
size_t		 secret_hide(const char *, size_t, struct buf *);
char		*secret_hidden(const char *);
const char	*secret_shown(const char *, char **);
void		 secret_forget(void);

/* lib/log.c: syslog(3), and stderr in the foreground */
void		 log_init(int, int);
void		 log_setverbose(int);
int		 log_getverbose(void);
void		 log_warn(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_info(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_debug(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_alert(const char *);
void		 log_syslog(int, const char *);
int		 log_facility(const char *);
int		 log_priority(const char *);

/* lib/sink.c: where the lines go, and fatal(), below the rest of lib/ */
typedef char	*sink_filter_fn(char *, size_t, const char *, va_list);
void		 sink_init(int, sink_filter_fn *);
int		 sink_foreground(void);
void		 sink_write(int, const char *);
__attribute__((__noreturn__)) void fatal(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
__attribute__((__noreturn__)) void fatalx(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));

/* lib/jscan.c: a selective pass over JSON text, decoding only what is
 * asked for */
struct jspan {
	const char	*p;
	size_t		 len;
};
struct jscan {
	const char	*p, *end;
	int		 kind;		/* '{' or '[' */
};
int		 jscan_open(struct jscan *, const char *, size_t, int);
int		 jscan_enter(struct jscan *, const struct jspan *);
int		 jscan_next(struct jscan *, struct jspan *, struct jspan *);
int		 jscan_is(const struct jspan *, const char *);
json_t		*jscan_decode(const struct jspan *);
json_t		*jscan_pick(const struct jspan *, const char *const *);

/* lib/json.c: small Jansson getters; missing members read as NaN, 0, "" */
json_t		*jnum(double);
double		 jget(json_t *, const char *);
long long	 jint(json_t *, const char *);
const char	*jstr(json_t *, const char *);
json_t		*jtext(const char *);
json_t		*jtextn(const char *, size_t);

/* lib/fmt.c: prices and times as every message writes them */
enum time_style {
	FMT_ISO,		/* 2026-03-02T14:30:00Z */
	FMT_UTC,		/* 2026-03-02 14:30:00 UTC */
};
void		 fmt_price(double, char *, size_t);
void		 fmt_pct(double, char *, size_t);
void		 fmt_age(long long, char *, size_t);
void		 fmt_time(time_t, enum time_style, char *, size_t);
time_t		 fmt_parse_iso_time(const char *);
char		*fmt_urlencode(const char *);

/* lib/clock.c: the one clock, its timers, jitter and backoff */
time_t		 clock_now(void);
double		 clock_mono(void);
void		 clock_fake(time_t);
time_t		 clock_market(void);
void		 clock_market_set(time_t);
void		 timer_in(struct event *, double);
unsigned	 clock_jitter(unsigned);
double		 clock_backoff(double, unsigned, double);

/* lib/work.c: work the loop must finish before a --once run may exit */
typedef void	(*work_idle_fn)(size_t pending, void *arg);
void		 work_begin(void);
void		 work_end(void);
size_t		 work_pending(void);
void		 work_on_change(work_idle_fn, void *);
void		 work_crashpoint(const char *);

/* lib/net.c: the libcurl multi handle, driven by the libevent loop */
/*
 * What tickerd says it is.  Not a browser: Yahoo answers 429 to a client
 * that claims to be Chrome over a TLS handshake that is not Chrome's
 * (yfinance #2422, #2452), while curl's own requests pass.
 */
#define TICKERD_USER_AGENT	"tickerd/" PACKAGE_VERSION
#define BODY_MAX	(1024 * 1024)	/* largest answer accepted */

/* What one transfer may do: every easy handle is made by net_easy(). */
struct net_opts {
	long		 timeout;	/* seconds, the whole transfer */
	long		 connect_timeout;
	const char	*protocols;	/* "http,https", "smtp,smtps" */
	const char	*user_agent;	/* NULL: none */
	int		 redirects;	/* how many to follow */
	int		 multiplex;	/* wait to share an HTTP/2 connection */
	void		*share;		/* a cookie jar (net_jar()), or NULL */
	const char	*ca_file;	/* trust anchors instead of the system's */
};
typedef void	(*net_done_fn)(void *easy, int curlcode, void *arg);
/* An answer's body, as net_collect() gathers it: at most max bytes. */
struct net_body {
	struct buf	 buf;
	size_t		 max;
	int		 over;		/* stopped: the answer was longer */
};
/* lib/httpd.c: an HTTP server's listener */
struct evhttp;
int		 httpd_bind(struct event_base *, struct evhttp *, const char *,
		    char **);

int		 net_init(struct event_base *);
void		 net_shutdown(void);
void		*net_easy(const char *, const struct net_opts *);
void		 net_add(void *easy, net_done_fn, void *arg);
void		 net_collect(void *easy, struct net_body *);
const char	*net_strerror(int, const struct net_body *);
void		 net_cancel(void *easy);
size_t		 net_running(void);
void		 net_keep(size_t);
void		*net_jar(void);
void		 net_jar_free(void *);
int		 net_http2(void *);
char		*net_redact(const char *);

/* lib/ws.c: WebSocket clients (libwebsockets), driven by the libevent loop */
#define WS_MSG_MAX	(1024 * 1024)	/* longest message taken */
struct ws;
struct ws_ops {
	void		(*open)(struct ws *, void *);
	void		(*message)(struct ws *, const char *, size_t, void *);
	void		(*closed)(struct ws *, const char *, void *);
};
void		 ws_init(struct event_base *);
void		 ws_shutdown(void);
struct ws	*ws_open(const char *, int, const struct ws_ops *, void *);
void		 ws_send(struct ws *, const char *, size_t);
void		 ws_close(struct ws *);
const char	*ws_url(const struct ws *);

/* lib/ctlpath.c: where the control socket is by default */
const char	*ctlpath_default(void);

#endif /* TICKERD_LIB_H */
