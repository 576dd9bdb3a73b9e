/*
 * providers/feed.c: the streaming feeds' messages, recorded ones first
 * (tests/data/finnhub, yahoo: stream.txt), then broken ones; lib/buf.c's base64; and
 * rule_band(), the prices between which a rule keeps its verdict.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "providers/providers.h"
#include "unit.h"

/* Line n (from 0) of a data file. */
static char *
line_of(const char *file, int n)
{
	size_t	 len;
	char	*all = unit_data(file, &len), *p = all, *e, *r;

	while (n-- > 0)
		p = strchr(p, '\n') + 1;
	e = strchr(p, '\n');
	r = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
	free(all);
	return r;
}

static enum feed_msg
parse(const struct feed_api *api, const char *msg, struct trades *t,
    char *err)
{
	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	return api->parse(msg, strlen(msg), t, err, 256);
}

START_TEST(test_finnhub)
{
	struct trades	 t;
	char		 err[256], *m;

	m = line_of("finnhub/stream.txt", 0);
	ck_assert_int_eq(parse(&feed_finnhub, m, &t, err), FEED_TRADES);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].symbol, "BINANCE:BTCUSDT");
	ck_assert(fabs(t.v[0].price - 7296.89) < 1e-9);
	ck_assert(fabs(t.v[0].time - 1575526691.134) < 1e-6);
	ck_assert(fabs(t.v[0].size - 0.011467) < 1e-9);
	feed_trades_free(&t);
	free(m);
	m = line_of("finnhub/stream.txt", 1);
	ck_assert_int_eq(parse(&feed_finnhub, m, &t, err), FEED_ALIVE);
	free(m);
	m = line_of("finnhub/stream.txt", 2);
	ck_assert_int_eq(parse(&feed_finnhub, m, &t, err), FEED_TRADES);
	ck_assert_uint_eq(t.n, 2);
	ck_assert(fabs(t.v[1].price - 261.75) < 1e-9);
	ck_assert_str_eq(err, "");
	feed_trades_free(&t);
	free(m);
	m = line_of("finnhub/stream.txt", 3);
	ck_assert_int_eq(parse(&feed_finnhub, m, &t, err), FEED_ERROR);
	ck_assert_str_eq(err, "Subscribing to too many symbols");
	free(m);

	/* broken: said, and nothing taken */
	ck_assert_int_eq(parse(&feed_finnhub, "{\"type\":\"trade\"", &t, err),
	    FEED_BAD);
	ck_assert(strncmp(err, "not JSON", 8) == 0);
	ck_assert_int_eq(parse(&feed_finnhub, "{\"type\":\"trade\","
	    "\"data\":[{\"s\":\"AAPL\",\"p\":\"x\"}]}", &t, err), FEED_BAD);
	ck_assert_int_eq(parse(&feed_finnhub, "{\"type\":\"trade\","
	    "\"data\":[{\"s\":\"AAPL\",\"p\":-1}]}", &t, err), FEED_BAD);
	ck_assert_int_eq(parse(&feed_finnhub, "{\"data\":[]}", &t, err),
	    FEED_BAD);
	/* one good trade of two: taken, and the other said */
	ck_assert_int_eq(parse(&feed_finnhub, "{\"type\":\"trade\",\"data\":"
	    "[{\"s\":\"A B\",\"p\":1},{\"s\":\"AAPL\",\"p\":2,\"t\":3}]}", &t,
	    err), FEED_TRADES);
	ck_assert_uint_eq(t.n, 1);
	ck_assert(strstr(err, "1 of 2") != NULL);
	ck_assert_int_eq(t.v[0].session, QS_REGULAR);	/* no conditions */
	feed_trades_free(&t);
	/* Form T: extended hours, which ones the exchange's hours say */
	ck_assert_int_eq(parse(&feed_finnhub, "{\"type\":\"trade\",\"data\":"
	    "[{\"s\":\"AAPL\",\"p\":2,\"c\":[\"1\",\"12\"]},"
	    "{\"s\":\"AAPL\",\"p\":2,\"c\":[\"1\"]}]}", &t, err),
	    FEED_TRADES);
	ck_assert_int_eq(t.v[0].session, QS_NONE);
	ck_assert_int_eq(t.v[1].session, QS_REGULAR);
	feed_trades_free(&t);
}
END_TEST

START_TEST(test_yahoo)
{
	struct trades	 t;
	char		 err[256], *m;

	/* yfinance's recorded BTC-USD message, version 1 (base64 alone) */
	m = line_of("yahoo/stream.txt", 0);
	ck_assert_int_eq(parse(&feed_yahoo, m, &t, err), FEED_TRADES);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_str_eq(t.v[0].symbol, "BTC-USD");
	ck_assert(fabs(t.v[0].price - 94745.08) < 1e-9);
	ck_assert(fabs(t.v[0].time - 1736509140.0) < 1e-6);
	ck_assert_int_eq(t.v[0].day_volume, 59712028672LL);
	ck_assert(fabs(t.v[0].open - 92529.99) < 1e-9);
	ck_assert(fabs(t.v[0].day_high - 95227.56) < 0.011);
	ck_assert_str_eq(t.v[0].currency, "USD");
	feed_trades_free(&t);
	free(m);
	/* version 2: the same in a JSON envelope */
	m = line_of("yahoo/stream.txt", 1);
	ck_assert_int_eq(parse(&feed_yahoo, m, &t, err), FEED_TRADES);
	ck_assert_str_eq(t.v[0].symbol, "DKNG");
	ck_assert(fabs(t.v[0].price - 24.53) < 1e-9);
	feed_trades_free(&t);
	free(m);

	ck_assert_int_eq(parse(&feed_yahoo, "{\"type\":\"pricing\","
	    "\"message\":\"!!not base64\"}", &t, err), FEED_BAD);
	ck_assert_str_eq(err, "the message is not base64");
	/* a PricingData cut inside its price */
	ck_assert_int_eq(parse(&feed_yahoo, "{\"type\":\"pricing\","
	    "\"message\":\"CgRBQVBMFQ\"}", &t, err), FEED_BAD);
	ck_assert_str_eq(err, "the message is not a PricingData protobuf");
	/* a field of a wire type that is no protobuf's */
	ck_assert_int_eq(parse(&feed_yahoo, "/w==", &t, err), FEED_BAD);
	ck_assert_int_eq(parse(&feed_yahoo, "{\"message\":7}", &t, err),
	    FEED_BAD);
	ck_assert_int_eq(parse(&feed_yahoo, "{\"type\":\"pricing\"", &t, err),
	    FEED_BAD);
	/* no price: said */
	ck_assert_int_eq(parse(&feed_yahoo, "CgRBQVBM", &t, err), FEED_BAD);
	ck_assert(strstr(err, "without a price") != NULL);
	ck_assert_int_eq(parse(&feed_yahoo, "{\"type\":\"heartbeat\"}", &t,
	    err), FEED_ALIVE);
	/* market_hours 2, post-market; none (0: pre, or not said) */
	ck_assert_int_eq(parse(&feed_yahoo, "CgRBQVBMFUjhmEM4Ag==", &t, err),
	    FEED_TRADES);
	ck_assert(fabs(t.v[0].price - 305.76) < 1e-4);
	ck_assert_int_eq(t.v[0].session, QS_POST);
	feed_trades_free(&t);
	ck_assert_int_eq(parse(&feed_yahoo, "CgRBQVBMFUjhmEM=", &t, err),
	    FEED_TRADES);
	ck_assert_int_eq(t.v[0].session, QS_NONE);
	feed_trades_free(&t);
}
END_TEST

START_TEST(test_subscribe)
{
	const char	*syms[] = { "AAPL", "7203.T", "VOD.L" };
	struct buf	 b = { 0 };

	ck_assert_uint_eq(feed_finnhub.subscribe(syms, 3, &b), 1);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data, "{\"type\":\"subscribe\",\"symbol\":\"AAPL\"}");
	b.len = 0;
	ck_assert_uint_eq(feed_yahoo.subscribe(syms, 3, &b), 3);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data,
	    "{\"subscribe\":[\"AAPL\",\"7203.T\",\"VOD.L\"]}");
	buf_free(&b);
}
END_TEST

START_TEST(test_base64)
{
	struct buf	 b = { 0 };
	const char	*in[] = { "", "f", "fo", "foo", "foob", "fooba",
			    "foobar" };
	size_t		 i;

	for (i = 0; i < 7; i++) {	/* RFC 4648's vectors, both ways */
		struct buf e = { 0 };

		buf_base64(&e, in[i], strlen(in[i]));
		b.len = 0;
		ck_assert_int_eq(buf_unbase64(&b, e.data ? e.data : "", e.len),
		    0);
		ck_assert_uint_eq(b.len, strlen(in[i]));
		ck_assert(memcmp(b.data ? b.data : "", in[i], b.len) == 0);
		if (e.len > 0) {	/* unpadded too */
			while (e.data[e.len - 1] == '=')
				e.len--;
			b.len = 0;
			ck_assert_int_eq(buf_unbase64(&b, e.data, e.len), 0);
			ck_assert_uint_eq(b.len, strlen(in[i]));
		}
		buf_free(&e);
	}
	b.len = 0;
	ck_assert_int_eq(buf_unbase64(&b, "Zm9v!", 5), -1);
	ck_assert_int_eq(buf_unbase64(&b, "Z", 1), -1);
	ck_assert_int_eq(buf_unbase64(&b, "Zg=", 3), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_band)
{
	struct rule	 r = { .kind = RULE_ABOVE, .value = 100 };
	struct quote	 q = { .price = 99, .prev_close = 95 };
	struct symref	 ref;
	struct rule_state st = { 0 };
	double		 lo = -INFINITY, hi = INFINITY;

	symref_init(&ref);
	rule_band(&r, &st, &q, &ref, 0.005, &lo, &hi);
	ck_assert(fabs(hi - 100) < 1e-9);	/* armed: where it fires */
	ck_assert(isinf(lo) && lo < 0);
	st.fired = 1;
	q.price = 101;
	lo = -INFINITY;
	hi = INFINITY;
	rule_band(&r, &st, &q, &ref, 0.005, &lo, &hi);
	ck_assert(fabs(lo - 99.5) < 1e-9);	/* fired: where it re-arms */
	ck_assert(isinf(hi));
	st.spent = 1;				/* a spent `once': nowhere */
	lo = -INFINITY;
	rule_band(&r, &st, &q, &ref, 0.005, &lo, &hi);
	ck_assert(isinf(lo));
	memset(&st, 0, sizeof(st));
	q.price = 99;
	r.kind = RULE_MOVE;			/* 5% from 95 */
	r.value = 5;
	lo = -INFINITY;
	hi = INFINITY;
	rule_band(&r, &st, &q, &ref, 0.01, &lo, &hi);
	ck_assert(fabs(hi - 99.75) < 1e-9);
	ck_assert(fabs(lo - 90.25) < 1e-9);
	r.kind = RULE_RSI_ABOVE;		/* not a price level */
	lo = -INFINITY;
	hi = INFINITY;
	rule_band(&r, &st, &q, &ref, 0, &lo, &hi);
	ck_assert(isinf(lo) && isinf(hi));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("feed");
	TCase	*tc = tcase_create("feed");

	tcase_add_test(tc, test_finnhub);
	tcase_add_test(tc, test_yahoo);
	tcase_add_test(tc, test_subscribe);
	tcase_add_test(tc, test_base64);
	tcase_add_test(tc, test_band);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
