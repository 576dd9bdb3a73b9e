/*
 * A symbol's streamed trades, gathered and judged.  A busy symbol trades
 * many times a second; judging each trade would cost a rule evaluation
 * each, and a state write for many.  So a trade that comes while the
 * symbol is quiet is judged at once, and opens a window (`stream-window',
 * 100 ms, to 125): the trades within it are gathered, and judged together
 * when it ends.  Nothing crossed inside a window is missed: its high and its
 * low are judged in the order they came, then its last price.  A trade
 * that leaves the band in which no rule can change its verdict (a level,
 * or where a fired rule re-arms; rule_band()) closes the window at once,
 * so that a crossing is alerted as it comes, not a window later.
 *
 * A judged trade becomes a quote on what the symbol's last quote knows
 * (the previous close, the 52-week range, the session's open, high and
 * low), with what the feed said of its own (Yahoo's previous close, day
 * range and volume), and goes to the arbiter (arbiter.c) as a polled one
 * does, marked as a trade, with the hours it is of: the feed's word, or
 * the exchange's hours at its time.  A trade outside the regular session
 * leaves the session's open, range and volume as they were.
 */
#include "config.h"

#include <sys/queue.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "daemon/daemon.h"

#define TRADE_LATE	300	/* a trade older than this is taken as new */

struct wtick {
	TAILQ_ENTRY(wtick)	 entry;		/* in its ticker's windows */
	struct ticker		*T;
	struct sym		*s;
	int			 open;		/* a window runs */
	double			 end;		/* clock_mono() */
	size_t			 n;		/* trades gathered */
	unsigned long		 seq;
	struct trade		 hi, lo, last;
	unsigned long		 hi_seq, lo_seq, last_seq;
	double			 band_lo, band_hi;
};
TAILQ_HEAD(wticklist, wtick);

struct ticker {
	struct arbiter		*A;		/* where its trades go */
	struct event		*ev;
	double			 window;
	struct wticklist		 windows;	/* by their ends */
};

/* The quote a trade makes, on what the symbol's last quote knew. */
static void
trade_quote(struct sym *s, const struct trade *t, struct quote *q)
{
	struct symstate		*ss = s->ss;
	const struct quote	*b = &ss->last;
	time_t			 now = clock_market(), at;
	long			 day;
	int			 same;

	at = t->time > 0 ? (time_t)t->time : now;
	if (at < now - TRADE_LATE || at > now + 60)
		at = now;		/* live, whatever its clock says */
	if (at < ss->last_time)
		at = ss->last_time;
	day = market_day(ss->ex, at);
	same = ss->last_seen > 0 && b->ex == ss->ex &&
	    market_day(ss->ex, b->time) == day;
	if (ss->last_seen > 0)
		*q = *b;
	else {
		memset(q, 0, sizeof(*q));
		q->high52 = q->low52 = NAN;
	}
	tk_strlcpy(q->symbol, s->w->symbol, sizeof(q->symbol));
	if (!same) {		/* a new session: what the last one knew */
		q->open = q->day_high = q->day_low = 0;
		q->volume = -1;
		q->prev_close = ss->ref.close_day != 0 && ss->ref.close_day ==
		    market_prev_day(ss->ex, day - 1) ? ss->ref.close : NAN;
	}
	q->price = t->price;
	q->time = at;
	q->date = 0;
	q->delay = 0;
	q->ex = ss->ex;
	q->session = t->session != QS_NONE ? t->session :
	    market_hours_of(ss->ex, at);
	if (t->prev_close > 0)
		q->prev_close = t->prev_close;
	if (q->session != QS_REGULAR && !exchange_always(ss->ex))
		return;		/* the session's figures stay the session's */
	if (t->open > 0)
		q->open = t->open;
	q->day_high = t->day_high > 0 ? t->day_high : q->day_high > 0 ?
	    fmax(q->day_high, t->price) : 0;
	q->day_low = t->day_low > 0 ? t->day_low : q->day_low > 0 ?
	    fmin(q->day_low, t->price) : 0;
	if (t->day_volume >= 0)
		q->volume = t->day_volume;
	if (t->currency[0] != '\0')
		memcpy(q->currency, t->currency, sizeof(q->currency));
}

/* The prices between which no rule of the watch changes its verdict. */
static void
band(struct wtick *k)
{
	struct sym	*s = k->s;
	struct rule	*r;
	struct rulestate *rs = s->ss->rules;
	double		 h = watch_hysteresis(k->T->A->conf, s->w);

	k->band_lo = -INFINITY;
	k->band_hi = INFINITY;
	TAILQ_FOREACH(r, &s->w->rules, entry) {
		rule_band(r, &rs->st, &s->ss->last, &s->ss->ref, h,
		    &k->band_lo, &k->band_hi);
		rs++;
	}
}

static void
judge(struct wtick *k, const struct trade *t)
{
	struct quote	 q;

	trade_quote(k->s, t, &q);
	arbiter_quote(k->T->A, k->s, &q, clock_now(), ORIGIN_TRADE);
	band(k);
}

/* Judge what the window gathered: its high and its low in the order
 * they came, then its last price. */
static void
flush(struct wtick *k)
{
	const struct trade	*v[3] = { &k->hi, &k->lo, &k->last }, *tv;
	unsigned long		 seq[3] = { k->hi_seq, k->lo_seq, k->last_seq };
	unsigned long		 sv, done = 0;
	size_t			 i, j;

	if (k->n == 0)
		return;
	k->n = 0;
	for (i = 1; i < 3; i++)		/* three: by insertion */
		for (j = i; j > 0 && seq[j] < seq[j - 1]; j--) {
			sv = seq[j];
			seq[j] = seq[j - 1];
			seq[j - 1] = sv;
			tv = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tv;
		}
	for (i = 0; i < 3; i++) {
		if (seq[i] == done)
			continue;
		judge(k, v[i]);
		done = seq[i];
	}
}

static void
arm(struct ticker *T)
{
	struct wtick	*k = TAILQ_FIRST(&T->windows);
	double		 d;

	if (k == NULL) {
		evtimer_del(T->ev);
		return;
	}
	d = k->end - clock_mono();
	timer_in(T->ev, d > 0 ? d : 0);
}

/*
 * A window opens.  Its end is put on a grid of a quarter of the window,
 * so that the windows of many symbols end together, in one wake-up of
 * the loop, not one each: a window lasts from 1 to 1.25 times its length.
 */
static void
window_open(struct ticker *T, struct wtick *k)
{
	double	 grid = T->window / 4;

	k->open = 1;
	k->end = ceil((clock_mono() + T->window) / grid) * grid;
	TAILQ_INSERT_TAIL(&T->windows, k, entry);
	if (TAILQ_FIRST(&T->windows) == k)
		arm(T);
}

/* Windows that ended: judged, and open again if they gathered any. */
static void
window_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ticker	*T = arg;
	struct wtick	*k;
	double		 now = clock_mono();

	while ((k = TAILQ_FIRST(&T->windows)) != NULL && k->end <= now +
	    0.001) {
		TAILQ_REMOVE(&T->windows, k, entry);
		k->open = 0;
		if (k->n > 0) {
			flush(k);
			window_open(T, k);
		}
	}
	arm(T);
}

struct ticker *
ticker_new(struct event_base *base, struct arbiter *A, double window)
{
	struct ticker	*T = xcalloc(1, sizeof(*T));

	T->A = A;
	T->window = window;
	TAILQ_INIT(&T->windows);
	if ((T->ev = evtimer_new(base, window_cb, T)) == NULL)
		fatalx("evtimer_new");
	return T;
}

/* Judge what is gathered, and stop. */
void
ticker_free(struct ticker *T)
{
	struct wtick	*k;

	if (T == NULL)
		return;
	while ((k = TAILQ_FIRST(&T->windows)) != NULL) {
		TAILQ_REMOVE(&T->windows, k, entry);
		k->open = 0;
		flush(k);
	}
	event_free(T->ev);
	free(T);
}

/* s leaves its stream: what its window gathered was judged already. */
void
ticker_forget(struct sym *s)
{
	free(s->tick);
	s->tick = NULL;
}

/* A trade of s, from a stream whose windows T keeps. */
void
ticker_trade(struct ticker *T, struct sym *s, const struct trade *t)
{
	struct wtick	*k = s->tick;

	if (k == NULL) {
		k = s->tick = xcalloc(1, sizeof(*k));
		k->T = T;
		k->s = s;
		k->band_lo = k->band_hi = NAN;
	}
	if (!k->open || T->window <= 0) {	/* quiet until now */
		judge(k, t);
		if (T->window > 0)
			window_open(T, k);
		return;
	}
	k->seq++;
	if (k->n == 0 || t->price > k->hi.price) {
		k->hi = *t;
		k->hi_seq = k->seq;
	}
	if (k->n == 0 || t->price < k->lo.price) {
		k->lo = *t;
		k->lo_seq = k->seq;
	}
	k->last = *t;
	k->last_seq = k->seq;
	k->n++;
	if (!(t->price > k->band_lo && t->price < k->band_hi))
		flush(k);		/* a verdict may change: now */
}
