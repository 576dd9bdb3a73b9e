/*
 * The exec notifier: a program of the user's, run for each message in a
 * child (child.c) with execve, no shell, as the daemon's user.  The alert
 * comes as its JSON object on standard input and as TICKERD_*
 * environment variables; exit 0 delivers it, whether or not the program
 * read its input, and anything else is a failed attempt that the queue
 * retries with backoff.  What it prints is logged, at most 255 bytes.
 * A program that runs longer than its `timeout' is stopped, and that is
 * a failed attempt too.
 *
 * The message is in the outbox until the program has exited 0 and its
 * record is written (queue.c): a crash between the two runs it once more
 * at the next start, with the same TICKERD_ID, by which a program can
 * tell (tickerd.conf(5), NOTIFIERS).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define ENV_MAX		24
#define ARGV_MAX	64

/* The environment of one run: a search path and the alert's figures. */
static size_t
environment(const struct outmsg *m, char **env, size_t max)
{
	static const struct {
		const char	*var, *field;
	} fields[] = {
		{ "TICKERD_SYMBOL", "symbol" }, { "TICKERD_PRICE", "price" },
		{ "TICKERD_RULE", "rule" }, { "TICKERD_KIND", "kind" },
		{ "TICKERD_THRESHOLD", "threshold" },
		{ "TICKERD_CURRENCY", "currency" },
		{ "TICKERD_EXCHANGE", "exchange" },
		{ "TICKERD_MESSAGE", "message" }, { "TICKERD_NOTE", "note" },
		{ "TICKERD_TIME", "time" }, { "TICKERD_QUOTE_TIME", "quote_time" },
		{ "TICKERD_CHANGE_PCT", "change_pct" },
		{ "TICKERD_SESSION", "session" },
		{ "TICKERD_EVENT", "event" }, { "TICKERD_SUBJECT", "subject" },
		{ "TICKERD_TEXT", "text" },
	};
	json_t		*o = json_loads(m->alert ? m->alert : "{}", 0, NULL), *v;
	size_t		 n = 0, i;
	char		 num[64];

	xasprintf(&env[n++], "PATH=/usr/local/bin:/usr/bin:/bin");
	xasprintf(&env[n++], "TICKERD_ID=%s", m->id);
	xasprintf(&env[n++], "TICKERD_NOTIFIER=%s", m->notifier);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]) && n + 1 < max;
	    i++) {
		if ((v = json_object_get(o, fields[i].field)) == NULL ||
		    json_is_null(v))
			continue;
		if (json_is_string(v))
			tk_strlcpy(num, "", sizeof(num));
		else if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(v));
		else if (json_is_real(v) && isfinite(json_real_value(v)))
			fmt_price(json_real_value(v), num, sizeof(num));
		else
			continue;
		xasprintf(&env[n++], "%s=%s", fields[i].var, json_is_string(v) ?
		    json_string_value(v) : num);
	}
	json_decref(o);
	env[n] = NULL;
	return n;
}

void
exec_deliver(const struct notifier *n, struct outmsg *m, deliver_done_fn done)
{
	char			*argv[ARGV_MAX + 1], *env[ENV_MAX + 1];
	struct child_spec	 cs;
	size_t			 i, ne;

	for (i = 0; i < n->command.n && i < ARGV_MAX; i++)
		argv[i] = n->command.v[i];
	argv[i] = NULL;
	ne = environment(m, env, ENV_MAX);
	memset(&cs, 0, sizeof(cs));
	cs.name = n->command.v[0];
	cs.argv = argv;
	cs.envp = env;
	cs.timeout = n->exec_timeout;
	cs.exit_enough = 1;
	cs.log_output = 1;
	child_deliver(&cs, &m->payload, m, done);
	for (i = 0; i < ne; i++)
		free(env[i]);
}
