/*
 * Logging: syslog(3) always, and stderr too in the foreground (-d), each
 * line with its secrets hidden and its outside bytes made text first
 * (text_vprintf()); the line then goes out through sink.c.
 * Alert lines are special: they go to stderr in the foreground whatever
 * notifiers are configured, and to syslog only through syslog notifiers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "lib/lib.h"

static int	log_verbose;

static void	vlog(int, const char *, va_list)
		    __attribute__((__format__(printf, 2, 0)));

void
log_init(int foreground, int verbose)
{
	sink_init(foreground, text_vprintf);
	log_verbose = verbose;
	openlog("tickerd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 msg[2048];

	/* the whole line, its secrets hidden, then cut between characters */
	text_vprintf(msg, sizeof(msg), fmt, ap);
	sink_write(pri, msg);
}

void
log_warn(const char *fmt, ...)
{
	char	 msg[1536];
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s: %s", msg, strerror(saved));
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* The alert line on stderr (foreground only); syslog is the notifier's. */
void
log_alert(const char *line)
{
	char	*copy;

	if (!sink_foreground())
		return;
	fprintf(stderr, "%s\n", secret_shown(line, &copy));
	fflush(stderr);
	free(copy);
}

void
log_syslog(int facpri, const char *line)
{
	char	*copy;

	syslog(facpri, "%s", secret_shown(line, &copy));
	free(copy);
}

/* The names of syslog's facilities and priorities, for notifiers. */
static const struct name_value {
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

static int
lookup(const struct name_value *t, const char *name)
{
	size_t	 i;

	for (i = 0; t[i].name != NULL; i++)
		if (strcmp(t[i].name, name) == 0)
			return t[i].value;
	return -1;
}

/* A facility's value by its name (daemon, local0, ...); -1: none. */
int
log_facility(const char *name)
{
	return lookup(facilities, name);
}

/* A priority's value by its name (notice, err, ...); -1: none. */
int
log_priority(const char *name)
{
	return lookup(priorities, name);
}
