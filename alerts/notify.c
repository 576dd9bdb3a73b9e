/*
 * The delivery queue.  For the alerts of one evaluation, notify_build()
 * makes one message per alert and notifier (a composed mail, or a syslog
 * line); the caller writes them to the outbox and commits the rule states
 * (write-ahead), then hands them to notify_queue().  A message leaves the
 * queue, and the outbox, only once its notifier has taken it.  A failed
 * attempt is retried after the notifier's `retry' (30s), doubling, at most
 * an hour apart, with jitter; after `retry-for' (2 days) it is given up,
 * loudly, and kept in outbox/failed/.  Each attempt looks the notifier up
 * by name in the configuration of the moment, so fixing a notifier and
 * reloading delivers what waits for it.
 *
 * A mail notifier with `digest D' holds its messages: the first opens a
 * window of D, and when it closes everything held goes out as one digest,
 * composed then from the alerts the outbox files keep.  The files stay
 * until the digest is delivered, so a crash loses nothing; recovery
 * gathers them again, into a digest with the same Message-ID.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "tickerd.h"

#define RETRY_MAX	3600

/* A digest window: what one notifier holds until it closes. */
struct window {
	TAILQ_ENTRY(window)	 entry;
	char			*notifier;
	struct outlist		 held;
	size_t			 n;
	struct event		*timer;
};

static struct event_base	*notify_base;
static struct outlist		 queue = TAILQ_HEAD_INITIALIZER(queue);
static TAILQ_HEAD(, window)	 windows = TAILQ_HEAD_INITIALIZER(windows);
static size_t			 nheld;
static unsigned			 batch_seq;
static int			 stopping;

static void	deliver(struct outmsg *);

void
notify_init(struct event_base *base)
{
	notify_base = base;
}

/* A new batch id: the alerts of one evaluation of one quote. */
void
notify_batch(const struct watch *w, const struct quote *q, char *out,
    size_t len)
{
	snprintf(out, len, "%s-%lld-%ld-%u", w->symbol, (long long)q->time,
	    (long)getpid(), ++batch_seq);
}

/*
 * A message's payload for its notifier: the alert's JSON (a webhook), a
 * mail of na alerts with msgid (NULL: a new one), or a syslog line.
 */
static void
compose(struct outmsg *m, const struct notifier *n, const struct alert *a,
    size_t na, const char *msgid)
{
	char	 id[512], line[512], *from;

	switch (n->type) {
	case NOTIFIER_WEBHOOK:
		buf_puts(&m->payload, m->alert);
		break;
	case NOTIFIER_MAIL:
		if (msgid == NULL) {
			mail_msgid(id, sizeof(id));
			msgid = id;
		}
		from = n->from ? xstrdup(n->from) : mail_default_from();
		mail_compose(&m->payload, from, &n->to, a, na, m->created,
		    msgid);
		free(from);
		break;
	case NOTIFIER_SYSLOG:
		alert_line(a, line, sizeof(line));
		buf_puts(&m->payload, line);
		break;
	}
}

/*
 * Build the messages announcing na alerts of watch w, one per alert and
 * notifier, into out.  They share the batch id, carry the symbol's state
 * (the caller has already applied the new rule states) and each alert's
 * history line, so that recovery can complete what a crash interrupted.
 */
void
notify_build(struct config *conf, const struct watch *w,
    const struct alert *a, size_t na, const char *batch, char *const *hist,
    struct outlist *out)
{
	const struct strlist	*names = watch_notifiers(conf, w);
	struct notifier		*n;
	struct outmsg		*m;
	char			 subj[256], *snap;
	size_t			 i, k, count = 0;
	int			 size = 0;

	snap = state_snapshot(w);
	for (i = 0; i < na; i++) {
		for (k = 0; k < names->n; k++) {
			if ((n = config_notifier(conf, names->v[k])) == NULL)
				continue;
			m = xcalloc(1, sizeof(*m));
			xasprintf(&m->id, "%s-%zu", batch, count++);
			m->notifier = xstrdup(n->name);
			m->type = n->type;
			m->created = time(NULL);
			m->symbol = xstrdup(w->symbol);
			m->rule = xstrdup(a[i].rule->id);
			m->count = a[i].rule->state.count;
			m->batch = xstrdup(batch);
			m->snapshot = xstrdup(snap);
			m->history = xstrdup(hist[i]);
			alert_subject(&a[i], subj, sizeof(subj));
			m->subject = xstrdup(subj);
			m->alert = alert_json(&a[i]);
			compose(m, n, &a[i], 1, NULL);
			TAILQ_INSERT_TAIL(out, m, entry);
			size++;
		}
	}
	TAILQ_FOREACH(m, out, entry)
		m->batch_size = size;
	free(snap);
}

/* Forget a message (and a digest's members); each counted as work. */
static void
dequeue(struct outmsg *m)
{
	struct outmsg	*x;

	TAILQ_REMOVE(&queue, m, entry);
	if (m->timer != NULL)
		event_free(m->timer);
	m->timer = NULL;
	if (m->is_digest) {
		while ((x = TAILQ_FIRST(&m->members)) != NULL) {
			TAILQ_REMOVE(&m->members, x, entry);
			outmsg_free(x);
			work_end();
		}
		outmsg_free(m);
		return;
	}
	outmsg_free(m);
	work_end();
}

static const char *
type_name(const struct outmsg *m)
{
	return m->type == NOTIFIER_MAIL ? "mail" : m->type == NOTIFIER_SYSLOG ?
	    "syslog" : "webhook";
}

/* How many alerts' messages m stands for. */
static size_t
message_count(struct outmsg *m)
{
	struct outmsg	*x;
	size_t		 n = 0;

	if (!m->is_digest)
		return 1;
	TAILQ_FOREACH(x, &m->members, entry)
		n++;
	return n;
}

/* The outbox files behind a message: itself, or a digest's members. */
static void
outbox_each(struct outmsg *m, void (*fn)(const struct outmsg *))
{
	struct outmsg	*x;

	if (!m->is_digest) {
		fn(m);
		return;
	}
	TAILQ_FOREACH(x, &m->members, entry)
		fn(x);
}

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	deliver(arg);
}

/* A failed attempt: retry later, give up, or (--once) leave it for later. */
static void
failed(struct outmsg *m, const char *why)
{
	struct notifier	*n = config_notifier(tickerd_conf(), m->notifier);
	time_t		 first = n ? n->retry : DEFAULT_RETRY;
	time_t		 limit = n ? n->retry_for : DEFAULT_RETRY_FOR;
	struct timeval	 tv;
	long		 delay = (long)first, ms;
	int		 i;

	if (m->is_test) {	/* a test is tried once, and not kept */
		log_warnx("%s %s: test message not delivered: %s",
		    type_name(m), m->notifier, why);
		if (m->test_cb != NULL)
			m->test_cb(m->test_arg, 0, why);
		dequeue(m);
		return;
	}
	if (stopping) {
		dequeue(m);	/* stays in the outbox for the next start */
		return;
	}
	if (tickerd_once()) {
		log_warnx("%s %s: \"%s\" not delivered: %s%s", type_name(m),
		    m->notifier,
		    m->subject, why, state_persistent() ? "; it stays in the "
		    "outbox for the next run" : "");
		tickerd_delivery_failed();
		dequeue(m);
		return;
	}
	if (time(NULL) - m->created >= limit) {
		log_warnx("%s %s: giving up on \"%s\" after %d attempts "
		    "over %llds: %s", type_name(m), m->notifier, m->subject,
		    m->attempts,
		    (long long)(time(NULL) - m->created), why);
		outbox_each(m, outbox_fail);
		dequeue(m);
		return;
	}
	for (i = 1; i < m->attempts && delay < RETRY_MAX; i++)
		delay *= 2;
	if (delay > RETRY_MAX)
		delay = RETRY_MAX;
	/* -10% to +10% of jitter, in milliseconds */
	ms = delay * 900 + random() % (delay * 200 + 1);
	log_warnx("%s %s: \"%s\" not delivered (attempt %d): %s; next try "
	    "in %.1fs", type_name(m), m->notifier, m->subject, m->attempts,
	    why, ms / 1000.0);
	if (m->timer == NULL &&
	    (m->timer = evtimer_new(notify_base, retry_cb, m)) == NULL)
		fatalx("evtimer_new");
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(m->timer, &tv);
}

/* The end of one attempt, from a transport. */
void
notify_done(struct outmsg *m, int ok, const char *why)
{
	if (!ok) {
		failed(m, why);
		return;
	}
	if (m->type != NOTIFIER_SYSLOG)
		log_info("%s %s: delivered \"%s\"", type_name(m), m->notifier,
		    m->subject);
	if (m->is_test) {
		if (m->test_cb != NULL)
			m->test_cb(m->test_arg, 1, NULL);
		dequeue(m);
		return;
	}
	crashpoint("delivered");
	outbox_each(m, outbox_remove);
	dequeue(m);
}

static void
deliver(struct outmsg *m)
{
	struct notifier	*n = config_notifier(tickerd_conf(), m->notifier);

	m->attempts++;
	if (n == NULL || n->type != m->type) {
		failed(m, "no notifier of that name and type in the "
		    "configuration");
		return;
	}
	switch (n->type) {
	case NOTIFIER_SYSLOG:
		log_syslog(n->facility | n->priority, m->payload.data);
		notify_done(m, 1, NULL);
		break;
	case NOTIFIER_MAIL:
		mail_deliver(n, m);
		break;
	case NOTIFIER_WEBHOOK:
		webhook_deliver(n, m);
		break;
	}
}

static void
send_now(struct outmsg *m)
{
	TAILQ_INSERT_TAIL(&queue, m, entry);
	deliver(m);
}

/*
 * A digest window closes: one message goes out for what it held, or the
 * message itself when it held one.
 */
static void
window_close(evutil_socket_t fd, short ev, void *arg)
{
	struct window	*win = arg;
	struct notifier	*n = config_notifier(tickerd_conf(), win->notifier);
	struct outmsg	*d, *x;
	struct alert	*a;
	char		 msgid[512];
	size_t		 i = 0, na = 0;

	TAILQ_REMOVE(&windows, win, entry);
	event_free(win->timer);
	nheld -= win->n;
	if (win->n == 1 || n == NULL || n->type != NOTIFIER_MAIL) {
		/* as they are; a vanished notifier fails each in turn */
		while ((x = TAILQ_FIRST(&win->held)) != NULL) {
			TAILQ_REMOVE(&win->held, x, entry);
			send_now(x);
		}
		free(win->notifier);
		free(win);
		return;
	}
	d = xcalloc(1, sizeof(*d));
	TAILQ_INIT(&d->members);
	d->is_digest = 1;
	d->type = NOTIFIER_MAIL;
	d->notifier = xstrdup(win->notifier);
	a = xcalloc(win->n, sizeof(*a));
	while ((x = TAILQ_FIRST(&win->held)) != NULL) {
		TAILQ_REMOVE(&win->held, x, entry);
		TAILQ_INSERT_TAIL(&d->members, x, entry);
		if (i++ == 0) {
			d->id = xstrdup(x->id);
			d->created = x->created;
		}
		if (x->alert == NULL || alert_from_json(x->alert, &a[na]) == -1)
			log_warnx("mail %s: the alert of %s cannot be read; "
			    "sending the messages one by one", x->notifier,
			    x->id);
		else
			na++;
	}
	if (na != win->n) {
		/* unreadable alerts: each goes out as it was composed */
		while ((x = TAILQ_FIRST(&d->members)) != NULL) {
			TAILQ_REMOVE(&d->members, x, entry);
			send_now(x);
		}
		for (i = 0; i < na; i++)
			alert_clear(&a[i]);
		free(a);
		outmsg_free(d);
		free(win->notifier);
		free(win);
		return;
	}
	xasprintf(&d->subject, "digest of %zu alerts", win->n);
	mail_msgid_from(msgid, sizeof(msgid), d->id);
	compose(d, n, a, na, msgid);
	for (i = 0; i < na; i++)
		alert_clear(&a[i]);
	free(a);
	free(win->notifier);
	free(win);
	send_now(d);
}

static void
hold(struct outmsg *m, const struct notifier *n)
{
	struct window	*win;
	struct timeval	 tv;

	TAILQ_FOREACH(win, &windows, entry)
		if (strcmp(win->notifier, m->notifier) == 0)
			break;
	if (win == NULL) {
		win = xcalloc(1, sizeof(*win));
		win->notifier = xstrdup(m->notifier);
		TAILQ_INIT(&win->held);
		if ((win->timer = evtimer_new(notify_base, window_close, win))
		    == NULL)
			fatalx("evtimer_new");
		tv.tv_sec = n->digest;
		tv.tv_usec = 0;
		evtimer_add(win->timer, &tv);
		TAILQ_INSERT_TAIL(&windows, win, entry);
	}
	TAILQ_INSERT_TAIL(&win->held, m, entry);
	win->n++;
	nheld++;
}

/* Take a durable message for delivery. */
void
notify_queue(struct outmsg *m)
{
	struct notifier	*n = config_notifier(tickerd_conf(), m->notifier);

	work_begin();
	if (n != NULL && n->type == NOTIFIER_MAIL && m->type == NOTIFIER_MAIL &&
	    n->digest > 0 && m->alert != NULL) {
		hold(m, n);
		return;
	}
	send_now(m);
}

/* Messages waiting: being delivered, waiting to retry, or held. */
size_t
notify_waiting(void)
{
	struct outmsg	*m;
	size_t		 n = nheld;

	TAILQ_FOREACH(m, &queue, entry)
		n += m->is_test ? 0 : message_count(m);
	return n;
}

/*
 * tickerctl test NAME: one message through the notifier, now, made from
 * the newest quote of the first watched symbol that has one.  It is not
 * written to the outbox and not retried; cb hears how it went.
 */
int
notify_test(const char *name, void (*cb)(void *, int, const char *),
    void *arg, char *err, size_t errlen)
{
	struct config	*conf = tickerd_conf();
	struct notifier	*n = config_notifier(conf, name);
	struct watch	*w, *src = NULL;
	struct outmsg	*m;
	struct alert	 a;
	char		 subj[256];

	if (n == NULL) {
		snprintf(err, errlen, "no notifier named \"%s\"", name);
		return -1;
	}
	if (stopping) {
		snprintf(err, errlen, "tickerd is stopping");
		return -1;
	}
	TAILQ_FOREACH(w, &conf->watches, entry)
		if (w->last_seen > 0) {
			src = w;
			break;
		}
	memset(&a, 0, sizeof(a));
	a.test = 1;
	a.kind = RULE_ABOVE;
	tk_strlcpy(a.rule_text, name, sizeof(a.rule_text));
	tk_strlcpy(a.symbol, src ? src->symbol : "TEST", sizeof(a.symbol));
	if (src != NULL)
		a.quote = src->last;
	else {
		a.quote.price = a.quote.prev_close = NAN;
		a.quote.high52 = a.quote.low52 = NAN;
		a.quote.time = time(NULL);
	}
	a.threshold = a.change_pct = a.range_pos = NAN;
	if (isfinite(a.quote.prev_close) && a.quote.prev_close > 0)
		a.change_pct = (a.quote.price - a.quote.prev_close) /
		    a.quote.prev_close * 100;
	a.time = time(NULL);
	m = xcalloc(1, sizeof(*m));
	TAILQ_INIT(&m->members);
	m->is_test = 1;
	m->test_cb = cb;
	m->test_arg = arg;
	xasprintf(&m->id, "test-%lld-%ld", (long long)a.time, (long)getpid());
	m->notifier = xstrdup(n->name);
	m->type = n->type;
	m->created = a.time;
	m->symbol = xstrdup(a.symbol);
	m->rule = xstrdup("test");
	alert_subject(&a, subj, sizeof(subj));
	m->subject = xstrdup(subj);
	m->alert = alert_json(&a);
	compose(m, n, &a, 1, NULL);
	work_begin();
	send_now(m);
	return 0;
}

/* A tickerctl client went away: its tests go on without telling it. */
void
notify_test_forget(void *arg)
{
	struct outmsg	*m;

	TAILQ_FOREACH(m, &queue, entry)
		if (m->test_arg == arg)
			m->test_cb = NULL;
}

/* Messages held in digest windows. */
size_t
notify_held(void)
{
	return nheld;
}

/* Close every digest window now (--once and replays, when idle). */
void
notify_flush(void)
{
	struct window	*win;

	if (stopping)
		return;
	TAILQ_FOREACH(win, &windows, entry)
		event_active(win->timer, EV_TIMEOUT, 1);
}

/* At exit: attempts still running end without retries. */
void
notify_stop(void)
{
	stopping = 1;
}

/* At exit: what waits stays in the outbox for the next start. */
void
notify_free(void)
{
	struct outmsg	*m;
	struct window	*win;
	size_t		 n = 0;

	while ((m = TAILQ_FIRST(&queue)) != NULL) {
		n += message_count(m);
		dequeue(m);
	}
	while ((win = TAILQ_FIRST(&windows)) != NULL) {
		TAILQ_REMOVE(&windows, win, entry);
		while ((m = TAILQ_FIRST(&win->held)) != NULL) {
			TAILQ_REMOVE(&win->held, m, entry);
			outmsg_free(m);
			work_end();
			n++;
		}
		event_free(win->timer);
		free(win->notifier);
		free(win);
	}
	nheld = 0;
	if (n > 0 && state_persistent())
		log_info("%zu message%s left in the outbox for the next start",
		    n, n == 1 ? "" : "s");
	else if (n > 0)
		log_warnx("%zu message%s not delivered (state-dir memory: "
		    "nothing is kept)", n, n == 1 ? "" : "s");
}
