/*
 * The state directory's life: made and locked at start, so that a second
 * daemon cannot use it, its files read back (state.c, review.c,
 * history.c), the journal replayed over them (journal.c), the outbox
 * recovered; then committed to, compacted, and closed.  The files
 * themselves go through file.c.
 *
 * Write-ahead: an alert's messages, its history lines and the rule
 * states that record it are one commit, appended to the journal and
 * synced, before the alert is logged or sent; the outbox files and
 * history.jsonl follow.  A commit counts whole or not at all: after a
 * crash an alert whose commit was made is delivered (its outbox file
 * made again from the journal if need be), and one whose commit was not
 * is not there at all: its quote is evaluated again and fires again.
 *
 * Compaction: when the journal passes both JOURNAL_COMPACT and the size
 * of the last snapshot (so that the bytes a commit costs stay within
 * twice what it changed), when it has held records for SNAPSHOT_AGE,
 * when the daemon has been quiet, and at the stop, the files are written whole
 * (the snapshot), synced together with one syncfs(2), and the journal
 * emptied.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define JOURNAL_COMPACT	(16 << 20)	/* bytes of journal: compact, or
					   past the snapshot's size */
#define SNAPSHOT_AGE	600.0		/* seconds of journal: compact */

static off_t	 snapshot_size;		/* state.json and review.json */
/* how long commits take, for the metrics: a histogram */
static const double	 commit_bounds[STORE_COMMIT_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
};
static unsigned long	 commit_counts[STORE_COMMIT_BUCKETS + 1];
static double		 commit_sum;
static int	 frozen;		/* nothing more may be written */

/* A record of the journal, to the file it is of. */
static void
apply(const char *kind, json_t *v, int last)
{
	(void)last;
	if (strcmp(kind, "s") == 0)
		state_apply(v);
	else if (strcmp(kind, "r") == 0 || strcmp(kind, "m") == 0)
		review_apply(v);
	else if (strcmp(kind, "h") == 0 && json_is_string(v))
		history_apply(json_string_value(v));
	else if (strcmp(kind, "o") == 0 || strcmp(kind, "d") == 0)
		outbox_apply(kind, v);
	else if (strcmp(kind, "p") == 0)
		problem_apply(v);
	else if (strcmp(kind, "f") == 0)
		filing_apply(v);
}

/*
 * Open the state directory: create it, lock it, restore the snapshot
 * and the journal after it, and recover the outbox, handing each message
 * to deliver to queue().  dir NULL keeps everything in memory.  Returns
 * 0, or -1 with err set.
 */
int
store_open(struct config *conf, const char *dir, store_queue_fn queue,
    char *err, size_t errlen)
{
	review_horizons(conf->review_days, conf->nreview_days);
	if (dir == NULL) {
		store_release();
		return 0;
	}
	if (store_take(dir, err, errlen) == -1)
		return -1;
	state_load(conf);
	review_load();
	problem_load();
	filing_load();
	history_open();
	symstate_daily_load();
	if (journal_open(apply) > 0)
		log_info("state: replayed the journal's commits");
	outbox_recover(conf, queue);
	store_snapshot(conf);
	return 0;
}

/*
 * Commit what changed: the rule states, the review's new alerts, and the
 * messages and history lines staged, in one append to the journal, made
 * durable with one fdatasync(2); then their files.  Returns 0, or -1
 * (said) with nothing of it kept: the caller keeps its alerts.
 */
int
store_commit(struct config *conf)
{
	double	 t0 = clock_mono(), d;
	size_t	 i;

	if (frozen)
		return -1;
	state_journal(conf);
	if (journal_commit(1) == -1) {
		state_unjournal(conf);
		outbox_flush(0);
		history_flush(0);
		return -1;
	}
	outbox_flush(1);
	history_flush(1);
	d = clock_mono() - t0;
	for (i = 0; i < STORE_COMMIT_BUCKETS && d > commit_bounds[i]; i++)
		;
	commit_counts[i]++;
	commit_sum += d;
	if (journal_lost())	/* the folder was made again: all of it */
		(void)store_snapshot(conf);
	return 0;
}

/* The commits' durations: the bounds of the buckets, the commits in
 * each (and past the last, counts[STORE_COMMIT_BUCKETS]), their sum. */
void
store_commit_times(const double **bounds, const unsigned long **counts,
    double *sum)
{
	*bounds = commit_bounds;
	*counts = commit_counts;
	*sum = commit_sum;
}

/*
 * Alerts that could not be written were dropped (a stop while the state
 * directory was full): the rule states in memory count them as fired,
 * and must not reach the disk, so that the next start judges their
 * quotes again.  Nothing is written from now on.
 */
void
store_freeze(void)
{
	frozen = 1;
}

/* A reload goes on with the states as they are (store_freeze()). */
void
store_thaw(void)
{
	frozen = 0;
}

/* Whether the journal should be compacted now; quiet: the daemon has
 * had nothing to commit for a while. */
int
store_snapshot_due(int quiet)
{
	double	 age;
	off_t	 size = journal_size(&age);

	if (size == 0 || store_dir() == NULL)
		return 0;
	return (size >= JOURNAL_COMPACT && size >= snapshot_size) ||
	    age >= SNAPSHOT_AGE || quiet;
}

/*
 * The snapshot: whatever is uncommitted is committed first, then every
 * file is written whole and made durable with one syncfs(2), and the
 * journal starts empty.  Returns 0, or -1 (said); the journal then
 * keeps everything, and the next snapshot tries again.
 */
int
store_snapshot(struct config *conf)
{
	char	*path;
	off_t	 size;
	double	 t0;

	if (store_dir() == NULL || frozen)
		return 0;
	t0 = clock_mono();
	if (store_commit(conf) == -1 || state_write(conf) == -1 ||
	    problem_save() == -1 || filing_save() == -1)
		return -1;
	store_owe();
	if (store_sync() == -1)
		return -1;
	size = journal_size(NULL);
	if (journal_reset() == -1)
		return -1;
	xasprintf(&path, "%s/state.json", store_dir());
	snapshot_size = store_size(path);
	free(path);
	xasprintf(&path, "%s/review.json", store_dir());
	snapshot_size += store_size(path);
	free(path);
	log_debug("state: compacted %lld bytes of journal in %.1f ms",
	    (long long)size, (clock_mono() - t0) * 1000);
	return 0;
}

void
store_close(struct config *conf)
{
	if (conf != NULL)
		store_snapshot(conf);
	journal_close();
	history_close();
	review_save();
	review_free();
	problem_clear();
	filing_clear();
	symstate_clear();
	store_release();
	frozen = 0;
}
