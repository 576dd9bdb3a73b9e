/*
 * libFuzzer: the phone services' answers (notify/push.c's push_answer):
 * any bytes, as any service's answer of any status.  The reason made of
 * them is valid UTF-8, within its buffer, and the wait asked is bounded.
 * The first byte picks the service, the second the status.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"
#include "fuzz.h"

static const enum notifier_type types[] = { NOTIFIER_TELEGRAM,
	NOTIFIER_DISCORD, NOTIFIER_SLACK, NOTIFIER_NTFY, NOTIFIER_PUSHOVER,
	NOTIFIER_GOTIFY };
static const long statuses[] = { 200, 204, 400, 401, 403, 404, 413, 429,
	500, 503 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 why[512];
	double	 wait;

	if (size < 2)
		return 0;
	why[0] = '\0';
	if (push_answer(types[data[0] % 6], statuses[data[1] % 10],
	    (const char *)data + 2, size - 2, why, sizeof(why), &wait) != 1) {
		if (strlen(why) >= sizeof(why) || !utf8_valid(why, strlen(why)))
			abort();
	}
	if (!(wait >= 0 && wait <= 3600))
		abort();
	return 0;
}
