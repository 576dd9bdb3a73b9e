/*
 * Streamed quotes: a provider with `stream yes' (finnhub, yahoo, alpaca,
 * tiingo, coinbase) keeps a WebSocket open to its feed (lib/ws.c), says
 * who it is where the feed wants that first (Alpaca), subscribes the
 * watched symbols
 * its plan allows (the rest are polled only), and hands each trade to
 * the symbol's ticker (tick.c), which hands it to the arbiter, as the
 * poller hands a polled quote.
 *
 * Polling goes on, at `poll': it brings what a feed does not carry (the
 * previous close, the 52-week range, the daily bars), and while a symbol
 * trades on its stream (within stream-timeout: live_until) a polled
 * quote only lends the trades those.  When a feed is lost (the
 * connection ends, or nothing comes for `stream-timeout' while a market
 * of its symbols is open), its symbols are handed to lost_fn (the
 * poller's poll_now(), given down by the pipeline) to be polled at
 * once, and the feed is tried again after a backoff with jitter, then
 * subscribed again.  The loss is said once, and so is the return.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "store/store.h"
#include "daemon/daemon.h"

#define RETRY_FIRST	1.0	/* seconds before the first reconnection */
#define RETRY_MAX	300.0	/* the longest wait between them */
#define BAD_SAID	5	/* malformed messages said a minute, at most */
#define REFUSED_RETRY	3600.0	/* a feed that refused the key or the plan */

enum feed_state { FEED_DOWN, FEED_CONNECTING, FEED_AUTHING, FEED_SUBSCRIBED,
	FEED_UP };

struct feed {
	TAILQ_ENTRY(feed)	 entry;
	struct poller		*P;
	struct src		*r;
	size_t			 k;		/* r's place in the chain */
	const struct feed_api	*api;
	char			*url;		/* with the key */
	struct ws		*ws;
	enum feed_state		 state;
	struct strmap		*bysym;		/* feed spelling -> sym */
	struct sym		**subs;		/* subscribed */
	size_t			 nsubs;
	struct ticker		*ticker;
	struct event		*retry;
	struct event		*quiet;
	unsigned		 fails;
	int			 lost;		/* said; "back" is owed */
	int			 ever_up;
	time_t			 lost_at;
	double			 last_msg;	/* clock_mono() */
	time_t			 last_msg_wall;
	time_t			 up_since;
	unsigned long		 msgs, trades, bad, bad_quiet;
	double			 bad_minute;	/* clock_mono(): its start */
	unsigned		 bad_said;	/* in that minute */
	char			 why[256];	/* the last loss */
	double			 err_said_at;	/* clock_mono(); 0: none yet */
	unsigned long		 err_quiet;	/* errors since, not said */
	char			 err_last[128];
};
TAILQ_HEAD(feedlist, feed);

static struct feedlist feeds = TAILQ_HEAD_INITIALIZER(feeds);
static stream_lost_fn	*lost_fn;	/* the poller's: poll it now */

static void	connect_feed(struct feed *);

static const char *
feed_name(const struct feed *f)
{
	return f->r->p->name;
}

/* The feed is gone: its symbols are polled. */
static void
unmark(struct feed *f)
{
	size_t	 i;

	for (i = 0; i < f->nsubs; i++) {
		f->subs[i]->ss->feed = NULL;
		f->subs[i]->live_until = 0;
	}
}

static time_t
timeout_of(const struct feed *f)
{
	return f->r->pc->stream_timeout ? f->r->pc->stream_timeout :
	    STREAM_TIMEOUT;
}

/* The feed is gone: its symbols are polled now, and it is tried again. */
static void	errors_said(struct feed *);

static void
lost(struct feed *f, const char *why)
{
	double	 wait;
	size_t	 i;

	if (why != f->why)	/* why may be the connection's own words */
		tk_strlcpy(f->why, why, sizeof(f->why));
	why = f->why;
	errors_said(f);
	ws_close(f->ws);
	f->ws = NULL;
	if (f->state == FEED_UP || (!f->lost && !f->ever_up)) {
		unmark(f);
		for (i = 0; i < f->nsubs; i++)
			lost_fn(f->subs[i]);
		if (f->ever_up)
			log_warnx("stream %s: lost (%s); its %zu symbol%s "
			    "%s polled until it is back", feed_name(f), why,
			    f->nsubs, f->nsubs == 1 ? "" : "s",
			    f->nsubs == 1 ? "is" : "are");
		else
			log_warnx("stream %s: %s; its %zu symbol%s "
			    "%s polled until it connects", feed_name(f), why,
			    f->nsubs, f->nsubs == 1 ? "" : "s",
			    f->nsubs == 1 ? "is" : "are");
		f->lost = 1;
		f->lost_at = clock_now();
	} else
		log_debug("stream %s: %s", feed_name(f), why);
	f->state = FEED_DOWN;
	health_stream(feed_name(f), 0, why);
	wait = clock_backoff(RETRY_FIRST, f->fails++, RETRY_MAX);
	log_debug("stream %s: trying again in %.1fs", feed_name(f), wait);
	timer_in(f->retry, wait);
}

/* The subscriptions, as many messages as the feed wants. */
static void
subscribe(struct feed *f)
{
	struct buf	 msg = { 0 };
	const char	**names;
	size_t		 i, done, n;

	names = xreallocarray(NULL, f->nsubs ? f->nsubs : 1, sizeof(*names));
	for (i = 0; i < f->nsubs; i++)
		names[i] = f->subs[i]->ps[f->k].name;
	for (i = 0; i < f->nsubs; i += n) {
		msg.len = 0;
		if ((n = f->api->subscribe(names + i, f->nsubs - i,
		    f->r->pc->key, &msg)) == 0)
			break;
		ws_send(f->ws, msg.data, msg.len);
	}
	done = i;
	free(names);
	buf_free(&msg);
	f->state = FEED_SUBSCRIBED;
	f->last_msg = clock_mono();
	log_debug("stream %s: connected to %s, %zu symbol%s subscribed",
	    feed_name(f), ws_url(f->ws), done, done == 1 ? "" : "s");
}

/*
 * Connected: subscribe, or first say who we are (Alpaca's auth message)
 * and subscribe once the feed has taken it.
 */
static void
ws_opened(struct ws *ws, void *arg)
{
	struct feed	*f = arg;
	struct buf	 msg = { 0 };

	if (f->api->hello == NULL) {
		subscribe(f);
		return;
	}
	f->api->hello(f->r->pc->key, f->r->pc->secret, &msg);
	ws_send(ws, msg.data, msg.len);
	buf_free(&msg);
	f->state = FEED_AUTHING;
	f->last_msg = clock_mono();
}

/*
 * The feed refused the key or the plan (Alpaca's 402 auth failed, 406
 * connection limit exceeded): said once with what to fix, its symbols
 * polled, and tried again only after REFUSED_RETRY.
 */
static void
refused(struct feed *f, const char *err)
{
	char	 why[320];

	text_printf(why, sizeof(why), "the feed refused tickerd (%s): check "
	    "key-file and the plan's limits; asked again in %.0fs", err,
	    REFUSED_RETRY);
	/* a key its REST API refused too is said once, by whichever first */
	if (strncmp(err, "401 ", 4) == 0 || strncmp(err, "402 ", 4) == 0) {
		if (f->r->key_reported == FETCH_REFUSED && !f->ever_up)
			f->lost = 1;	/* said: lost() only logs at debug */
		f->r->feed_key_said = 1;
	}
	lost(f, why);
	timer_in(f->retry, REFUSED_RETRY);
}

/* The first message after a connection: the feed is up. */
static void
up(struct feed *f)
{
	f->state = FEED_UP;
	f->fails = 0;
	f->up_since = clock_now();
	if (f->lost && f->ever_up)
		log_info("stream %s: back after %llds; %zu symbol%s streamed",
		    feed_name(f), (long long)(clock_now() - f->lost_at),
		    f->nsubs, f->nsubs == 1 ? "" : "s");
	else
		log_info("stream %s: %zu symbol%s streamed from %s",
		    feed_name(f), f->nsubs, f->nsubs == 1 ? "" : "s",
		    ws_url(f->ws));
	f->lost = 0;
	f->ever_up = 1;
	health_stream(feed_name(f), 1, NULL);
}

/* A message that says nothing usable: each said once, BAD_SAID a minute
 * at most (a feed gone wrong is not to fill the log). */
static void
malformed(struct feed *f, const char *msg, size_t len, const char *err)
{
	char	 shown[81];
	size_t	 n;
	double	 now = clock_mono();

	f->bad++;
	if (now - f->bad_minute >= 60) {
		f->bad_minute = now;
		f->bad_said = 0;
	}
	if (f->bad_said == BAD_SAID) {
		f->bad_quiet++;
		log_debug("stream %s: malformed message: %s", feed_name(f),
		    err);
		return;
	}
	text_take(shown, sizeof(shown), msg, len);
	n = strlen(shown);
	if (f->bad_quiet > 0)
		log_warnx("stream %s: malformed message skipped (%s): \"%s%s\" "
		    "(and %lu more not said)", feed_name(f), err,
		    shown, len > n ? "..." : "", f->bad_quiet);
	else
		log_warnx("stream %s: malformed message skipped (%s): \"%s%s\"",
		    feed_name(f), err, shown, len > n ? "..." : "");
	f->bad_said++;
	f->bad_quiet = 0;
}

/* The errors the feed sent and that were only counted, said now. */
static void
errors_said(struct feed *f)
{
	if (f->err_quiet == 0)
		return;
	log_warnx("stream %s: %lu more error%s from the feed in %.0fs; the "
	    "last: %s", feed_name(f), f->err_quiet, f->err_quiet == 1 ? "" :
	    "s", clock_mono() - f->err_said_at, f->err_last);
	f->err_quiet = 0;
	f->err_said_at = clock_mono();
}

/*
 * An error the feed sent ({"type":"error"}): the first is said, the
 * rest counted and said at most once a minute (a feed may send one for
 * each of thousands of messages), and when the feed is lost.
 */
static void
feed_error(struct feed *f, const char *err)
{
	double	 now = clock_mono();

	if (f->err_said_at == 0) {
		log_warnx("stream %s: the feed says: %s", feed_name(f), err);
		f->err_said_at = now;
		return;
	}
	f->err_quiet++;
	text_take(f->err_last, sizeof(f->err_last), err, strlen(err));
	if (now - f->err_said_at >= 60)
		errors_said(f);
}

static void
ws_message(struct ws *ws, const char *msg, size_t len, void *arg)
{
	struct feed	*f = arg;
	struct trades	 t = { 0 };
	struct sym	*s;
	char		 err[256] = "";
	size_t		 i;
	enum feed_msg	 rc;

	f->msgs++;
	f->last_msg = clock_mono();
	f->last_msg_wall = clock_now();
	rc = f->api->parse(msg, len, &t, err, sizeof(err));
	if (f->state == FEED_SUBSCRIBED && rc != FEED_REFUSED)
		up(f);
	switch (rc) {
	case FEED_READY:
		if (f->state == FEED_AUTHING)
			subscribe(f);
		break;
	case FEED_REFUSED:
		refused(f, err);
		break;
	case FEED_TRADES:
		if (err[0] != '\0')
			malformed(f, msg, len, err);
		for (i = 0; i < t.n; i++) {
			if ((s = strmap_get(f->bysym, t.v[i].symbol)) == NULL ||
			    s->feed != f) {
				log_debug("stream %s: a trade of %s, not "
				    "subscribed", feed_name(f), t.v[i].symbol);
				continue;
			}
			f->trades++;
			/* a poll only lends its references while the
			 * stream's trades are newer (arbiter.c) */
			s->live_until = f->last_msg + (double)timeout_of(f);
			s->ss->feed = feed_name(f);
			ticker_trade(f->ticker, s, &t.v[i]);
		}
		break;
	case FEED_ALIVE:
		break;
	case FEED_ERROR:
		feed_error(f, err);
		break;
	case FEED_BAD:
		malformed(f, msg, len, err);
		break;
	}
	feed_trades_free(&t);
}

static void
ws_closed(struct ws *ws, const char *why, void *arg)
{
	lost(arg, why);
}

static const struct ws_ops feed_ops = { ws_opened, ws_message, ws_closed };

static void
connect_feed(struct feed *f)
{
	f->state = FEED_CONNECTING;
	f->ws = ws_open(f->url, (int)f->P->conf->timeout, &feed_ops, f);
	if (f->ws == NULL)
		lost(f, "not a ws:// or wss:// URL");
}

static void
retry_cb(evutil_socket_t fd, short ev, void *arg)
{
	connect_feed(arg);
}

/* Whether a market of the feed's symbols is open: then it must talk. */
static int
must_talk(const struct feed *f)
{
	time_t	 now = clock_market();
	size_t	 i;

	for (i = 0; i < f->nsubs; i++)
		if (market_open(f->subs[i]->ss->ex, now))
			return 1;
	return 0;
}

static void
quiet_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct feed	*f = arg;
	time_t		 limit = timeout_of(f);
	char		 why[64];

	timer_in(f->quiet, (double)limit / 4);
	if (f->state != FEED_UP && f->state != FEED_SUBSCRIBED &&
	    f->state != FEED_AUTHING)
		return;
	if (clock_mono() - f->last_msg < (double)limit || !must_talk(f))
		return;
	snprintf(why, sizeof(why), "nothing came for %llds",
	    (long long)limit);
	lost(f, why);
}

/* The feed's URL: the configured one or its own, with the key. */
static char *
feed_url(const struct src *r, const struct feed_api *api)
{
	const char	*base = r->pc->stream_url ? r->pc->stream_url :
			    api->default_url;
	char		*url, *key;

	if (api->token == NULL || r->pc->key == NULL)
		return xstrdup(base);
	key = fmt_urlencode(r->pc->key);
	xasprintf(&url, "%s%c%s=%s", base, strchr(base, '?') ? '&' : '?',
	    api->token, key);
	free(key);
	return url;
}

/* A feed for provider r of the chain, with the symbols it has room for. */
static void
feed_new(struct poller *P, size_t k)
{
	struct src	*r = &P->srcs[k];
	struct feed	*f = xcalloc(1, sizeof(*f));
	struct sym	*s;
	size_t		 limit, beyond = 0;

	f->P = P;
	f->r = r;
	f->k = k;
	f->api = r->p->feed;
	f->url = feed_url(r, f->api);
	f->bysym = strmap_new();
	limit = r->pc->stream_symbols > 0 ? (size_t)r->pc->stream_symbols :
	    (size_t)f->api->limit;
	TAILQ_FOREACH(s, &P->syms, entry) {
		if (s->feed != NULL)
			continue;	/* on an earlier provider's stream */
		if (f->api->takes != NULL && !f->api->takes(s->ps[k].name))
			continue;	/* not of this feed's market */
		if (limit > 0 && f->nsubs == limit) {
			beyond++;
			continue;
		}
		f->subs = xreallocarray(f->subs, f->nsubs + 1,
		    sizeof(*f->subs));
		f->subs[f->nsubs++] = s;
		s->feed = f;
		strmap_put(f->bysym, s->ps[k].name, s);
	}
	if (beyond > 0)
		log_info("stream %s: %zu of %zu symbols streamed, the plan's "
		    "limit (stream-symbols); %zu %s polled only", r->p->name,
		    f->nsubs, f->nsubs + beyond, beyond, beyond == 1 ? "is" :
		    "are");
	f->ticker = ticker_new(P->base, P->A, r->pc->stream_window);
	if ((f->retry = evtimer_new(P->base, retry_cb, f)) == NULL ||
	    (f->quiet = evtimer_new(P->base, quiet_cb, f)) == NULL)
		fatalx("evtimer_new");
	TAILQ_INSERT_TAIL(&feeds, f, entry);
	if (f->nsubs == 0)
		return;
	timer_in(f->quiet, (double)timeout_of(f) / 4);
	health_stream(feed_name(f), 0, "not connected yet");
	connect_feed(f);
}

/* The streams of the chain's providers that have `stream yes'. */
void
stream_start(struct poller *P, stream_lost_fn *lost_to)
{
	size_t	 k;

	lost_fn = lost_to;
	if (P->opts.once)
		return;
	for (k = 0; k < P->nsrc; k++)
		if (P->srcs[k].pc->stream && P->srcs[k].p->feed != NULL)
			feed_new(P, k);
}

/* Close the streams quietly, judging what their tickers gathered. */
void
stream_stop(struct poller *P)
{
	struct feed	*f, *next;
	size_t		 i;

	for (f = TAILQ_FIRST(&feeds); f != NULL; f = next) {
		next = TAILQ_NEXT(f, entry);
		if (f->P != P)
			continue;
		TAILQ_REMOVE(&feeds, f, entry);
		ws_close(f->ws);
		ticker_free(f->ticker);
		unmark(f);
		for (i = 0; i < f->nsubs; i++) {
			f->subs[i]->feed = NULL;
			ticker_forget(f->subs[i]);
		}
		event_free(f->retry);
		event_free(f->quiet);
		strmap_free(f->bysym);
		free(f->subs);
		free(f->url);
		free(f);
	}
}

static const char *
state_name(const struct feed *f)
{
	switch (f->state) {
	case FEED_UP:		return "up";
	case FEED_SUBSCRIBED:	return "subscribed";
	case FEED_AUTHING:	return "authenticating";
	case FEED_CONNECTING:	return "connecting";
	default:		return "down";
	}
}

/* The streams, for tickerctl status. */
json_t *
stream_json(void)
{
	json_t		*a = json_array(), *o;
	struct feed	*f;
	time_t		 now = clock_now();

	TAILQ_FOREACH(f, &feeds, entry) {
		o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
		    "provider", feed_name(f), "state", state_name(f),
		    "url", f->ws ? ws_url(f->ws) : "",
		    "symbols", (json_int_t)f->nsubs,
		    "messages", (json_int_t)f->msgs,
		    "trades", (json_int_t)f->trades,
		    "malformed", (json_int_t)f->bad);
		if (f->last_msg_wall > 0)
			json_object_set_new(o, "last_message_age",
			    json_integer(now - f->last_msg_wall));
		if (f->state == FEED_UP)
			json_object_set_new(o, "up_since",
			    json_integer(f->up_since));
		else if (f->why[0] != '\0')
			json_object_set_new(o, "error", json_string(f->why));
		json_array_append_new(a, o);
	}
	return a;
}
