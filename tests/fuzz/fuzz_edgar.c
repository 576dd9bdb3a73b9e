/*
 * libFuzzer: SEC EDGAR's answers (providers/edgar.c): a Form 4's XML, a
 * submissions answer, company_tickers.json and a refusal page.  The
 * first byte picks which; the rest is the answer.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
count(const char *ticker, long cik, void *arg)
{
	if (cik <= 0 || *ticker == '\0' || !utf8_valid(ticker, strlen(ticker)))
		abort();
	(*(long *)arg)++;
}

static void
side_ok(const struct form4_side *s)
{
	if (s->n < 0 || !isfinite(s->shares) || !isfinite(s->value) ||
	    s->shares < 0 || s->value < 0 || (s->n == 0 && s->shares != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filing	 f[8];
	struct form4	 d;
	char		 err[256], why[400], *url;
	const char	*body = (const char *)data + 1;
	long		 n = 0, k, i;

	if (size < 1)
		return 0;
	size--;
	switch (data[0] % 4) {
	case 0:
		if (edgar_form4_parse(body, size, &d, err, sizeof(err)) == 0) {
			side_ok(&d.buy);
			side_ok(&d.sell);
			if (!utf8_valid(d.owner, strlen(d.owner)) ||
			    !utf8_valid(d.role, strlen(d.role)))
				abort();
		}
		break;
	case 1:
		k = edgar_submissions_parse(body, size, f, 8, err, sizeof(err));
		for (i = 0; i < k; i++) {
			if (strlen(f[i].accession) != 20 || f[i].form[0] == '\0')
				abort();
			(void)edgar_accepted_time(f[i].accepted);
			url = edgar_doc_url(NULL, 1318605, &f[i]);
			free(url);
		}
		break;
	case 2:
		(void)edgar_tickers_parse(body, size, count, &n, err,
		    sizeof(err));
		break;
	default:
		(void)edgar_refused(403, body, size, why, sizeof(why));
		break;
	}
	return 0;
}
