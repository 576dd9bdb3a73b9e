/*
 * The delivery queue.  For the alerts of one evaluation, notify_build()
 * (compose.c) makes one message per alert and notifier (a composed mail, a syslog
 * line, or the alert's JSON for a webhook); the caller writes them to the
 * outbox and commits the rule states (write-ahead), then hands them to
 * notify_queue().  A message leaves the queue, and the outbox, only once
 * its notifier has taken it.  A failed attempt is retried after the
 * notifier's `retry' (30s), doubling, at most an hour apart, with jitter;
 * after `retry-for' (2 days) it is given up, loudly, and kept in
 * outbox/failed/.  Each attempt looks the notifier up by name in the
 * configuration of the moment, so fixing a notifier and reloading
 * delivers what waits for it.  The messages are made in compose.c,
 * below the queue and the digests (digest.c), which the queue feeds and
 * which send through the queue's notify_send(), given down.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define RETRY_MAX	3600
#define BROKEN_RETRY	(6 * 3600.0)	/* a notifier that failed for good */

static struct event_base	*notify_base;
static struct outlist		 queue = TAILQ_HEAD_INITIALIZER(queue);
static int			 once;		/* --once: no retries */
static unsigned			 failures;	/* --once: not delivered */
static int			 stopping;
/* A notifier whose service asked to wait, until when (clock_mono()), or
 * that failed for good (broken: why, what to fix). */
struct hold {
	SLIST_ENTRY(hold)	 entry;
	char			*notifier;
	double			 until;
	char			*broken;
};
static SLIST_HEAD(, hold)	 holds = SLIST_HEAD_INITIALIZER(holds);
/* Who hears of a notifier that failed for good, and of give-ups. */
static const struct notify_watcher *watcher;

static void	deliver(struct outmsg *);

/* once: a --once run, where a failed attempt is not retried. */
void
notify_init(struct event_base *base, int once_run)
{
	notify_base = base;
	once = once_run;
	digest_init(base, notify_send);
	children_init(base);
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
	while ((x = TAILQ_FIRST(&m->members)) != NULL) {
		TAILQ_REMOVE(&m->members, x, entry);
		outmsg_free(x);
		work_end();
	}
	if (!m->is_digest)
		work_end();
	outmsg_free(m);
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
		if (!m->in_memory)
			fn(m);
		return;
	}
	TAILQ_FOREACH(x, &m->members, entry)
		if (!x->in_memory)
			fn(x);
}

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	deliver(arg);
}

/* Try m again in delay seconds. */
static void
later(struct outmsg *m, double delay)
{
	if (m->timer == NULL &&
	    (m->timer = evtimer_new(notify_base, retry_cb, m)) == NULL)
		fatalx("evtimer_new");
	timer_in(m->timer, delay);
}

/*
 * A service asked to wait (a 429, an empty rate-limit bucket): the
 * notifier's messages are held for so many seconds.
 */
static struct hold *
hold(const char *name, double secs)
{
	struct hold	*h;

	SLIST_FOREACH(h, &holds, entry)
		if (strcmp(h->notifier, name) == 0)
			break;
	if (h == NULL) {
		h = xcalloc(1, sizeof(*h));
		h->notifier = xstrdup(name);
		SLIST_INSERT_HEAD(&holds, h, entry);
	}
	h->until = clock_mono() + secs;
	return h;
}

/*
 * m's notifier failed for good (a wrong chat id, a deleted webhook):
 * its messages are held, not retried every few seconds, until a reload
 * (notify_retry_held()) or BROKEN_RETRY; said once, and told above.
 */
static void
broken(struct outmsg *m, const char *why)
{
	struct hold	*h = hold(m->notifier, BROKEN_RETRY);

	if (h->broken != NULL && strcmp(h->broken, why) == 0)
		return;
	free(h->broken);
	h->broken = xstrdup(why);
	log_warnx("%s %s: %s; its messages are held, and tried again after "
	    "a reload and every %.0fh", notifier_type_name(m->type),
	    m->notifier, why, BROKEN_RETRY / 3600);
	if (watcher != NULL && watcher->broken != NULL)
		watcher->broken(watcher->arg, m->notifier, why);
}

/* A delivery through a notifier that had failed for good: it works. */
static void
mended(const char *name)
{
	struct hold	*h;

	SLIST_FOREACH(h, &holds, entry)
		if (strcmp(h->notifier, name) == 0 && h->broken != NULL)
			break;
	if (h == NULL)
		return;
	free(h->broken);
	h->broken = NULL;
	log_info("notifier %s delivers again", name);
	if (watcher != NULL && watcher->broken != NULL)
		watcher->broken(watcher->arg, name, NULL);
}

/* Why the notifier failed for good, and what to fix; NULL: it did not. */
const char *
notify_broken(const char *name)
{
	struct hold	*h;

	SLIST_FOREACH(h, &holds, entry)
		if (strcmp(h->notifier, name) == 0)
			return h->broken;
	return NULL;
}

/* After a reload: what waits for a notifier that failed for good (or
 * that asked to wait) is tried again now. */
void
notify_retry_held(void)
{
	struct outmsg	*m;
	struct hold	*h;

	SLIST_FOREACH(h, &holds, entry) {
		if (h->broken == NULL)
			continue;
		h->until = 0;
		TAILQ_FOREACH(m, &queue, entry)
			if (m->timer != NULL && strcmp(m->notifier,
			    h->notifier) == 0)
				timer_in(m->timer, 0);
	}
}

/* w hears of notifiers failing for good and of messages given up. */
void
notify_watch(const struct notify_watcher *w)
{
	watcher = w;
}

/* How long the notifier's messages are still held; 0: not. */
static double
held(const char *name)
{
	struct hold	*h;

	SLIST_FOREACH(h, &holds, entry)
		if (strcmp(h->notifier, name) == 0)
			return h->until > clock_mono() ? h->until -
			    clock_mono() : 0;
	return 0;
}

/* Whether m is over: a test, a stop, a --once run, or given up on. */
static int
failed_for_good(struct outmsg *m, const char *why, time_t limit)
{
	const char	*type = notifier_type_name(m->type);
	time_t		 age = clock_now() - m->created;

	if (m->is_test) {	/* a test is tried once, and not kept */
		log_warnx("%s %s: test message not delivered: %s", type,
		    m->notifier, why);
		if (m->test_cb != NULL)
			m->test_cb(m->test_arg, 0, why);
	} else if (stopping) {
		/* it stays in the outbox for the next start */
	} else if (once) {
		log_warnx("%s %s: \"%s\" not delivered: %s%s", type,
		    m->notifier, m->subject, why, store_dir() != NULL ?
		    "; it stays in the outbox for the next run" : "");
		failures++;
	} else if (age >= limit) {
		log_warnx("%s %s: giving up on \"%s\" after %d attempts "
		    "over %llds: %s", type, m->notifier, m->subject,
		    m->attempts, (long long)age, why);
		outbox_each(m, outbox_fail);
		if (watcher != NULL && watcher->gave_up != NULL)
			watcher->gave_up(watcher->arg, m->notifier,
			    message_count(m), why);
	} else
		return 0;
	dequeue(m);
	return 1;
}

/* A failed attempt: retry later, give up, or (--once) leave it for later. */
static void
failed(struct outmsg *m, const char *why)
{
	const struct notifier	*n = notify_lookup(m->notifier);
	time_t			 first = n ? n->retry : DEFAULT_RETRY;
	double			 delay;

	if (failed_for_good(m, why, n ? n->retry_for : DEFAULT_RETRY_FOR))
		return;
	if (m->permanent) {		/* until a reload, or for hours */
		broken(m, why);
		later(m, BROKEN_RETRY);
		return;
	}
	if (m->retry_after > 0) {	/* as the service asked */
		delay = m->retry_after;
		hold(m->notifier, delay);
	} else
		delay = clock_backoff((double)first, (unsigned)(m->attempts - 1),
		    RETRY_MAX);
	log_warnx("%s %s: \"%s\" not delivered (attempt %d): %s; next try "
	    "in %.1fs", notifier_type_name(m->type), m->notifier, m->subject,
	    m->attempts, why, delay);
	later(m, delay);
}

/* The end of one attempt, as a transport reports it. */
static void
done(struct outmsg *m, int ok, const char *why)
{
	if (!ok) {
		failed(m, why);
		return;
	}
	/*
	 * Delivered: forgotten first, before anything else is done, since
	 * a crash between the service's answer and this is the one window
	 * in which a message goes twice (tickerd(8), EXACTLY ONCE).
	 */
	if (!m->is_test) {
		work_crashpoint("delivered");
		outbox_each(m, outbox_remove);
		mended(m->notifier);
	}
	m->permanent = 0;
	if (m->retry_after > 0)		/* delivered, but wait for the next */
		hold(m->notifier, m->retry_after);
	if (m->type != NOTIFIER_SYSLOG)
		log_info("%s %s: delivered \"%s\"", notifier_type_name(m->type),
		    m->notifier, m->subject);
	if (m->is_test && m->test_cb != NULL)
		m->test_cb(m->test_arg, 1, NULL);
	dequeue(m);
}

/* One attempt, through the transport of the notifier of the moment. */
static void
deliver(struct outmsg *m)
{
	const struct notifier	*n = notify_lookup(m->notifier);
	double			 wait;

	if ((wait = held(m->notifier)) > 0 && !m->is_test) {
		later(m, wait);
		return;
	}
	m->attempts++;
	if (n == NULL || n->type != m->type) {
		failed(m, "no notifier of that name and type in the "
		    "configuration");
		return;
	}
	switch (n->type) {
	case NOTIFIER_SYSLOG:
		log_syslog(n->facility | n->priority, m->payload.data);
		done(m, 1, NULL);
		break;
	case NOTIFIER_MAIL:
		if (n->smtp != NULL)
			smtp_deliver(n, m, done);
		else if (n->sendmail != NULL)
			sendmail_deliver(n, m, done);
		else
			mbox_deliver(n, m, done);
		break;
	case NOTIFIER_WEBHOOK:
		webhook_deliver(n, m, done);
		break;
	case NOTIFIER_EXEC:
		exec_deliver(n, m, done);
		break;
	default:
		push_deliver(n, m, done);
		break;
	}
}

/* Deliver a message now (it was counted as work already). */
void
notify_send(struct outmsg *m)
{
	TAILQ_INSERT_TAIL(&queue, m, entry);
	deliver(m);
}

/* Take a durable message for delivery: now, or in a digest window. */
void
notify_queue(struct outmsg *m)
{
	work_begin();
	if (digest_hold(m, notify_lookup(m->notifier)) == 0)
		return;
	notify_send(m);
}

/* Messages waiting: being delivered, waiting to retry, or held. */
size_t
notify_waiting(void)
{
	struct outmsg	*m;
	size_t		 n = digest_held();

	TAILQ_FOREACH(m, &queue, entry)
		n += m->is_test ? 0 : message_count(m);
	return n;
}

/* The messages waiting for notifier name (being delivered, or to try
 * again), and the time the oldest was made (*oldest; 0: none). */
size_t
notify_queued(const char *name, time_t *oldest)
{
	struct outmsg	*m;
	size_t		 n = 0;

	*oldest = 0;
	TAILQ_FOREACH(m, &queue, entry) {
		if (m->is_test || strcmp(m->notifier, name) != 0)
			continue;
		n += message_count(m);
		if (*oldest == 0 || m->created < *oldest)
			*oldest = m->created;
	}
	return n;
}

/* Messages a --once run could not deliver. */
unsigned
notify_failures(void)
{
	return failures;
}

/*
 * tickerctl test NAME: one message through the notifier, now, made from
 * the quote q of symbol (or from none: q NULL).  It is not written to the
 * outbox and not retried; cb hears how it went.
 */
int
notify_test(const char *name, const char *symbol, const struct quote *q,
    notify_test_fn cb, void *arg, char *err, size_t errlen)
{
	const struct notifier	*n = notify_lookup(name);
	struct outmsg		*m;
	struct alert		 a;
	char			 id[64];
	time_t			 now = clock_now();

	if (n == NULL || stopping) {
		if (n == NULL)
			snprintf(err, errlen, "no notifier named \"%s\"", name);
		else
			snprintf(err, errlen, "tickerd is stopping");
		return -1;
	}
	alert_test(&a, name, symbol, q, now);
	snprintf(id, sizeof(id), "test-%lld-%ld", (long long)now,
	    (long)getpid());
	m = notify_message(n, &a, id, "test", now);
	m->is_test = 1;
	m->test_cb = cb;
	m->test_arg = arg;
	alert_clear(&a);
	work_begin();
	notify_send(m);
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
	struct hold	*h;
	size_t		 n = 0;

	while ((m = TAILQ_FIRST(&queue)) != NULL) {
		n += message_count(m);
		dequeue(m);
	}
	n += digest_free();
	while ((h = SLIST_FIRST(&holds)) != NULL) {
		SLIST_REMOVE_HEAD(&holds, entry);
		free(h->broken);
		free(h->notifier);
		free(h);
	}
	if (n > 0 && store_dir() != NULL)
		log_info("%zu message%s left in the outbox for the next start",
		    n, n == 1 ? "" : "s");
	else if (n > 0)
		log_warnx("%zu message%s not delivered (state-dir memory: "
		    "nothing is kept)", n, n == 1 ? "" : "s");
}
