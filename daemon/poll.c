/*
 * Polling: one timer per watched symbol.  When it fires, the symbol goes
 * to the first provider of the chain that may be asked about it (not
 * backed off, for the symbol or for the whole host), into that
 * provider's queue; the bucket sends the queue (bucket.c), and the
 * answers come back through fetch.c, which schedules the next poll.  With
 * `market-hours yes' a symbol is polled only in the session, plus once
 * after the close.  The watched symbols are made here, with each
 * provider's spelling, for every source; when the quotes are replayed
 * there is no chain, and the replay (backtest.c) drives them instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define AFTER_CLOSE_MAX	900	/* the after-close poll, at the latest */
#define WAIT_MAX	3600	/* the longest a chain is waited for */

/* Poll s in `seconds'. */
static void
poll_schedule(struct sym *s, double seconds)
{
	timer_in(s->timer, seconds);
}

/* Poll s now, unless it is being asked already (its stream was lost). */
void
poll_now(struct sym *s)
{
	if (!s->busy)
		poll_schedule(s, 0);
}

/* The seconds after the close at which the closing price is polled. */
static time_t
after_close(const struct config *conf)
{
	time_t	 a = 2 * conf->poll;

	return a > AFTER_CLOSE_MAX ? AFTER_CLOSE_MAX : a;
}

/*
 * Poll s again in at least `delay' seconds: with market hours, at the
 * first time the calendar allows from then on.  Not in a --once run.
 */
void
poll_again(struct sym *s, double delay)
{
	const struct config	*conf = s->P->conf;
	time_t			 now, at;

	if (s->P->opts.once)
		return;
	if (conf->market_hours) {
		now = clock_market();
		at = market_next_poll(s->ss->ex, now + (time_t)delay -
		    conf->poll, conf->poll, after_close(conf));
		if ((double)(at - now) > delay)
			delay = (double)(at - now);
	}
	poll_schedule(s, delay);
}

/* --once: a symbol's round is over (quoted, or nothing left to ask). */
void
poll_round_end(struct sym *s)
{
	if (s->in_round) {
		s->in_round = 0;
		work_end();
	}
}

/*
 * The first provider of the chain that may be asked about s now; -1 when
 * none may, and *wait says how long until one may.
 */
int
poll_pick(struct sym *s, time_t now, double *wait)
{
	const struct src	*srcs = s->P->srcs;
	time_t			 t;
	size_t			 i;

	*wait = WAIT_MAX;
	for (i = 0; i < s->P->nsrc; i++) {
		t = s->ps[i].st->not_before;
		if (srcs[i].host_until > t)
			t = srcs[i].host_until;
		if (t <= now)
			return (int)i;
		if ((double)(t - now) < *wait)
			*wait = (double)(t - now);
	}
	return -1;
}

/* Ask provider `at' of the chain about s. */
void
poll_enqueue(struct sym *s, int at)
{
	struct src	*r = &s->P->srcs[at];

	s->busy = 1;
	TAILQ_INSERT_TAIL(&r->queue, s, qentry);
	r->nqueue++;
	if (session_batch_max(r) > 1 && r->nqueue < session_batch_max(r))
		bucket_wake_in(r, 0);	/* those due in this turn of the
					   loop join; no wait */
	else
		bucket_dispatch(r);
}

void
poll_enqueue_range(struct sym *s, int at)
{
	s->range_busy = at + 1;
	TAILQ_INSERT_TAIL(&s->P->srcs[at].rqueue, s, rentry);
	bucket_dispatch(&s->P->srcs[at]);
}

/* Whether s's 52-week range should be asked of provider `at' now. */
int
poll_range_due(struct sym *s, int at, time_t now)
{
	const struct provider	*p = s->P->srcs[at].p;

	if (p->range_url == NULL || s->range_busy ||
	    now < s->range_not_before)
		return 0;
	return s->range_time == 0 || now - s->range_time >= p->range_every ||
	    market_day(s->ss->ex, now) != market_day(s->ss->ex, s->range_time);
}

/* Route s to the first provider that may be asked, or wait. */
void
poll_route(struct sym *s)
{
	double	 wait, poll = (double)s->P->conf->poll;
	int	 at;

	if (s->busy)
		return;
	if ((at = poll_pick(s, clock_now(), &wait)) >= 0) {
		poll_enqueue(s, at);
		return;
	}
	poll_round_end(s);
	poll_again(s, wait > poll ? wait : poll);
}

static void
poll_cb(evutil_socket_t fd, short ev, void *arg)
{
	poll_route(arg);
}

/* The provider's spelling of a watched symbol: map lines first. */
static void
map_symbol(const struct src *r, const char *sym, char *out, size_t outlen)
{
	size_t	 i;

	for (i = 0; i < r->pc->nmaps; i++)
		if (strcasecmp(r->pc->maps[i].from, sym) == 0) {
			tk_strlcpy(out, r->pc->maps[i].to, outlen);
			return;
		}
	if (r->p->map != NULL)
		r->p->map(sym, out, outlen);
	else
		tk_strlcpy(out, sym, outlen);
}

/* The first provider and its fallbacks, as the configuration says. */
static void
chain_start(struct poller *P)
{
	struct providerconf	*pc = config_provider(P->conf);
	struct src		*r;
	size_t			 conns = 0;

	P->nsrc = 0;
	while (pc != NULL && P->nsrc < CHAIN_MAX) {
		r = &P->srcs[P->nsrc++];
		memset(r, 0, sizeof(*r));
		r->P = P;
		if ((r->p = provider_find(pc->name)) == NULL)
			fatalx("provider %s is not available", pc->name);
		r->pc = pc;
		r->base = pc->url ? pc->url : r->p->default_url;
		r->conns = pc->connections > 0 ? (unsigned)pc->connections :
		    r->p->connections;
		conns += r->conns;
		TAILQ_INIT(&r->queue);
		TAILQ_INIT(&r->rqueue);
		bucket_init(r);
		log_debug("provider %s%s: %s, budget %.3g requests a minute "
		    "(burst %.0f), %u connections", r->p->name, P->nsrc > 1 ?
		    " (fallback)" : "", r->base, r->rate * 60, r->burst,
		    r->conns);
		pc = pc->fallback ? config_provider_named(P->conf,
		    pc->fallback) : NULL;
	}
	net_keep(conns);
}

/* A symbol to follow, mapped for each provider of the chain. */
static struct sym *
sym_new(struct poller *P, struct watch *w)
{
	struct sym	*s;
	size_t		 k;

	s = xcalloc(1, sizeof(*s) + P->nsrc * sizeof(s->ps[0]));
	s->P = P;
	s->w = w;
	if ((s->ss = symstate_find(w->symbol)) == NULL)
		fatalx("%s: no state (symstate_sync was not called)",
		    w->symbol);
	/* where it trades: as the watch says, as a provider said before,
	 * as its suffix says, or the default */
	if (w->ex != NULL)
		s->ss->ex = w->ex;
	else if (s->ss->ex == NULL &&
	    (s->ss->ex = exchange_of_symbol(w->symbol)) == NULL)
		s->ss->ex = exchange_default();
	for (k = 0; k < P->nsrc; k++) {
		map_symbol(&P->srcs[k], w->symbol, s->ps[k].name,
		    sizeof(s->ps[k].name));
		s->ps[k].st = symstate_prov(s->ss, P->srcs[k].p->name);
	}
	TAILQ_INSERT_TAIL(&P->syms, s, entry);
	return s;
}

/*
 * With market hours on, whether s's exchange is closed at now: then
 * *next is when to poll it (the open, or the poll after the close), and
 * that is said once for each exchange (said, *nsaid).
 */
static int
closed_until(struct poller *P, struct sym *s, time_t now, time_t *next,
    const struct exchange **said, size_t *nsaid)
{
	const struct exchange	*ex = s->ss->ex;
	size_t			 i;

	if (!P->conf->market_hours || market_open(ex, now))
		return 0;
	*next = market_next_poll(ex, now, P->conf->poll,
	    after_close(P->conf));
	for (i = 0; i < *nsaid; i++)
		if (said[i] == ex)
			return 1;
	if (*nsaid < EXCHANGES_MAX)
		said[(*nsaid)++] = ex;
	log_info("market closed (%s); polling its symbols starts in %llds",
	    ex->name, (long long)(*next - now));
	return 1;
}

/* The first polls: now (--once), at the open, or spread over a second. */
static void
first_polls(struct poller *P, size_t n)
{
	struct sym	*s;
	const struct exchange *said[EXCHANGES_MAX];
	double		 spread, i = 0, k = 0;
	time_t		 now, next;
	size_t		 nsaid = 0;

	if (P->opts.once) {
		/* one round per symbol, all at once, as the budget allows */
		TAILQ_FOREACH(s, &P->syms, entry) {
			s->in_round = 1;
			work_begin();
		}
		TAILQ_FOREACH(s, &P->syms, entry)
			poll_route(s);
		return;
	}
	now = clock_market();
	/* spread the first polls a little, all within the first second;
	 * not when several share a request */
	spread = n > 1 ? 1.0 / (double)n : 0;
	if (P->nsrc > 0 && session_batch_max(&P->srcs[0]) > 1)
		spread = 0;
	TAILQ_FOREACH(s, &P->syms, entry) {
		if (closed_until(P, s, now, &next, said, &nsaid)) {
			poll_schedule(s, (double)(next - now) + 0.05 * k++);
			continue;
		}
		poll_schedule(s, spread * i++);
	}
}

/*
 * The watched symbols and, unless the quotes are replayed, the provider
 * chain that is asked about them; their quotes go to A.
 */
struct poller *
poll_new(struct event_base *base, struct config *conf,
    const struct poll_opts *o, struct arbiter *A, int replayed)
{
	struct poller	*P = xcalloc(1, sizeof(*P));
	struct watch	*w;

	P->base = base;
	P->conf = conf;
	P->opts = *o;
	P->A = A;
	TAILQ_INIT(&P->syms);
	TAILQ_INIT(&P->reqs);
	if (!replayed)
		chain_start(P);
	TAILQ_FOREACH(w, &conf->watches, entry)
		sym_new(P, w);
	return P;
}

/* Start polling every watched symbol. */
void
poll_begin(struct poller *P)
{
	struct sym	*s;
	size_t		 n = 0;

	TAILQ_FOREACH(s, &P->syms, entry) {
		if ((s->timer = evtimer_new(P->base, poll_cb, s)) == NULL)
			fatalx("evtimer_new");
		n++;
	}
	first_polls(P, n);
}

/* Whether every symbol got at least one good quote. */
int
poll_all_quoted(const struct poller *P)
{
	const struct sym	*s;

	TAILQ_FOREACH(s, &P->syms, entry)
		if (!s->quoted)
			return 0;
	return 1;
}

/*
 * The symbols not quoted, with why ("CALX (stale), QCOM (yahoo: HTTP
 * 404)"), cut to fit out; returns how many there are.
 */
size_t
poll_unquoted(const struct poller *P, char *out, size_t len)
{
	const struct sym	*s;
	const char		*why;
	size_t			 n = 0, at = 0;

	out[0] = '\0';
	TAILQ_FOREACH(s, &P->syms, entry) {
		if (s->quoted)
			continue;
		why = s->ss != NULL ? symstate_problem(s->ss) : "";
		if (at < len)
			at += (size_t)snprintf(out + at, len - at, "%s%s%s%s%s",
			    n > 0 ? ", " : "", s->w->symbol, *why ? " (" : "",
			    why, *why ? ")" : *why == '\0' &&
			    s->ss != NULL && s->ss->last_seen == 0 ?
			    " (no quote)" : "");
		n++;
	}
	if (at >= len && len > 4)
		memcpy(out + len - 4, "...", 4);
	return n;
}

void
poll_free(struct poller *P)
{
	struct sym	*s;
	size_t		 i;

	if (P == NULL)
		return;
	for (i = 0; i < P->nsrc; i++) {
		session_stop(&P->srcs[i]);
		bucket_keep(&P->srcs[i]);
		event_free(P->srcs[i].wake);
	}
	while ((s = TAILQ_FIRST(&P->syms)) != NULL) {
		TAILQ_REMOVE(&P->syms, s, entry);
		if (s->timer != NULL)
			event_free(s->timer);
		free(s->held);
		free(s);
	}
	free(P);
}
