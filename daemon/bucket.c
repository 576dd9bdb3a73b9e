/*
 * Each provider's budget: a token bucket refilled at the provider's rate
 * (requests, or symbols where the API counts symbols), holding at most a
 * minute's worth; and the dispatcher, which sends what the provider's
 * queues hold as the budget, the host's backoff and the provider's
 * connections allow: quotes first, several symbols a request where the
 * API takes them, then 52-week ranges.  Over HTTP/1.1 a request needs a
 * connection of its own; once the server is seen to speak HTTP/2, each
 * connection carries several at once.  A request goes out through the
 * provider's send (fetch.c's, given down by the pipeline), whose answers
 * dispatch again.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define LIST_MAX	100	/* symbols in one request, at most */
#define MUX_STREAMS	16	/* requests on one HTTP/2 connection */

/*
 * What each provider's budget and host backoff were when its poller
 * stopped: the next poller (a reload) goes on from there, so a reload
 * neither refills the budget nor forgets that a host is down.
 */
static struct kept {
	char		 name[16];
	double		 tokens;
	double		 refilled;
	int		 host_fails;
	int		 host_reported;
	time_t		 host_until;
} kept[8];

static struct kept *
kept_find(const char *name, int make)
{
	size_t	 i;

	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (strcmp(kept[i].name, name) == 0 ||
		    (make && kept[i].name[0] == '\0'))
			break;
	if (i == sizeof(kept) / sizeof(kept[0]))
		return NULL;
	if (kept[i].name[0] == '\0')
		tk_strlcpy(kept[i].name, name, sizeof(kept[i].name));
	return &kept[i];
}

/* r's poller stops: keep its budget and its host's backoff. */
void
bucket_keep(const struct src *r)
{
	struct kept	*k = kept_find(r->p->name, 1);

	if (k == NULL)
		return;
	k->tokens = r->tokens;
	k->refilled = r->refilled;
	k->host_fails = r->host_fails;
	k->host_reported = r->host_reported;
	k->host_until = r->host_until;
}

static void
wake_cb(evutil_socket_t fd, short ev, void *arg)
{
	bucket_dispatch(arg);
}

/* The budget of r, as its configuration or the provider's default says. */
void
bucket_init(struct src *r)
{
	struct providerconf	*pc = r->pc;
	struct kept		*k;
	double			 per_min;

	r->rate = (pc->rate > 0 ? pc->rate : r->p->rate) /
	    (double)(pc->rate > 0 ? pc->rate_period : r->p->rate_period);
	per_min = ceil(r->rate * 60);
	r->burst = pc->rate > 0 ? pc->rate : r->p->rate;
	if (r->burst > per_min)
		r->burst = per_min;
	if (r->burst < 1)
		r->burst = 1;
	r->tokens = r->burst;
	r->refilled = clock_mono();
	if ((k = kept_find(r->p->name, 0)) != NULL) {
		r->tokens = k->tokens < r->burst ? k->tokens : r->burst;
		r->refilled = k->refilled;
		r->host_fails = k->host_fails;
		r->host_reported = k->host_reported;
		r->host_until = k->host_until;
	}
	r->ready = bucket_dispatch;	/* for the session's handshake */
	if ((r->wake = evtimer_new(r->P->base, wake_cb, r)) == NULL)
		fatalx("evtimer_new");
}

static void
refill(struct src *r)
{
	double	 now = clock_mono();

	r->tokens += (now - r->refilled) * r->rate;
	r->refilled = now;
	if (r->tokens > r->burst)
		r->tokens = r->burst;
}

/* Dispatch again in `seconds', unless a wake-up is already due. */
void
bucket_wake_in(struct src *r, double seconds)
{
	if (!evtimer_pending(r->wake, NULL))
		timer_in(r->wake, seconds);
}

/* How many symbols the next quote request may carry. */
static size_t
batch_size(const struct src *r)
{
	size_t	 max = session_batch_max(r);

	if (r->p->cost_per_symbol && (double)max > r->burst)
		max = r->burst >= 1 ? (size_t)r->burst : 1;
	if (max > LIST_MAX)
		max = LIST_MAX;
	if (max > r->nqueue)
		max = r->nqueue;
	if (TAILQ_FIRST(&r->queue)->solo)
		max = 1;	/* a symbol that spoiled a batch goes alone */
	return max;
}

/* Take up to max symbols off the quote queue; a `solo' one goes alone. */
static size_t
take(struct src *r, struct sym **list, size_t max)
{
	struct sym	*s, *next;
	size_t		 n = 0;

	for (s = TAILQ_FIRST(&r->queue); s != NULL && n < max; s = next) {
		next = TAILQ_NEXT(s, qentry);
		if (s->solo && n > 0)
			continue;
		TAILQ_REMOVE(&r->queue, s, qentry);
		r->nqueue--;
		list[n++] = s;
	}
	return n;
}

/* Send what r's queues hold, as far as the budget and the host allow. */
void
bucket_dispatch(struct src *r)
{
	struct sym	*list[LIST_MAX];
	size_t		 max;
	double		 cost;
	time_t		 now = clock_now();

	while (r->inflight < r->conns * (r->mux ? MUX_STREAMS : 1)) {
		if (TAILQ_EMPTY(&r->queue) && TAILQ_EMPTY(&r->rqueue))
			return;
		if (r->host_until > now) {
			bucket_wake_in(r, (double)(r->host_until - now));
			return;
		}
		if (!TAILQ_EMPTY(&r->queue) && session_wait(r))
			return;		/* dispatched again when it is made */
		max = TAILQ_EMPTY(&r->queue) ? 1 : batch_size(r);
		cost = r->p->cost_per_symbol && !TAILQ_EMPTY(&r->queue) ?
		    (double)max : 1;
		refill(r);
		if (r->tokens < cost) {
			bucket_wake_in(r, (cost - r->tokens) / r->rate);
			return;
		}
		r->tokens -= cost;
		if (!TAILQ_EMPTY(&r->queue))
			r->send(r, list, take(r, list, max), 0);
		else {
			list[0] = TAILQ_FIRST(&r->rqueue);
			TAILQ_REMOVE(&r->rqueue, list[0], rentry);
			r->send(r, list, 1, 1);
		}
	}
}
