/*
 * libFuzzer: what tickerd reads back from its state directory after a
 * restart: state.json, an outbox message, and the alert a digest reads
 * from it.
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

static struct config	*conf;

static void
queued(struct outmsg *m)
{
	outbox_remove(m);
	outmsg_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 err[512], *text;
	struct alert	 a;
	const char	*dir = fuzz_dir();

	if (conf == NULL) {
		conf = config_load(fuzz_file("s.conf", (const uint8_t *)
		    "watch CALX { above 1  move 5% }\n", 31), NULL);
		if (conf == NULL)
			abort();
	}
	fuzz_put(dir, "state.json", data, size);
	fuzz_put(dir, "outbox/x.json", data, size);
	symstate_sync(conf);
	if (store_open(conf, dir, queued, err, sizeof(err)) == 0)
		store_close(conf);
	fuzz_clean(dir);
	snprintf(err, sizeof(err), "%s/outbox", dir);
	fuzz_clean(err);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	if (alert_from_json(text, &a) == 0)
		alert_clear(&a);
	free(text);
	return 0;
}
