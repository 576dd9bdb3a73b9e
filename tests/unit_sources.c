/*
 * The quote sources as they are in 2026 (tests/data/stooq/SOURCES and
 * tests/data/yahoo/SOURCES): Stooq's key and the HTML pages it answers
 * without one, Yahoo's v7 401 to refused clients, v7 quotes without
 * their time or 52-week range, and Nasdaq told from NYSE.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "unit.h"

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
batch_file(const char *name, const char *const *syms, size_t n, long status,
    struct fetch_result *res)
{
	size_t	 len;
	char	*body = unit_data(name, &len);

	provider_yahoo.session->parse(syms, n, status, body, len, res);
	free(body);
}

START_TEST(test_stooq_pages)
{
	const char		*syms[] = { "calx.us" };
	const char		*two[] = { "calx.us", "qcom.us" };
	struct fetch_result	 r[2];

	/* an HTML page in place of data: Stooq's without a key (2026) */
	parse_with(&provider_stooq, "yahoo/maintenance.html", syms, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BLOCKED);
	parse_with(&provider_stooq, "stooq/verify.html", two, 2, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BLOCKED);
	ck_assert_int_eq(r[1].status, FETCH_BLOCKED);
	ck_assert_msg(strstr(r[0].error, "stooq answered a browser check page, "
	    "not data (HTTP 200): Stooq needs an API key since 2026 "
	    "(key-file)") != NULL, "%s", r[0].error);
	parse_with(&provider_stooq, "stooq/apikey.html", syms, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_BLOCKED);
	ck_assert_msg(strstr(r[0].error, "a page asking for an API key"),
	    "%s", r[0].error);
	/* the history endpoint's, alike */
	{
		size_t	 len;
		char	*body = unit_data("stooq/verify.html", &len);

		provider_stooq.range_parse("calx.us", 200, body, len,
		    1772467201, &r[0]);
		ck_assert_int_eq(r[0].status, FETCH_BLOCKED);
		free(body);
	}
	/* a 502 page of a proxy is an outage, not a refusal */
	parse_with(&provider_stooq, "yahoo/maintenance.html", syms, 1, 502, r);
	ck_assert_int_eq(r[0].status, FETCH_FAIL);
}
END_TEST

START_TEST(test_stooq_key)
{
	const char	*calx = "calx.us";
	char		*u, *red;

	/* Stooq's key is optional: apikey= when given, nothing when not */
	u = provider_stooq.url("http://127.0.0.1:1", "s3cr&t", &calx, 1);
	ck_assert_msg(strstr(u, "&apikey=s3cr%26t") != NULL, "%s", u);
	red = net_redact(u);
	ck_assert_msg(strstr(red, "s3cr") == NULL, "%s", red);
	free(red);
	free(u);
	u = provider_stooq.range_url("http://127.0.0.1:1", "k", "calx.us", 0);
	ck_assert_msg(strstr(u, "&apikey=k") != NULL, "%s", u);
	free(u);
	u = provider_stooq.url("http://127.0.0.1:1", NULL, &calx, 1);
	ck_assert_msg(strstr(u, "apikey") == NULL, "%s", u);
	free(u);
}
END_TEST

START_TEST(test_yahoo_refused)
{
	const char		*syms[] = { "CALX", "7203.T", "GONE" };
	struct fetch_result	 r[3];

	/* refused to this client whatever its crumb (2026): no batches */
	batch_file("yahoo/unable_to_access.json", syms, 3, 401, r);
	ck_assert_int_eq(r[0].status, FETCH_NOBATCH);
	ck_assert_int_eq(r[2].status, FETCH_NOBATCH);
	ck_assert_msg(strstr(r[0].error, "User is unable to access this "
	    "feature"), "%s", r[0].error);
	/* a stale crumb is still a session to renew */
	batch_file("yahoo/invalid_crumb.json", syms, 3, 401, r);
	ck_assert_int_eq(r[0].status, FETCH_SESSION);
}
END_TEST

/* The v7 answers of 2026: Nasdaq named, no time, no 52-week range. */
START_TEST(test_yahoo_2026)
{
	const char		*syms[] = { "AAPL", "CALX", "7203.T" };
	struct fetch_result	 r[3];

	batch_file("yahoo/quote_v7_2026.json", syms, 3, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_str_eq(r[0].quote.ex->name, "NASDAQ");
	ck_assert_str_eq(r[0].quote.ex->title, "Nasdaq");
	ck_assert(isnan(r[0].quote.high52) && isnan(r[0].quote.low52));
	ck_assert_int_eq(r[1].status, FETCH_OK);
	ck_assert_str_eq(r[1].quote.ex->name, "NYSE");
	/* no market time: none, never the clock (the arbiter places it) */
	ck_assert_int_eq(r[2].status, FETCH_OK);
	ck_assert_int_eq(r[2].quote.time, 0);
	ck_assert_str_eq(r[2].quote.ex->name, "JPX");
	/* after the close: the post-market price too, newer */
	batch_file("yahoo/quote_v7_post.json", syms, 1, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_double_eq_tol(r[0].quote.price, 305.76, 1e-9);
	ck_assert_double_eq_tol(r[0].quote.ext_price, 310.25, 1e-9);
	ck_assert_int_eq(r[0].quote.ext_time, 1772488800);
	ck_assert_int_eq(r[0].quote.ext_session, QS_POST);
	/* by fullExchangeName alone */
	ck_assert_str_eq(exchange_find("NasdaqGS")->name, "NASDAQ");
	ck_assert_str_eq(exchange_find("XNGS")->name, "NASDAQ");
	ck_assert_str_eq(exchange_find("ARCX")->name, "NYSEARCA");
	ck_assert_str_eq(exchange_find("ASE")->name, "NYSEAMERICAN");
	ck_assert_str_eq(exchange_find("BATS")->name, "CBOE");
	ck_assert_str_eq(exchange_find("PNK")->name, "OTC");
}
END_TEST

/* The new feeds' REST answers (tests/data/{alpaca,tiingo,coinbase}). */
START_TEST(test_feeds_rest)
{
	const char		*aapl = "AAPL", *two[] = { "AAPL", "GONE" };
	const char		*btc = "BTC-USD";
	struct fetch_result	 r[2];
	size_t			 len;
	char			*one = unit_data("alpaca/AAPL.json", &len), *body;

	xasprintf(&body, "{\"AAPL\":%s}", one);
	provider_alpaca.parse(two, 2, 200, body, strlen(body), r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_double_eq_tol(r[0].quote.price, 261.74, 1e-9);
	ck_assert_double_eq_tol(r[0].quote.prev_close, 259.4, 1e-9);
	ck_assert_int_eq(r[0].quote.time, 1772467201);
	ck_assert_int_eq(r[1].status, FETCH_UNKNOWN);
	provider_alpaca.parse(two, 2, 403, "{\"message\":\"forbidden.\"}", 24,
	    r);
	ck_assert_int_eq(r[0].status, FETCH_REFUSED);
	free(body);
	free(one);
	/* the key pair goes in two headers */
	body = provider_alpaca.header("AKID", "s3cret", 1);
	ck_assert_str_eq(body, "APCA-API-SECRET-KEY: s3cret");
	free(body);
	ck_assert_ptr_null(provider_alpaca.header("AKID", "s3cret", 2));

	parse_with(&provider_tiingo, "tiingo/AAPL.json", two, 2, 200, r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_double_eq_tol(r[0].quote.price, 261.74, 1e-9);
	ck_assert_int_eq(r[0].quote.time, 1772467200);
	ck_assert_int_eq(r[1].status, FETCH_UNKNOWN);
	parse_with(&provider_tiingo, "tiingo/AAPL.json", &aapl, 1, 401, r);
	ck_assert_int_eq(r[0].status, FETCH_REFUSED);

	parse_with(&provider_coinbase, "coinbase/BTC-USD.json", &btc, 1, 200,
	    r);
	ck_assert_int_eq(r[0].status, FETCH_OK);
	ck_assert_double_eq_tol(r[0].quote.price, 94745.08, 1e-9);
	ck_assert_str_eq(r[0].quote.ex->name, "CRYPTO");
	provider_coinbase.parse(&btc, 1, 404, "{\"message\":\"NotFound\"}", 22,
	    r);
	ck_assert_int_eq(r[0].status, FETCH_UNKNOWN);
	/* RFC 3339 times: Z, an offset, nine decimals */
	ck_assert(fabs(api_rfc3339("2021-02-22T15:51:44.208Z") -
	    1614009104.208) < 1e-6);
	ck_assert(fabs(api_rfc3339("2019-01-30T10:33:38.186520297-05:00") -
	    1548862418.186520297) < 1e-6);
	ck_assert(api_rfc3339("2019-01-30") == 0 && api_rfc3339(NULL) == 0);
}
END_TEST

static void
count_ticker(const char *t, long cik, void *arg)
{
	long	*n = arg;

	if (strcmp(t, "CALX") == 0)
		ck_assert_int_eq(cik, 1406666);
	(*n)++;
}

/* SEC EDGAR's recorded answers (tests/data/edgar/SOURCES). */
START_TEST(test_edgar_answers)
{
	struct filing	 f[200];
	char		 err[256], *body, *url, t[16];
	size_t		 len;
	long		 n = 0;

	body = unit_data("edgar/company_tickers.json", &len);
	ck_assert_int_eq(edgar_tickers_parse(body, len, count_ticker, &n, err,
	    sizeof(err)), 302);
	free(body);
	edgar_ticker("BRK.B", t, sizeof(t));
	ck_assert_str_eq(t, "BRK-B");
	edgar_ticker("7203.T", t, sizeof(t));
	ck_assert_str_eq(t, "7203-T");	/* not EDGAR's: not found */
	body = unit_data("edgar/submissions_CIK0001318605.json", &len);
	ck_assert_int_eq(edgar_submissions_parse(body, len, f, 200, err,
	    sizeof(err)), 150);
	free(body);
	ck_assert_str_eq(f[0].accession, "0001790565-22-000015");
	ck_assert_str_eq(f[0].form, "4");
	ck_assert_str_eq(f[0].doc, "xslF345X03/edgardoc.xml");
	ck_assert_str_eq(f[7].form, "8-K");
	ck_assert_str_eq(f[7].items, "2.02,9.01");
	/* acceptanceDateTime is New York's clock, whatever its Z says */
	ck_assert_int_eq(edgar_accepted_time(f[0].accepted), 1669844556);
	ck_assert_int_eq(edgar_accepted_time("2026-04-28T16:05:11.000Z"),
	    1777406711);
	url = edgar_doc_url("http://h", 1318605, &f[0]);
	ck_assert_str_eq(url, "http://h/Archives/edgar/data/1318605/"
	    "000179056522000015/edgardoc.xml");
	free(url);
	url = edgar_index_url(NULL, 1318605, f[7].accession);
	ck_assert_msg(strncmp(url, "https://www.sec.gov/Archives/edgar/data/"
	    "1318605/", 48) == 0 && strstr(url, "-index.htm"), "%s", url);
	free(url);
	ck_assert_int_eq(edgar_submissions_parse("<html>", 6, f, 200, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "not a submissions answer (an HTML page)");
	ck_assert_str_eq(edgar_item_name("1.01"),
	    "Entry into a Material Definitive Agreement");
	ck_assert_ptr_null(edgar_item_name("1.10"));
	body = unit_data("edgar/sec_403_rate.html", &len);
	ck_assert(edgar_refused(403, body, len, err, sizeof(err)));
	ck_assert(strstr(err, "Request Rate Threshold Exceeded") != NULL);
	ck_assert(!edgar_refused(200, body, len, err, sizeof(err)));
	free(body);
}
END_TEST

/* Form 4: purchases and sales summed, owners and what they are. */
START_TEST(test_edgar_form4)
{
	struct form4	 d;
	char		 err[256], *body, a[48];
	size_t		 len;

	body = unit_data("edgar/form4_snow_sell.xml", &len);
	ck_assert_int_eq(edgar_form4_parse(body, len, &d, err, sizeof(err)), 0);
	free(body);
	ck_assert_str_eq(d.owner, "Scarpelli Michael");
	ck_assert_str_eq(d.role, "Chief Financial Officer");
	ck_assert_str_eq(d.symbol, "SNOW");
	ck_assert_int_eq(d.sell.n, 5);		/* the M exercises not */
	ck_assert_double_eq_tol(d.sell.shares, 200000, 1e-9);
	ck_assert_double_eq_tol(d.sell.value, 30351309.77, 1e-3);
	ck_assert_int_eq(d.buy.n, 0);
	ck_assert_str_eq(d.sell.date, "2022-12-13");
	body = unit_data("edgar/form4_scwo_grant.xml", &len);
	ck_assert_int_eq(edgar_form4_parse(body, len, &d, err, sizeof(err)), 0);
	free(body);
	ck_assert_int_eq(d.buy.n + d.sell.n, 0);	/* a grant, code A */
	ck_assert_str_eq(d.role, "Chief Technology Officer");
	/* a DOCTYPE's entities are not expanded, nor read */
	body = "<?xml version=\"1.0\"?><!DOCTYPE o [<!ENTITY x \"Evil\">]>"
	    "<ownershipDocument><reportingOwner><reportingOwnerId>"
	    "<rptOwnerName>A&x;B</rptOwnerName></reportingOwnerId>"
	    "<reportingOwnerRelationship><isDirector>1</isDirector>"
	    "<isTenPercentOwner>true</isTenPercentOwner>"
	    "</reportingOwnerRelationship></reportingOwner>"
	    "</ownershipDocument>";
	ck_assert_int_eq(edgar_form4_parse(body, strlen(body), &d, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(d.owner, "AB");
	ck_assert_str_eq(d.role, "director, 10% owner");
	ck_assert_int_eq(edgar_form4_parse("<a>", 3, &d, err, sizeof(err)), -1);
	ck_assert_int_eq(edgar_form4_parse("<x/>", 4, &d, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "not an ownershipDocument (<x>)");
	edgar_amount(30351309.77, 0, a, sizeof(a));
	ck_assert_str_eq(a, "30,351,310");
	edgar_amount(151.7565, 2, a, sizeof(a));
	ck_assert_str_eq(a, "151.76");
	edgar_amount(10000, 4, a, sizeof(a));
	ck_assert_str_eq(a, "10,000");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sources");
	TCase	*tc = tcase_create("2026");

	tcase_add_test(tc, test_stooq_pages);
	tcase_add_test(tc, test_stooq_key);
	tcase_add_test(tc, test_yahoo_refused);
	tcase_add_test(tc, test_yahoo_2026);
	tcase_add_test(tc, test_feeds_rest);
	tcase_add_test(tc, test_edgar_answers);
	tcase_add_test(tc, test_edgar_form4);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
