/*
 * The messages, made: for the alerts of one evaluation, one per alert
 * and notifier (notify_build()), each composed for its notifier (a mail,
 * a syslog line, the alert's JSON or a template for a webhook, a push);
 * and the notifiers looked up by name in the configuration of the
 * moment.  Below the queue (queue.c) and the digests (digest.c), which
 * both compose.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

static struct config		*conf;
static unsigned			 batch_seq;

/* The configuration deliveries look their notifiers up in, from now on. */
void
notify_reconfigure(struct config *c)
{
	conf = c;
}

const struct notifier *
notify_lookup(const char *name)
{
	return conf != NULL ? config_notifier(conf, name) : NULL;
}

/* A new batch id: the alerts of one evaluation of one quote. */
void
notify_batch(const char *symbol, const struct quote *q, char *out,
    size_t len)
{
	snprintf(out, len, "%s-%lld-%ld-%u", symbol, (long long)q->time,
	    (long)getpid(), ++batch_seq);
}

/*
 * A message's payload for its notifier: the alert's JSON or the body
 * template filled (a webhook), a mail of na alerts with msgid (NULL: a
 * new one), or a syslog line.
 */
void
notify_compose(struct outmsg *m, const struct notifier *n,
    const struct alert *a, size_t na, const char *msgid)
{
	char		 id[512], line[512], *from;
	struct alert	 with_id;

	switch (n->type) {
	case NOTIFIER_EXEC:
		buf_puts(&m->payload, m->alert);
		buf_puts(&m->payload, "\n");
		break;
	case NOTIFIER_WEBHOOK:
		if (n->body != NULL) {
			with_id = *a;	/* {{id}}: the message's, stable */
			with_id.msg_id = m->id;
			template_render(&m->payload, n->body, &with_id,
			    notifier_json(n));
		}
		else
			buf_puts(&m->payload, m->alert);
		break;
	case NOTIFIER_MAIL:
		if (msgid == NULL) {
			mail_msgid(id, sizeof(id));
			msgid = id;
		}
		from = n->from ? xstrdup(n->from) : mail_default_from();
		mail_compose(&m->payload, from, &n->to, a, na, m->created,
		    msgid);
		free(from);
		break;
	case NOTIFIER_SYSLOG:
		alert_line(a, line, sizeof(line));
		buf_puts(&m->payload, line);
		break;
	default:
		push_compose(&m->payload, n, a, na);
		break;
	}
}

/* The message announcing alert a through notifier n. */
struct outmsg *
notify_message(const struct notifier *n, const struct alert *a, const char *id,
    const char *rule, time_t now)
{
	struct outmsg	*m = outmsg_new();
	char		 subj[256];

	m->id = xstrdup(id);
	m->notifier = xstrdup(n->name);
	m->type = n->type;
	m->created = now;
	m->symbol = xstrdup(a->symbol);
	m->rule = xstrdup(rule);
	alert_subject(a, subj, sizeof(subj));
	m->subject = xstrdup(subj);
	m->alert = alert_json(a);
	notify_compose(m, n, a, 1, NULL);
	return m;
}

/* A problem notice as a mail: the text, and the same as HTML. */
static void
notice_mail(struct outmsg *m, const struct notifier *n, const char *subject,
    const char *text)
{
	struct buf	 h = { 0 }, t = { 0 };
	char		 msgid[256], *from;

	buf_printf(&t, "%s\n\n-- \ntickerd " PACKAGE_VERSION ", about itself "
	    "(tickerd.conf(5), PROBLEMS)\n", text);
	buf_puts(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>tickerd</title></head>\n<body style=\"font-family:"
	    "sans-serif\">\n<h3>");
	mail_html_escape(&h, subject);
	buf_puts(&h, "</h3>\n<p style=\"white-space:pre-wrap\">");
	mail_html_escape(&h, text);
	buf_puts(&h, "</p>\n<p style=\"color:#888;font-size:small\">tickerd "
	    PACKAGE_VERSION ", about itself</p>\n</body></html>\n");
	mail_msgid_from(msgid, sizeof(msgid), m->id);
	from = n->from ? xstrdup(n->from) : mail_default_from();
	mail_wrap(&m->payload, from, &n->to, m->created, msgid, subject,
	    t.data, h.data);
	free(from);
	buf_free(&t);
	buf_free(&h);
}

/*
 * The message of a notice through notifier n: a mail, a syslog line, a
 * push, or for a webhook a JSON object {"event": "problem",
 * "problem-end" or "screen", "problem" or "screen": key, "subject",
 * "text", "time"} (or its body template, filled from the notice as from
 * an alert).
 */
struct outmsg *
notify_notice(const struct notifier *n, const char *id, const char *event,
    const char *key, const char *subject, const char *text, time_t now)
{
	int		 screen = strcmp(event, "screen") == 0;
	struct outmsg	*m = outmsg_alone(id, n, screen ? "screen" : "problem",
			    now);
	struct alert	 a;
	json_t		*j;

	xasprintf(&m->subject, "tickerd: %s", subject);
	alert_notice(&a, m->subject, text, now);
	j = json_pack("{s:s, s:o, s:o, s:o, s:I}", "event", event,
	    screen ? "screen" : "problem", jtext(key), "subject",
	    jtext(subject), "text", jtext(text), "time", (json_int_t)now);
	m->alert = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (m->alert == NULL)
		m->alert = xstrdup("{}");
	if (n->type == NOTIFIER_MAIL)
		notice_mail(m, n, subject, text);
	else
		notify_compose(m, n, &a, 1, NULL);
	alert_clear(&a);
	return m;
}

/*
 * Build the messages announcing na alerts of watch w, one per alert and
 * notifier, into out.  They share the batch id and carry each alert's
 * history line.
 */
void
notify_build(struct config *c, const struct watch *w,
    const struct alert *a, size_t na, const char *batch, char *const *hist,
    struct outlist *out)
{
	const struct strlist	*names;
	struct notifier		*n;
	struct outmsg		*m;
	char			 id[256];
	size_t			 i, k, count = 0;
	int			 size = 0;

	for (i = 0; i < na; i++) {
		names = watch_rule_notifiers(c, w, a[i].rule);
		for (k = 0; k < names->n; k++) {
			if ((n = config_notifier(c, names->v[k])) == NULL)
				continue;
			snprintf(id, sizeof(id), "%s-%zu", batch, count++);
			m = notify_message(n, &a[i], id, a[i].rule->id, clock_now());
			m->count = a[i].count;
			m->batch = xstrdup(batch);
			m->history = xstrdup(hist[i] ? hist[i] : "");
			TAILQ_INSERT_TAIL(out, m, entry);
			size++;
		}
	}
	TAILQ_FOREACH(m, out, entry)
		m->batch_size = size;
}
