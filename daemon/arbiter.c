/*
 * The arbiter: the one place that decides what of the sources' quotes is
 * judged.  Every source (the poller, the streams, the replay) hands each
 * quote to arbiter_quote(), saying where it comes from; the arbiter
 * places it (its exchange, its currency, the time of a date-only quote),
 * and lets it through to the judge (evaluate.c) only when it is news: not
 * older than the last one judged, not a poll behind a live stream's
 * trades (which then only lends its session's references), not stale
 * while its market is open, and not of a session before the latest.
 * The market clock and whether the quote's market is open are worked
 * out once per quote (struct when), and read by each of those checks.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "daemon/daemon.h"

#define FUTURE_MAX	3600	/* how far ahead a quote's time may be */

/* When a quote is judged: the market clock, and its market then. */
struct when {
	time_t		 mnow;		/* the market clock, or the replay's */
	int		 open;		/* the quote's market is in session */
};

/*
 * Where and when a quote is: its exchange (the watch's `exchange', or
 * what the provider said, which is then remembered, or what the symbol
 * was placed on), its currency (the exchange's when the answer has
 * none), and the time of a quote that only gave a date: its trading
 * day's close once that has passed, else (the session in progress) the
 * time it came.  A quote with no time at all is never stamped with the
 * clock: it is taken as the close of the last session that has ended
 * (untimed), which is judged only once that session has ended.  Around
 * the clock there is no close, and such a quote is the clock's.  mnow is
 * the market clock.
 */
void
arbiter_place(struct sym *s, struct quote *q, time_t mnow)
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
	if (q->time == 0) {
		q->untimed = 1;
		if (exchange_always(q->ex) ||
		    (q->time = market_last_close(q->ex, mnow)) == 0)
			q->time = mnow;
	}
}

/* Where the quote came from, for what it lacks. */
static const char *
source_name(const struct sym *s, enum origin from)
{
	if (from == ORIGIN_TRADE && s->ss->feed != NULL)
		return s->ss->feed;
	if (from == ORIGIN_REPLAY)
		return "the replay";
	if (s->P != NULL && (size_t)s->source < s->P->nsrc)
		return s->P->srcs[s->source].p->name;
	return "the provider";
}

/*
 * Whether q, untimed, may be of the session in progress (or of a lunch
 * break's): its price is then not the last close it is taken for, and
 * it is not judged.  Said once, until a timed quote comes.
 */
static int
untimed_live(struct sym *s, const struct quote *q, const struct when *at,
    enum origin from)
{
	struct symstate	*ss = s->ss;

	if (!q->untimed || exchange_always(q->ex) ||
	    market_last_open(q->ex, at->mnow) <= q->time) {
		ss->untimed_logged = 0;
		return 0;
	}
	if (!ss->untimed_logged)
		log_warnx("%s: %s gives the quote no market time; not judged "
		    "while %s is in session (it counts as the close once the "
		    "session has ended)", s->w->symbol, source_name(s, from),
		    q->ex->name);
	ss->untimed_logged = 1;
	symstate_set_problem(ss, NULL, "no market time in the quote");
	return 1;
}

/*
 * Whether q is stale: older, while its exchange is in session, than
 * `stale' as configured, or else three poll intervals plus the lag of
 * free quotes of its exchange (or the provider's own word for it, when
 * longer): London's quotes are 20 minutes behind on Yahoo, and that is
 * not stale.  *limit gets the limit.
 */
static int
is_stale(const struct arbiter *A, const struct watch *w,
    const struct quote *q, const struct when *at, time_t *limit)
{
	int	 lag = q->ex->delay > q->delay ? q->ex->delay : q->delay;

	*limit = watch_stale(A->conf, w);
	if (w->stale == 0 && A->conf->stale == 0)
		*limit += (time_t)lag * 60;
	if (A->replayed)	/* polls are `speed' times as far apart */
		*limit = (time_t)((double)*limit * A->speed);
	return at->open && at->mnow - q->time > *limit;
}

/*
 * Whether q belongs to a session before the latest one that opened (a
 * quote served days late, a date-only quote of last week): such a quote
 * is not evaluated, or its close would be judged as the latest one.
 * Said once.  Not for markets open around the clock.
 */
static int
old_session(struct sym *s, const struct quote *q, const struct when *at)
{
	struct symstate	*ss = s->ss;
	time_t		 open = market_last_open(q->ex, at->mnow);
	char		 when[64], last[64];

	if (exchange_always(q->ex) || open == 0 || q->time >= open) {
		if (ss->old_logged)
			log_info("%s: quotes of the current session again",
			    s->w->symbol);
		ss->old_logged = 0;
		return 0;
	}
	if (!ss->old_logged) {
		exchange_fmt_time(q->ex, q->time, 1, when, sizeof(when));
		exchange_fmt_time(q->ex, open, 1, last, sizeof(last));
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
 * A price outside the regular session: kept for tickerctl quotes, and
 * judged only by the rules that take such prices (`session extended');
 * returns whether any does.  The symbol's last regular quote stays what
 * its references and the next trades are built on.
 */
static int
outside_hours(const struct arbiter *A, struct sym *s, const struct quote *q)
{
	struct symstate		*ss = s->ss;
	const struct rule	*r;

	if (ss->ext == NULL)
		ss->ext = xmalloc(sizeof(*ss->ext));
	*ss->ext = *q;
	s->quoted = 1;
	TAILQ_FOREACH(r, &s->w->rules, entry)
		if (watch_rule_hours(A->conf, s->w, r) == HOURS_EXTENDED)
			return 1;
	log_debug("%s: a %s price, not judged (session regular)", s->w->symbol,
	    market_hours_name(q->session));
	return 0;
}

/* What rules wait for, when a quote lacks it (arbiter_wants()). */
#define REFS_RANGE	0x1		/* the 52-week range */
#define REFS_PREV	0x2		/* the previous close */

/* The references rule r needs that q lacks: REFS_*. */
static unsigned
lacks(const struct rule *r, const struct quote *q)
{
	switch (r->kind) {
	case RULE_NEAR_HIGH:
	case RULE_NEW_HIGH:
		return isfinite(q->high52) ? 0 : REFS_RANGE;
	case RULE_NEAR_LOW:
	case RULE_NEW_LOW:
		return isfinite(q->low52) ? 0 : REFS_RANGE;
	case RULE_MOVE:
		return isfinite(q->prev_close) ? 0 : REFS_PREV;
	default:
		return 0;
	}
}

/*
 * Rules that cannot be judged for want of a reference the quote lacks
 * (no 52-week range, no previous close): said once a symbol for each,
 * naming the rules, and again once the reference has come and gone.
 */
static void
arbiter_wants(struct sym *s, const struct quote *q, enum origin from)
{
	static const struct {
		unsigned	 bit;
		const char	*what;
	} refs[] = {
		{ REFS_RANGE, "52-week range" },
		{ REFS_PREV, "previous close" },
	};
	struct symstate		*ss = s->ss;
	const struct rule	*r;
	char			 rules[256];
	size_t			 i, len;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		rules[0] = '\0';
		TAILQ_FOREACH(r, &s->w->rules, entry)
			if ((lacks(r, q) & refs[i].bit) && (len =
			    strlen(rules)) < sizeof(rules))
				snprintf(rules + len, sizeof(rules) - len, "%s%s",
				    len > 0 ? ", " : "", r->text);
		if (rules[0] == '\0')
			ss->refs_said &= ~refs[i].bit;
		else if (!(ss->refs_said & refs[i].bit)) {
			log_warnx("%s: %s gives no %s; %s wait%s for it",
			    s->w->symbol, source_name(s, from), refs[i].what,
			    rules, strchr(rules, ',') ? "" : "s");
			ss->refs_said |= refs[i].bit;
		}
	}
}

/*
 * A good quote from a source.  now is the wall clock, or the replay's
 * simulated clock.  A quote older than the last one evaluated is not
 * evaluated; one older than `stale' while the market is open, or of a
 * session before the latest, is not evaluated at all, and said once: the
 * symbol then does not count as quoted (--once exits 2).  A polled quote
 * of a symbol whose stream is live only lends its references.
 */
void
arbiter_quote(struct arbiter *A, struct sym *s, struct quote *q, time_t now,
    enum origin from)
{
	struct watch	*w = s->w;
	struct symstate	*ss = s->ss;
	struct when	 at;
	time_t		 limit;
	char		 p[32], when[64];

	at.mnow = A->replayed ? now : clock_market();
	arbiter_place(s, q, at.mnow);
	if (q->time > at.mnow + FUTURE_MAX) {
		/* a clock gone wrong, or a unit: never let it hold back the
		 * quotes that follow (they would all look older) */
		fmt_time(q->time, FMT_UTC, when, sizeof(when));
		if (!ss->future_logged)
			log_warnx("%s: the quote's time %s is in the future; "
			    "taken as the time it came", w->symbol, when);
		ss->future_logged = 1;
		q->time = at.mnow;
	} else
		ss->future_logged = 0;
	if (market_extended(q) && (q->time < ss->last_time ||
	    !outside_hours(A, s, q)))
		return;
	if (q->time < ss->last_time) {
		if (ss->last_seen > 0)
			lend(ss, q);
		log_debug("%s: quote older than the last evaluated", w->symbol);
		s->quoted = 1;
		return;
	}
	if (from != ORIGIN_TRADE && s->live_until > 0 &&
	    clock_mono() < s->live_until) {
		lend(ss, q);	/* the stream's are newer */
		s->quoted = 1;
		return;
	}
	if (from != ORIGIN_TRADE)
		ss->feed = NULL;
	if (!market_extended(q)) {
		ss->last = *q;
		ss->last_seen = now;
	}
	symstate_set_problem(ss, NULL, NULL);
	if (log_getverbose() > 0) {	/* format only what is logged */
		fmt_price(q->price, p, sizeof(p));
		log_debug("quote %s %s at %lld", w->symbol, p,
		    (long long)q->time);
	}
	if (A->J->backtest) {
		s->quoted = 1;
		judge_quote(A->J, w, ss, q, q->time);
		return;
	}
	at.open = market_open(q->ex, at.mnow);
	if (untimed_live(s, q, &at, from))
		return;
	if (is_stale(A, w, q, &at, &limit)) {
		if (!ss->stale_logged) {
			exchange_fmt_time(q->ex, q->time, 1, when,
			    sizeof(when));
			log_warnx("%s: stale quote (market time %s, %llds old, "
			    "more than %llds, %s open); not evaluated until "
			    "fresh", w->symbol, when,
			    (long long)(at.mnow - q->time), (long long)limit,
			    q->ex->name);
		}
		ss->stale_logged = 1;
		symstate_set_problem(ss, NULL, "stale");
		return;
	}
	if (ss->stale_logged)
		log_info("%s: quotes are fresh again", w->symbol);
	ss->stale_logged = 0;
	if (old_session(s, q, &at))
		return;
	s->quoted = 1;
	arbiter_wants(s, q, from);
	judge_quote(A->J, w, ss, q, A->replayed ? q->time : now);
}
