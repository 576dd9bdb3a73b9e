/*
 * Digest windows.  A mail or phone notifier with `digest D' holds its
 * messages:
 * the first opens a window of D, and when it closes everything held goes
 * out as one digest, composed then from the alerts the outbox files
 * keep.  The files stay until the digest is delivered, so a crash loses
 * nothing; recovery gathers them again, into a digest with the same
 * Message-ID.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

/* A digest window: what one notifier holds until it closes. */
struct window {
	TAILQ_ENTRY(window)	 entry;
	char			*notifier;
	struct outlist		 held;
	size_t			 n;
	struct event		*timer;
	int			 quiet;		/* held to quiet hours' end */
};

static struct event_base	*digest_base;
static digest_send_fn		*digest_send;	/* the queue's */

/* The notifiers that can gather alerts into one message. */
#define DIGESTS(t)	((t) == NOTIFIER_MAIL || NOTIFIER_IS_PUSH(t))
static TAILQ_HEAD(, window)	 windows = TAILQ_HEAD_INITIALIZER(windows);
static size_t			 nheld;

void
digest_init(struct event_base *base, digest_send_fn *send)
{
	digest_base = base;
	digest_send = send;
}

/* Take a window off the list and stop its timer (it may still hold). */
static void
window_end(struct window *win)
{
	TAILQ_REMOVE(&windows, win, entry);
	event_free(win->timer);
	win->timer = NULL;
}

/* Send what a list holds, each message as it was composed. */
static void
send_each(struct outlist *l)
{
	struct outmsg	*x;

	while ((x = TAILQ_FIRST(l)) != NULL) {
		TAILQ_REMOVE(l, x, entry);
		digest_send(x);
	}
}

/*
 * The digest of what a window held: its alerts, read back from what the
 * messages keep, composed into one message (a mail's Message-ID is made
 * from the first message's id).  NULL when an alert cannot be read: the messages
 * then go out one by one.
 */
static struct outmsg *
digest_make(struct window *win, const struct notifier *n)
{
	struct outmsg	*d = outmsg_new(), *x;
	struct alert	*a = xcalloc(win->n, sizeof(*a));
	char		 msgid[512];
	size_t		 i, na = 0;

	d->is_digest = 1;
	d->type = n->type;
	d->notifier = xstrdup(win->notifier);
	TAILQ_CONCAT(&d->members, &win->held, entry);
	TAILQ_FOREACH(x, &d->members, entry) {
		if (d->id == NULL) {
			d->id = xstrdup(x->id);
			d->created = x->created;
		}
		if (x->alert == NULL || alert_from_json(x->alert, &a[na]) == -1)
			log_warnx("%s %s: the alert of %s cannot be read; "
			    "sending the messages one by one",
			    notifier_type_name(n->type), x->notifier, x->id);
		else
			na++;
	}
	if (na == win->n) {
		xasprintf(&d->subject, "digest of %zu alerts", win->n);
		mail_msgid_from(msgid, sizeof(msgid), d->id);
		notify_compose(d, n, a, na, msgid);
	} else {
		send_each(&d->members);
		outmsg_free(d);
		d = NULL;
	}
	for (i = 0; i < na; i++)
		alert_clear(&a[i]);
	free(a);
	return d;
}

/*
 * A digest window closes: one message goes out for what it held, or the
 * message itself when it held one.
 */
static void
window_close(evutil_socket_t fd, short ev, void *arg)
{
	struct window		*win = arg;
	const struct notifier	*n = notify_lookup(win->notifier);
	struct outmsg		*d;

	window_end(win);
	nheld -= win->n;
	if (win->n == 1 || n == NULL || !DIGESTS(n->type))
		send_each(&win->held);	/* a vanished notifier fails each */
	else if ((d = digest_make(win, n)) != NULL)
		digest_send(d);
	free(win->notifier);
	free(win);
}

/*
 * Seconds until n's quiet hours end, when now is inside them; 0 when it
 * is not.  The span is in local minutes of its zone, and may go past
 * midnight (22:00-07:00).
 */
static time_t
quiet_left(const struct notifier *n, time_t now)
{
	struct zone	*z;
	int		 m, from = n->quiet_from, to = n->quiet_to;
	long		 day;

	if (from < 0 || (z = zone_get(n->quiet_zone ? n->quiet_zone :
	    "UTC")) == NULL)
		return 0;
	m = zone_minute(z, now);
	day = zone_day(z, now);
	if (from < to)
		return m >= from && m < to ? zone_utc(z, day, to) - now : 0;
	if (m >= from)
		return zone_utc(z, day + 1, to) - now;
	return m < to ? zone_utc(z, day, to) - now : 0;
}

/* Whether m goes through quiet hours: an urgent rule's, a notice. */
static int
urgent(const struct outmsg *m)
{
	json_t	*o = json_loads(m->alert, 0, NULL);
	int	 u = o == NULL || json_is_true(json_object_get(o, "urgent")) ||
		    json_object_get(o, "event") != NULL;

	json_decref(o);
	return u;
}

/*
 * Hold m in its notifier's window, opening one if none is open: for the
 * notifier's `digest', or until its quiet hours end.  Returns 0 when
 * held, -1 when m goes out at once.
 */
int
digest_hold(struct outmsg *m, const struct notifier *n)
{
	struct window	*win;
	time_t		 quiet;

	if (n == NULL || m->type != n->type || m->alert == NULL || m->is_test)
		return -1;
	quiet = quiet_left(n, clock_now());
	if (quiet > 0 && urgent(m))
		quiet = 0;
	if (quiet == 0 && (!DIGESTS(n->type) || n->digest <= 0))
		return -1;
	TAILQ_FOREACH(win, &windows, entry)
		if (strcmp(win->notifier, m->notifier) == 0)
			break;
	if (win == NULL) {
		win = xcalloc(1, sizeof(*win));
		win->notifier = xstrdup(m->notifier);
		TAILQ_INIT(&win->held);
		if ((win->timer = evtimer_new(digest_base, window_close,
		    win)) == NULL)
			fatalx("evtimer_new");
		timer_in(win->timer, (double)(quiet > 0 ? quiet : n->digest));
		TAILQ_INSERT_TAIL(&windows, win, entry);
		if (quiet > 0)
			log_info("%s %s: quiet hours; messages are held for "
			    "%llds, then sent%s", notifier_type_name(n->type),
			    n->name, (long long)quiet, DIGESTS(n->type) ?
			    " as one digest" : "");
	} else if (quiet > 0 && !win->quiet) {
		timer_in(win->timer, (double)quiet);	/* to their end */
	}
	win->quiet |= quiet > 0;
	TAILQ_INSERT_TAIL(&win->held, m, entry);
	win->n++;
	nheld++;
	return 0;
}

/* Messages held in digest windows. */
size_t
digest_held(void)
{
	return nheld;
}

/* Close every digest window now (--once and replays, when idle). */
void
digest_flush(void)
{
	struct window	*win;

	TAILQ_FOREACH(win, &windows, entry)
		event_active(win->timer, EV_TIMEOUT, 1);
}

/* At exit: forget what the windows hold (it stays in the outbox). */
size_t
digest_free(void)
{
	struct window	*win;
	struct outmsg	*m;
	size_t		 n = 0;

	while ((win = TAILQ_FIRST(&windows)) != NULL) {
		while ((m = TAILQ_FIRST(&win->held)) != NULL) {
			TAILQ_REMOVE(&win->held, m, entry);
			outmsg_free(m);
			work_end();
			n++;
		}
		window_end(win);
		free(win->notifier);
		free(win);
	}
	nheld = 0;
	return n;
}
