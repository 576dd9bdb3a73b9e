/*
 * Where a log line goes: syslog(3) always, and stderr too in the
 * foreground (-d); and the one way out of the process, fatal().  Below
 * everything else of lib/, so that the allocator and the buffers may end
 * the process without a circle through the logging that uses them: the
 * filter that hides secrets and cleans outside bytes (log.c's
 * text_vprintf) is given down by log_init(), not called up.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "lib/lib.h"

static int		 sink_fg;
static sink_filter_fn	*sink_filter_of;

void
sink_init(int foreground, sink_filter_fn *filter)
{
	sink_fg = foreground;
	sink_filter_of = filter;
}

int
sink_foreground(void)
{
	return sink_fg;
}

/* One line, already made fit for the log. */
void
sink_write(int pri, const char *msg)
{
	if (sink_fg) {
		fprintf(stderr, "%s\n", msg);
		fflush(stderr);
	}
	syslog(pri, "%s", msg);
}

/* The line "fatal: ...", through the filter once there is one. */
static __attribute__((__noreturn__)) void
sink_die(const char *fmt, ...)
{
	char	 msg[2048];
	va_list	 ap;

	va_start(ap, fmt);
	if (sink_filter_of != NULL)
		sink_filter_of(msg, sizeof(msg), fmt, ap);
	else
		vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink_fg = 1;
	sink_write(LOG_WARNING, msg);
	exit(2);
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
	sink_die("fatal: %s: %s", msg, strerror(saved));
}

void
fatalx(const char *fmt, ...)
{
	char	 msg[1536];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink_die("fatal: %s", msg);
}
