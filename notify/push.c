/*
 * The phone services' transport: one HTTPS request per attempt, through
 * libcurl in the event loop, of a message pushmsg.c made.  The endpoint
 * and the credentials come from the notifier of the moment, so a new
 * token and a reload deliver what waits:
 *
 *	telegram	API/bot<token>/sendMessage
 *	discord, slack	the URL of the url-file (API: its origin replaced)
 *	ntfy		SERVER/<topic>, Authorization: Bearer <token>
 *	pushover	API/1/messages.json, token= and user= in the form
 *	gotify		SERVER/message, X-Gotify-Key: <token>
 *
 * An answer is read as its service documents it: Telegram's and
 * Pushover's JSON say whether a 200 delivered; errors give their
 * service's description.  A 429 gives how long to wait: Telegram's
 * parameters.retry_after, Discord's retry_after (its JSON, in seconds),
 * or the Retry-After header; and a Discord answer whose
 * X-RateLimit-Remaining is 0 says when the bucket refills.  The queue
 * then holds the notifier's messages that long.  No secret reaches a
 * log: a reason is made by text_printf(), which hides every run of a
 * registered secret (lib/secret.c) before it cuts the text.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define ANSWER_MAX	(1 << 20)	/* a delivered text comes back in it */
#define WAIT_MAX	3600.0	/* a longer wait is taken as this */

struct push {
	struct outmsg		*m;
	deliver_done_fn		 done;
	enum notifier_type	 type;
	struct curl_slist	*headers;
	char			*url;
	char			*body;
	struct net_body		 answer;
	char			 error[CURL_ERROR_SIZE];
};

static const char *const service_names[] = {
	[NOTIFIER_TELEGRAM] = "Telegram", [NOTIFIER_DISCORD] = "Discord",
	[NOTIFIER_SLACK] = "Slack", [NOTIFIER_NTFY] = "ntfy",
	[NOTIFIER_PUSHOVER] = "Pushover", [NOTIFIER_GOTIFY] = "Gotify",
};

/* base without its trailing slashes, then path. */
static char *
join(const char *base, const char *path)
{
	size_t	 len = strlen(base);
	char	*s;

	while (len > 0 && base[len - 1] == '/')
		len--;
	xasprintf(&s, "%.*s%s", (int)len, base, path);
	return s;
}

/* A webhook URL with its origin (scheme://host:port) replaced by api. */
static char *
reorigin(const char *url, const char *api)
{
	const char	*p = strstr(url, "://");

	if (api == NULL || p == NULL)
		return xstrdup(url);
	p += 3;
	return join(api, p + strcspn(p, "/?#"));
}

/* The request's URL, from the notifier. */
static void
endpoint(struct push *h, const struct notifier *n)
{
	const char	*server = n->api ? n->api : n->server;
	char		*path;

	switch (n->type) {
	case NOTIFIER_TELEGRAM:
		xasprintf(&path, "/bot%s/sendMessage", n->token);
		h->url = join(n->api ? n->api : "https://api.telegram.org",
		    path);
		free(path);
		break;
	case NOTIFIER_DISCORD:
	case NOTIFIER_SLACK:
		h->url = reorigin(n->secret_url, n->api);
		break;
	case NOTIFIER_NTFY:
		xasprintf(&path, "/%s", n->topic);
		h->url = join(server ? server : "https://ntfy.sh", path);
		free(path);
		break;
	case NOTIFIER_PUSHOVER:
		h->url = join(n->api ? n->api : "https://api.pushover.net",
		    "/1/messages.json");
		break;
	default:
		h->url = join(server, "/message");
		break;
	}
}

/*
 * The headers and body of the request: the message's own header lines
 * and body (pushmsg.c), with the credentials added.
 */
static void
compose(struct push *h, const struct notifier *n, const struct outmsg *m)
{
	const char	*p = m->payload.data ? m->payload.data : "\n";
	const char	*eol;
	char		*line;

	h->headers = curl_slist_append(NULL, "Expect:");
	while (*p != '\0' && *p != '\n') {
		eol = p + strcspn(p, "\n");
		line = xstrndup(p, (size_t)(eol - p));
		h->headers = curl_slist_append(h->headers, line);
		free(line);
		p = *eol ? eol + 1 : eol;
	}
	if (*p == '\n')
		p++;
	line = NULL;
	if (n->type == NOTIFIER_NTFY && n->token != NULL)
		xasprintf(&line, "Authorization: Bearer %s", n->token);
	else if (n->type == NOTIFIER_GOTIFY)
		xasprintf(&line, "X-Gotify-Key: %s", n->token);
	if (line != NULL) {
		h->headers = curl_slist_append(h->headers, line);
		values_secret_free(line);
	}
	if (n->type == NOTIFIER_PUSHOVER)
		xasprintf(&h->body, "token=%s&user=%s&%s", n->token,
		    n->user_key, p);
	else
		h->body = xstrdup(p);
}

/* How long the answer's JSON asks to wait; 0: it does not say. */
static double
wait_said(json_t *j)
{
	json_t	*v;
	double	 w = 0;

	if ((v = json_object_get(json_object_get(j, "parameters"),
	    "retry_after")) != NULL || (v = json_object_get(j,
	    "retry_after")) != NULL)
		w = json_number_value(v);
	if (!isfinite(w) || w <= 0)
		return 0;
	return w > WAIT_MAX ? WAIT_MAX : w;
}

/* How long an answer's headers ask to wait: Retry-After, or Discord's. */
static double
wait_headed(void *easy)
{
	struct curl_header	*hd;
	curl_off_t		 after = 0;
	double			 w = 0;

	if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &after) ==
	    CURLE_OK && after > 0)
		w = (double)after;
	if (w <= 0 && curl_easy_header(easy, "X-RateLimit-Reset-After", 0,
	    CURLH_HEADER, -1, &hd) == CURLHE_OK)
		w = strtod(hd->value, NULL);
	if (!isfinite(w) || w <= 0)
		return 0;
	return w > WAIT_MAX ? WAIT_MAX : w;
}

/* After a delivery: Discord's bucket is empty until it resets. */
static double
bucket_empty(void *easy)
{
	struct curl_header	*hd;
	double			 w;

	if (curl_easy_header(easy, "X-RateLimit-Remaining", 0, CURLH_HEADER,
	    -1, &hd) != CURLHE_OK || strtol(hd->value, NULL, 10) > 0)
		return 0;
	if (curl_easy_header(easy, "X-RateLimit-Reset-After", 0, CURLH_HEADER,
	    -1, &hd) != CURLHE_OK)
		return 0;
	w = strtod(hd->value, NULL);
	return isfinite(w) && w > 0 ? (w > WAIT_MAX ? WAIT_MAX : w) : 0;
}

/* What a service's error answer says, in its own words, uncut. */
static const char *
described(enum notifier_type t, json_t *j, const char *raw)
{
	json_t		*errs = json_object_get(j, "errors");
	const char	*s = NULL;

	switch (t) {
	case NOTIFIER_TELEGRAM: s = jstr(j, "description"); break;
	case NOTIFIER_DISCORD: s = jstr(j, "message"); break;
	case NOTIFIER_NTFY: s = jstr(j, "error"); break;
	case NOTIFIER_PUSHOVER:
		s = json_string_value(json_array_get(errs, 0));
		break;
	case NOTIFIER_GOTIFY:
		if (*(s = jstr(j, "errorDescription")) == '\0')
			s = jstr(j, "error");
		break;
	default: break;
	}
	return s != NULL && *s != '\0' ? s : raw;
}

/* Whether a 2xx answer delivered: Telegram and Pushover say so. */
static int
accepted(enum notifier_type t, json_t *j)
{
	if (t == NOTIFIER_TELEGRAM && j != NULL)
		return json_is_true(json_object_get(j, "ok"));
	if (t == NOTIFIER_PUSHOVER && j != NULL)
		return jint(j, "status") == 1;
	return 1;
}

/*
 * Whether a failed answer is the service's documented word that this
 * notifier cannot deliver at all (a bad token, chat, user or webhook),
 * not an outage; then fix gets what to check.
 */
static int
permanent(enum notifier_type t, long status, json_t *j, const char *said,
    const char **fix)
{
	static const char *const slack_gone[] = { "invalid_token",
	    "channel_not_found", "no_service", "no_team", "team_disabled",
	    "channel_is_archived", "action_prohibited", NULL };
	size_t	 i;

	*fix = "check the notifier's settings";
	switch (t) {
	case NOTIFIER_TELEGRAM:
		if (status == 401) {
			*fix = "check token-file";
			return 1;
		}
		if (status == 403) {
			*fix = "start a chat with the bot, or check chat-id";
			return 1;
		}
		if (status == 400 && strstr(said, "chat not found") != NULL) {
			*fix = "check chat-id";
			return 1;
		}
		return 0;
	case NOTIFIER_DISCORD:
		*fix = "check url-file: the webhook was deleted or its token "
		    "is wrong";
		return status == 401 || status == 403 || status == 404;
	case NOTIFIER_SLACK:
		*fix = "check url-file: the webhook was revoked or its "
		    "channel is gone";
		for (i = 0; slack_gone[i] != NULL; i++)
			if (strstr(said, slack_gone[i]) != NULL)
				return status >= 400;
		return 0;
	case NOTIFIER_PUSHOVER:
		if (status != 400 || !json_is_array(json_object_get(j,
		    "errors")))
			return 0;
		*fix = json_object_get(j, "user") != NULL ? "check user-file" :
		    json_object_get(j, "token") != NULL ? "check token-file" :
		    "check the notifier's settings";
		return 1;
	case NOTIFIER_GOTIFY:
		*fix = "check token-file (an application token)";
		return status == 401 || status == 403;
	case NOTIFIER_NTFY:
		*fix = "check token-file and the topic's access";
		return status == 401 || status == 403;
	default:
		return 0;
	}
}

/*
 * A service's answer of status and the len bytes at body, read as the
 * service documents it: 1 when it delivered; 0 when it failed, with the
 * reason in why (of size len, the service's words, secrets hidden before
 * the cut) and, for a 429, how long its JSON asks to wait in *wait (0:
 * not said); -1 when it failed for good (permanent()), why ending in
 * what to fix.
 */
int
push_answer(enum notifier_type t, long status, const char *body, size_t len,
    char *why, size_t whylen, double *wait)
{
	json_t		*j = len > 0 ? json_loadb(body, len, 0, NULL) : NULL;
	const char	*said, *fix;
	char		*raw;
	int		 ok = 0;

	*wait = 0;
	if (status >= 200 && status < 300 && accepted(t, j))
		ok = 1;
	else {
		raw = xstrndup(body, len);	/* up to a NUL, if any */
		said = described(t, j, raw);
		if (permanent(t, status, j, said, &fix)) {
			text_printf(why, whylen, "%s answered HTTP %ld%s%s; %s",
			    service_names[t], status, *said ? ": " : "", said,
			    fix);
			ok = -1;
		} else
			text_printf(why, whylen, "%s answered HTTP %ld%s%s",
			    service_names[t], status, *said ? ": " : "", said);
		free(raw);
		if (status == 429)
			*wait = wait_said(j);
	}
	json_decref(j);
	return ok;
}

static void
push_free(struct push *h)
{
	curl_slist_free_all(h->headers);
	values_secret_free(h->url);
	values_secret_free(h->body);
	buf_free(&h->answer.buf);
	free(h);
}

static void
push_done(void *easy, int code, void *arg)
{
	struct push	*h = arg;
	long		 status = 0;
	char		 why[CURL_ERROR_SIZE + 600];
	double		 answered = clock_mono(), wait = 0;
	int		 said = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	h->m->retry_after = 0;
	h->m->permanent = 0;
	if (code == CURLE_OK)
		said = push_answer(h->type, status, h->answer.buf.data ?
		    h->answer.buf.data : "", h->answer.buf.len, why, 512,
		    &wait);
	if (said == 1) {
		h->m->retry_after = bucket_empty(easy);
		curl_easy_cleanup(easy);
		h->done(h->m, 1, NULL);		/* forgets it, at once */
		log_debug("%s: the outbox entry was gone %.3f ms after the "
		    "answer", service_names[h->type],
		    (clock_mono() - answered) * 1000);
		push_free(h);
		return;
	}
	if (code != CURLE_OK)
		text_printf(why, sizeof(why), "%s%s%s",
		    net_strerror(code, &h->answer),
		    h->error[0] && !h->answer.over ? ": " : "",
		    h->answer.over ? "" : h->error);
	else if (status == 429)
		h->m->retry_after = wait > 0 ? wait : wait_headed(easy);
	h->m->permanent = said == -1;
	curl_easy_cleanup(easy);
	h->done(h->m, 0, why);
	push_free(h);
}

/* One attempt to deliver m through phone service notifier n. */
void
push_deliver(const struct notifier *n, struct outmsg *m,
    deliver_done_fn done)
{
	struct net_opts	 opts = { .timeout = 30, .connect_timeout = 30,
			    .protocols = "http,https",
			    .user_agent = TICKERD_USER_AGENT };
	struct push	*h = xcalloc(1, sizeof(*h));
	CURL		*e;

	if (n->timeout > 0)
		opts.timeout = (long)n->timeout;
	h->m = m;
	h->done = done;
	h->type = n->type;
	h->answer.max = ANSWER_MAX;
	endpoint(h, n);
	compose(h, n, m);
	e = net_easy(h->url, &opts);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, h->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(h->body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->error);
	net_collect(e, &h->answer);
	net_add(e, push_done, h);
}
