/*
 * Providers on recorded payloads (tests/data/yahoo/): good answers, the
 * API's unknown-symbol and rate-limit answers, and malformed ones; the
 * replay CSV reader; URL escaping and secret redaction.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tickerd.h"
#include "unit.h"

static void
parse_file(const char *name, const char *sym, long status,
    struct fetch_result *res)
{
	size_t	 len;
	char	*body = unit_data(name, &len);

	yahoo_parse(sym, status, body, len, res);
	free(body);
}

START_TEST(test_yahoo_good)
{
	struct fetch_result	 r;

	parse_file("yahoo/calx.json", "CALX", 200, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_str_eq(r.quote.symbol, "CALX");
	ck_assert_double_eq(r.quote.price, 45.12);
	ck_assert_double_eq(r.quote.prev_close, 43.72);
	ck_assert_double_eq(r.quote.high52, 45.4);
	ck_assert_double_eq(r.quote.low52, 27.73);
	ck_assert_int_eq(r.quote.time, 1772480400);
	ck_assert_int_eq(r.quote.volume, 1482300);
	ck_assert_str_eq(r.quote.currency, "USD");
}
END_TEST

/* An index without previousClose: chartPreviousClose stands in. */
START_TEST(test_yahoo_index)
{
	struct fetch_result	 r;

	parse_file("yahoo/gspc.json", "^GSPC", 200, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_double_eq(r.quote.price, 6841.2);
	ck_assert_double_eq(r.quote.prev_close, 6812.61);
}
END_TEST

START_TEST(test_yahoo_errors)
{
	struct fetch_result	 r;

	parse_file("yahoo/not_found.json", "GONE", 404, &r);
	ck_assert_int_eq(r.status, FETCH_UNKNOWN);
	ck_assert_msg(strstr(r.error, "symbol may be delisted"), "%s", r.error);

	parse_file("yahoo/rate_limited.txt", "CALX", 429, &r);
	ck_assert_int_eq(r.status, FETCH_RATELIMIT);

	parse_file("yahoo/truncated.json", "CALX", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_msg(strstr(r.error, "malformed JSON"), "%s", r.error);

	parse_file("yahoo/maintenance.html", "CALX", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);

	parse_file("yahoo/null_price.json", "NIO", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "null regularMarketPrice");

	parse_file("yahoo/string_price.json", "NIO", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "non-numeric regularMarketPrice");

	parse_file("yahoo/empty_result.json", "CALX", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);

	parse_file("yahoo/internal_error.json", "CALX", 500, &r);
	ck_assert_int_eq(r.status, FETCH_FAIL);

	parse_file("yahoo/maintenance.html", "CALX", 503, &r);
	ck_assert_int_eq(r.status, FETCH_FAIL);

	/* an answer for another symbol is never taken */
	parse_file("yahoo/calx.json", "QCOM", 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_msg(strstr(r.error, "not QCOM"), "%s", r.error);

	yahoo_parse("CALX", 200, "", 0, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
}
END_TEST

/* Nonsense values are dropped rather than evaluated. */
START_TEST(test_yahoo_values)
{
	struct fetch_result	 r;
	const char		*neg = "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"symbol\":\"X\",\"regularMarketPrice\":-3}}],\"error\":null}}";
	const char		*inverted = "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"symbol\":\"X\",\"regularMarketPrice\":3,\"fiftyTwoWeekHigh\":1,"
	    "\"fiftyTwoWeekLow\":5,\"previousClose\":0}}],\"error\":null}}";

	yahoo_parse("X", 200, neg, strlen(neg), &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "non-positive regularMarketPrice");
	yahoo_parse("X", 200, inverted, strlen(inverted), &r);
	ck_assert_int_eq(r.status, FETCH_OK);
	ck_assert(isnan(r.quote.high52) && isnan(r.quote.low52));
	ck_assert(isnan(r.quote.prev_close));
	ck_assert_int_eq(r.quote.time, 0);
}
END_TEST

START_TEST(test_url)
{
	char			*u;
	struct providerconf	 pc;

	memset(&pc, 0, sizeof(pc));
	u = provider_yahoo.build_url(&pc, "^GSPC");
	ck_assert_str_eq(u, "https://query1.finance.yahoo.com/v8/finance/"
	    "chart/%5EGSPC?interval=1d&range=1d");
	free(u);
	pc.url = (char *)"http://127.0.0.1:8080";
	u = provider_yahoo.build_url(&pc, "BRK-B");
	ck_assert_str_eq(u, "http://127.0.0.1:8080/v8/finance/chart/BRK-B"
	    "?interval=1d&range=1d");
	free(u);
	pc.url = (char *)"http://127.0.0.1:8080/v8/finance/chart";
	u = provider_yahoo.build_url(&pc, "CALX");
	ck_assert_str_eq(u, "http://127.0.0.1:8080/v8/finance/chart/CALX"
	    "?interval=1d&range=1d");
	free(u);
}
END_TEST

START_TEST(test_redact)
{
	char	*r;

	r = net_redact("https://finnhub.io/api/v1/quote?symbol=CALX&token=abc123");
	ck_assert_str_eq(r, "https://finnhub.io/api/v1/quote?symbol=CALX&token=REDACTED");
	free(r);
	r = net_redact("https://x/q?apikey=SECRET&function=GLOBAL_QUOTE");
	ck_assert_str_eq(r, "https://x/q?apikey=REDACTED&function=GLOBAL_QUOTE");
	free(r);
	r = net_redact("smtps://alice:pw@mail.example.com:465/");
	ck_assert_str_eq(r, "smtps://REDACTED@mail.example.com:465/");
	free(r);
	r = net_redact("http://127.0.0.1/v8/finance/chart/CALX?interval=1d");
	ck_assert_str_eq(r, "http://127.0.0.1/v8/finance/chart/CALX?interval=1d");
	free(r);
}
END_TEST

START_TEST(test_replay)
{
	struct replay		*r;
	const struct quote	*q;
	char			 err[512], *path;

	path = unit_write("q.csv",
	    "time,symbol,price,prev_close,high52,low52,volume\n"
	    "2026-03-02T14:30:00Z,CALX,41.20,40.95,44.53,27.73,812000\n"
	    "2026-03-02T14:30:00Z,qcom,150,,,,\n"
	    "\n"
	    "# a comment\n"
	    "2026-03-02T14:35:00Z,CALX,41.50,40.95,44.53,27.73,900000\r\n");
	r = replay_open(path, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_uint_eq(replay_count(r), 3);
	ck_assert_int_eq(replay_first_time(r), 1772461800);
	ck_assert_int_eq(replay_last_time(r), 1772461800 + 300);
	q = replay_get(r, 1);
	ck_assert_str_eq(q->symbol, "QCOM");
	ck_assert(isnan(q->prev_close) && isnan(q->high52));
	ck_assert_int_eq(q->volume, -1);
	q = replay_latest(r, "CALX", 1772461800 + 299);
	ck_assert_double_eq(q->price, 41.20);
	q = replay_latest(r, "CALX", 1772461800 + 300);
	ck_assert_double_eq(q->price, 41.50);
	ck_assert_ptr_null(replay_latest(r, "CALX", 1772461799));
	ck_assert(replay_has_symbol(r, "QCOM"));
	ck_assert(!replay_has_symbol(r, "AMBA"));
	replay_free(r);
	free(path);

	path = unit_write("bad1.csv", "2026-03-02T14:30:00Z,CALX\n");
	ck_assert_ptr_null(replay_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "bad1.csv:1: expected 7 fields"), "%s", err);
	free(path);
	path = unit_write("bad2.csv", "2026-13-02T14:30:00Z,CALX,1,1,1,1,1\n");
	ck_assert_ptr_null(replay_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "bad2.csv:1: invalid time"), "%s", err);
	free(path);
	path = unit_write("bad3.csv", "time,symbol\n2026-03-02T14:30:00Z,CALX,0,1,1,1,1\n");
	ck_assert_ptr_null(replay_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "bad3.csv:2: invalid number"), "%s", err);
	free(path);
	path = unit_write("bad4.csv", "2026-03-02T14:30:00Z,CA LX,1,1,1,1,1\n");
	ck_assert_ptr_null(replay_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "bad4.csv:1: invalid symbol"), "%s", err);
	free(path);
	path = unit_write("empty.csv", "time,symbol,price,prev_close,high52,low52,volume\n");
	ck_assert_ptr_null(replay_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "no quotes"), "%s", err);
	free(path);
}
END_TEST

START_TEST(test_provider_table)
{
	ck_assert_ptr_nonnull(provider_find("yahoo"));
	ck_assert(provider_find("yahoo")->implemented);
	ck_assert(!provider_find("yahoo")->needs_key);
	ck_assert(provider_find("finnhub")->needs_key);
	ck_assert_ptr_null(provider_find("bloomberg"));
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("providers");
	TCase	*tc = tcase_create("payloads");

	tcase_add_test(tc, test_yahoo_good);
	tcase_add_test(tc, test_yahoo_index);
	tcase_add_test(tc, test_yahoo_errors);
	tcase_add_test(tc, test_yahoo_values);
	tcase_add_test(tc, test_url);
	tcase_add_test(tc, test_redact);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_provider_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
