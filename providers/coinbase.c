/*
 * Coinbase Exchange's public market data: crypto pairs, no key, around
 * the clock.
 *
 * REST, one pair a request:
 *   GET /products/BTC-USD/ticker
 * answers {"ask":"..","bid":"..","volume":"..","trade_id":..,
 * "price":"94745.08","size":"..","time":"2026-03-02T16:00:01.2Z"};
 * an unknown pair is HTTP 404 {"message":"NotFound"}, throttling 429.
 *
 * The stream, wss://ws-feed.exchange.coinbase.com: {"type":"subscribe",
 * "product_ids":[..],"channels":["ticker","heartbeat"]}, answered by
 * {"type":"subscriptions",..}; then {"type":"ticker","product_id":..,
 * "price":"..","time":RFC3339,"last_size":"..","open_24h":"..",
 * "high_24h":"..","low_24h":"..","volume_24h":"..",..} for each trade,
 * {"type":"heartbeat",..} each second for each product (which keeps a
 * quiet one alive), and {"type":"error","message":..,"reason":..}.
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

static char *
coinbase_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	char	*s = fmt_urlencode(syms[0]), *url;

	xasprintf(&url, "%s/products/%s/ticker", base, s);
	free(s);
	return url;
}

static void
coinbase_parse(const char *const *syms, size_t n, long status,
    const char *body, size_t len, struct fetch_result *res)
{
	json_t		*o;
	json_error_t	 jerr;
	struct quote	*q = &res->quote;
	double		 p;

	memset(res, 0, sizeof(*res));
	if (status == 404) {
		api_fail_all(res, 1, FETCH_UNKNOWN, "HTTP 404: no such product "
		    "%s", syms[0]);
		return;
	}
	if (api_http_status(status, body, len, res, 1))
		return;
	if ((o = json_loadb(body, len, 0, &jerr)) == NULL ||
	    !json_is_object(o)) {
		api_fail_all(res, 1, FETCH_BAD, "not a ticker object (HTTP %ld): "
		    "%s", status, o == NULL ? jerr.text : "another shape");
		json_decref(o);
		return;
	}
	p = api_price(o, "price");
	if (!isfinite(p) || p <= 0) {
		api_fail_all(res, 1, FETCH_BAD, "no price for %s%s%.80s",
		    syms[0], *jstr(o, "message") ? ": " : "", jstr(o, "message"));
		json_decref(o);
		return;
	}
	tk_strlcpy(q->symbol, syms[0], sizeof(q->symbol));
	q->price = p;
	q->time = (time_t)api_rfc3339(json_string_value(json_object_get(o,
	    "time")));
	q->prev_close = q->high52 = q->low52 = NAN;
	q->volume = -1;
	q->ex = exchange_find("CRYPTO");
	res->status = FETCH_OK;
	json_decref(o);
}

/* Coinbase spells pairs as Yahoo does: BTC-USD. */
static void
coinbase_map(const char *sym, char *out, size_t outlen)
{
	tk_strlcpy(out, sym, outlen);
}

static size_t
coinbase_subscribe(const char *const *syms, size_t n, const char *key,
    struct buf *msg)
{
	json_t	*o, *a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(syms[i]));
	o = json_pack("{s:s, s:o, s:[s, s]}", "type", "subscribe",
	    "product_ids", a, "channels", "ticker", "heartbeat");
	feed_put_json(o, msg);
	return n;
}

static enum feed_msg
coinbase_parse_msg(const char *msg, size_t len, struct trades *out,
    char *err, size_t errlen)
{
	json_t		*o;
	json_error_t	 je;
	const char	*type;
	struct trade	 tr;
	enum feed_msg	 rc = FEED_ALIVE;

	if ((o = json_loadb(msg, len, 0, &je)) == NULL) {
		text_printf(err, errlen, "not JSON: %s", je.text);
		return FEED_BAD;
	}
	type = jstr(o, "type");
	if (strcmp(type, "ticker") == 0) {
		feed_trade_init(&tr);
		if (!feed_symbol_ok(jstr(o, "product_id")) ||
		    !(api_price(o, "price") > 0)) {
			text_printf(err, errlen, "a ticker without a product or "
			    "a price");
			rc = FEED_BAD;
		} else {
			tk_strlcpy(tr.symbol, jstr(o, "product_id"),
			    sizeof(tr.symbol));
			tr.price = api_price(o, "price");
			tr.time = api_rfc3339(json_string_value(json_object_get(o,
			    "time")));
			if (api_price(o, "last_size") >= 0)
				tr.size = api_price(o, "last_size");
			tr.session = QS_REGULAR;
			feed_trades_add(out, &tr);
			rc = FEED_TRADES;
		}
	} else if (strcmp(type, "error") == 0) {
		text_printf(err, errlen, "%.100s%s%.100s", *jstr(o, "message") ?
		    jstr(o, "message") : "an error", *jstr(o, "reason") ? ": " :
		    "", jstr(o, "reason"));
		rc = FEED_ERROR;
	} else if (*type == '\0') {
		text_printf(err, errlen, "a message without a type");
		rc = FEED_BAD;
	}
	json_decref(o);
	return rc;
}

const struct feed_api feed_coinbase = {
	.default_url = "wss://ws-feed.exchange.coinbase.com",
	.token = NULL,
	.limit = 0,
	.subscribe = coinbase_subscribe,
	.parse = coinbase_parse_msg,
};

/* Public endpoints: 10 requests a second an address. */
const struct provider provider_coinbase = {
	.name = "coinbase",
	.default_url = "https://api.exchange.coinbase.com",
	.needs_key = 0,
	.batch_max = 1,
	.cost_per_symbol = 0,
	.rate = 5,
	.rate_period = 1,
	.connections = 4,
	.map = coinbase_map,
	.url = coinbase_url,
	.parse = coinbase_parse,
	.feed = &feed_coinbase,
};
