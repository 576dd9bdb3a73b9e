/*
 * Finnhub (key, sent as the token parameter), one symbol per request:
 *   GET /api/v1/quote?symbol=CALX&token=KEY
 *   {"c":45.12,"d":1.4,"dp":3.2,"h":45.3,"l":43.9,"o":44.1,"pc":43.72,
 *    "t":1772480400}
 * An unknown symbol is HTTP 200 with every field 0 (d and dp null).
 * Throttling is HTTP 429 {"error":"API limit reached. Please try again
 * later. Remaining Limit: 0"}; a bad key HTTP 401 {"error":"Invalid API
 * key"}, a plan without access HTTP 403.  The 52-week range is in
 *   GET /api/v1/stock/metric?symbol=CALX&metric=all&token=KEY
 *   {"metric":{"52WeekHigh":45.4,"52WeekLow":27.73,...},
 *    "metricType":"all","symbol":"CALX"}
 * asked once a session.  The free tier allows 60 calls a minute.
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
finnhub_map(const char *sym, char *out, size_t outlen)
{
	api_map_dot(sym, out, outlen);
}

static char *
finnhub_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	char	*s = fmt_urlencode(syms[0]), *k = fmt_urlencode(key ? key : ""), *url;

	xasprintf(&url, "%s/api/v1/quote?symbol=%s&token=%s", base, s, k);
	free(s);
	explicit_bzero(k, strlen(k));
	free(k);
	return url;
}

static char *
finnhub_range_url(const char *base, const char *key, const char *sym,
    time_t now)
{
	char	*s = fmt_urlencode(sym), *k = fmt_urlencode(key ? key : ""), *url;

	xasprintf(&url, "%s/api/v1/stock/metric?symbol=%s&metric=all&token=%s",
	    base, s, k);
	free(s);
	explicit_bzero(k, strlen(k));
	free(k);
	return url;
}

/*
 * The API's {"error": "..."} answer, if it is one: throttling, a refused
 * key (401 "Invalid API key"), or an endpoint or symbol outside the
 * plan (403 "You don't have access to this resource.").
 */
static int
api_error(json_t *root, long status, struct fetch_result *res)
{
	const char		*e = json_string_value(json_object_get(root,
				    "error"));
	enum fetch_status	 fs = FETCH_FAIL;

	if (e == NULL)
		return 0;
	if (status == 429 || strstr(e, "limit"))
		fs = FETCH_RATELIMIT;
	else if (status == 401 || strcasestr(e, "invalid api key"))
		fs = FETCH_REFUSED;
	else if (status == 403 || strcasestr(e, "access"))
		fs = FETCH_UNAVAILABLE;
	api_fail_all(res, 1, fs, "HTTP %ld: %.200s", status, e);
	return 1;
}

static json_t *
load(const char *body, size_t len, long status, struct fetch_result *res)
{
	json_t		*root;
	json_error_t	 jerr;

	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		if (!api_http_status(status, body, len, res, 1))
			api_fail_all(res, 1, FETCH_BAD, "malformed JSON "
			    "(HTTP %ld): %s at position %d", status, jerr.text,
			    jerr.position);
		return NULL;
	}
	if (api_error(root, status, res) ||
	    api_http_status(status, body, len, res, 1)) {
		json_decref(root);
		return NULL;
	}
	if (!json_is_object(root)) {
		api_fail_all(res, 1, FETCH_BAD, "answer is not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

static void
finnhub_parse(const char *const *syms, size_t n, long status,
    const char *body, size_t len, struct fetch_result *res)
{
	json_t		*root, *c;
	struct quote	*q = &res->quote;
	double		 price, t;

	memset(res, 0, sizeof(*res));
	if ((root = load(body, len, status, res)) == NULL)
		return;
	c = json_object_get(root, "c");
	price = api_price(root, "c");
	t = api_price(root, "t");
	if (json_is_number(c) && price == 0 && (!isfinite(t) || t == 0)) {
		api_fail_all(res, 1, FETCH_UNKNOWN, "empty quote for %s "
		    "(c=0, t=0)", syms[0]);
	} else if (!json_is_number(c) || !isfinite(price) || price <= 0) {
		api_fail_all(res, 1, FETCH_BAD, "%s price (c)", c == NULL ?
		    "no" : json_is_null(c) ? "null" : json_is_number(c) ?
		    "non-positive" : "non-numeric");
	} else {
		res->status = FETCH_OK;
		q->price = price;
		q->prev_close = json_is_number(json_object_get(root, "pc")) ?
		    api_price(root, "pc") : NAN;
		if (isfinite(q->prev_close) && q->prev_close <= 0)
			q->prev_close = NAN;
		q->high52 = NAN;
		q->low52 = NAN;
		q->volume = -1;
		api_day(q, api_price(root, "o"), api_price(root, "h"),
		    api_price(root, "l"));
		q->time = api_time(t);
	}
	json_decref(root);
}

static void
finnhub_range_parse(const char *sym, long status, const char *body,
    size_t len, time_t now, struct fetch_result *res)
{
	json_t	*root, *m;
	double	 hi, lo;

	memset(res, 0, sizeof(*res));
	if ((root = load(body, len, status, res)) == NULL)
		return;
	if (!api_answer_for(json_string_value(json_object_get(root, "symbol")),
	    sym, res))
		goto out;
	m = json_object_get(root, "metric");
	hi = api_price(m, "52WeekHigh");
	lo = api_price(m, "52WeekLow");
	api_range(res, hi, lo, !json_is_object(m) ||
	    json_object_size(m) == 0, sym);
 out:
	json_decref(root);
}

const struct provider provider_finnhub = {
	.name = "finnhub",
	.default_url = "https://finnhub.io",
	.needs_key = 1,
	.batch_max = 1,
	.cost_per_symbol = 0,
	.rate = 60,
	.rate_period = 60,
	.connections = 4,
	.map = finnhub_map,
	.url = finnhub_url,
	.parse = finnhub_parse,
	.range_url = finnhub_range_url,
	.range_parse = finnhub_range_parse,
	.range_every = 12 * 3600,
	.feed = &feed_finnhub,
};
