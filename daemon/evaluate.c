/*
 * The evaluate pipeline: a good quote of a watched symbol is checked for
 * freshness, every rule of the watch is judged on it by the rule engine,
 * and the alerts that fire are made durable before anyone hears of them.
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

#define FUTURE_MAX	3600	/* how far ahead a quote's time may be */
#define SAVE_DELAY	1.0	/* a change without an alert waits this long */
#define SAVE_RETRY	5.0	/* a failed save is tried again this often */
#define COMMIT_WINDOW	0.05	/* alerts wait this long for others */

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
	if (ss->ref.daily != NULL && ss->ref.daily->nalerts > 0) {
		if (ss->ref.daily->alert_day == ss->ref.cal_day)
			daily_after_alert(ss->ref.daily, q->price);
		else {		/* their session is over: its prices count */
			review_session(ss->ref.daily);
			ss->ref.daily->nalerts = ss->ref.daily->ndayp = 0;
		}
	}
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
			alert_values(a, r, q, &ss->ref, &next);
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

/*
 * Stage the alerts of one evaluation for the group's commit: their
 * messages to the outbox, their lines to the history, neither synced
 * yet.  Returns -1, with whatever was written undone, when the state
 * directory cannot take it (a full disk).
 */
static int
stage(struct poller *P, struct watch *w, struct symstate *ss,
    const struct quote *q, struct alert *alerts, size_t na,
    struct outlist *msgs)
{
	struct outmsg	*m;
	char		 line[512], batch[128], **hist, *snap;
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
		if (outbox_stage(m) == -1) {
			outbox_unwrite(msgs, m);
			goto out;
		}
		crashpoint("outbox");
	}
	crashpoint("history");
	if (history_stage(hist, na) == -1) {
		outbox_unwrite(msgs, NULL);
		goto out;
	}
	P->hist_lines += na;
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
announce(struct poller *P, struct held *h)
{
	struct outmsg	*m;
	char		 line[512];
	size_t		 i;

	for (i = 0; i < h->na; i++) {
		alert_line(&h->alerts[i], line, sizeof(line));
		log_alert(line);
		P->alerts++;
		follow(h->ss, &h->alerts[i]);
	}
	while ((m = TAILQ_FIRST(&h->msgs)) != NULL) {
		TAILQ_REMOVE(&h->msgs, m, entry);
		notify_queue(m);
	}
}

/*
 * Commit what is staged: one sync for every message and history line,
 * then state.json, once.  When the state directory cannot take it, every
 * staged evaluation's files are removed, and its alerts wait in memory
 * for room (eval_wait_for_room()).
 */
static void
commit(struct poller *P)
{
	struct heldlist	 done = TAILQ_HEAD_INITIALIZER(done);
	struct held	*h;
	int		 ok;

	if (TAILQ_EMPTY(&P->held))
		return;
	evtimer_del(P->commit_ev);
	crashpoint("commit");
	ok = state_save(P->conf) == 0;
	if (ok) {
		P->dirty = 0;
		crashpoint("committed");
	} else
		history_cut(P->hist_mark, P->hist_lines);
	while ((h = TAILQ_LAST(&P->held, heldlist)) != NULL) {
		TAILQ_REMOVE(&P->held, h, entry);
		if (!ok) {
			outbox_unwrite(&h->msgs, NULL);
			outlist_free(&h->msgs);
		}
		TAILQ_INSERT_HEAD(&done, h, entry);
	}
	while ((h = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, h, entry);
		if (ok)
			announce(P, h);
		else		/* oldest first */
			eval_wait_for_room(P, config_watch(P->conf, h->ss->symbol),
			    h->ss, h->alerts, h->na);
		held_free(h);
	}
	P->hist_lines = 0;
	P->committed = clock_mono();
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
	eval_flush(arg);
}

void
eval_init(struct poller *P)
{
	TAILQ_INIT(&P->held);
	TAILQ_INIT(&P->waiting);
	if ((P->save_ev = evtimer_new(P->base, save_cb, P)) == NULL ||
	    (P->commit_ev = evtimer_new(P->base, commit_cb, P)) == NULL ||
	    (P->wait_ev = evtimer_new(P->base, eval_wait_cb, P)) == NULL)
		fatalx("evtimer_new");
}

/* Commit what is staged, and save what changed besides; retried. */
void
eval_flush(struct poller *P)
{
	commit(P);
	if (eval_retry_waiting(P) == -1)	/* before any other save */
		return;
	if (!P->dirty)
		return;
	if (state_save(P->conf) == -1) {
		timer_in(P->save_ev, SAVE_RETRY);
		return;
	}
	P->dirty = 0;
}

/* Stage the alerts of h, to be committed with the others of the window. */
static void
hold(struct poller *P, struct watch *w, struct held *h, const struct quote *q)
{
	double	 since;

	if (TAILQ_EMPTY(&P->held))
		P->hist_mark = history_mark();
	if ((!TAILQ_EMPTY(&P->waiting) && eval_retry_waiting(P) == -1) ||
	    stage(P, w, h->ss, q, h->alerts, h->na, &h->msgs) == -1) {
		/* after those that wait already, in order */
		outlist_free(&h->msgs);
		eval_wait_for_room(P, w, h->ss, h->alerts, h->na);
		held_free(h);
		return;
	}
	if (TAILQ_EMPTY(&P->held)) {
		work_begin();		/* a --once run waits for the commit */
		since = clock_mono() - P->committed;
		if (since >= COMMIT_WINDOW)	/* after this turn */
			event_active(P->commit_ev, EV_TIMEOUT, 0);
		else
			timer_in(P->commit_ev, COMMIT_WINDOW - since);
	}
	TAILQ_INSERT_TAIL(&P->held, h, entry);
}

/*
 * Judge every rule of the watch on a quote; stage the alerts that fire
 * for the next commit, which sends them, and save what else changed.
 * now is the time of the evaluation (the quote's own time when
 * replaying).
 */
void
eval_commit(struct poller *P, struct watch *w, struct symstate *ss,
    const struct quote *q, time_t now)
{
	struct held	*h;
	struct alert	*alerts;
	char		 line[512], when[32];
	size_t		 na, i;
	int		 changed;

	if (P->backtest) {	/* in memory: nothing to stage or undo */
		alerts = judge(P, w, ss, q, now, &na, &changed);

		for (i = 0; i < na; i++) {
			alert_line(&alerts[i], line, sizeof(line));
			log_alert(line);
			fmt_time(q->time, FMT_ISO, when, sizeof(when));
			log_debug("backtest: %s %s fired at %s", w->symbol,
			    alerts[i].rule_text, when);
			P->alerts++;
			follow(ss, &alerts[i]);
			alert_clear(&alerts[i]);
		}
		free(alerts);
		return;
	}
	alerts = judge(P, w, ss, q, now, &na, &changed);
	if (na > 0) {
		/* only what fires is kept for the commit */
		h = xcalloc(1, sizeof(*h));
		h->ss = ss;
		TAILQ_INIT(&h->msgs);
		h->alerts = alerts;
		h->na = na;
		hold(P, w, h, q);
		return;
	}
	free(alerts);
	if (changed && !P->dirty && store_dir() != NULL) {
		P->dirty = 1;
		timer_in(P->save_ev, SAVE_DELAY);
	}
}

/*
 * Where and when a quote is: its exchange (the watch's `exchange', or
 * what the provider said, which is then remembered, or what the symbol
 * was placed on), its currency (the exchange's when the answer has
 * none), and the time of a quote that only gave a date: its trading
 * day's close once that has passed, else (the session in progress) the
 * time it came.  mnow is the market clock.
 */
void
eval_place(struct sym *s, struct quote *q, time_t mnow)
{
	struct symstate	*ss = s->ss;
	time_t		 open, close;

	if (q->ex != NULL && s->w->ex == NULL && q->ex != ss->ex) {
		log_debug("%s: trades on %s (%s)", s->w->symbol, q->ex->name,
		    q->ex->zone);
		ss->ex = q->ex;
	}
	q->ex = ss->ex;
	if (q->currency[0] == '\0') {
		if (ss->last.ex == q->ex && ss->last.currency[0] != '\0')
			memcpy(q->currency, ss->last.currency,
			    sizeof(q->currency));	/* as the last one */
		else
			tk_strlcpy(q->currency, exchange_currency(q->ex,
			    s->w->symbol), sizeof(q->currency));
	}
	if (q->date != 0) {
		if (!market_day_session(q->ex, q->date, &open, &close))
			close = market_time(q->ex, q->date, q->ex->close);
		q->time = close <= mnow ? close : mnow;
		q->date = 0;
	}
	if (q->time == 0)
		q->time = mnow;
}

/*
 * Whether q is stale: older, while its exchange is in session, than
 * `stale' as configured, or else three poll intervals plus the lag of
 * free quotes of its exchange (or the provider's own word for it, when
 * longer): London's quotes are 20 minutes behind on Yahoo, and that is
 * not stale.  *limit gets the limit.
 */
static int
is_stale(const struct poller *P, const struct watch *w,
    const struct quote *q, time_t mnow, time_t *limit)
{
	int	 lag = q->ex->delay > q->delay ? q->ex->delay : q->delay;

	*limit = watch_stale(P->conf, w);
	if (w->stale == 0 && P->conf->stale == 0)
		*limit += (time_t)lag * 60;
	if (P->replay != NULL)	/* polls are `speed' times as far apart */
		*limit = (time_t)((double)*limit * P->replay_speed);
	return market_open(q->ex, mnow) && mnow - q->time > *limit;
}

/*
 * Whether q belongs to a session before the latest one that opened (a
 * quote served days late, a date-only quote of last week): such a quote
 * is not evaluated, or its close would be judged as the latest one.
 * Said once.  Not for markets open around the clock.
 */
static int
old_session(struct sym *s, const struct quote *q, time_t mnow)
{
	struct symstate	*ss = s->ss;
	time_t		 open = market_last_open(q->ex, mnow);
	char		 when[64], last[64];

	if (exchange_always(q->ex) || open == 0 || q->time >= open) {
		if (ss->old_logged)
			log_info("%s: quotes of the current session again",
			    s->w->symbol);
		ss->old_logged = 0;
		return 0;
	}
	if (!ss->old_logged) {
		fmt_exchange_time(q->ex, q->time, 1, when, sizeof(when));
		fmt_exchange_time(q->ex, open, 1, last, sizeof(last));
		log_warnx("%s: the quote is of %s, older than the last "
		    "session of %s, which opened %s; not evaluated",
		    s->w->symbol, when, q->ex->name, last);
	}
	ss->old_logged = 1;
	symstate_set_problem(ss, NULL, "quote of an earlier session");
	return 1;
}

/*
 * What a quote older than the last one evaluated still tells: the
 * references of its session (a poll behind a stream's trades).  Its price
 * is not judged: evaluating a quote again changes nothing, but an older
 * one could re-arm a rule (a replay restarted from its beginning).
 */
static void
lend(struct symstate *ss, const struct quote *q)
{
	struct quote	*l = &ss->last;

	if (market_day(ss->ex, q->time) != market_day(ss->ex, l->time))
		return;
	if (isfinite(q->prev_close))
		l->prev_close = q->prev_close;
	if (isfinite(q->high52))
		l->high52 = q->high52;
	if (isfinite(q->low52))
		l->low52 = q->low52;
	if (q->open > 0)
		l->open = q->open;
	if (q->day_high > l->day_high)
		l->day_high = q->day_high;
	if (q->day_low > 0 && (l->day_low == 0 || q->day_low < l->day_low))
		l->day_low = q->day_low;
	if (q->volume > l->volume)
		l->volume = q->volume;
	if (q->earnings != 0)
		l->earnings = q->earnings;
	if (l->currency[0] == '\0')
		memcpy(l->currency, q->currency, sizeof(l->currency));
}

/*
 * A good quote.  now is the wall clock, or the replay's simulated clock.
 * A quote older than the last one evaluated is not evaluated; one older
 * than `stale' while the market is open, or of a session before the
 * latest, is not evaluated at all, and said once: the symbol then does
 * not count as quoted (--once exits 2).
 */
void
eval_quote(struct poller *P, struct sym *s, struct quote *q, time_t now)
{
	struct watch	*w = s->w;
	struct symstate	*ss = s->ss;
	time_t		 limit, mnow = P->replay ? now : clock_market();
	char		 p[32], when[64];

	eval_place(s, q, mnow);
	if (q->time > mnow + FUTURE_MAX) {
		/* a clock gone wrong, or a unit: never let it hold back the
		 * quotes that follow (they would all look older) */
		fmt_time(q->time, FMT_UTC, when, sizeof(when));
		if (!ss->future_logged)
			log_warnx("%s: the quote's time %s is in the future; "
			    "taken as the time it came", w->symbol, when);
		ss->future_logged = 1;
		q->time = mnow;
	} else
		ss->future_logged = 0;
	if (q->time < ss->last_time) {
		if (ss->last_seen > 0)
			lend(ss, q);
		log_debug("%s: quote older than the last evaluated", w->symbol);
		s->quoted = 1;
		return;
	}
	if (!s->trade && stream_live(s)) {	/* the stream's are newer */
		lend(ss, q);
		s->quoted = 1;
		return;
	}
	if (!s->trade)
		ss->feed = NULL;
	ss->last = *q;
	ss->last_seen = now;
	symstate_set_problem(ss, NULL, NULL);
	if (log_getverbose() > 0) {	/* format only what is logged */
		fmt_price(q->price, p, sizeof(p));
		log_debug("quote %s %s at %lld", w->symbol, p,
		    (long long)q->time);
	}
	if (!P->backtest && is_stale(P, w, q, mnow, &limit)) {
		if (!ss->stale_logged) {
			fmt_exchange_time(q->ex, q->time, 1, when,
			    sizeof(when));
			log_warnx("%s: stale quote (market time %s, %llds old, "
			    "more than %llds, %s open); not evaluated until "
			    "fresh", w->symbol, when,
			    (long long)(mnow - q->time), (long long)limit,
			    q->ex->name);
		}
		ss->stale_logged = 1;
		symstate_set_problem(ss, NULL, "stale");
		return;
	}
	if (ss->stale_logged)
		log_info("%s: quotes are fresh again", w->symbol);
	ss->stale_logged = 0;
	if (!P->backtest && old_session(s, q, mnow))
		return;
	s->quoted = 1;
	eval_commit(P, w, ss, q, P->replay ? q->time : now);
}
