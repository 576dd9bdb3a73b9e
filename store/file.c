/*
 * The files of the state directory, below everything else of store/:
 * the atomic write every file goes through (a temporary file, fsync,
 * rename, fsync of the folder), or the same without the fsyncs, owed to
 * the group's store_sync(); reads bounded in size; and the file that
 * cannot be read back (corrupt, too large, or of a newer version), moved
 * aside with a loud log line, so that tickerd starts afresh without it
 * and never crashes on one.  Failures are said once, and kept for
 * tickerctl status.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

static char	*sdir;			/* NULL: memory only */
static char	 problem[300];		/* why it cannot be written, or "" */
static int	 owed;			/* written, not yet synced */
static int	 lockfd = -1;		/* the lock, held */
static unsigned	 made;			/* times the folder was made */

/*
 * A write into the state directory failed (errno says why): said once,
 * when writing starts failing, and kept for tickerctl status.
 */
void
store_failed(const char *what, const char *path)
{
	int	 e = errno;

	if (problem[0] == '\0')
		log_warnx("state: %s %s: %s; alerts wait until it can be "
		    "written", what, path, strerror(e));
	else
		log_debug("state: %s %s: %s", what, path, strerror(e));
	snprintf(problem, sizeof(problem), "%s %s: %s", what, path,
	    strerror(e));
	utf8_clean(problem);
	errno = e;
}

/* A write into the state directory worked: said once after failures. */
void
store_ok(void)
{
	if (problem[0] != '\0')
		log_info("state: %s can be written again", sdir);
	problem[0] = '\0';
}

/* Why the state directory cannot be written, or NULL. */
const char *
store_problem(void)
{
	return problem[0] != '\0' ? problem : NULL;
}

/* The size of a file of the state directory; 0 when it has none. */
off_t
store_size(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

int
store_fsync_dir(const char *dir)
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
 * Open a file of the state directory as flags say: never through a
 * symbolic link, never waiting (a FIFO planted there would block the
 * loop, and SIGTERM with it), and only a regular file.  Returns the file
 * descriptor, or -1 with errno set (ELOOP: a link; EFTYPE-like EINVAL:
 * not a regular file).
 */
int
store_file(const char *path, int flags, mode_t mode)
{
	struct stat	 st;
	int		 fd, fl;

	if ((fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    mode)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

/*
 * A file of the state directory to read, as store_file() opens it, and
 * of at most max bytes: a file grown past any size tickerd writes is not
 * read at start (EFBIG), so that no file can hold the start up.
 */
static int
store_read(const char *path, size_t max)
{
	struct stat	 st;
	int		 fd;

	if ((fd = store_file(path, O_RDONLY, 0)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || (size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	return fd;
}

/* Why a file of the state directory could not be read, in words. */
const char *
store_strerror(int e, size_t max)
{
	static char	 msg[80];

	switch (e) {
	case EINVAL:
		return "not a regular file";
	case ELOOP:
		return "a symbolic link";
	case EFBIG:
		snprintf(msg, sizeof(msg), "larger than %zu MiB, the most "
		    "tickerd reads of it", max >> 20);
		return msg;
	default:
		return strerror(e);
	}
}

/* A JSON file of the state directory of at most max bytes, or NULL. */
json_t *
store_json(const char *path, size_t flags, size_t max, json_error_t *err)
{
	json_t	*j;
	int	 fd;

	if ((fd = store_read(path, max)) == -1) {
		snprintf(err->text, sizeof(err->text), "%s",
		    store_strerror(errno, max));
		err->line = 0;
		return NULL;
	}
	j = json_loadfd(fd, flags, err);
	close(fd);
	return j;
}

/* A file of the state directory to read line by line, or NULL. */
FILE *
store_fopen(const char *path, size_t max)
{
	FILE	*f;
	int	 fd;

	if ((fd = store_read(path, max)) == -1)
		return NULL;
	if ((f = fdopen(fd, "r")) == NULL)
		close(fd);
	return f;
}

/*
 * The temporary file of an atomic write: a new file, never one planted
 * there (a symbolic link to overwrite another); a stale one, left by a
 * crash, is removed first.
 */
static int
tmp_open(const char *tmp)
{
	int	 fd, i;

	for (i = 0; i < 2; i++) {
		if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC, 0600)) != -1 || errno != EEXIST)
			return fd;
		if (unlink(tmp) == -1 && errno != ENOENT)
			return -1;
	}
	return -1;
}

/*
 * Make every write made with store_write_later() and store_owe() since
 * the last sync durable: one syncfs(2) for the whole state directory,
 * however many files they were.  Returns 0, or -1 after logging why.
 */
int
store_sync(void)
{
	int	 fd, rc = 0;

	if (!owed || sdir == NULL)
		return 0;
#ifdef HAVE_SYNCFS
	if ((fd = open(sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    syncfs(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
#else
	(void)fd;
	sync();
#endif
	if (rc == -1) {
		store_failed("syncing", sdir);
		return -1;
	}
	owed = 0;
	return 0;
}

/* A write was made without fsync: store_sync() owes it. */
void
store_owe(void)
{
	owed = 1;
}

/* Write dir/.name.tmp and rename it; synced now, or (later) owed. */
static int
write_rename(const char *dir, const char *name, const void *data, size_t len,
    int later)
{
	char	*tmp, *path;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	xasprintf(&tmp, "%s/.%s.tmp", dir, name);
	xasprintf(&path, "%s/%s", dir, name);
	store_check();
	if ((fd = tmp_open(tmp)) == -1) {
		store_failed("creating", tmp);
		goto out;
	}
	while (off < len) {
		if ((n = write(fd, (const char *)data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			store_failed("writing", tmp);
			close(fd);
			unlink(tmp);
			goto out;
		}
		off += (size_t)n;
	}
	/* what is owed is synced first, this file with it, in one go */
	if (!later && (owed ? store_sync() : fsync(fd)) == -1) {
		store_failed("writing", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		store_failed("renaming", tmp);
		unlink(tmp);
		goto out;
	}
	if (later)
		owed = 1;
	else if (store_fsync_dir(dir) == -1)
		log_warn("state: fsync %s", dir);
	store_ok();
	rc = 0;
 out:
	free(tmp);
	free(path);
	return rc;
}

/*
 * Write dir/name atomically: dir/.name.tmp, fsync (or store_sync() when
 * writes are owed), rename, fsync dir.  Returns 0, or -1 after logging
 * why.
 */
int
store_write(const char *dir, const char *name, const void *data, size_t len)
{
	return write_rename(dir, name, data, len, 0);
}

/*
 * The same, without the fsyncs: durable at the next store_sync() (or
 * store_write()).  After a crash before that, the file may be missing
 * or empty; a group commit (daemon/evaluate.c) writes what depends on it
 * only after the sync.
 */
int
store_write_later(const char *dir, const char *name, const void *data,
    size_t len)
{
	return write_rename(dir, name, data, len, 1);
}

/* Move a file that cannot be read aside, loudly. */
void
store_quarantine(const char *path, const char *why)
{
	char	*aside;

	xasprintf(&aside, "%s.corrupt-%lld", path, (long long)clock_now());
	if (rename(path, aside) == 0)
		log_warnx("state: %s is unusable (%s); moved it to %s and "
		    "started without it", path, why, aside);
	else
		log_warn("state: %s is unusable (%s), and moving it aside "
		    "failed", path, why);
	free(aside);
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

/* Take dir/lock; -1 with err set when another daemon holds it. */
static int
lock(const char *dir, char *err, size_t errlen)
{
	char	*path;
	int	 fd;

	xasprintf(&path, "%s/lock", dir);
	if ((fd = store_file(path, O_RDWR | O_CREAT, 0600)) == -1) {
		snprintf(err, errlen, "state-dir %s: %s", path,
		    store_strerror(errno, 0));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "state-dir %s is in use by another "
		    "tickerd (%s is locked)", dir, path);
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* The folders of the state directory. */
static int
make_dirs(const char *dir, char *err, size_t errlen)
{
	char	*sub;
	int	 rc = 0;

	xasprintf(&sub, "%s/outbox/failed", dir);
	if (mkdir_p(dir, 0700) == -1 || mkdir_p(sub, 0700) == -1) {
		snprintf(err, errlen, "state-dir %s: %s", sub, strerror(errno));
		rc = -1;
	}
	free(sub);
	return rc;
}

/*
 * The state directory is still the one this daemon locked.  Removed
 * under it (rm -rf), it is made again and locked again, loudly, so that
 * nothing is written into the void and no second daemon takes it over.
 */
void
store_check(void)
{
	struct stat	 a, b;
	char		*path, err[512];
	int		 fd;

	if (sdir == NULL)
		return;
	xasprintf(&path, "%s/lock", sdir);
	if (stat(path, &a) == 0 && fstat(lockfd, &b) == 0 &&
	    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
		free(path);
		return;
	}
	free(path);
	log_warnx("state: %s was removed or replaced; making it again",
	    sdir);
	if (make_dirs(sdir, err, sizeof(err)) == -1 ||
	    (fd = lock(sdir, err, sizeof(err))) == -1) {
		log_warnx("%s", err);
		return;
	}
	close(lockfd);
	lockfd = fd;
	made++;
}

/* How many times the folder was made again while it ran: a file held
 * open from before (the journal) is then in a folder that is gone. */
unsigned
store_generation(void)
{
	return made;
}

/*
 * Make the state directory and its folders, and lock it (store_open());
 * -1 with err set when it cannot be made or another daemon holds it.
 */
int
store_take(const char *dir, char *err, size_t errlen)
{
	if (make_dirs(dir, err, errlen) == -1)
		return -1;
	if ((lockfd = lock(dir, err, errlen)) == -1)
		return -1;
	free(sdir);
	sdir = xstrdup(dir);
	return 0;
}

/* Unlock it, and write nowhere (store_close(), or memory only). */
void
store_release(void)
{
	if (lockfd != -1)
		close(lockfd);
	lockfd = -1;
	free(sdir);
	sdir = NULL;
}

/* The state directory; NULL when everything is kept in memory. */
const char *
store_dir(void)
{
	return sdir;
}

int
store_same_dir(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}
