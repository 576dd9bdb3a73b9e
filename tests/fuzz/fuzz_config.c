/* libFuzzer: the configuration parser on any file. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "fuzz.h"

static void
quiet(const char *file, int line, const char *msg)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*path = fuzz_file("tickerd.conf", data, size);

	config_free(config_load(path, quiet));
	return 0;
}
