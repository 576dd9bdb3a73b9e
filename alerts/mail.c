/*
 * The mail notifier's transports, for one attempt at one message: SMTP
 * (smtp:// with STARTTLS when the server offers it, smtps://) through
 * libcurl in the event loop, or an mbox file.  Each calls notify_done()
 * with the outcome; retries are the queue's business (notify.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tickerd.h"

/* One SMTP attempt in flight. */
struct smtp {
	struct outmsg		*m;
	size_t			 sent;
	struct curl_slist	*rcpt;
	char			 error[CURL_ERROR_SIZE];
};

/* "tickerd <tickerd@HOSTNAME>" (caller frees). */
char *
mail_default_from(void)
{
	char	 host[256], *from;

	if (gethostname(host, sizeof(host)) == -1 || host[0] == '\0')
		tk_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	xasprintf(&from, "tickerd <tickerd@%s>", host);
	return from;
}

static char *
envelope_from(const struct notifier *n)
{
	char	*f = n->from ? xstrdup(n->from) : mail_default_from();
	char	*a = mail_addr(f);

	free(f);
	return a;
}

static size_t
read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct smtp	*x = arg;
	size_t		 n = size * nmemb, left = x->m->payload.len - x->sent;

	if (n > left)
		n = left;
	memcpy(ptr, x->m->payload.data + x->sent, n);
	x->sent += n;
	return n;
}

static void
smtp_done(void *easy, int code, void *arg)
{
	struct smtp	*x = arg;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 96];

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	curl_slist_free_all(x->rcpt);
	if (code == CURLE_OK) {
		notify_done(x->m, 1, NULL);
		free(x);
		return;
	}
	snprintf(why, sizeof(why), "%s%s%s", curl_easy_strerror(code),
	    x->error[0] ? ": " : "", x->error);
	if (status > 0) {
		size_t l = strlen(why);
		snprintf(why + l, sizeof(why) - l, " (last reply %ld)", status);
	}
	notify_done(x->m, 0, why);
	free(x);
}

static void
smtp_deliver(const struct notifier *n, struct outmsg *m)
{
	struct smtp	*x = xcalloc(1, sizeof(*x));
	CURL		*e;
	char		*from, *addr, *rcpt, *a;
	size_t		 i;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	x->m = m;
	from = envelope_from(n);
	xasprintf(&addr, "<%s>", from);
	free(from);
	for (i = 0; i < n->to.n; i++) {
		a = mail_addr(n->to.v[i]);
		xasprintf(&rcpt, "<%s>", a);
		x->rcpt = curl_slist_append(x->rcpt, rcpt);
		free(rcpt);
		free(a);
	}
	curl_easy_setopt(e, CURLOPT_URL, n->smtp);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr);	/* copied */
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->error);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 120L);
	if (strncmp(n->smtp, "smtp://", 7) == 0)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (n->user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, n->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, n->password);
	}
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#endif
	free(addr);
	net_add(e, smtp_done, x);
}

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
	return tail_contains(fd, id, MBOX_TAIL);
}

/*
 * Append to an mbox file: a "From " line, the message with LF endings,
 * lines starting with "From " quoted, a blank line; under an fcntl lock
 * that is never waited for (a busy mbox is retried).
 */
static int
mbox_deliver(const struct notifier *n, const struct outmsg *m, char *why,
    size_t whylen)
{
	struct buf	 out = { 0 };
	struct flock	 fl;
	char		 date[64], *from;
	const char	*p, *e, *end;
	time_t		 now = time(NULL);
	struct tm	 tm;
	ssize_t		 w;
	size_t		 off = 0;
	int		 fd, rc = -1;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	from = envelope_from(n);
	buf_printf(&out, "From %s %s\n", from[0] ? from : "tickerd", date);
	free(from);
	end = m->payload.data + m->payload.len;
	for (p = m->payload.data; p < end; p = e + 2) {
		if ((e = strstr(p, "\r\n")) == NULL)
			e = end;
		if (strncmp(p + strspn(p, ">"), "From ", 5) == 0 &&
		    (size_t)(e - p) >= strspn(p, ">") + 5)
			buf_puts(&out, ">");
		buf_add(&out, p, (size_t)(e - p));
		buf_puts(&out, "\n");
		if (e == end)
			break;
	}
	buf_puts(&out, "\n");

	if ((fd = open(n->mbox, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(why, whylen, "%s: %s", n->mbox, strerror(errno));
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
mail_deliver(const struct notifier *n, struct outmsg *m)
{
	char	 why[512];

	if (n->smtp != NULL) {
		smtp_deliver(n, m);
		return;
	}
	if (mbox_deliver(n, m, why, sizeof(why)) == -1) {
		notify_done(m, 0, why);
		return;
	}
	notify_done(m, 1, NULL);
}
