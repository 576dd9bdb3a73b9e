/*
 * The syslog notifier: one line per alert, "alert SYMBOL RULE: ...", at
 * the notifier's facility and priority, under the ident "tickerd".
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include "tickerd.h"

static const struct {
	const char	*name;
	int		 value;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },
	{ "lpr", LOG_LPR }, { "mail", LOG_MAIL }, { "news", LOG_NEWS },
	{ "user", LOG_USER }, { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	{ NULL, 0 }
}, priorities[] = {
	{ "emerg", LOG_EMERG }, { "alert", LOG_ALERT }, { "crit", LOG_CRIT },
	{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
	{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE },
	{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	{ NULL, 0 }
};

int
syslog_facility(const char *name)
{
	size_t	 i;

	for (i = 0; facilities[i].name != NULL; i++)
		if (strcmp(facilities[i].name, name) == 0)
			return facilities[i].value;
	return -1;
}

int
syslog_priority(const char *name)
{
	size_t	 i;

	for (i = 0; priorities[i].name != NULL; i++)
		if (strcmp(priorities[i].name, name) == 0)
			return priorities[i].value;
	return -1;
}

void
syslog_send(const struct notifier *n, const struct alert *a)
{
	char	 line[512];

	alert_line(a, line, sizeof(line));
	log_syslog(n->facility | n->priority, line);
}
