/*
 * Alerts that fired while the state directory could not take them (a
 * full disk), kept in memory until it can: the judge's (evaluate.c) way
 * round a commit that failed.
 */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "daemon/daemon.h"

#define WAIT_RETRY	5.0	/* tried again this often */

/*
 * Such alerts are not undone, which could lose them (a price that has
 * moved back by the time there is room), but kept in memory, with their
 * messages and history lines made at once, saying so, and written,
 * committed and sent when the state directory can take them; the rules
 * stay fired meanwhile, so nothing fires twice.  Only a stop before then
 * forgets them (the quote is then judged again at the next start).
 */
struct waiting {
	TAILQ_ENTRY(waiting)	 entry;
	struct outlist		 msgs;
	char			**hist;
	char			**lines;	/* to log when they go */
	size_t			 na;
};

static void
waiting_free(struct waiting *x)
{
	size_t	 i;

	outlist_free(&x->msgs);
	for (i = 0; i < x->na; i++) {
		free(x->hist[i]);
		free(x->lines[i]);
	}
	free(x->hist);
	free(x->lines);
	free(x);
}

void
waiting_keep(struct judge *J, struct watch *w, struct symstate *ss,
    struct alert *alerts, size_t na)
{
	struct waiting	*x = xcalloc(1, sizeof(*x));
	const struct quote *q = &alerts[0].quote;
	char		 line[512], batch[128];
	size_t		 i;

	TAILQ_INIT(&x->msgs);
	x->na = na;
	x->hist = xcalloc(na, sizeof(*x->hist));
	x->lines = xcalloc(na, sizeof(*x->lines));
	notify_batch(ss->symbol, q, batch, sizeof(batch));
	for (i = 0; i < na; i++) {
		alerts[i].late = 1;
		alert_line(&alerts[i], line, sizeof(line));
		x->lines[i] = xstrdup(line);
		x->hist[i] = history_line(&alerts[i], line, batch);
	}
	if (w != NULL)
		notify_build(J->conf, w, alerts, na, batch, x->hist,
		    &x->msgs);
	log_warnx("%s: %zu alert%s kept in memory until the state directory "
	    "can be written", ss->symbol, na, na == 1 ? "" : "s");
	TAILQ_INSERT_TAIL(&J->waiting, x, entry);
	if (!evtimer_pending(J->wait_ev, NULL))
		timer_in(J->wait_ev, WAIT_RETRY);
}

/*
 * Write, commit and send the alerts kept while the state directory was
 * full, oldest first, all or none; 0 when none waits any more.
 */
int
waiting_retry(struct judge *J)
{
	struct waiting	*x;
	struct outmsg	*m;
	size_t		 i, mark = journal_mark();
	int		 ok = 1;

	if (TAILQ_EMPTY(&J->waiting))
		return 0;
	if (!TAILQ_EMPTY(&J->held))	/* after that commit */
		goto later;
	TAILQ_FOREACH(x, &J->waiting, entry) {
		TAILQ_FOREACH(m, &x->msgs, entry)
			if ((ok = outbox_stage(m) == 0) == 0)
				break;
		if (!ok || (ok = history_stage(x->hist, x->na) == 0) == 0)
			break;
	}
	if (!ok) {
		journal_rewind(mark);
		TAILQ_FOREACH(x, &J->waiting, entry)
			outbox_unwrite(&x->msgs, NULL);
	}
	if (ok && store_commit(J->conf) == 0) {
		J->dirty = 0;
		while ((x = TAILQ_FIRST(&J->waiting)) != NULL) {
			TAILQ_REMOVE(&J->waiting, x, entry);
			for (i = 0; i < x->na; i++) {
				log_alert(x->lines[i]);
				J->alerts++;
			}
			while ((m = TAILQ_FIRST(&x->msgs)) != NULL) {
				TAILQ_REMOVE(&x->msgs, m, entry);
				notify_queue(m);
			}
			waiting_free(x);
		}
		return 0;
	}
 later:
	timer_in(J->wait_ev, WAIT_RETRY);
	return -1;
}

/* At the stop: what still waits is lost with the process, and said. */
void
waiting_drop(struct judge *J)
{
	struct waiting	*x;
	size_t		 n = 0;

	while ((x = TAILQ_FIRST(&J->waiting)) != NULL) {
		TAILQ_REMOVE(&J->waiting, x, entry);
		n += x->na;
		waiting_free(x);
	}
	if (n == 0)
		return;
	log_warnx("state: %zu alert%s that fired while the state directory "
	    "was full could not be written; their quotes are judged again at "
	    "the next start", n, n == 1 ? "" : "s");
	store_freeze();		/* their rules' states are not to be saved */
}

void
waiting_cb(evutil_socket_t fd, short ev, void *arg)
{
	waiting_retry(arg);
}

