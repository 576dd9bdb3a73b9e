/*
 * Replays and backtests.  The replay provider serves recorded quotes: a
 * simulated clock starts at the file's first quote and runs `speed'
 * times as fast as the real one, and each symbol's timer serves the
 * newest quote the clock has reached.  With --once the whole file is
 * judged as fast as it can be read (a backtest): in memory, sending
 * nothing, ending with a table of what fired.  The replay is a source
 * like the poller and the streams: its quotes go to the arbiter.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

/* The replay's state: a stream of quotes, read one ahead. */
struct replaying {
	struct arbiter		*A;		/* where its quotes go */
	struct config		*conf;
	struct replay		*replay;
	const char		*file;
	struct quote		 next;		/* the next quote */
	struct replay_sym	*next_sym;
	int			 state;		/* 1: next is one; 0: end; -1 */
	time_t			 first;		/* the first quote's time */
	double			 start;		/* clock_mono() */
	double			 speed;
	struct strmap		*bysym;		/* rsyms by symbol */
	struct rsym		*rsyms;
	size_t			 nrsyms;
};

/* A watched symbol, as the replay serves it. */
struct rsym {
	struct replaying	*R;
	struct sym		*s;
	struct event		*timer;
	int			 done;		/* past its last quote */
	int			 has_pending;
	struct quote		 pending;	/* its latest, unserved */
};

/* The next quote of the replay into R->next; R->state says what came. */
static void
read_next(struct replaying *R)
{
	char	 err[512];

	R->state = replay_next(R->replay, &R->next, &R->next_sym, err,
	    sizeof(err));
	if (R->state == -1)
		log_warnx("replay: %s", err);
}

/*
 * Open the replay the run asks for: --replay FILE, or the replay
 * provider's file.  NULL when the provider is another, or (*failed set)
 * after logging why the file cannot be read.
 */
struct replaying *
replaying_open(struct config *conf, const char *file, int *failed)
{
	struct providerconf	*pc = config_provider(conf);
	struct replaying	*R;
	char			 err[512];
	double			 speed = 1;

	*failed = 0;
	if (strcmp(pc->name, "replay") == 0) {
		speed = pc->speed;
		if (file == NULL)
			file = pc->replay_file;
	}
	if (file == NULL)
		return NULL;
	R = xcalloc(1, sizeof(*R));
	R->conf = conf;
	R->speed = speed;
	R->file = file;
	if ((R->replay = replay_open(file, err, sizeof(err))) == NULL) {
		log_warnx("replay: %s", err);
		goto fail;
	}
	read_next(R);
	if (R->state == 0)
		log_warnx("replay: %s: no quotes", file);
	if (R->state != 1)
		goto fail;
	R->first = R->next.time;
	R->start = clock_mono();
	return R;
 fail:
	replaying_free(R);
	*failed = 1;
	return NULL;
}

int
replaying_failed(const struct replaying *R)
{
	return R->state == -1;
}

double
replaying_speed(const struct replaying *R)
{
	return R->speed;
}

void
replaying_free(struct replaying *R)
{
	size_t	 i;

	if (R == NULL)
		return;
	for (i = 0; i < R->nrsyms; i++)
		if (R->rsyms[i].timer != NULL)
			event_free(R->rsyms[i].timer);
	free(R->rsyms);
	replay_free(R->replay);
	strmap_free(R->bysym);
	free(R);
}

/* The watched symbols, each the replay's to serve. */
static void
take_syms(struct replaying *R, struct arbiter *A, struct symlist *syms)
{
	struct sym	*s;
	size_t		 n = 0;

	R->A = A;
	TAILQ_FOREACH(s, syms, entry)
		n++;
	R->rsyms = xcalloc(n + 1, sizeof(*R->rsyms));
	R->bysym = strmap_new();
	TAILQ_FOREACH(s, syms, entry) {
		R->rsyms[R->nrsyms].R = R;
		R->rsyms[R->nrsyms].s = s;
		strmap_put(R->bysym, s->w->symbol, &R->rsyms[R->nrsyms]);
		R->nrsyms++;
	}
}

/* The watched symbol a replayed one is, found once per symbol; or NULL. */
static struct rsym *
resolve(struct replaying *R, struct replay_sym *rs)
{
	if (!rs->resolved) {
		rs->user = strmap_get(R->bysym, rs->symbol);
		rs->resolved = 1;
	}
	return rs->user;
}

/* At the end of the file: the watched symbols it never quoted. */
static void
replay_end(struct replaying *R)
{
	size_t	 i;

	for (i = 0; i < R->nrsyms; i++)
		if (replay_symbol(R->replay, R->rsyms[i].s->w->symbol) == NULL)
			log_warnx("%s: unknown symbol: no recorded quotes in "
			    "%s", R->rsyms[i].s->w->symbol, R->file);
}

/*
 * Read on up to the simulated time sim: each watched symbol keeps its
 * newest quote for its next poll.  At speed, one symbol's quotes could
 * not wait for another's, so the whole file must be in time order.
 */
static void
pump(struct replaying *R, time_t sim)
{
	struct rsym	*x;
	time_t		 t;
	char		 where[512];

	while (R->state == 1 && R->next.time <= sim) {
		t = R->next.time;
		if ((x = resolve(R, R->next_sym)) != NULL) {
			x->pending = R->next;
			x->has_pending = 1;
		}
		read_next(R);
		if (R->state == 1 && R->next.time < t) {
			replay_where(R->replay, where, sizeof(where));
			log_warnx("replay: %s: earlier than the line before: a "
			    "replay at a speed needs the file in time order",
			    where);
			R->state = -1;
		}
		if (R->state != 1)
			replay_end(R);
	}
}

/* Replay: serve the newest quote the simulated clock has reached. */
static void
replay_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct rsym		*x = arg;
	struct replaying	*R = x->R;
	time_t			 sim;

	sim = R->first + (time_t)((clock_mono() - R->start) * R->speed);
	pump(R, sim);
	if (x->has_pending) {
		x->has_pending = 0;
		arbiter_quote(R->A, x->s, &x->pending, sim, ORIGIN_REPLAY);
	}
	if (R->state != 1) {
		x->done = 1;
		work_end();
		return;
	}
	timer_in(x->timer, (double)R->conf->poll);
}

/*
 * A replay at its speed: each symbol is polled every `poll' seconds of
 * the real clock, as a provider would be, all within the first second.
 */
void
replaying_start(struct replaying *R, struct arbiter *A,
    struct event_base *base, struct symlist *syms)
{
	double	 spread;
	size_t	 i;

	log_info("replaying recorded quotes from %s", R->file);
	take_syms(R, A, syms);
	spread = R->nrsyms > 1 ? 1.0 / (double)R->nrsyms : 0;
	for (i = 0; i < R->nrsyms; i++) {
		if ((R->rsyms[i].timer = evtimer_new(base, replay_cb,
		    &R->rsyms[i])) == NULL)
			fatalx("evtimer_new");
		work_begin();	/* ends when the replay is over */
		timer_in(R->rsyms[i].timer, spread * (double)i);
	}
}

/* --replay FILE --once: every recorded quote, in order, now. */
void
backtest_run(struct replaying *R, struct arbiter *A, struct symlist *syms)
{
	struct rsym	*x;

	log_info("replaying recorded quotes from %s (backtest)", R->file);
	take_syms(R, A, syms);
	while (R->state == 1) {
		if ((x = resolve(R, R->next_sym)) != NULL)
			arbiter_quote(A, x->s, &R->next, R->next.time,
			    ORIGIN_REPLAY);
		read_next(R);
	}
	replay_end(R);
}

/*
 * What followed each alert, in the order they fired: the close after
 * each horizon and its return, the largest rise and fall.
 */
static void
forward_lines(void)
{
	const struct review	*rv;
	char			 when[32], p[32];
	size_t			 i;
	int			 h;

	for (i = 0; (rv = review_at(i)) != NULL; i++) {
		fmt_time(rv->time, FMT_ISO, when, sizeof(when));
		fmt_price(rv->price, p, sizeof(p));
		printf("forward %s %s at %s: price %s", rv->symbol, rv->rule,
		    when, p);
		for (h = 0; h < rv->o.n; h++) {
			if (!isfinite(rv->o.ret[h])) {
				printf(", +%dd -", rv->o.days[h]);
				continue;
			}
			fmt_price(rv->o.close[h], p, sizeof(p));
			printf(", +%dd %s (%+.2f%%)", rv->o.days[h], p,
			    rv->o.ret[h]);
		}
		if (isfinite(rv->o.rise))
			printf(", rise %+.2f%%, fall %+.2f%%", rv->o.rise,
			    rv->o.fall);
		printf("\n");
	}
}

static int
by_symbol_rule(const void *a, const void *b)
{
	const struct review	*x = *(const struct review *const *)a;
	const struct review	*y = *(const struct review *const *)b;
	int			 c = strcmp(x->symbol, y->symbol);

	return c != 0 ? c : strcmp(x->rule, y->rule);
}

/* The alerts sorted by symbol and rule, for the table's rows. */
static const struct review **
sorted_reviews(size_t *n)
{
	const struct review	**v;
	size_t			 i;

	*n = review_count();
	v = xcalloc(*n + 1, sizeof(*v));
	for (i = 0; i < *n; i++)
		v[i] = review_at(i);
	qsort(v, *n, sizeof(*v), by_symbol_rule);
	return v;
}

/* The review of one row of the table: followed, and median returns. */
static void
row_summary(const struct review **v, size_t nv, const char *symbol,
    const char *rule, char *out, size_t len)
{
	struct review		 key;
	const struct review	*kp = &key, **at;
	const struct outcome	**o;
	struct summary		 s;
	int			*dir;
	size_t			 i, n = 0, off;
	int			 h;

	tk_strlcpy(key.symbol, symbol, sizeof(key.symbol));
	key.rule = (char *)rule;
	if ((at = bsearch(&kp, v, nv, sizeof(*v), by_symbol_rule)) != NULL)
		while (at > v && by_symbol_rule(at - 1, &kp) == 0)
			at--;
	for (i = at != NULL ? (size_t)(at - v) : nv; i < nv &&
	    by_symbol_rule(&v[i], &kp) == 0; i++)
		n++;			/* the row's alerts: room for them only */
	o = xcalloc(n + 1, sizeof(*o));
	dir = xcalloc(n + 1, sizeof(*dir));
	for (n = 0, i = at != NULL ? (size_t)(at - v) : nv; i < nv &&
	    by_symbol_rule(&v[i], &kp) == 0; i++) {
		o[n] = &v[i]->o;
		dir[n++] = v[i]->dir;
	}
	outcome_summary(o, dir, n, &s);
	off = (size_t)snprintf(out, len, "  %4zu/%-4zu", s.followed,
	    s.judged);
	for (h = 0; h < s.n && off < len; h++) {
		if (isfinite(s.median[h]))
			off += (size_t)snprintf(out + off, len - off,
			    " %+7.2f%%", s.median[h]);
		else
			off += (size_t)snprintf(out + off, len - off, " %8s",
			    "-");
	}
	free(o);
	free(dir);
}

/* A symbol's daily history, for the review. */
static struct daily *
daily_of(const char *symbol)
{
	struct symstate	*ss = symstate_find(symbol);

	return ss != NULL ? ss->ref.daily : NULL;
}

/* The backtest's closing table: alerts per symbol and rule. */
void
backtest_summary(const struct config *conf, const struct symlist *syms)
{
	const struct sym	*s;
	const struct rule	*r;
	const struct rulestate	*rs;
	const struct review	**v;
	char			 first[32], last[32], rev[128];
	unsigned		 total = 0;
	size_t			 nv;
	int			 h;

	TAILQ_FOREACH(s, syms, entry)	/* the file's last session */
		if (s->ss->ref.daily != NULL) {
			review_session(s->ss->ref.daily);
			daily_close(s->ss->ref.daily);
		}
	review_update_all(daily_of, 0);
	forward_lines();
	v = sorted_reviews(&nv);
	printf("%-8s %-28s %6s  %-20s  %-20s  %9s", "SYMBOL", "RULE", "ALERTS",
	    "FIRST", "LAST", "FOLLOWED");
	for (h = 0; h < conf->nreview_days; h++)
		printf(" %5s%-3d", "MED+", conf->review_days[h]);
	printf("\n");
	TAILQ_FOREACH(s, syms, entry) {
		rs = s->ss->rules;
		TAILQ_FOREACH(r, &s->w->rules, entry) {
			if (rs->st.count > 0) {
				fmt_time(rs->first_fired, FMT_ISO, first,
				    sizeof(first));
				fmt_time(rs->last_fired, FMT_ISO, last,
				    sizeof(last));
				row_summary(v, nv, s->w->symbol, r->text, rev,
				    sizeof(rev));
				printf("%-8s %-28s %6u  %-20s  %-20s%s\n",
				    s->w->symbol, r->text, rs->st.count, first,
				    last, rev);
				total += rs->st.count;
			}
			rs++;
		}
	}
	printf("%u alert%s\n", total, total == 1 ? "" : "s");
	fflush(stdout);
	free(v);
}
