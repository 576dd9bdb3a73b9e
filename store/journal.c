/*
 * STATE/journal: what each commit changed, appended, and made durable
 * with one fdatasync(2) of this one file.  The other files of the state
 * directory (state.json, review.json, history.jsonl, outbox/) are its
 * snapshot: written after the commit without a sync of their own, and
 * made durable together, rarely, when the journal is compacted
 * (state.c); recovery reads them, then replays the journal over them.
 *
 * A record is a line: the CRC-32 of its text in 8 hex digits, a space,
 * and the text, one JSON object of one member ({"s":...} a symbol's
 * state, {"r":...} a review entry, {"h":"..."} a history line,
 * {"o":{...}} an outbox message, {"d":"ID"} one delivered).  A commit is
 * its records and then {"c":N}, in one write(2).  At recovery a commit
 * counts only whole: the records after the last good {"c":N} (a torn
 * write, a crash inside it) are dropped, and the file is cut back to it,
 * as a WAL's tail is.  Every record is idempotent: replaying one over a
 * snapshot that already holds it changes nothing, so a crash between the
 * snapshot and the journal's reset loses and doubles nothing.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define JOURNAL_NAME	"journal"
#define JOURNAL_FILE_MAX	(256u << 20)	/* read at start, at most */

static int		 jfd = -1;
static off_t		 jsize;		/* what the file holds */
static struct buf	 pending;	/* the records of the next commit */
static size_t		 npending;
static unsigned long	 commits;
static unsigned		 jgen;		/* store_generation() it is of */
static int		 lost;		/* the folder was made again */
static double		 first_at;	/* the oldest record's; 0: none */

/* Add a record {"kind":value} to the next commit; value is JSON text. */
void
journal_add(const char *kind, const char *value, size_t len)
{
	struct buf	 line = { 0 };
	char		 crc[16];

	if (jfd == -1)
		return;
	buf_puts(&line, "{\"");
	buf_puts(&line, kind);
	buf_puts(&line, "\":");
	buf_add(&line, value, len);
	buf_puts(&line, "}");
	snprintf(crc, sizeof(crc), "%08lx ", crc32(0L, (const Bytef *)
	    line.data, (uInt)line.len));
	buf_puts(&pending, crc);
	buf_add(&pending, line.data, line.len);
	buf_puts(&pending, "\n");
	buf_free(&line);
	npending++;
}

/* A string as a record's value. */
void
journal_add_string(const char *kind, const char *s)
{
	json_t	*j;
	char	*v;

	if (jfd == -1)
		return;
	j = jtext(s);
	v = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(j);
	if (v == NULL)
		fatalx("journal: out of memory");
	journal_add(kind, v, strlen(v));
	free(v);
}

/* Where the next commit's records end now, to go back to. */
size_t
journal_mark(void)
{
	return pending.len;
}

/* Forget the records added since the mark. */
void
journal_rewind(size_t mark)
{
	if (mark < pending.len)
		pending.len = mark;
	if (pending.len == 0)
		npending = 0;
}

/* Forget the records of the next commit: it will not be made. */
void
journal_abort(void)
{
	pending.len = 0;
	npending = 0;
}

/*
 * Append the pending records and a commit mark in one write, and make
 * them durable: fdatasync(2) when sync, else only written (a crash of
 * the process keeps them; a crash of the machine may not).  Returns 0,
 * or -1 after saying why, with the file as it was.
 */
/*
 * The folder was removed and made again under the running daemon: the
 * journal open is in the folder that is gone.  A new one is opened, and
 * what the old one held is lost: journal_lost() asks for a snapshot.
 */
static void
reopen(void)
{
	char	*path;
	int	 fd;

	store_check();
	if (store_generation() == jgen)
		return;
	xasprintf(&path, "%s/%s", store_dir(), JOURNAL_NAME);
	if ((fd = store_file(path, O_RDWR | O_CREAT | O_APPEND | O_TRUNC,
	    0600)) == -1)
		store_failed("opening", path);
	else {
		close(jfd);
		jfd = fd;
		jsize = 0;
		jgen = store_generation();
		lost = 1;
	}
	free(path);
}

/* Whether the journal lost what it held (then a snapshot is due); asked
 * once. */
int
journal_lost(void)
{
	int	 was = lost;

	lost = 0;
	return was;
}

/* Append b and a commit mark in one write; synced when sync. */
static int
append(struct buf *b, int sync)
{
	char		 mark[48], line[64];
	size_t		 off = 0;
	ssize_t		 n;

	reopen();
	snprintf(mark, sizeof(mark), "{\"c\":%lu}", ++commits);
	snprintf(line, sizeof(line), "%08lx %s\n", crc32(0L, (const Bytef *)
	    mark, (uInt)strlen(mark)), mark);
	buf_puts(b, line);
	while (off < b->len) {
		if ((n = write(jfd, b->data + off, b->len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (sync && fdatasync(jfd) == -1)
		goto fail;
	jsize += (off_t)b->len;
	if (first_at == 0)
		first_at = clock_mono();
	store_ok();
	return 0;
 fail:
	store_failed("appending to", JOURNAL_NAME);
	if (ftruncate(jfd, jsize) == -1)
		log_warn("state: cutting the journal back");
	return -1;
}

int
journal_commit(int sync)
{
	int	 rc;

	if (jfd == -1 || npending == 0) {
		journal_abort();
		return 0;
	}
	rc = append(&pending, sync);
	journal_abort();
	return rc;
}

/*
 * A record alone, {"kind":"s"}, committed at once, apart from the
 * commit under way (a message delivered while alerts wait for theirs).
 */
int
journal_record(const char *kind, const char *s, int sync)
{
	struct buf	 saved = pending, one = { 0 };
	size_t		 n = npending;
	int		 rc;

	if (jfd == -1)
		return 0;
	pending = one;
	npending = 0;
	journal_add_string(kind, s);
	rc = append(&pending, sync);
	buf_free(&pending);
	pending = saved;
	npending = n;
	return rc;
}

/* How many bytes the journal holds, and for how long it has held any. */
off_t
journal_size(double *age)
{
	if (age != NULL)
		*age = first_at > 0 ? clock_mono() - first_at : 0;
	return jsize;
}

/* The snapshot holds everything: the journal starts empty again. */
int
journal_reset(void)
{
	if (jfd == -1 || jsize == 0)
		return 0;
	if (ftruncate(jfd, 0) == -1 || fdatasync(jfd) == -1) {
		store_failed("emptying", JOURNAL_NAME);
		return -1;
	}
	jsize = 0;
	first_at = 0;
	return 0;
}

/* One line's record, or NULL when it is not whole and good. */
static json_t *
record(const char *p, size_t len)
{
	unsigned long	 want;
	char		 hex[9];

	if (len < 11 || p[8] != ' ')
		return NULL;
	memcpy(hex, p, 8);
	hex[8] = '\0';
	if (hex[strspn(hex, "0123456789abcdef")] != '\0')
		return NULL;
	want = strtoul(hex, NULL, 16);
	if (crc32(0L, (const Bytef *)p + 9, (uInt)(len - 9)) != want)
		return NULL;
	return json_loadb(p + 9, len - 9, JSON_REJECT_DUPLICATES, NULL);
}

/*
 * Apply each whole commit of the journal, record by record, to apply();
 * cut off what follows the last whole one.  Returns how many commits.
 */
static size_t
replay(const char *b, size_t len, journal_apply_fn apply)
{
	json_t		**recs = NULL, *r;
	const char	*p = b, *nl, *k;
	size_t		 n = 0, cap = 0, i, done = 0;
	off_t		 good = 0;

	while ((size_t)(p - b) < len &&
	    (nl = memchr(p, '\n', len - (size_t)(p - b))) != NULL) {
		if ((r = record(p, (size_t)(nl - p))) == NULL ||
		    !json_is_object(r) || json_object_size(r) != 1) {
			json_decref(r);
			break;
		}
		p = nl + 1;
		k = json_object_iter_key(json_object_iter(r));
		if (strcmp(k, "c") != 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				recs = xreallocarray(recs, cap, sizeof(*recs));
			}
			recs[n++] = r;
			continue;
		}
		commits = (unsigned long)json_integer_value(
		    json_object_get(r, "c"));
		json_decref(r);
		for (i = 0; i < n; i++) {
			k = json_object_iter_key(json_object_iter(recs[i]));
			apply(k, json_object_get(recs[i], k), i + 1 == n);
			json_decref(recs[i]);
		}
		n = 0;
		done++;
		good = p - b;
	}
	for (i = 0; i < n; i++)
		json_decref(recs[i]);
	free(recs);
	if (good < (off_t)len) {
		log_warnx("state: the journal's last %lld bytes are not a "
		    "whole commit (a crash inside one); dropped them",
		    (long long)len - (long long)good);
		if (ftruncate(jfd, good) == -1)
			log_warn("state: cutting the journal back");
	}
	jsize = good;
	return done;
}

/*
 * Open STATE/journal and replay it to apply(); returns how many commits
 * it held, or -1 (said) when it cannot be opened: then nothing is
 * journaled, and commits fail until it can be.
 */
long
journal_open(journal_apply_fn apply)
{
	struct stat	 st;
	char		*path, *b;
	size_t		 len = 0, done;
	ssize_t		 n;

	if (store_dir() == NULL)
		return 0;
	xasprintf(&path, "%s/%s", store_dir(), JOURNAL_NAME);
	if ((jfd = store_file(path, O_RDWR | O_CREAT | O_APPEND, 0600)) == -1 ||
	    fstat(jfd, &st) == -1) {
		store_failed("opening", path);
		free(path);
		return -1;
	}
	if ((size_t)st.st_size > JOURNAL_FILE_MAX) {
		close(jfd);
		jfd = -1;
		errno = EFBIG;
		store_quarantine(path, store_strerror(EFBIG, JOURNAL_FILE_MAX));
		free(path);
		return journal_open(apply);
	}
	free(path);
	jgen = store_generation();
	b = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size && ((n = pread(jfd, b + len,
	    (size_t)st.st_size - len, (off_t)len)) > 0 || (n == -1 &&
	    errno == EINTR)))
		len += n > 0 ? (size_t)n : 0;
	done = replay(b, len, apply);
	free(b);
	if (jsize > 0)
		first_at = clock_mono();
	return (long)done;
}

void
journal_close(void)
{
	if (jfd != -1)
		close(jfd);
	jfd = -1;
	jsize = 0;
	first_at = 0;
	journal_abort();
	buf_free(&pending);
}
