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
#define RANGE_RETRY	3600	/* a failed 52-week range, asked again */
#define INFLIGHT_MAX	8	/* requests to one provider at once */
#define AFTER_CLOSE_MAX	900	/* the after-close poll, at the latest */
#define BATCH_WAIT	0.2	/* seconds a batch waits for more symbols */

struct src;

/* One symbol at one provider of the chain. */
struct psym {
	char		 name[SYMBOL_MAX + 8];	/* the provider's spelling */
	int		 fails;
	int		 unknown;
	int		 reported;	/* its failure was logged */
	time_t		 not_before;	/* not asked again before */
};

struct sym {
	TAILQ_ENTRY(sym)	 entry;
	TAILQ_ENTRY(sym)	 qentry;	/* in a provider's queue */
	TAILQ_ENTRY(sym)	 rentry;	/* in its range queue */
	struct watch		*w;
	struct event		*timer;
	struct psym		 ps[CHAIN_MAX];
	int			 busy;		/* queued or in flight */
	int			 solo;		/* asked alone after a bad batch */
	int			 source;	/* the last that answered */
	int			 said_unknown;
	int			 in_round;	/* --once: counted as work */
	int			 quoted;	/* at least one good quote */
	int			 done;		/* replay: past its last quote */
	const struct quote	*replayed;	/* replay: last served */
	/* from a range endpoint: 52-week range, last closes */
	int			 range_busy;
	int			 range_reported;
	time_t			 range_time;
	time_t			 range_not_before;
	struct fetch_result	 range;
	struct quote		 held;		/* waits for the range */
	int			 holding;
};
TAILQ_HEAD(symlist, sym);

/* A provider of the chain, at run time. */
struct src {
	const struct provider	*p;
	struct providerconf	*pc;
	const char		*base;
	double			 rate;		/* tokens a second */
	double			 burst;
	double			 tokens;
	struct timeval		 refilled;
	int			 host_fails;
	time_t			 host_until;
	int			 host_reported;
	struct symlist		 queue;
	struct symlist		 rqueue;
	size_t			 nqueue;
	unsigned		 inflight;
	struct event		*wake;
};

/* One HTTP request: n symbols' quotes, or one symbol's range. */
struct req {
	TAILQ_ENTRY(req)	 entry;
	struct src		*src;
	int			 range;
	struct sym		**syms;
	const char		**names;
	size_t			 n;
	CURL			*easy;
	char			*url;
	struct buf		 body;
};
TAILQ_HEAD(reqlist, req);

static struct event_base	*poll_base;
static struct config		*poll_conf;
static struct poll_opts		 opts;
static struct replay		*replay;
static struct timeval		 replay_start;
static double			 replay_speed = 1;
static struct symlist		 syms = TAILQ_HEAD_INITIALIZER(syms);
static struct reqlist		 reqs = TAILQ_HEAD_INITIALIZER(reqs);
static struct src		 srcs[CHAIN_MAX];
static size_t			 nsrc;
static int			 backtest;
static time_t			 clock_skew;	/* TICKERD_MARKET_CLOCK */
static int			 clock_set;

static void	poll_cb(evutil_socket_t, short, void *);

/* The clock the market hours are judged by: the wall clock, or for
 * tests the time TICKERD_MARKET_CLOCK gave at start, running on. */
static time_t
mclock(void)
{
	return time(NULL) + clock_skew;
}

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
backoff(int fails)
{
	double	 d = (double)poll_conf->poll;
	int	 i;

	for (i = 0; i < fails && d < BACKOFF_MAX; i++)
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
	if (!backtest && market_open(replay ? now : mclock()) &&
	    now - q->time > limit) {
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

/* ---- scheduling ---- */

/* The seconds after the close at which the closing price is polled. */
static time_t
after_close(void)
{
	time_t	 a = 2 * poll_conf->poll;

	return a > AFTER_CLOSE_MAX ? AFTER_CLOSE_MAX : a;
}

/*
 * Poll s again in at least `delay' seconds: with market hours, at the
 * first time the calendar allows from then on.
 */
static void
schedule_next(struct sym *s, double delay)
{
	time_t	 now, at;

	if (opts.once)
		return;
	if (poll_conf->market_hours && replay == NULL) {
		now = mclock();
		at = market_next_poll(now + (time_t)delay - poll_conf->poll,
		    poll_conf->poll, after_close());
		if ((double)(at - now) > delay)
			delay = (double)(at - now);
	}
	schedule(s, delay);
}

/* --once: a symbol's round is over (quoted, or nothing left to ask). */
static void
round_end(struct sym *s)
{
	if (s->in_round) {
		s->in_round = 0;
		work_end();
	}
}

/*
 * The first provider of the chain that may be asked about s now; -1 when
 * none may, and *wait says how long until one may.
 */
static int
pick(struct sym *s, time_t now, double *wait)
{
	time_t	 t;
	size_t	 i;

	*wait = BACKOFF_MAX;
	for (i = 0; i < nsrc; i++) {
		t = s->ps[i].not_before;
		if (srcs[i].host_until > t)
			t = srcs[i].host_until;
		if (t <= now)
			return (int)i;
		if ((double)(t - now) < *wait)
			*wait = (double)(t - now);
	}
	return -1;
}

/* ---- token buckets ---- */

static void
refill(struct src *r)
{
	struct timeval	 now, d;

	gettimeofday(&now, NULL);
	timersub(&now, &r->refilled, &d);
	r->refilled = now;
	r->tokens += ((double)d.tv_sec + d.tv_usec / 1e6) * r->rate;
	if (r->tokens > r->burst)
		r->tokens = r->burst;
}

static void	dispatch(struct src *);

static void
wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	dispatch(arg);
}

static void
wake_in(struct src *r, double seconds)
{
	struct timeval	 tv;

	if (evtimer_pending(r->wake, NULL))
		return;
	if (seconds < 0.01)
		seconds = 0.01;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(r->wake, &tv);
}

/* ---- requests ---- */

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct req	*q = arg;
	size_t		 n = size * nmemb;

	if (q->body.len + n > BODY_MAX)
		return 0;	/* aborts the transfer: too large */
	buf_add(&q->body, ptr, n);
	return n;
}

static void	req_done(void *, int, void *);

static void
send_req(struct src *r, struct sym **list, size_t n, int range)
{
	struct req	*q = xcalloc(1, sizeof(*q));
	int		 at = (int)(r - srcs);
	size_t		 i;
	CURL		*e;

	q->src = r;
	q->range = range;
	q->n = n;
	q->syms = xcalloc(n, sizeof(*q->syms));
	q->names = xcalloc(n, sizeof(*q->names));
	for (i = 0; i < n; i++) {
		q->syms[i] = list[i];
		q->names[i] = list[i]->ps[at].name;
	}
	q->url = range ? r->p->range_url(r->base, r->pc->key, q->names[0],
	    time(NULL)) : r->p->url(r->base, r->pc->key, q->names, n);
	if ((e = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	curl_easy_setopt(e, CURLOPT_URL, q->url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, q);
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
	q->easy = e;
	TAILQ_INSERT_TAIL(&reqs, q, entry);
	r->inflight++;
	net_add(e, req_done, q);
}

/*
 * Send what the queues hold, as the token bucket and the host allow:
 * quotes first, several symbols a request where the API takes them,
 * then 52-week ranges.
 */
static void
dispatch(struct src *r)
{
	struct sym	*list[64], *s, *next;
	size_t		 n, max;
	double		 cost;
	time_t		 now = time(NULL);

	while (r->inflight < INFLIGHT_MAX) {
		if (TAILQ_EMPTY(&r->queue) && TAILQ_EMPTY(&r->rqueue))
			return;
		if (r->host_until > now) {
			wake_in(r, (double)(r->host_until - now));
			return;
		}
		max = 1;
		if (!TAILQ_EMPTY(&r->queue)) {
			max = r->p->batch_max;
			if (r->p->cost_per_symbol && (double)max > r->burst)
				max = r->burst >= 1 ? (size_t)r->burst : 1;
			if (max > sizeof(list) / sizeof(list[0]))
				max = sizeof(list) / sizeof(list[0]);
			if (max > r->nqueue)
				max = r->nqueue;
		}
		cost = r->p->cost_per_symbol && !TAILQ_EMPTY(&r->queue) ?
		    (double)max : 1;
		refill(r);
		if (r->tokens < cost) {
			wake_in(r, (cost - r->tokens) / r->rate);
			return;
		}
		r->tokens -= cost;
		if (!TAILQ_EMPTY(&r->queue)) {
			/* a symbol that spoiled a batch goes alone */
			n = 0;
			if ((s = TAILQ_FIRST(&r->queue))->solo)
				max = 1;
			for (s = TAILQ_FIRST(&r->queue); s != NULL &&
			    n < max; s = next) {
				next = TAILQ_NEXT(s, qentry);
				if (s->solo && n > 0)
					continue;
				TAILQ_REMOVE(&r->queue, s, qentry);
				r->nqueue--;
				list[n++] = s;
			}
			send_req(r, list, n, 0);
		} else {
			s = TAILQ_FIRST(&r->rqueue);
			TAILQ_REMOVE(&r->rqueue, s, rentry);
			list[0] = s;
			send_req(r, list, 1, 1);
		}
	}
}

/* Ask provider `at' of the chain about s. */
static void
enqueue(struct sym *s, int at)
{
	struct src	*r = &srcs[at];

	s->busy = 1;
	TAILQ_INSERT_TAIL(&r->queue, s, qentry);
	r->nqueue++;
	if (r->p->batch_max > 1 && r->nqueue < r->p->batch_max)
		wake_in(r, BATCH_WAIT);	/* let the others due join */
	else
		dispatch(r);
}

static void
enqueue_range(struct sym *s, int at)
{
	s->range_busy = at + 1;
	TAILQ_INSERT_TAIL(&srcs[at].rqueue, s, rentry);
	dispatch(&srcs[at]);
}

/* Whether s's 52-week range should be asked of provider `at' now. */
static int
range_due(struct sym *s, int at, time_t now)
{
	const struct provider *p = srcs[at].p;

	if (p->range_url == NULL || s->range_busy ||
	    now < s->range_not_before)
		return 0;
	return s->range_time == 0 || now - s->range_time >= p->range_every ||
	    session_day(now) != session_day(s->range_time);
}

/* Route s to the first provider that may be asked, or wait. */
static void
route(struct sym *s)
{
	double	 wait;
	int	 at;

	if (s->busy)
		return;
	if ((at = pick(s, time(NULL), &wait)) >= 0) {
		enqueue(s, at);
		return;
	}
	round_end(s);
	schedule_next(s, wait > (double)poll_conf->poll ? wait :
	    (double)poll_conf->poll);
}

/* ---- answers ---- */

/* The range's figures where the quote lacks them. */
static void
merge_range(struct sym *s, struct quote *q)
{
	long	 day = session_day(q->time);
	int	 i;

	if (s->range_time == 0)
		return;
	if (!isfinite(q->high52) && !isfinite(q->low52)) {
		q->high52 = s->range.quote.high52;
		q->low52 = s->range.quote.low52;
	}
	for (i = 0; i < 2 && !isfinite(q->prev_close); i++)
		if (s->range.close_day[i] != 0 && s->range.close_day[i] < day)
			q->prev_close = s->range.close[i];
}

static void
evaluate(struct sym *s, struct quote *q)
{
	time_t	 now = time(NULL);

	if (q->time == 0)
		q->time = now;
	merge_range(s, q);
	got_quote(s, q, now);
	round_end(s);
	schedule_next(s, (double)poll_conf->poll);
}

static void
quote_ok(struct sym *s, int at, struct quote *q)
{
	struct psym	*ps = &s->ps[at];
	struct src	*r = &srcs[at];
	time_t		 now = time(NULL);
	int		 i;

	if (ps->reported || s->said_unknown)
		log_info("%s: quotes are back (%s)", s->w->symbol, r->p->name);
	if (at > 0 && s->source != at)
		log_info("%s: quoted by %s, the fallback of %s", s->w->symbol,
		    r->p->name, srcs[at - 1].p->name);
	ps->fails = 0;
	ps->unknown = 0;
	ps->reported = 0;
	ps->not_before = 0;
	s->said_unknown = 0;
	s->solo = 0;
	s->source = at;
	for (i = 0; i < at; i++)
		s->ps[i].reported = 1;	/* say when it is back */
	tk_strlcpy(q->symbol, s->w->symbol, sizeof(q->symbol));
	s->busy = 0;
	if (range_due(s, at, now)) {
		enqueue_range(s, at);
		if (s->range_time == 0) {
			/* the first quote waits for its 52-week range */
			s->held = *q;
			s->holding = 1;
			s->busy = 1;
			return;
		}
	}
	evaluate(s, q);
}

static void
quote_failed(struct sym *s, int at, struct fetch_result *res,
    long retry_after, const char *url)
{
	struct psym	*ps = &s->ps[at];
	struct src	*r = &srcs[at];
	time_t		 now = time(NULL);
	double		 delay, wait;
	size_t		 i;
	int		 next, all_unknown = 1;

	s->busy = 0;
	ps->fails++;
	switch (res->status) {
	case FETCH_UNKNOWN:
		delay = UNKNOWN_RETRY;
		ps->unknown = 1;
		break;
	case FETCH_RATELIMIT:
		delay = backoff(ps->fails);
		if (retry_after > 0 && (double)retry_after > delay)
			delay = (double)retry_after;
		break;
	default:
		delay = backoff(ps->fails);
		break;
	}
	ps->not_before = now + (time_t)delay;
	if (!ps->reported) {
		if (res->status == FETCH_RATELIMIT)
			log_warnx("%s: rate-limited by %s (%s); not asked again "
			    "for %.0fs", s->w->symbol, r->p->name, res->error,
			    delay);
		else if (res->status == FETCH_UNKNOWN)
			log_info("%s: %s does not know it (%s, %s)",
			    s->w->symbol, r->p->name, res->error, url);
		else
			log_warnx("%s: %s from %s, skipped; next try in %.0fs",
			    s->w->symbol, res->error, url, delay);
	} else
		log_debug("%s: %s from %s", s->w->symbol, res->error, url);
	ps->reported = 1;
	for (i = 0; i < nsrc; i++)
		if (!s->ps[i].unknown)
			all_unknown = 0;
	if (all_unknown) {
		if (!s->said_unknown)
			log_warnx("%s: unknown or delisted symbol (%s); polling "
			    "the others goes on", s->w->symbol, res->error);
		s->said_unknown = 1;
		snprintf(s->w->problem, sizeof(s->w->problem), "%s",
		    PROBLEM_UNKNOWN);
	} else
		snprintf(s->w->problem, sizeof(s->w->problem), "%s: %s",
		    r->p->name, res->error);
	if ((next = pick(s, now, &wait)) >= 0) {
		log_debug("%s: asking %s", s->w->symbol, srcs[next].p->name);
		enqueue(s, next);
		return;
	}
	round_end(s);
	schedule_next(s, wait > (double)poll_conf->poll ? wait :
	    (double)poll_conf->poll);
}

static void
range_done(struct sym *s, int at, struct fetch_result *res, long retry_after,
    const char *url)
{
	struct src	*r = &srcs[at];
	time_t		 now = time(NULL);

	s->range_busy = 0;
	if (res->status == FETCH_OK) {
		s->range = *res;
		s->range_time = now;
		s->range_reported = 0;
		log_debug("%s: 52-week range from %s", s->w->symbol, r->p->name);
	} else {
		s->range_not_before = now + (retry_after > RANGE_RETRY ?
		    retry_after : RANGE_RETRY);
		if (!s->range_reported)
			log_info("%s: no 52-week range from %s (%s, %s); asked "
			    "again in an hour", s->w->symbol, r->p->name,
			    res->error, url);
		s->range_reported = 1;
	}
	if (s->holding) {
		s->holding = 0;
		s->busy = 0;
		evaluate(s, &s->held);
	}
}

/* Failures that say the host cannot be reached at all. */
static int
host_down(int code)
{
	return code == CURLE_COULDNT_RESOLVE_HOST ||
	    code == CURLE_COULDNT_RESOLVE_PROXY ||
	    code == CURLE_COULDNT_CONNECT || code == CURLE_SSL_CONNECT_ERROR ||
	    code == CURLE_PEER_FAILED_VERIFICATION;
}

/*
 * The host is down: back off from it, exponentially with jitter, and
 * send the symbols waiting for it to their fallbacks.
 */
static void
host_failed(struct src *r, const char *why, const char *url)
{
	struct sym	*s;
	time_t		 now = time(NULL);
	double		 d;

	r->host_fails++;
	d = backoff(r->host_fails - 1);
	if (r->host_until < now + (time_t)d)
		r->host_until = now + (time_t)d;
	if (!r->host_reported)
		log_warnx("%s: %s (%s); asking it again in %.0fs", r->p->name,
		    why, url, d);
	r->host_reported = 1;
	while ((s = TAILQ_FIRST(&r->queue)) != NULL) {
		TAILQ_REMOVE(&r->queue, s, qentry);
		r->nqueue--;
		s->busy = 0;
		route(s);
	}
}

static void
req_free(struct req *q)
{
	buf_free(&q->body);
	free(q->url);
	free(q->syms);
	free(q->names);
	free(q);
}

static void
req_done(void *easy, int code, void *arg)
{
	struct req		*q = arg;
	struct src		*r = q->src;
	struct fetch_result	*res;
	long			 status = 0;
	curl_off_t		 retry_after = 0;
	char			*red;
	size_t			 i;
	int			 at = (int)(r - srcs), any_ok = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
	curl_easy_cleanup(easy);
	TAILQ_REMOVE(&reqs, q, entry);
	r->inflight--;
	if (code == CURLE_ABORTED_BY_CALLBACK) {	/* shutting down */
		req_free(q);
		return;
	}
	red = net_redact(q->url);	/* the URL fit for logs */
	res = xcalloc(q->n, sizeof(*res));
	if (code != CURLE_OK) {
		fetch_fail_all(res, q->n, FETCH_FAIL, "%s",
		    code == CURLE_WRITE_ERROR ? "answer larger than 1 MiB" :
		    curl_easy_strerror((CURLcode)code));
		if (host_down(code))
			host_failed(r, res[0].error, red);
	} else if (q->range)
		r->p->range_parse(q->names[0], status, q->body.data ?
		    q->body.data : "", q->body.len, time(NULL), res);
	else
		r->p->parse(q->names, q->n, status, q->body.data ?
		    q->body.data : "", q->body.len, res);
	for (i = 0; i < q->n; i++) {
		if (res[i].status == FETCH_OK)
			any_ok = 1;
		if (q->range)
			range_done(q->syms[i], at, &res[i], (long)retry_after,
			    red);
		else if (res[i].status == FETCH_OK)
			quote_ok(q->syms[i], at, &res[i].quote);
		else {
			/* a bad answer in a batch: ask that symbol alone */
			if (q->n > 1 && res[i].status == FETCH_BAD)
				q->syms[i]->solo = 1;
			quote_failed(q->syms[i], at, &res[i],
			    (long)retry_after, red);
		}
	}
	if (any_ok || (code == CURLE_OK && status > 0 && status < 500)) {
		if (r->host_reported)
			log_info("%s: answering again", r->p->name);
		r->host_fails = 0;
		r->host_reported = 0;
	}
	free(res);
	free(red);
	req_free(q);
	dispatch(r);
}

/* ---- the chain ---- */

/* The provider's spelling of a watched symbol: map lines first. */
static void
map_symbol(const struct src *r, const char *sym, char *out, size_t outlen)
{
	size_t	 i;

	for (i = 0; i < r->pc->nmaps; i++)
		if (strcasecmp(r->pc->maps[i].from, sym) == 0) {
			tk_strlcpy(out, r->pc->maps[i].to, outlen);
			return;
		}
	if (r->p->map != NULL)
		r->p->map(sym, out, outlen);
	else
		tk_strlcpy(out, sym, outlen);
}

/* The first provider and its fallbacks, as the configuration says. */
static void
chain_start(struct config *conf)
{
	struct providerconf	*pc = config_provider(conf);
	struct src		*r;
	double			 per_min;

	nsrc = 0;
	while (pc != NULL && nsrc < CHAIN_MAX) {
		r = &srcs[nsrc++];
		memset(r, 0, sizeof(*r));
		if ((r->p = provider_find(pc->name)) == NULL)
			fatalx("provider %s is not available", pc->name);
		r->pc = pc;
		r->base = pc->url ? pc->url : r->p->default_url;
		r->rate = (pc->rate > 0 ? pc->rate : r->p->rate) /
		    (double)(pc->rate > 0 ? pc->rate_period : r->p->rate_period);
		per_min = ceil(r->rate * 60);
		r->burst = pc->rate > 0 ? pc->rate : r->p->rate;
		if (r->burst > per_min)
			r->burst = per_min;
		if (r->burst < 1)
			r->burst = 1;
		r->tokens = r->burst;
		gettimeofday(&r->refilled, NULL);
		TAILQ_INIT(&r->queue);
		TAILQ_INIT(&r->rqueue);
		if ((r->wake = evtimer_new(poll_base, wake_cb, r)) == NULL)
			fatalx("evtimer_new");
		log_debug("provider %s%s: %s, budget %.3g requests a minute "
		    "(burst %.0f)", r->p->name, nsrc > 1 ? " (fallback)" : "",
		    r->base, r->rate * 60, r->burst);
		pc = pc->fallback ? config_provider_named(conf, pc->fallback) :
		    NULL;
	}
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
		route(s);
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
	struct providerconf *provconf;
	struct watch	*w;
	struct sym	*s;
	const char	*file = NULL, *fake;
	char		 err[512];
	size_t		 n = 0, i = 0, k;
	double		 spread;
	time_t		 now, next;

	poll_base = base;
	poll_conf = conf;
	opts = *o;
	nsrc = 0;
	provconf = config_provider(conf);
	if (!clock_set && (fake = getenv("TICKERD_MARKET_CLOCK")) != NULL) {
		clock_skew = (time_t)strtoll(fake, NULL, 10) - time(NULL);
		log_info("market hours judged by a clock set to %s", fake);
	}
	clock_set = 1;
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
	} else
		chain_start(conf);

	TAILQ_FOREACH(w, &conf->watches, entry) {
		s = xcalloc(1, sizeof(*s));
		s->w = w;
		if ((s->timer = evtimer_new(base, poll_cb, s)) == NULL)
			fatalx("evtimer_new");
		for (k = 0; k < nsrc; k++)
			map_symbol(&srcs[k], w->symbol, s->ps[k].name,
			    sizeof(s->ps[k].name));
		TAILQ_INSERT_TAIL(&syms, s, entry);
		n++;
		if (replay != NULL && !replay_has_symbol(replay, w->symbol)) {
			log_warnx("%s: unknown symbol: no recorded quotes in "
			    "%s", w->symbol, file);
			s->done = 1;
		}
	}
	if (replay != NULL && opts.once) {
		run_backtest();
		return 0;
	}
	if (opts.once) {
		/* one round per symbol, all at once, as the budget allows */
		TAILQ_FOREACH(s, &syms, entry) {
			s->in_round = 1;
			work_begin();
		}
		TAILQ_FOREACH(s, &syms, entry)
			route(s);
		return 0;
	}
	gettimeofday(&replay_start, NULL);
	now = mclock();
	if (replay == NULL && conf->market_hours && !market_open(now)) {
		/* closed: the after-close poll if it is still due, or the open */
		next = market_next_poll(now, conf->poll, after_close());
		log_info("market closed; polling starts in %llds",
		    (long long)(next - now));
		TAILQ_FOREACH(s, &syms, entry)
			schedule(s, (double)(next - now) + 0.05 * (double)i++);
		return 0;
	}
	/* spread the first polls a little, all within the first second;
	 * not when several share a request */
	spread = n > 1 ? 1.0 / (double)n : 0;
	if (nsrc > 0 && srcs[0].p->batch_max > 1)
		spread = 0;
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
	struct req	*q;
	size_t		 i;

	while ((q = TAILQ_FIRST(&reqs)) != NULL) {
		TAILQ_REMOVE(&reqs, q, entry);
		net_cancel(q->easy);
		curl_easy_cleanup(q->easy);
		req_free(q);
	}
	for (i = 0; i < nsrc; i++)
		event_free(srcs[i].wake);
	nsrc = 0;
	while ((s = TAILQ_FIRST(&syms)) != NULL) {
		TAILQ_REMOVE(&syms, s, entry);
		event_free(s->timer);
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
