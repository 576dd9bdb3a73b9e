/*
 * `metrics "127.0.0.1:9464"' (or a socket path): GET /metrics answers
 * Prometheus' text exposition format, version 0.0.4, from libevent's
 * evhttp in the daemon's own loop.  Read-only: any other method is 405.
 * The quote ages are given for at most METRICS_SYMBOLS symbols (the
 * first of the watchlist), so that the label sets stay bounded.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define METRICS_SYMBOLS	1000

static struct event_base	*mbase;
static struct evhttp		*http;
static struct config		*mconf;
static char			*bound;		/* what http listens on */
static char			*sock_path;	/* a socket we made */

/* A label's value, escaped as the format says. */
static void
label(struct evbuffer *b, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			evbuffer_add_printf(b, "\\%c", *v);
		else if (*v == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, v, 1);
	}
}

static void
head(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
providers(struct evbuffer *b)
{
	const struct provhealth	*p;
	size_t			 i;
	int			 c;

	head(b, "tickerd_quotes_total", "counter", "Quotes a provider answered.");
	for (i = 0; (p = health_provider_at(i)) != NULL; i++) {
		evbuffer_add_printf(b, "tickerd_quotes_total{provider=\"");
		label(b, p->name);
		evbuffer_add_printf(b, "\"} %lu\n", p->quotes);
	}
	head(b, "tickerd_provider_errors_total", "counter", "Failed requests "
	    "to a provider, by cause.");
	for (i = 0; (p = health_provider_at(i)) != NULL; i++)
		for (c = 0; c < CAUSES; c++) {
			evbuffer_add_printf(b, "tickerd_provider_errors_total{"
			    "provider=\"");
			label(b, p->name);
			evbuffer_add_printf(b, "\",cause=\"%s\"} %lu\n",
			    health_cause_label(c), p->errors[c]);
		}
	head(b, "tickerd_stream_up", "gauge", "Whether a stream is up.");
	for (i = 0; health_feed_at(i) != NULL; i++) {
		evbuffer_add_printf(b, "tickerd_stream_up{feed=\"");
		label(b, health_feed_at(i)->name);
		evbuffer_add_printf(b, "\"} %d\n", health_feed_at(i)->up);
	}
}

static void
alerts(struct evbuffer *b)
{
	int	 k;

	head(b, "tickerd_alerts_total", "counter", "Alerts fired since the "
	    "start, by the rule's kind.");
	for (k = 0; k <= RULE_KIND_LAST; k++)
		evbuffer_add_printf(b, "tickerd_alerts_total{rule=\"%s\"} %lu\n",
		    rule_kind_name(k), health_alerts(k));
}

static void
outbox(struct evbuffer *b)
{
	struct notifier	*n;
	time_t		 oldest, now = clock_now();
	size_t		 q;

	head(b, "tickerd_outbox_messages", "gauge", "Messages waiting for a "
	    "notifier.");
	TAILQ_FOREACH(n, &mconf->notifiers, entry) {
		q = notify_queued(n->name, &oldest);
		evbuffer_add_printf(b, "tickerd_outbox_messages{notifier=\"");
		label(b, n->name);
		evbuffer_add_printf(b, "\"} %zu\n", q);
	}
	head(b, "tickerd_outbox_oldest_age_seconds", "gauge", "The age of the "
	    "oldest message waiting for a notifier; 0: none.");
	TAILQ_FOREACH(n, &mconf->notifiers, entry) {
		(void)notify_queued(n->name, &oldest);
		evbuffer_add_printf(b, "tickerd_outbox_oldest_age_seconds{"
		    "notifier=\"");
		label(b, n->name);
		evbuffer_add_printf(b, "\"} %lld\n", oldest ?
		    (long long)(now - oldest) : 0LL);
	}
}

static void
commits(struct evbuffer *b)
{
	const double		*bounds;
	const unsigned long	*counts;
	unsigned long		 cum = 0;
	double			 sum;
	size_t			 i;

	store_commit_times(&bounds, &counts, &sum);
	head(b, "tickerd_commit_duration_seconds", "histogram", "How long a "
	    "commit to the state directory takes.");
	for (i = 0; i < STORE_COMMIT_BUCKETS; i++) {
		cum += counts[i];
		evbuffer_add_printf(b, "tickerd_commit_duration_seconds_bucket{"
		    "le=\"%g\"} %lu\n", bounds[i], cum);
	}
	cum += counts[STORE_COMMIT_BUCKETS];
	evbuffer_add_printf(b, "tickerd_commit_duration_seconds_bucket{le=\""
	    "+Inf\"} %lu\ntickerd_commit_duration_seconds_sum %.6f\n"
	    "tickerd_commit_duration_seconds_count %lu\n", cum, sum, cum);
}

static void
symbols(struct evbuffer *b)
{
	const struct problem	*p;
	struct watch		*w;
	struct symstate		*ss;
	time_t			 now = clock_now();
	size_t			 i, n = 0;

	for (i = 0; (p = problem_at(i)) != NULL; i++)
		n++;
	head(b, "tickerd_problems_active", "gauge", "Problems announced and "
	    "not over.");
	evbuffer_add_printf(b, "tickerd_problems_active %zu\n", n);
	head(b, "tickerd_quote_age_seconds", "gauge", "The age of a symbol's "
	    "newest quote (the first 1000 symbols).");
	n = 0;
	TAILQ_FOREACH(w, &mconf->watches, entry) {
		if (n++ == METRICS_SYMBOLS)
			break;
		if ((ss = symstate_find(w->symbol)) == NULL ||
		    ss->last_time == 0)
			continue;
		evbuffer_add_printf(b, "tickerd_quote_age_seconds{symbol=\"");
		label(b, w->symbol);
		evbuffer_add_printf(b, "\"} %lld\n",
		    (long long)(now - ss->last_time));
	}
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;
	const char	*path = evhttp_request_get_uri(req);

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET, HEAD");
		evhttp_send_error(req, 405, "read-only");
		return;
	}
	if (strcmp(path, "/metrics") != 0 && strncmp(path, "/metrics?", 9) != 0 &&
	    dashboard_shares(mconf)) {
		dashboard_request(req);		/* one listener for both */
		return;
	}
	if (strcmp(path, "/metrics") != 0 && strncmp(path, "/metrics?", 9) != 0) {
		evhttp_send_error(req, HTTP_NOTFOUND, "tickerd serves /metrics");
		return;
	}
	b = evbuffer_new();
	providers(b);
	alerts(b);
	outbox(b);
	commits(b);
	symbols(b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, HTTP_OK, "OK", b);
	evbuffer_free(b);
}

static void
unbind(void)
{
	if (http != NULL)
		evhttp_free(http);
	http = NULL;
	if (sock_path != NULL)
		(void)unlink(sock_path);
	free(sock_path);
	sock_path = NULL;
	free(bound);
	bound = NULL;
}

static void
bind_to(const char *where)
{
	int	 rc;

	if ((http = evhttp_new(mbase)) == NULL)
		fatalx("evhttp_new");
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(http, request_cb, NULL);
	evhttp_set_timeout(http, 10);
	rc = httpd_bind(mbase, http, where, &sock_path);
	if (rc == -1) {
		log_warnx("metrics: cannot listen on %s: %s; no metrics are "
		    "served (is the port in use?)", where, strerror(errno));
		unbind();
		return;
	}
	bound = xstrdup(where);
	log_info("metrics: serving http://%s/metrics", where);
}

void
metrics_start(struct event_base *base, struct config *conf)
{
	mbase = base;
	metrics_reconfigure(conf);
}

/* A reload: the same address goes on serving; another is bound anew. */
void
metrics_reconfigure(struct config *conf)
{
	mconf = conf;
	if (mbase == NULL)
		return;
	if (conf->metrics != NULL && bound != NULL &&
	    strcmp(conf->metrics, bound) == 0)
		return;
	unbind();
	if (conf->metrics != NULL)
		bind_to(conf->metrics);
}

void
metrics_stop(void)
{
	unbind();
	mconf = NULL;
	mbase = NULL;
}
