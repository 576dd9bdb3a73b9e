/*
 * The mail notifier over SMTP: smtp:// with STARTTLS when the server
 * offers it (or, with `starttls required', always), or smtps://, through
 * libcurl in the event loop.  One attempt per call; the outcome goes to
 * the callback, and retries are the queue's business.
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

/* One SMTP attempt in flight. */
struct smtp {
	struct outmsg		*m;
	deliver_done_fn		 done;
	size_t			 sent;
	struct curl_slist	*rcpt;
	char			 error[CURL_ERROR_SIZE];
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

static void
smtp_done(void *easy, int code, void *arg)
{
	struct smtp	*x = arg;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 96];
	size_t		 l;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	curl_slist_free_all(x->rcpt);
	if (code == CURLE_OK)
		x->done(x->m, 1, NULL);
	else {
		snprintf(why, sizeof(why), "%s%s%s", curl_easy_strerror(code),
		    x->error[0] ? ": " : "", x->error);
		if (status > 0) {
			l = strlen(why);
			snprintf(why + l, sizeof(why) - l, " (last reply %ld)",
			    status);
		}
		x->done(x->m, 0, why);
	}
	free(x);
}

void
smtp_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn done)
{
	static const struct net_opts opts = { 120, 30, "smtp,smtps", NULL, 0 };
	struct smtp	*x = xcalloc(1, sizeof(*x));
	CURL		*e = net_easy(n->smtp, &opts);
	char		*from, *addr, *rcpt, *a;
	size_t		 i;

	x->m = m;
	x->done = done;
	from = mail_envelope(n->from);
	xasprintf(&addr, "<%s>", from);
	free(from);
	for (i = 0; i < n->to.n; i++) {
		a = mail_addr(n->to.v[i]);
		xasprintf(&rcpt, "<%s>", a);
		x->rcpt = curl_slist_append(x->rcpt, rcpt);
		free(rcpt);
		free(a);
	}
	curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr);	/* copied */
	curl_easy_setopt(e, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(e, CURLOPT_READDATA, x);
	curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->error);
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
	net_add(e, smtp_done, x);
}
