/*
 * The outbox: each message waiting for delivery is one file, written
 * before the alert it carries is committed (see dir.c), removed once its
 * notifier has taken it, and moved to outbox/failed/ when given up on.
 * After a restart outbox_recover() reads them back and completes what a
 * crash interrupted.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define OUTBOX_VERSION	1

/* A message as its outbox file holds it; NULL when out of memory. */
static char *
msg_text(const struct outmsg *m)
{
	json_t	*j;
	char	*text;

	/* jtext(): a message is never lost to a byte of its text */
	j = json_pack("{s:i, s:o, s:o, s:s, s:I, s:o, s:o, s:i, s:o, s:i, "
	    "s:o, s:o, s:o, s:o, s:o}", "version", OUTBOX_VERSION,
	    "id", jtext(m->id), "notifier", jtext(m->notifier),
	    "type", notifier_type_name(m->type),
	    "created", (json_int_t)m->created, "symbol", jtext(m->symbol),
	    "rule", jtext(m->rule), "count", (int)m->count,
	    "batch", jtext(m->batch), "batch_size", m->batch_size,
	    "subject", jtext(m->subject), "snapshot", jtext(m->snapshot ?
	    m->snapshot : ""), "history", jtext(m->history),
	    "alert", jtext(m->alert), "payload", jtextn(m->payload.data,
	    m->payload.len));
	text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text == NULL)
		log_warnx("outbox: %s: the message could not be encoded",
		    m->id);
	return text;
}

/* Whether an id can name a file of the outbox (the journal's word). */
static int
good_id(const char *id)
{
	return id[0] != '\0' && id[0] != '.' && strlen(id) < 200 &&
	    id[strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-")] == '\0';
}

/* outbox/ID.json, written without a sync: the journal holds it. */
static int
write_file(const char *id, const char *text)
{
	char	*dir, *name;
	int	 rc;

	xasprintf(&dir, "%s/outbox", store_dir());
	xasprintf(&name, "%s.json", id);
	rc = store_write_later(dir, name, text, strlen(text));
	free(dir);
	free(name);
	return rc;
}

/* The messages of the commit under way: their files, once it is made. */
static struct staged {
	char	*id, *text;
}		*staged;
static size_t	 nstaged, cstaged;

/*
 * Stage a message for the commit under way: journaled with it, and its
 * file written once it is made (outbox_flush()).  In memory-only mode
 * there is nothing to write.  Returns 0, or -1 when it cannot be encoded.
 */
int
outbox_stage(const struct outmsg *m)
{
	char	*text;

	if (store_dir() == NULL)
		return 0;
	if ((text = msg_text(m)) == NULL)
		return -1;
	journal_add("o", text, strlen(text));
	if (nstaged == cstaged) {
		cstaged = cstaged ? cstaged * 2 : 16;
		staged = xreallocarray(staged, cstaged, sizeof(*staged));
	}
	staged[nstaged].id = xstrdup(m->id);
	staged[nstaged++].text = text;
	return 0;
}

/* The commit was made (1) or not (0): the staged files follow, or go. */
void
outbox_flush(int made)
{
	size_t	 i;

	for (i = 0; i < nstaged; i++) {
		if (made)
			(void)write_file(staged[i].id, staged[i].text);
		free(staged[i].id);
		free(staged[i].text);
	}
	nstaged = 0;
	if (!made) {
		free(staged);
		staged = NULL;
		cstaged = 0;
	}
}

/* A message alone, durable when this returns 0 (the review's mail). */
int
outbox_write(const struct outmsg *m)
{
	if (store_dir() == NULL)
		return 0;
	if (outbox_stage(m) == -1)
		return -1;
	if (journal_commit(1) == -1) {
		outbox_flush(0);
		return -1;
	}
	outbox_flush(1);
	return 0;
}

/* The messages of msgs, up to upto (NULL: all), are not to be written
 * after all: their staged files go (their records, journal_rewind()). */
void
outbox_unwrite(struct outlist *msgs, const struct outmsg *upto)
{
	struct outmsg	*m;
	size_t		 i, k;

	TAILQ_FOREACH(m, msgs, entry) {
		if (m == upto)
			break;
		for (i = k = 0; i < nstaged; i++)
			if (strcmp(staged[i].id, m->id) == 0) {
				free(staged[i].id);
				free(staged[i].text);
			} else
				staged[k++] = staged[i];
		nstaged = k;
	}
}

/* Messages made but not to be sent. */
void
outlist_free(struct outlist *msgs)
{
	struct outmsg	*m;

	while ((m = TAILQ_FIRST(msgs)) != NULL) {
		TAILQ_REMOVE(msgs, m, entry);
		outmsg_free(m);
	}
}

/* Remove outbox/ID.json. */
static void
unlink_msg(const char *id)
{
	char	*path;

	xasprintf(&path, "%s/outbox/%s.json", store_dir(), id);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("outbox: removing %s", path);
	free(path);
}

/*
 * A message was delivered: forget it, durably (a record of its own in
 * the journal, synced), so that a crash after this sends it no more.
 */
void
outbox_remove(const struct outmsg *m)
{
	if (store_dir() == NULL)
		return;
	journal_record("d", m->id, 1);
	unlink_msg(m->id);
}

/* A journal's record of the outbox: a message to keep, or one gone. */
void
outbox_apply(const char *kind, json_t *v)
{
	const char	*id;
	char		*path, *text;
	struct stat	 st;

	if (strcmp(kind, "d") == 0) {
		if (json_is_string(v) && good_id(json_string_value(v)))
			unlink_msg(json_string_value(v));
		return;
	}
	if (!json_is_object(v) || !good_id(id = jstr(v, "id")))
		return;
	xasprintf(&path, "%s/outbox/%s.json", store_dir(), id);
	if (lstat(path, &st) == -1 && errno == ENOENT &&
	    (text = json_dumps(v, JSON_COMPACT)) != NULL) {
		(void)write_file(id, text);
		free(text);
	}
	free(path);
}

/* A message given up on: keep it in outbox/failed/. */
void
outbox_fail(const struct outmsg *m)
{
	char	*from, *to;

	if (store_dir() == NULL)
		return;
	xasprintf(&from, "%s/outbox/%s.json", store_dir(), m->id);
	xasprintf(&to, "%s/outbox/failed/%s.json", store_dir(), m->id);
	if (rename(from, to) == -1)
		log_warn("outbox: moving %s to failed/", from);
	else {
		journal_record("d", m->id, 1);
		log_warnx("outbox: kept the undelivered message in %s", to);
	}
	free(from);
	free(to);
}

/* A new, empty message (the caller fills it in). */
struct outmsg *
outmsg_new(void)
{
	struct outmsg	*m = xcalloc(1, sizeof(*m));

	TAILQ_INIT(&m->members);
	return m;
}

/* A message of its own, of no alert's batch (a review, a notice). */
struct outmsg *
outmsg_alone(const char *id, const struct notifier *n, const char *rule,
    time_t now)
{
	struct outmsg	*m = outmsg_new();

	m->id = xstrdup(id);
	m->notifier = xstrdup(n->name);
	m->type = n->type;
	m->created = now;
	m->symbol = xstrdup("");
	m->rule = xstrdup(rule);
	m->batch = xstrdup(id);
	m->batch_size = 1;
	return m;
}

void
outmsg_free(struct outmsg *m)
{
	free(m->id);
	free(m->notifier);
	free(m->symbol);
	free(m->rule);
	free(m->batch);
	free(m->subject);
	free(m->snapshot);
	free(m->history);
	free(m->alert);
	buf_free(&m->payload);
	free(m);
}

static struct outmsg *
outbox_read(const char *path)
{
	json_t		*j, *payload;
	json_error_t	 err;
	struct outmsg	*m;
	const char	*type;
	int		 t;
	char		 why[300];

	if ((j = store_json(path, 0, OUTMSG_FILE_MAX, &err)) == NULL) {
		snprintf(why, sizeof(why), "%s", err.text);
		store_quarantine(path, why);
		return NULL;
	}
	payload = json_object_get(j, "payload");
	if (jint(j, "version") != OUTBOX_VERSION || !json_is_string(payload) ||
	    *jstr(j, "id") == '\0' || *jstr(j, "notifier") == '\0') {
		json_decref(j);
		store_quarantine(path, "not an outbox message of version 1");
		return NULL;
	}
	m = outmsg_new();
	m->id = xstrdup(jstr(j, "id"));
	m->notifier = xstrdup(jstr(j, "notifier"));
	type = jstr(j, "type");
	m->type = (t = notifier_type_from_name(type)) == -1 ? NOTIFIER_MAIL :
	    (enum notifier_type)t;
	m->created = (time_t)jint(j, "created");
	m->symbol = xstrdup(jstr(j, "symbol"));
	m->rule = xstrdup(jstr(j, "rule"));
	m->count = (unsigned)jint(j, "count");
	m->batch = xstrdup(jstr(j, "batch"));
	m->batch_size = (int)jint(j, "batch_size");
	m->subject = xstrdup(jstr(j, "subject"));
	m->snapshot = xstrdup(jstr(j, "snapshot"));
	m->history = xstrdup(jstr(j, "history"));
	if (*jstr(j, "alert") != '\0')
		m->alert = xstrdup(jstr(j, "alert"));
	buf_add(&m->payload, json_string_value(payload),
	    json_string_length(payload));
	json_decref(j);
	return m;
}

static int
by_created(const void *a, const void *b)
{
	const struct outmsg *x = *(struct outmsg *const *)a;
	const struct outmsg *y = *(struct outmsg *const *)b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Whether the batch of m was committed to state.json. */
static int
committed(struct config *conf, const struct outmsg *m)
{
	struct symstate		*ss = symstate_find(m->symbol);
	struct rulestate	*rs;

	if (ss == NULL)
		return -1;		/* no longer watched */
	if ((rs = symstate_rule(ss, m->rule)) == NULL)
		return -1;		/* the rule is gone */
	return rs->st.count >= m->count;
}

/* Every message in the outbox folder, oldest first; *n gets how many. */
static struct outmsg **
outbox_load(const char *dir, size_t *np)
{
	DIR		*d;
	struct dirent	*de;
	struct outmsg	**v = NULL, *m;
	char		*path;
	size_t		 l, n = 0;

	*np = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.') {
			if (l > 4 && strcmp(de->d_name + l - 4, ".tmp") == 0) {
				xasprintf(&path, "%s/%s", dir, de->d_name);
				unlink(path);	/* an interrupted write */
				free(path);
			}
			continue;
		}
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if ((m = outbox_read(path)) != NULL) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = m;
		}
		free(path);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), by_created);
	*np = n;
	return v;
}

/* Whether v[j] is of the same batch as v[i]. */
static int
same_batch(struct outmsg **v, size_t i, size_t j)
{
	return v[j] != NULL && strcmp(v[j]->batch, v[i]->batch) == 0;
}

/* Drop the batch of v[i] (never committed, not whole); how many. */
static size_t
drop_batch(struct outmsg **v, size_t n, size_t i)
{
	size_t	 j, dropped = 0;

	for (j = n; j-- > i;) {
		if (!same_batch(v, i, j))
			continue;
		outbox_remove(v[j]);
		outmsg_free(v[j]);
		v[j] = NULL;
		dropped++;
	}
	return dropped;
}

/*
 * Commit the batch of v[i] (whole, but not committed): the symbol's
 * state from its snapshot, and its history lines unless they got that
 * far.  Returns 1 when the state was rolled forward.
 */
static int
commit_batch(struct config *conf, struct outmsg **v, size_t n, size_t i)
{
	struct symstate	*ss = symstate_find(v[i]->symbol);
	size_t		 j, k;
	int		 rolled;

	rolled = ss != NULL && state_restore(ss, v[i]->snapshot) == 0;
	if (history_has(v[i]->batch))
		return rolled;
	for (j = i; j < n; j++) {
		if (!same_batch(v, i, j) || *v[j]->history == '\0')
			continue;
		for (k = i; k < j; k++)
			if (v[k] != NULL && strcmp(v[k]->history,
			    v[j]->history) == 0)
				break;
		if (k == j)
			history_add(v[j]->history);
	}
	return rolled;
}

/*
 * Read the outbox after a restart (see dir.c).  Every message to deliver
 * is handed to queue(); returns how many.
 */
size_t
outbox_recover(struct config *conf, store_queue_fn queue)
{
	struct outmsg	**v;
	char		*dir;
	size_t		 n, i, j, size, kept = 0, rolled = 0, dropped = 0;

	xasprintf(&dir, "%s/outbox", store_dir());
	v = outbox_load(dir, &n);
	free(dir);
	for (i = 0; i < n; i++) {
		if (v[i] == NULL || committed(conf, v[i]) != 0)
			continue;
		for (size = 0, j = i; j < n; j++)
			size += same_batch(v, i, j);
		if (size < (size_t)v[i]->batch_size)
			dropped += drop_batch(v, n, i);
		else
			rolled += commit_batch(conf, v, n, i);
	}
	if (rolled > 0) {		/* committed now */
		state_journal(conf);
		(void)journal_commit(1);
	}
	for (i = 0; i < n; i++)
		if (v[i] != NULL) {
			queue(v[i]);
			kept++;
		}
	free(v);
	if (kept + dropped > 0)
		log_info("outbox: %zu message%s waiting to be delivered%s",
		    kept, kept == 1 ? "" : "s", dropped ? "; dropped an "
		    "interrupted batch whose quote will be evaluated again" :
		    "");
	return kept;
}
