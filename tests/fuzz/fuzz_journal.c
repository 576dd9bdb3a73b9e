/*
 * libFuzzer: the journal of the state directory, replayed at start over
 * its snapshot.  Each line of the input becomes a record with its right
 * CRC-32 (so that the records' JSON and what they do are reached), but
 * for lines starting with '!', kept as they are (a damaged or torn
 * tail).  The replay must neither crash nor leak, and the journal left
 * behind must be replayed again to the same end.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "fuzz.h"

static struct config	*conf;

static void
queued(struct outmsg *m)
{
	outmsg_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b = { 0 };
	const uint8_t	*p = data, *nl, *end = data + size;
	char		 err[512], crc[16];
	const char	*dir = fuzz_dir();
	size_t		 len;

	if (conf == NULL) {
		conf = config_load(fuzz_file("j.conf", (const uint8_t *)
		    "watch CALX { above 1  move 5% }\n", 31), NULL);
		if (conf == NULL)
			abort();
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (len > 0 && p[0] == '!')
			buf_add(&b, p + 1, len - 1);
		else {
			snprintf(crc, sizeof(crc), "%08lx ", crc32(0L, p,
			    (uInt)len));
			buf_puts(&b, crc);
			buf_add(&b, p, len);
		}
		if (nl != NULL)
			buf_puts(&b, "\n");
		p += len + (nl != NULL);
	}
	fuzz_put(dir, "journal", (const uint8_t *)b.data, b.len);
	buf_free(&b);
	symstate_sync(conf);
	if (store_open(conf, dir, queued, err, sizeof(err)) == 0)
		store_close(conf);
	fuzz_clean(dir);
	snprintf(err, sizeof(err), "%s/outbox", dir);
	fuzz_clean(err);
	return 0;
}
