/*
 * Logging: syslog(3) always, and stderr too in the foreground (-d).
 * Alert lines are special: they go to stderr in the foreground whatever
 * notifiers are configured, and to syslog only through syslog notifiers.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tickerd.h"

static int	log_foreground;
static int	log_verbose;

static void	vlog(int, const char *, va_list)
		    __attribute__((__format__(printf, 2, 0)));

void
log_init(int foreground, int verbose)
{
	log_foreground = foreground;
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

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		fprintf(stderr, "%s\n", msg);
		fflush(stderr);
	}
	syslog(pri, "%s", msg);
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
	if (log_foreground) {
		fprintf(stderr, "%s\n", line);
		fflush(stderr);
	}
}

void
log_syslog(int facpri, const char *line)
{
	syslog(facpri, "%s", line);
}

void
fatal(const char *fmt, ...)
{
	char	 msg[1536];
	int	 saved = errno;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_foreground = 1;
	log_warnx("fatal: %s: %s", msg, strerror(saved));
	exit(2);
}

void
fatalx(const char *fmt, ...)
{
	char	 msg[1536];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_foreground = 1;
	log_warnx("fatal: %s", msg);
	exit(2);
}
