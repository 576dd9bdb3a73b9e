/*
 * The mail notifier over SMTP: smtp:// with STARTTLS when the server
 * offers it (or, with `starttls required', always), or smtps://, through
 * libcurl.  libcurl waits for the server's answer to the end of the
 * message inside its transfer, whatever interface drives it, so a server
 * that stalls there would stall the event loop: each attempt runs in a
 * child (child.c), which the loop watches, stops at its deadline, and
 * kills at a stop.  One attempt per call; the outcome goes to the
 * callback, and retries are the queue's business.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define SMTP_TIMEOUT	120	/* the whole transfer, libcurl's limit */
#define SMTP_DEADLINE	130	/* the child's, should libcurl not keep it */

/* One attempt, as the child sees it. */
struct smtp {
	const struct notifier	*n;
	const struct outmsg	*m;
	size_t			 sent;
};

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

/* The transfer's envelope and options. */
static void
setup(CURL *e, struct smtp *x, struct curl_slist **rcpt, char *error)
{
	const struct notifier	*n = x->n;
	char			*from, *addr, *a;
	size_t			 i;

	from = mail_envelope(n->from);
	xasprintf(&addr, "<%s>", from);
	for (i = 0; i < n->to.n; i++) {
		a = mail_addr(n->to.v[i]);
		xasprintf(&from, "<%s>", a);
		*rcpt = curl_slist_append(*rcpt, from);
		free(from);
		free(a);
	}
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr);	/* copied */
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, *rcpt);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
	if (strncmp(n->smtp, "smtp://", 7) == 0)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)(n->starttls ==
		    STARTTLS_REQUIRED ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (n->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, n->ca_file);
	if (n->user != NULL) {
		curl_easy_setopt(e, CURLOPT_USERNAME, n->user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, n->password);
	}
	free(addr);
}

#define SMTP_PERMANENT	3	/* the child's exit: a 5xx to RCPT or AUTH */

/*
 * In the child: the transfer, to its end.  Exits 0 when the server took
 * the message, else 1 after writing why to stdout, or SMTP_PERMANENT
 * when the server refused a recipient or the login for good (a 5xx
 * reply, RFC 5321 4.2.1): no retry of the same message will pass.
 */
static int
transfer(void *arg)
{
	static const struct net_opts opts = { .timeout = SMTP_TIMEOUT,
	    .connect_timeout = 30, .protocols = "smtp,smtps" };
	struct smtp		*x = arg;
	struct curl_slist	*rcpt = NULL;
	char			 error[CURL_ERROR_SIZE] = "";
	CURLM			*multi = curl_multi_init();
	CURL			*e = net_easy(x->n->smtp, &opts);
	CURLMsg			*msg;
	CURLcode		 code = CURLE_FAILED_INIT;
	long			 status = 0;
	int			 running = 1, left;

	setup(e, x, &rcpt, error);
	if (multi == NULL || curl_multi_add_handle(multi, e) != CURLM_OK)
		running = 0;
	while (running > 0 && curl_multi_perform(multi, &running) ==
	    CURLM_OK)
		if (running > 0)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	if ((msg = curl_multi_info_read(multi, &left)) != NULL &&
	    msg->msg == CURLMSG_DONE)
		code = msg->data.result;
	if (code == CURLE_OK)
		return 0;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	printf("%s%s%s", curl_easy_strerror(code), error[0] ? ": " : "",
	    error);
	if (status > 0)
		printf(" (last reply %ld)", status);
	if (status >= 500 && status < 600 && code == CURLE_LOGIN_DENIED) {
		printf("; check user and password-file");
		fflush(stdout);
		return SMTP_PERMANENT;
	}
	if (status >= 500 && status < 600 && strstr(error, "RCPT") != NULL) {
		printf("; check the notifier's to addresses");
		fflush(stdout);
		return SMTP_PERMANENT;
	}
	fflush(stdout);
	return 1;
}

void
smtp_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn done)
{
	struct smtp		 x = { n, m, 0 };
	struct child_spec	 cs = { .name = "SMTP", .fn = transfer,
				    .arg = &x, .output_why = 1,
				    .permanent_exit = SMTP_PERMANENT,
				    .timeout = SMTP_DEADLINE };

	child_deliver(&cs, NULL, m, done);
}
