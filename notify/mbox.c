/*
 * The mail notifier into an mbox file: a "From " line, the message with
 * LF endings and lines starting with "From " quoted, a blank line; under
 * an fcntl lock that is never waited for (a busy mbox is retried).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define MBOX_TAIL	(256 * 1024)

/*
 * Whether the message is already at the end of the mbox: a crash between
 * appending it and removing it from the outbox must not append it twice.
 * Its Message-ID is looked for in the file's last 256 KiB.
 */
static int
mbox_has(int fd, const struct outmsg *m)
{
	const char	*h = strstr(m->payload.data, "\r\nMessage-ID: ");
	char		 id[600];
	size_t		 len;

	if (h == NULL)
		return 0;
	h += 2;
	len = strcspn(h, "\r");
	if (len >= sizeof(id))
		return 0;
	memcpy(id, h, len);
	id[len] = '\0';
	return buf_tail_contains(fd, id, MBOX_TAIL);
}

/*
 * Append to an mbox file: a "From " line, the message with LF endings,
 * lines starting with "From " quoted, a blank line; under an fcntl lock
 * that is never waited for (a busy mbox is retried).
 */
static int
mbox_append(const struct notifier *n, const struct outmsg *m, char *why,
    size_t whylen)
{
	struct buf	 out = { 0 };
	struct flock	 fl;
	struct stat	 st;
	char		 date[64], *from;
	time_t		 now = clock_now();
	struct tm	 tm;
	ssize_t		 w;
	size_t		 off = 0;
	int		 fd, rc = -1;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	from = mail_envelope(n->from);
	buf_printf(&out, "From %s %s\n", from[0] ? from : "tickerd", date);
	free(from);
	mail_lf(&out, m->payload.data, m->payload.len, 1);
	buf_puts(&out, "\n");

	if ((fd = open(n->mbox, O_RDWR | O_APPEND | O_CREAT | O_NONBLOCK |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(why, whylen, "%s: %s", n->mbox, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s: not a regular file", n->mbox);
		goto out;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		snprintf(why, whylen, "%s: locked by another process", n->mbox);
		goto out;
	}
	if (mbox_has(fd, m)) {
		log_info("mail %s: \"%s\" is already in %s", m->notifier,
		    m->subject, n->mbox);
		rc = 0;
		goto out;
	}
	while (off < out.len) {
		if ((w = write(fd, out.data + off, out.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "%s: %s", n->mbox,
			    strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 && errno != EINVAL) {
		snprintf(why, whylen, "%s: fsync: %s", n->mbox,
		    strerror(errno));
		goto out;
	}
	rc = 0;
 out:
	if (fd != -1)
		close(fd);
	buf_free(&out);
	return rc;
}

void
mbox_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn done)
{
	char	 why[512];

	if (mbox_append(n, m, why, sizeof(why)) == -1)
		done(m, 0, why);
	else
		done(m, 1, NULL);
}
