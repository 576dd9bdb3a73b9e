/*
 * Alpha Vantage (key, sent as apikey), one symbol per request:
 *   GET /query?function=GLOBAL_QUOTE&symbol=CALX&apikey=KEY
 *   {"Global Quote":{"01. symbol":"CALX","02. open":"44.10",
 *    "03. high":"45.30","04. low":"43.90","05. price":"45.12",
 *    "06. volume":"812000","07. latest trading day":"2026-03-02",
 *    "08. previous close":"43.72","09. change":"1.40",
 *    "10. change percent":"3.2022%"}}
 * Every answer is HTTP 200: an unknown symbol gives {"Global Quote":{}},
 * throttling {"Note":"Thank you for using Alpha Vantage! Our standard API
 * call frequency is 5 calls per minute ..."} or {"Information":"... rate
 * limit is 25 requests per day ..."}, a bad call or key {"Error Message":
 * "..."}.  The 52-week range is in the company overview, asked once a
 * session:
 *   GET /query?function=OVERVIEW&symbol=CALX&apikey=KEY
 *   {"Symbol":"CALX",...,"52WeekHigh":"45.40","52WeekLow":"27.73",...}
 * ({} for a symbol without one, such as an ETF).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

static void
av_map(const char *sym, char *out, size_t outlen)
{
	api_map_dot(sym, out, outlen);
}

static char *
av_query(const char *base, const char *function, const char *key,
    const char *sym)
{
	char	*s = fmt_urlencode(sym), *k = fmt_urlencode(key ? key : ""), *url;

	xasprintf(&url, "%s/query?function=%s&symbol=%s&apikey=%s", base,
	    function, s, k);
	free(s);
	explicit_bzero(k, strlen(k));
	free(k);
	return url;
}

static char *
av_url(const char *base, const char *key, const char *const *syms, size_t n)
{
	return av_query(base, "GLOBAL_QUOTE", key, syms[0]);
}

static char *
av_range_url(const char *base, const char *key, const char *sym, time_t now)
{
	return av_query(base, "OVERVIEW", key, sym);
}

/*
 * What a Note, Information or Error Message text means.  The demo key
 * ("The **demo** API key is for demo purposes only ...") and a bad one
 * ("the parameter apikey is invalid or missing") are a refused key; a
 * premium endpoint is not for this plan; a rate text ("Our standard API
 * rate limit is 25 requests per day", "... call frequency is 5 calls per
 * minute") is throttling; anything else a failed call.
 */
static enum fetch_status
av_says(const char *s)
{
	if ((strcasestr(s, "demo") && strcasestr(s, "API key")) ||
	    (strcasestr(s, "apikey") && strcasestr(s, "invalid")) ||
	    strcasestr(s, "API key is invalid"))
		return FETCH_REFUSED;
	if (strcasestr(s, "premium endpoint") ||
	    (strcasestr(s, "premium plan") && !strcasestr(s, "rate limit")))
		return FETCH_UNAVAILABLE;
	if (strcasestr(s, "rate limit") || strcasestr(s, "call frequency") ||
	    strcasestr(s, "requests per"))
		return FETCH_RATELIMIT;
	return FETCH_FAIL;
}

/*
 * The answers that say something other than a quote: Note and
 * Information (throttled, a refused key, or a premium-only call), Error
 * Message.
 */
static json_t *
load(const char *body, size_t len, long status, struct fetch_result *res)
{
	json_t		*root;
	json_error_t	 jerr;
	const char	*s;

	if (api_http_status(status, body, len, res, 1))
		return NULL;
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		api_fail_all(res, 1, FETCH_BAD, "malformed JSON (HTTP %ld): "
		    "%s at position %d", status, jerr.text, jerr.position);
		return NULL;
	}
	if (!json_is_object(root))
		api_fail_all(res, 1, FETCH_BAD, "answer is not a JSON object");
	else if ((s = json_string_value(json_object_get(root, "Note"))) ||
	    (s = json_string_value(json_object_get(root, "Information"))) ||
	    (s = json_string_value(json_object_get(root, "Error Message"))))
		api_fail_all(res, 1, av_says(s), "%.200s", s);
	else
		return root;
	json_decref(root);
	return NULL;
}

static void
av_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	json_t		*root, *gq, *v;
	struct quote	*q = &res->quote;
	double		 price;

	memset(res, 0, sizeof(*res));
	if ((root = load(body, len, status, res)) == NULL)
		return;
	gq = json_object_get(root, "Global Quote");
	if (!json_is_object(gq)) {
		api_fail_all(res, 1, FETCH_BAD, "no \"Global Quote\" object "
		    "in the answer");
		goto out;
	}
	if (json_object_size(gq) == 0) {
		api_fail_all(res, 1, FETCH_UNKNOWN, "empty Global Quote for "
		    "%s", syms[0]);
		goto out;
	}
	if (!api_answer_for(json_string_value(json_object_get(gq, "01. symbol")),
	    syms[0], res))
		goto out;
	price = api_price(gq, "05. price");
	if (!isfinite(price) || price <= 0) {
		v = json_object_get(gq, "05. price");
		api_fail_all(res, 1, FETCH_BAD, "%s \"05. price\"", v == NULL ?
		    "no" : json_is_null(v) ? "null" : "unusable");
		goto out;
	}
	res->status = FETCH_OK;
	q->price = price;
	q->prev_close = api_price(gq, "08. previous close");
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	q->high52 = NAN;
	q->low52 = NAN;
	price = api_price(gq, "06. volume");
	q->volume = api_volume(price);
	api_day(q, api_price(gq, "02. open"), api_price(gq, "03. high"),
	    api_price(gq, "04. low"));
	/* only a date: the daemon times it at that day's close */
	q->date = api_date(json_string_value(json_object_get(gq,
	    "07. latest trading day")));
	q->time = 0;
 out:
	json_decref(root);
}

static void
av_range_parse(const char *sym, long status, const char *body, size_t len,
    time_t now, struct fetch_result *res)
{
	json_t	*root;
	double	 hi, lo;

	memset(res, 0, sizeof(*res));
	if ((root = load(body, len, status, res)) == NULL)
		return;
	if (api_answer_for(json_string_value(json_object_get(root, "Symbol")), sym,
	    res)) {
		hi = api_price(root, "52WeekHigh");
		lo = api_price(root, "52WeekLow");
		api_range(res, hi, lo, json_object_size(root) == 0, sym);
	}
	json_decref(root);
}

/*
 * The free tier: 25 requests a day, at most 5 a minute.  The default
 * budget is the per-minute one; `rate 25/d' keeps within the day's.
 */
const struct provider provider_alphavantage = {
	.name = "alphavantage",
	.default_url = "https://www.alphavantage.co",
	.needs_key = 1,
	.batch_max = 1,
	.cost_per_symbol = 0,
	.rate = 5,
	.rate_period = 60,
	.connections = 1,
	.map = av_map,
	.url = av_url,
	.parse = av_parse,
	.range_url = av_range_url,
	.range_parse = av_range_parse,
	.range_every = 24 * 3600,
};
