/*
 * Polling: one timer per watched symbol.  When it fires, the symbol's
 * quote is requested through net.c (never blocking the loop), parsed by
 * its provider, and every rule of the watch is judged by the rule engine.
 * Failures back off exponentially with jitter; HTTP 429 and Retry-After
 * are honoured; an unknown symbol is reported once and retried rarely.
 *
 * The replay provider takes the network's place: a simulated clock runs
 * through the recorded quotes (at `speed' times real time), or, with
 * --once, the whole file is evaluated as fast as possible (a backtest).
 */
#include "config.h"

#include <sys/time.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "tickerd.h"

#define BACKOFF_MAX	3600	/* seconds between retries, at most */
#define UNKNOWN_RETRY	3600	/* how often an unknown symbol is retried */

struct sym {
	TAILQ_ENTRY(sym)	 entry;
	struct watch		*w;
	struct event		*timer;
	CURL			*easy;
	char			*url;
	struct buf		 body;
	int			 fails;
	int			 reported;	/* a failure was logged */
	int			 unknown;	/* reported as unknown */
	int			 quoted;	/* at least one good quote */
	int			 done;		/* replay: past its last quote */
	const struct quote	*replayed;	/* replay: last served */
};
TAILQ_HEAD(symlist, sym);

static struct event_base	*poll_base;
static struct config		*poll_conf;
static const struct provider	*prov;
static struct providerconf	*provconf;
static struct poll_opts		 opts;
static struct replay		*replay;
static struct timeval		 replay_start;
static double			 replay_speed = 1;
static struct symlist		 syms = TAILQ_HEAD_INITIALIZER(syms);
static int			 backtest;

static void	poll_cb(evutil_socket_t, short, void *);

static unsigned
jitter(unsigned max)
{
	if (max == 0)
		return 0;
#ifdef HAVE_ARC4RANDOM_UNIFORM
	return arc4random_uniform(max);
#else
	return (unsigned)(random() % max);
#endif
}

static void
schedule(struct sym *s, double seconds)
{
	struct timeval	 tv;

	if (seconds < 0.01)
		seconds = 0.01;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(s->timer, &tv);
}

/* The delay after a failure: poll * 2^fails, at most an hour, +-10%. */
static double
backoff(struct sym *s)
{
	double	 d = (double)poll_conf->poll;
	int	 i;

	for (i = 0; i < s->fails && d < BACKOFF_MAX; i++)
		d *= 2;
	if (d > BACKOFF_MAX)
		d = BACKOFF_MAX;
	return d * 0.9 + d * 0.2 * jitter(1000) / 1000.0;
}

/* Equal, NaN included. */
static int
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/* Whether two sets of references differ in what is stored. */
static int
symref_same(const struct symref *a, const struct symref *b)
{
	return a->day == b->day && same(a->high, b->high) &&
	    same(a->low, b->low) && same(a->seen_high, b->seen_high) &&
	    same(a->seen_low, b->seen_low) && a->close_day == b->close_day &&
	    same(a->close, b->close);
}

static int
rulestate_same(const struct rule_state *a, const struct rule_state *b)
{
	return a->fired == b->fired && a->spent == b->spent &&
	    a->last_notify == b->last_notify &&
	    same(a->session_ref, b->session_ref) && a->count == b->count;
}

/*
 * Judge every rule of the watch on a quote.  now is the time of the
 * evaluation (the quote's own time when replaying).
 *
 * Write-ahead: when alerts fire, their messages go to the outbox and the
 * new rule states to state.json before anything is logged or sent, so
 * that a crash at any point neither repeats nor loses an alert.
 */
void
poll_evaluate(struct config *conf, struct watch *w, const struct quote *q,
    time_t now)
{
	struct rule		*r;
	struct rule_state	 next;
	struct rule_params	 params;
	struct alert		*alerts = NULL;
	struct outlist		 msgs = TAILQ_HEAD_INITIALIZER(msgs);
	struct outmsg		*m;
	struct symref		 before = w->ref;
	enum verdict		 v;
	size_t			 na = 0, i;
	int			 changed = 0;
	char			 line[512], batch[128], **hist = NULL;

	symref_update(&w->ref, q);
	if (!symref_same(&before, &w->ref))
		changed = 1;
	params.hysteresis = watch_hysteresis(conf, w);
	params.cooldown = w->cooldown;

	TAILQ_FOREACH(r, &w->rules, entry) {
		v = rule_eval(r, &params, q, &w->ref, &r->state, &next, now);
		if (!rulestate_same(&next, &r->state))
			changed = 1;
		r->state = next;
		switch (v) {
		case VERDICT_FIRE:
			alerts = xreallocarray(alerts, na + 1, sizeof(*alerts));
			alert_init(&alerts[na++], w, r, q, &w->ref, now);
			if (r->first_fired == 0)
				r->first_fired = now;
			r->last_fired = now;
			break;
		case VERDICT_COOLDOWN:
			log_info("%s %s: true again within its cooldown, not "
			    "notified", w->symbol, r->text);
			break;
		case VERDICT_REARM:
			log_debug("%s %s: re-armed", w->symbol, r->text);
			break;
		case VERDICT_NODATA:
		case VERDICT_NONE:
			break;
		}
	}
	w->last_time = q->time;

	if (na > 0 && !backtest) {
		notify_batch(w, q, batch, sizeof(batch));
		hist = xcalloc(na, sizeof(*hist));
		for (i = 0; i < na; i++) {
			alert_line(&alerts[i], line, sizeof(line));
			hist[i] = history_line(&alerts[i], line, batch);
		}
		notify_build(conf, w, alerts, na, batch, hist, &msgs);
		TAILQ_FOREACH(m, &msgs, entry) {
			if (outbox_write(m) == -1)
				log_warnx("%s: could not write the outbox; "
				    "delivering anyway", w->symbol);
			crashpoint("outbox");
		}
		crashpoint("history");
		for (i = 0; i < na; i++) {
			state_history(hist[i]);
			free(hist[i]);
		}
		free(hist);
	}
	crashpoint("commit");
	if (changed && state_save(conf) == -1)
		log_warnx("%s: could not save the rule states", w->symbol);
	if (na > 0)
		crashpoint("committed");
	for (i = 0; i < na; i++) {
		alert_line(&alerts[i], line, sizeof(line));
		log_alert(line);
		tickerd_alerted();
		alert_clear(&alerts[i]);
	}
	free(alerts);
	while ((m = TAILQ_FIRST(&msgs)) != NULL) {
		TAILQ_REMOVE(&msgs, m, entry);
		notify_queue(m);
	}
}

/* Whether US markets are in their regular session at t (Mon-Fri). */
static int
market_open(time_t t)
{
	time_t		 local = t + et_offset(t);
	struct tm	 tm;
	int		 min = et_minute(t);

	gmtime_r(&local, &tm);
	if (tm.tm_wday == 0 || tm.tm_wday == 6)
		return 0;
	return min >= 9 * 60 + 30 && min < 16 * 60;
}

/*
 * A good quote.  now is the wall clock, or the replay's simulated clock.
 * A quote older than the last one evaluated is not evaluated;
 * one older than `stale' while the market is open is not evaluated at
 * all, and said once.
 */
static void
got_quote(struct sym *s, struct quote *q, time_t now)
{
	struct watch	*w = s->w;
	time_t		 limit = watch_stale(poll_conf, w);
	char		 p[32], when[32];
	struct tm	 tm;

	if (replay != NULL)	/* polls are `speed' times as far apart */
		limit = (time_t)((double)limit * replay_speed);

	if (q->time == 0)
		q->time = now;
	if (s->reported)
		log_info("%s: quotes are back", w->symbol);
	s->fails = 0;
	s->reported = 0;
	s->unknown = 0;
	s->quoted = 1;
	w->last = *q;
	w->last_seen = now;
	w->problem[0] = '\0';
	fmt_price(q->price, p, sizeof(p));
	log_debug("quote %s %s at %lld", w->symbol, p, (long long)q->time);
	/*
	 * Evaluating a quote again changes nothing, but an older one could
	 * re-arm a rule (a replay restarted from its beginning): skip it.
	 */
	if (q->time < w->last_time) {
		log_debug("%s: quote older than the last evaluated", w->symbol);
		return;
	}
	if (!backtest && market_open(now) && now - q->time > limit) {
		if (!w->stale_logged) {
			gmtime_r(&q->time, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC",
			    &tm);
			log_warnx("%s: stale quote (market time %s, %llds old, "
			    "more than %llds); not evaluated until fresh",
			    w->symbol, when, (long long)(now - q->time),
			    (long long)limit);
		}
		w->stale_logged = 1;
		snprintf(w->problem, sizeof(w->problem), "stale");
		return;
	}
	if (w->stale_logged)
		log_info("%s: quotes are fresh again", w->symbol);
	w->stale_logged = 0;
	poll_evaluate(poll_conf, w, q, replay ? q->time : now);
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sym	*s = arg;
	size_t		 n = size * nmemb;

	if (s->body.len + n > BODY_MAX)
		return 0;	/* aborts the transfer: too large */
	buf_add(&s->body, ptr, n);
	return n;
}

static void
fetch_done(void *easy, int code, void *arg)
{
	struct sym		*s = arg;
	struct fetch_result	 res;
	long			 status = 0;
	curl_off_t		 retry_after = 0;
	char			*red = NULL;
	double			 delay = (double)poll_conf->poll;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
	curl_easy_cleanup(easy);
	s->easy = NULL;

	if (code != CURLE_OK) {
		memset(&res, 0, sizeof(res));
		res.status = FETCH_FAIL;
		snprintf(res.error, sizeof(res.error), "%s",
		    code == CURLE_WRITE_ERROR ? "answer larger than 1 MiB" :
		    curl_easy_strerror((CURLcode)code));
	} else
		prov->parse(s->w->symbol, status, s->body.data ? s->body.data :
		    "", s->body.len, &res);
	buf_free(&s->body);
	/* the URL fit for logs, only when there is something to log */
	if (res.status != FETCH_OK)
		red = net_redact(s->url);

	switch (res.status) {
	case FETCH_OK:
		got_quote(s, &res.quote, time(NULL));
		break;
	case FETCH_UNKNOWN:
		if (!s->unknown)
			log_warnx("%s: unknown or delisted symbol (%s, %s); "
			    "polling the others goes on", s->w->symbol,
			    res.error, red);
		s->unknown = 1;
		delay = UNKNOWN_RETRY;
		break;
	case FETCH_RATELIMIT:
		s->fails++;
		delay = backoff(s);
		if (retry_after > 0 && (double)retry_after > delay)
			delay = (double)retry_after;
		if (!s->reported)
			log_warnx("%s: rate-limited by %s (%s); next try in "
			    "%.0fs", s->w->symbol, prov->name, res.error,
			    delay);
		s->reported = 1;
		break;
	case FETCH_BAD:
	case FETCH_FAIL:
		s->fails++;
		delay = backoff(s);
		if (!s->reported)
			log_warnx("%s: %s from %s, skipped; next try in %.0fs",
			    s->w->symbol, res.error, red, delay);
		else
			log_debug("%s: %s from %s", s->w->symbol, res.error,
			    red);
		s->reported = 1;
		break;
	}
	if (res.status == FETCH_UNKNOWN)
		snprintf(s->w->problem, sizeof(s->w->problem), "%s",
		    PROBLEM_UNKNOWN);
	else if (res.status != FETCH_OK)
		snprintf(s->w->problem, sizeof(s->w->problem), "%s",
		    res.error);
	free(red);
	free(s->url);
	s->url = NULL;
	if (opts.once)
		work_end();
	else
		schedule(s, delay);
}

static void
fetch(struct sym *s)
{
	CURL	*e;

	if (s->easy != NULL)
		return;		/* still in flight: never pile up */
	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	s->url = prov->build_url(provconf, s->w->symbol);
	curl_easy_setopt(e, CURLOPT_URL, s->url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(e, CURLOPT_USERAGENT, TICKERD_USER_AGENT);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)poll_conf->timeout * 1000);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)poll_conf->timeout * 1000);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE, (long)BODY_MAX);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	s->easy = e;
	if (opts.once)
		work_begin();
	net_add(e, fetch_done, s);
}

/* Replay: serve the quote the simulated clock has reached. */
static void
replay_tick(struct sym *s)
{
	struct timeval	 now, d;
	time_t		 sim;
	const struct quote *q;
	struct quote	 copy;

	gettimeofday(&now, NULL);
	timersub(&now, &replay_start, &d);
	sim = replay_first_time(replay) + (time_t)(((double)d.tv_sec +
	    d.tv_usec / 1e6) * replay_speed);
	q = replay_latest(replay, s->w->symbol, sim);
	if (q != NULL && q != s->replayed) {
		s->replayed = q;
		copy = *q;
		got_quote(s, &copy, sim);
	}
	if (sim >= replay_last_time(replay)) {
		s->done = 1;
		work_end();
		return;
	}
	schedule(s, (double)poll_conf->poll);
}

static void
poll_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct sym	*s = arg;

	if (replay != NULL)
		replay_tick(s);
	else
		fetch(s);
}

/* --replay FILE --once: every recorded quote, in order, now. */
static void
run_backtest(void)
{
	struct sym	*s;
	struct quote	 copy;
	size_t		 i;

	backtest = 1;
	for (i = 0; i < replay_count(replay); i++) {
		const struct quote *q = replay_get(replay, i);
		TAILQ_FOREACH(s, &syms, entry)
			if (strcmp(s->w->symbol, q->symbol) == 0)
				break;
		if (s == NULL)
			continue;
		copy = *q;
		got_quote(s, &copy, q->time);
	}
}

/*
 * Start polling every watched symbol.  Returns -1 (after logging why) when
 * the provider cannot start.
 */
int
poll_start(struct event_base *base, struct config *conf,
    const struct poll_opts *o)
{
	struct watch	*w;
	struct sym	*s;
	const char	*file = NULL;
	char		 err[512];
	size_t		 n = 0, i = 0;
	double		 spread;

	poll_base = base;
	poll_conf = conf;
	opts = *o;
	provconf = config_provider(conf);
	if (opts.replay != NULL)
		file = opts.replay;
	else if (strcmp(provconf->name, "replay") == 0)
		file = provconf->replay_file;
	if (strcmp(provconf->name, "replay") == 0)
		replay_speed = provconf->speed;
	if (file != NULL) {
		if ((replay = replay_open(file, err, sizeof(err))) == NULL) {
			log_warnx("replay: %s", err);
			return -1;
		}
		log_info("replaying %zu recorded quotes from %s%s", replay_count(
		    replay), file, opts.once ? " (backtest)" : "");
	} else if ((prov = provider_find(provconf->name)) == NULL ||
	    !prov->implemented)
		fatalx("provider %s is not available", provconf->name);

	TAILQ_FOREACH(w, &conf->watches, entry) {
		s = xcalloc(1, sizeof(*s));
		s->w = w;
		if ((s->timer = evtimer_new(base, poll_cb, s)) == NULL)
			fatalx("evtimer_new");
		TAILQ_INSERT_TAIL(&syms, s, entry);
		n++;
		if (replay != NULL && !replay_has_symbol(replay, w->symbol)) {
			log_warnx("%s: unknown symbol: no recorded quotes in "
			    "%s", w->symbol, file);
			s->unknown = 1;
			s->done = 1;
		}
	}
	if (replay != NULL && opts.once) {
		run_backtest();
		return 0;
	}
	if (opts.once) {
		/* one request per symbol, all at once; libcurl queues them */
		TAILQ_FOREACH(s, &syms, entry)
			if (!s->done)
				fetch(s);
		return 0;
	}
	gettimeofday(&replay_start, NULL);
	/* spread the first polls a little, all within the first second */
	spread = n > 1 ? 1.0 / (double)n : 0;
	TAILQ_FOREACH(s, &syms, entry) {
		if (s->done)
			continue;
		if (replay != NULL)
			work_begin();	/* ends when the replay is over */
		schedule(s, spread * (double)i++);
	}
	return 0;
}

int
poll_all_quoted(void)
{
	struct sym	*s;

	TAILQ_FOREACH(s, &syms, entry)
		if (!s->quoted)
			return 0;
	return 1;
}

/* The backtest's closing table: alerts per symbol and rule. */
void
poll_summary(void)
{
	struct sym	*s;
	struct rule	*r;
	struct tm	 tm;
	char		 first[32], last[32];
	unsigned	 total = 0;

	printf("%-8s %-28s %6s  %-20s  %-20s\n", "SYMBOL", "RULE", "ALERTS",
	    "FIRST", "LAST");
	TAILQ_FOREACH(s, &syms, entry) {
		TAILQ_FOREACH(r, &s->w->rules, entry) {
			if (r->state.count == 0)
				continue;
			gmtime_r(&r->first_fired, &tm);
			strftime(first, sizeof(first), "%Y-%m-%dT%H:%M:%SZ",
			    &tm);
			gmtime_r(&r->last_fired, &tm);
			strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ", &tm);
			printf("%-8s %-28s %6u  %-20s  %-20s\n", s->w->symbol,
			    r->text, r->state.count, first, last);
			total += r->state.count;
		}
	}
	printf("%u alert%s\n", total, total == 1 ? "" : "s");
	fflush(stdout);
}

void
poll_stop(void)
{
	struct sym	*s;

	while ((s = TAILQ_FIRST(&syms)) != NULL) {
		TAILQ_REMOVE(&syms, s, entry);
		if (s->easy != NULL) {
			net_cancel(s->easy);
			curl_easy_cleanup(s->easy);
		}
		event_free(s->timer);
		buf_free(&s->body);
		free(s->url);
		free(s);
	}
	replay_free(replay);
	replay = NULL;
}

/* The newest quote of every watched symbol, for tickerctl quotes. */
json_t *
poll_quotes_json(void)
{
	json_t		*a = json_array(), *o;
	struct watch	*w;
	const struct quote *q;

	if (poll_conf == NULL)
		return a;
	TAILQ_FOREACH(w, &poll_conf->watches, entry) {
		q = &w->last;
		o = json_pack("{s:s, s:s}", "symbol", w->symbol, "problem",
		    w->problem);
		if (w->last_seen > 0) {
			json_object_set_new(o, "price", jnum(q->price));
			json_object_set_new(o, "prev_close",
			    jnum(q->prev_close));
			json_object_set_new(o, "change_pct",
			    jnum(isfinite(q->prev_close) && q->prev_close > 0 ?
			    (q->price - q->prev_close) / q->prev_close * 100 :
			    NAN));
			json_object_set_new(o, "high52", jnum(q->high52));
			json_object_set_new(o, "low52", jnum(q->low52));
			json_object_set_new(o, "time", json_integer(q->time));
			json_object_set_new(o, "received",
			    json_integer(w->last_seen));
		}
		json_array_append_new(a, o);
	}
	return a;
}
