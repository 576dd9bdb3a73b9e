/*
 * The evaluate pipeline: a good quote of a watched symbol is checked for
 * freshness, every rule of the watch is judged on it by the rule engine,
 * and the alerts that fire are made durable before anyone hears of them.
 *
 * Write-ahead: when alerts fire, their messages go to the outbox and the
 * new rule states to state.json before anything is logged or sent, so
 * that a crash at any point neither repeats nor loses an alert.  A change
 * that fires nothing (a rule re-armed, a new session's references) is
 * saved with the others of the same second, in one write.  A backtest
 * judges the same way, in memory, and sends nothing.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "daemon/daemon.h"

#define FUTURE_MAX	3600	/* how far ahead a quote's time may be */
#define SAVE_DELAY	1.0	/* a change without an alert waits this long */
#define SAVE_RETRY	5.0	/* a failed save is tried again this often */

/*
 * Judge every rule of w on q at now.  The new states are applied to ss;
 * the alerts that fire are returned (caller frees) and *changed says
 * whether anything stored changed (not asked in a backtest, which stores
 * nothing).
 */
static struct alert *
judge(struct poller *P, struct watch *w, struct symstate *ss,
    const struct quote *q, time_t now, size_t *na, int *changed)
{
	struct rule		*r;
	struct rulestate	*rs = ss->rules;
	struct rule_state	 next;
	struct rule_params	 params;
	struct alert		*alerts = NULL, *a;
	struct symref		 before = ss->ref;

	*na = 0;
	symref_update(&ss->ref, q);
	*changed = !P->backtest && !symref_same(&before, &ss->ref);
	params.hysteresis = watch_hysteresis(P->conf, w);
	params.cooldown = w->cooldown;
	TAILQ_FOREACH(r, &w->rules, entry) {
		switch (rule_eval(r, &params, q, &ss->ref, &rs->st, &next,
		    now)) {
		case VERDICT_FIRE:
			alerts = xreallocarray(alerts, *na + 1,
			    sizeof(*alerts));
			a = &alerts[(*na)++];
			alert_init(a, w->symbol, w->note, r, q, &ss->ref, now);
			a->count = next.count;
			if (rs->first_fired == 0)
				rs->first_fired = now;
			rs->last_fired = now;
			break;
		case VERDICT_COOLDOWN:
			log_info("%s %s: true again within its cooldown, not "
			    "notified", w->symbol, r->text);
			break;
		case VERDICT_REARM:
			log_debug("%s %s: re-armed", w->symbol, r->text);
			break;
		case VERDICT_NODATA:
		case VERDICT_NONE:
			break;
		}
		if (!*changed && !P->backtest &&
		    !rulestate_same(&next, &rs->st))
			*changed = 1;
		rs->st = next;
		rs++;
	}
	ss->last_time = q->time;
	return alerts;
}

/* Remove the outbox files of a batch that could not be committed. */
static void
unwrite(struct outlist *msgs, struct outmsg *upto)
{
	struct outmsg	*m;

	TAILQ_FOREACH(m, msgs, entry) {
		if (m == upto)
			break;
		outbox_remove(m);
	}
}

/*
 * Commit the alerts of one evaluation before anyone hears of them: their
 * messages to the outbox, their lines to the history, the symbol's new
 * state to state.json.  Returns -1, with whatever was written undone,
 * when the state directory cannot take it all (a full disk).
 */
static int
write_ahead(struct poller *P, struct watch *w, struct symstate *ss,
    const struct quote *q, struct alert *alerts, size_t na,
    struct outlist *msgs)
{
	struct outmsg	*m;
	char		 line[512], batch[128], **hist, *snap;
	off_t		 mark = history_mark();
	size_t		 i;
	int		 rc = -1;

	notify_batch(w->symbol, q, batch, sizeof(batch));
	hist = xcalloc(na, sizeof(*hist));
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		hist[i] = history_line(&alerts[i], line, batch);
	}
	snap = state_snapshot(ss);
	notify_build(P->conf, w, snap, alerts, na, batch, hist, msgs);
	free(snap);
	TAILQ_FOREACH(m, msgs, entry) {
		if (outbox_write(m) == -1) {
			unwrite(msgs, m);
			goto out;
		}
		crashpoint("outbox");
	}
	crashpoint("history");
	if (history_add_lines(hist, na) == -1) {
		unwrite(msgs, NULL);
		goto out;
	}
	crashpoint("commit");
	if (state_save(P->conf) == -1) {
		history_cut(mark, na);
		unwrite(msgs, NULL);
		goto out;
	}
	rc = 0;
 out:
	for (i = 0; i < na; i++)
		free(hist[i]);
	free(hist);
	return rc;
}

/*
 * What an evaluation may have to undo: the symbol's state before it.
 * Taken for every quote, so a watch's rules fit without an allocation.
 */
#define BEFORE_RULES	16
struct before {
	struct symref		 ref;
	time_t			 last_time;
	struct rulestate	*rules;
	struct rulestate	 some[BEFORE_RULES];
};

static void
remember(struct before *b, const struct symstate *ss)
{
	b->ref = ss->ref;
	b->last_time = ss->last_time;
	b->rules = ss->nrules <= BEFORE_RULES ? b->some :
	    xreallocarray(NULL, ss->nrules, sizeof(*b->rules));
	memcpy(b->rules, ss->rules, ss->nrules * sizeof(*b->rules));
}

static void
forget(struct before *b)
{
	if (b->rules != b->some)
		free(b->rules);
}

/* The alerts could not be committed: as if the quote never came. */
static void
undo(struct before *b, struct symstate *ss, struct outlist *msgs)
{
	struct outmsg	*m;

	ss->ref = b->ref;
	ss->last_time = b->last_time;
	memcpy(ss->rules, b->rules, ss->nrules * sizeof(*b->rules));
	while ((m = TAILQ_FIRST(msgs)) != NULL) {
		TAILQ_REMOVE(msgs, m, entry);
		outmsg_free(m);
	}
}

static void
save_cb(evutil_socket_t fd, short ev, void *arg)
{
	eval_flush(arg);
}

void
eval_init(struct poller *P)
{
	if ((P->save_ev = evtimer_new(P->base, save_cb, P)) == NULL)
		fatalx("evtimer_new");
}

/* Save what changed and waits to be saved; retried while it fails. */
void
eval_flush(struct poller *P)
{
	if (!P->dirty)
		return;
	if (state_save(P->conf) == -1) {
		timer_in(P->save_ev, SAVE_RETRY);
		return;
	}
	P->dirty = 0;
}

/*
 * Judge every rule of the watch on a quote, commit what changed and send
 * the alerts.  now is the time of the evaluation (the quote's own time
 * when replaying).
 */
void
eval_commit(struct poller *P, struct watch *w, struct symstate *ss,
    const struct quote *q, time_t now)
{
	struct outlist	 msgs = TAILQ_HEAD_INITIALIZER(msgs);
	struct outmsg	*m;
	struct alert	*alerts;
	struct before	 before;
	char		 line[512];
	size_t		 na, nfired, i;
	int		 changed;

	before.rules = NULL;
	if (!P->backtest)	/* a backtest has nothing to undo */
		remember(&before, ss);
	alerts = judge(P, w, ss, q, now, &na, &changed);
	nfired = na;
	if (na > 0 && !P->backtest) {
		if (write_ahead(P, w, ss, q, alerts, na, &msgs) == -1) {
			/* judged again at the next quote, when it may fit */
			log_debug("%s: %zu alert%s wait for the state "
			    "directory", w->symbol, na, na == 1 ? "" : "s");
			undo(&before, ss, &msgs);
			na = 0;
		} else {
			P->dirty = 0;
			crashpoint("committed");
		}
	} else if (changed && !P->backtest && !P->dirty) {
		P->dirty = 1;
		timer_in(P->save_ev, SAVE_DELAY);
	}
	forget(&before);
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		log_alert(line);
		P->alerts++;
	}
	for (i = 0; i < nfired; i++)
		alert_clear(&alerts[i]);
	free(alerts);
	while ((m = TAILQ_FIRST(&msgs)) != NULL) {
		TAILQ_REMOVE(&msgs, m, entry);
		notify_queue(m);
	}
}

/*
 * A good quote.  now is the wall clock, or the replay's simulated clock.
 * A quote older than the last one evaluated is not evaluated; one older
 * than `stale' while the market is open is not evaluated at all, and
 * said once.
 */
void
eval_quote(struct poller *P, struct sym *s, struct quote *q, time_t now)
{
	struct watch	*w = s->w;
	struct symstate	*ss = s->ss;
	time_t		 limit = watch_stale(P->conf, w);
	char		 p[32], when[32];

	s->quoted = 1;
	if (P->replay != NULL)	/* polls are `speed' times as far apart */
		limit = (time_t)((double)limit * P->replay_speed);
	if (q->time == 0)
		q->time = now;
	if (q->time > now + FUTURE_MAX) {
		/* a clock gone wrong, or a unit: never let it hold back the
		 * quotes that follow (they would all look older) */
		fmt_time(q->time, FMT_UTC, when, sizeof(when));
		if (!ss->future_logged)
			log_warnx("%s: the quote's time %s is in the future; "
			    "taken as the time it came", w->symbol, when);
		ss->future_logged = 1;
		q->time = now;
	} else
		ss->future_logged = 0;
	ss->last = *q;
	ss->last_seen = now;
	ss->problem[0] = '\0';
	if (log_getverbose() > 0) {	/* format only what is logged */
		fmt_price(q->price, p, sizeof(p));
		log_debug("quote %s %s at %lld", w->symbol, p,
		    (long long)q->time);
	}
	/*
	 * Evaluating a quote again changes nothing, but an older one could
	 * re-arm a rule (a replay restarted from its beginning): skip it.
	 */
	if (q->time < ss->last_time) {
		log_debug("%s: quote older than the last evaluated", w->symbol);
		return;
	}
	if (!P->backtest && market_open(P->replay ? now : clock_market()) &&
	    now - q->time > limit) {
		if (!ss->stale_logged) {
			fmt_time(q->time, FMT_UTC, when, sizeof(when));
			log_warnx("%s: stale quote (market time %s, %llds old, "
			    "more than %llds); not evaluated until fresh",
			    w->symbol, when, (long long)(now - q->time),
			    (long long)limit);
		}
		ss->stale_logged = 1;
		snprintf(ss->problem, sizeof(ss->problem), "stale");
		return;
	}
	if (ss->stale_logged)
		log_info("%s: quotes are fresh again", w->symbol);
	ss->stale_logged = 0;
	eval_commit(P, w, ss, q, P->replay ? q->time : now);
}
