/*
 * Problem notices, made and committed (health.c decides them), and the
 * heartbeat, a dead man's switch.
 *
 * A notice is one message for each notifier of `problems' (but the one
 * with the problem, and any that failed for good), with an id made of
 * the problem's key, its start and whether it is the start or the end:
 * staged to the outbox, committed with the problem's record in one
 * journal commit, then sent.  A judge's commit under way comes first:
 * the notice waits for the next look.  The one exception is the start of
 * the state directory's problem: nothing can be written then, and it is
 * sent from memory.
 *
 * The heartbeat requests its URL every period while all is well (no
 * problem announced and not over), and its fail URL once when a problem
 * starts: healthchecks.io's convention, that Uptime Kuma's push monitors
 * and cron monitors share, so that a dead box is noticed from outside.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

/* FNV-1a of a key, for message ids. */
static unsigned
key_hash(const char *s)
{
	unsigned	 h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* The messages of a notice into out, one a notifier; how many. */
static size_t
notice_messages(struct config *conf, const char *key, const char *exclude,
    time_t since, int end, const char *subject, const char *text,
    int memory, struct outlist *out)
{
	const struct strlist	*names = config_problem_notifiers(conf);
	const struct notifier	*n;
	struct outmsg		*m;
	char			 id[160];
	size_t			 i, k = 0;
	time_t			 now = clock_now();

	for (i = 0; i < names->n; i++) {
		if ((exclude != NULL && strcmp(names->v[i], exclude) == 0) ||
		    notify_broken(names->v[i]) != NULL ||
		    (n = config_notifier(conf, names->v[i])) == NULL)
			continue;
		snprintf(id, sizeof(id), "problem-%08x-%lld-%s-%zu",
		    key_hash(key), (long long)since, end ? "end" : "start", k);
		m = notify_notice(n, id, end ? "problem-end" : "problem", key,
		    subject, text, now);
		m->in_memory = memory;
		if (!memory && outbox_stage(m) == -1) {
			outmsg_free(m);
			continue;
		}
		TAILQ_INSERT_TAIL(out, m, entry);
		k++;
	}
	return k;
}

/*
 * Announce a problem's start (end 0) or end, through the notifiers of
 * `problems' but exclude (the notifier with the problem, or NULL).  key
 * NULL: an event with no end (messages given up), kept nowhere.
 * Returns 0, or -1 when it must wait (a commit under way): asked again
 * at the next look.
 */
int
notice_announce(struct config *conf, const char *key, const char *kind,
    const char *exclude, time_t since, int end, const char *subject,
    const char *text)
{
	struct outlist	 msgs = TAILQ_HEAD_INITIALIZER(msgs);
	struct outmsg	*m;
	char		 event[160];
	size_t		 k;
	/* the state directory's own start cannot be written: it is not
	 * tried, and its record waits in memory for the next snapshot */
	int		 memory = !end && strcmp(kind, "state") == 0;

	if (!memory && journal_mark() != 0)
		return -1;
	if (key == NULL)
		snprintf(event, sizeof(event), "%s %s", kind, subject);
	k = notice_messages(conf, key ? key : event, exclude, since, end,
	    subject, text, memory, &msgs);
	if (key != NULL && end)
		problem_ended(key);
	else if (key != NULL && memory)
		problem_held(key, kind, subject, since, clock_now());
	else if (key != NULL)
		problem_told(key, kind, subject, since, clock_now());
	if (memory)
		log_debug("problem notice \"%s\" sent from memory", subject);
	else if (store_commit(conf) == -1)
		log_warnx("problem notice \"%s\" could not be made durable; "
		    "sent from memory", subject);
	if (end)
		log_info("problem over: %s", subject);
	else
		log_warnx("problem: %s", subject);
	if (k == 0)
		log_warnx("%s%s (no notifier left to tell: see problems in "
		    "tickerd.conf(5))", end ? "problem over: " : "problem: ",
		    text);
	while ((m = TAILQ_FIRST(&msgs)) != NULL) {
		TAILQ_REMOVE(&msgs, m, entry);
		notify_queue(m);
	}
	if (!end)
		heartbeat_fail();
	return 0;
}

/*
 * A screen's message (screen.c) through its notifiers, or the default
 * ones: staged, committed, sent, as a notice.  -1 when it must wait (a
 * commit under way).
 */
int
notice_screen(struct config *conf, const struct screen *s,
    const char *subject, const char *text)
{
	const struct strlist	*names = s->notify.n > 0 ? &s->notify :
				    &conf->default_notify;
	const struct notifier	*n;
	struct outlist		 msgs = TAILQ_HEAD_INITIALIZER(msgs);
	struct outmsg		*m;
	char			 id[160];
	size_t			 i;
	time_t			 now = clock_now();

	if (journal_mark() != 0)
		return -1;
	for (i = 0; i < names->n; i++) {
		if ((n = config_notifier(conf, names->v[i])) == NULL)
			continue;
		snprintf(id, sizeof(id), "screen-%08x-%lld-%zu",
		    key_hash(s->name), (long long)now, i);
		m = notify_notice(n, id, "screen", s->name, subject, text, now);
		if (outbox_stage(m) == -1) {
			outmsg_free(m);
			continue;
		}
		TAILQ_INSERT_TAIL(&msgs, m, entry);
	}
	if (store_commit(conf) == -1)
		log_warnx("screen message \"%s\" could not be made durable; "
		    "sent from memory", subject);
	log_info("%s", subject);
	if (TAILQ_EMPTY(&msgs))
		log_warnx("%s: no notifier to send it (notify)", subject);
	while ((m = TAILQ_FIRST(&msgs)) != NULL) {
		TAILQ_REMOVE(&msgs, m, entry);
		notify_queue(m);
	}
	return 0;
}

/* A problem is over without a notice (its cause left the configuration,
 * or a reload worked). */
void
notice_forget(struct config *conf, const char *key)
{
	if (journal_mark() != 0)
		return;
	problem_ended(key);
	(void)store_commit(conf);
	log_info("problem over: %s", key);
}

/* Whether the problem of p still has a cause in conf. */
static int
still_configured(struct config *conf, const struct problem *p)
{
	const struct providerconf	*pc;
	const char			*name = strchr(p->key, ' ');

	if (name == NULL)
		return 1;	/* stale, store, reload */
	name++;
	if (strcmp(p->kind, "notifier") == 0)
		return config_notifier(conf, name) != NULL;
	if (strcmp(p->kind, "provider") == 0)
		return config_provider_named(conf, name) != NULL;
	if (strcmp(p->kind, "source") == 0)
		return strcmp(name, "edgar") != 0 || conf->edgar != NULL;
	if (strcmp(p->kind, "stream") == 0)
		return (pc = config_provider_named(conf, name)) != NULL &&
		    pc->stream;
	return 1;
}

/* Problems whose cause is no longer configured are over. */
void
notice_tidy(struct config *conf)
{
	const struct problem	*p;
	size_t			 i;

	for (i = 0; (p = problem_at(i)) != NULL; i++)
		if (!still_configured(conf, p)) {
			notice_forget(conf, p->key);
			return;		/* one a look */
		}
}

/* ---- the heartbeat ---- */

static struct event	*beat_ev;
static struct config	*beat_conf;
static int		 beat_failing;	/* its last request failed, said */
static unsigned		 beats_flying;

static void
beat_done(void *easy, int code, void *arg)
{
	long	 status = 0;
	char	*url = arg;

	beats_flying--;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	if (code == 0 && status >= 200 && status < 300) {
		if (beat_failing)
			log_info("heartbeat: %s answers again", url);
		beat_failing = 0;
	} else if (!beat_failing) {
		if (code != 0)
			log_warnx("heartbeat: %s: %s", url,
			    curl_easy_strerror(code));
		else
			log_warnx("heartbeat: %s answered HTTP %ld", url, status);
		beat_failing = 1;
	}
	free(url);
}

/* One GET of url, within the loop. */
static void
beat(const char *url)
{
	struct net_opts	 opts = { .timeout = 10, .connect_timeout = 10,
			    .protocols = "http,https",
			    .user_agent = TICKERD_USER_AGENT };
	void		*e;

	if (beats_flying > 4)	/* the monitor is slower than the period */
		return;
	e = net_easy(url, &opts);
	beats_flying++;
	net_add(e, beat_done, net_redact(url));
}

static void
beat_cb(evutil_socket_t fd, short ev, void *arg)
{
	if (beat_conf == NULL || beat_conf->heartbeat == NULL)
		return;
	timer_in(beat_ev, (double)beat_conf->heartbeat_every);
	if (problem_at(0) == NULL)	/* all is well */
		beat(beat_conf->heartbeat);
	else
		log_debug("heartbeat: not sent while a problem is on");
}

/* A problem started: the fail URL, once. */
void
heartbeat_fail(void)
{
	if (beat_conf != NULL && beat_conf->heartbeat_fail != NULL)
		beat(beat_conf->heartbeat_fail);
}

void
heartbeat_start(struct event_base *base)
{
	if ((beat_ev = evtimer_new(base, beat_cb, NULL)) == NULL)
		fatalx("evtimer_new");
}

/* The configuration of the moment: the first beat now, the next at
 * every period. */
void
heartbeat_reconfigure(struct config *conf)
{
	beat_conf = conf;
	if (beat_ev == NULL)
		return;
	evtimer_del(beat_ev);
	if (conf->heartbeat != NULL)
		timer_in(beat_ev, 0);
}

void
heartbeat_stop(void)
{
	if (beat_ev != NULL)
		event_free(beat_ev);
	beat_ev = NULL;
	beat_conf = NULL;
}
