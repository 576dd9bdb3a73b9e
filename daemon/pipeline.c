/*
 * The pipeline, built and wired: the only file that knows every stage.
 *
 *   sources (poll.c + fetch.c, stream.c + tick.c, backtest.c)
 *     -> the arbiter (arbiter.c)
 *     -> the judge and its commit (evaluate.c, waiting.c)
 *     -> notify/
 *
 * A run replays recorded quotes (--replay FILE, or the replay provider),
 * at their speed or (with --once) as a backtest, or it asks the provider
 * chain, polling and, where a provider has `stream yes', streaming.  The
 * stages are given what they call back up as callbacks here: the
 * provider's send (fetch.c) to the bucket, the poller's poll_now() to
 * the streams.
 */
#include "config.h"

#include <stdlib.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

struct pipeline {
	struct config		*conf;
	struct judge		*J;
	struct arbiter		 A;
	struct poller		*P;	/* the symbols; the chain, polled */
	struct replaying	*R;	/* or the replay */
};

/*
 * Start the sources of a run, and what they feed.  Returns the pipeline,
 * or NULL (after logging why) when the replay cannot be read.
 */
struct pipeline *
pipeline_start(struct event_base *base, struct config *conf,
    const struct poll_opts *o)
{
	struct pipeline	*L = xcalloc(1, sizeof(*L));
	int		 failed;

	L->conf = conf;
	L->R = replaying_open(conf, o->replay, &failed);
	if (failed) {
		free(L);
		return NULL;
	}
	L->J = judge_new(base, conf, L->R != NULL && o->once);
	L->A.conf = conf;
	L->A.J = L->J;
	L->A.replayed = L->R != NULL;
	L->A.speed = L->R != NULL ? replaying_speed(L->R) : 1;
	L->P = poll_new(base, conf, o, &L->A, L->R != NULL);
	if (L->R != NULL && o->once) {
		backtest_run(L->R, &L->A, &L->P->syms);
		return L;
	}
	if (L->R != NULL)
		replaying_start(L->R, &L->A, base, &L->P->syms);
	else {
		fetch_attach(L->P);
		poll_begin(L->P);
	}
	dailyfetch_start(L->P);
	if (L->R == NULL)
		stream_start(L->P, poll_now);
	if (!o->once)		/* news on the real clock, a replay's too */
		filings_start(base, conf, L->J);
	return L;
}

/* Stop every stage: the sources first, then what they fed. */
void
pipeline_stop(struct pipeline *L)
{
	if (L == NULL)
		return;
	stream_stop(L->P);
	filings_stop();
	judge_free(L->J);
	dailyfetch_stop(L->P);
	fetch_cancel_all(L->P);
	replaying_free(L->R);
	poll_free(L->P);
	free(L);
}

/* The alerts fired since it started. */
unsigned
pipeline_alerts(const struct pipeline *L)
{
	return L->J->alerts;
}

/* Whether every symbol got at least one good quote. */
int
pipeline_all_quoted(const struct pipeline *L)
{
	return poll_all_quoted(L->P);
}

size_t
pipeline_unquoted(const struct pipeline *L, char *out, size_t len)
{
	return poll_unquoted(L->P, out, len);
}

/* A backtest's closing table. */
void
pipeline_summary(const struct pipeline *L)
{
	backtest_summary(L->conf, &L->P->syms);
}

/* Whether the replay stopped at a fault in its file (said). */
int
pipeline_replay_failed(const struct pipeline *L)
{
	return L->R != NULL && replaying_failed(L->R);
}
