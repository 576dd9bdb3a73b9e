/*
 * notify/: delivering messages.  The queue takes durable messages (the
 * store wrote them to the outbox), hands each to its notifier's
 * transport, retries failures with backoff, and gathers digests.  A
 * transport makes one attempt and reports its outcome through the
 * callback it was given.  The configuration is pushed in at start and
 * at each reload (notify_reconfigure); each attempt looks its notifier
 * up by name in the configuration of the moment.  Inside: compose.c
 * (the messages, made) below digest.c and queue.c; the queue gives the
 * digests its notify_send(), and the transports report through the
 * callback they are given.  Uses store/, config/, alerts/, market/ and
 * lib/.
 */
#ifndef TICKERD_NOTIFY_H
#define TICKERD_NOTIFY_H

#include <stddef.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

/* How a transport reports one attempt: ok, or why it failed. */
typedef void	(*deliver_done_fn)(struct outmsg *, int ok, const char *why);
typedef void	(*notify_test_fn)(void *, int ok, const char *why);

/* notify/compose.c: the messages, made; the notifiers, looked up */
void		 notify_reconfigure(struct config *);
const struct notifier *notify_lookup(const char *);
void		 notify_batch(const char *, const struct quote *, char *,
		    size_t);
void		 notify_build(struct config *, const struct watch *,
		    const struct alert *, size_t, const char *, char *const *,
		    struct outlist *);
void		 notify_compose(struct outmsg *, const struct notifier *,
		    const struct alert *, size_t, const char *);
struct outmsg	*notify_message(const struct notifier *,
		    const struct alert *, const char *, const char *, time_t);
struct outmsg	*notify_notice(const struct notifier *, const char *,
		    const char *, const char *, const char *, const char *,
		    time_t);

/* notify/queue.c: the delivery queue; a watcher hears of a notifier that
 * failed for good (why, with what to fix; NULL: it delivers again) and of
 * n messages given up after retry-for */
struct notify_watcher {
	void	(*broken)(void *, const char *notifier, const char *why);
	void	(*gave_up)(void *, const char *notifier, size_t n,
		    const char *why);
	void	*arg;
};
void		 notify_init(struct event_base *, int);
void		 notify_watch(const struct notify_watcher *);
const char	*notify_broken(const char *);
void		 notify_retry_held(void);
void		 notify_queue(struct outmsg *);
void		 notify_send(struct outmsg *);
void		 notify_stop(void);
void		 notify_free(void);
size_t		 notify_waiting(void);
size_t		 notify_queued(const char *, time_t *);
unsigned	 notify_failures(void);
int		 notify_test(const char *, const char *, const struct quote *,
		    notify_test_fn, void *, char *, size_t);
void		 notify_test_forget(void *);

/* notify/reviewmail.c: the periodic review mail */
void		 reviewmail_start(struct event_base *);
void		 reviewmail_reconfigure(struct config *);
void		 reviewmail_stop(void);

/* notify/digest.c: digest windows */
typedef void	 digest_send_fn(struct outmsg *);
void		 digest_init(struct event_base *, digest_send_fn *);
int		 digest_hold(struct outmsg *, const struct notifier *);
size_t		 digest_held(void);
void		 digest_flush(void);
size_t		 digest_free(void);

/* notify/mailid.c: the sender and Message-IDs of tickerd's mail */
char		*mail_default_from(void);
char		*mail_envelope(const char *);
void		 mail_msgid(char *, size_t);
void		 mail_msgid_from(char *, size_t, const char *);

/* notify/child.c: a delivery attempt in a child process */
struct child_spec {
	const char	*name;		/* for messages: the program, "SMTP" */
	char *const	*argv;		/* a program to run, or NULL: */
	int		(*fn)(void *);	/* this, in the child; its exit code */
	void		*arg;
	int		 output_why;	/* its output is why it failed */
	int		 permanent_exit; /* this exit code: failed for good */
	time_t		 timeout;	/* stopped after so many seconds */
	char *const	*envp;		/* its environment; NULL: ours */
	int		 exit_enough;	/* exit 0 delivers, read or not */
	int		 log_output;	/* what it says is logged */
};
void		 children_init(struct event_base *);
void		 child_deliver(const struct child_spec *, const struct buf *,
		    struct outmsg *, deliver_done_fn);
size_t		 children_running(void);
void		 children_shutdown(void);

/* notify/smtp.c, sendmail.c, mbox.c: the mail notifier's transports */
void		 smtp_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);
void		 sendmail_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);
void		 mbox_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);

/* notify/exec.c */
void		 exec_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);

/* notify/webhook.c */
void		 webhook_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);

/* notify/pushmsg.c, push.c: the phone services' messages and transport */
void		 push_compose(struct buf *, const struct notifier *,
		    const struct alert *, size_t);
int		 push_answer(enum notifier_type, long, const char *, size_t,
		    char *, size_t, double *);
void		 push_deliver(const struct notifier *, struct outmsg *,
		    deliver_done_fn);

#endif /* TICKERD_NOTIFY_H */
