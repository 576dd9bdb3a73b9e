/*
 * Pending work: a request in flight, a message being delivered, a replay
 * still running.  A --once run or a replay exits when none is left; the
 * daemon's main() hears of every change through the callback it gave,
 * and decides.  Also the crash points the recovery tests use.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"

static size_t		 pending;
static work_idle_fn	 on_change;
static void		*on_change_arg;

void
work_begin(void)
{
	pending++;
}

void
work_end(void)
{
	if (pending == 0)
		fatalx("work_end: nothing pending");
	pending--;
	if (on_change != NULL)
		on_change(pending, on_change_arg);
}

size_t
work_pending(void)
{
	return pending;
}

/* fn(pending, arg) is called after each piece of work ends. */
void
work_on_change(work_idle_fn fn, void *arg)
{
	on_change = fn;
	on_change_arg = arg;
}

/*
 * A test hook: with TICKERD_CRASHPOINT=name in the environment, the
 * daemon kills itself (SIGKILL, as kill -9 would) the first time it
 * passes that point, so tests can crash it exactly between two writes.
 */
void
work_crashpoint(const char *name)
{
	static const char	*want;
	static int		 checked;

	if (!checked) {
		want = getenv("TICKERD_CRASHPOINT");
		checked = 1;
	}
	if (want != NULL && strcmp(want, name) == 0)
		raise(SIGKILL);
}
