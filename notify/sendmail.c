/*
 * The mail notifier through a local sendmail program: `sendmail -t -i'
 * in a child (child.c), the message on its stdin with LF line endings,
 * stopped when it takes longer than two minutes.
 */
#include "config.h"

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

#define SENDMAIL_TIMEOUT	120

void
sendmail_deliver(const struct notifier *n, struct outmsg *m,
    deliver_done_fn done)
{
	char			*argv[] = { n->sendmail, "-t", "-i", NULL };
	struct child_spec	 cs = { .name = n->sendmail, .argv = argv,
				    .timeout = SENDMAIL_TIMEOUT };
	struct buf		 lf = { 0 };

	/* local mail takes the local line ending */
	mail_lf(&lf, m->payload.data, m->payload.len, 0);
	child_deliver(&cs, &lf, m, done);
	buf_free(&lf);
}
