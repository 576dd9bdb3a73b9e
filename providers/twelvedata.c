/*
 * Twelve Data (key, sent as apikey), several symbols per request:
 *   GET /quote?symbol=CALX&apikey=KEY
 *   {"symbol":"CALX","name":"Calix, Inc.","exchange":"NYSE",
 *    "currency":"USD","datetime":"2026-03-02","timestamp":1772461800,
 *    "last_quote_at":1772480400,
 *    "open":"44.1","high":"45.3","low":"43.9","close":"45.12",
 *    "volume":"812000","previous_close":"43.72","change":"1.4",
 *    "percent_change":"3.2","is_market_open":false,
 *    "fifty_two_week":{"low":"27.73","high":"45.4",...}}
 *   GET /quote?symbol=CALX,QCOM&apikey=KEY
 *   {"CALX":{...as above...},"QCOM":{...}}
 * Errors come in the body, often with HTTP 200, for the whole request or
 * for one symbol of a batch: {"code":400,"message":"**symbol** not
 * found: GONE. ...","status":"error"}; code 429 "You have run out of API
 * credits for the current minute ..."; 401 for a bad key.  A request
 * costs one credit per symbol; the free tier has 8 credits a minute.
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

static const struct {
	const char	*yahoo, *td;
} indices[] = {
	{ "^GSPC", "SPX" }, { "^SPX", "SPX" }, { "^DJI", "DJI" },
	{ "^IXIC", "IXIC" }, { "^NDX", "NDX" }, { "^VIX", "VIX" },
};

static void
td_map(const char *sym, char *out, size_t outlen)
{
	size_t	 i;

	for (i = 0; i < sizeof(indices) / sizeof(indices[0]); i++)
		if (strcasecmp(sym, indices[i].yahoo) == 0) {
			tk_strlcpy(out, indices[i].td, outlen);
			return;
		}
	api_map_dot(sym, out, outlen);
}

static char *
td_url(const char *base, const char *key, const char *const *syms, size_t n)
{
	char	*list = api_join(syms, n, ","), *url;
	char	*k = fmt_urlencode(key ? key : "");

	xasprintf(&url, "%s/quote?symbol=%s&apikey=%s", base, list, k);
	free(list);
	explicit_bzero(k, strlen(k));
	free(k);
	return url;
}

/* An error object: {"code":N,"message":"...","status":"error"}. */
static int
td_error(json_t *o, struct fetch_result *res, size_t n)
{
	const char	*st = json_string_value(json_object_get(o, "status"));
	const char	*msg = json_string_value(json_object_get(o, "message"));
	json_int_t	 code = json_integer_value(json_object_get(o, "code"));
	enum fetch_status fs = FETCH_FAIL;

	if (st == NULL || strcmp(st, "error") != 0)
		return 0;
	if (msg == NULL)
		msg = "error";
	if (code == 429)
		fs = FETCH_RATELIMIT;
	else if ((code == 400 || code == 404) && strcasestr(msg, "not found"))
		fs = FETCH_UNKNOWN;
	else if (code == 401 || (strcasestr(msg, "apikey") &&
	    strcasestr(msg, "incorrect")))
		fs = FETCH_REFUSED;
	else if (code == 403 || strcasestr(msg, "available starting with") ||
	    strcasestr(msg, "available exclusively with") ||
	    strcasestr(msg, "upgrad"))
		fs = FETCH_UNAVAILABLE;
	api_fail_all(res, n, fs, "code %lld: %.200s", (long long)code, msg);
	return 1;
}

/* One symbol's quote object. */
static void
td_quote(json_t *o, const char *sym, struct fetch_result *res)
{
	struct quote	*q = &res->quote;
	json_t		*v, *ftw;
	const char	*s;
	double		 price, d;

	memset(res, 0, sizeof(*res));
	if (!json_is_object(o)) {
		api_fail_all(res, 1, FETCH_BAD, "missing from the answer");
		return;
	}
	if (td_error(o, res, 1))
		return;
	if (!api_answer_for(json_string_value(json_object_get(o, "symbol")), sym,
	    res))
		return;
	price = api_price(o, "close");
	if (!isfinite(price) || price <= 0) {
		v = json_object_get(o, "close");
		api_fail_all(res, 1, FETCH_BAD, "%s close", v == NULL ? "no" :
		    json_is_null(v) ? "null" : "unusable");
		return;
	}
	res->status = FETCH_OK;
	q->price = price;
	q->prev_close = api_price(o, "previous_close");
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	ftw = json_object_get(o, "fifty_two_week");
	q->high52 = api_price(ftw, "high");
	q->low52 = api_price(ftw, "low");
	if (!isfinite(q->high52) || !isfinite(q->low52) || q->low52 <= 0 ||
	    q->high52 < q->low52) {
		q->high52 = NAN;
		q->low52 = NAN;
	}
	d = api_price(o, "volume");
	q->volume = api_volume(d);
	api_day(q, api_price(o, "open"), api_price(o, "high"),
	    api_price(o, "low"));
	/* "timestamp" is the start of the day's bar; the last trade's time
	 * is last_quote_at, when the plan has it (else: when it came) */
	d = api_price(o, "last_quote_at");
	if ((q->time = api_time(d)) == 0)	/* only its day's date */
		q->date = api_date(json_string_value(json_object_get(o,
		    "datetime")));
	s = json_string_value(json_object_get(o, "currency"));
	text_take(q->currency, sizeof(q->currency), s ? s : "",
	    s ? strlen(s) : 0);
	if ((q->ex = exchange_find(json_string_value(json_object_get(o,
	    "mic_code")))) == NULL)
		q->ex = exchange_find(json_string_value(json_object_get(o,
		    "exchange")));
}

static void
td_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	json_t		*root;
	json_error_t	 jerr;
	size_t		 i;

	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		if (!api_http_status(status, body, len, res, n))
			api_fail_all(res, n, FETCH_BAD, "malformed JSON "
			    "(HTTP %ld): %s at position %d", status, jerr.text,
			    jerr.position);
		return;
	}
	if (!json_is_object(root))
		api_fail_all(res, n, FETCH_BAD, "answer is not a JSON object");
	else if (td_error(root, res, n) ||
	    api_http_status(status, body, len, res, n))
		;	/* the whole request failed */
	else if (n == 1)
		td_quote(root, syms[0], &res[0]);
	else
		for (i = 0; i < n; i++)
			td_quote(json_object_get(root, syms[i]), syms[i],
			    &res[i]);
	json_decref(root);
}

const struct provider provider_twelvedata = {
	.name = "twelvedata",
	.default_url = "https://api.twelvedata.com",
	.needs_key = 1,
	.batch_max = 8,
	.cost_per_symbol = 1,
	.rate = 8,
	.rate_period = 60,
	.connections = 2,
	.map = td_map,
	.url = td_url,
	.parse = td_parse,
};
