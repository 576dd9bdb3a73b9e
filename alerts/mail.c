/*
 * The mail notifier's transports: SMTP (smtp:// with STARTTLS when the
 * server offers it, smtps://) through libcurl in the event loop, and an
 * mbox file.  A failed delivery is retried with exponential backoff and
 * jitter, 30 seconds first, doubling, at most an hour apart, through the
 * notifier of the same name as it is configured at that moment.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "tickerd.h"

#define RETRY_FIRST	30
#define RETRY_MAX	3600

struct delivery {
	TAILQ_ENTRY(delivery)	 entry;
	char			*notifier;	/* name, looked up each try */
	char			*subject;	/* for logs */
	char			*envfrom;	/* envelope sender address */
	struct buf		 msg;		/* CRLF message */
	size_t			 sent;		/* SMTP upload offset */
	int			 attempts;
	struct event		*timer;
	struct curl_slist	*rcpt;
	struct event_base	*base;
	char			 error[CURL_ERROR_SIZE];
};

static void	deliver(struct delivery *);

static TAILQ_HEAD(, delivery) deliveries = TAILQ_HEAD_INITIALIZER(deliveries);

static void
delivery_free(struct delivery *d)
{
	TAILQ_REMOVE(&deliveries, d, entry);
	if (d->timer != NULL)
		event_free(d->timer);
	curl_slist_free_all(d->rcpt);
	buf_free(&d->msg);
	free(d->notifier);
	free(d->subject);
	free(d->envfrom);
	free(d);
	work_end();
}

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	deliver(arg);
}

/* A failed attempt: retry later, or, with --once, give up now. */
static void
failed(struct delivery *d, const char *why)
{
	struct timeval	 tv;
	long		 delay = RETRY_FIRST;
	int		 i;

	if (tickerd_once()) {
		log_warnx("mail %s: \"%s\" not delivered: %s", d->notifier,
		    d->subject, why);
		tickerd_delivery_failed();
		delivery_free(d);
		return;
	}
	for (i = 1; i < d->attempts && delay < RETRY_MAX; i++)
		delay *= 2;
	if (delay > RETRY_MAX)
		delay = RETRY_MAX;
	delay = delay * 9 / 10 + (long)(random() % (delay / 5 + 1));
	log_warnx("mail %s: \"%s\" not delivered (attempt %d): %s; next try "
	    "in %lds", d->notifier, d->subject, d->attempts, why, delay);
	if (d->timer == NULL &&
	    (d->timer = evtimer_new(d->base, retry_cb, d)) == NULL)
		fatalx("evtimer_new");
	tv.tv_sec = delay;
	tv.tv_usec = 0;
	evtimer_add(d->timer, &tv);
}

static size_t
read_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct delivery	*d = arg;
	size_t		 n = size * nmemb, left = d->msg.len - d->sent;

	if (n > left)
		n = left;
	memcpy(ptr, d->msg.data + d->sent, n);
	d->sent += n;
	return n;
}

static void
smtp_done(void *easy, int code, void *arg)
{
	struct delivery	*d = arg;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 64];

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	if (code == CURLE_OK) {
		log_info("mail %s: delivered \"%s\"", d->notifier, d->subject);
		delivery_free(d);
		return;
	}
	snprintf(why, sizeof(why), "%s%s%s", curl_easy_strerror(code),
	    d->error[0] ? ": " : "", d->error);
	if (status > 0 && strstr(why, "response") == NULL) {
		size_t l = strlen(why);
		snprintf(why + l, sizeof(why) - l, " (server said %ld)",
		    status);
	}
	failed(d, why);
}

static void
smtp_deliver(struct delivery *d, const struct notifier *n)
{
	CURL	*e;
	char	*addr, *rcpt;
	size_t	 i;

	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	xasprintf(&addr, "<%s>", d->envfrom);
	curl_slist_free_all(d->rcpt);
	d->rcpt = NULL;
	for (i = 0; i < n->to.n; i++) {
		char *a = mail_addr(n->to.v[i]);
		xasprintf(&rcpt, "<%s>", a);
		d->rcpt = curl_slist_append(d->rcpt, rcpt);
		free(rcpt);
		free(a);
	}
	d->sent = 0;
	d->error[0] = '\0';
	curl_easy_setopt(e, CURLOPT_URL, n->smtp);
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, d->rcpt);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, d);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, d->error);
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
	/* libcurl copies the MAIL FROM string */
	free(addr);
	net_add(e, smtp_done, d);
}

/*
 * Append to an mbox file: a "From " line, the message with LF endings,
 * lines starting with "From " quoted, a blank line; under an fcntl lock.
 */
static int
mbox_deliver(struct delivery *d, const struct notifier *n, char *why,
    size_t whylen)
{
	struct buf	 out = { 0 };
	struct flock	 fl;
	char		 date[64];
	const char	*p, *e, *end;
	time_t		 now = time(NULL);
	struct tm	 tm;
	ssize_t		 w;
	size_t		 off = 0;
	int		 fd;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	buf_printf(&out, "From %s %s\n", d->envfrom[0] ? d->envfrom :
	    "tickerd", date);
	end = d->msg.data + d->msg.len;
	for (p = d->msg.data; p < end; p = e + 2) {
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = end;
		if (strncmp(p, "From ", 5) == 0 || (*p == '>' &&
		    strspn(p, ">") + 5 <= (size_t)(e - p) &&
		    strncmp(p + strspn(p, ">"), "From ", 5) == 0))
			buf_puts(&out, ">");
		buf_add(&out, p, (size_t)(e - p));
		buf_puts(&out, "\n");
		if (e == end)
			break;
	}
	buf_puts(&out, "\n");

	if ((fd = open(n->mbox, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(why, whylen, "%s: %s", n->mbox, strerror(errno));
		buf_free(&out);
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		/* another writer holds it: never wait in the loop, retry */
		snprintf(why, whylen, "%s: locked by another process",
		    n->mbox);
		close(fd);
		buf_free(&out);
		return -1;
	}
	while (off < out.len) {
		if ((w = write(fd, out.data + off, out.len - off)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(why, whylen, "%s: %s", n->mbox,
			    strerror(errno));
			close(fd);
			buf_free(&out);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) == -1 && errno != EINVAL) {
		snprintf(why, whylen, "%s: fsync: %s", n->mbox,
		    strerror(errno));
		close(fd);
		buf_free(&out);
		return -1;
	}
	close(fd);
	buf_free(&out);
	return 0;
}

static void
deliver(struct delivery *d)
{
	struct notifier	*n = config_notifier(tickerd_conf(), d->notifier);
	char		 why[512];

	d->attempts++;
	if (n == NULL || n->type != NOTIFIER_MAIL) {
		failed(d, "no mail notifier of that name in the configuration");
		return;
	}
	if (n->smtp != NULL) {
		smtp_deliver(d, n);
		return;
	}
	if (mbox_deliver(d, n, why, sizeof(why)) == -1) {
		failed(d, why);
		return;
	}
	log_info("mail %s: delivered \"%s\" to %s", d->notifier, d->subject,
	    n->mbox);
	delivery_free(d);
}

void
mail_send(struct event_base *base, const struct notifier *n,
    const struct alert *a)
{
	struct delivery	*d = xcalloc(1, sizeof(*d));
	char		 msgid[512], subj[256], *from = NULL, host[256];

	if (n->from == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			tk_strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		xasprintf(&from, "tickerd <tickerd@%s>", host);
	}
	mail_msgid(msgid, sizeof(msgid));
	mail_compose(&d->msg, n->from ? n->from : from, &n->to, a, 1,
	    time(NULL), msgid);
	d->envfrom = mail_addr(n->from ? n->from : from);
	free(from);
	alert_subject(a, subj, sizeof(subj));
	d->subject = xstrdup(subj);
	d->notifier = xstrdup(n->name);
	d->base = base;
	TAILQ_INSERT_TAIL(&deliveries, d, entry);
	work_begin();
	deliver(d);
}

/*
 * At exit: say what was not delivered (an SMTP transfer in flight is
 * aborted by net_shutdown) and free it.
 */
void
mail_shutdown(void)
{
	struct delivery	*d;

	while ((d = TAILQ_FIRST(&deliveries)) != NULL) {
		log_warnx("mail %s: \"%s\" not delivered before exit",
		    d->notifier, d->subject);
		delivery_free(d);
	}
}
