/*
 * daemon/: the running daemon, a pipeline that reads top to bottom:
 *
 *   sources  -> arbiter  -> judge    -> commit      -> notify/
 *   poll.c      arbiter.c   evaluate.c  evaluate.c
 *   stream.c                            waiting.c
 *   backtest.c
 *
 * The sources make quotes: the poller asks the providers on each
 * symbol's schedule (poll.c), within each provider's budget (bucket.c,
 * with the batch endpoint's session, session.c), and reads the answers
 * (fetch.c); the streams read trades off WebSockets (stream.c) and
 * gather them (tick.c); the replay serves recorded quotes (backtest.c).
 * Each hands its quotes to the arbiter with arbiter_quote(): the arbiter
 * alone decides what is judged (a stream before a poll, a polled price
 * that only lends its references, freshness, earlier sessions).  The
 * judge runs the rules, stages the alerts and commits them before they
 * are sent (or, while the state directory is full, keeps them until it
 * can: waiting.c).  pipeline.c builds the stages and wires them, and is
 * the only file that knows them all; main() (tickerd.c) owns the loop,
 * the signals and reloads; control.c the control socket.  No file calls
 * one above it: what a lower stage must hear back is a callback it was
 * given.  Uses every layer below.
 */
#ifndef TICKERD_DAEMON_H
#define TICKERD_DAEMON_H

#include <sys/queue.h>
#include <stdint.h>
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

/* A watched symbol: what the poller follows of it (its timer is the
 * poller's, or none when replayed), what its stream says, and whether the
 * arbiter judged a quote of it.  Kept small, for there may be tens of
 * thousands. */
struct sym {
	TAILQ_ENTRY(sym)	 entry;
	TAILQ_ENTRY(sym)	 qentry;	/* in a provider's queue */
	TAILQ_ENTRY(sym)	 rentry;	/* in its range queue */
	struct poller		*P;
	struct watch		*w;
	struct symstate		*ss;
	struct event		*timer;		/* its polls; NULL: replayed */
	int			 busy;		/* queued or in flight */
	int			 solo;		/* asked alone after a bad batch */
	int			 source;	/* the last that answered */
	int			 said_unknown;
	int			 in_round;	/* --once: counted as work */
	int			 quoted;	/* at least one judged */
	/* from a range endpoint: 52-week range, last closes */
	int			 range_busy;
	int			 range_reported;
	time_t			 range_time;
	time_t			 range_not_before;
	struct symrange		 range;
	struct quote		*held;		/* waits for the range */
	struct feed		*feed;		/* its stream, if subscribed */
	struct wtick		*tick;		/* its trades, gathered */
	double			 live_until;	/* clock_mono(): its stream's
						 * trades are the newer until
						 * then (stream.c says) */
	struct psym		 ps[];		/* one a provider of the chain */
};
TAILQ_HEAD(symlist, sym);

/* A provider of the chain, at run time. */
struct src;
typedef void	 src_send_fn(struct src *, struct sym **, size_t, int);
struct src {
	struct poller		*P;
	src_send_fn		*send;		/* fetch.c's, given down */
	void			(*ready)(struct src *);	/* bucket.c's */
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
	int			 feed_key_said;	/* its stream refused the key */
	int			 key_reported;	/* its key was refused, or
						   it answered a page:
						   the FETCH_ said */
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

/* How the daemon runs: --once, --replay FILE, both (a backtest). */
struct poll_opts {
	int		 once;
	const char	*replay;	/* --replay FILE, or NULL */
};

/* The judge: the rules run, the alerts staged, committed, announced. */
struct judge {
	struct event_base	*base;
	struct config		*conf;
	int			 backtest;	/* in memory, sends nothing */
	unsigned		 alerts;	/* fired since start */
	int			 dirty;		/* state changed, not saved */
	struct event		*save_ev;	/* saves what is dirty */
	struct heldlist		 held;		/* alerts staged, to commit */
	struct waitlist		 waiting;	/* fired while the state
						 * directory was full */
	struct event		*wait_ev;	/* tries them again */
	struct event		*commit_ev;	/* commits them */
	double			 committed;	/* the last, clock_mono() */
	struct event		*snap_ev;	/* compacts the journal */
};

/* The arbiter: which quotes are judged, and when they are. */
struct arbiter {
	struct config		*conf;
	struct judge		*J;
	int			 replayed;	/* the clock is the replay's */
	double			 speed;		/* its speed */
};
/* Where a quote comes from, for the arbiter. */
enum origin {
	ORIGIN_POLL,		/* a provider's answer */
	ORIGIN_TRADE,		/* a streamed trade */
	ORIGIN_REPLAY,		/* a recorded quote */
};

/* The watched symbols and the provider chain, and the poller's state. */
struct poller {
	struct event_base	*base;
	struct config		*conf;
	struct poll_opts	 opts;
	struct arbiter		*A;		/* where its quotes go */
	struct src		 srcs[CHAIN_MAX];
	size_t			 nsrc;
	struct symlist		 syms;
	struct reqlist		 reqs;
	struct event		*daily_ev;	/* daily histories to fetch */
};

/* daemon/waiting.c: alerts that wait for room in the state directory */
void		 waiting_keep(struct judge *, struct watch *,
		    struct symstate *, struct alert *, size_t);
int		 waiting_retry(struct judge *);
void		 waiting_drop(struct judge *);
void		 waiting_cb(int, short, void *);

/* daemon/evaluate.c: the judge, and the commit of what it fired */
struct judge	*judge_new(struct event_base *, struct config *, int);
void		 judge_free(struct judge *);
void		 judge_quote(struct judge *, struct watch *,
		    struct symstate *, const struct quote *, time_t);
void		 judge_flush(struct judge *);
void		 judge_event(struct judge *, struct watch *, struct symstate *,
		    struct alert *, size_t);
void		 judge_dirty(struct judge *);

/* daemon/dashboard.c: the dashboard, served; dashpage.c, its pages;
 * dashchart.c, its chart */
struct evhttp_request;
struct evbuffer;
struct evkeyvalq;
#define DASH_RING	240	/* the day's quotes kept, a minute apart */
struct dashring {
	int64_t		 t0;
	uint32_t	 dt[DASH_RING];	/* seconds after t0 */
	float		 p[DASH_RING];
	size_t		 n, at;
};
void		 dashboard_start(struct event_base *, struct config *);
void		 dashboard_reconfigure(struct config *);
void		 dashboard_stop(void);
void		 dashboard_request(struct evhttp_request *);
int		 dashboard_shares(const struct config *);
void		 dashboard_changed(void);
void		 dashpage_quote(const char *, const struct quote *);
void		 dashpage_free(void);
void		 dashhtml_esc(struct evbuffer *, const char *);
int		 dashpage_serve(const struct config *, const char *,
		    struct evkeyvalq *, struct evbuffer *, const char **);
void		 dashchart_svg(struct evbuffer *, const struct watch *,
		    struct symstate *, const struct dashring *);

/* daemon/filings.c: SEC EDGAR's filings, looked at */
#define FILINGS_LISTED	20	/* a symbol's, in tickerctl filings */
void		 filings_start(struct event_base *, struct config *,
		    struct judge *);
void		 filings_stop(void);
json_t		*filings_json(const char *);

/* daemon/filingrules.c: the rules on filings, judged */
#define FIRED_MAX	96	/* the rules a filing fired, as words */
struct filing;
struct form4;
void		 filingrules_judge(struct judge *, struct watch *,
		    struct symstate *, long,
		    const struct filing *, const struct form4 *, const int *,
		    int, size_t);

/* daemon/arbiter.c: what is judged */
void		 arbiter_place(struct sym *, struct quote *, time_t);
void		 arbiter_quote(struct arbiter *, struct sym *, struct quote *,
		    time_t, enum origin);

/* daemon/tick.c: a symbol's streamed trades, gathered and judged */
struct ticker;
struct ticker	*ticker_new(struct event_base *, struct arbiter *, double);
void		 ticker_free(struct ticker *);
void		 ticker_trade(struct ticker *, struct sym *,
		    const struct trade *);
void		 ticker_forget(struct sym *);

/* daemon/stream.c: streamed quotes, over WebSockets; a symbol whose
 * stream is lost goes to lost_fn (the poller's, to be polled now) */
typedef void	 stream_lost_fn(struct sym *);
void		 stream_start(struct poller *, stream_lost_fn *);
void		 stream_stop(struct poller *);
json_t		*stream_json(void);

/* daemon/backtest.c: the replay of recorded quotes, and backtests */
struct replaying;
struct replaying *replaying_open(struct config *, const char *, int *);
void		 replaying_start(struct replaying *, struct arbiter *,
		    struct event_base *, struct symlist *);
double		 replaying_speed(const struct replaying *);
int		 replaying_failed(const struct replaying *);
void		 replaying_free(struct replaying *);
void		 backtest_run(struct replaying *, struct arbiter *,
		    struct symlist *);
void		 backtest_summary(const struct config *,
		    const struct symlist *);

/* daemon/session.c: the cookie and crumb of a batch endpoint */
void		 session_net_opts(const struct src *, struct net_opts *);
int		 session_wait(struct src *);
void		 session_refused(struct src *, const char *);
void		 session_denied(struct src *, const char *);
void		 session_good(struct src *);
size_t		 session_batch_max(const struct src *);
void		 session_stop(struct src *);

/* daemon/bucket.c: each provider's budget, and what it sends next */
void		 bucket_init(struct src *);
void		 bucket_keep(const struct src *);
void		 bucket_dispatch(struct src *);
void		 bucket_wake_in(struct src *, double);

/* daemon/poll.c: the watched symbols, the provider chain, each symbol's
 * schedule */
struct poller	*poll_new(struct event_base *, struct config *,
		    const struct poll_opts *, struct arbiter *, int);
void		 poll_begin(struct poller *);
void		 poll_free(struct poller *);
int		 poll_all_quoted(const struct poller *);
size_t		 poll_unquoted(const struct poller *, char *, size_t);
void		 poll_now(struct sym *);
void		 poll_again(struct sym *, double);
void		 poll_route(struct sym *);
void		 poll_round_end(struct sym *);
int		 poll_pick(struct sym *, time_t, double *);
void		 poll_enqueue(struct sym *, int);
void		 poll_enqueue_range(struct sym *, int);
int		 poll_range_due(struct sym *, int, time_t);

/* daemon/fetch.c: requests and what their answers say */
void		 fetch_attach(struct poller *);
void		 fetch_send(struct src *, struct sym **, size_t, int);
void		 fetch_cancel_all(struct poller *);

/* daemon/dailyfetch.c: each symbol's daily history, from its provider */
void		 dailyfetch_start(struct poller *);
void		 dailyfetch_stop(struct poller *);

/* daemon/pipeline.c: the stages, built and wired */
struct pipeline;
struct pipeline	*pipeline_start(struct event_base *, struct config *,
		    const struct poll_opts *);
void		 pipeline_stop(struct pipeline *);
unsigned	 pipeline_alerts(const struct pipeline *);
int		 pipeline_all_quoted(const struct pipeline *);
size_t		 pipeline_unquoted(const struct pipeline *, char *, size_t);
void		 pipeline_summary(const struct pipeline *);
int		 pipeline_replay_failed(const struct pipeline *);

/* daemon/fetchhist.c: tickerd --fetch-history */
struct providerconf *fetchhist_pick(const struct config *, int,
		    const struct bars_api **);
void		 fetchhist_spell(const struct providerconf *,
		    const struct provider *, const char *, char *, size_t);
int		 fetchhist_run(struct config *, char **, size_t, const char *,
		    const char *, const char *);

/* daemon/health.c: what keeps tickerd from watching, judged */
enum {			/* why a provider's request failed */
	CAUSE_KEY, CAUSE_THROTTLED, CAUSE_NOT_API, CAUSE_HTML, CAUSE_DOWN,
	CAUSE_TLS, CAUSE_SERVER, CAUSE_TIMEOUT, CAUSES
};
struct provhealth {	/* a provider, by name; outlives reloads */
	char		 name[16];
	time_t		 failing_since;	/* every request since; 0: not */
	int		 cause;		/* the last failure's */
	char		 detail[200];	/* its words */
	time_t		 ok_at;		/* the last answer that worked */
	time_t		 back_at;	/* the first after failures */
	unsigned long	 quotes;	/* all, for the metrics */
	unsigned long	 errors[CAUSES];
};
struct feedhealth {	/* a stream, by provider */
	char		 name[16];
	int		 up;
	time_t		 down_since;
	char		 why[200];
};
void		 health_start(struct event_base *, struct config *);
void		 health_reconfigure(struct config *);
void		 health_stop(void);
void		 health_request(const char *, size_t, int, const char *);
void		 health_stream(const char *, int, const char *);
void		 health_source(const char *, const char *);
void		 health_alert(int);
void		 health_reload(const char *);
const char	*health_cause_label(int);
const struct provhealth *health_provider_at(size_t);
const struct feedhealth *health_feed_at(size_t);
unsigned long	 health_alerts(int);

/* daemon/notice.c: problem notices, made and committed; the heartbeat */
int		 notice_screen(struct config *, const struct screen *,
		    const char *, const char *);
/* daemon/screen.c: screens, judged and reported */
void		 screen_start(struct event_base *, struct config *);
void		 screen_reconfigure(struct config *);
void		 screen_stop(void);
void		 screen_quote(const char *, const struct quote *,
		    const struct symref *);
int		 notice_announce(struct config *, const char *, const char *,
		    const char *, time_t, int, const char *, const char *);
void		 notice_forget(struct config *, const char *);
void		 notice_tidy(struct config *);
void		 heartbeat_start(struct event_base *);
void		 heartbeat_reconfigure(struct config *);
void		 heartbeat_fail(void);
void		 heartbeat_stop(void);

/* daemon/metrics.c: Prometheus' text format, over evhttp */
void		 metrics_start(struct event_base *, struct config *);
void		 metrics_reconfigure(struct config *);
void		 metrics_stop(void);

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
