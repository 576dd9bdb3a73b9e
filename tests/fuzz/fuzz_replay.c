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
	struct replay	*r;
	char		 err[512];
	const char	*path = fuzz_file("replay.csv", data, size);

	if ((r = replay_open(path, err, sizeof(err))) != NULL) {
		if (replay_count(r) > 0)
			(void)replay_latest(r, replay_get(r, 0)->symbol,
			    replay_last_time(r));
		replay_free(r);
	}
	return 0;
}
