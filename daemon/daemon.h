/*
 * daemon/: the running daemon.  main() (tickerd.c) owns the loop, the
 * signals and reloads; the poller asks the providers for quotes on each
 * symbol's schedule (poll.c), sends the requests and reads the answers
 * (fetch.c) within each provider's budget (bucket.c), and hands each good
 * quote to the evaluate pipeline (evaluate.c), which judges the rules and
 * commits the alerts before they are sent (or, while the state directory
 * is full, keeps them until it can: waiting.c).  Replays and backtests are in
 * backtest.c, the control socket in control.c.  Uses every layer below.
 */
#ifndef TICKERD_DAEMON_H
#define TICKERD_DAEMON_H

#include <sys/queue.h>
#include <time.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"
#include "providers/providers.h"
#include "config/conf.h"
#include "store/store.h"
#include "notify/notify.h"

struct poller;

/* One symbol at one provider of the chain. */
struct psym {
	char		 name[SYMBOL_MAX + 8];	/* the provider's spelling */
	struct provstate *st;			/* in the symbol's state */
};

/* What a range endpoint said: the 52-week range, the last closes. */
struct symrange {
	double		 high52, low52;
	long		 close_day[2];		/* session_day(); 0: none */
	double		 close[2];
};

/* A watched symbol, as the poller follows it: kept small, for there may
 * be tens of thousands. */
struct sym {
	TAILQ_ENTRY(sym)	 entry;
	TAILQ_ENTRY(sym)	 qentry;	/* in a provider's queue */
	TAILQ_ENTRY(sym)	 rentry;	/* in its range queue */
	struct poller		*P;
	struct watch		*w;
	struct symstate		*ss;
	struct event		*timer;
	int			 busy;		/* queued or in flight */
	int			 solo;		/* asked alone after a bad batch */
	int			 source;	/* the last that answered */
	int			 said_unknown;
	int			 in_round;	/* --once: counted as work */
	int			 quoted;	/* at least one judged */
	int			 done;		/* replay: past its last quote */
	struct quote		*pending;	/* replay: its latest, unserved */
	int			 has_pending;
	/* from a range endpoint: 52-week range, last closes */
	int			 range_busy;
	int			 range_reported;
	time_t			 range_time;
	time_t			 range_not_before;
	struct symrange		 range;
	struct quote		*held;		/* waits for the range */
	struct feed		*feed;		/* its stream, if subscribed */
	struct wtick		*tick;		/* its trades, gathered */
	double			 streamed;	/* its last trade, clock_mono() */
	int			 trade;		/* a trade is being judged */
	struct psym		 ps[];		/* one a provider of the chain */
};
TAILQ_HEAD(symlist, sym);

/* A provider of the chain, at run time. */
struct src {
	struct poller		*P;
	const struct provider	*p;
	struct providerconf	*pc;
	const char		*base;
	double			 rate;		/* tokens a second */
	double			 burst;
	double			 tokens;
	double			 refilled;	/* clock_mono() */
	int			 host_fails;
	unsigned		 host_epoch;	/* backoffs grown so far */
	time_t			 host_until;
	int			 host_reported;
	int			 key_reported;	/* its key was refused */
	struct symlist		 queue;
	struct symlist		 rqueue;
	size_t			 nqueue;
	unsigned		 inflight;
	unsigned		 conns;		/* connections allowed */
	int			 mux;		/* its server speaks HTTP/2 */
	struct event		*wake;
	/* a session for batches (session.c) */
	int			 session;	/* SESSION_* */
	char			 crumb[128];
	void			*jar;		/* its cookies */
	struct hand		*hand;		/* the handshake in flight */
	time_t			 session_retry;
	int			 session_reported;
	int			 session_refused;
	int			 session_throttled;
};
enum { SESSION_NONE, SESSION_ASKING, SESSION_OK, SESSION_OFF };

struct req;
TAILQ_HEAD(reqlist, req);
struct hand;
struct held;
TAILQ_HEAD(heldlist, held);
struct waiting;
TAILQ_HEAD(waitlist, waiting);

/* How the poller runs: --once, --replay FILE, both (a backtest). */
struct poll_opts {
	int		 once;
	const char	*replay;	/* --replay FILE, or NULL */
};

/* Everything the poller knows, passed to each of its parts. */
struct poller {
	struct event_base	*base;
	struct config		*conf;
	struct poll_opts	 opts;
	struct src		 srcs[CHAIN_MAX];
	size_t			 nsrc;
	struct symlist		 syms;
	struct reqlist		 reqs;
	/* replay: a stream, read one quote ahead */
	struct replay		*replay;
	const char		*replay_file;
	struct quote		 rnext;		/* the next quote */
	struct replay_sym	*rnext_sym;
	int			 rstate;	/* 1: rnext is one; 0: end; -1 */
	time_t			 replay_first;	/* the first quote's time */
	double			 replay_start;	/* clock_mono() */
	double			 replay_speed;
	struct strmap		*bysym;		/* syms by symbol, for it */
	int			 backtest;
	/* the evaluate pipeline */
	unsigned		 alerts;	/* fired since start */
	int			 dirty;		/* state changed, not saved */
	struct event		*save_ev;	/* saves what is dirty */
	struct heldlist		 held;		/* alerts staged, to commit */
	struct waitlist		 waiting;	/* fired while the state
						 * directory was full */
	struct event		*wait_ev;	/* tries them again */
	struct event		*commit_ev;	/* commits them */
	double			 committed;	/* the last, clock_mono() */
	off_t			 hist_mark;	/* history before them */
	size_t			 hist_lines;	/* and their lines */
	struct event		*daily_ev;	/* daily histories to fetch */
};

/* daemon/stream.c: streamed quotes, over WebSockets */
void		 stream_start(struct poller *);
void		 stream_stop(struct poller *);
json_t		*stream_json(void);
int		 stream_live(const struct sym *);

/* daemon/tick.c: a symbol's streamed trades, gathered and judged */
struct ticker;
struct ticker	*ticker_new(struct event_base *, double);
void		 ticker_free(struct ticker *);
void		 ticker_trade(struct ticker *, struct sym *,
		    const struct trade *);
void		 tick_free(struct sym *);

/* daemon/dailyfetch.c: each symbol's daily history, from its provider */
void		 dailyfetch_start(struct poller *);
void		 dailyfetch_stop(struct poller *);

/* daemon/poll.c: each symbol's schedule, and the provider chain */
struct poller	*poll_start(struct event_base *, struct config *,
		    const struct poll_opts *);
void		 poll_stop(struct poller *);
int		 poll_all_quoted(const struct poller *);
void		 poll_schedule(struct sym *, double);
void		 poll_again(struct sym *, double);
void		 poll_route(struct sym *);
void		 poll_round_end(struct sym *);
int		 poll_pick(struct sym *, time_t, double *);
void		 poll_enqueue(struct sym *, int);
void		 poll_enqueue_range(struct sym *, int);
int		 poll_range_due(struct sym *, int, time_t);
void		 src_net_opts(const struct src *, struct net_opts *);

/* daemon/bucket.c: each provider's budget, and what it sends next */
void		 bucket_init(struct src *);
void		 bucket_keep(const struct src *);
void		 bucket_dispatch(struct src *);
void		 bucket_wake_in(struct src *, double);

/* daemon/session.c: the cookie and crumb of a batch endpoint */
int		 session_wait(struct src *);
void		 session_refused(struct src *, const char *);
void		 session_good(struct src *);
size_t		 session_batch_max(const struct src *);
void		 session_stop(struct src *);

/* daemon/fetch.c: requests and what their answers say */
void		 fetch_send(struct src *, struct sym **, size_t, int);
void		 fetch_cancel_all(struct poller *);

/* daemon/evaluate.c: a quote through the rules, committed, announced */
void		 eval_place(struct sym *, struct quote *, time_t);
void		 eval_quote(struct poller *, struct sym *, struct quote *,
		    time_t);
void		 eval_commit(struct poller *, struct watch *,
		    struct symstate *, const struct quote *, time_t);
void		 eval_init(struct poller *);
void		 eval_flush(struct poller *);

/* daemon/waiting.c: alerts that wait for room in the state directory */
void		 eval_wait_for_room(struct poller *, struct watch *,
		    struct symstate *, struct alert *, size_t);
int		 eval_retry_waiting(struct poller *);
void		 eval_drop_waiting(struct poller *);
void		 eval_wait_cb(int, short, void *);

/* daemon/backtest.c: replays, backtests and the backtest's table */
int		 replay_begin(struct poller *, const char *);
void		 replay_tick(struct sym *);
void		 backtest_run(struct poller *);
void		 backtest_summary(const struct poller *);

/* daemon/fetchhist.c: tickerd --fetch-history */
struct providerconf *history_pick(const struct config *, int,
		    const struct bars_api **);
void		 history_spell(const struct providerconf *,
		    const struct provider *, const char *, char *, size_t);
int		 fetch_history(struct config *, char **, size_t, const char *,
		    const char *, const char *);

/* daemon/control.c: the control socket, for tickerctl */
struct control_info {
	time_t		 started;
	unsigned	 alerts;	/* fired since start */
	time_t		 last_reload;
	unsigned	 reloads;
	const char	*config;
	const char	*reload_error;	/* of the last reload, or "" */
};
/* What the control socket asks of main(): a reload, and its figures. */
struct control_hooks {
	int		(*reload)(void *);
	void		(*info)(void *, struct control_info *);
	void		*arg;
};
void		 control_start(struct event_base *, struct config *,
		    const struct control_hooks *);
void		 control_reconfigure(struct config *);
void		 control_stop(void);

#endif /* TICKERD_DAEMON_H */
