/*
 * Tiingo's IEX data (a key), top of book and last trades.
 *
 * REST, many symbols a request:
 *   GET /iex/?tickers=aapl,calx&token=KEY
 * answers [{"ticker":"AAPL","timestamp":"2019-01-30T10:33:38.18-05:00",
 * "last":162.37,"lastSize":100,"tngoLast":162.37,"prevClose":154.68,
 * "open":161.83,"high":163.25,"low":161.65,"volume":..,
 * "lastSaleTimestamp":..},...], leaving out what it does not know; a
 * refused key is HTTP 401 {"detail":"Invalid token."}.
 *
 * The stream, wss://api.tiingo.com/iex: {"eventName":"subscribe",
 * "authorization":KEY,"eventData":{"thresholdLevel":6,"tickers":[..]}},
 * answered by {"messageType":"I","response":{"code":200,"message":
 * "Success"},"data":{"subscriptionId":..}}; then {"messageType":"H",..}
 * heartbeats and {"messageType":"A","service":"iex","data":ROW}, where
 * ROW is ["T", date, nanoseconds, ticker, bidSize, bidPrice, midPrice,
 * askPrice, askSize, lastPrice, lastSize, halted, afterHours, ...] for a
 * trade ("Q" for a quote, "B" for a trade break).  The free tier may
 * send only ["T", date, nanoseconds, ticker, lastPrice, lastSize]; both
 * lengths are read.  An error is a response code other than 200 (401:
 * the key).
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

#define THRESHOLD	6	/* last trades only: the free tier's */

static char *
tiingo_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	char	*list = api_join(syms, n, ","), *k = fmt_urlencode(key ? key :
		    ""), *url;

	xasprintf(&url, "%s/iex/?tickers=%s&token=%s", base, list, k);
	free(list);
	free(k);
	return url;
}

static void
top(const char *sym, json_t *o, struct fetch_result *res)
{
	struct quote	*q = &res->quote;
	double		 p = api_price(o, "last"), t;

	memset(q, 0, sizeof(*q));
	res->status = FETCH_BAD;
	if (!isfinite(p) || p <= 0)
		p = api_price(o, "tngoLast");
	if (!isfinite(p) || p <= 0) {
		text_printf(res->error, sizeof(res->error), "no last price for "
		    "%s", sym);
		return;
	}
	tk_strlcpy(q->symbol, sym, sizeof(q->symbol));
	q->price = p;
	t = api_rfc3339(json_string_value(json_object_get(o,
	    "lastSaleTimestamp")));
	if (t == 0)
		t = api_rfc3339(json_string_value(json_object_get(o,
		    "timestamp")));
	q->time = (time_t)t;
	q->prev_close = api_price(o, "prevClose");
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	q->high52 = q->low52 = NAN;
	q->volume = api_volume(api_price(o, "volume"));
	api_day(q, api_price(o, "open"), api_price(o, "high"),
	    api_price(o, "low"));
	tk_strlcpy(q->currency, "USD", sizeof(q->currency));
	res->status = FETCH_OK;
}

static void
tiingo_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	json_t		*root, *o;
	json_error_t	 jerr;
	const char	*detail;
	size_t		 i, k;

	if (status == 401 || status == 403) {
		root = json_loadb(body, len, 0, NULL);
		detail = json_string_value(json_object_get(root, "detail"));
		api_fail_all(res, n, FETCH_REFUSED, "HTTP %ld: %.100s", status,
		    detail != NULL ? detail : "the key is refused");
		json_decref(root);
		return;
	}
	if (api_http_status(status, body, len, res, n))
		return;
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL ||
	    !json_is_array(root)) {
		api_fail_all(res, n, FETCH_BAD, "not an IEX array (HTTP %ld): "
		    "%s", status, root == NULL ? jerr.text : "another shape");
		json_decref(root);
		return;
	}
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].status = FETCH_UNKNOWN;
		text_printf(res[i].error, sizeof(res[i].error), "not in "
		    "Tiingo's answer");
		json_array_foreach(root, k, o)
			if (strcasecmp(jstr(o, "ticker"), syms[i]) == 0) {
				top(syms[i], o, &res[i]);
				break;
			}
	}
	json_decref(root);
}

/* Tiingo spells tickers in lower case, share classes with a dash. */
static void
tiingo_map(const char *sym, char *out, size_t outlen)
{
	size_t	 i;

	api_map_dash(sym, out, outlen);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
}

static size_t
tiingo_subscribe(const char *const *syms, size_t n, const char *key,
    struct buf *msg)
{
	json_t	*o, *a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(syms[i]));
	o = json_pack("{s:s, s:s, s:{s:i, s:o}}", "eventName", "subscribe",
	    "authorization", key ? key : "", "eventData", "thresholdLevel",
	    THRESHOLD, "tickers", a);
	feed_put_json(o, msg);
	return n;
}

/* A data row: a trade, or nothing to take (a quote, a break). */
static enum feed_msg
row(json_t *d, struct trades *out, char *err, size_t errlen)
{
	struct trade	 tr;
	size_t		 n = json_array_size(d);
	int		 wide = n >= 11;
	json_t		*ns;

	if (!json_is_array(d) || n < 6) {
		text_printf(err, errlen, "an A message without a data row");
		return FEED_BAD;
	}
	if (strcmp(json_string_value(json_array_get(d, 0)) ?
	    json_string_value(json_array_get(d, 0)) : "", "T") != 0)
		return FEED_ALIVE;	/* a quote or a break */
	feed_trade_init(&tr);
	if (!json_is_string(json_array_get(d, 3)) ||
	    !feed_symbol_ok(json_string_value(json_array_get(d, 3)))) {
		text_printf(err, errlen, "a trade row without a ticker");
		return FEED_BAD;
	}
	tk_strlcpy(tr.symbol, json_string_value(json_array_get(d, 3)),
	    sizeof(tr.symbol));
	tr.price = json_number_value(json_array_get(d, wide ? 9 : 4));
	if (!isfinite(tr.price) || tr.price <= 0) {
		text_printf(err, errlen, "%.24s: a trade row without a price",
		    tr.symbol);
		return FEED_BAD;
	}
	if (json_is_number(json_array_get(d, wide ? 10 : 5)))
		tr.size = json_number_value(json_array_get(d, wide ? 10 : 5));
	ns = json_array_get(d, 2);
	tr.time = json_is_number(ns) ? json_number_value(ns) / 1e9 :
	    api_rfc3339(json_string_value(json_array_get(d, 1)));
	tr.session = wide && json_number_value(json_array_get(d, 12)) == 1 ?
	    QS_NONE : QS_REGULAR;	/* afterHours: the hours say which */
	feed_trades_add(out, &tr);
	return FEED_TRADES;
}

static enum feed_msg
tiingo_parse_msg(const char *msg, size_t len, struct trades *out, char *err,
    size_t errlen)
{
	json_t		*o, *r;
	json_error_t	 je;
	const char	*type;
	long long	 code;
	enum feed_msg	 rc = FEED_ALIVE;

	if ((o = json_loadb(msg, len, 0, &je)) == NULL) {
		text_printf(err, errlen, "not JSON: %s", je.text);
		return FEED_BAD;
	}
	type = jstr(o, "messageType");
	r = json_object_get(o, "response");
	code = json_is_object(r) ? (long long)jget(r, "code") : 200;
	if (json_is_object(r) && code != 200) {
		text_printf(err, errlen, "%lld %.100s", code, jstr(r,
		    "message"));
		rc = code == 401 || code == 403 ? FEED_REFUSED : FEED_ERROR;
	} else if (strcmp(type, "A") == 0)
		rc = row(json_object_get(o, "data"), out, err, errlen);
	else if (*type == '\0') {
		text_printf(err, errlen, "a message without a messageType");
		rc = FEED_BAD;
	}
	json_decref(o);
	return rc;
}

const struct feed_api feed_tiingo = {
	.default_url = "wss://api.tiingo.com/iex",
	.token = NULL,
	.limit = 0,
	.subscribe = tiingo_subscribe,
	.parse = tiingo_parse_msg,
};

/* The free plan: 50 requests an hour, 1000 a day. */
const struct provider provider_tiingo = {
	.name = "tiingo",
	.default_url = "https://api.tiingo.com",
	.needs_key = 1,
	.batch_max = 100,
	.cost_per_symbol = 0,
	.rate = 50,
	.rate_period = 3600,
	.connections = 2,
	.map = tiingo_map,
	.url = tiingo_url,
	.parse = tiingo_parse,
	.feed = &feed_tiingo,
};
