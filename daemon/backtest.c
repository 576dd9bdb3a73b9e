/*
 * Replays and backtests.  The replay provider serves recorded quotes: a
 * simulated clock starts at the file's first quote and runs `speed'
 * times as fast as the real one, and each symbol's timer serves the
 * newest quote the clock has reached.  With --once the whole file is
 * judged as fast as it can be read (a backtest): in memory, sending
 * nothing, ending with a table of what fired.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

/* The next quote of the replay into P->rnext; P->rstate says what came. */
static void
read_next(struct poller *P)
{
	char	 err[512];

	P->rstate = replay_next(P->replay, &P->rnext, &P->rnext_sym, err,
	    sizeof(err));
	if (P->rstate == -1)
		log_warnx("replay: %s", err);
}

/*
 * Open the replay the run asks for: --replay FILE, or the replay
 * provider's file; none when the provider is another.  Returns -1 after
 * logging why the file cannot be read.
 */
int
replay_begin(struct poller *P, const char *file)
{
	struct providerconf	*pc = config_provider(P->conf);
	char			 err[512];

	if (strcmp(pc->name, "replay") == 0) {
		P->replay_speed = pc->speed;
		if (file == NULL)
			file = pc->replay_file;
	}
	if (file == NULL)
		return 0;
	if ((P->replay = replay_open(file, err, sizeof(err))) == NULL) {
		log_warnx("replay: %s", err);
		return -1;
	}
	P->replay_file = file;
	read_next(P);
	if (P->rstate == 0)
		log_warnx("replay: %s: no quotes", file);
	if (P->rstate != 1) {
		replay_free(P->replay);
		P->replay = NULL;
		return -1;
	}
	P->replay_first = P->rnext.time;
	P->replay_start = clock_mono();
	log_info("replaying recorded quotes from %s%s", file,
	    P->opts.once ? " (backtest)" : "");
	return 0;
}

/* The watched symbol a replayed one is, found once per symbol; or NULL. */
static struct sym *
resolve(struct poller *P, struct replay_sym *rs)
{
	struct sym	*s;

	if (!rs->resolved) {
		if (P->bysym == NULL) {
			P->bysym = strmap_new();
			TAILQ_FOREACH(s, &P->syms, entry)
				strmap_put(P->bysym, s->w->symbol, s);
		}
		rs->user = strmap_get(P->bysym, rs->symbol);
		rs->resolved = 1;
	}
	return rs->user;
}

/* At the end of the file: the watched symbols it never quoted. */
static void
replay_end(struct poller *P)
{
	struct sym	*s;

	TAILQ_FOREACH(s, &P->syms, entry)
		if (replay_symbol(P->replay, s->w->symbol) == NULL)
			log_warnx("%s: unknown symbol: no recorded quotes in "
			    "%s", s->w->symbol, P->replay_file);
}

/*
 * Read on up to the simulated time sim: each watched symbol keeps its
 * newest quote for its next poll.  At speed, one symbol's quotes could
 * not wait for another's, so the whole file must be in time order.
 */
static void
pump(struct poller *P, time_t sim)
{
	struct sym	*s;
	time_t		 t;
	char		 where[512];

	while (P->rstate == 1 && P->rnext.time <= sim) {
		t = P->rnext.time;
		if ((s = resolve(P, P->rnext_sym)) != NULL) {
			if (s->pending == NULL)
				s->pending = xmalloc(sizeof(*s->pending));
			*s->pending = P->rnext;
			s->has_pending = 1;
		}
		read_next(P);
		if (P->rstate == 1 && P->rnext.time < t) {
			replay_where(P->replay, where, sizeof(where));
			log_warnx("replay: %s: earlier than the line before: a "
			    "replay at a speed needs the file in time order",
			    where);
			P->rstate = -1;
		}
		if (P->rstate != 1)
			replay_end(P);
	}
}

/* Replay: serve the newest quote the simulated clock has reached. */
void
replay_tick(struct sym *s)
{
	struct poller	*P = s->P;
	time_t		 sim;

	sim = P->replay_first + (time_t)((clock_mono() - P->replay_start) *
	    P->replay_speed);
	pump(P, sim);
	if (s->has_pending) {
		s->has_pending = 0;
		eval_quote(P, s, s->pending, sim);
	}
	if (P->rstate != 1) {
		s->done = 1;
		work_end();
		return;
	}
	poll_schedule(s, (double)P->conf->poll);
}

/* --replay FILE --once: every recorded quote, in order, now. */
void
backtest_run(struct poller *P)
{
	struct sym	*s;

	P->backtest = 1;
	while (P->rstate == 1) {
		if ((s = resolve(P, P->rnext_sym)) != NULL)
			eval_quote(P, s, &P->rnext, P->rnext.time);
		read_next(P);
	}
	replay_end(P);
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

	o = xcalloc(nv + 1, sizeof(*o));
	dir = xcalloc(nv + 1, sizeof(*dir));
	tk_strlcpy(key.symbol, symbol, sizeof(key.symbol));
	key.rule = (char *)rule;
	if ((at = bsearch(&kp, v, nv, sizeof(*v), by_symbol_rule)) != NULL) {
		while (at > v && by_symbol_rule(at - 1, &kp) == 0)
			at--;
		for (i = (size_t)(at - v); i < nv &&
		    by_symbol_rule(&v[i], &kp) == 0; i++) {
			o[n] = &v[i]->o;
			dir[n++] = v[i]->dir;
		}
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
backtest_summary(const struct poller *P)
{
	const struct sym	*s;
	const struct rule	*r;
	const struct rulestate	*rs;
	const struct review	**v;
	char			 first[32], last[32], rev[128];
	unsigned		 total = 0;
	size_t			 nv;
	int			 h;

	TAILQ_FOREACH(s, &P->syms, entry)	/* the file's last session */
		if (s->ss->ref.daily != NULL) {
			review_session(s->ss->ref.daily);
			daily_close(s->ss->ref.daily);
		}
	review_update_all(daily_of, 0);
	forward_lines();
	v = sorted_reviews(&nv);
	printf("%-8s %-28s %6s  %-20s  %-20s  %9s", "SYMBOL", "RULE", "ALERTS",
	    "FIRST", "LAST", "FOLLOWED");
	for (h = 0; h < P->conf->nreview_days; h++)
		printf(" %5s%-3d", "MED+", P->conf->review_days[h]);
	printf("\n");
	TAILQ_FOREACH(s, &P->syms, entry) {
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
