/*
 * The webhook notifier: one HTTP POST (or PUT, PATCH) per attempt of the
 * alert's JSON object (alert_json()) or of the notifier's body template
 * filled when the message was made, through libcurl in the event loop.  Any
 * 2xx answer delivers it; anything else is a failed attempt, retried by
 * the queue (queue.c) like a mail, so a fixed URL and a reload deliver
 * what waits.  The optional header's value comes from a private file and
 * is never logged.
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

struct hook {
	struct outmsg		*m;
	deliver_done_fn		 done;
	struct curl_slist	*headers;
	char			 error[CURL_ERROR_SIZE];
	char			 answer[160];	/* the start of the body */
	size_t			 alen;
};

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct hook	*h = arg;
	size_t		 n = size * nmemb, room;

	room = sizeof(h->answer) - 1 - h->alen;
	if (room > 0) {
		memcpy(h->answer + h->alen, ptr, n < room ? n : room);
		h->alen += n < room ? n : room;
	}
	return size * nmemb;
}

/* A receiver's answer that no retry will change: the URL is unknown
 * (404, 410) or refused (401, 403).  Outages (5xx), throttling (429) and
 * everything else are retried. */
static int
webhook_gone(long status)
{
	return status == 401 || status == 403 || status == 404 ||
	    status == 410;
}

static void
hook_done(void *easy, int code, void *arg)
{
	struct hook	*h = arg;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 256], *p;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	curl_slist_free_all(h->headers);
	if (code == CURLE_OK && status >= 200 && status < 300) {
		h->done(h->m, 1, NULL);
		free(h);
		return;
	}
	h->answer[h->alen] = '\0';
	for (p = h->answer; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	if (code != CURLE_OK)
		snprintf(why, sizeof(why), "%s%s%s", curl_easy_strerror(code),
		    h->error[0] ? ": " : "", h->error);
	else
		snprintf(why, sizeof(why), "HTTP %ld%s%s%s", status,
		    h->alen ? ": " : "", h->answer, webhook_gone(status) ?
		    "; check url (or url-file): the receiver does not know "
		    "it, or refuses tickerd" : "");
	h->m->permanent = code == CURLE_OK && webhook_gone(status);
	h->done(h->m, 0, why);
	free(h);
}

#define JSON_TYPE	"application/json; charset=utf-8"

void
webhook_deliver(const struct notifier *n, struct outmsg *m,
    deliver_done_fn done)
{
	struct net_opts	 opts = { .timeout = 30, .connect_timeout = 30,
			    .protocols = "http,https",
			    .user_agent = TICKERD_USER_AGENT };
	struct hook	*h = xcalloc(1, sizeof(*h));
	CURL		*e;
	char		*hdr, *ct;

	if (n->timeout > 0)
		opts.timeout = (long)n->timeout;
	e = net_easy(n->url, &opts);
	h->m = m;
	h->done = done;
	xasprintf(&ct, "Content-Type: %s", n->content_type != NULL ?
	    n->content_type : JSON_TYPE);
	h->headers = curl_slist_append(NULL, ct);
	free(ct);
	h->headers = curl_slist_append(h->headers, "Expect:");
	/* the same key on every attempt of one message, so that a receiver
	 * can drop the copy a crash after its answer makes (tickerd(8)) */
	xasprintf(&hdr, "Idempotency-Key: %s", m->id);
	h->headers = curl_slist_append(h->headers, hdr);
	free(hdr);
	if (n->header_name != NULL && n->header_value != NULL) {
		xasprintf(&hdr, "%s: %s", n->header_name, n->header_value);
		h->headers = curl_slist_append(h->headers, hdr);
		explicit_bzero(hdr, strlen(hdr));
		free(hdr);
	}
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	if (n->method != NULL && strcmp(n->method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, n->method);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, m->payload.data);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)m->payload.len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->error);
	net_add(e, hook_done, h);
}
