/*
 * Yahoo Finance (no key), two endpoints:
 *
 * v7 quote, many symbols a request, behind a session: GET
 * https://fc.yahoo.com/ sets the cookie (A3), GET /v1/test/getcrumb with
 * it answers the crumb as plain text, and then
 *   GET /v7/finance/quote?symbols=CALX,QCOM&crumb=C
 * answers {"quoteResponse":{"result":[{...},...],"error":null}}, leaving
 * out the symbols it does not know; a stale crumb or cookie is HTTP 401
 * with {"finance":{"result":null,"error":{"code":"Unauthorized",
 * "description":"Invalid Crumb"}}}.  Since 2026 some clients get a 401
 * "User is unable to access this feature" whatever their crumb
 * (printing-press-library #1296): batches are then not to be had.
 *
 * v8 chart, one symbol a request, no session, when no crumb can be had:
 *   GET /v8/finance/chart/CALX?interval=1d&range=1d
 * answers {"chart":{"result":[{"meta":{...}}],"error":null}}; an unknown
 * symbol is HTTP 404 with {"chart":{"result":null,"error":{"code":
 * "Not Found","description":"..."}}}.
 *
 * Throttling is HTTP 429 with a plain-text body, on either; a throttled
 * getcrumb may also answer 200 with "Edge: Too Many Requests" in place
 * of a crumb.  The v7 objects and the chart's meta name their fields
 * alike (regularMarketPrice, fiftyTwoWeekHigh, ...), read by one
 * function.
 */
#include "config.h"

#include <ctype.h>
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
	char		*sym = fmt_urlencode(syms[0]), *url;
	size_t		 bl = strlen(base), pl = strlen(path);

	/* a base URL given with the endpoint's path already in it */
	if (bl >= pl && strcmp(base + bl - pl, path) == 0)
		path = "";
	xasprintf(&url, "%s%s/%s?interval=1d&range=1d", base, path, sym);
	free(sym);
	return url;
}

/*
 * v7's pre- or post-market price, while marketState says it is of now
 * (PRE, POST and the like; Yahoo leaves the last one in the answer after
 * the session has opened), when it is newer than the regular one.
 */
static void
yahoo_extended(json_t *meta, struct quote *q)
{
	const char	*state = json_string_value(json_object_get(meta,
			    "marketState"));
	const char	*price = "postMarketPrice", *when = "postMarketTime";
	double		 p;
	time_t		 t;

	if (state == NULL || strcmp(state, "REGULAR") == 0 ||
	    strcmp(state, "CLOSED") == 0)
		return;
	if (strncmp(state, "PRE", 3) == 0) {
		price = "preMarketPrice";
		when = "preMarketTime";
	}
	p = jget(meta, price);
	t = api_time(jget(meta, when));
	if (!isfinite(p) || p <= 0 || t == 0 || (q->time != 0 && t <= q->time))
		return;
	q->ext_price = p;
	q->ext_time = t;
	q->ext_session = strncmp(state, "PRE", 3) == 0 ? QS_PRE : QS_POST;
}

/* The quote of chart.result[0].meta; FETCH_BAD with why when unusable. */
static void
yahoo_meta(const char *symbol, json_t *meta, struct fetch_result *res)
{
	struct quote	*q = &res->quote;
	const char	*s;
	json_t		*v;
	double		 d;

	if (!api_answer_for(json_string_value(json_object_get(meta, "symbol")),
	    symbol, res))
		return;
	d = jget(meta, "regularMarketPrice");
	if (!isfinite(d) || d <= 0) {
		v = json_object_get(meta, "regularMarketPrice");
		text_printf(res->error, sizeof(res->error), "%s regularMarketPrice",
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
	q->volume = api_volume(d);
	/* v7 only: the next (or last) earnings report */
	d = jget(meta, "earningsTimestampStart");
	if (!isfinite(d))
		d = jget(meta, "earningsTimestamp");
	q->earnings = isfinite(d) && d > 0 && d < 4e9 ? (time_t)d : 0;
	api_day(q, jget(meta, "regularMarketOpen"),
	    jget(meta, "regularMarketDayHigh"),
	    jget(meta, "regularMarketDayLow"));
	d = jget(meta, "regularMarketTime");
	q->time = api_time(d);
	s = json_string_value(json_object_get(meta, "currency"));
	text_take(q->currency, sizeof(q->currency), s ? s : "",
	    s ? strlen(s) : 0);
	/* the chart's exchangeName, v7's exchange ("NMS", "JPX"), either's
	 * fullExchangeName ("NasdaqGS"), or its zone */
	if ((s = json_string_value(json_object_get(meta, "exchangeName"))) ==
	    NULL)
		s = json_string_value(json_object_get(meta, "exchange"));
	if ((q->ex = exchange_find(s)) == NULL)
		q->ex = exchange_find(json_string_value(json_object_get(meta,
		    "fullExchangeName")));
	if (q->ex == NULL)
		q->ex = exchange_of_zone(json_string_value(json_object_get(meta,
		    "exchangeTimezoneName")));
	d = jget(meta, "exchangeDataDelayedBy");	/* v7: minutes */
	q->delay = isfinite(d) && d > 0 && d < 24 * 60 ? (int)d : 0;
	yahoo_extended(meta, q);
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
		text_printf(res->error, sizeof(res->error), "HTTP %ld: %s%s%s",
		    status, code ? code : "error", desc ? ": " : "",
		    desc ? desc : "");
		return 1;
	}
	if (status != 200) {
		res->status = status == 404 ? FETCH_UNKNOWN : FETCH_FAIL;
		text_printf(res->error, sizeof(res->error), "HTTP %ld", status);
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
		text_printf(res->error, sizeof(res->error), "HTTP 429 Too Many "
		    "Requests");
		return;
	}
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		if (status != 200)
			res->status = status == 404 ? FETCH_UNKNOWN : FETCH_FAIL;
		text_printf(res->error, sizeof(res->error), status != 200 ?
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
			text_printf(res->error, sizeof(res->error), "no "
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

/* The session's URLs: Yahoo's own hosts, or all at a `url' override. */
static char *
yahoo_cookie_url(const char *base)
{
	char	*url;

	if (strcmp(base, provider_yahoo.default_url) == 0)
		return xstrdup("https://fc.yahoo.com/");
	xasprintf(&url, "%s/", base);
	return url;
}

static char *
yahoo_crumb_url(const char *base)
{
	char	*url;

	xasprintf(&url, "%s/v1/test/getcrumb", base);
	return url;
}

/*
 * A crumb is a short word (letters, digits, . / _ -); an HTML page or
 * a throttle text in its place is not one.
 */
static enum crumb_status
yahoo_crumb_parse(long status, const char *body, size_t len, char *crumb,
    size_t crumblen, char *why, size_t whylen)
{
	size_t	 i;

	if (status == 429 || (len < 200 && memmem(body, len,
	    "Too Many Requests", 17) != NULL)) {
		snprintf(why, whylen, "throttled (HTTP %ld)", status);
		return CRUMB_THROTTLED;
	}
	if (status != 200) {
		snprintf(why, whylen, "HTTP %ld", status);
		return CRUMB_NONE;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)body[i]) && (body[i] == '\0' ||
		    strchr("./_-", body[i]) == NULL))
			break;
	if (len == 0 || i < len || len >= crumblen) {
		snprintf(why, whylen, "the answer is not a crumb (%s)",
		    len == 0 ? "empty" : memchr(body, '<', len) ? "an HTML "
		    "page" : "unexpected text");
		return CRUMB_NONE;
	}
	memcpy(crumb, body, len);
	crumb[len] = '\0';
	return CRUMB_OK;
}

static char *
yahoo_batch_url(const char *base, const char *crumb, const char *const *syms,
    size_t n)
{
	char	*list = api_join(syms, n, ","), *c = fmt_urlencode(crumb);
	char	*url;

	xasprintf(&url, "%s/v7/finance/quote?symbols=%s&crumb=%s", base, list,
	    c);
	free(list);
	free(c);
	return url;
}

/* finance.error of a refused session or request; 1 when there is one. */
static int
yahoo_finance_error(json_t *root, long status, struct fetch_result *res,
    size_t n)
{
	json_t		*error = json_object_get(json_object_get(root,
			    "finance"), "error");
	const char	*code, *desc;
	enum fetch_status st;

	if (!json_is_object(error))
		return 0;
	code = json_string_value(json_object_get(error, "code"));
	desc = json_string_value(json_object_get(error, "description"));
	/* refused to this client whatever its crumb (2026): not a session
	 * to renew */
	if (status == 401 && desc != NULL && strstr(desc, "unable to access"))
		st = FETCH_NOBATCH;
	else
		st = status == 401 || (code && strcmp(code, "Unauthorized") ==
		    0) ? FETCH_SESSION : FETCH_FAIL;
	api_fail_all(res, n, st, "HTTP %ld: %s%s%.160s", status, code ? code :
	    "error", desc ? ": " : "", desc ? desc : "");
	return 1;
}

/* What yahoo_meta() reads of a quote: all a batch's quotes decode. */
static const char *const yahoo_fields[] = {
	"symbol", "regularMarketPrice", "previousClose", "chartPreviousClose",
	"regularMarketPreviousClose", "fiftyTwoWeekHigh", "fiftyTwoWeekLow",
	"regularMarketVolume", "earningsTimestampStart", "earningsTimestamp",
	"regularMarketOpen", "regularMarketDayHigh", "regularMarketDayLow",
	"regularMarketTime", "currency", "exchangeName", "exchange",
	"fullExchangeName", "exchangeTimezoneName", "exchangeDataDelayedBy",
	"marketState", "preMarketPrice", "preMarketTime", "postMarketPrice",
	"postMarketTime", NULL
};

/*
 * quoteResponse.result of a plain answer, each quote of only the fields
 * yahoo_meta() reads, in one selective pass (lib/jscan.c) instead of a
 * DOM of every field; NULL for any other answer (not valid JSON, an
 * error, another shape), which the DOM then reads and names.
 */
static json_t *
yahoo_results(const char *body, size_t len)
{
	struct jscan	 it;
	struct jspan	 k, v, qr = { NULL, 0 }, res = { NULL, 0 };
	json_t		*list, *o;
	int		 r;

	if (jscan_open(&it, body, len, '{') == -1)
		return NULL;
	while ((r = jscan_next(&it, &k, &v)) == 1) {
		if (jscan_is(&k, "finance"))
			return NULL;	/* its error, said by the DOM's path */
		if (jscan_is(&k, "quoteResponse"))
			qr = v;		/* the last one, as Jansson keeps */
	}
	if (r == -1 || qr.p == NULL || qr.p[0] != '{' ||
	    jscan_enter(&it, &qr) == -1)
		return NULL;
	while ((r = jscan_next(&it, &k, &v)) == 1)
		if (jscan_is(&k, "result"))
			res = v;
	if (r == -1 || res.p == NULL || res.p[0] != '[' ||
	    jscan_enter(&it, &res) == -1)
		return NULL;
	list = json_array();
	while ((r = jscan_next(&it, NULL, &v)) == 1) {
		if (v.p[0] != '{')
			continue;	/* not a quote: no symbol to match */
		if ((o = jscan_pick(&v, yahoo_fields)) == NULL)
			break;
		json_array_append_new(list, o);
	}
	if (r != 0) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* Each symbol's object of quoteResponse.result; absent: unknown. */
static void
yahoo_batch_parse(const char *const *syms, size_t n, long status,
    const char *body, size_t len, struct fetch_result *res)
{
	json_t		*root, *list, *o;
	json_error_t	 jerr;
	const char	*s, **names;
	size_t		 i, k;

	if (status == 429) {
		api_fail_all(res, n, FETCH_RATELIMIT, "HTTP 429 Too Many "
		    "Requests");
		return;
	}
	if (status == 404) {	/* no such API here: the session is no use */
		api_fail_all(res, n, FETCH_SESSION, "HTTP 404: no v7 quote "
		    "API at this address");
		return;
	}
	if (status == 200 && (list = yahoo_results(body, len)) != NULL) {
		root = list;		/* the fast path: a plain answer */
		goto quotes;
	}
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL) {
		if (status == 401)
			api_fail_all(res, n, FETCH_SESSION, "HTTP 401");
		else if (!api_http_status(status, body, len, res, n))
			api_fail_all(res, n, status == 200 ? FETCH_BAD :
			    FETCH_FAIL, "malformed JSON (HTTP %ld): %s at "
			    "position %d", status, jerr.text, jerr.position);
		return;
	}
	if (yahoo_finance_error(root, status, res, n) ||
	    api_http_status(status, body, len, res, n))
		goto out;
	list = json_object_get(json_object_get(root, "quoteResponse"),
	    "result");
	if (!json_is_array(list)) {
		api_fail_all(res, n, FETCH_BAD, "no quoteResponse.result "
		    "array in the answer");
		goto out;
	}
 quotes:
	names = xcalloc(json_array_size(list) + 1, sizeof(*names));
	json_array_foreach(list, k, o)	/* once, not once a symbol */
		names[k] = json_string_value(json_object_get(o, "symbol"));
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].status = FETCH_UNKNOWN;
		text_printf(res[i].error, sizeof(res[i].error), "not in Yahoo's "
		    "answer");
		for (k = 0; k < json_array_size(list); k++) {
			s = names[k];
			if (s == NULL || strcasecmp(s, syms[i]) != 0)
				continue;
			res[i].status = FETCH_BAD;
			yahoo_meta(syms[i], json_array_get(list, k), &res[i]);
			break;
		}
	}
	free(names);
 out:
	json_decref(root);
}

/* A symbol's quote and its 52-week range in one request, 100 at once. */
static const struct session_api yahoo_session = {
	.batch_max = 100,
	.cookie_url = yahoo_cookie_url,
	.crumb_url = yahoo_crumb_url,
	.crumb_parse = yahoo_crumb_parse,
	.url = yahoo_batch_url,
	.parse = yahoo_batch_parse,
};

/* Yahoo spells share classes with a dash and indices with a caret. */
static void
yahoo_map(const char *sym, char *out, size_t outlen)
{
	api_map_dash(sym, out, outlen);
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
	.session = &yahoo_session,
	.feed = &feed_yahoo,
};
