/*
 * Dispatch: an alert goes to each notifier of its watch (or the default
 * ones).  Notifiers share one small interface: send an alert.
 */
#include "config.h"

#include <stdio.h>

#include "tickerd.h"

static struct event_base	*notify_base;

void
notify_init(struct event_base *base)
{
	notify_base = base;
}

void
notify_alert(struct config *conf, const struct watch *w,
    const struct alert *a)
{
	const struct strlist	*names = watch_notifiers(conf, w);
	struct notifier		*n;
	size_t			 i;

	for (i = 0; i < names->n; i++) {
		if ((n = config_notifier(conf, names->v[i])) == NULL) {
			log_warnx("%s %s: no notifier named \"%s\"", a->symbol,
			    a->rule_text, names->v[i]);
			continue;
		}
		switch (n->type) {
		case NOTIFIER_SYSLOG:
			syslog_send(n, a);
			break;
		case NOTIFIER_MAIL:
			mail_send(notify_base, n, a);
			break;
		case NOTIFIER_WEBHOOK:
			log_warnx("notifier %s: webhook is not supported yet",
			    n->name);
			break;
		}
	}
}
