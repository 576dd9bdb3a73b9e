/*
 * tickerd's own health (tickerd.conf(5), PROBLEMS): what keeps it from
 * watching, announced through the user's notifiers.
 *
 * The sources report to it as they go: each provider's requests
 * (health_request(), from fetch.c), each stream's state (stream.c), a
 * notifier that failed for good and messages given up (notify/'s
 * watcher), a failed reload (tickerd.c).  Once a second it looks at
 * them, at the symbols' freshness and at the state directory, and
 * decides what is a problem:
 *
 *   provider NAME	every request failed for problem-after (while an
 *			exchange of the watched symbols is in session, or
 *			at any hour with market-hours no)
 *   stale		symbols without a fresh quote for problem-after
 *			of their session (none while a provider fails:
 *			one cause, one notice)
 *   stream NAME	a feed down for problem-after
 *   notifier NAME	a notifier's permanent error		at once
 *   state		the state directory cannot be written	at once
 *			(its notice is sent from memory: it cannot be made
 *			durable; other notices wait for it, as alerts do)
 *   reload		a reload that failed			at once
 *   gave-up		messages given up after retry-for	at once
 *
 * A problem's notice goes out once when it starts and once when it ends,
 * through the outbox in one commit with its record (store/problem.c), so
 * that it is durable, sent once, and a restart does not repeat it.  It
 * never goes through the notifier that has the problem; with none left it
 * is logged at warning (syslog).  A key starts at most one notice an hour.
 * The heartbeat (heartbeat.c) asks here whether all is well.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define HEALTH_TICK	1.0	/* seconds between looks */
#define FLAP_WAIT	3600	/* a key starts one notice an hour at most */
#define STALE_NAMED	10	/* symbols named in a notice */
#define PROVIDERS_MAX	16
#define STALE_EVERY	5	/* ticks between looks at staleness */
#define BACK_WAIT	5	/* seconds of answers gathered for "back" */
#define STATE_BACK	10	/* seconds written again, for "back" */

static const char *const cause_labels[CAUSES] = {
	"key", "throttled", "not_api", "html", "down", "tls", "server",
	"timeout",
};
static const char *const cause_words[CAUSES] = {
	"the key is refused: check key-file",
	"it throttles tickerd (too many requests)",
	"its answers are not its API's (a wrong shape)",
	"it answers an HTML page, not its API",
	"the host cannot be reached",
	"TLS fails (a certificate or the handshake)",
	"the server fails (HTTP 5xx)",
	"its answers do not come in time",
};

struct health {
	struct config		*conf;
	struct event		*tick;
	time_t			 started;
	struct provhealth	 prov[PROVIDERS_MAX];
	size_t			 nprov;
	struct feedhealth	 feeds[PROVIDERS_MAX];
	size_t			 nfeeds;
	/* at once, until announced */
	char			 broken[16][64];	/* notifier names */
	char			 broken_why[16][256];
	size_t			 nbroken;
	char			 mended[16][64];
	size_t			 nmended;
	char			 reload_error[512];	/* "": none owed */
	int			 reload_ok;		/* a reload worked */
	time_t			 state_since;		/* it failed first */
	time_t			 state_ok_since;	/* written since */
	char			 gave_up_for[64];
	size_t			 gave_up;		/* messages, owed */
	char			 gave_up_why[256];
	unsigned long		 alerts_by_kind[(RULE_KIND_LAST + 1)];
	/* a source that refuses tickerd (SEC EDGAR): at once */
	char			 src[4][16];
	char			 src_why[4][400];	/* "": it answers */
	time_t			 src_since[4];
	size_t			 nsrc;
	unsigned		 ticks;
	time_t			 fresh_floor;	/* a provider answers again:
						   quotes are owed from then */
};

static struct health	 H;

const char *
health_cause_label(int c)
{
	return c >= 0 && c < CAUSES ? cause_labels[c] : "other";
}

static struct provhealth *
prov_of(const char *name)
{
	size_t	 i;

	for (i = 0; i < H.nprov; i++)
		if (strcmp(H.prov[i].name, name) == 0)
			return &H.prov[i];
	if (H.nprov == PROVIDERS_MAX)
		return NULL;
	tk_strlcpy(H.prov[H.nprov].name, name, sizeof(H.prov[0].name));
	return &H.prov[H.nprov++];
}

/*
 * A provider's request ended: nok symbols quoted, or (nok 0) it failed
 * for cause, in words detail.  An answer that says the symbol is
 * unknown is the API working: cause -1 with nok 0.
 */
void
health_request(const char *provider, size_t nok, int cause,
    const char *detail)
{
	struct provhealth	*p = prov_of(provider);
	time_t			 now = clock_now();

	if (p == NULL)
		return;
	p->quotes += nok;
	if (nok > 0 || cause < 0) {
		if (p->failing_since != 0 || p->ok_at == 0) {
			p->back_at = now;
			if (now > H.fresh_floor)
				H.fresh_floor = now;
		}
		p->ok_at = now;
		p->failing_since = 0;
		return;
	}
	p->errors[cause]++;
	if (p->failing_since == 0)
		p->failing_since = now;
	p->cause = cause;
	tk_strlcpy(p->detail, detail, sizeof(p->detail));
}

/*
 * A source other than the quote providers (edgar) refuses tickerd, why,
 * or (why NULL) answers again: announced at once, its end too.
 */
void
health_source(const char *name, const char *why)
{
	size_t	 i;

	for (i = 0; i < H.nsrc; i++)
		if (strcmp(H.src[i], name) == 0)
			break;
	if (i == H.nsrc) {
		if (why == NULL || H.nsrc == 4)
			return;
		tk_strlcpy(H.src[H.nsrc++], name, sizeof(H.src[0]));
	}
	if (why != NULL && H.src_why[i][0] == '\0')
		H.src_since[i] = clock_now();
	tk_strlcpy(H.src_why[i], why ? why : "", sizeof(H.src_why[0]));
}

/* A stream is up, or down (why). */
void
health_stream(const char *feed, int up, const char *why)
{
	struct feedhealth	*f = NULL;
	size_t			 i;

	for (i = 0; i < H.nfeeds; i++)
		if (strcmp(H.feeds[i].name, feed) == 0)
			f = &H.feeds[i];
	if (f == NULL && H.nfeeds < PROVIDERS_MAX) {
		f = &H.feeds[H.nfeeds++];
		tk_strlcpy(f->name, feed, sizeof(f->name));
		f->down_since = clock_now();
	}
	if (f == NULL)
		return;
	if (up) {
		f->up = 1;
		f->down_since = 0;
	} else {
		if (f->up || f->down_since == 0)
			f->down_since = clock_now();
		f->up = 0;
		tk_strlcpy(f->why, why, sizeof(f->why));
	}
}

/* An alert fired (for tickerd_alerts_total). */
void
health_alert(int kind)
{
	if (kind >= 0 && kind < (RULE_KIND_LAST + 1))
		H.alerts_by_kind[kind]++;
}

/* What the metrics read. */
const struct provhealth *
health_provider_at(size_t i)
{
	return i < H.nprov ? &H.prov[i] : NULL;
}

const struct feedhealth *
health_feed_at(size_t i)
{
	return i < H.nfeeds ? &H.feeds[i] : NULL;
}

unsigned long
health_alerts(int kind)
{
	return kind >= 0 && kind < (RULE_KIND_LAST + 1) ? H.alerts_by_kind[kind] : 0;
}

/* notify/'s watcher: a notifier failed for good (why), or delivered. */
static void
notifier_said(void *arg, const char *name, const char *why)
{
	if (why != NULL && H.nbroken < 16) {
		tk_strlcpy(H.broken[H.nbroken], name, sizeof(H.broken[0]));
		tk_strlcpy(H.broken_why[H.nbroken++], why,
		    sizeof(H.broken_why[0]));
	} else if (why == NULL && H.nmended < 16) {
		char	 key[96];

		snprintf(key, sizeof(key), "notifier %s", name);
		if (problem_find(key) == NULL)
			return;		/* nothing to end */
		tk_strlcpy(H.mended[H.nmended++], name, sizeof(H.mended[0]));
	}
	if (H.tick != NULL)
		timer_in(H.tick, 0);
}

static void
gave_up(void *arg, const char *name, size_t n, const char *why)
{
	if (H.gave_up > 0 && strcmp(H.gave_up_for, name) != 0)
		tk_strlcpy(H.gave_up_for, "several notifiers",
		    sizeof(H.gave_up_for));
	else
		tk_strlcpy(H.gave_up_for, name, sizeof(H.gave_up_for));
	H.gave_up += n;
	tk_strlcpy(H.gave_up_why, why, sizeof(H.gave_up_why));
	if (H.tick != NULL)
		timer_in(H.tick, 0);
}

/* A reload failed (error, with its FILE:LINE), or worked (NULL). */
void
health_reload(const char *error)
{
	if (error != NULL) {
		tk_strlcpy(H.reload_error, error, sizeof(H.reload_error));
		H.reload_ok = 0;
	} else
		H.reload_ok = 1;	/* the failure, if any, is still told */
	if (H.tick != NULL)
		timer_in(H.tick, 0);
}

/* A notice, once the hour since the key's last one has passed (a start). */
static int
announce(const char *key, const char *kind, const char *exclude,
    time_t since, int end, const char *subject, const char *text)
{
	if (!end && key != NULL && clock_now() - problem_last(key) < FLAP_WAIT)
		return -1;
	/* while the state directory cannot be written the judge's alerts
	 * wait for it (waiting.c), and so does every notice but its own */
	if (store_problem() != NULL && strcmp(kind, "state") != 0)
		return -1;
	return notice_announce(H.conf, key, kind, exclude, since, end, subject,
	    text);
}

/* ---- deciding ---- */

/* Whether an exchange of a watched symbol is in session (or, with
 * market-hours no, whether anything is watched at all). */
static int
in_session(void)
{
	struct watch	*w;
	struct symstate	*ss;
	time_t		 mnow = clock_market();

	TAILQ_FOREACH(w, &H.conf->watches, entry) {
		if (!H.conf->market_hours)
			return 1;
		if ((ss = symstate_find(w->symbol)) != NULL && ss->ex != NULL &&
		    market_open(ss->ex, mnow))
			return 1;
	}
	return 0;
}

static void
duration_text(time_t secs, char *out, size_t len)
{
	if (secs < 120)
		snprintf(out, len, "%llds", (long long)secs);
	else if (secs < 2 * 3600)
		snprintf(out, len, "%lld min", (long long)(secs / 60));
	else
		snprintf(out, len, "%.1f h", (double)secs / 3600);
}

/*
 * The watched symbols in session without a fresh quote for problem-after
 * (or their own `stale', if longer): how many, the first named in list.
 */
static size_t
stale_symbols(char *list, size_t len)
{
	struct watch	*w;
	struct symstate	*ss;
	time_t		 now = clock_now(), mnow = clock_market(), fresh, limit;
	size_t		 n = 0;

	*list = '\0';
	TAILQ_FOREACH(w, &H.conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL || ss->ex == NULL ||
		    !market_open(ss->ex, mnow))
			continue;
		fresh = ss->last_time;
		if (fresh < market_last_open(ss->ex, mnow))
			fresh = market_last_open(ss->ex, mnow);
		if (fresh < H.started)
			fresh = H.started;
		if (fresh < H.fresh_floor)
			fresh = H.fresh_floor;
		limit = watch_stale(H.conf, w);
		if (limit < H.conf->problem_after)
			limit = H.conf->problem_after;
		if (now - fresh < limit)
			continue;
		if (n < STALE_NAMED)
			snprintf(list + strlen(list), len - strlen(list), "%s%s",
			    n ? ", " : "", w->symbol);
		n++;
	}
	if (n > STALE_NAMED)
		snprintf(list + strlen(list), len - strlen(list), " and %zu "
		    "more", n - STALE_NAMED);
	return n;
}

/* Whether a provider of the chain is failing, announced or not yet. */
static int
providers_failing(void)
{
	size_t	 i;

	for (i = 0; i < H.nprov; i++)
		if (H.prov[i].failing_since != 0 &&
		    config_provider_named(H.conf, H.prov[i].name) != NULL)
			return 1;
	return 0;
}

/* How many watched symbols have had a quote since t. */
static size_t
quoted_since(time_t t)
{
	struct watch	*w;
	struct symstate	*ss;
	size_t		 n = 0;

	TAILQ_FOREACH(w, &H.conf->watches, entry)
		if ((ss = symstate_find(w->symbol)) != NULL &&
		    ss->last_seen >= t)
			n++;
	return n;
}

static void
provider_look(struct provhealth *p, int session)
{
	char			 key[64], subj[160], text[900], dur[32], list[400];
	const struct problem	*told;
	time_t			 now = clock_now();
	size_t			 n;

	snprintf(key, sizeof(key), "provider %s", p->name);
	told = problem_find(key);
	if (told == NULL && p->failing_since != 0 && session &&
	    now - p->failing_since >= H.conf->problem_after) {
		duration_text(now - p->failing_since, dur, sizeof(dur));
		n = stale_symbols(list, sizeof(list));
		text_printf(subj, sizeof(subj), "%s is failing: %s", p->name,
		    cause_words[p->cause]);
		text_printf(text, sizeof(text), "Every request to the provider %s "
		    "has failed for %s: %s (%s).%s%s%s Alerts for its symbols "
		    "wait until it answers again; tickerd keeps asking, with "
		    "backoff.", p->name, dur, cause_words[p->cause], p->detail,
		    n ? " Without a fresh quote: " : "", n ? list : "",
		    n ? "." : "");
		announce(key, "provider", NULL, p->failing_since, 0,
		    subj, text);
	} else if (told != NULL && p->failing_since == 0 && p->ok_at >
	    told->since && ((n = quoted_since(p->back_at)) >=
	    H.conf->nwatches || now - p->back_at >= BACK_WAIT)) {
		duration_text(now - told->since, dur, sizeof(dur));
		text_printf(subj, sizeof(subj), "%s answers again after %s; %zu "
		    "symbol%s quoted", p->name, dur, n, n == 1 ?
		    "" : "s");
		text_printf(text, sizeof(text), "The provider %s answers again, "
		    "after %s of failures; %zu symbol%s quoted since.", p->name,
		    dur, n, n == 1 ? "" : "s");
		announce(key, "provider", NULL, told->since, 1, subj,
		    text);
	}
}

static void
stale_look(int session)
{
	char			 subj[160], text[900], dur[32], list[400];
	const struct problem	*told = problem_find("stale");
	time_t			 now = clock_now();
	size_t			 n;

	if (now - H.started < H.conf->problem_after)
		return;		/* not long enough to say */
	n = providers_failing() ? 0 : stale_symbols(list, sizeof(list));
	duration_text(H.conf->problem_after, dur, sizeof(dur));
	if (told == NULL && n > 0 && session) {
		text_printf(subj, sizeof(subj), "%zu symbol%s without a fresh "
		    "quote: %s", n, n == 1 ? "" : "s", list);
		text_printf(text, sizeof(text), "In session, %s had no fresh quote "
		    "for %s or more, though the providers answer: %s. Check "
		    "them with \"tickerctl quotes\" (a symbol its provider "
		    "no longer quotes, or a map).", n == 1 ? "one symbol" :
		    "these symbols", dur, list);
		announce("stale", "stale", NULL, now, 0, subj, text);
	} else if (told != NULL && n == 0 && !providers_failing()) {
		duration_text(now - told->since, dur, sizeof(dur));
		text_printf(subj, sizeof(subj), "quotes are fresh again after %s",
		    dur);
		text_printf(text, sizeof(text), "Every watched symbol in session "
		    "has a fresh quote again, after %s.", dur);
		announce("stale", "stale", NULL, told->since, 1, subj,
		    text);
	}
}

static void
feed_look(struct feedhealth *f)
{
	char			 key[64], subj[160], text[600], dur[32];
	const struct problem	*told;
	time_t			 now = clock_now();

	snprintf(key, sizeof(key), "stream %s", f->name);
	told = problem_find(key);
	if (told == NULL && !f->up && f->down_since != 0 &&
	    now - f->down_since >= H.conf->problem_after) {
		duration_text(now - f->down_since, dur, sizeof(dur));
		text_printf(subj, sizeof(subj), "the %s stream is lost", f->name);
		text_printf(text, sizeof(text), "The %s stream has been down for "
		    "%s (%s). Its symbols are polled meanwhile; alerts may "
		    "come later than the trades.", f->name, dur, f->why);
		announce(key, "stream", NULL, f->down_since, 0, subj,
		    text);
	} else if (told != NULL && f->up) {
		duration_text(now - told->since, dur, sizeof(dur));
		text_printf(subj, sizeof(subj), "the %s stream is back after %s",
		    f->name, dur);
		text_printf(text, sizeof(text), "The %s stream is up again, after "
		    "%s.", f->name, dur);
		announce(key, "stream", NULL, told->since, 1, subj,
		    text);
	}
}

/* What notify/ and the reloads said, announced at once. */
static int
source_look(void)
{
	char		 key[64], subj[300], text[900];
	size_t		 i;
	int		 on;

	for (i = 0; i < H.nsrc; i++) {
		snprintf(key, sizeof(key), "source %s", H.src[i]);
		on = H.src_why[i][0] != '\0';
		if (on && problem_find(key) == NULL) {
			text_printf(subj, sizeof(subj), "%s refuses tickerd",
			    H.src[i]);
			text_printf(text, sizeof(text), "%s: %s. tickerd asks "
			    "nothing of it for 10 minutes, then tries again; its "
			    "rules wait meanwhile.", H.src[i], H.src_why[i]);
			if (announce(key, "source", NULL, H.src_since[i], 0,
			    subj, text) == -1)
				return -1;
		} else if (!on && problem_find(key) != NULL) {
			text_printf(subj, sizeof(subj), "%s answers again",
			    H.src[i]);
			if (announce(key, "source", NULL,
			    problem_find(key)->since, 1, subj, subj) == -1)
				return -1;
		}
	}
	return 0;
}

static void
at_once_look(void)
{
	char		 key[96], subj[300], text[900];
	size_t		 i;

	if (source_look() == -1)
		return;

	for (i = 0; i < H.nbroken; i++) {
		snprintf(key, sizeof(key), "notifier %s", H.broken[i]);
		text_printf(subj, sizeof(subj), "notifier %s cannot deliver: %s",
		    H.broken[i], H.broken_why[i]);
		text_printf(text, sizeof(text), "The notifier \"%s\" failed for "
		    "good: %s. Its messages are held, and tried again after a "
		    "reload (systemctl reload tickerd) and every 6 hours.",
		    H.broken[i], H.broken_why[i]);
		if (problem_find(key) == NULL && announce(key,
		    "notifier", H.broken[i], clock_now(), 0, subj, text) == -1)
			return;		/* the rest next time */
	}
	H.nbroken = 0;
	for (i = 0; i < H.nmended; i++) {
		snprintf(key, sizeof(key), "notifier %s", H.mended[i]);
		text_printf(subj, sizeof(subj), "notifier %s delivers again",
		    H.mended[i]);
		if (problem_find(key) != NULL && announce(key,
		    "notifier", NULL, problem_find(key)->since, 1, subj,
		    subj) == -1)
			return;
	}
	H.nmended = 0;
	if (H.gave_up > 0) {
		text_printf(subj, sizeof(subj), "%zu message%s for %s given up",
		    H.gave_up, H.gave_up == 1 ? "" : "s", H.gave_up_for);
		text_printf(text, sizeof(text), "tickerd gave up on %zu message%s "
		    "for %s after retry-for: %s. They are kept in the state "
		    "directory's outbox/failed/.", H.gave_up, H.gave_up == 1 ?
		    "" : "s", H.gave_up_for, H.gave_up_why);
		if (announce(NULL, "gave-up", H.gave_up_for,
		    clock_now(), 0, subj, text) == 0)
			H.gave_up = 0;
	}
	if (H.reload_error[0] != '\0' && problem_find("reload") == NULL) {
		text_printf(subj, sizeof(subj), "reload failed: %s",
		    H.reload_error);
		text_printf(text, sizeof(text), "A reload failed: %s. tickerd "
		    "runs on with the configuration it had; fix the file and "
		    "reload again.", H.reload_error);
		if (announce("reload", "reload", NULL, clock_now(), 0,
		    subj, text) == -1)
			return;
	}
	H.reload_error[0] = '\0';
	if (H.reload_ok && problem_find("reload") != NULL)
		notice_forget(H.conf, "reload");
	H.reload_ok = 0;
}

/*
 * The state directory cannot be written (a full disk, a read-only
 * mount, its permissions): said at once, from memory (notice.c); and
 * when it has been written again for STATE_BACK (a nearly full disk
 * takes a small write now and then), said through the outbox.
 */
static void
state_look(void)
{
	const struct problem	*p = problem_find("state");
	const char		*why = store_problem();
	char			 subj[300], text[900], dur[32];
	time_t			 now = clock_now();

	if (why != NULL)
		H.state_ok_since = 0;
	else if (H.state_ok_since == 0)
		H.state_ok_since = now;
	if (why != NULL && p == NULL) {
		if (H.state_since == 0)
			H.state_since = now;
		text_printf(subj, sizeof(subj), "the state directory cannot be "
		    "written: %s", why);
		text_printf(text, sizeof(text), "tickerd cannot write its state "
		    "directory %s: %s. Alerts are kept in memory and go out, "
		    "once each, as soon as it can be written: free space on "
		    "its filesystem or fix its permissions.", store_dir(),
		    why);
		(void)announce("state", "state", NULL, H.state_since, 0, subj,
		    text);
	} else if (why == NULL && p != NULL &&
	    now - H.state_ok_since >= STATE_BACK) {
		duration_text(H.state_ok_since - p->since, dur, sizeof(dur));
		text_printf(subj, sizeof(subj), "the state directory can be "
		    "written again after %s", dur);
		(void)announce("state", "state", NULL, p->since, 1, subj, subj);
	}
	if (why == NULL)
		H.state_since = 0;
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	int	 session;
	size_t	 i;

	timer_in(H.tick, HEALTH_TICK);
	if (H.conf == NULL)
		return;
	at_once_look();
	state_look();
	session = in_session();
	for (i = 0; i < H.nprov; i++)
		if (config_provider_named(H.conf, H.prov[i].name) != NULL)
			provider_look(&H.prov[i], session);
	for (i = 0; i < H.nfeeds; i++)
		feed_look(&H.feeds[i]);
	if (++H.ticks % STALE_EVERY == 0)	/* a walk of every symbol */
		stale_look(session);
	notice_tidy(H.conf);
}

void
health_start(struct event_base *base, struct config *conf)
{
	static const struct notify_watcher w = { notifier_said, gave_up,
	    NULL };

	H.conf = conf;
	H.started = clock_now();
	notify_watch(&w);
	if ((H.tick = evtimer_new(base, tick_cb, NULL)) == NULL)
		fatalx("evtimer_new");
	timer_in(H.tick, HEALTH_TICK);
}

/* A new configuration: its problem-after, its notifiers. */
void
health_reconfigure(struct config *conf)
{
	H.conf = conf;
	H.nfeeds = 0;		/* the streams start again, and say */
}

void
health_stop(void)
{
	notify_watch(NULL);
	if (H.tick != NULL)
		event_free(H.tick);
	H.tick = NULL;
	H.conf = NULL;
}
