/*
 * The state directory's life: made and locked at start, so that a second
 * daemon cannot use it, its files read back (state.c, history.c, the
 * outbox's recovery), checked while it runs, and closed.  The files
 * themselves go through file.c.
 *
 * Write-ahead: an alert's messages are written to the outbox before the
 * rule states that record it are committed to state.json, and both before
 * the alert is logged or sent.  Each message carries its batch (the alerts
 * of one evaluation), the batch's size and the symbol's state after it, so
 * that recovery (outbox.c) can tell a committed batch (deliver it), a
 * complete one that was not committed (commit it, then deliver), and an
 * incomplete one (drop it: the quote is evaluated again and fires again).
 */
#include "config.h"

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

/*
 * Open the state directory: create it, lock it, restore state.json, and
 * recover the outbox, handing each message to deliver to queue().
 * dir NULL keeps everything in memory.  Returns 0, or -1 with err set.
 */
int
store_open(struct config *conf, const char *dir, store_queue_fn queue,
    char *err, size_t errlen)
{
	if (dir == NULL) {
		store_release();
		return 0;
	}
	if (store_take(dir, err, errlen) == -1)
		return -1;
	state_load(conf);
	history_open();
	outbox_recover(conf, queue);
	return 0;
}

void
store_close(void)
{
	history_close();
	review_save();
	review_free();
	symstate_clear();
	store_release();
}
