/*
 * The delivery queue, with fake transports and a stopped clock: the test
 * includes the module (as chrony's unit tests do) and stands in for the
 * transports, completing each attempt as it likes.  Retries back off from
 * `retry', doubling, with jitter; after `retry-for' a message is given
 * up; a --once run does not retry; a vanished notifier fails; a digest
 * window sends what it held as one message.
 */
#include "../notify/queue.c"

#include <sys/time.h>

#include "unit.h"

#define NOW	1772480400

/* The attempts the fake transports were given. */
static struct attempt {
	struct outmsg		*m;
	deliver_done_fn		 finish;
	const char		*transport;
} attempts[16];
static size_t		 nattempts;

static void
record(struct outmsg *m, deliver_done_fn fn, const char *transport)
{
	ck_assert_uint_lt(nattempts, 16);
	attempts[nattempts].m = m;
	attempts[nattempts].finish = fn;
	attempts[nattempts].transport = transport;
	nattempts++;
}

void
smtp_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn d)
{
	record(m, d, "smtp");
}

void
sendmail_deliver(const struct notifier *n, struct outmsg *m,
    deliver_done_fn d)
{
	record(m, d, "sendmail");
}

void
mbox_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn d)
{
	record(m, d, "mbox");
}

void
webhook_deliver(const struct notifier *n, struct outmsg *m,
    deliver_done_fn d)
{
	record(m, d, "webhook");
}

void
push_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn d)
{
	record(m, d, "push");
}

void
exec_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn d)
{
	record(m, d, "exec");
}

void
children_init(struct event_base *b)
{
}

static struct event_base	*ebase;
static struct config		*tconf;

static void
setup(const char *text, int once_run)
{
	char	*path = unit_write("queue.conf", text);

	unit_reset_errors();
	ck_assert_msg((tconf = config_load(path, unit_errfn)) != NULL, "%s",
	    unit_errors);
	free(path);
	ck_assert_ptr_nonnull(ebase = event_base_new());
	notify_init(ebase, once_run);
	notify_reconfigure(tconf);
	clock_fake(NOW);
	nattempts = 0;
}

/* A message for notifier `name', as the evaluate pipeline makes it. */
static struct outmsg *
msg(const char *name, const char *id)
{
	const struct notifier	*n = notify_lookup(name);
	struct alert		 a;
	struct quote		 q = { .symbol = "CALX", .price = 45.12,
				    .prev_close = 43.72, .high52 = 44.53,
				    .low52 = 27.73, .volume = -1, .time = NOW,
				    .currency = "USD" };
	struct rule		 r = { .kind = RULE_ABOVE, .value = 44.53,
				    .text = (char *)"above 44.53",
				    .id = (char *)"above 44.53",
				    .valtext = (char *)"44.53" };
	struct symref		 ref;
	struct outmsg		*m;

	symref_init(&ref);
	alert_init(&a, "CALX", "a note", &r, &q, &ref, NOW);
	m = notify_message(n, &a, id, r.id, NOW);
	alert_clear(&a);
	return m;
}

/* When the retry timer of m fires, in seconds from now. */
static double
retry_in(struct outmsg *m)
{
	struct timeval	 at, now;

	ck_assert_ptr_nonnull(m->timer);
	ck_assert(evtimer_pending(m->timer, &at));
	gettimeofday(&now, NULL);
	return (double)(at.tv_sec - now.tv_sec) +
	    (double)(at.tv_usec - now.tv_usec) / 1e6;
}

static void
fire_retry(struct outmsg *m)
{
	event_active(m->timer, EV_TIMEOUT, 1);
	event_base_loop(ebase, EVLOOP_NONBLOCK);
}

static void
teardown(void)
{
	notify_stop();
	notify_free();
	config_free(tconf);
	event_base_free(ebase);
	clock_fake(0);
}

START_TEST(test_delivered)
{
	setup("notifier webhook \"hook\" { url \"http://127.0.0.1:9/\" }\n", 0);
	notify_queue(msg("hook", "m1"));
	ck_assert_uint_eq(work_pending(), 1);
	ck_assert_uint_eq(nattempts, 1);
	ck_assert_str_eq(attempts[0].transport, "webhook");
	ck_assert_uint_eq(notify_waiting(), 1);
	attempts[0].finish(attempts[0].m, 1, NULL);
	ck_assert_uint_eq(work_pending(), 0);
	ck_assert_uint_eq(notify_waiting(), 0);
	teardown();
}
END_TEST

START_TEST(test_backoff_then_give_up)
{
	struct outmsg	*m;
	double		 d;

	setup("notifier webhook \"hook\" { url \"http://127.0.0.1:9/\" "
	    "retry 30s retry-for 1h }\n", 0);
	notify_queue(m = msg("hook", "m1"));
	attempts[0].finish(m, 0, "connection refused");
	d = retry_in(m);
	ck_assert_msg(d >= 26.9 && d <= 33.1, "first retry in %.2fs", d);
	fire_retry(m);
	ck_assert_uint_eq(nattempts, 2);
	ck_assert_int_eq(m->attempts, 2);
	attempts[1].finish(m, 0, "connection refused");
	d = retry_in(m);
	ck_assert_msg(d >= 53.9 && d <= 66.1, "second retry in %.2fs", d);
	ck_assert_uint_eq(work_pending(), 1);
	/* an hour later the next failure gives up */
	clock_fake(NOW + 3600);
	fire_retry(m);
	attempts[2].finish(m, 0, "connection refused");
	ck_assert_uint_eq(work_pending(), 0);
	ck_assert_uint_eq(notify_waiting(), 0);
	teardown();
}
END_TEST

/* Backoff doubles up to an hour apart, never further. */
START_TEST(test_backoff_cap)
{
	struct outmsg	*m;
	double		 d = 0;
	int		 i;

	setup("notifier webhook \"hook\" { url \"http://127.0.0.1:9/\" "
	    "retry 10m retry-for 30d }\n", 0);
	notify_queue(m = msg("hook", "m1"));
	for (i = 0; i < 8; i++) {
		attempts[nattempts - 1].finish(m, 0, "HTTP 503");
		d = retry_in(m);
		if (i < 7)
			fire_retry(m);
	}
	ck_assert_msg(d >= 3239.9 && d <= 3960.1, "retry in %.0fs", d);
	teardown();
}
END_TEST

START_TEST(test_once_does_not_retry)
{
	struct outmsg	*m;

	setup("notifier webhook \"hook\" { url \"http://127.0.0.1:9/\" }\n", 1);
	notify_queue(m = msg("hook", "m1"));
	attempts[0].finish(m, 0, "connection refused");
	ck_assert_uint_eq(notify_failures(), 1);
	ck_assert_uint_eq(work_pending(), 0);
	ck_assert_uint_eq(nattempts, 1);
	teardown();
}
END_TEST

/* Each attempt looks its notifier up in the configuration of the moment. */
START_TEST(test_notifier_of_the_moment)
{
	struct config	*old;
	struct outmsg	*m;
	char		*path;

	setup("notifier webhook \"hook\" { url \"http://127.0.0.1:9/\" "
	    "retry 30s }\n", 0);
	notify_queue(m = msg("hook", "m1"));
	attempts[0].finish(m, 0, "connection refused");
	/* a reload renames it: the next attempt fails without a transport */
	old = tconf;
	path = unit_write("queue2.conf", "notifier webhook \"other\" "
	    "{ url \"http://127.0.0.1:9/\" }\n");
	ck_assert_ptr_nonnull(tconf = config_load(path, unit_errfn));
	notify_reconfigure(tconf);
	fire_retry(m);
	ck_assert_uint_eq(nattempts, 1);
	ck_assert_int_eq(m->attempts, 2);
	/* and back: delivered */
	notify_reconfigure(old);
	fire_retry(m);
	ck_assert_uint_eq(nattempts, 2);
	attempts[1].finish(m, 1, NULL);
	ck_assert_uint_eq(work_pending(), 0);
	config_free(tconf);
	tconf = old;
	free(path);
	teardown();
}
END_TEST

START_TEST(test_digest)
{
	struct outmsg	*d;

	setup("notifier mail \"me\" { to \"a@example.com\" "
	    "mbox \"/dev/null\" digest 2m }\n", 0);
	notify_queue(msg("me", "m1"));
	notify_queue(msg("me", "m2"));
	ck_assert_uint_eq(nattempts, 0);
	ck_assert_uint_eq(digest_held(), 2);
	ck_assert_uint_eq(notify_waiting(), 2);
	ck_assert_uint_eq(work_pending(), 2);
	digest_flush();
	event_base_loop(ebase, EVLOOP_NONBLOCK);
	ck_assert_uint_eq(nattempts, 1);
	d = attempts[0].m;
	ck_assert_str_eq(attempts[0].transport, "mbox");
	ck_assert(d->is_digest);
	ck_assert_str_eq(d->subject, "digest of 2 alerts");
	ck_assert_ptr_nonnull(strstr(d->payload.data,
	    "Message-ID: <digest.m1@"));
	ck_assert_ptr_nonnull(strstr(d->payload.data, "Subject: [tickerd] "
	    "2 alerts: CALX, CALX"));
	ck_assert_uint_eq(digest_held(), 0);
	d = attempts[0].m;
	attempts[0].finish(d, 1, NULL);
	ck_assert_uint_eq(work_pending(), 0);
	teardown();
}
END_TEST

/*
 * A 429 that says how long to wait: the retry comes then, not after the
 * backoff, and the notifier's other messages wait as long; a delivery
 * whose rate-limit bucket is empty holds the next one too.
 */
START_TEST(test_rate_limited)
{
	struct outmsg	*m1, *m2;
	double		 d;

	setup("notifier ntfy \"ph\" { topic \"t\" retry 30s }\n", 0);
	notify_queue(m1 = msg("ph", "m1"));
	ck_assert_str_eq(attempts[0].transport, "push");
	m1->retry_after = 5;
	attempts[0].finish(m1, 0, "ntfy answered HTTP 429");
	d = retry_in(m1);
	ck_assert_msg(d >= 4.9 && d <= 5.1, "retry in %.2fs, not 5", d);
	notify_queue(m2 = msg("ph", "m2"));
	ck_assert_uint_eq(nattempts, 1);	/* held, not attempted */
	ck_assert_int_eq(m2->attempts, 0);
	d = retry_in(m2);
	ck_assert_msg(d >= 4.8 && d <= 5.1, "held for %.2fs, not 5", d);
	/* the hold over (a zero wait), both go; the bucket empties */
	m1->retry_after = 0;
	hold("ph", 0);
	fire_retry(m1);
	ck_assert_uint_eq(nattempts, 2);
	m1->retry_after = 2;
	attempts[1].finish(m1, 1, NULL);
	fire_retry(m2);
	ck_assert_uint_eq(nattempts, 2);
	d = retry_in(m2);
	ck_assert_msg(d >= 1.9 && d <= 2.1, "held for %.2fs, not 2", d);
	hold("ph", 0);
	fire_retry(m2);
	ck_assert_uint_eq(nattempts, 3);
	attempts[2].finish(m2, 1, NULL);
	ck_assert_uint_eq(work_pending(), 0);
	teardown();
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("queue");
	TCase	*tc = tcase_create("queue");

	tcase_add_test(tc, test_delivered);
	tcase_add_test(tc, test_backoff_then_give_up);
	tcase_add_test(tc, test_backoff_cap);
	tcase_add_test(tc, test_once_does_not_retry);
	tcase_add_test(tc, test_notifier_of_the_moment);
	tcase_add_test(tc, test_digest);
	tcase_add_test(tc, test_rate_limited);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
