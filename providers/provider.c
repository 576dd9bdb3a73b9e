/*
 * The provider table: every provider tickerd can ask, by name.  What they
 * share is below them, in api.c.
 */
#include "config.h"

#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

static const struct provider *const providers[] = {
	&provider_yahoo,
	&provider_stooq,
	&provider_finnhub,
	&provider_alphavantage,
	&provider_twelvedata,
	&provider_alpaca,
	&provider_tiingo,
	&provider_coinbase,
	NULL
};

const struct provider *
provider_find(const char *name)
{
	size_t	 i;

	for (i = 0; providers[i] != NULL; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

/* "yahoo, stooq, ..." for messages: the providers of the table. */
const char *
provider_names(void)
{
	return "yahoo, stooq, finnhub, alphavantage, twelvedata, alpaca, "
	    "tiingo, coinbase";
}
