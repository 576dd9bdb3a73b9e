/*
 * libFuzzer: review.json as a restart reads it back (store/review.c),
 * then every entry as tickerctl review and the next save encode it: no
 * entry, whatever its bytes, stops the daemon.
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
	char		*text;
	const char	*dir = fuzz_dir();
	json_t		*j;
	size_t		 i;

	fuzz_put(dir, "review.json", data, size);
	if (fuzz_store_open() == 0) {	/* which reads review.json */
		for (i = 0; i < review_count(); i++) {
			if ((j = review_entry_json(review_at(i))) == NULL)
				abort();
			if ((text = json_dumps(j, 0)) == NULL)
				abort();
			free(text);
			json_decref(j);
		}
		review_save();
		review_free();
		store_close(NULL);
	}
	fuzz_clean(dir);
	return 0;
}
