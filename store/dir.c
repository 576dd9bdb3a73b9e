/*
 * The state directory itself: made and locked at start, so that a second
 * daemon cannot use it; and the atomic write every file of it goes
 * through: a temporary file, fsync, rename, fsync of the folder.  A file
 * that cannot be read back (corrupt, or of a newer version) is moved
 * aside with a loud log line and tickerd starts afresh; it never crashes
 * on one.
 *
 * Write-ahead: an alert's messages are written to the outbox before the
 * rule states that record it are committed to state.json, and both before
 * the alert is logged or sent.  Each message carries its batch (the alerts
 * of one evaluation), the batch's size and the symbol's state after it, so
 * that recovery (outbox.c) can tell a committed batch (deliver it), a
 * complete one that was not committed (commit it, then deliver), and an
 * incomplete one (drop it: the quote is evaluated again and fires again).
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

static char	*sdir;			/* NULL: memory only */
static int	 lockfd = -1;

int
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
void
quarantine(const char *path, const char *why)
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

/*
 * Open the state directory: create it, lock it, restore state.json, and
 * recover the outbox, handing each message to deliver to queue().
 * dir NULL keeps everything in memory.  Returns 0, or -1 with err set.
 */
int
store_open(struct config *conf, const char *dir, store_queue_fn queue,
    char *err, size_t errlen)
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
	history_open();
	outbox_recover(conf, queue);
	return 0;
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

void
store_close(void)
{
	history_close();
	symstate_clear();
	if (lockfd != -1)
		close(lockfd);
	lockfd = -1;
	free(sdir);
	sdir = NULL;
}
