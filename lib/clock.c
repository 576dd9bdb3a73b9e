/*
 * The one clock.  Everything that asks the time asks here, so that a
 * test can stop it (clock_fake) and market hours can be judged by a clock
 * set elsewhere (clock_market_set, for TICKERD_MARKET_CLOCK).  Timers are
 * libevent's, armed in seconds; retries back off exponentially with
 * jitter, written once.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "lib/lib.h"

static time_t	fake_now;	/* 0: the real clock */
static time_t	market_skew;

/* The wall clock, in seconds. */
time_t
clock_now(void)
{
	return fake_now != 0 ? fake_now : time(NULL);
}

/* A clock that never steps back, in seconds, for rates and replays. */
double
clock_mono(void)
{
	struct timespec	 ts;

	if (fake_now != 0)
		return (double)fake_now;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Tests: stop the clock at t (0 lets it run again). */
void
clock_fake(time_t t)
{
	fake_now = t;
}

/* The clock market hours are judged by: the wall clock, or one set to
 * another time at start that runs on from there. */
time_t
clock_market(void)
{
	return clock_now() + market_skew;
}

void
clock_market_set(time_t t)
{
	market_skew = t - clock_now();
}

/* Arm a timer to fire in `seconds' (at least 10 ms from now). */
void
timer_in(struct event *ev, double seconds)
{
	struct timeval	 tv;

	if (seconds < 0.01)
		seconds = 0.01;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	evtimer_add(ev, &tv);
}

/* A random number in [0, max). */
unsigned
clock_jitter(unsigned max)
{
	if (max == 0)
		return 0;
#ifdef HAVE_ARC4RANDOM_UNIFORM
	return arc4random_uniform(max);
#else
	return (unsigned)(random() % max);
#endif
}

/*
 * The delay before the next try after n failures: first * 2^n, at most
 * max, then spread by -10% to +10% so that many retries do not meet.
 */
double
clock_backoff(double first, unsigned n, double max)
{
	double		 d = first;
	unsigned	 i;

	for (i = 0; i < n && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	return d * 0.9 + d * 0.2 * clock_jitter(1001) / 1000.0;
}
