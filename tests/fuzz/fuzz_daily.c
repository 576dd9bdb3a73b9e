/*
 * libFuzzer: a symbol's daily history as the state directory keeps it
 * (daily/SYMBOL.csv, store/dailystore.c).  Every bar kept is one a
 * replay would take: dbar_problem() finds nothing wrong with it, and the
 * days are in order.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 err[512];
	const char		*dir = fuzz_dir();
	struct daily		*d;
	const struct dbar	*b;
	long			 latest = (long)(clock_now() / 86400) + 1;
	size_t			 i;

	fuzz_put(dir, "daily/CALX.csv", data, size);
	if (fuzz_store_open() == 0) {
		d = daily_new();
		dailystore_load("CALX", d);
		for (i = 0; i < daily_len(d); i++) {
			b = daily_at(d, i);
			if (dbar_problem(b, latest) != NULL ||
			    (i > 0 && b->day <= daily_at(d, i - 1)->day))
				abort();
		}
		daily_free(d);
		store_close(NULL);
	}
	snprintf(err, sizeof(err), "%s/daily", dir);
	fuzz_clean(err);
	return 0;
}
