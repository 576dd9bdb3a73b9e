/*
 * The evaluate pipeline: a good quote of a watched symbol is checked for
 * freshness, every rule of the watch is judged on it by the rule engine,
 * and the alerts that fire are made durable before anyone hears of them.
 *
 * Write-ahead: when alerts fire, their messages go to the outbox and the
 * new rule states to state.json before anything is logged or sent, so
 * that a crash at any point neither repeats nor loses an alert.  A
 * backtest judges the same way, in memory, and sends nothing.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "daemon/daemon.h"

/*
 * Judge every rule of w on q at now.  The new states are applied; the
 * alerts that fire are returned (caller frees) and *changed says whether
 * anything stored changed.
 */
static struct alert *
judge(struct poller *P, struct watch *w, const struct quote *q, time_t now,
    size_t *na, int *changed)
{
	struct rule		*r;
	struct rule_state	 next;
	struct rule_params	 params;
	struct alert		*alerts = NULL;
	struct symref		 before = w->ref;
	enum verdict		 v;

	*na = 0;
	symref_update(&w->ref, q);
	*changed = !symref_same(&before, &w->ref);
	params.hysteresis = watch_hysteresis(P->conf, w);
	params.cooldown = w->cooldown;
	TAILQ_FOREACH(r, &w->rules, entry) {
		v = rule_eval(r, &params, q, &w->ref, &r->state, &next, now);
		if (!rulestate_same(&next, &r->state))
			*changed = 1;
		r->state = next;
		switch (v) {
		case VERDICT_FIRE:
			alerts = xreallocarray(alerts, *na + 1,
			    sizeof(*alerts));
			alert_init(&alerts[(*na)++], w->symbol, w->note, r, q,
			    &w->ref, now);
			if (r->first_fired == 0)
				r->first_fired = now;
			r->last_fired = now;
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
	}
	w->last_time = q->time;
	return alerts;
}

/* The alerts' messages to the outbox, and their lines to the history. */
static void
write_ahead(struct poller *P, struct watch *w, const struct quote *q,
    struct alert *alerts, size_t na, struct outlist *msgs)
{
	struct outmsg	*m;
	char		 line[512], batch[128], **hist;
	size_t		 i;

	notify_batch(w->symbol, q, batch, sizeof(batch));
	hist = xcalloc(na, sizeof(*hist));
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		hist[i] = history_line(&alerts[i], line, batch);
	}
	notify_build(P->conf, w, alerts, na, batch, hist, msgs);
	TAILQ_FOREACH(m, msgs, entry) {
		if (outbox_write(m) == -1)
			log_warnx("%s: could not write the outbox; "
			    "delivering anyway", w->symbol);
		crashpoint("outbox");
	}
	crashpoint("history");
	for (i = 0; i < na; i++) {
		history_add(hist[i]);
		free(hist[i]);
	}
	free(hist);
}

/*
 * Judge every rule of the watch on a quote, commit what changed and send
 * the alerts.  now is the time of the evaluation (the quote's own time
 * when replaying).
 */
void
eval_commit(struct poller *P, struct watch *w, const struct quote *q,
    time_t now)
{
	struct outlist	 msgs = TAILQ_HEAD_INITIALIZER(msgs);
	struct outmsg	*m;
	struct alert	*alerts;
	char		 line[512];
	size_t		 na, i;
	int		 changed;

	alerts = judge(P, w, q, now, &na, &changed);
	if (na > 0 && !P->backtest)
		write_ahead(P, w, q, alerts, na, &msgs);
	crashpoint("commit");
	if (changed && state_save(P->conf) == -1)
		log_warnx("%s: could not save the rule states", w->symbol);
	if (na > 0)
		crashpoint("committed");
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		log_alert(line);
		P->alerts++;
		alert_clear(&alerts[i]);
	}
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
eval_quote(struct poller *P, struct watch *w, struct quote *q, time_t now)
{
	time_t	 limit = watch_stale(P->conf, w);
	char	 p[32], when[32];

	if (P->replay != NULL)	/* polls are `speed' times as far apart */
		limit = (time_t)((double)limit * P->replay_speed);
	if (q->time == 0)
		q->time = now;
	w->last = *q;
	w->last_seen = now;
	w->problem[0] = '\0';
	if (log_getverbose() > 0) {	/* format only what is logged */
		fmt_price(q->price, p, sizeof(p));
		log_debug("quote %s %s at %lld", w->symbol, p,
		    (long long)q->time);
	}
	/*
	 * Evaluating a quote again changes nothing, but an older one could
	 * re-arm a rule (a replay restarted from its beginning): skip it.
	 */
	if (q->time < w->last_time) {
		log_debug("%s: quote older than the last evaluated", w->symbol);
		return;
	}
	if (!P->backtest && market_open(P->replay ? now : clock_market()) &&
	    now - q->time > limit) {
		if (!w->stale_logged) {
			fmt_time(q->time, FMT_UTC, when, sizeof(when));
			log_warnx("%s: stale quote (market time %s, %llds old, "
			    "more than %llds); not evaluated until fresh",
			    w->symbol, when, (long long)(now - q->time),
			    (long long)limit);
		}
		w->stale_logged = 1;
		snprintf(w->problem, sizeof(w->problem), "stale");
		return;
	}
	if (w->stale_logged)
		log_info("%s: quotes are fresh again", w->symbol);
	w->stale_logged = 0;
	eval_commit(P, w, q, P->replay ? q->time : now);
}
