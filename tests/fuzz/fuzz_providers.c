/*
 * libFuzzer: every provider's quote and range parsers on any body, and
 * Yahoo's batch and crumb answers.  The first byte picks the provider
 * and the endpoint, the second the HTTP status; the rest is the answer.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct provider *const provs[] = { &provider_yahoo,
	    &provider_stooq, &provider_finnhub, &provider_alphavantage,
	    &provider_twelvedata, &provider_alpaca, &provider_tiingo,
	    &provider_coinbase };
	static const long statuses[] = { 200, 200, 200, 404, 429, 401, 500 };
	static const char *const syms[] = { "CALX", "calx.us", "BRK.B",
	    "^spx", "7203.T" };
	struct fetch_result	 res[5];
	const struct provider	*p;
	const struct bars_api	*api;
	struct bars		 b;
	size_t			 i;
	char			*body, crumb_err[256];
	long			 status;

	if (size < 2)
		return 0;
	p = provs[data[0] % (sizeof(provs) / sizeof(provs[0]))];
	status = statuses[data[1] % 7];
	body = malloc(size - 2 + 1);
	memcpy(body, data + 2, size - 2);
	body[size - 2] = '\0';
	if ((data[0] & 0xe0) == 0xe0 && earnings_served(p->name)) {
		/* an earnings calendar: a date on or after the day asked */
		long	 day = earnings_parse(p->name, status, body, size - 2,
			    syms[data[1] % 5], 20000, crumb_err,
			    sizeof(crumb_err));

		if (day > 0 && day < 20000)
			abort();
	} else if ((data[1] & 0x80) && (api = bars_api(p->name)) != NULL) {
		/* the history endpoints: bars in order, every one dated */
		if (bars_parse(api, status, body, size - 2, data[1] & 0x40,
		    &b) == 0)
			for (i = 0; i < b.n; i++)
				if (b.v[i].day == 0 || !(b.v[i].close > 0) ||
				    (i > 0 && b.v[i].day < b.v[i - 1].day))
					abort();
		bars_free(&b);
	} else if ((data[0] & 0xc0) == 0x40 && p->session != NULL) {
		/* a batch, and a crumb: a crumb is a short plain word */
		char	 crumb[64], why[128];

		p->session->parse(syms, 5, status, body, size - 2, res);
		if (p->session->crumb_parse(status, body, size - 2, crumb,
		    sizeof(crumb), why, sizeof(why)) == CRUMB_OK &&
		    (strlen(crumb) == 0 || strlen(crumb) >= sizeof(crumb) ||
		    strpbrk(crumb, "<&= \n") != NULL))
			abort();
	} else if ((data[0] & 0x80) && p->range_parse != NULL)
		p->range_parse(syms[data[0] % 5], status, body, size - 2,
		    1772480400, res);
	else
		p->parse(syms, p->batch_max < 5 ? p->batch_max : 5, status,
		    body, size - 2, res);
	free(body);
	return 0;
}
