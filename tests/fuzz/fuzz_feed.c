/*
 * libFuzzer: the streaming feeds' messages: Finnhub's JSON and Yahoo's
 * base64 protobuf in or out of its JSON envelope (providers/feed.c),
 * Alpaca's message arrays, Tiingo's rows, Coinbase's tickers.  The first
 * byte picks the feed; the rest is one message.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct feed_api *const apis[] = { &feed_finnhub,
	    &feed_yahoo, &feed_alpaca, &feed_tiingo, &feed_coinbase };
	const struct feed_api	*api;
	struct trades		 t = { 0 };
	char			 err[256];
	size_t			 i;

	if (size < 1)
		return 0;
	api = apis[data[0] % (sizeof(apis) / sizeof(apis[0]))];
	err[0] = '\0';
	switch (api->parse((const char *)data + 1, size - 1, &t, err,
	    sizeof(err))) {
	case FEED_TRADES:
		for (i = 0; i < t.n; i++)	/* what is taken is usable */
			if (!isfinite(t.v[i].price) || t.v[i].price <= 0 ||
			    t.v[i].symbol[0] == '\0' ||
			    !utf8_valid(t.v[i].symbol, strlen(t.v[i].symbol)))
				abort();
		break;
	case FEED_ERROR:
	case FEED_REFUSED:
	case FEED_BAD:
		if (!utf8_valid(err, strlen(err)))
			abort();
		break;
	case FEED_ALIVE:
	case FEED_READY:
		break;
	}
	feed_trades_free(&t);
	return 0;
}
