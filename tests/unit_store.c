/*
 * The store: rule states kept across reloads by identity, state.json
 * written and read back, and the outbox recovered after a crash: a
 * committed batch is delivered, a whole uncommitted one is committed
 * first, an incomplete one is dropped; the journal replayed after a
 * crash, its torn tail dropped.  Under a stopped clock.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "unit.h"

#define NOW	1772480400	/* 2026-03-02 19:40 UTC */

static struct config *
conf_of(const char *name, const char *text)
{
	struct config	*conf;
	char		*path = unit_write(name, text);

	unit_reset_errors();
	conf = config_load(path, unit_errfn);
	ck_assert_msg(conf != NULL, "%s", unit_errors);
	free(path);
	return conf;
}

/* A fresh state directory. */
static char *
state_dir(const char *name)
{
	char	*dir;

	xasprintf(&dir, "%s/%s", unit_tmpdir(), name);
	mkdir(dir, 0700);
	return dir;
}

static struct outmsg	*queued[8];
static size_t		 nqueued;

static void
queue(struct outmsg *m)
{
	ck_assert_uint_lt(nqueued, 8);
	queued[nqueued++] = m;
}

START_TEST(test_sync_by_identity)
{
	struct config	*a, *b;
	struct symstate	*ss;

	a = conf_of("sync-a.conf", "state-dir memory\n"
	    "watch CALX { above 1  below 2  move 5% }\n"
	    "watch QCOM { above 3 }\n");
	ck_assert_uint_eq(symstate_sync(a), 0);
	ss = symstate_find("CALX");
	ck_assert_ptr_nonnull(ss);
	ck_assert_uint_eq(ss->nrules, 3);
	ck_assert(isnan(ss->ref.high));
	ss->rules[0].st.count = 4;	/* above 1 */
	ss->rules[2].st.count = 7;	/* move 5% */
	ss->rules[2].st.fired = 1;
	ss->last_time = NOW;

	b = conf_of("sync-b.conf", "state-dir memory\n"
	    "watch CALX { move 5%  above 1  below 3 }\n"
	    "watch AMBA { above 5 }\n");
	ck_assert_uint_eq(symstate_sync(b), 2);
	ck_assert_ptr_eq(symstate_find("CALX"), ss);
	ck_assert_uint_eq(ss->nrules, 3);
	ck_assert_str_eq(ss->rules[0].id, "move 5%");
	ck_assert_uint_eq(ss->rules[0].st.count, 7);
	ck_assert_int_eq(ss->rules[0].st.fired, 1);
	ck_assert_str_eq(ss->rules[1].id, "above 1");
	ck_assert_uint_eq(ss->rules[1].st.count, 4);
	ck_assert_str_eq(ss->rules[2].id, "below 3");	/* edited: afresh */
	ck_assert_uint_eq(ss->rules[2].st.count, 0);
	ck_assert_int_eq(ss->last_time, NOW);
	ck_assert_ptr_null(symstate_find("QCOM"));
	ck_assert_ptr_nonnull(symstate_find("AMBA"));
	symstate_clear();
	config_free(a);
	config_free(b);
}
END_TEST

/* Many symbols: every one is found again after the table grows. */
START_TEST(test_sync_many)
{
	struct buf	 b = { 0 };
	struct config	*conf;
	char		 sym[16];
	int		 i;

	buf_puts(&b, "state-dir memory\n");
	for (i = 0; i < 2000; i++)
		buf_printf(&b, "watch S%d { above %d }\n", i, i + 1);
	conf = conf_of("many.conf", b.data);
	ck_assert_uint_eq(symstate_sync(conf), 0);
	for (i = 0; i < 2000; i++) {
		snprintf(sym, sizeof(sym), "S%d", i);
		ck_assert_ptr_nonnull(symstate_find(sym));
		ck_assert_str_eq(symstate_find(sym)->symbol, sym);
	}
	ck_assert_ptr_null(symstate_find("S2000"));
	ck_assert_uint_eq(symstate_sync(conf), 2000);
	symstate_clear();
	config_free(conf);
	buf_free(&b);
}
END_TEST

START_TEST(test_state_round_trip)
{
	struct config	*conf;
	struct symstate	*ss;
	char		 err[512], *dir = state_dir("round");

	clock_fake(NOW);
	conf = conf_of("round.conf", "watch CALX { above 1  move 5% }\n");
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	ss = symstate_find("CALX");
	ss->ref.high = 44.53;
	ss->ref.day = 20514;
	ss->last_time = NOW - 60;
	ss->rules[1].st.count = 2;
	ss->rules[1].st.session_ref = 40.95;
	ck_assert_int_eq(store_commit(conf), 0);
	store_close(conf);

	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	ss = symstate_find("CALX");
	ck_assert_double_eq(ss->ref.high, 44.53);
	ck_assert(isnan(ss->ref.low));
	ck_assert_int_eq(ss->ref.day, 20514);
	ck_assert_int_eq(ss->last_time, NOW - 60);
	ck_assert_uint_eq(ss->rules[1].st.count, 2);
	ck_assert_double_eq(ss->rules[1].st.session_ref, 40.95);
	ck_assert_uint_eq(ss->rules[0].st.count, 0);
	ck_assert_uint_eq(nqueued, 0);
	store_close(conf);
	clock_fake(0);
	config_free(conf);
	free(dir);
}
END_TEST

/* A message of batch `batch' (of `size' messages) for CALX's above 1. */
static struct outmsg *
message(const char *id, const char *batch, int size, unsigned count,
    time_t created, const char *snapshot)
{
	struct outmsg	*m = outmsg_new();
	char		*hist;

	m->id = xstrdup(id);
	m->notifier = xstrdup("log");
	m->type = NOTIFIER_SYSLOG;
	m->created = created;
	m->symbol = xstrdup("CALX");
	m->rule = xstrdup("above 1");
	m->count = count;
	m->batch = xstrdup(batch);
	m->batch_size = size;
	m->subject = xstrdup(id);
	m->snapshot = xstrdup(snapshot);
	xasprintf(&hist, "{\"batch\":\"%s\",\"message\":\"%s\"}", batch, id);
	m->history = hist;
	buf_puts(&m->payload, id);
	return m;
}

static void
unlink_outbox_file(const char *dir, const char *name)
{
	char	*path;

	xasprintf(&path, "%s/outbox/%s.json", dir, name);
	unlink(path);
	free(path);
}

static int
exists(const char *dir, const char *name)
{
	char	*path;
	int	 rc;

	xasprintf(&path, "%s/outbox/%s.json", dir, name);
	rc = access(path, F_OK) == 0;
	free(path);
	return rc;
}

START_TEST(test_outbox_recovery)
{
	static const char *const after =
	    "{\"last\":1772480000,\"ref\":{\"day\":20514},"
	    "\"rules\":{\"above 1\":{\"fired\":true,\"count\":2}}}";
	struct config	*conf;
	struct outmsg	*m[4];
	json_t		*hist;
	char		 err[512], *dir = state_dir("recover");
	size_t		 i;

	clock_fake(NOW);
	conf = conf_of("recover.conf", "watch CALX { above 1 }\n"
	    "notifier syslog \"log\" { }\n");
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	symstate_find("CALX")->rules[0].st.count = 1;
	ck_assert_int_eq(store_commit(conf), 0);
	/* committed (count 1 is in state.json): delivered as it is */
	m[0] = message("A-0", "A", 1, 1, NOW - 30, "{}");
	/* whole, not committed: committed from its snapshot, delivered */
	m[1] = message("B-0", "B", 1, 2, NOW - 20, after);
	/* one of two, not committed: dropped, the quote fires again */
	m[2] = message("C-0", "C", 2, 3, NOW - 10, "{}");
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(outbox_write(m[i]), 0);
	store_close(conf);

	nqueued = 0;
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	ck_assert_uint_eq(nqueued, 2);
	ck_assert_str_eq(queued[0]->id, "A-0");		/* oldest first */
	ck_assert_str_eq(queued[1]->id, "B-0");
	ck_assert_uint_eq(symstate_find("CALX")->rules[0].st.count, 2);
	ck_assert_int_eq(symstate_find("CALX")->rules[0].st.fired, 1);
	ck_assert(exists(dir, "A-0") && exists(dir, "B-0"));
	ck_assert(!exists(dir, "C-0"));
	hist = history_tail(10);	/* B's line, once */
	ck_assert_uint_eq(json_array_size(hist), 1);
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "message"), "B-0");
	json_decref(hist);
	for (i = 0; i < 2; i++) {
		outbox_remove(queued[i]);
		outmsg_free(queued[i]);
	}
	for (i = 0; i < 3; i++)
		outmsg_free(m[i]);
	store_close(conf);
	clock_fake(0);
	config_free(conf);
	free(dir);
}
END_TEST

/*
 * The journal: a process that commits and dies without a snapshot (as
 * kill -9 would) leaves its commits in the journal alone; the next start
 * replays them: the rule state, the message (its outbox file made again)
 * and the history line, each once.  A torn tail (a record cut short, a
 * commit without its mark) is dropped, and the file cut back to it.
 */
START_TEST(test_journal_replay)
{
	struct config	*conf;
	struct outmsg	*m;
	struct stat	 st;
	json_t		*hist;
	char		 err[512], *dir = state_dir("journal"), *path, *line;
	pid_t		 pid;
	int		 status;
	FILE		*f;

	clock_fake(NOW);
	conf = conf_of("journal.conf", "watch CALX { above 1 }\n"
	    "notifier syslog \"log\" { }\n");
	symstate_sync(conf);
	if ((pid = fork()) == 0) {
		if (store_open(conf, dir, queue, err, sizeof(err)) == -1)
			_exit(1);
		symstate_find("CALX")->rules[0].st.count = 3;
		symstate_find("CALX")->rules[0].st.fired = 1;
		m = message("J-0", "J", 1, 3, NOW, "");
		line = xstrdup("{\"batch\":\"J\",\"message\":\"J-0\"}");
		if (outbox_stage(m) == -1 || history_stage(&line, 1) == -1 ||
		    store_commit(conf) == -1)
			_exit(1);
		unlink_outbox_file(dir, "J-0");	/* as if the file were lost */
		_exit(0);			/* no snapshot: a crash */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	xasprintf(&path, "%s/journal", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 0);
	/* a torn tail: a whole record without its commit, and half a one */
	ck_assert_ptr_nonnull(f = fopen(path, "a"));
	fputs("ecf1c52e {\"d\":\"J-0\"}\n0badc0de {\"s\":{\"CA", f);
	fclose(f);

	nqueued = 0;
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	ck_assert_uint_eq(symstate_find("CALX")->rules[0].st.count, 3);
	ck_assert_int_eq(symstate_find("CALX")->rules[0].st.fired, 1);
	ck_assert_uint_eq(nqueued, 1);
	ck_assert_str_eq(queued[0]->id, "J-0");
	ck_assert(exists(dir, "J-0"));
	hist = history_tail(10);
	ck_assert_uint_eq(json_array_size(hist), 1);
	ck_assert_str_eq(jstr(json_array_get(hist, 0), "message"), "J-0");
	json_decref(hist);
	/* replayed into the snapshot, the journal starts empty */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	/* delivered: a record of its own; after a crash it stays gone */
	outbox_remove(queued[0]);
	outmsg_free(queued[0]);
	ck_assert(!exists(dir, "J-0"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_gt(st.st_size, 0);
	store_close(conf);
	nqueued = 0;
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	ck_assert_uint_eq(nqueued, 0);
	hist = history_tail(10);	/* and its line is not doubled */
	ck_assert_uint_eq(json_array_size(hist), 1);
	json_decref(hist);
	store_close(conf);
	clock_fake(0);
	config_free(conf);
	free(path);
	free(dir);
}
END_TEST

/* A second daemon cannot open a state directory in use. */
START_TEST(test_lock)
{
	struct config	*conf;
	char		 err[512], *dir = state_dir("lock");
	pid_t		 pid;
	int		 status;

	conf = conf_of("lock.conf", "watch CALX { above 1 }\n");
	symstate_sync(conf);
	ck_assert_int_eq(store_open(conf, dir, queue, err, sizeof(err)), 0);
	if ((pid = fork()) == 0)
		_exit(store_open(conf, dir, queue, err, sizeof(err)) == -1 &&
		    strstr(err, "in use by another tickerd") != NULL ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	store_close(conf);
	config_free(conf);
	free(dir);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("store");

	tcase_add_test(tc, test_sync_by_identity);
	tcase_add_test(tc, test_sync_many);
	tcase_add_test(tc, test_state_round_trip);
	tcase_add_test(tc, test_outbox_recovery);
	tcase_add_test(tc, test_journal_replay);
	tcase_add_test(tc, test_lock);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
