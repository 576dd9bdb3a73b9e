/*
 * config/: the configuration language of tickerd.conf(5) and the values
 * it gives.  config_load() reads a file and every file it includes into a
 * new struct config, or reports every error as FILE:LINE: and returns
 * NULL; the running daemon then keeps the configuration it has.  Inside,
 * bottom to top: lexer.c (lex_), readers.c (read_, kw_), the rules
 * (parse_rules.c) and each block's keyword table (parse_*.c), parse.c.
 * Uses providers/ (to check provider names), alerts/ (rules), market/,
 * lib/.
 */
#ifndef TICKERD_CONF_H
#define TICKERD_CONF_H

#include <sys/queue.h>
#include <time.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

#define INCLUDE_DEPTH		16
#define DEFAULT_POLL		60
#define DEFAULT_TIMEOUT		10
#define DEFAULT_HYSTERESIS	0.005
#define DEFAULT_RETRY		30
#define DEFAULT_RETRY_FOR	(2 * 86400)
#define DEFAULT_PROBLEM_AFTER	(15 * 60)
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR		"/var"
#endif
#define DEFAULT_STATE_DIR	LOCALSTATEDIR "/lib/tickerd"

enum { STARTTLS_OPTIONAL, STARTTLS_REQUIRED };
#define DEFAULT_EXEC_TIMEOUT	30	/* seconds an exec notifier's run */

enum notifier_type {
	NOTIFIER_MAIL,
	NOTIFIER_SYSLOG,
	NOTIFIER_WEBHOOK,
	NOTIFIER_TELEGRAM,	/* the phone services: notify/push.c */
	NOTIFIER_DISCORD,
	NOTIFIER_SLACK,
	NOTIFIER_NTFY,
	NOTIFIER_PUSHOVER,
	NOTIFIER_GOTIFY,
	NOTIFIER_EXEC,		/* a program of the user's: notify/exec.c */
};
#define NOTIFIER_TYPES		(NOTIFIER_EXEC + 1)
#define NOTIFIER_IS_PUSH(t)	((t) >= NOTIFIER_TELEGRAM && \
				 (t) <= NOTIFIER_GOTIFY)

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
	char			*body;		/* template; NULL: the JSON */
	char			*method;	/* NULL: POST */
	char			*content_type;	/* NULL: JSON */
	/* the phone services; their secrets are read at load time */
	char			*api;		/* origin override, or NULL */
	char			*server;	/* ntfy, gotify */
	char			*topic;		/* ntfy */
	char			*chat_id;	/* telegram */
	long long		 thread_id;	/* telegram, 0: none */
	char			*token_file;
	char			*token;
	char			*user_file;	/* pushover */
	char			*user_key;
	char			*url_file;	/* discord, slack */
	char			*secret_url;
	char			*link;		/* template; NULL: Yahoo's page */
	int			 push_priority;	/* the service's scale */
	int			 has_priority;
	int			 silent;	/* telegram, discord: no sound */
	time_t			 timeout;	/* the global `timeout' */
	/* exec */
	struct strlist		 command;	/* the program and its args */
	time_t			 exec_timeout;
	/* quiet hours: messages held from quiet_from to quiet_to (local
	 * minutes of quiet_zone); quiet_from -1: none */
	int			 quiet_from, quiet_to;
	char			*quiet_zone;
	/* deliveries */
	time_t			 retry;		/* first retry after */
	time_t			 retry_for;	/* give up after */
};
TAILQ_HEAD(notifierlist, notifier);

struct symmap {
	char			*from;		/* as watched */
	char			*to;		/* as the provider spells it */
};

#define STREAM_WINDOW	0.1	/* seconds a symbol's trades coalesce */
#define STREAM_TIMEOUT	60	/* seconds of silence that lose a stream */

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
	int			 connections;	/* 0: the provider's default */
	char			*user_agent;	/* NULL: tickerd's */
	int			 batches;	/* a session's batches, if any */
	char			*ca_file;	/* trust anchors for an https url */
	struct symmap		*maps;		/* map "BRK-B" "BRK.B" */
	size_t			 nmaps;
	int			 stream;	/* `stream yes' */
	char			*stream_url;	/* NULL: the feed's own */
	char			*secret;	/* a key pair's second half */
	int			 stream_symbols; /* 0: the free plan's */
	double			 stream_window;	/* seconds trades coalesce */
	time_t			 stream_timeout; /* silence that is a loss */
	char			*replay_file;	/* replay: absolute path */
	double			 speed;		/* replay: clock speed-up */
	const char		*file;
	int			 line;
};
TAILQ_HEAD(providerlist, providerconf);

/* `provider edgar': SEC EDGAR's filings, for filing and insider rules */
#define DEFAULT_EDGAR_POLL	600	/* seconds between a symbol's looks */
struct edgarconf {
	char			*contact;	/* the User-Agent: "Name email" */
	char			*url;		/* one base for both hosts */
	char			*ca_file;
	const char		*file;
	int			 line;
};

/* `session regular | extended': which prices the rules judge */
enum { HOURS_REGULAR, HOURS_EXTENDED };

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
	int			 hours;		/* HOURS_*; -1: the global */
	const struct exchange	*ex;		/* `exchange'; NULL: found */
	const char		*from_file;	/* `watch file': its path */
	int			 wants_daily;	/* a screen of it reads the
						   daily history */
	const char		*file;
	int			 line;
};
TAILQ_HEAD(watchlist, watch);

/* A screen: symbols judged together by one condition (parse_screen.c). */
#define DEFAULT_SCREEN_EVERY	3600	/* seconds between its messages */
struct screen {
	char			*name;
	struct strlist		 symbols;
	struct rule		*cond;		/* RULE_WHEN, one term or more */
	struct strlist		 notify;	/* empty: the default */
	time_t			 every;
	const char		*file;
	int			 line;
};

/* A file of `watch file "PATH"', as it was read. */
struct watchfile {
	char			*path;		/* absolute */
	struct strlist		 syms;		/* its symbols watched */
	time_t			 mtime;
	off_t			 size;
};

struct config {
	char			*path;
	struct strlist		 files;		/* every file read (owned) */
	struct providerlist	 providers;	/* first is the one used */
	struct edgarconf	*edgar;		/* NULL: none */
	time_t			 edgar_poll;	/* `edgar-poll' */
	int			 edgar_poll_line;
	time_t			 poll;
	time_t			 timeout;
	int			 market_hours;
	int			 hours;		/* `session': HOURS_* */
	int			 review_days[HORIZONS_MAX];	/* horizons */
	int			 nreview_days;
	int			 review_every;	/* days: 7, 30; 0: no mail */
	char			*review_to;	/* its mail notifier */
	int			 review_line;
	double			 hysteresis;
	char			*state_dir;	/* NULL: memory only */
	int			 state_set;	/* given in the file */
	char			*control;
	time_t			 stale;		/* 0: 3 poll intervals */
	struct notifierlist	 notifiers;
	struct strlist		 default_notify;
	/* problems and health (parse_health.c) */
	struct strlist		 problems;	/* who hears of them */
	int			 problems_set;	/* given; 0: the default */
	int			 problems_none;	/* `problems none' */
	time_t			 problem_after;	/* before one is announced */
	char			*heartbeat;	/* a dead man's switch URL */
	char			*heartbeat_fail;
	time_t			 heartbeat_every;
	char			*metrics;	/* "HOST:PORT" or a socket path */
	char			*dashboard;	/* the same, or NULL */
	char			*dashboard_token_file;
	char			*dashboard_token; /* read at load; NULL: none */
	struct watchlist	 watches;
	struct watchfile	*watchfiles;	/* `watch file' */
	size_t			 nwatchfiles;
	struct screen		*screens;
	size_t			 nscreens;
	struct strmap		*watchmap;	/* the watches by symbol */
	size_t			 nwatches;
	int			 errors;
};

/* Where parse errors go; the default prints "FILE:LINE: msg" to stderr. */
typedef void (*config_errfn)(const char *file, int line, const char *msg);

/* config/parse.c: statements and blocks, read through config/lexer.c */
struct config	*config_load(const char *, config_errfn);

/* config/config.c: lookups, carrying state across a reload, freeing */
void		 config_free(struct config *);
struct watch	*config_watch(const struct config *, const char *);
struct notifier	*config_notifier(const struct config *, const char *);
struct providerconf *config_provider(const struct config *);
struct providerconf *config_provider_named(const struct config *,
		    const char *);
void		 config_chain(const struct config *, char *, size_t);
const struct strlist *watch_notifiers(const struct config *,
		    const struct watch *);
const struct strlist *watch_rule_notifiers(const struct config *,
		    const struct watch *, const struct rule *);
const struct strlist *config_problem_notifiers(const struct config *);
double		 watch_hysteresis(const struct config *, const struct watch *);
time_t		 watch_stale(const struct config *, const struct watch *);
int		 watch_rule_hours(const struct config *, const struct watch *,
		    const struct rule *);
int		 notifier_json(const struct notifier *);
const char	*notifier_type_name(enum notifier_type);
int		 notifier_type_from_name(const char *);

/* config/watchfile.c: the symbols of a watchlist file */
struct stat;
int		 watchfile_read(const char *, struct strlist *, struct stat *,
		    char *, size_t);
int		 watchfile_changed(struct watchfile *, int);
void		 config_watch_drop(struct config *, struct watch *);

/* config/values.c: the syntax of values, and secret files */
int		 parse_duration(const char *, time_t *);
int		 parse_price(const char *, double *);
int		 parse_percent(const char *, double *);
int		 values_secret_read(const char *, char **, char *, size_t);
int		 values_secret_pair(const char *, char **, char **, char *,
		    size_t);
void		 values_secret_free(char *);

#endif /* TICKERD_CONF_H */
