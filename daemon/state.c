/*
 * The state directory, written by this module only:
 *
 *   state.json	rule states, 52-week references and the newest quote
 *		time per symbol, keyed by symbol and rule identity
 *   history.jsonl	the alerts that fired, newest last (bounded)
 *   outbox/ID.json	messages not yet delivered, one file each
 *   outbox/failed/	messages given up on after retry-for
 *   lock		held while a daemon uses the folder
 *
 * Every file is written atomically: a temporary file, fsync, rename,
 * fsync of the folder.  A file that cannot be read back (corrupt, or of a
 * newer version) is moved aside with a loud log line and tickerd starts
 * afresh; it never crashes on one.
 *
 * Write-ahead: an alert's messages are written to the outbox before the
 * rule states that record it are committed to state.json, and both before
 * the alert is logged or sent.  Each message carries its batch (the alerts
 * of one evaluation), the batch's size and the symbol's state after it, so
 * that recovery can tell a committed batch (deliver it), a complete one
 * that was not committed (commit it, then deliver), and an incomplete one
 * (drop it: the quote is evaluated again and fires again).
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

#include "tickerd.h"

#define STATE_VERSION	1
#define OUTBOX_VERSION	1
#define HISTORY_KEEP	1000		/* alerts kept in history.jsonl */

static char	*sdir;			/* NULL: memory only */
static int	 lockfd = -1;
static size_t	 history_lines;

static int
fsync_dir(const char *dir)
{
	int	 fd, rc = 0;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if (fsync(fd) == -1 && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

/*
 * Write dir/name atomically: dir/.name.tmp, fsync, rename, fsync dir.
 * Returns 0, or -1 after logging why.
 */
int
atomic_write(const char *dir, const char *name, const void *data, size_t len)
{
	char	*tmp, *path;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	xasprintf(&tmp, "%s/.%s.tmp", dir, name);
	xasprintf(&path, "%s/%s", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600))
	    == -1) {
		log_warn("state: %s", tmp);
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, (const char *)data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("state: writing %s", tmp);
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		log_warn("state: fsync %s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		log_warn("state: rename %s", tmp);
		unlink(tmp);
		goto out;
	}
	if (fsync_dir(dir) == -1)
		log_warn("state: fsync %s", dir);
	rc = 0;
 out:
	free(tmp);
	free(path);
	return rc;
}

static int
mkdir_p(const char *path, mode_t mode)
{
	char	*p = xstrdup(path), *s;
	int	 rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) == -1 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Move a file that cannot be read aside, loudly. */
static void
quarantine(const char *path, const char *why)
{
	char	*aside;

	xasprintf(&aside, "%s.corrupt-%lld", path, (long long)time(NULL));
	if (rename(path, aside) == 0)
		log_warnx("state: %s is unusable (%s); moved it to %s and "
		    "started without it", path, why, aside);
	else
		log_warn("state: %s is unusable (%s), and moving it aside "
		    "failed", path, why);
	free(aside);
}

/* ---- JSON of a symbol's state ---- */

static long long
inum(json_t *o, const char *k)
{
	json_t	*v = json_object_get(o, k);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static json_t *
rulestate_json(const struct rule_state *st)
{
	return json_pack("{s:b, s:b, s:I, s:o, s:i}", "fired", st->fired,
	    "spent", st->spent, "last_notify", (json_int_t)st->last_notify,
	    "ref", jnum(st->session_ref), "count", (int)st->count);
}

static void
rulestate_read(json_t *o, struct rule_state *st)
{
	memset(st, 0, sizeof(*st));
	st->fired = json_is_true(json_object_get(o, "fired"));
	st->spent = json_is_true(json_object_get(o, "spent"));
	st->last_notify = (time_t)inum(o, "last_notify");
	st->session_ref = jget(o, "ref");
	st->count = (unsigned)inum(o, "count");
}

/* The state of one watched symbol, as stored. */
static json_t *
watch_json(const struct watch *w)
{
	const struct symref	*f = &w->ref;
	json_t			*rules = json_object();
	struct rule		*r;

	TAILQ_FOREACH(r, &w->rules, entry)
		json_object_set_new(rules, r->id, rulestate_json(&r->state));
	return json_pack("{s:I, s:{s:I, s:o, s:o, s:o, s:o, s:I, s:o}, s:o}",
	    "last", (json_int_t)w->last_time,
	    "ref",
	    "day", (json_int_t)f->day, "high", jnum(f->high),
	    "low", jnum(f->low), "seen_high", jnum(f->seen_high),
	    "seen_low", jnum(f->seen_low), "close_day", (json_int_t)f->close_day,
	    "close", jnum(f->close),
	    "rules", rules);
}

/*
 * Restore a symbol's state from its JSON.  Rules are matched by identity:
 * a rule the file does not know starts afresh, and what the file holds
 * for rules no longer configured is forgotten.
 */
static void
watch_read(struct watch *w, json_t *o)
{
	json_t		*ref = json_object_get(o, "ref");
	json_t		*rules = json_object_get(o, "rules"), *rs;
	struct rule	*r;

	w->last_time = (time_t)inum(o, "last");
	if (json_is_object(ref)) {
		w->ref.day = (long)inum(ref, "day");
		w->ref.high = jget(ref, "high");
		w->ref.low = jget(ref, "low");
		w->ref.seen_high = jget(ref, "seen_high");
		w->ref.seen_low = jget(ref, "seen_low");
		w->ref.close_day = (long)inum(ref, "close_day");
		w->ref.close = jget(ref, "close");
	}
	TAILQ_FOREACH(r, &w->rules, entry)
		if ((rs = json_object_get(rules, r->id)) != NULL &&
		    json_is_object(rs))
			rulestate_read(rs, &r->state);
}

/* How many rules the stored state holds that the watch no longer has. */
static size_t
rules_forgotten(const struct watch *w, json_t *o)
{
	json_t		*rules = json_object_get(o, "rules"), *v;
	const char	*id;
	struct rule	*r;
	size_t		 n = 0;

	json_object_foreach(rules, id, v) {
		TAILQ_FOREACH(r, &w->rules, entry)
			if (strcmp(r->id, id) == 0)
				break;
		if (r == NULL)
			n++;
	}
	return n;
}

static struct watch *
find_watch(struct config *conf, const char *symbol)
{
	struct watch	*w;

	TAILQ_FOREACH(w, &conf->watches, entry)
		if (strcmp(w->symbol, symbol) == 0)
			return w;
	return NULL;
}

/* The symbol's state as a JSON string, for the outbox (caller frees). */
char *
state_snapshot(const struct watch *w)
{
	json_t	*j = watch_json(w);
	char	*s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		fatalx("state: json_dumps");
	return s;
}

/* ---- state.json ---- */

int
state_save(struct config *conf)
{
	json_t		*root, *syms;
	struct watch	*w;
	char		*text;
	int		 rc;

	if (sdir == NULL)
		return 0;
	syms = json_object();
	TAILQ_FOREACH(w, &conf->watches, entry)
		json_object_set_new(syms, w->symbol, watch_json(w));
	root = json_pack("{s:i, s:I, s:o}", "version", STATE_VERSION,
	    "saved", (json_int_t)time(NULL), "symbols", syms);
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(root);
	if (text == NULL)
		fatalx("state: json_dumps");
	rc = atomic_write(sdir, "state.json", text, strlen(text));
	free(text);
	return rc;
}

static void
state_load(struct config *conf)
{
	char		*path;
	json_t		*root, *syms, *o;
	json_error_t	 err;
	const char	*sym;
	struct watch	*w;
	size_t		 restored = 0, forgotten = 0;
	char		 why[300];

	xasprintf(&path, "%s/state.json", sdir);
	if (access(path, F_OK) == -1) {
		log_info("state: no %s yet, every rule starts armed", path);
		free(path);
		return;
	}
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &err))
	    == NULL) {
		snprintf(why, sizeof(why), "%s at line %d", err.text,
		    err.line);
		quarantine(path, why);
		free(path);
		return;
	}
	if (inum(root, "version") != STATE_VERSION ||
	    !json_is_object(syms = json_object_get(root, "symbols"))) {
		snprintf(why, sizeof(why), "version %lld, this tickerd reads "
		    "version %d", inum(root, "version"), STATE_VERSION);
		json_decref(root);
		quarantine(path, why);
		free(path);
		return;
	}
	json_object_foreach(syms, sym, o) {
		if ((w = find_watch(conf, sym)) == NULL || !json_is_object(o)) {
			forgotten++;
			continue;
		}
		watch_read(w, o);
		forgotten += rules_forgotten(w, o);
		restored++;
	}
	json_decref(root);
	/* what is no longer configured is forgotten on disk too, at once */
	if (forgotten > 0)
		state_save(conf);
	log_info("state: restored %zu symbol%s from %s%s", restored,
	    restored == 1 ? "" : "s", path, forgotten ? " (forgot the rules "
	    "and symbols no longer watched)" : "");
	free(path);
}

/* ---- history ---- */

static void
history_count(void)
{
	char	*path, buf[8192];
	FILE	*f;
	size_t	 n;

	history_lines = 0;
	xasprintf(&path, "%s/history.jsonl", sdir);
	if ((f = fopen(path, "re")) != NULL) {
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			for (size_t i = 0; i < n; i++)
				history_lines += buf[i] == '\n';
		fclose(f);
	}
	free(path);
}

/* Keep the newest HISTORY_KEEP lines: rewritten atomically. */
static void
history_trim(void)
{
	char		*path, *line = NULL;
	size_t		 cap = 0, total = 0, skip;
	struct buf	 b = { 0 };
	FILE		*f;

	xasprintf(&path, "%s/history.jsonl", sdir);
	if ((f = fopen(path, "re")) == NULL) {
		free(path);
		return;
	}
	skip = history_lines > HISTORY_KEEP ? history_lines - HISTORY_KEEP : 0;
	while (getline(&line, &cap, f) != -1) {
		if (total++ < skip)
			continue;
		buf_puts(&b, line);
	}
	fclose(f);
	free(line);
	if (atomic_write(sdir, "history.jsonl", b.data ? b.data : "",
	    b.len) == 0)
		history_lines = total - skip;
	buf_free(&b);
	free(path);
}

/* The history line of an alert, as JSON text (caller frees). */
char *
history_line(const struct alert *a, const char *line, const char *batch)
{
	json_t	*j;
	char	*text;

	j = json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:o, s:s, s:s}",
	    "time", (json_int_t)a->time, "quote_time",
	    (json_int_t)a->quote.time, "symbol", a->symbol, "rule",
	    a->rule_text, "price", jnum(a->quote.price), "threshold",
	    jnum(a->threshold), "change_pct", jnum(a->change_pct),
	    "message", line, "batch", batch);
	if (j == NULL)
		fatalx("history: json_pack");
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		fatalx("history: json_dumps");
	return text;
}

/* The newest history lines in memory, for state-dir memory. */
#define RING	200
static char	*ring[RING];
static size_t	 ring_next;

/*
 * The newest n alerts of the history, oldest first, as a JSON array:
 * from history.jsonl, or from memory when there is no state directory.
 */
json_t *
state_history_tail(size_t n)
{
	json_t	*a = json_array(), *j;
	char	*path, *line = NULL, **last;
	size_t	 cap = 0, i, k = 0;
	FILE	*f;

	if (n == 0)
		return a;
	if (sdir == NULL) {
		i = ring_next > RING ? ring_next - RING : 0;
		if (ring_next - i > n)
			i = ring_next - n;
		for (; i < ring_next; i++)
			if ((j = json_loads(ring[i % RING], 0, NULL)) != NULL)
				json_array_append_new(a, j);
		return a;
	}
	xasprintf(&path, "%s/history.jsonl", sdir);
	f = fopen(path, "re");
	free(path);
	if (f == NULL)
		return a;
	last = xcalloc(n, sizeof(*last));
	while (getline(&line, &cap, f) != -1) {
		free(last[k % n]);
		last[k++ % n] = xstrdup(line);
	}
	free(line);
	fclose(f);
	for (i = k > n ? k - n : 0; i < k; i++) {
		if ((j = json_loads(last[i % n], 0, NULL)) != NULL)
			json_array_append_new(a, j);
	}
	for (i = 0; i < n; i++)
		free(last[i]);
	free(last);
	return a;
}

int
state_same_dir(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Append a line to history.jsonl (best effort, never fatal). */
void
state_history(const char *text)
{
	struct buf	 b = { 0 };
	char		*path;
	int		 fd;

	free(ring[ring_next % RING]);
	ring[ring_next++ % RING] = xstrdup(text);
	if (sdir == NULL)
		return;
	buf_puts(&b, text);
	buf_puts(&b, "\n");
	xasprintf(&path, "%s/history.jsonl", sdir);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1)
		log_warn("state: %s", path);
	else {
		if (write(fd, b.data, b.len) != (ssize_t)b.len)
			log_warn("state: appending to %s", path);
		else
			history_lines++;
		close(fd);
	}
	buf_free(&b);
	free(path);
	if (history_lines > 2 * HISTORY_KEEP)
		history_trim();
}

/* Whether history.jsonl's tail already records a batch. */
static int
history_has(const char *batch)
{
	char	*path, *needle;
	int	 fd, found = 0;

	xasprintf(&path, "%s/history.jsonl", sdir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		xasprintf(&needle, "\"batch\":\"%s\"", batch);
		found = tail_contains(fd, needle, 256 * 1024);
		free(needle);
		close(fd);
	}
	free(path);
	return found;
}

/* ---- the outbox ---- */

/*
 * Write a message to the outbox; it is durable when this returns 0.
 * In memory-only mode there is nothing to write.
 */
int
outbox_write(const struct outmsg *m)
{
	json_t	*j;
	char	*text, *dir, *name;
	int	 rc;

	if (sdir == NULL)
		return 0;
	j = json_pack("{s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:i, s:s, s:i, "
	    "s:s, s:s, s:s, s:s, s:s%}", "version", OUTBOX_VERSION, "id", m->id,
	    "notifier", m->notifier, "type", m->type == NOTIFIER_MAIL ? "mail" :
	    m->type == NOTIFIER_SYSLOG ? "syslog" : "webhook",
	    "created", (json_int_t)m->created, "symbol", m->symbol,
	    "rule", m->rule, "count", (int)m->count, "batch", m->batch,
	    "batch_size", m->batch_size, "subject", m->subject,
	    "snapshot", m->snapshot ? m->snapshot : "",
	    "history", m->history ? m->history : "",
	    "alert", m->alert ? m->alert : "",
	    "payload", m->payload.data ? m->payload.data : "",
	    m->payload.len);
	if (j == NULL)
		fatalx("outbox: json_pack");
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		fatalx("outbox: json_dumps");
	xasprintf(&dir, "%s/outbox", sdir);
	xasprintf(&name, "%s.json", m->id);
	rc = atomic_write(dir, name, text, strlen(text));
	free(text);
	free(dir);
	free(name);
	return rc;
}

/* A message was delivered: forget it. */
void
outbox_remove(const struct outmsg *m)
{
	char	*path, *dir;

	if (sdir == NULL)
		return;
	xasprintf(&dir, "%s/outbox", sdir);
	xasprintf(&path, "%s/%s.json", dir, m->id);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("outbox: removing %s", path);
	else
		fsync_dir(dir);
	free(path);
	free(dir);
}

/* A message given up on: keep it in outbox/failed/. */
void
outbox_fail(const struct outmsg *m)
{
	char	*from, *to;

	if (sdir == NULL)
		return;
	xasprintf(&from, "%s/outbox/%s.json", sdir, m->id);
	xasprintf(&to, "%s/outbox/failed/%s.json", sdir, m->id);
	if (rename(from, to) == -1)
		log_warn("outbox: moving %s to failed/", from);
	else
		log_warnx("outbox: kept the undelivered message in %s", to);
	free(from);
	free(to);
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

static const char *
jstr(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static struct outmsg *
outbox_read(const char *path)
{
	json_t		*j, *payload;
	json_error_t	 err;
	struct outmsg	*m;
	const char	*type;
	char		 why[300];

	if ((j = json_load_file(path, 0, &err)) == NULL) {
		snprintf(why, sizeof(why), "%s", err.text);
		quarantine(path, why);
		return NULL;
	}
	payload = json_object_get(j, "payload");
	if (inum(j, "version") != OUTBOX_VERSION || !json_is_string(payload) ||
	    *jstr(j, "id") == '\0' || *jstr(j, "notifier") == '\0') {
		json_decref(j);
		quarantine(path, "not an outbox message of version 1");
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->id = xstrdup(jstr(j, "id"));
	m->notifier = xstrdup(jstr(j, "notifier"));
	type = jstr(j, "type");
	m->type = strcmp(type, "syslog") == 0 ? NOTIFIER_SYSLOG :
	    strcmp(type, "webhook") == 0 ? NOTIFIER_WEBHOOK : NOTIFIER_MAIL;
	m->created = (time_t)inum(j, "created");
	m->symbol = xstrdup(jstr(j, "symbol"));
	m->rule = xstrdup(jstr(j, "rule"));
	m->count = (unsigned)inum(j, "count");
	m->batch = xstrdup(jstr(j, "batch"));
	m->batch_size = (int)inum(j, "batch_size");
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
	struct watch	*w = find_watch(conf, m->symbol);
	struct rule	*r;

	if (w == NULL)
		return -1;		/* no longer watched */
	TAILQ_FOREACH(r, &w->rules, entry)
		if (strcmp(r->id, m->rule) == 0)
			return r->state.count >= m->count;
	return -1;			/* the rule is gone */
}

/*
 * Read the outbox after a restart (see the top of this file).  Every
 * message to deliver is handed to queue(); returns how many.
 */
static size_t
outbox_recover(struct config *conf, void (*queue)(struct outmsg *))
{
	char		*dir, *path;
	DIR		*d;
	struct dirent	*de;
	struct outmsg	**v = NULL, *m;
	size_t		 n = 0, i, j, kept = 0, rolled = 0, dropped = 0;
	int		 c, size;

	xasprintf(&dir, "%s/outbox", sdir);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
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

	for (i = 0; i < n; i++) {
		if (v[i] == NULL)
			continue;
		c = committed(conf, v[i]);
		for (size = 0, j = i; j < n; j++)
			if (v[j] != NULL && strcmp(v[j]->batch, v[i]->batch) == 0)
				size++;
		if (c == 0 && size < v[i]->batch_size) {
			/* never committed, not whole: the quote fires again */
			for (j = i; j < n; j++) {
				if (v[j] == NULL ||
				    strcmp(v[j]->batch, v[i]->batch) != 0 ||
				    j == i)
					continue;
				outbox_remove(v[j]);
				outmsg_free(v[j]);
				v[j] = NULL;
				dropped++;
			}
			outbox_remove(v[i]);
			outmsg_free(v[i]);
			v[i] = NULL;
			dropped++;
			continue;
		}
		if (c == 0) {
			/* whole but not committed: commit it now */
			struct watch *w = find_watch(conf, v[i]->symbol);
			json_t *snap = json_loads(v[i]->snapshot, 0, NULL);
			if (w != NULL && json_is_object(snap)) {
				watch_read(w, snap);
				rolled++;
			}
			json_decref(snap);
			/* and its history, unless it got that far */
			if (!history_has(v[i]->batch))
				for (j = i; j < n; j++) {
					size_t k;
					if (v[j] == NULL || strcmp(v[j]->batch,
					    v[i]->batch) != 0 ||
					    *v[j]->history == '\0')
						continue;
					for (k = i; k < j; k++)
						if (v[k] != NULL && strcmp(
						    v[k]->history,
						    v[j]->history) == 0)
							break;
					if (k == j)
						state_history(v[j]->history);
				}
		}
	}
	if (rolled > 0)
		state_save(conf);
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
	free(dir);
	return kept;
}

/*
 * Open the state directory: create it, lock it, restore state.json, and
 * recover the outbox, handing each message to deliver to queue().
 * dir NULL keeps everything in memory.  Returns 0, or -1 with err set.
 */
int
state_open(struct config *conf, const char *dir,
    void (*queue)(struct outmsg *), char *err, size_t errlen)
{
	char	*sub;

	if (dir == NULL) {
		sdir = NULL;
		return 0;
	}
	if (mkdir_p(dir, 0700) == -1) {
		snprintf(err, errlen, "state-dir %s: %s", dir, strerror(errno));
		return -1;
	}
	xasprintf(&sub, "%s/outbox/failed", dir);
	if (mkdir_p(sub, 0700) == -1) {
		snprintf(err, errlen, "state-dir %s: %s", sub, strerror(errno));
		free(sub);
		return -1;
	}
	free(sub);
	xasprintf(&sub, "%s/lock", dir);
	if ((lockfd = open(sub, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "state-dir %s: %s", sub, strerror(errno));
		free(sub);
		return -1;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "state-dir %s is in use by another "
		    "tickerd (%s is locked)", dir, sub);
		close(lockfd);
		lockfd = -1;
		free(sub);
		return -1;
	}
	free(sub);
	sdir = xstrdup(dir);
	state_load(conf);
	history_count();
	outbox_recover(conf, queue);
	return 0;
}

/* Whether state is kept on disk. */
int
state_persistent(void)
{
	return sdir != NULL;
}

void
state_close(void)
{
	size_t	 i;

	for (i = 0; i < RING; i++) {
		free(ring[i]);
		ring[i] = NULL;
	}
	ring_next = 0;
	if (lockfd != -1)
		close(lockfd);
	lockfd = -1;
	free(sdir);
	sdir = NULL;
}
