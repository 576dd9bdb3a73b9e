/*
 * Providers on recorded payloads (tests/data/): good answers, the APIs'
 * unknown-symbol and rate-limit answers, and malformed ones; Yahoo's
 * batches and crumbs; URL escaping and secret redaction.  The replay
 * reader is in unit_replay.c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "unit.h"

/* One symbol's answer through a provider's parser. */
static void
yahoo_parse(const char *sym, long status, const char *body, size_t len,
    struct fetch_result *res)
{
	provider_yahoo.parse(&sym, 1, status, body, len, res);
}

static void
parse_with(const struct provider *p, const char *name, const char *const *syms,
    size_t n, long status, struct fetch_result *res)
{
	size_t	 len;
	char	*body = unit_data(name, &len);

	p->parse(syms, n, status, body, len, res);
	free(body);
}

static void
parse_file(const char *name, const char *sym, long status,
    struct fetch_result *res)
{
	parse_with(&provider_yahoo, name, &sym, 1, status, res);
}

static void
range_file(const struct provider *p, const char *name, const char *sym,
    long status, time_t now, struct fetch_result *res)
{
	size_t	 len;
	char	*body = unit_data(name, &len);

	p->range_parse(sym, status, body, len, now, res);
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

/* A v7 batch through the session's parser. */
static void
batch_file(const char *name, const char *const *syms, size_t n, long status,
    struct fetch_result *res)
{
	size_t	 len;
	char	*body = unit_data(name, &len);

	provider_yahoo.session->parse(syms, n, status, body, len, res);
	free(body);
}

START_TEST(test_yahoo_batch)
{
	const char		*syms[] = { "CALX", "7203.T", "GONE" };
	struct fetch_result	 r[3];

	batch_file("yahoo/quote_v7.json", syms, 3, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_str_eq(r[0].quote.symbol, "CALX");
	ck_assert_double_eq_tol(r[0].quote.price, 45.12, 1e-9);
	ck_assert_double_eq_tol(r[0].quote.prev_close, 43.72, 1e-9);
	ck_assert_double_eq_tol(r[0].quote.high52, 44.53, 1e-9);
	ck_assert_double_eq_tol(r[0].quote.low52, 27.73, 1e-9);
	ck_assert_int_eq(r[0].quote.time, 1772467201);
	ck_assert_int_eq((long)r[0].quote.volume, 812345);
	ck_assert_str_eq(r[0].quote.currency, "USD");
	ck_assert_int_eq(r[1].status, FETCH_OK);
	ck_assert_double_eq_tol(r[1].quote.price, 2885.5, 1e-9);
	ck_assert_double_eq_tol(r[1].quote.prev_close, 2909.0, 1e-9);
	ck_assert_str_eq(r[1].quote.currency, "JPY");
	/* left out of the answer: unknown, alone */
	ck_assert_int_eq(r[2].status, FETCH_UNKNOWN);
	ck_assert_str_eq(r[2].error, "not in Yahoo's answer");

	/* a stale crumb: the session is refused, for every symbol */
	batch_file("yahoo/invalid_crumb.json", syms, 3, 401, r);
	ck_assert_int_eq(r[0].status, FETCH_SESSION);
	ck_assert_int_eq(r[2].status, FETCH_SESSION);
	ck_assert_msg(strstr(r[0].error, "Invalid Crumb"), "%s", r[0].error);
	/* no v7 API at that address: no use for the session either */
	batch_file("yahoo/not_found.json", syms, 3, 404, r);
	ck_assert_int_eq(r[1].status, FETCH_SESSION);
	batch_file("yahoo/rate_limited.txt", syms, 3, 429, r);
	ck_assert_int_eq(r[1].status, FETCH_RATELIMIT);
	batch_file("yahoo/maintenance.html", syms, 3, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BAD);
	batch_file("yahoo/truncated.json", syms, 3, 200, r);
	ck_assert_int_eq(r[2].status, FETCH_BAD);
	batch_file("yahoo/internal_error.json", syms, 3, 500, r);
	ck_assert_int_eq(r[0].status, FETCH_FAIL);
	/* the chart's answer is not a batch */
	batch_file("yahoo/calx.json", syms, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BAD);
}
END_TEST

/* What getcrumb answers: a crumb, or throttling, or nothing usable. */
START_TEST(test_yahoo_crumb)
{
	const struct session_api *api = provider_yahoo.session;
	char			 crumb[64], why[128], *body;
	size_t			 len;

	ck_assert_int_eq(api->crumb_parse(200, "Ab1.cd2_EF-3", 12, crumb,
	    sizeof(crumb), why, sizeof(why)), CRUMB_OK);
	ck_assert_str_eq(crumb, "Ab1.cd2_EF-3");
	body = unit_data("yahoo/crumb_throttled.txt", &len);
	ck_assert_int_eq(api->crumb_parse(200, body, len, crumb,
	    sizeof(crumb), why, sizeof(why)), CRUMB_THROTTLED);
	free(body);
	body = unit_data("yahoo/rate_limited.txt", &len);
	ck_assert_int_eq(api->crumb_parse(429, body, len, crumb,
	    sizeof(crumb), why, sizeof(why)), CRUMB_THROTTLED);
	free(body);
	body = unit_data("yahoo/maintenance.html", &len);
	ck_assert_int_eq(api->crumb_parse(200, body, len, crumb,
	    sizeof(crumb), why, sizeof(why)), CRUMB_NONE);
	ck_assert_msg(strstr(why, "HTML"), "%s", why);
	free(body);
	ck_assert_int_eq(api->crumb_parse(200, "", 0, crumb, sizeof(crumb),
	    why, sizeof(why)), CRUMB_NONE);
	ck_assert_int_eq(api->crumb_parse(404, "x", 1, crumb, sizeof(crumb),
	    why, sizeof(why)), CRUMB_NONE);
	/* a crumb too long for the room given is none */
	ck_assert_int_eq(api->crumb_parse(200, "abcdefgh", 8, crumb, 8,
	    why, sizeof(why)), CRUMB_NONE);
	/* the session's URLs: Yahoo's own hosts, or all at the override */
	body = api->cookie_url(provider_yahoo.default_url);
	ck_assert_str_eq(body, "https://fc.yahoo.com/");
	free(body);
	body = api->cookie_url("http://127.0.0.1:8080");
	ck_assert_str_eq(body, "http://127.0.0.1:8080/");
	free(body);
	body = api->url("http://h", "a/b", (const char *[]){ "CALX", "VOD.L" },
	    2);
	ck_assert_str_eq(body, "http://h/v7/finance/quote?symbols=CALX,VOD.L&"
	    "crumb=a%2Fb");
	free(body);
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
	const char		*gspc = "^GSPC", *brk = "BRK-B", *calx = "CALX";

	u = provider_yahoo.url(provider_yahoo.default_url, NULL, &gspc, 1);
	ck_assert_str_eq(u, "https://query1.finance.yahoo.com/v8/finance/"
	    "chart/%5EGSPC?interval=1d&range=1d");
	free(u);
	u = provider_yahoo.url("http://127.0.0.1:8080", NULL, &brk, 1);
	ck_assert_str_eq(u, "http://127.0.0.1:8080/v8/finance/chart/BRK-B"
	    "?interval=1d&range=1d");
	free(u);
	u = provider_yahoo.url("http://127.0.0.1:8080/v8/finance/chart", NULL,
	    &calx, 1);
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


/* 2026-03-02 21:00:09 UTC: 22:00:09 in Warsaw (CET), 16:00:09 in NY. */
#define STOOQ_CLOSE	1772485209

START_TEST(test_stooq)
{
	struct fetch_result	 r[4];
	const char		*syms[] = { "calx.us", "brk-b.us", "gone.us",
				    "^spx" };
	const char		*two[] = { "calx.us", "qcom.us" };
	const char		*nvda[] = { "nvda.us", "gone.us" };

	parse_with(&provider_stooq, "stooq/quotes.csv", syms, 4, 200, r);
	ck_assert_msg(r[0].status == FETCH_OK, "%s", r[0].error);
	ck_assert_double_eq(r[0].quote.price, 45.12);
	ck_assert_int_eq(r[0].quote.time, STOOQ_CLOSE);
	ck_assert_int_eq(r[0].quote.volume, 812000);
	ck_assert(isnan(r[0].quote.prev_close) && isnan(r[0].quote.high52));
	ck_assert_int_eq(r[1].status, FETCH_OK);
	ck_assert_double_eq(r[1].quote.price, 494.3);
	ck_assert_int_eq(r[2].status, FETCH_UNKNOWN);
	ck_assert_int_eq(r[3].status, FETCH_OK);
	ck_assert_double_eq(r[3].quote.price, 6841.2);

	/* Prev: the previous close on the quote's own, unadjusted basis */
	parse_with(&provider_stooq, "stooq/quotes_prev.csv", nvda, 2, 200, r);
	ck_assert_msg(r[0].status == FETCH_OK, "%s", r[0].error);
	ck_assert_double_eq(r[0].quote.price, 188.595);
	ck_assert_double_eq(r[0].quote.prev_close, 190.04);
	ck_assert_int_eq(r[1].status, FETCH_UNKNOWN);

	/* summer time: 22:00:09 CEST is 20:00:09 UTC, 16:00:09 EDT */
	parse_with(&provider_stooq, "stooq/truncated.csv", two, 2, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_int_eq(market_minute(NULL, r[0].quote.time), 16 * 60);
	ck_assert_int_eq(r[1].status, FETCH_BAD);
	ck_assert_msg(strstr(r[1].error, "truncated"), "%s", r[1].error);

	parse_with(&provider_stooq, "stooq/limit.txt", two, 2, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_RATELIMIT);
	ck_assert_int_eq(r[1].status, FETCH_RATELIMIT);
	parse_with(&provider_stooq, "stooq/badclose.csv", syms, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BAD);
	parse_with(&provider_stooq, "stooq/quotes.csv", syms, 1, 503, r);
	ck_assert_int_eq(r[0].status, FETCH_FAIL);
}
END_TEST

START_TEST(test_stooq_history)
{
	struct fetch_result	 r;
	time_t			 now = STOOQ_CLOSE;

	range_file(&provider_stooq, "stooq/history.csv", "calx.us", 200, now,
	    &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	/* the 2025-02-20 row is more than 365 days old */
	ck_assert_double_eq(r.quote.high52, 45.4);
	ck_assert_double_eq(r.quote.low52, 27.73);
	ck_assert_int_eq(r.close_day[0], cal_days(2026, 3, 2));
	ck_assert_double_eq(r.close[0], 43.72);
	ck_assert_int_eq(r.close_day[1], cal_days(2026, 2, 27));
	ck_assert_double_eq(r.close[1], 43.10);
	range_file(&provider_stooq, "stooq/nodata.txt", "gone.us", 200, now,
	    &r);
	ck_assert_int_eq(r.status, FETCH_UNKNOWN);
}
END_TEST

START_TEST(test_finnhub)
{
	struct fetch_result	 r;
	const char		*calx = "CALX";

	parse_with(&provider_finnhub, "finnhub/quote.json", &calx, 1, 200, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_double_eq(r.quote.price, 45.12);
	ck_assert_double_eq(r.quote.prev_close, 43.72);
	ck_assert_int_eq(r.quote.time, 1772480400);
	parse_with(&provider_finnhub, "finnhub/unknown.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_UNKNOWN);
	parse_with(&provider_finnhub, "finnhub/limit.json", &calx, 1, 429, &r);
	ck_assert_int_eq(r.status, FETCH_RATELIMIT);
	ck_assert_msg(strstr(r.error, "API limit reached"), "%s", r.error);
	parse_with(&provider_finnhub, "finnhub/badkey.json", &calx, 1, 401, &r);
	ck_assert_int_eq(r.status, FETCH_REFUSED);
	ck_assert_msg(strstr(r.error, "Invalid API key"), "%s", r.error);
	parse_with(&provider_finnhub, "finnhub/nullprice.json", &calx, 1, 200,
	    &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "null price (c)");
	parse_with(&provider_finnhub, "yahoo/truncated.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);

	range_file(&provider_finnhub, "finnhub/metric.json", "CALX", 200, 0, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_double_eq(r.quote.high52, 45.4);
	ck_assert_double_eq(r.quote.low52, 27.73);
	range_file(&provider_finnhub, "finnhub/metric_empty.json", "GONE", 200,
	    0, &r);
	ck_assert_int_eq(r.status, FETCH_UNKNOWN);
}
END_TEST

START_TEST(test_alphavantage)
{
	struct fetch_result	 r;
	const char		*calx = "CALX";
	const struct provider	*p = &provider_alphavantage;

	parse_with(p, "alphavantage/quote.json", &calx, 1, 200, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_double_eq(r.quote.price, 45.12);
	ck_assert_double_eq(r.quote.prev_close, 43.72);
	ck_assert_int_eq(r.quote.volume, 812000);
	parse_with(p, "alphavantage/unknown.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_UNKNOWN);
	/* throttled with HTTP 200, in both of the API's wordings */
	parse_with(p, "alphavantage/note.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_RATELIMIT);
	ck_assert_msg(strstr(r.error, "5 calls per minute"), "%s", r.error);
	parse_with(p, "alphavantage/information.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_RATELIMIT);
	parse_with(p, "alphavantage/error.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_FAIL);
	parse_with(p, "alphavantage/badprice.json", &calx, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "unusable \"05. price\"");

	range_file(p, "alphavantage/overview.json", "CALX", 200, 0, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_double_eq(r.quote.high52, 45.4);
	range_file(p, "alphavantage/note.json", "CALX", 200, 0, &r);
	ck_assert_int_eq(r.status, FETCH_RATELIMIT);
}
END_TEST

/*
 * What issue 14 found: where a listing trades and in which currency, a
 * date-only quote, an answer for another symbol, a refused key, a
 * symbol outside the plan (tests/data/world).
 */
START_TEST(test_world_answers)
{
	struct fetch_result	 r;
	const char		*tyo = "6309.T", *hk = "0700.HK", *ibm = "IBM";
	const char		*msft = "MSFT", *aapl = "AAPL", *vod = "VOD.L";

	parse_with(&provider_yahoo, "world/yahoo/6309.T.json", &tyo, 1, 200,
	    &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_str_eq(r.quote.ex->name, "JPX");
	ck_assert_str_eq(r.quote.currency, "JPY");
	ck_assert_int_eq(r.quote.time, 1747636200);
	parse_with(&provider_yahoo, "world/yahoo/0700.HK.json", &hk, 1, 200,
	    &r);
	ck_assert_str_eq(r.quote.ex->name, "HKEX");
	/* Alpha Vantage gives only the trading day */
	parse_with(&provider_alphavantage, "world/alphavantage/"
	    "GLOBAL_QUOTE_IBM.json", &ibm, 1, 200, &r);
	ck_assert_msg(r.status == FETCH_OK, "%s", r.error);
	ck_assert_int_eq(r.quote.time, 0);
	ck_assert_int_eq(r.quote.date, cal_days(2026, 3, 6));
	/* the demo key and a bad key are refused keys, not throttling */
	parse_with(&provider_alphavantage, "world/alphavantage/"
	    "GLOBAL_QUOTE_MSFT.json", &msft, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_REFUSED);
	parse_with(&provider_alphavantage, "world/alphavantage/"
	    "GLOBAL_QUOTE_AAPL.json", &aapl, 1, 200, &r);
	ck_assert_int_eq(r.status, FETCH_REFUSED);
	/* a 52-week range for SPY is not AAPL's, nor CALX's overview IBM's */
	range_file(&provider_finnhub, "world/finnhub/metric_AAPL.json", "AAPL",
	    200, 0, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	ck_assert_str_eq(r.error, "answer is for symbol \"SPY\", not AAPL");
	range_file(&provider_alphavantage, "alphavantage/overview.json", "IBM",
	    200, 0, &r);
	ck_assert_int_eq(r.status, FETCH_BAD);
	/* Twelve Data: outside the plan */
	parse_with(&provider_twelvedata, "world/twelvedata/VOD.L.json", &vod, 1,
	    200, &r);
	ck_assert_int_eq(r.status, FETCH_UNAVAILABLE);
}
END_TEST

START_TEST(test_twelvedata)
{
	struct fetch_result	 r[3];
	const char		*calx = "CALX";
	const char		*three[] = { "CALX", "GONE", "QCOM" };
	const struct provider	*p = &provider_twelvedata;

	parse_with(p, "twelvedata/quote.json", &calx, 1, 200, r);
	ck_assert_msg(r[0].status == FETCH_OK, "%s", r[0].error);
	ck_assert_double_eq(r[0].quote.price, 45.12);
	ck_assert_double_eq(r[0].quote.prev_close, 43.72);
	ck_assert_double_eq(r[0].quote.high52, 45.4);
	ck_assert_double_eq(r[0].quote.low52, 27.73);
	ck_assert_int_eq(r[0].quote.time, 1772480400);
	ck_assert_str_eq(r[0].quote.currency, "USD");

	/* a batch: one good, one unknown, one with a null close */
	parse_with(p, "twelvedata/batch.json", three, 3, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_int_eq(r[1].status, FETCH_UNKNOWN);
	ck_assert_int_eq(r[2].status, FETCH_BAD);
	ck_assert_str_eq(r[2].error, "null close");

	/* the request's errors come with HTTP 200 */
	parse_with(p, "twelvedata/limit.json", three, 3, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_RATELIMIT);
	ck_assert_int_eq(r[2].status, FETCH_RATELIMIT);
	parse_with(p, "twelvedata/badkey.json", &calx, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_REFUSED);
	parse_with(p, "twelvedata/notfound.json", &calx, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_UNKNOWN);
	parse_with(p, "yahoo/truncated.json", three, 3, 200, r);
	ck_assert_int_eq(r[1].status, FETCH_BAD);
}
END_TEST

/* Each provider's spelling of a symbol. */
START_TEST(test_symbol_maps)
{
	static const struct {
		const char	*prov, *in, *out;
	} cases[] = {
		{ "yahoo", "BRK.B", "BRK-B" },
		{ "yahoo", "BRK-B", "BRK-B" },
		{ "yahoo", "^GSPC", "^GSPC" },
		{ "yahoo", "VOD.L", "VOD.L" },
		{ "stooq", "CALX", "calx.us" },
		{ "stooq", "BRK.B", "brk-b.us" },
		{ "stooq", "BRK-B", "brk-b.us" },
		{ "stooq", "^GSPC", "^spx" },
		{ "stooq", "^IXIC", "^ndq" },
		{ "stooq", "VOD.L", "vod.uk" },
		{ "stooq", "SAP.DE", "sap.de" },
		{ "finnhub", "BRK-B", "BRK.B" },
		{ "alphavantage", "BRK-B", "BRK.B" },
		{ "twelvedata", "BRK-B", "BRK.B" },
		{ "twelvedata", "^GSPC", "SPX" },
		{ "twelvedata", "QCOM", "QCOM" },
	};
	char	 out[64];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		provider_find(cases[i].prov)->map(cases[i].in, out,
		    sizeof(out));
		ck_assert_msg(strcmp(out, cases[i].out) == 0, "%s %s: %s, "
		    "expected %s", cases[i].prov, cases[i].in, out,
		    cases[i].out);
	}
}
END_TEST

/* Keys go in the query, escaped, and never survive redaction. */
START_TEST(test_key_urls)
{
	const char	*calx = "CALX";
	const char	*provs[] = { "finnhub", "alphavantage", "twelvedata" };
	char		*u, *red;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		const struct provider *p = provider_find(provs[i]);
		u = p->url("http://127.0.0.1:1", "s3cr&t", &calx, 1);
		ck_assert_msg(strstr(u, "s3cr%26t") != NULL, "%s", u);
		red = net_redact(u);
		ck_assert_msg(strstr(red, "s3cr") == NULL, "%s", red);
		ck_assert_msg(strstr(red, "REDACTED") != NULL, "%s", red);
		free(red);
		free(u);
		if (p->range_url == NULL)
			continue;
		u = p->range_url("http://127.0.0.1:1", "s3cr&t", "CALX", 0);
		red = net_redact(u);
		ck_assert_msg(strstr(red, "s3cr") == NULL, "%s", red);
		free(red);
		free(u);
	}
}
END_TEST

/* Each provider's parser on a body given inline. */
static void
parse_text(const struct provider *p, const char *body, const char *const *syms,
    size_t n, struct fetch_result *res)
{
	p->parse(syms, n, 200, body, strlen(body), res);
}

/* Hostile answers: short lines, huge numbers, times in milliseconds. */
START_TEST(test_hostile_numbers)
{
	struct fetch_result	 r[2];
	const char		*calx = "CALX", *stq[] = { "calx.us", "x" };
	const char		*body;

	/* a line shorter than its header's Symbol column (was a SEGV) */
	parse_text(&provider_stooq, "Date,Close,Symbol\r\nx\r\n", stq, 2, r);
	ck_assert_int_eq(r[0].status, FETCH_BAD);
	ck_assert_int_eq(r[1].status, FETCH_BAD);
	parse_text(&provider_stooq, "Symbol,Date,Time,Close,Volume\r\n"
	    "CALX.US,2026-03-02,22:00:09,45.12,1e300\r\n", stq, 1, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_int_eq(r[0].quote.volume, -1);
	/* out-of-range volume and time: unknown, never converted blindly */
	body = "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"CALX\","
	    "\"regularMarketPrice\":45.12,\"regularMarketVolume\":1e300,"
	    "\"regularMarketTime\":1e300}}],\"error\":null}}";
	yahoo_parse(calx, 200, body, strlen(body), r);
	ck_assert_msg(r[0].status == FETCH_OK, "%s", r[0].error);
	ck_assert_int_eq(r[0].quote.volume, -1);
	ck_assert_int_eq(r[0].quote.time, 0);
	/* a time in milliseconds is read as such */
	body = "{\"chart\":{\"result\":[{\"meta\":{\"symbol\":\"CALX\","
	    "\"regularMarketPrice\":45.12,\"regularMarketTime\":"
	    "1772480400000}}],\"error\":null}}";
	yahoo_parse(calx, 200, body, strlen(body), r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_int_eq(r[0].quote.time, 1772480400);
	ck_assert_int_eq(api_volume(-1), -1);
	ck_assert_int_eq(api_volume(812000), 812000);
	ck_assert_int_eq(api_volume(NAN), -1);
	ck_assert_int_eq(api_time(-5), 0);
	ck_assert_int_eq(api_time(1e30), 0);
	ck_assert_int_eq(api_time(1772480400.9), 1772480400);
}
END_TEST

START_TEST(test_provider_table)
{
	ck_assert_ptr_nonnull(provider_find("yahoo"));
	ck_assert(!provider_find("yahoo")->needs_key);
	ck_assert(!provider_find("stooq")->needs_key);
	ck_assert(provider_find("alphavantage")->needs_key);
	ck_assert(provider_find("twelvedata")->needs_key);
	/* each free tier's documented budget */
	ck_assert_double_eq(provider_find("finnhub")->rate, 60);
	ck_assert_double_eq(provider_find("alphavantage")->rate, 5);
	ck_assert_double_eq(provider_find("twelvedata")->rate, 8);
	ck_assert_int_eq(provider_find("twelvedata")->cost_per_symbol, 1);
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
	tcase_add_test(tc, test_yahoo_batch);
	tcase_add_test(tc, test_yahoo_crumb);
	tcase_add_test(tc, test_yahoo_values);
	tcase_add_test(tc, test_url);
	tcase_add_test(tc, test_redact);
	tcase_add_test(tc, test_provider_table);
	tcase_add_test(tc, test_hostile_numbers);
	tcase_add_test(tc, test_stooq);
	tcase_add_test(tc, test_stooq_history);
	tcase_add_test(tc, test_finnhub);
	tcase_add_test(tc, test_alphavantage);
	tcase_add_test(tc, test_twelvedata);
	tcase_add_test(tc, test_world_answers);
	tcase_add_test(tc, test_symbol_maps);
	tcase_add_test(tc, test_key_urls);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
