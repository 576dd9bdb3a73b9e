/*
 * The provider table.  A provider is data: its name, its default base
 * URL, whether it needs a key, how to build the request for a symbol and
 * how to read the answer.  Providers a later release implements are
 * listed so that the configuration can name them with a clear message.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tickerd.h"

static const struct provider provider_stooq = {
	"stooq", "https://stooq.com", 0, 0, NULL, NULL
};
static const struct provider provider_finnhub = {
	"finnhub", "https://finnhub.io", 1, 0, NULL, NULL
};
static const struct provider provider_alphavantage = {
	"alphavantage", "https://www.alphavantage.co", 1, 0, NULL, NULL
};
static const struct provider provider_twelvedata = {
	"twelvedata", "https://api.twelvedata.com", 1, 0, NULL, NULL
};

static const struct provider *const providers[] = {
	&provider_yahoo,
	&provider_stooq,
	&provider_finnhub,
	&provider_alphavantage,
	&provider_twelvedata,
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

/* Percent-encode everything but RFC 3986 unreserved characters. */
char *
url_escape(const char *s)
{
	struct buf	 b = { 0 };
	char		 hex[4];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_add(&b, s, 1);
		else {
			snprintf(hex, sizeof(hex), "%%%02X", c);
			buf_puts(&b, hex);
		}
	}
	buf_add(&b, "", 0);
	return b.data;
}
