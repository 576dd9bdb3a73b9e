/* libFuzzer: the replay reader on any file. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay		*r;
	struct replay_sym	*rs;
	struct quote		 q;
	char			 err[512];
	const char		*path = fuzz_file("replay.csv", data, size);

	if ((r = replay_open(path, err, sizeof(err))) != NULL) {
		while (replay_next(r, &q, &rs, err, sizeof(err)) == 1)
			if (replay_symbol(r, q.symbol) != rs)
				abort();
		replay_free(r);
	}
	return 0;
}
