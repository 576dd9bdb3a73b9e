/*
 * The poll scheduler and the token bucket, with a fake transport and a
 * stopped clock: the test stands in for fetch.c and records each request
 * the scheduler would send.  A --once round sends at most 8 requests to a
 * provider at once; the budget holds requests back until tokens refill;
 * a batching provider waits a moment for the others and sends them in
 * one request; a backed-off provider gives way to its fallback; market
 * hours put the first poll at the open.
 */
#include "config.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "lib/lib.h"
#include "daemon/daemon.h"
#include "unit.h"

#define NOW	1772480400	/* Monday 2026-03-02 14:40 EST */

static struct sent {
	struct src	*src;
	size_t		 n;
	int		 range;
	struct sym	*first;
} sent[64];
static size_t		 nsent;

/* The fake transport: record the request and keep it in flight. */
void
fetch_send(struct src *r, struct sym **list, size_t n, int range)
{
	ck_assert_uint_lt(nsent, 64);
	sent[nsent].src = r;
	sent[nsent].n = n;
	sent[nsent].range = range;
	sent[nsent].first = list[0];
	nsent++;
	r->inflight++;
}

static struct event_base	*ebase;
static struct config		*tconf;

/* The poller alone, its requests sent to the fake transport. */
static struct poller *
poll_start(const struct poll_opts *o)
{
	struct poller	*P = poll_new(ebase, tconf, o, NULL, 0);
	size_t		 i;

	for (i = 0; i < P->nsrc; i++)
		P->srcs[i].send = fetch_send;
	poll_begin(P);
	return P;
}

/* A configuration of `head' and n symbols S0..S(n-1), each `above 1'. */
static struct poller *
start(const char *head, int n, int once)
{
	struct poll_opts	 o = { once, NULL };
	struct buf		 b = { 0 };
	char			*path;
	int			 i;

	buf_printf(&b, "state-dir memory\n%s\n", head);
	for (i = 0; i < n; i++)
		buf_printf(&b, "watch S%d { above 1 }\n", i);
	path = unit_write("poll.conf", b.data);
	buf_free(&b);
	unit_reset_errors();
	ck_assert_msg((tconf = config_load(path, unit_errfn)) != NULL, "%s",
	    unit_errors);
	free(path);
	ck_assert_ptr_nonnull(ebase = event_base_new());
	clock_fake(NOW);
	clock_market_set(NOW);
	symstate_sync(tconf);
	nsent = 0;
	return poll_start(&o);
}

static void
stop(struct poller *P)
{
	poll_free(P);
	symstate_clear();
	config_free(tconf);
	event_base_free(ebase);
	clock_fake(0);
}

/* Seconds until a timer fires. */
static double
due_in(struct event *ev)
{
	struct timeval	 at, now;

	ck_assert(evtimer_pending(ev, &at));
	gettimeofday(&now, NULL);
	return (double)(at.tv_sec - now.tv_sec) +
	    (double)(at.tv_usec - now.tv_usec) / 1e6;
}

/* A request answered: in flight no more, and the bucket goes on. */
static void
answer(struct src *r)
{
	r->inflight--;
	bucket_dispatch(r);
}

START_TEST(test_once_round)
{
	struct poller	*P = start("provider yahoo { rate 100000/s connections 8 batches no }", 10, 1);
	struct src	*r = &P->srcs[0];

	ck_assert_uint_eq(P->nsrc, 1);
	ck_assert_uint_eq(work_pending(), 10);	/* one round each */
	ck_assert_uint_eq(nsent, 8);		/* in flight at most */
	ck_assert_uint_eq(r->nqueue, 2);
	answer(r);
	ck_assert_uint_eq(nsent, 9);
	ck_assert_uint_eq(sent[8].n, 1);	/* yahoo: one a request */
	ck_assert_str_eq(sent[8].first->w->symbol, "S8");
	stop(P);
}
END_TEST

START_TEST(test_budget)
{
	struct poller	*P = start("provider yahoo { rate 2/m connections 8 batches no }", 5, 1);
	struct src	*r = &P->srcs[0];
	double		 d;

	ck_assert_uint_eq(nsent, 2);		/* the burst */
	d = due_in(r->wake);
	ck_assert_msg(d > 29 && d <= 30.01, "next token in %.2fs", d);
	answer(r);
	answer(r);
	ck_assert_uint_eq(nsent, 2);		/* no token yet */
	clock_fake(NOW + 30);
	bucket_dispatch(r);
	ck_assert_uint_eq(nsent, 3);
	stop(P);
}
END_TEST

START_TEST(test_batches)
{
	struct poller	*P = start("provider stooq", 25, 1);
	struct src	*r = &P->srcs[0];

	/* 20 a request: the first 20 at once, 5 wait for more to join */
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(sent[0].n, 20);
	ck_assert_uint_eq(r->nqueue, 5);
	ck_assert(due_in(r->wake) <= 0.21);
	event_active(r->wake, EV_TIMEOUT, 1);
	event_base_loop(ebase, EVLOOP_NONBLOCK);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(sent[1].n, 5);
	ck_assert_str_eq(sent[1].first->w->symbol, "S20");
	stop(P);
}
END_TEST

START_TEST(test_fallback)
{
	struct poller	*P = start("provider yahoo { fallback stooq }", 1, 0);
	struct sym	*s = TAILQ_FIRST(&P->syms);
	double		 wait;

	ck_assert_uint_eq(P->nsrc, 2);
	ck_assert_str_eq(P->srcs[1].p->name, "stooq");
	ck_assert_str_eq(s->ps[0].name, "S0");
	ck_assert_str_eq(s->ps[1].name, "s0.us");	/* stooq's spelling */
	ck_assert_int_eq(poll_pick(s, NOW, &wait), 0);
	P->srcs[0].host_until = NOW + 100;	/* yahoo is down */
	ck_assert_int_eq(poll_pick(s, NOW, &wait), 1);
	s->ps[1].st->not_before = NOW + 50;		/* and stooq backed off */
	ck_assert_int_eq(poll_pick(s, NOW, &wait), -1);
	ck_assert_double_eq(wait, 50);
	stop(P);
}
END_TEST

/* Started on a Saturday with market hours: the first poll is at the open. */
START_TEST(test_market_hours)
{
	struct poller	*P;
	struct sym	*s;
	time_t		 sat = 1772892000;	/* Sat 2026-03-07 14:00 UTC */
	time_t		 open = 1773063000;	/* Mon 2026-03-09 09:30 EDT */
	double		 d;

	P = start("market-hours yes\npoll 60s", 1, 0);
	clock_market_set(sat);
	poll_free(P);
	P = poll_start(&(struct poll_opts){ 0, NULL });
	s = TAILQ_FIRST(&P->syms);
	d = due_in(s->timer);
	ck_assert_msg(d > (double)(open - sat) - 2 && d < (double)(open -
	    sat) + 1, "first poll in %.0fs, not %llds", d,
	    (long long)(open - sat));
	/* in the session: every poll; at the close: once after it */
	clock_market_set(open + 3600);
	poll_again(s, 60);
	d = due_in(s->timer);
	ck_assert(d > 59 && d < 61);
	clock_market_set(open + 6 * 3600 + 1770);	/* 15:59:30 */
	poll_again(s, 60);
	d = due_in(s->timer);
	ck_assert_msg(d > 149 && d < 151, "after-close poll in %.0fs", d);
	stop(P);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("poll");
	TCase	*tc = tcase_create("poll");

	tcase_add_test(tc, test_once_round);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_batches);
	tcase_add_test(tc, test_fallback);
	tcase_add_test(tc, test_market_hours);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
