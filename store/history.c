/*
 * history.jsonl: every alert that fired, one JSON object a line, newest
 * last, trimmed to the newest HISTORY_KEEP.  With state-dir memory the
 * newest RING alerts are kept in memory only, for tickerctl history.
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

#define HISTORY_KEEP	1000		/* alerts kept in history.jsonl */

static size_t	 history_lines;

/* Count the lines history.jsonl holds, at start. */
void
history_open(void)
{
	char	*path, buf[8192];
	FILE	*f;
	size_t	 n;

	history_lines = 0;
	xasprintf(&path, "%s/history.jsonl", store_dir());
	if ((f = store_fopen(path, HISTORY_FILE_MAX)) == NULL &&
	    (errno == EFBIG || errno == EINVAL))
		store_quarantine(path, store_strerror(errno, HISTORY_FILE_MAX));
	else if (f != NULL) {
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

	xasprintf(&path, "%s/history.jsonl", store_dir());
	if ((f = store_fopen(path, HISTORY_FILE_MAX)) == NULL) {
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
	if (store_write(store_dir(), "history.jsonl", b.data ? b.data : "",
	    b.len) == 0)
		history_lines = total - skip;
	buf_free(&b);
	free(path);
}

/* The history line of an alert, as JSON text (caller frees); NULL when
 * it cannot be made, which costs that line only. */
char *
history_line(const struct alert *a, const char *line, const char *batch)
{
	json_t	*j;
	char	*text;

	/* texts that came from outside are held whatever their bytes */
	j = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "time", (json_int_t)a->time, "quote_time",
	    (json_int_t)a->quote.time, "symbol", jtext(a->symbol), "rule",
	    jtext(a->rule_text), "price", jnum(a->quote.price), "threshold",
	    jnum(a->threshold), "change_pct", jnum(a->change_pct),
	    "message", jtext(line), "batch", jtext(batch));
	text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text == NULL)	/* out of memory: the alert goes on without */
		log_warnx("history: %s %s: the alert's history line could "
		    "not be made", a->symbol, a->rule_text);
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
history_tail(size_t n)
{
	json_t	*a = json_array(), *j;
	char	*path, *line = NULL, **last;
	size_t	 cap = 0, i, k = 0;
	FILE	*f;

	if (n == 0)
		return a;
	if (store_dir() == NULL) {
		i = ring_next > RING ? ring_next - RING : 0;
		if (ring_next - i > n)
			i = ring_next - n;
		for (; i < ring_next; i++)
			if ((j = json_loads(ring[i % RING], 0, NULL)) != NULL)
				json_array_append_new(a, j);
		return a;
	}
	xasprintf(&path, "%s/history.jsonl", store_dir());
	f = store_fopen(path, HISTORY_FILE_MAX);
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

/* The lines of the commit under way: written once it is made. */
static char	**staged;
static size_t	 nstaged, cstaged;

/*
 * Append n lines to history.jsonl in one write, synced now or (later)
 * at the next store_sync().  Returns 0, or -1 (said through
 * store_failed()) with the file as it was: no half line is left.
 */
static int
append(char *const *text, size_t n, int later)
{
	struct buf	 b = { 0 };
	char		*path;
	off_t		 mark;
	size_t		 i;
	ssize_t		 w;
	int		 fd, rc = -1;

	for (i = 0; i < n; i++) {
		if (text[i] == NULL)	/* could not be made: that line only */
			continue;
		free(ring[ring_next % RING]);
		ring[ring_next++ % RING] = xstrdup(text[i]);
		buf_puts(&b, text[i]);
		buf_puts(&b, "\n");
	}
	if (store_dir() == NULL) {
		buf_free(&b);
		return 0;
	}
	xasprintf(&path, "%s/history.jsonl", store_dir());
	mark = store_size(path);	/* to cut a failed append back to */
	if ((fd = store_file(path, O_WRONLY | O_APPEND | O_CREAT, 0600))
	    == -1)
		store_failed("opening", path);
	else if ((w = write(fd, b.data, b.len)) != (ssize_t)b.len ||
	    (!later && fsync(fd) == -1)) {
		store_failed("appending to", path);
		if (ftruncate(fd, mark) == -1)
			log_warn("state: cutting back %s", path);
	} else {
		if (later)
			store_owe();
		history_lines += n;
		rc = 0;
	}
	if (fd != -1)
		close(fd);
	if (rc == -1)
		ring_next -= n;
	buf_free(&b);
	free(path);
	if (history_lines > 2 * HISTORY_KEEP)
		history_trim();
	return rc;
}

int
history_add_lines(char *const *text, size_t n)
{
	return append(text, n, 0);
}

/*
 * Stage n lines for the commit under way: journaled with it, and written
 * to history.jsonl once it is made (history_flush()).
 */
int
history_stage(char *const *text, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (text[i] == NULL)	/* could not be made: that line only */
			continue;
		journal_add_string("h", text[i]);
		if (nstaged == cstaged) {
			cstaged = cstaged ? cstaged * 2 : 16;
			staged = xreallocarray(staged, cstaged,
			    sizeof(*staged));
		}
		staged[nstaged++] = xstrdup(text[i]);
	}
	return 0;
}

/*
 * The commit was made (made: 1) or not: the staged lines are written,
 * without a sync (the journal holds them), or dropped.
 */
void
history_flush(int made)
{
	size_t	 i;

	if (made && nstaged > 0)
		(void)append(staged, nstaged, 1);
	for (i = 0; i < nstaged; i++)
		free(staged[i]);
	nstaged = 0;
}

/*
 * A journal's history line: appended unless history.jsonl's tail has it
 * already (the journal was replayed over a snapshot that holds it).
 */
void
history_apply(const char *line)
{
	char	*path;
	int	 fd, found = 0;

	if (*line == '\0')
		return;
	xasprintf(&path, "%s/history.jsonl", store_dir());
	if ((fd = store_file(path, O_RDONLY, 0)) != -1) {
		found = buf_tail_contains(fd, line, 256 * 1024);
		close(fd);
	}
	free(path);
	if (!found)
		(void)append((char *const *)&line, 1, 1);
}

/* Append a line to history.jsonl; -1 when it could not be written. */
int
history_add(const char *text)
{
	char	*v[1] = { (char *)text };

	return history_add_lines(v, 1);
}

/* Whether history.jsonl's tail already records a batch. */
int
history_has(const char *batch)
{
	char	*path, *needle;
	int	 fd, found = 0;

	xasprintf(&path, "%s/history.jsonl", store_dir());
	if ((fd = store_file(path, O_RDONLY, 0)) != -1) {
		xasprintf(&needle, "\"batch\":\"%s\"", batch);
		found = buf_tail_contains(fd, needle, 256 * 1024);
		free(needle);
		close(fd);
	}
	free(path);
	return found;
}


void
history_close(void)
{
	size_t	 i;

	for (i = 0; i < RING; i++) {
		free(ring[i]);
		ring[i] = NULL;
	}
	ring_next = 0;
	history_lines = 0;
	history_flush(0);
	free(staged);
	staged = NULL;
	cstaged = 0;
}
