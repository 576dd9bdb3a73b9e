/*
 * Yahoo Finance, v8 chart endpoint (no key):
 *   GET /v8/finance/chart/CALX?interval=1d&range=1d
 * answers {"chart":{"result":[{"meta":{...}}],"error":null}}; an unknown
 * symbol is HTTP 404 with {"chart":{"result":null,"error":{"code":
 * "Not Found","description":"..."}}}; throttling is HTTP 429 with a
 * plain-text body.  One symbol per request: the API that took several
 * (v7 quote) now wants a session cookie and crumb.
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

static char *
yahoo_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	const char	*path = "/v8/finance/chart";
	char		*sym = url_escape(syms[0]), *url;
	size_t		 bl = strlen(base), pl = strlen(path);

	/* a base URL given with the endpoint's path already in it */
	if (bl >= pl && strcmp(base + bl - pl, path) == 0)
		path = "";
	xasprintf(&url, "%s%s/%s?interval=1d&range=1d", base, path, sym);
	free(sym);
	return url;
}

/* The quote of chart.result[0].meta; FETCH_BAD with why when unusable. */
static void
yahoo_meta(const char *symbol, json_t *meta, struct fetch_result *res)
{
	struct quote	*q = &res->quote;
	const char	*s;
	json_t		*v;
	double		 d;

	s = json_string_value(json_object_get(meta, "symbol"));
	if (s != NULL && strcasecmp(s, symbol) != 0) {
		snprintf(res->error, sizeof(res->error), "answer is for symbol "
		    "\"%.32s\", not %s", s, symbol);
		return;
	}
	d = jget(meta, "regularMarketPrice");
	if (!isfinite(d) || d <= 0) {
		v = json_object_get(meta, "regularMarketPrice");
		snprintf(res->error, sizeof(res->error), "%s regularMarketPrice",
		    v == NULL ? "no" : json_is_null(v) ? "null" :
		    json_is_number(v) ? "non-positive" : "non-numeric");
		return;
	}
	tk_strlcpy(q->symbol, symbol, sizeof(q->symbol));
	q->price = d;
	q->prev_close = jget(meta, "previousClose");
	if (!isfinite(q->prev_close))
		q->prev_close = jget(meta, "chartPreviousClose");
	if (!isfinite(q->prev_close))
		q->prev_close = jget(meta, "regularMarketPreviousClose");
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	q->high52 = jget(meta, "fiftyTwoWeekHigh");
	q->low52 = jget(meta, "fiftyTwoWeekLow");
	if (isfinite(q->high52) && isfinite(q->low52) &&
	    (q->high52 < q->low52 || q->low52 <= 0)) {
		q->high52 = NAN;	/* nonsense: better none than wrong */
		q->low52 = NAN;
	}
	d = jget(meta, "regularMarketVolume");
	q->volume = quote_volume(d);
	d = jget(meta, "regularMarketTime");
	q->time = quote_time(d);
	s = json_string_value(json_object_get(meta, "currency"));
	tk_strlcpy(q->currency, s ? s : "", sizeof(q->currency));
	res->status = FETCH_OK;
}

/* chart.error, or an HTTP failure: unknown symbol, or a failure. */
static int
yahoo_error(json_t *chart, long status, struct fetch_result *res)
{
	json_t		*error = json_object_get(chart, "error");
	const char	*code, *desc;

	if (json_is_object(error)) {
		code = json_string_value(json_object_get(error, "code"));
		desc = json_string_value(json_object_get(error, "description"));
		res->status = (status == 404 || (code &&
		    strcmp(code, "Not Found") == 0)) ? FETCH_UNKNOWN :
		    FETCH_FAIL;
		snprintf(res->error, sizeof(res->error), "HTTP %ld: %s%s%s",
		    status, code ? code : "error", desc ? ": " : "",
		    desc ? desc : "");
		return 1;
	}
	if (status != 200) {
		res->status = status == 404 ? FETCH_UNKNOWN : FETCH_FAIL;
		snprintf(res->error, sizeof(res->error), "HTTP %ld", status);
		return 1;
	}
	return 0;
}

static void
yahoo_parse1(const char *symbol, long status, const char *body, size_t len,
    struct fetch_result *res)
{
	json_t		*root, *chart, *meta;
	json_error_t	 jerr;

	memset(res, 0, sizeof(*res));
	res->status = FETCH_BAD;
	if (status == 429) {
		res->status = FETCH_RATELIMIT;
		snprintf(res->error, sizeof(res->error), "HTTP 429 Too Many "
		    "Requests");
		return;
	}
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		if (status != 200)
			res->status = status == 404 ? FETCH_UNKNOWN : FETCH_FAIL;
		snprintf(res->error, sizeof(res->error), status != 200 ?
		    "HTTP %ld" : "malformed JSON (HTTP %ld): %s at "
		    "position %d", status, jerr.text, jerr.position);
		return;
	}
	chart = json_object_get(root, "chart");
	if (!yahoo_error(chart, status, res)) {
		meta = json_object_get(json_array_get(json_object_get(chart,
		    "result"), 0), "meta");
		if (json_is_object(meta))
			yahoo_meta(symbol, meta, res);
		else
			snprintf(res->error, sizeof(res->error), "no "
			    "chart.result[0].meta object in the answer");
	}
	json_decref(root);
}

static void
yahoo_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	yahoo_parse1(syms[0], status, body, len, res);
}

/* Yahoo spells share classes with a dash and indices with a caret. */
static void
yahoo_map(const char *sym, char *out, size_t outlen)
{
	map_dash_class(sym, out, outlen);
}

/*
 * Yahoo documents no limit; about one request a second per client is
 * what it tolerates without answering 429.
 */
const struct provider provider_yahoo = {
	.name = "yahoo",
	.default_url = "https://query1.finance.yahoo.com",
	.needs_key = 0,
	.batch_max = 1,
	.cost_per_symbol = 0,
	.rate = 60,
	.rate_period = 60,
	.connections = 4,
	.map = yahoo_map,
	.url = yahoo_url,
	.parse = yahoo_parse,
};
