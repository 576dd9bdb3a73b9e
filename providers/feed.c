/*
 * The streaming feeds, as data: what to send to subscribe symbols, and
 * what a message says (trades, a sign of life, an error, or nothing
 * usable).  Pure functions; daemon/stream.c holds the connections.
 *
 * Finnhub's trade stream (wss://ws.finnhub.io?token=KEY): one
 * {"type":"subscribe","symbol":"AAPL"} per symbol; it sends
 * {"type":"trade","data":[{"s":"AAPL","p":261.74,"t":1582641000123,
 * "v":100,"c":["1"]}, ...]}, {"type":"ping"}, and {"type":"error",
 * "msg":"..."}.
 *
 * Yahoo's streamer (wss://streamer.finance.yahoo.com/?version=2):
 * {"subscribe":["AAPL","7203.T"]}; it sends {"type":"pricing",
 * "message":BASE64} (version 1: the base64 text alone), the base64 of a
 * PricingData protobuf (pricing.proto), decoded by protobuf-c.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "providers/pricing.pb-c.h"

#define YAHOO_SUBSCRIBE_MAX	100	/* symbols a subscribe message */
#define YAHOO_HEARTBEAT		7	/* PricingData.quote_type */

void
feed_trades_add(struct trades *t, const struct trade *tr)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n++] = *tr;
}

/* A message to send: o, compact, into msg; o is freed. */
void
feed_put_json(json_t *o, struct buf *msg)
{
	char	*s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	if (s != NULL)
		buf_puts(msg, s);
	free(s);
	json_decref(o);
}

void
feed_trade_init(struct trade *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->size = -1;
	tr->day_volume = -1;
}

/* A symbol from outside: printable, and of a length we keep. */
int
feed_symbol_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n < sizeof(((struct trade *)0)->symbol) &&
	    utf8_valid(s, n) && strpbrk(s, " \t\r\n\"\\") == NULL;
}

/* Milliseconds, or seconds from an older feed, as seconds. */
static double
feed_time(double t)
{
	if (!isfinite(t) || t <= 0)
		return 0;
	return t > 1e11 ? t / 1000 : t;
}

static size_t
finnhub_subscribe(const char *const *syms, size_t n, const char *key,
    struct buf *msg)
{
	json_t	*o;

	if (n == 0)
		return 0;
	o = json_pack("{s:s, s:s}", "type", "subscribe", "symbol", syms[0]);
	feed_put_json(o, msg);
	return 1;
}

/*
 * Whether a trade's conditions mark it as of extended hours: Form T,
 * "T" and "U" in the SIPs' letters, 12 and 13 in Finnhub's numbers.
 */
int
feed_form_t(json_t *c)
{
	static const char *const form_t[] = { "T", "U", "12", "13" };
	const char	*s;
	size_t		 i, k;

	for (i = 0; i < json_array_size(c); i++)
		if ((s = json_string_value(json_array_get(c, i))) != NULL)
			for (k = 0; k < sizeof(form_t) / sizeof(form_t[0]); k++)
				if (strcmp(s, form_t[k]) == 0)
					return 1;
	return 0;
}

/* One entry of a trade message; -1 when it is not a trade. */
static int
finnhub_trade(json_t *e, struct trade *tr)
{
	json_t	*p = json_object_get(e, "p");
	json_t	*t = json_object_get(e, "t");
	json_t	*v = json_object_get(e, "v");

	feed_trade_init(tr);
	if (!json_is_object(e) || !json_is_string(json_object_get(e, "s")) ||
	    !json_is_number(p) || !feed_symbol_ok(jstr(e, "s")))
		return -1;
	tk_strlcpy(tr->symbol, jstr(e, "s"), sizeof(tr->symbol));
	tr->price = json_number_value(p);
	if (!isfinite(tr->price) || tr->price <= 0)
		return -1;
	if (json_is_number(t))
		tr->time = feed_time(json_number_value(t));
	if (json_is_number(v) && json_number_value(v) >= 0)
		tr->size = json_number_value(v);
	/* outside regular hours: which ones, the hours say */
	tr->session = feed_form_t(json_object_get(e, "c")) ? QS_NONE :
	    QS_REGULAR;
	return 0;
}

static enum feed_msg
finnhub_parse(const char *msg, size_t len, struct trades *out, char *err,
    size_t errlen)
{
	json_t		*o, *data;
	json_error_t	 je;
	struct trade	 tr;
	const char	*type;
	size_t		 i, bad = 0;
	enum feed_msg	 rc = FEED_BAD;

	if ((o = json_loadb(msg, len, 0, &je)) == NULL) {
		text_printf(err, errlen, "not JSON: %s", je.text);
		return FEED_BAD;
	}
	type = jstr(o, "type");
	if (strcmp(type, "ping") == 0)
		rc = FEED_ALIVE;
	else if (strcmp(type, "error") == 0) {
		text_printf(err, errlen, "%s", *jstr(o, "msg") ? jstr(o, "msg") :
		    "an error without a message");
		rc = FEED_ERROR;
	} else if (strcmp(type, "trade") == 0) {
		data = json_object_get(o, "data");
		if (!json_is_array(data))
			text_printf(err, errlen, "a trade message without data");
		else {
			for (i = 0; i < json_array_size(data); i++)
				if (finnhub_trade(json_array_get(data, i),
				    &tr) == 0)
					feed_trades_add(out, &tr);
				else
					bad++;
			if (bad > 0)
				text_printf(err, errlen, "%zu of %zu trades "
				    "without a symbol or a price", bad,
				    json_array_size(data));
			rc = bad == json_array_size(data) && bad > 0 ?
			    FEED_BAD : FEED_TRADES;
		}
	} else if (*type != '\0')
		rc = FEED_ALIVE;	/* another kind: news, say */
	else
		text_printf(err, errlen, "a message without a type");
	json_decref(o);
	return rc;
}

static size_t
yahoo_subscribe(const char *const *syms, size_t n, const char *key,
    struct buf *msg)
{
	json_t	*o, *a;
	size_t	 i;

	if (n > YAHOO_SUBSCRIBE_MAX)
		n = YAHOO_SUBSCRIBE_MAX;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(syms[i]));
	o = json_pack("{s:o}", "subscribe", a);
	feed_put_json(o, msg);
	return n;
}

/* A float price with the decimals Yahoo meant: 261.74f is 261.7399902. */
static double
yahoo_price(float f, int64_t hint)
{
	char	 s[32];
	double	 scale;

	if (hint > 0 && hint <= 8) {
		scale = pow(10, (double)hint);
		return round((double)f * scale) / scale;
	}
	snprintf(s, sizeof(s), "%.7g", (double)f);
	return strtod(s, NULL);
}

/*
 * PricingData.market_hours: 1 regular, 2 post, 3 extended (overnight);
 * 0 is pre-market, or not given at all (protobuf 3), which the hours of
 * the trade's time tell apart.
 */
static int
yahoo_hours(int32_t mh)
{
	switch (mh) {
	case 1:
		return QS_REGULAR;
	case 2:
		return QS_POST;
	case 3:
		return QS_NIGHT;
	default:
		return QS_NONE;
	}
}

/* The PricingData in the base64 text b64. */
static enum feed_msg
yahoo_pricing(const char *b64, size_t len, struct trades *out, char *err,
    size_t errlen)
{
	Yahoo__PricingData	*pd;
	struct buf		 bin = { 0 };
	struct trade		 tr;
	enum feed_msg		 rc = FEED_BAD;

	if (buf_unbase64(&bin, b64, len) == -1) {
		buf_free(&bin);
		text_printf(err, errlen, "the message is not base64");
		return FEED_BAD;
	}
	pd = yahoo__pricing_data__unpack(NULL, bin.len,
	    (const uint8_t *)(bin.data ? bin.data : ""));
	buf_free(&bin);
	if (pd == NULL) {
		text_printf(err, errlen, "the message is not a PricingData "
		    "protobuf");
		return FEED_BAD;
	}
	feed_trade_init(&tr);
	if (pd->quote_type == YAHOO_HEARTBEAT)
		rc = FEED_ALIVE;
	else if (pd->id == NULL || !feed_symbol_ok(pd->id))
		text_printf(err, errlen, "a PricingData without a symbol");
	else if (!isfinite(pd->price) || !(yahoo_price(pd->price,
	    pd->price_hint) > 0))	/* none, or less than its last digit */
		text_printf(err, errlen, "%.40s: a PricingData without a price",
		    pd->id);
	else {
		tk_strlcpy(tr.symbol, pd->id, sizeof(tr.symbol));
		tr.price = yahoo_price(pd->price, pd->price_hint);
		tr.time = feed_time((double)pd->time);
		tr.session = yahoo_hours(pd->market_hours);
		if (pd->day_volume > 0)
			tr.day_volume = pd->day_volume;
		if (pd->open_price > 0)
			tr.open = yahoo_price(pd->open_price, pd->price_hint);
		if (pd->day_high > 0)
			tr.day_high = yahoo_price(pd->day_high, pd->price_hint);
		if (pd->day_low > 0)
			tr.day_low = yahoo_price(pd->day_low, pd->price_hint);
		if (pd->previous_close > 0)
			tr.prev_close = yahoo_price(pd->previous_close,
			    pd->price_hint);
		if (pd->currency != NULL && strlen(pd->currency) <
		    sizeof(tr.currency) && utf8_valid(pd->currency,
		    strlen(pd->currency)))
			tk_strlcpy(tr.currency, pd->currency,
			    sizeof(tr.currency));
		feed_trades_add(out, &tr);
		rc = FEED_TRADES;
	}
	yahoo__pricing_data__free_unpacked(pd, NULL);
	return rc;
}

static enum feed_msg
yahoo_parse(const char *msg, size_t len, struct trades *out, char *err,
    size_t errlen)
{
	json_t		*o, *m;
	json_error_t	 je;
	enum feed_msg	 rc;

	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
		len--;
	if (len == 0 || msg[0] != '{')		/* version 1: base64 alone */
		return yahoo_pricing(msg, len, out, err, errlen);
	if ((o = json_loadb(msg, len, 0, &je)) == NULL) {
		text_printf(err, errlen, "not JSON: %s", je.text);
		return FEED_BAD;
	}
	m = json_object_get(o, "message");
	if (json_is_string(m))
		rc = yahoo_pricing(json_string_value(m),
		    json_string_length(m), out, err, errlen);
	else if (m == NULL && json_is_string(json_object_get(o, "type")))
		rc = FEED_ALIVE;	/* a heartbeat, an acknowledgement */
	else {
		text_printf(err, errlen, "a message without a message");
		rc = FEED_BAD;
	}
	json_decref(o);
	return rc;
}

const struct feed_api feed_finnhub = {
	.default_url = "wss://ws.finnhub.io",
	.token = "token",
	.limit = 50,
	.subscribe = finnhub_subscribe,
	.parse = finnhub_parse,
};

const struct feed_api feed_yahoo = {
	.default_url = "wss://streamer.finance.yahoo.com/?version=2",
	.token = NULL,
	.limit = 0,
	.subscribe = yahoo_subscribe,
	.parse = yahoo_parse,
};

void
feed_trades_free(struct trades *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
