/*
 * Where the control socket is by default; shared by tickerd and tickerctl.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif

/* $RUNTIME_DIRECTORY/control.sock under systemd, else /run/tickerd/... */
const char *
ctlpath_default(void)
{
	static char	 path[108];
	const char	*rd = getenv("RUNTIME_DIRECTORY");

	if (rd != NULL && *rd != '\0' && strlen(rd) + 14 < sizeof(path)) {
		snprintf(path, sizeof(path), "%.*s/control.sock",
		    (int)strcspn(rd, ":"), rd);
		return path;
	}
	return RUNSTATEDIR "/tickerd/control.sock";
}
