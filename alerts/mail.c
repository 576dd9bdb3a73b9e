/*
 * The mail notifier's transports, for one attempt at one message: SMTP
 * (smtp:// with STARTTLS when the server offers it or, with `starttls
 * required', always; smtps://) through libcurl in the event loop; a
 * sendmail program run with fork and execv (no shell), fed through a
 * non-blocking pipe and reaped on SIGCHLD; or an mbox file.  Each calls
 * notify_done() with the outcome; retries are the queue's business.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

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
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)(n->starttls ==
		    STARTTLS_REQUIRED ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (n->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, n->ca_file);
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

/* ---- sendmail ---- */

#define SENDMAIL_TIMEOUT	120

/* One sendmail child. */
struct child {
	TAILQ_ENTRY(child)	 entry;
	struct outmsg		*m;
	pid_t			 pid;
	int			 in;		/* the child's stdin */
	int			 out;		/* its stdout and stderr */
	struct event		*wev, *rev, *timer;
	struct buf		 data;		/* the message, LF endings */
	size_t			 off;
	char			 output[256];	/* its first words */
	size_t			 outlen;
	int			 killed;
};

static struct event_base	*mail_base;
static struct event		*sigchld;
static TAILQ_HEAD(, child)	 children = TAILQ_HEAD_INITIALIZER(children);

static void
child_close_in(struct child *c)
{
	if (c->wev != NULL)
		event_free(c->wev);
	c->wev = NULL;
	if (c->in != -1)
		close(c->in);
	c->in = -1;
}

static void
child_write(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	ssize_t		 w;

	while (c->off < c->data.len) {
		w = write(c->in, c->data.data + c->off, c->data.len - c->off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EAGAIN)
			return;
		if (w == -1) {		/* EPIPE: it exited; its status says why */
			child_close_in(c);
			return;
		}
		c->off += (size_t)w;
	}
	child_close_in(c);	/* EOF ends the message (-t -i) */
}

static void
child_read(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;
	char		 tmp[512];
	ssize_t		 r;
	size_t		 n;

	while ((r = read(c->out, tmp, sizeof(tmp))) > 0) {
		n = (size_t)r;
		if (n > sizeof(c->output) - 1 - c->outlen)
			n = sizeof(c->output) - 1 - c->outlen;
		memcpy(c->output + c->outlen, tmp, n);
		c->outlen += n;
	}
	if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR)) {
		event_del(c->rev);
	}
}

static void
child_timeout(evutil_socket_t fd, short ev, void *arg)
{
	struct child	*c = arg;

	c->killed = 1;
	kill(c->pid, SIGTERM);
}

static void
child_free(struct child *c)
{
	child_close_in(c);
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->out != -1)
		close(c->out);
	buf_free(&c->data);
	free(c);
}

static void
child_exited(struct child *c, int status)
{
	const struct notifier	*n;
	char			 why[512], *p;

	child_read(c->out, EV_READ, c);	/* what it said last */
	c->output[c->outlen] = '\0';
	for (p = c->output; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	TAILQ_REMOVE(&children, c, entry);
	n = config_notifier(tickerd_conf(), c->m->notifier);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    c->off == c->data.len) {
		notify_done(c->m, 1, NULL);
		child_free(c);
		return;
	}
	if (c->killed)
		snprintf(why, sizeof(why), "sendmail took longer than %ds "
		    "and was stopped", SENDMAIL_TIMEOUT);
	else if (WIFEXITED(status))
		snprintf(why, sizeof(why), "%s exited with status %d%s%s",
		    n && n->sendmail ? n->sendmail : "sendmail",
		    WEXITSTATUS(status), c->outlen ? ": " : "", c->output);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "%s was killed by signal %d",
		    n && n->sendmail ? n->sendmail : "sendmail",
		    WTERMSIG(status));
	else
		snprintf(why, sizeof(why), "sendmail did not take the "
		    "whole message");
	notify_done(c->m, 0, why);
	child_free(c);
}

static void
sigchld_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct child	*c, *next;
	int		 status;
	pid_t		 pid;

	for (c = TAILQ_FIRST(&children); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if ((pid = waitpid(c->pid, &status, WNOHANG)) == c->pid)
			child_exited(c, status);
	}
}

size_t
mail_children(void)
{
	struct child	*c;
	size_t		 n = 0;

	TAILQ_FOREACH(c, &children, entry)
		n++;
	return n;
}

void
mail_init(struct event_base *base)
{
	mail_base = base;
	if ((sigchld = evsignal_new(base, SIGCHLD, sigchld_cb, NULL)) == NULL ||
	    evsignal_add(sigchld, NULL) == -1)
		fatalx("cannot watch SIGCHLD");
}

/* At exit: children still running are not waited for long. */
void
mail_shutdown(void)
{
	struct child	*c;
	int		 status;

	while ((c = TAILQ_FIRST(&children)) != NULL) {
		TAILQ_REMOVE(&children, c, entry);
		kill(c->pid, SIGTERM);
		(void)waitpid(c->pid, &status, 0);
		notify_done(c->m, 0, "stopping");
		child_free(c);
	}
	if (sigchld != NULL)
		event_free(sigchld);
	sigchld = NULL;
}

static void
sendmail_deliver(const struct notifier *n, struct outmsg *m)
{
	char		*argv[] = { n->sendmail, "-t", "-i", NULL };
	const char	*p, *e, *end;
	struct child	*c;
	struct timeval	 tv = { SENDMAIL_TIMEOUT, 0 };
	char		 why[512];
	int		 in[2], out[2], fd;
	sigset_t	 all;

	if (mail_base == NULL)
		fatalx("sendmail: mail_init was not called");
	if (pipe2(in, O_CLOEXEC) == -1) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		notify_done(m, 0, why);
		return;
	}
	if (pipe2(out, O_CLOEXEC) == -1) {
		snprintf(why, sizeof(why), "pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		notify_done(m, 0, why);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->m = m;
	/* local mail takes the local line ending */
	end = m->payload.data + m->payload.len;
	for (p = m->payload.data; p < end; p = e + 2) {
		if ((e = strstr(p, "\r\n")) == NULL)
			e = end;
		buf_add(&c->data, p, (size_t)(e - p));
		buf_puts(&c->data, "\n");
		if (e == end)
			break;
	}
	switch (c->pid = fork()) {
	case -1:
		snprintf(why, sizeof(why), "fork: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		buf_free(&c->data);
		free(c);
		notify_done(m, 0, why);
		return;
	case 0:
		/* only async-signal-safe calls from here to execv */
		if (dup2(in[0], 0) == -1 || dup2(out[1], 1) == -1 ||
		    dup2(out[1], 2) == -1)
			_exit(75);
		for (fd = 3; fd < 1024; fd++)
			(void)close(fd);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(argv[0], argv);
		(void)!write(2, "cannot execute it", 17);
		_exit(75);	/* EX_TEMPFAIL: try again later */
	}
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = out[0];
	(void)fcntl(c->in, F_SETFL, O_NONBLOCK);
	(void)fcntl(c->out, F_SETFL, O_NONBLOCK);
	if ((c->wev = event_new(mail_base, c->in, EV_WRITE | EV_PERSIST,
	    child_write, c)) == NULL ||
	    (c->rev = event_new(mail_base, c->out, EV_READ | EV_PERSIST,
	    child_read, c)) == NULL ||
	    (c->timer = evtimer_new(mail_base, child_timeout, c)) == NULL)
		fatalx("event_new");
	event_add(c->wev, NULL);
	event_add(c->rev, NULL);
	evtimer_add(c->timer, &tv);
	TAILQ_INSERT_TAIL(&children, c, entry);
}

void
mail_deliver(const struct notifier *n, struct outmsg *m)
{
	char	 why[512];

	if (n->smtp != NULL) {
		smtp_deliver(n, m);
		return;
	}
	if (n->sendmail != NULL) {
		sendmail_deliver(n, m);
		return;
	}
	if (mbox_deliver(n, m, why, sizeof(why)) == -1) {
		notify_done(m, 0, why);
		return;
	}
	notify_done(m, 1, NULL);
}
