/*
 * The judge: every rule of a watch is judged on a quote the arbiter
 * (arbiter.c) let through, by the rule engine, and the alerts that fire
 * are made durable before anyone hears of them.
 *
 * Write-ahead, in groups: when alerts fire, their messages go to the
 * outbox and their lines to the history at once, without waiting for
 * the disk; the evaluations of the same turn of the loop join them (and,
 * within COMMIT_WINDOW of the last commit, those until then).  Then
 * one commit makes them all durable (one syncfs) and writes state.json
 * once, and only then is anything logged or sent.  A crash before the
 * commit leaves messages whose snapshot the restart rolls forward, or
 * partial ones it drops (their quotes are judged again): an alert is
 * neither repeated nor lost, and a thousand alerts cost three syncs, not
 * three thousand.  A change that fires nothing (a rule re-armed, a new
 * session's references) is saved with the others of the same second, in
 * one write.  A backtest judges the same way, in memory, and sends
 * nothing.
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

#define SAVE_DELAY	1.0	/* a change without an alert waits this long */
#define SAVE_RETRY	5.0	/* a failed save is tried again this often */
#define COMMIT_WINDOW	0.05	/* alerts wait this long for others */
#define SNAPSHOT_QUIET	5.0	/* nothing committed this long: compact */

/*
 * The symbol's references (its closes, its session) moved on by q, and
 * the review of its alerts with them.
 */
static void
references(struct symstate *ss, const struct quote *q)
{
	struct daily	*d = ss->ref.daily;
	unsigned	 version = d != NULL ? d->version : 0;

	symref_update(&ss->ref, q);
	if (d != NULL && d->npend > 0 && d->version != version)
		review_follow(d, ss->ref.cal_day);	/* a session is over */
	if (ss->ref.daily == NULL || ss->ref.daily->nalerts == 0)
		return;
	if (ss->ref.daily->alert_day == ss->ref.cal_day)
		daily_after_alert(ss->ref.daily, q->price);
	else {		/* their session is over: its prices count */
		review_session(ss->ref.daily);
		ss->ref.daily->nalerts = ss->ref.daily->ndayp = 0;
	}
}

/*
 * Whether rule r (its state rs) is past its `until' or `for' at now:
 * then it is not judged, and said once when it becomes so.
 */
static int
expired(struct judge *J, const struct watch *w, const struct rule *r,
    struct rulestate *rs, const struct symstate *ss, time_t now, int *changed)
{
	struct rule_state	 before = rs->st;
	int			 e = rule_expired(r, &rs->st, ss->ex, now);

	if (!J->backtest && !rulestate_same(&before, &rs->st))
		*changed = 1;
	if (e == 2 && !J->backtest)
		log_info("%s %s: expired (%s); it fires nothing more",
		    w->symbol, r->text, r->until_day != 0 ? "until" : "for");
	return e != 0;
}

/*
 * Judge every rule of w on q at now.  The new states are applied to ss;
 * the alerts that fire are returned (caller frees) and *changed says
 * whether anything stored changed (not asked in a backtest, which stores
 * nothing).
 */
static struct alert *
run_rules(struct judge *J, struct watch *w, struct symstate *ss,
    const struct quote *q, time_t now, size_t *na, int *changed)
{
	struct rule		*r;
	struct rulestate	*rs = ss->rules;
	struct rule_state	 next;
	struct rule_params	 params;
	struct alert		*alerts = NULL, *a;
	struct symref		 before = ss->ref;
	int			 ext = market_extended(q);

	*na = 0;
	if (!ext)	/* the references stay on regular prices */
		references(ss, q);
	*changed = !J->backtest && !symref_same(&before, &ss->ref);
	params.hysteresis = watch_hysteresis(J->conf, w);
	params.cooldown = w->cooldown;
	TAILQ_FOREACH(r, &w->rules, entry) {
		if (ext && watch_rule_hours(J->conf, w, r) != HOURS_EXTENDED) {
			rs++;		/* judges regular prices only */
			continue;
		}
		if (expired(J, w, r, rs, ss, now, changed)) {
			rs++;
			continue;
		}
		switch (rule_eval(r, &params, q, &ss->ref, &rs->st, &next,
		    now)) {
		case VERDICT_FIRE:
			alerts = xreallocarray(alerts, *na + 1,
			    sizeof(*alerts));
			a = &alerts[(*na)++];
			alert_init(a, w->symbol, w->note, r, q, &ss->ref, now);
			alert_values(a, r, q, &ss->ref, &next);
			if (r->kind == RULE_WHEN)
				when_figures(r, q, &ss->ref, a->figures,
				    sizeof(a->figures));
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
		if (!*changed && !J->backtest &&
		    !rulestate_same(&next, &rs->st))
			*changed = 1;
		rs->st = next;
		rs++;
	}
	ss->last_time = q->time;
	return alerts;
}

/*
 * Stage the alerts of one evaluation for the group's commit: their
 * messages to the outbox, their lines to the history, neither synced
 * yet.  Returns -1, with whatever was written undone, when the state
 * directory cannot take it (a full disk).
 */
static int
stage(struct judge *J, struct watch *w, struct symstate *ss,
    const struct quote *q, struct alert *alerts, size_t na,
    struct outlist *msgs)
{
	struct outmsg	*m;
	char		 line[512], batch[128], **hist;
	size_t		 i, mark = journal_mark();
	int		 rc = -1;

	notify_batch(w->symbol, q, batch, sizeof(batch));
	hist = xcalloc(na, sizeof(*hist));
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		hist[i] = history_line(&alerts[i], line, batch);
	}
	notify_build(J->conf, w, alerts, na, batch, hist, msgs);
	TAILQ_FOREACH(m, msgs, entry) {
		if (outbox_stage(m) == -1) {
			outbox_unwrite(msgs, m);
			journal_rewind(mark);
			goto out;
		}
		work_crashpoint("outbox");
	}
	work_crashpoint("history");
	if (history_stage(hist, na) == -1) {
		outbox_unwrite(msgs, NULL);
		journal_rewind(mark);
		goto out;
	}
	rc = 0;
 out:
	for (i = 0; i < na; i++)
		free(hist[i]);
	free(hist);
	return rc;
}

/* An evaluation whose alerts are staged, waiting for the commit. */
struct held {
	TAILQ_ENTRY(held)	 entry;
	struct symstate		*ss;
	struct alert		*alerts;
	size_t			 na;
	struct outlist		 msgs;
};

static void
held_free(struct held *h)
{
	size_t	 i;

	for (i = 0; i < h->na; i++)
		alert_clear(&h->alerts[i]);
	free(h->alerts);
	free(h);
}

/* An alert is kept for the review, and its symbol's history with it. */
static void
follow(struct symstate *ss, const struct alert *a)
{
	long		 day = market_day(a->quote.ex, a->quote.time);
	unsigned long	 seq = review_add(a, day);

	symstate_follow(ss);
	if (seq != 0)
		daily_alert(ss->ref.daily, day, seq);
}

/* The commit worked: say the alerts, and send them. */
static void
announce(struct judge *J, struct held *h)
{
	struct outmsg	*m;
	char		 line[512];
	size_t		 i;

	for (i = 0; i < h->na; i++) {
		alert_line(&h->alerts[i], line, sizeof(line));
		log_alert(line);
		J->alerts++;
		health_alert((int)h->alerts[i].kind);
		follow(h->ss, &h->alerts[i]);
	}
	while ((m = TAILQ_FIRST(&h->msgs)) != NULL) {
		TAILQ_REMOVE(&h->msgs, m, entry);
		notify_queue(m);
	}
	dashboard_changed();
}

/*
 * The journal is compacted when it is due (store_snapshot_due()), or
 * once nothing has been committed for SNAPSHOT_QUIET.
 */
static void
compact(struct judge *J)
{
	if (J->backtest)
		return;
	if (store_snapshot_due(0))
		(void)store_snapshot(J->conf);
	else if (store_snapshot_due(1))
		timer_in(J->snap_ev, SNAPSHOT_QUIET);
}

static void
snap_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct judge	*J = arg;

	if (TAILQ_EMPTY(&J->held) && store_snapshot_due(1))
		(void)store_snapshot(J->conf);
}

/*
 * Commit what is staged: one sync for every message and history line,
 * then state.json, once.  When the state directory cannot take it, every
 * staged evaluation's files are removed, and its alerts wait in memory
 * for room (waiting_keep()).
 */
static void
commit(struct judge *J)
{
	struct heldlist	 done = TAILQ_HEAD_INITIALIZER(done);
	struct held	*h;
	int		 ok;

	if (TAILQ_EMPTY(&J->held))
		return;
	evtimer_del(J->commit_ev);
	work_crashpoint("commit");
	ok = store_commit(J->conf) == 0;
	if (ok) {
		J->dirty = 0;
		work_crashpoint("committed");
	}
	while ((h = TAILQ_LAST(&J->held, heldlist)) != NULL) {
		TAILQ_REMOVE(&J->held, h, entry);
		if (!ok)
			outlist_free(&h->msgs);
		TAILQ_INSERT_HEAD(&done, h, entry);
	}
	while ((h = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, h, entry);
		if (ok)
			announce(J, h);
		else		/* oldest first */
			waiting_keep(J, config_watch(J->conf, h->ss->symbol),
			    h->ss, h->alerts, h->na);
		held_free(h);
	}
	J->committed = clock_mono();
	compact(J);
	work_end();
}

static void
commit_cb(evutil_socket_t fd, short ev, void *arg)
{
	commit(arg);
}

static void
save_cb(evutil_socket_t fd, short ev, void *arg)
{
	judge_flush(arg);
}

/* A judge; a backtest's judges in memory, and sends nothing. */
struct judge *
judge_new(struct event_base *base, struct config *conf, int backtest)
{
	struct judge	*J = xcalloc(1, sizeof(*J));

	J->base = base;
	J->conf = conf;
	J->backtest = backtest;
	TAILQ_INIT(&J->held);
	TAILQ_INIT(&J->waiting);
	if ((J->save_ev = evtimer_new(base, save_cb, J)) == NULL ||
	    (J->commit_ev = evtimer_new(base, commit_cb, J)) == NULL ||
	    (J->wait_ev = evtimer_new(base, waiting_cb, J)) == NULL ||
	    (J->snap_ev = evtimer_new(base, snap_cb, J)) == NULL)
		fatalx("evtimer_new");
	return J;
}

/* Commit what is staged and save; what still waits for room is lost. */
void
judge_free(struct judge *J)
{
	if (J == NULL)
		return;
	judge_flush(J);
	waiting_drop(J);
	event_free(J->save_ev);
	event_free(J->commit_ev);
	event_free(J->wait_ev);
	event_free(J->snap_ev);
	free(J);
}

/* Commit what is staged, and save what changed besides; retried. */
void
judge_flush(struct judge *J)
{
	commit(J);
	if (waiting_retry(J) == -1)	/* before any other save */
		return;
	if (!J->dirty)
		return;
	if (store_commit(J->conf) == -1) {
		timer_in(J->save_ev, SAVE_RETRY);
		return;
	}
	J->dirty = 0;
	compact(J);
}

/* Stage the alerts of h, to be committed with the others of the window. */
static void
hold(struct judge *J, struct watch *w, struct held *h, const struct quote *q)
{
	double	 since;

	if ((!TAILQ_EMPTY(&J->waiting) && waiting_retry(J) == -1) ||
	    stage(J, w, h->ss, q, h->alerts, h->na, &h->msgs) == -1) {
		/* after those that wait already, in order */
		outlist_free(&h->msgs);
		waiting_keep(J, w, h->ss, h->alerts, h->na);
		held_free(h);
		return;
	}
	if (TAILQ_EMPTY(&J->held)) {
		work_begin();		/* a --once run waits for the commit */
		since = clock_mono() - J->committed;
		if (since >= COMMIT_WINDOW)	/* after this turn */
			event_active(J->commit_ev, EV_TIMEOUT, 0);
		else
			timer_in(J->commit_ev, COMMIT_WINDOW - since);
	}
	TAILQ_INSERT_TAIL(&J->held, h, entry);
}

/*
 * Alerts of news, not of a quote (an event rule's: a filing, judged by
 * filingrules.c on the symbol's latest quote): staged and committed as
 * the judge's own.  None: what changed is saved (the filings seen).
 */
void
judge_event(struct judge *J, struct watch *w, struct symstate *ss,
    struct alert *alerts, size_t na)
{
	struct held	*h;

	if (na == 0) {
		free(alerts);
		judge_dirty(J);
		return;
	}
	h = xcalloc(1, sizeof(*h));
	h->ss = ss;
	TAILQ_INIT(&h->msgs);
	h->alerts = alerts;
	h->na = na;
	hold(J, w, h, &alerts[0].quote);
}

/* Something stored changed: saved within SAVE_DELAY, with others. */
void
judge_dirty(struct judge *J)
{
	if (!J->dirty && store_dir() != NULL) {
		J->dirty = 1;
		timer_in(J->save_ev, SAVE_DELAY);
	}
}

/*
 * Judge every rule of the watch on a quote; stage the alerts that fire
 * for the next commit, which sends them, and save what else changed.
 * now is the time of the evaluation (the quote's own time when
 * replaying).
 */
void
judge_quote(struct judge *J, struct watch *w, struct symstate *ss,
    const struct quote *q, time_t now)
{
	struct held	*h;
	struct alert	*alerts;
	char		 line[512], when[32];
	size_t		 na, i;
	int		 changed;

	if (J->backtest) {	/* in memory: nothing to stage or undo */
		alerts = run_rules(J, w, ss, q, now, &na, &changed);

		for (i = 0; i < na; i++) {
			alert_line(&alerts[i], line, sizeof(line));
			log_alert(line);
			fmt_time(q->time, FMT_ISO, when, sizeof(when));
			log_debug("backtest: %s %s fired at %s", w->symbol,
			    alerts[i].rule_text, when);
			J->alerts++;
			follow(ss, &alerts[i]);
			alert_clear(&alerts[i]);
		}
		free(alerts);
		return;
	}
	alerts = run_rules(J, w, ss, q, now, &na, &changed);
	if (J->conf->nscreens > 0 && !market_extended(q))
		screen_quote(w->symbol, q, &ss->ref);
	if (J->conf->dashboard != NULL) {	/* the pages' day chart */
		if (!market_extended(q))
			dashpage_quote(w->symbol, q);
		dashboard_changed();
	}
	if (na > 0) {
		/* only what fires is kept for the commit */
		h = xcalloc(1, sizeof(*h));
		h->ss = ss;
		TAILQ_INIT(&h->msgs);
		h->alerts = alerts;
		h->na = na;
		hold(J, w, h, q);
		return;
	}
	free(alerts);
	if (changed)
		judge_dirty(J);
}
