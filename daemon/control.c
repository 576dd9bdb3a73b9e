/*
 * The control socket: a UNIX stream socket (mode 0660: the daemon's user
 * and group only) where tickerctl asks one question per connection.  It
 * sends one line, "COMMAND [ARGUMENT]", and reads one JSON object back,
 * {"ok": true, ...} or {"ok": false, "error": "..."}, then the connection
 * is closed.  Commands: status, quotes, alerts, history [N], reload,
 * test NOTIFIER.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define LINE_MAX_CTL	1024
#define HISTORY_MAX	10000

struct client {
	TAILQ_ENTRY(client)	 entry;
	struct bufferevent	*bev;
	int			 waiting;	/* for a test's outcome */
	int			 closing;
};

static struct event_base	*ctl_base;
static struct config		*ctl_conf;
static struct control_hooks	 hooks;
static struct evconnlistener	*listener;
static struct event		*resume_ev;	/* listens again */
static time_t			 accept_said;	/* a failure, last said */
static char			*ctl_path;
static TAILQ_HEAD(, client)	 clients = TAILQ_HEAD_INITIALIZER(clients);

static void
client_free(struct client *c)
{
	TAILQ_REMOVE(&clients, c, entry);
	if (c->waiting)
		notify_test_forget(c);
	bufferevent_free(c->bev);
	free(c);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;

	if (c->closing)
		client_free(c);
}

/* Send the answer (and take it: it is freed) and close after it. */
static void
reply(struct client *c, json_t *j)
{
	char	*text = j ? json_dumps(j, JSON_COMPACT |
		    JSON_REAL_PRECISION(15)) : NULL, *copy;

	json_decref(j);
	if (text == NULL) {
		/* cannot happen: what enters is made valid UTF-8 first */
		log_warnx("control: an answer could not be encoded");
		evbuffer_add_printf(bufferevent_get_output(c->bev), "{\"ok\":"
		    "false,\"error\":\"the answer could not be encoded\"}\n");
	} else {
		/* a provider's or a service's words may quote a secret */
		evbuffer_add_printf(bufferevent_get_output(c->bev), "%s\n",
		    secret_shown(text, &copy));
		free(copy);
	}
	free(text);
	c->closing = 1;
	bufferevent_disable(c->bev, EV_READ);
}

static void reply_error(struct client *, const char *, ...)
    __attribute__((__format__ (printf, 2, 3)));

static void
reply_error(struct client *c, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	text_vprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply(c, json_pack("{s:b, s:s}", "ok", 0, "error", msg));
}

/* The problems announced and not over: what each notice said. */
static json_t *
problems_json(void)
{
	const struct problem	*p;
	json_t			*a = json_array();
	size_t			 i;

	for (i = 0; (p = problem_at(i)) != NULL; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "problem",
		    p->key, "text", p->text, "since", (json_int_t)p->since));
	return a;
}

/* The notifiers that failed for good, and what to fix. */
static json_t *
broken_json(const struct config *c)
{
	const struct notifier	*n;
	const char		*why;
	json_t			*a = json_array();

	TAILQ_FOREACH(n, &c->notifiers, entry)
		if ((why = notify_broken(n->name)) != NULL)
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}",
			    "notifier", n->name, "type",
			    notifier_type_name(n->type), "error", why));
	return a;
}

static json_t *
status_json(void)
{
	struct config		*conf = ctl_conf;
	struct control_info	 ti;
	struct symstate		*ss;
	struct watch		*w;
	struct rule	*r;
	json_t			*unknown = json_array();
	size_t			 rules = 0;
	char			 chain[256];

	hooks.info(hooks.arg, &ti);
	config_chain(conf, chain, sizeof(chain));
	TAILQ_FOREACH(w, &conf->watches, entry) {
		TAILQ_FOREACH(r, &w->rules, entry)
			rules++;
		if ((ss = symstate_find(w->symbol)) != NULL &&
		    strcmp(symstate_problem(ss), PROBLEM_UNKNOWN) == 0)
			json_array_append_new(unknown, json_string(w->symbol));
	}
	return json_pack("{s:b, s:s, s:I, s:s, s:I, s:I, s:s, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:s?, s:s?, s:s?, s:o, s:o, s:o, s:o}",
	    "ok", 1, "version", PACKAGE_VERSION,
	    "pid", (json_int_t)getpid(), "config", ti.config,
	    "started", (json_int_t)ti.started,
	    "uptime", (json_int_t)(clock_now() - ti.started),
	    "provider", chain,
	    "poll", (json_int_t)conf->poll,
	    "symbols", (json_int_t)conf->nwatches,
	    "rules", (json_int_t)rules,
	    "alerts", (json_int_t)ti.alerts,
	    "waiting", (json_int_t)notify_waiting(),
	    "reloads", (json_int_t)ti.reloads,
	    "last_reload", (json_int_t)ti.last_reload,
	    "reload_error", ti.reload_error[0] ? ti.reload_error : NULL,
	    "state_dir", store_dir(),
	    "state_problem", store_problem(),
	    "unknown", unknown,
	    "streams", stream_json(),
	    "problems", problems_json(),
	    "broken", broken_json(conf));
}

static json_t *
alerts_json(void)
{
	const struct watch	*w;
	const struct rule	*r;
	const struct rule_state	*st;
	struct symstate		*ss;
	json_t			*a = json_array();
	size_t			 i;
	char			 now[160];

	TAILQ_FOREACH(w, &ctl_conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL)
			continue;
		i = 0;
		TAILQ_FOREACH(r, &w->rules, entry) {
			st = &ss->rules[i++].st;
			trader_now(r, &ss->last, &ss->ref, st, now,
			    sizeof(now));
			json_array_append_new(a, json_pack("{s:s, s:s, s:s, "
			    "s:I, s:I, s:b, s:s*}", "symbol", w->symbol, "rule",
			    r->text, "state", st->expired ? "expired" :
			    st->spent ? "spent" : st->fired ?
			    "fired" : trader_cross(r->kind) && st->phase !=
			    PHASE_ARMED ? "wait" : "armed", "count",
			    (json_int_t)st->count, "last_fired",
			    (json_int_t)st->last_notify, "once", r->once,
			    "value", *now ? now : NULL));
		}
	}
	return json_pack("{s:b, s:o}", "ok", 1, "rules", a);
}

/* The alerts kept for the review, of one symbol or all, oldest first. */
static json_t *
review_rows(const char *symbol)
{
	const struct review	*r;
	json_t			*a = json_array();
	size_t			 i;

	for (i = 0; (r = review_at(i)) != NULL; i++)
		if (symbol == NULL || strcasecmp(r->symbol, symbol) == 0)
			json_array_append_new(a, review_entry_json(r));
	return json_pack("{s:b, s:o}", "ok", 1, "alerts", a);
}

/* The newest quote of every watched symbol, for tickerctl quotes. */
static json_t *
quotes_json(void)
{
	json_t			*a = json_array(), *o;
	const struct watch	*w;
	const struct symstate	*ss;
	const struct quote	*q;

	TAILQ_FOREACH(w, &ctl_conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL)
			continue;
		q = &ss->last;
		o = json_pack("{s:s, s:s, s:s}", "symbol", w->symbol,
		    "problem", symstate_problem(ss), "feed", ss->feed ?
		    ss->feed : "poll");
		if (w->note != NULL)
			json_object_set_new(o, "note", jtext(w->note));
		if (ss->ex != NULL) {
			json_object_set_new(o, "exchange",
			    json_string(ss->ex->name));
			json_object_set_new(o, "open", json_boolean(
			    market_open(ss->ex, clock_market())));
		}
		if (ss->last_seen > 0) {
			json_object_set_new(o, "price", jnum(q->price));
			json_object_set_new(o, "prev_close",
			    jnum(q->prev_close));
			json_object_set_new(o, "change_pct",
			    jnum(rule_change_pct(q)));
			json_object_set_new(o, "high52", jnum(q->high52));
			json_object_set_new(o, "low52", jnum(q->low52));
			json_object_set_new(o, "time", json_integer(q->time));
			json_object_set_new(o, "currency",
			    json_string(q->currency));
			json_object_set_new(o, "received",
			    json_integer(ss->last_seen));
			json_object_set_new(o, "age", json_integer(
			    clock_market() - q->time));
		}
		if (ss->ext != NULL && (ss->last_seen == 0 ||
		    ss->ext->time > q->time))
			json_object_set_new(o, "extended", json_pack("{s:s, s:o, "
			    "s:o, s:I}", "session",
			    market_hours_name(ss->ext->session), "price",
			    jnum(ss->ext->price), "change_pct",
			    jnum(rule_change_pct(ss->ext)), "time",
			    (json_int_t)ss->ext->time));
		json_array_append_new(a, o);
	}
	return a;
}

static void
test_done(void *arg, int ok, const char *why)
{
	struct client	*c = arg;

	c->waiting = 0;
	if (ok)
		reply(c, json_pack("{s:b}", "ok", 1));
	else
		reply_error(c, "not delivered: %s", why);
}

/* A test through notifier name, on the newest quote there is. */
static int
test(struct client *c, const char *name, char *err, size_t errlen)
{
	const struct watch	*w;
	const struct symstate	*ss;

	TAILQ_FOREACH(w, &ctl_conf->watches, entry)
		if ((ss = symstate_find(w->symbol)) != NULL &&
		    ss->last_seen > 0)
			return notify_test(name, w->symbol, &ss->last,
			    test_done, c, err, errlen);
	return notify_test(name, "TEST", NULL, test_done, c, err, errlen);
}

static void
command(struct client *c, char *line)
{
	char		*cmd, *arg, err[512];
	long		 n;

	cmd = line + strspn(line, " \t");
	arg = cmd + strcspn(cmd, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	if (strcmp(cmd, "status") == 0)
		reply(c, status_json());
	else if (strcmp(cmd, "quotes") == 0)
		reply(c, json_pack("{s:b, s:o}", "ok", 1, "quotes",
		    quotes_json()));
	else if (strcmp(cmd, "alerts") == 0)
		reply(c, alerts_json());
	else if (strcmp(cmd, "history") == 0) {
		n = *arg ? strtol(arg, NULL, 10) : 20;
		if (n < 1 || n > HISTORY_MAX)
			reply_error(c, "history: N must be 1 to 10000, not "
			    "\"%s\"", arg);
		else
			reply(c, json_pack("{s:b, s:o}", "ok", 1, "history",
			    history_tail((size_t)n)));
	} else if (strcmp(cmd, "reload") == 0) {
		if (hooks.reload(hooks.arg) == 0)
			reply(c, json_pack("{s:b}", "ok", 1));
		else {
			struct control_info ti;
			hooks.info(hooks.arg, &ti);
			reply_error(c, "%s", ti.reload_error);
		}
	} else if (strcmp(cmd, "review") == 0) {
		reply(c, review_rows(*arg ? arg : NULL));
	} else if (strcmp(cmd, "filings") == 0) {
		reply(c, json_pack("{s:b, s:o}", "ok", 1, "filings",
		    filings_json(*arg ? arg : NULL)));
	} else if (strcmp(cmd, "test") == 0) {
		if (*arg == '\0')
			reply_error(c, "test: which notifier?");
		else if (test(c, arg, err, sizeof(err)) == -1)
			reply_error(c, "%s", err);
		else
			c->waiting = 1;
	} else
		reply_error(c, "unknown command \"%s\" (status, quotes, "
		    "alerts, history, reload, test, review, filings)", cmd);
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct client	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 len;

	if (c->closing || c->waiting)
		return;
	if ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) == NULL) {
		if (evbuffer_get_length(in) > LINE_MAX_CTL)
			reply_error(c, "request too long");
		return;
	}
	if (!utf8_valid(line, len))
		reply_error(c, "the request is not valid UTF-8");
	else
		command(c, line);
	free(line);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct client	*c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(c);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int socklen, void *arg)
{
	struct client	*c = xcalloc(1, sizeof(*c));
	struct timeval	 tv = { 30, 0 };


	if ((c->bev = bufferevent_socket_new(ctl_base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatalx("bufferevent_socket_new");
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&clients, c, entry);
}

static void
resume_cb(evutil_socket_t fd, short ev, void *arg)
{
	if (listener != NULL)
		evconnlistener_enable(listener);
}

/*
 * accept(2) failed.  Out of file descriptors (or memory), the listener
 * would be woken again at once, forever: it rests a second instead, and
 * this is said at most once a minute.
 */
static void
accept_error(struct evconnlistener *l, void *arg)
{
	int	 e = EVUTIL_SOCKET_ERROR();

	if (clock_now() - accept_said >= 60) {
		log_warnx("control: cannot accept a connection (%s); trying "
		    "again every second", strerror(e));
		accept_said = clock_now();
	}
	evconnlistener_disable(l);
	timer_in(resume_ev, 1);
}

/* Whether a live daemon answers on path. */
static int
in_use(const struct sockaddr_un *sun)
{
	int	 fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	return rc == 0;
}

static void
control_open(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("control %s: path too long; no control socket",
		    path);
		return;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (in_use(&sun)) {
		log_warnx("control %s: another tickerd answers there; no "
		    "control socket", path);
		return;
	}
	(void)unlink(path);	/* a stale socket of a daemon that died */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1) {
		log_warn("control: socket");
		return;
	}
	old = umask(0117);	/* srw-rw----: never world-accessible */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_warn("control %s: bind (tickerctl will not reach this "
		    "daemon)", path);
		close(fd);
		return;
	}
	umask(old);
	if ((listener = evconnlistener_new(ctl_base, accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 16, fd)) == NULL ||
	    (resume_ev = evtimer_new(ctl_base, resume_cb, NULL)) == NULL) {
		log_warnx("control %s: cannot listen", path);
		if (listener != NULL)
			evconnlistener_free(listener);
		else
			close(fd);
		listener = NULL;
		unlink(path);
		return;
	}
	evconnlistener_set_error_cb(listener, accept_error);
	ctl_path = xstrdup(path);
	log_info("control socket %s", path);
}

static void
control_close(void)
{
	if (resume_ev != NULL)
		event_free(resume_ev);
	resume_ev = NULL;
	if (listener != NULL) {
		evconnlistener_free(listener);
		listener = NULL;
		unlink(ctl_path);
	}
	free(ctl_path);
	ctl_path = NULL;
}

/*
 * Listen where the configuration says.  hooks are how a request reaches
 * main(): a reload, and the daemon's figures for status.
 */
void
control_start(struct event_base *base, struct config *conf,
    const struct control_hooks *h)
{
	const char	*path = conf->control ? conf->control :
			    ctlpath_default();

	ctl_base = base;
	ctl_conf = conf;
	hooks = *h;
	if (strcmp(path, "none") == 0)
		return;
	control_open(path);
}

/* After a reload: a changed `control' moves the socket. */
void
control_reconfigure(struct config *conf)
{
	const char	*path = conf->control ? conf->control :
			    ctlpath_default();

	ctl_conf = conf;
	if (ctl_base == NULL)
		return;
	if (ctl_path != NULL && strcmp(ctl_path, path) == 0)
		return;
	if (ctl_path == NULL && strcmp(path, "none") == 0)
		return;
	control_close();
	if (strcmp(path, "none") != 0)
		control_open(path);
}

/* Stop listening; answers being written are dropped. */
void
control_stop(void)
{
	struct client	*c;

	while ((c = TAILQ_FIRST(&clients)) != NULL)
		client_free(c);
	control_close();
}
