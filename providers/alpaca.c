/*
 * Alpaca's market data (a key id and a secret), free on its IEX feed.
 *
 * REST, many symbols a request, the key in two headers
 * (APCA-API-KEY-ID, APCA-API-SECRET-KEY):
 *   GET /v2/stocks/snapshots?symbols=AAPL,CALX&feed=iex
 * answers {"AAPL":{"latestTrade":{"t":"2026-03-02T16:00:01.2Z","p":..,
 * "s":..,"c":["@"],..},"latestQuote":{..},"minuteBar":{..},
 * "dailyBar":{"t":..,"o":..,"h":..,"l":..,"c":..,"v":..},
 * "prevDailyBar":{..,"c":..}},...}, leaving out the symbols it does not
 * know; a refused key is HTTP 401 or 403 {"message":"forbidden."}, and
 * throttling HTTP 429.
 *
 * The stream, wss://stream.data.alpaca.markets/v2/iex: it greets with
 * [{"T":"success","msg":"connected"}], takes {"action":"auth","key":..,
 * "secret":..} and answers [{"T":"success","msg":"authenticated"}], then
 * {"action":"subscribe","trades":[..]}, answered by
 * [{"T":"subscription","trades":[..],..}].  Trades come as arrays of
 * {"T":"t","S":"AAPL","p":..,"s":..,"t":RFC3339,"c":[..],..}; errors as
 * {"T":"error","code":N,"msg":..}: 402 auth failed, 405 symbol limit
 * exceeded, 406 connection limit exceeded, 409 insufficient
 * subscription, among others.  Its free plan takes 30 symbols and one
 * connection.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

#define SUBSCRIBE_MAX	100	/* symbols a subscribe message */

static char *
alpaca_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	char	*list = api_join(syms, n, ","), *url;

	xasprintf(&url, "%s/v2/stocks/snapshots?symbols=%s&feed=iex", base,
	    list);
	free(list);
	return url;
}

static char *
alpaca_header(const char *key, const char *secret, int i)
{
	char	*h;

	if (i > 1 || key == NULL)
		return NULL;
	xasprintf(&h, "%s: %s", i == 0 ? "APCA-API-KEY-ID" :
	    "APCA-API-SECRET-KEY", i == 0 ? key : secret ? secret : "");
	return h;
}

/* One symbol's snapshot; FETCH_BAD with why when unusable. */
static void
snapshot(const char *sym, json_t *o, struct fetch_result *res)
{
	json_t		*trade = json_object_get(o, "latestTrade");
	json_t		*day = json_object_get(o, "dailyBar");
	json_t		*prev = json_object_get(o, "prevDailyBar");
	struct quote	*q = &res->quote;
	double		 p = api_price(trade, "p");

	memset(q, 0, sizeof(*q));
	res->status = FETCH_BAD;
	if (!json_is_object(trade) || !isfinite(p) || p <= 0) {
		text_printf(res->error, sizeof(res->error), "no latestTrade "
		    "price for %s", sym);
		return;
	}
	tk_strlcpy(q->symbol, sym, sizeof(q->symbol));
	q->price = p;
	q->time = (time_t)api_rfc3339(json_string_value(json_object_get(trade,
	    "t")));
	q->prev_close = api_price(prev, "c");
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	q->high52 = q->low52 = NAN;
	q->volume = api_volume(api_price(day, "v"));
	api_day(q, api_price(day, "o"), api_price(day, "h"),
	    api_price(day, "l"));
	q->session = feed_form_t(json_object_get(trade, "c")) ? QS_NONE :
	    QS_REGULAR;
	tk_strlcpy(q->currency, "USD", sizeof(q->currency));
	res->status = FETCH_OK;
}

static void
alpaca_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	json_t		*root, *o;
	json_error_t	 jerr;
	size_t		 i;
	const char	*msg;

	if (status == 401 || status == 403) {
		root = json_loadb(body, len, 0, NULL);
		msg = json_string_value(json_object_get(root, "message"));
		api_fail_all(res, n, FETCH_REFUSED, "HTTP %ld: %.100s", status,
		    msg != NULL ? msg : "the key id and secret are refused");
		json_decref(root);
		return;
	}
	if (api_http_status(status, body, len, res, n))
		return;
	if ((root = json_loadb(body, len, 0, &jerr)) == NULL ||
	    !json_is_object(root)) {
		api_fail_all(res, n, FETCH_BAD, "not a snapshots object (HTTP "
		    "%ld): %s", status, root == NULL ? jerr.text : "another "
		    "shape");
		json_decref(root);
		return;
	}
	for (i = 0; i < n; i++) {
		if ((o = json_object_get(root, syms[i])) == NULL ||
		    json_is_null(o)) {
			memset(&res[i], 0, sizeof(res[i]));
			res[i].status = FETCH_UNKNOWN;
			text_printf(res[i].error, sizeof(res[i].error), "not in "
			    "Alpaca's answer");
			continue;
		}
		snapshot(syms[i], o, &res[i]);
	}
	json_decref(root);
}

/* BRK-B and BRK.B are Alpaca's BRK.B; BTC-USD its BTC/USD. */
static void
alpaca_map(const char *sym, char *out, size_t outlen)
{
	const char	*dash = strrchr(sym, '-');

	if (dash != NULL && exchange_of_symbol(sym) == exchange_find("CRYPTO")) {
		snprintf(out, outlen, "%.*s/%s", (int)(dash - sym), sym, dash + 1);
		return;
	}
	api_map_dot(sym, out, outlen);
}

static size_t
alpaca_hello(const char *key, const char *secret, struct buf *msg)
{
	feed_put_json(json_pack("{s:s, s:s, s:s}", "action", "auth", "key",
	    key ? key : "", "secret", secret ? secret : ""), msg);
	return 1;
}

static size_t
alpaca_subscribe(const char *const *syms, size_t n, const char *key,
    struct buf *msg)
{
	json_t	*o, *a = json_array();
	size_t	 i;

	if (n > SUBSCRIBE_MAX)
		n = SUBSCRIBE_MAX;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(syms[i]));
	o = json_pack("{s:s, s:o}", "action", "subscribe", "trades", a);
	feed_put_json(o, msg);
	return n;
}

/* One message of the array; -1 when it is no trade nor control. */
static enum feed_msg
alpaca_one(json_t *e, struct trades *out, char *err, size_t errlen)
{
	const char	*t = jstr(e, "T");
	struct trade	 tr;
	long long	 code;

	if (strcmp(t, "t") == 0) {
		feed_trade_init(&tr);
		if (!feed_symbol_ok(jstr(e, "S")) || !(api_price(e, "p") > 0))
			return FEED_BAD;
		tk_strlcpy(tr.symbol, jstr(e, "S"), sizeof(tr.symbol));
		tr.price = api_price(e, "p");
		tr.time = api_rfc3339(json_string_value(json_object_get(e,
		    "t")));
		if (api_price(e, "s") >= 0)
			tr.size = api_price(e, "s");
		tr.session = feed_form_t(json_object_get(e, "c")) ? QS_NONE :
		    QS_REGULAR;
		feed_trades_add(out, &tr);
		return FEED_TRADES;
	}
	if (strcmp(t, "success") == 0)
		return strcmp(jstr(e, "msg"), "authenticated") == 0 ?
		    FEED_READY : FEED_ALIVE;
	if (strcmp(t, "error") != 0)
		return FEED_ALIVE;	/* subscription, quotes, bars */
	code = (long long)jget(e, "code");
	text_printf(err, errlen, "%lld %.100s", code, jstr(e, "msg"));
	if (code == 402 || code == 406 || code == 409)
		return FEED_REFUSED;
	return FEED_ERROR;
}

static enum feed_msg
alpaca_parse_msg(const char *msg, size_t len, struct trades *out, char *err,
    size_t errlen)
{
	json_t		*a;
	json_error_t	 je;
	enum feed_msg	 rc = FEED_ALIVE, one;
	size_t		 i, bad = 0, ntrades = 0;

	if ((a = json_loadb(msg, len, 0, &je)) == NULL) {
		text_printf(err, errlen, "not JSON: %s", je.text);
		return FEED_BAD;
	}
	if (!json_is_array(a)) {
		json_decref(a);
		text_printf(err, errlen, "not an array of messages");
		return FEED_BAD;
	}
	for (i = 0; i < json_array_size(a); i++) {
		one = alpaca_one(json_array_get(a, i), out, err, errlen);
		if (one == FEED_BAD)
			bad++;
		else if (one == FEED_TRADES)
			ntrades++;
		else if (one != FEED_ALIVE && rc != FEED_REFUSED)
			rc = one;	/* READY, ERROR, REFUSED: said */
	}
	json_decref(a);
	if (rc == FEED_REFUSED || rc == FEED_READY || rc == FEED_ERROR)
		return rc;
	if (bad > 0)
		text_printf(err, errlen, "%zu of %zu messages without a symbol "
		    "or a price", bad, i);
	if (ntrades > 0)
		return FEED_TRADES;
	return bad > 0 ? FEED_BAD : FEED_ALIVE;
}

/* The IEX stream carries stocks: not BTC/USD, which is the crypto one's. */
static int
alpaca_takes(const char *sym)
{
	return strchr(sym, '/') == NULL;
}

const struct feed_api feed_alpaca = {
	.default_url = "wss://stream.data.alpaca.markets/v2/iex",
	.token = NULL,
	.limit = 30,
	.hello = alpaca_hello,
	.takes = alpaca_takes,
	.subscribe = alpaca_subscribe,
	.parse = alpaca_parse_msg,
};

/* The free plan: 200 requests a minute. */
const struct provider provider_alpaca = {
	.name = "alpaca",
	.default_url = "https://data.alpaca.markets",
	.needs_key = 1,
	.key_pair = 1,
	.batch_max = 100,
	.cost_per_symbol = 0,
	.rate = 200,
	.rate_period = 60,
	.connections = 4,
	.map = alpaca_map,
	.url = alpaca_url,
	.parse = alpaca_parse,
	.feed = &feed_alpaca,
	.header = alpaca_header,
};
