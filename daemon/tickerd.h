/*
 * tickerd -- a self-hosted stock price-alert daemon.
 *
 * One header declares every structure and prototype, grouped by the
 * source file that implements them, so that it reads as a map of the
 * program.
 */
#ifndef TICKERD_H
#define TICKERD_H

#include <sys/queue.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct event_base;

#define TICKERD_USER_AGENT \
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " \
	"(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"

#define SYMBOL_MAX	24		/* longest ticker symbol accepted */
#define CHAIN_MAX	5		/* a provider and its fallbacks */
#define BODY_MAX	(1024 * 1024)	/* largest quote payload accepted */
#define INCLUDE_DEPTH	16

/* A list of strings (recipients, notifier names). */
struct strlist {
	char		**v;
	size_t		  n;
};

/*
 * One quote as every provider reports it.  Values a provider does not
 * know are NaN; price is always a finite number > 0.
 */
struct quote {
	char		 symbol[SYMBOL_MAX + 1];
	double		 price;
	double		 prev_close;
	double		 high52;
	double		 low52;
	long long	 volume;		/* -1 when unknown */
	time_t		 time;			/* market time of the price */
	char		 currency[8];
};

/* alerts/rules.c: the pure rule engine. */
enum rule_kind {
	RULE_ABOVE,
	RULE_BELOW,
	RULE_TARGET,
	RULE_MOVE,
	RULE_NEAR_HIGH,
	RULE_NEAR_LOW,
	RULE_NEW_HIGH,
	RULE_NEW_LOW,
	RULE_CLOSE_ABOVE,
	RULE_CLOSE_BELOW,
};

/* What a rule remembers between quotes. */
struct rule_state {
	int		 fired;		/* condition seen true, not re-armed */
	int		 spent;		/* a `once' rule that has fired */
	time_t		 last_notify;	/* 0: never */
	double		 session_ref;	/* prev close / 52w ref when fired */
	unsigned	 count;		/* times fired */
};

/*
 * Reference values of one symbol for the current trading session: the
 * 52-week high and low as they were known before the session, so that
 * the session's own extremes neither hide nor fake a new 52-week mark.
 */
struct symref {
	long		 day;		/* session day (days since epoch, ET) */
	double		 high;		/* 52w high before this session */
	double		 low;
	double		 seen_high;	/* last 52w high seen */
	double		 seen_low;
	long		 close_day;	/* the session whose close was judged */
	double		 close;		/* that session's closing price */
	int		 close_new;	/* this quote brought a close to judge */
};

struct rule_params {
	double		 hysteresis;	/* fraction, e.g. 0.005 */
	time_t		 cooldown;	/* seconds, 0: none */
};

enum verdict {
	VERDICT_NONE,		/* nothing to say */
	VERDICT_FIRE,		/* notify */
	VERDICT_COOLDOWN,	/* became true, but within the cooldown */
	VERDICT_REARM,		/* false beyond the band: armed again */
	VERDICT_NODATA,		/* the quote lacks what the rule needs */
};

struct rule {
	TAILQ_ENTRY(rule)	 entry;
	enum rule_kind		 kind;
	double			 value;		/* price, or percent */
	int			 once;
	char			*text;		/* "above 44.53" */
	char			*id;		/* identity: text [+ " once"] */
	char			*valtext;	/* "44.53" as written */
	const char		*file;
	int			 line;
	struct rule_state	 state;		/* runtime */
	time_t			 first_fired;	/* runtime, for summaries */
	time_t			 last_fired;
};
TAILQ_HEAD(rulelist, rule);

int		 et_offset(time_t);
long		 session_day(time_t);
int		 et_minute(time_t);

/* daemon/calendar.c: the NYSE calendar, by rule. */
long		 cal_days(int, int, int);
void		 cal_date(long, int *, int *, int *);
int		 cal_close_minute(int, int, int, const char **);
int		 market_session(time_t, time_t *, time_t *);
int		 market_open(time_t);
time_t		 market_last_close(time_t);
int		 market_close_minute(time_t);
time_t		 market_next_poll(time_t, time_t, time_t);
void		 symref_update(struct symref *, const struct quote *);
int		 rule_condition(const struct rule *, const struct quote *,
		    const struct symref *, int *);
enum verdict	 rule_eval(const struct rule *, const struct rule_params *,
		    const struct quote *, const struct symref *,
		    const struct rule_state *, struct rule_state *, time_t);
const char	*rule_kind_name(enum rule_kind);
double		 rule_threshold(const struct rule *, const struct quote *,
		    const struct symref *);
const char	*verdict_name(enum verdict);

/* daemon/parse.c and daemon/config.c: the configuration. */
enum { STARTTLS_OPTIONAL, STARTTLS_REQUIRED };

enum notifier_type {
	NOTIFIER_MAIL,
	NOTIFIER_SYSLOG,
	NOTIFIER_WEBHOOK,
};

struct notifier {
	TAILQ_ENTRY(notifier)	 entry;
	enum notifier_type	 type;
	char			*name;
	const char		*file;
	int			 line;
	/* mail */
	struct strlist		 to;
	char			*from;
	char			*smtp;		/* smtp:// or smtps:// URL */
	char			*user;
	char			*password_file;
	char			*password;	/* read at load time */
	char			*mbox;		/* absolute path */
	char			*sendmail;	/* absolute path */
	int			 starttls;	/* STARTTLS_* */
	char			*ca_file;	/* extra trust anchors */
	time_t			 digest;	/* 0: one message per alert */
	/* syslog */
	int			 facility;
	int			 priority;
	/* webhook */
	char			*url;
	char			*header_name;	/* optional header ... */
	char			*header_file;	/* ... its value's file */
	char			*header_value;	/* read at load time */
	/* deliveries */
	time_t			 retry;		/* first retry after */
	time_t			 retry_for;	/* give up after */
};
TAILQ_HEAD(notifierlist, notifier);

struct symmap {
	char			*from;		/* as watched */
	char			*to;		/* as the provider spells it */
};

struct providerconf {
	TAILQ_ENTRY(providerconf) entry;
	char			*name;
	char			*url;		/* base URL override */
	char			*key_file;
	char			*key;		/* read from key_file */
	char			*fallback;	/* provider name, or NULL */
	int			 fallback_line;
	double			 rate;		/* 0: the provider's default */
	time_t			 rate_period;
	struct symmap		*maps;		/* map "BRK-B" "BRK.B" */
	size_t			 nmaps;
	char			*replay_file;	/* replay: absolute path */
	double			 speed;		/* replay: clock speed-up */
	const char		*file;
	int			 line;
};
TAILQ_HEAD(providerlist, providerconf);

struct watch {
	TAILQ_ENTRY(watch)	 entry;
	char			*symbol;
	char			*note;
	struct rulelist		 rules;
	struct strlist		 notify;	/* empty: the default */
	int			 has_notify;
	time_t			 cooldown;
	double			 hysteresis;	/* < 0: the global value */
	time_t			 stale;		/* 0: the global value */
	const char		*file;
	int			 line;
	/* runtime, kept in the state directory */
	struct symref		 ref;
	time_t			 last_time;	/* newest quote evaluated */
	int			 stale_logged;
	struct quote		 last;		/* for tickerctl quotes */
	time_t			 last_seen;	/* when it came; 0: none yet */
	char			 problem[300];	/* the last poll's, or "" */
#define PROBLEM_UNKNOWN	"unknown or delisted symbol"
};
TAILQ_HEAD(watchlist, watch);

struct config {
	char			*path;
	struct strlist		 files;		/* every file read (owned) */
	struct providerlist	 providers;	/* first is the one used */
	time_t			 poll;
	time_t			 timeout;
	int			 market_hours;
	double			 hysteresis;
	char			*state_dir;	/* NULL: memory only */
	int			 state_set;	/* given in the file */
	char			*control;
	time_t			 stale;		/* 0: 3 poll intervals */
	struct notifierlist	 notifiers;
	struct strlist		 default_notify;
	struct watchlist	 watches;
	size_t			 nwatches;
	int			 errors;
};

#define DEFAULT_POLL		60
#define DEFAULT_TIMEOUT		10
#define DEFAULT_HYSTERESIS	0.005
#define DEFAULT_RETRY		30
#define DEFAULT_RETRY_FOR	(2 * 86400)
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR		"/var"
#endif
#define DEFAULT_STATE_DIR	LOCALSTATEDIR "/lib/tickerd"

/* Where parse errors go; the default prints "FILE:LINE: msg" to stderr. */
typedef void (*config_errfn)(const char *file, int line, const char *msg);

struct config	*config_load(const char *, config_errfn);
void		 config_free(struct config *);
size_t		 config_carry(struct config *, const struct config *);
struct notifier	*config_notifier(const struct config *, const char *);
struct providerconf *config_provider(const struct config *);
struct providerconf *config_provider_named(const struct config *,
		    const char *);
void		 config_chain(const struct config *, char *, size_t);
const struct strlist *watch_notifiers(const struct config *,
		    const struct watch *);
double		 watch_hysteresis(const struct config *, const struct watch *);
time_t		 watch_stale(const struct config *, const struct watch *);
int		 parse_duration(const char *, time_t *);
int		 parse_price(const char *, double *);
int		 parse_percent(const char *, double *);
int		 symbol_valid(const char *);
int		 secret_file_read(const char *, char **, char *, size_t);

/* daemon/log.c */
void		 log_init(int, int);
void		 log_setverbose(int);
int		 log_getverbose(void);
void		 log_warn(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_warnx(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_info(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_debug(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
void		 log_alert(const char *);
void		 log_syslog(int, const char *);
__attribute__((__noreturn__)) void fatal(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));
__attribute__((__noreturn__)) void fatalx(const char *, ...)
		    __attribute__((__format__(printf, 1, 2)));

/* daemon/xmalloc.c */
void		*xmalloc(size_t);
void		*xcalloc(size_t, size_t);
void		*xreallocarray(void *, size_t, size_t);
char		*xstrdup(const char *);
char		*xstrndup(const char *, size_t);
int		 xasprintf(char **, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 strlist_add(struct strlist *, const char *);
int		 strlist_has(const struct strlist *, const char *);
void		 strlist_free(struct strlist *);
size_t		 tk_strlcpy(char *, const char *, size_t);

/* daemon/buf.c: a growable byte buffer */
struct buf {
	char		*data;
	size_t		 len;
	size_t		 cap;
};
void		 buf_add(struct buf *, const void *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
void		 buf_free(struct buf *);
int		 tail_contains(int, const char *, size_t);

/* daemon/net.c: owns the libcurl multi handle inside the libevent loop. */
typedef void (*net_done_fn)(void *easy, int curlcode, void *arg);
int		 net_init(struct event_base *);
void		 net_shutdown(void);
void		 net_add(void *easy, net_done_fn, void *arg);
void		 net_cancel(void *easy);
size_t		 net_running(void);
char		*net_redact(const char *);

/* daemon/provider.c: the provider table. */
enum fetch_status {
	FETCH_OK,
	FETCH_UNKNOWN,		/* the provider does not know the symbol */
	FETCH_BAD,		/* malformed or unusable payload */
	FETCH_RATELIMIT,	/* throttled; retry_after may say for how long */
	FETCH_FAIL,		/* transport or server failure */
};

struct fetch_result {
	enum fetch_status	 status;
	struct quote		 quote;
	char			 error[256];
	/* range endpoints: the last two daily closes, when they say */
	long			 close_day[2];	/* session_day(); 0: none */
	double			 close[2];
};

/*
 * A provider is data plus three functions: how to spell a symbol for it
 * (map), the URL of one request for n symbols (url), and how to read the
 * answer into one fetch_result per symbol (parse).  Providers whose
 * quote lacks the 52-week range have a second endpoint for it (range_url,
 * range_parse), asked rarely.
 */
struct provider {
	const char	*name;
	const char	*default_url;
	int		 needs_key;
	size_t		 batch_max;	/* symbols per request */
	int		 cost_per_symbol; /* a request costs n tokens */
	double		 rate;		/* default budget: requests ... */
	time_t		 rate_period;	/* ... per this many seconds */
	void		 (*map)(const char *, char *, size_t);
	char		*(*url)(const char *base, const char *key,
			    const char *const *syms, size_t n);
	void		 (*parse)(const char *const *syms, size_t n,
			    long status, const char *body, size_t len,
			    struct fetch_result *res);
	char		*(*range_url)(const char *base, const char *key,
			    const char *sym, time_t now);
	void		 (*range_parse)(const char *sym, long status,
			    const char *body, size_t len, time_t now,
			    struct fetch_result *res);
	time_t		 range_every;	/* refresh the range this often */
};
const struct provider *provider_find(const char *);
const char	*provider_names(void);
char		*url_escape(const char *);
char		*provider_join(const char *const *, size_t, const char *);
void		 fetch_fail_all(struct fetch_result *, size_t,
		    enum fetch_status, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
double		 json_price(json_t *, const char *);
int		 http_status_result(long, const char *, size_t,
		    struct fetch_result *, size_t);
void		 map_dash_class(const char *, char *, size_t);
void		 map_dot_class(const char *, char *, size_t);
int		 is_class_share(const char *, char *);
void		 range_result(struct fetch_result *, double, double, int,
		    const char *);

extern const struct provider provider_yahoo;
extern const struct provider provider_stooq;
extern const struct provider provider_finnhub;
extern const struct provider provider_alphavantage;
extern const struct provider provider_twelvedata;

/* daemon/replay.c: recorded quotes from CSV. */
struct replay;
struct replay	*replay_open(const char *, char *, size_t);
void		 replay_free(struct replay *);
size_t		 replay_count(const struct replay *);
const struct quote *replay_get(const struct replay *, size_t);
time_t		 replay_first_time(const struct replay *);
time_t		 replay_last_time(const struct replay *);
const struct quote *replay_latest(const struct replay *, const char *,
		    time_t);
int		 replay_has_symbol(const struct replay *, const char *);

/* daemon/poll.c: per-symbol polling and evaluation. */
struct poll_opts {
	int		 once;
	const char	*replay;	/* --replay FILE, or NULL */
};
int		 poll_start(struct event_base *, struct config *,
		    const struct poll_opts *);
void		 poll_stop(void);
int		 poll_all_quoted(void);
json_t		*poll_quotes_json(void);
void		 poll_evaluate(struct config *, struct watch *,
		    const struct quote *, time_t);
void		 poll_summary(void);

/* daemon/tickerd.c: the running configuration, and pending-work
 * accounting so that --once exits when everything is delivered. */
struct tickerd_info {
	time_t		 started;
	time_t		 stopping;
	time_t		 last_reload;
	unsigned	 reloads;
	unsigned	 alerts;		/* fired since start */
	const char	*config;
	char		 reload_error[512];	/* of the last reload */
};
/* daemon/control.c: the control socket, for tickerctl. */
void		 control_start(struct event_base *, struct config *);
void		 control_reconfigure(struct config *);
void		 control_stop(void);
const char	*control_default_path(void);

struct config	*tickerd_conf(void);
const struct tickerd_info *tickerd_info(void);
void		 tickerd_alerted(void);
int		 tickerd_reload(void);
int		 tickerd_once(void);
void		 tickerd_delivery_failed(void);
void		 work_begin(void);
void		 work_end(void);
void		 crashpoint(const char *);

/* alerts/alert.c: an alert and its one-line and subject forms. */
struct alert {
	char			 symbol[SYMBOL_MAX + 1];
	const struct rule	*rule;
	char			 rule_text[96];
	char			 valtext[32];	/* the rule's value as written */
	int			 once;
	enum rule_kind		 kind;
	double			 threshold;	/* NaN when meaningless */
	struct quote		 quote;
	double			 change_pct;	/* NaN when unknown */
	double			 range_pos;	/* 0..100, NaN when unknown */
	time_t			 time;
	char			*note;		/* owned copy, may be NULL */
	int			 test;		/* tickerctl test: no rule */
};
void		 alert_init(struct alert *, const struct watch *,
		    const struct rule *, const struct quote *,
		    const struct symref *, time_t);
void		 alert_clear(struct alert *);
void		 alert_line(const struct alert *, char *, size_t);
void		 alert_subject(const struct alert *, char *, size_t);
void		 alert_describe(const struct alert *, char *, size_t);
void		 fmt_price(double, char *, size_t);
char		*alert_json(const struct alert *);
json_t		*jnum(double);
double		 jget(json_t *, const char *);
int		 alert_from_json(const char *, struct alert *);

/*
 * alerts/notify.c: the delivery queue.  A message is one alert for one
 * notifier; it waits in the outbox until delivered.  A digest is a message
 * made, in memory, of the messages its notifier gathered in a window.
 */
struct outmsg;
TAILQ_HEAD(outlist, outmsg);
struct outmsg {
	TAILQ_ENTRY(outmsg)	 entry;
	char			*id;		/* unique, the outbox file name */
	char			*notifier;	/* looked up at each attempt */
	enum notifier_type	 type;
	time_t			 created;
	char			*symbol;
	char			*rule;		/* the rule's identity */
	unsigned		 count;		/* the rule's count after firing */
	char			*batch;		/* the alerts of one evaluation */
	int			 batch_size;
	char			*snapshot;	/* the symbol's state after it */
	char			*history;	/* its alert's history line */
	char			*alert;		/* the alert, alert_json() */
	char			*subject;	/* for logs */
	struct buf		 payload;	/* a mail, syslog line, or JSON */
	/* delivery, in memory */
	int			 attempts;
	struct event		*timer;
	struct outlist		 members;	/* a digest's messages */
	int			 is_digest;
	int			 is_test;	/* tickerctl test: no outbox */
	void			(*test_cb)(void *, int, const char *);
	void			*test_arg;
};

void		 notify_init(struct event_base *);
void		 notify_batch(const struct watch *, const struct quote *,
		    char *, size_t);
void		 notify_build(struct config *, const struct watch *,
		    const struct alert *, size_t, const char *, char *const *,
		    struct outlist *);
void		 notify_queue(struct outmsg *);
void		 notify_done(struct outmsg *, int, const char *);
void		 notify_stop(void);
void		 notify_free(void);
size_t		 notify_held(void);
size_t		 notify_waiting(void);
int		 notify_test(const char *, void (*)(void *, int, const char *),
		    void *, char *, size_t);
void		 notify_test_forget(void *);
void		 notify_flush(void);

/* daemon/state.c: the state directory. */
int		 state_open(struct config *, const char *,
		    void (*)(struct outmsg *), char *, size_t);
int		 state_persistent(void);
int		 state_save(struct config *);
char		*state_snapshot(const struct watch *);
char		*history_line(const struct alert *, const char *,
		    const char *);
void		 state_history(const char *);
void		 state_close(void);
int		 state_same_dir(const char *, const char *);
json_t		*state_history_tail(size_t);
int		 atomic_write(const char *, const char *, const void *, size_t);
int		 outbox_write(const struct outmsg *);
void		 outbox_remove(const struct outmsg *);
void		 outbox_fail(const struct outmsg *);
void		 outmsg_free(struct outmsg *);

/* alerts/mailmsg.c: RFC 5322 / MIME composition (pure). */
void		 mail_compose(struct buf *, const char *from,
		    const struct strlist *to, const struct alert *, size_t,
		    time_t, const char *msgid);
void		 mail_msgid(char *, size_t);
void		 mail_msgid_from(char *, size_t, const char *);
char		*mail_addr(const char *);

/* alerts/mail.c: transports: SMTP via libcurl, sendmail, mbox. */
void		 mail_init(struct event_base *);
void		 mail_deliver(const struct notifier *, struct outmsg *);
void		 mail_shutdown(void);
size_t		 mail_children(void);

/* alerts/webhook.c */
void		 webhook_deliver(const struct notifier *, struct outmsg *);
char		*mail_default_from(void);

/* alerts/syslog.c */
void		 syslog_send(const struct notifier *, const struct alert *);
int		 syslog_facility(const char *);
int		 syslog_priority(const char *);

#endif /* TICKERD_H */
