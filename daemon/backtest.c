/*
 * Replays and backtests.  The replay provider serves recorded quotes: a
 * simulated clock starts at the file's first quote and runs `speed'
 * times as fast as the real one, and each symbol's timer serves the
 * newest quote the clock has reached.  With --once the whole file is
 * judged as fast as it can be read (a backtest): in memory, sending
 * nothing, ending with a table of what fired.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

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
	P->replay_start = clock_mono();
	log_info("replaying %zu recorded quotes from %s%s",
	    replay_count(P->replay), file, P->opts.once ? " (backtest)" : "");
	return 0;
}

/* Replay: serve the quote the simulated clock has reached. */
void
replay_tick(struct sym *s)
{
	struct poller		*P = s->P;
	const struct quote	*q;
	struct quote		 copy;
	time_t			 sim;

	sim = replay_first_time(P->replay) + (time_t)((clock_mono() -
	    P->replay_start) * P->replay_speed);
	q = replay_latest(P->replay, s->w->symbol, sim);
	if (q != NULL && q != s->replayed) {
		s->replayed = q;
		copy = *q;
		eval_quote(P, s, &copy, sim);
	}
	if (sim >= replay_last_time(P->replay)) {
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
	const struct quote	*q;
	struct quote		 copy;
	struct sym		*s;
	size_t			 i;

	P->backtest = 1;
	for (i = 0; i < replay_count(P->replay); i++) {
		q = replay_get(P->replay, i);
		TAILQ_FOREACH(s, &P->syms, entry)
			if (strcmp(s->w->symbol, q->symbol) == 0)
				break;
		if (s == NULL)
			continue;
		copy = *q;
		eval_quote(P, s, &copy, q->time);
	}
}

/* The backtest's closing table: alerts per symbol and rule. */
void
backtest_summary(const struct poller *P)
{
	const struct sym	*s;
	const struct rule	*r;
	const struct rulestate	*rs;
	char			 first[32], last[32];
	unsigned		 total = 0;

	printf("%-8s %-28s %6s  %-20s  %-20s\n", "SYMBOL", "RULE", "ALERTS",
	    "FIRST", "LAST");
	TAILQ_FOREACH(s, &P->syms, entry) {
		rs = s->ss->rules;
		TAILQ_FOREACH(r, &s->w->rules, entry) {
			if (rs->st.count > 0) {
				fmt_time(rs->first_fired, FMT_ISO, first,
				    sizeof(first));
				fmt_time(rs->last_fired, FMT_ISO, last,
				    sizeof(last));
				printf("%-8s %-28s %6u  %-20s  %-20s\n",
				    s->w->symbol, r->text, rs->st.count, first,
				    last);
				total += rs->st.count;
			}
			rs++;
		}
	}
	printf("%u alert%s\n", total, total == 1 ? "" : "s");
	fflush(stdout);
}
