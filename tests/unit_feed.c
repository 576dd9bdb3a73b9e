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

	ck_assert_uint_eq(feed_finnhub.subscribe(syms, 3, NULL, &b), 1);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data, "{\"type\":\"subscribe\",\"symbol\":\"AAPL\"}");
	b.len = 0;
	ck_assert_uint_eq(feed_yahoo.subscribe(syms, 3, NULL, &b), 3);
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

/* Alpaca's messages (tests/data/alpaca/SOURCES): greeting, auth, trades. */
START_TEST(test_alpaca)
{
	struct trades	 t;
	char		 err[256], *m;
	struct buf	 b = { 0 };

	m = line_of("alpaca/stream.txt", 0);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_ALIVE);
	free(m);
	m = line_of("alpaca/stream.txt", 1);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_READY);
	free(m);
	m = line_of("alpaca/stream.txt", 2);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_ALIVE);
	free(m);
	m = line_of("alpaca/stream.txt", 3);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_TRADES);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.v[0].symbol, "AAPL");
	ck_assert(fabs(t.v[0].price - 126.55) < 1e-9);
	ck_assert(fabs(t.v[0].time - 1614009104.208) < 1e-3);
	ck_assert(fabs(t.v[1].size - 100) < 1e-9);
	feed_trades_free(&t);
	free(m);
	m = line_of("alpaca/stream.txt", 4);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_REFUSED);
	ck_assert_str_eq(err, "402 auth failed");
	free(m);
	m = line_of("alpaca/stream.txt", 5);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_ERROR);
	free(m);
	m = line_of("alpaca/stream.txt", 6);
	ck_assert_int_eq(parse(&feed_alpaca, m, &t, err), FEED_REFUSED);
	free(m);
	ck_assert_int_eq(parse(&feed_alpaca, "{\"T\":\"t\"}", &t, err),
	    FEED_BAD);
	ck_assert_int_eq(parse(&feed_alpaca, "[{\"T\":\"t\",\"S\":\"A\"}]", &t,
	    err), FEED_BAD);
	/* the auth message and a subscription */
	feed_alpaca.hello("AKID", "s3cret", &b);
	buf_add(&b, "", 1);
	ck_assert_str_eq(b.data, "{\"action\":\"auth\",\"key\":\"AKID\","
	    "\"secret\":\"s3cret\"}");
	b.len = 0;
	ck_assert_uint_eq(feed_alpaca.subscribe((const char *[]){ "AAPL",
	    "CALX" }, 2, NULL, &b), 2);
	buf_add(&b, "", 1);
	ck_assert(strstr(b.data, "\"trades\":[\"AAPL\",\"CALX\"]") != NULL);
	ck_assert(!feed_alpaca.takes("BTC/USD") && feed_alpaca.takes("AAPL"));
	buf_free(&b);
}
END_TEST

/* Tiingo's: the subscription, heartbeats, rows of 16 and of 6 fields. */
START_TEST(test_tiingo)
{
	struct trades	 t;
	char		 err[256], *m;
	struct buf	 b = { 0 };
	int		 i;

	for (i = 0; i < 2; i++) {
		m = line_of("tiingo/stream.txt", i);
		ck_assert_int_eq(parse(&feed_tiingo, m, &t, err), FEED_ALIVE);
		free(m);
	}
	m = line_of("tiingo/stream.txt", 2);
	ck_assert_int_eq(parse(&feed_tiingo, m, &t, err), FEED_TRADES);
	ck_assert_str_eq(t.v[0].symbol, "wes");
	ck_assert(fabs(t.v[0].price - 50.285) < 1e-9);
	ck_assert(fabs(t.v[0].size - 200) < 1e-9);
	ck_assert(fabs(t.v[0].time - 1548873225.594808) < 1e-3);
	feed_trades_free(&t);
	free(m);
	m = line_of("tiingo/stream.txt", 3);	/* a quote: nothing */
	ck_assert_int_eq(parse(&feed_tiingo, m, &t, err), FEED_ALIVE);
	ck_assert_uint_eq(t.n, 0);
	free(m);
	m = line_of("tiingo/stream.txt", 4);
	ck_assert_int_eq(parse(&feed_tiingo, m, &t, err), FEED_TRADES);
	ck_assert_str_eq(t.v[0].symbol, "aapl");
	ck_assert(fabs(t.v[0].price - 165.1) < 1e-9);
	feed_trades_free(&t);
	free(m);
	m = line_of("tiingo/stream.txt", 5);
	ck_assert_int_eq(parse(&feed_tiingo, m, &t, err), FEED_REFUSED);
	ck_assert_str_eq(err, "401 Invalid token");
	free(m);
	ck_assert_int_eq(parse(&feed_tiingo, "{\"messageType\":\"A\","
	    "\"data\":[\"T\"]}", &t, err), FEED_BAD);
	feed_tiingo.subscribe((const char *[]){ "aapl" }, 1, "k3y", &b);
	buf_add(&b, "", 1);
	ck_assert(strstr(b.data, "\"authorization\":\"k3y\"") != NULL);
	ck_assert(strstr(b.data, "\"thresholdLevel\":6") != NULL);
	buf_free(&b);
}
END_TEST

/* Coinbase's: a ticker, a heartbeat, an error. */
START_TEST(test_coinbase)
{
	struct trades	 t;
	char		 err[256], *m;

	m = line_of("coinbase/stream.txt", 0);
	ck_assert_int_eq(parse(&feed_coinbase, m, &t, err), FEED_ALIVE);
	free(m);
	m = line_of("coinbase/stream.txt", 1);
	ck_assert_int_eq(parse(&feed_coinbase, m, &t, err), FEED_TRADES);
	ck_assert_str_eq(t.v[0].symbol, "BTC-USD");
	ck_assert(fabs(t.v[0].price - 19394.33) < 1e-9);
	ck_assert(fabs(t.v[0].time - 1666222102.061769) < 1e-3);
	feed_trades_free(&t);
	free(m);
	m = line_of("coinbase/stream.txt", 2);
	ck_assert_int_eq(parse(&feed_coinbase, m, &t, err), FEED_ALIVE);
	free(m);
	m = line_of("coinbase/stream.txt", 3);
	ck_assert_int_eq(parse(&feed_coinbase, m, &t, err), FEED_ERROR);
	ck_assert(strstr(err, "BTC-USX is not a valid product") != NULL);
	free(m);
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
	tcase_add_test(tc, test_alpaca);
	tcase_add_test(tc, test_tiingo);
	tcase_add_test(tc, test_coinbase);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
