/*
 * alerts/: the rule engine and what an alert says.  Pure: a quote, a
 * rule and the rule's prior state in; a verdict, the new state and the
 * texts out.  No event loop, no I/O, no clock: the caller passes the
 * time.  Uses market/ and lib/.
 */
#ifndef TICKERD_ALERTS_H
#define TICKERD_ALERTS_H

#include <sys/queue.h>
#include <time.h>

#include "lib/lib.h"
#include "market/market.h"

/* alerts/rules.c: the rule engine */
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
	/* on the daily history (trader.c) */
	RULE_CROSS_ABOVE,	/* cross above sma|ema N */
	RULE_CROSS_BELOW,
	RULE_MA_ABOVE,		/* sma N cross above sma M */
	RULE_MA_BELOW,
	RULE_NEAR_MA,		/* within P% of sma|ema N */
	RULE_RSI_ABOVE,		/* rsi N above X */
	RULE_RSI_BELOW,
	RULE_VOLUME,		/* volume Kx avg N */
	RULE_GAP,		/* gap P% */
	RULE_TRAILING,		/* trailing-stop P% */
	RULE_MOVE_IN,		/* move P% in D */
	RULE_EARNINGS,		/* earnings in Nd */
	RULE_WHEN,		/* when TERM and|or TERM ... (when.c) */
	/* events, not prices: SEC EDGAR's filings (daemon/filings.c) */
	RULE_FILING,		/* filing FORM, ... [item N.NN, ...] */
	RULE_INSIDER_BUY,	/* insider buy [at least $N] */
	RULE_INSIDER_SELL,
};
#define RULE_KIND_LAST	RULE_INSIDER_SELL
#define event_rule(k)	((k) >= RULE_FILING && (k) <= RULE_INSIDER_SELL)
enum { MA_SMA, MA_EMA };
enum { PHASE_NEW, PHASE_WAITING, PHASE_ARMED };	/* of a cross rule */

/* What a rule remembers between quotes. */
struct rule_state {
	int		 fired;		/* condition seen true, not re-armed */
	int		 spent;		/* a `once' rule that has fired */
	time_t		 last_notify;	/* 0: never */
	double		 session_ref;	/* prev close / 52w ref when fired */
	unsigned	 count;		/* times fired */
	int		 phase;		/* a cross rule: PHASE_* */
	double		 hwm;		/* a trailing stop's high; NaN: none */
	time_t		 since;		/* first judged: `for' counts from it */
	int		 expired;	/* `until' or `for' is past: said */
};

/*
 * A symbol's daily history (daily.c): its completed sessions, and the
 * session of the latest quote as the quotes built it; the quotes of the
 * last hours for move-in rules; what the indicators kept (indicators.c).
 */
#define DAILY_MAX	600		/* sessions kept: two years and more */
#define ICACHE_MAX	8
struct dbar {
	long		 day;		/* cal_days() of the session's date */
	double		 open, high, low, close, volume;	/* NaN: unknown */
};
struct icache {
	int		 kind, n, valid;
	unsigned	 version;
	unsigned long	 used;
	double		 s[2];
};
struct daily {
	struct dbar	*v;		/* completed sessions, by day */
	size_t		 n, cap;
	struct dbar	 today;
	int		 has_today;
	unsigned	 version;	/* of v: bumped at each change */
	int		 dirty;		/* v changed since it was saved */
	struct tick {
		time_t	 t;
		double	 p;
	}		*ticks;
	size_t		 nticks;
	int		 want_ticks;	/* a move-in rule needs them */
	int		 want_history;	/* rules on it: fetched each session */
	int		 loaded;	/* from the state directory */
	struct icache	 cache[ICACHE_MAX];
	unsigned long	 clock;
	long		 earnings_day;	/* the next earnings date; 0: none */
	long		 alert_day;	/* of its latest alert: quotes of that
					   session go to the review */
	unsigned long	*alerts;	/* those alerts' review numbers */
	size_t		*apos;		/* and where in dayp each came */
	size_t		 nalerts, calerts;
	double		*dayp;		/* that session's prices since */
	size_t		 ndayp, cdayp;
	unsigned long	*pend;		/* review numbers of its alerts whose
					   outcomes wait for sessions */
	size_t		 npend, cpend;
	/* the daemon's fetching of it (daemon/dailyfetch.c) */
	long		 fetched_day;	/* the session it was last fetched */
	time_t		 retry_at;	/* after a failure, not before */
	long		 said_day;	/* a failure was logged that session */
	unsigned	 reviewed;	/* the version the review last saw */
	int		 fetching;
	int		 want_earnings;	/* an earnings rule needs the date */
	long		 earnings_asked;	/* the session it was asked */
	int		 earnings_fetching;
};
struct daily	*daily_new(void);
void		 daily_free(struct daily *);
const struct dbar *daily_bar(const struct daily *, long);
void		 daily_quote(struct daily *, const struct quote *, long);
void		 daily_close(struct daily *);
void		 daily_alert(struct daily *, long, unsigned long);
void		 daily_after_alert(struct daily *, double);
void		 daily_alert_extremes(const struct daily *,
		    void (*)(unsigned long, double, double));
double		 daily_replace(struct daily *, const struct dbar *, size_t);
size_t		 daily_len(const struct daily *);
#define PRICE_LIMIT	1e9	/* no bar's price is this or more */
const char	*dbar_problem(const struct dbar *, long);
const struct dbar *daily_at(const struct daily *, size_t);
int		 daily_window(const struct daily *, time_t, time_t, double *,
		    double *);

/* alerts/indicators.c */
double		 ind_sma(const struct daily *, int);
double		 ind_ema(struct daily *, int);
double		 ind_rsi(struct daily *, int);
double		 ind_ma(struct daily *, int, int);
double		 ind_avg_volume(const struct daily *, int);

/*
 * Reference values of one symbol for the current trading session: the
 * 52-week high and low as they were known before the session, so that
 * the session's own extremes neither hide nor fake a new 52-week mark.
 */
struct symref {
	long		 day;		/* trading day (market_day()) */
	double		 high;		/* 52w high before this session */
	double		 low;
	double		 seen_high;	/* last 52w high seen */
	double		 seen_low;
	long		 close_day;	/* the session whose close was judged */
	double		 close;		/* that session's closing price */
	int		 close_new;	/* this quote brought a close to judge */
	/* not stored: the last quote's calendar day, worked out once */
	const struct exchange *cal_ex;		/* on this exchange */
	time_t		 cal_from, cal_to;	/* its UTC span */
	long		 cal_day;
	time_t		 cal_close;		/* when it closes (or ends) */
	struct daily	*daily;		/* not stored here; NULL: none */
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
	int			 hours;		/* HOURS_*: -1, the watch's */
	long			 until_day;	/* `until DATE': cal_days(); 0 */
	int			 until_min;	/* its minute; -1: the day's end */
	time_t			 for_secs;	/* `for D'; 0: none */
	int			 urgent;	/* through quiet hours */
	struct strlist		*notify;	/* `notify' after it; NULL:
						   the watch's notifiers */
	struct rule		**terms;	/* `when': its terms */
	int			*ors;		/* an `or' before term i */
	size_t			 nterms;
	char			*text;		/* "above 44.53" */
	char			*id;		/* identity: text [+ " once"] */
	char			*valtext;	/* "44.53" as written */
	int			 period;	/* N of an indicator, days */
	int			 period2;	/* M of `sma N cross above sma M' */
	int			 ma, ma2;	/* MA_SMA or MA_EMA */
	time_t			 window;	/* D of `move P% in D' */
	struct strlist		*forms;		/* a filing rule's; NULL: any */
	struct strlist		*items;		/* its 8-K items; NULL: any */
	const char		*file;
	int			 line;
};
TAILQ_HEAD(rulelist, rule);

void		 rule_free(struct rule *);
void		 symref_init(struct symref *);
void		 symref_update(struct symref *, const struct quote *);
int		 symref_same(const struct symref *, const struct symref *);
int		 rule_condition(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, int *);
enum verdict	 rule_eval(const struct rule *, const struct rule_params *,
		    const struct quote *, const struct symref *,
		    const struct rule_state *, struct rule_state *, time_t);
int		 rulestate_same(const struct rule_state *,
		    const struct rule_state *);
const char	*rule_kind_name(enum rule_kind);
int		 rule_kind_from_name(const char *);
void		 rule_band(const struct rule *, const struct rule_state *,
		    const struct quote *, const struct symref *, double,
		    double *, double *);
double		 rule_threshold(const struct rule *, const struct quote *,
		    const struct symref *);
const char	*rule_verdict_name(enum verdict);
int		 rule_expired(const struct rule *, struct rule_state *,
		    const struct exchange *, time_t);
double		 rule_change_pct(const struct quote *);

/* alerts/when.c: conditions together */
int		 rule_rearmed(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, double);
int		 when_term_ok(enum rule_kind);
int		 when_condition(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, int *);
int		 when_rearmed(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, double);
void		 when_band(const struct rule *, const struct rule_state *,
		    const struct quote *, const struct symref *, double,
		    double *, double *);
void		 when_copy(const struct rule *, struct rule *);
void		 when_figures(const struct rule *, const struct quote *,
		    const struct symref *, char *, size_t);
int		 when_needs_daily(const struct rule *);

/* alerts/trader.c: the rules on the daily history */
struct alert;
#define trader_rule(k)	((k) >= RULE_CROSS_ABOVE && (k) <= RULE_EARNINGS)
#define trader_cross(k)	((k) >= RULE_CROSS_ABOVE && (k) <= RULE_MA_BELOW)
int		 trader_condition(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, int *);
int		 trader_rearmed(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, double);
double		 trader_session_ref(const struct rule *, const struct quote *,
		    const struct symref *);
double		 trader_threshold(const struct rule *, const struct quote *,
		    const struct symref *);
int		 trader_values(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *,
		    double[2]);
void		 trader_describe(const struct alert *, char *, size_t);
void		 trader_subject(const struct alert *, const char *, char *,
		    size_t);
void		 trader_value_text(const struct alert *, char *, size_t);
void		 trader_now(const struct rule *, const struct quote *,
		    const struct symref *, const struct rule_state *, char *,
		    size_t);
/* alerts/alert.c: an alert and its one-line, subject and JSON forms */
struct alert {
	char			 symbol[SYMBOL_MAX + 1];
	const struct rule	*rule;
	unsigned		 count;		/* the rule's, having fired */
	char			 rule_text[96];
	char			 valtext[32];	/* the rule's value as written */
	int			 once;
	enum rule_kind		 kind;
	double			 threshold;	/* NaN when meaningless */
	struct quote		 quote;
	double			 change_pct;	/* NaN when unknown */
	double			 range_pos;	/* 0..100, NaN when unknown */
	time_t			 time;
	long			 close_day;	/* a close rule's day */
	char			*note;		/* owned copy, may be NULL */
	int			 test;		/* tickerctl test: no rule */
	char			*notice;	/* a problem notice's text (owned):
						   no rule; rule_text its subject */
	double			 ind[2];	/* the indicator's values */
	int			 period, period2, ma, ma2;
	double			 value;		/* the rule's figure */
	int			 late;		/* fired while the state
						 * directory was full */
	int			 urgent;	/* its rule's `urgent' */
	char			 figures[160];	/* a when's terms' figures:
						   "RSI(14) 28.40, SMA ..." */
	const char		*msg_id;	/* its message's, for {{id}}
						   (not owned); NULL: none */
	char			*event;		/* an event rule's news (owned):
						   "CALX filed 8-K: ..." */
	char			*link;		/* and its page (owned), or NULL */
};
void		 alert_init(struct alert *, const char *, const char *,
		    const struct rule *, const struct quote *,
		    const struct symref *, time_t);
void		 alert_values(struct alert *, const struct rule *,
		    const struct quote *, const struct symref *,
		    const struct rule_state *);
void		 alert_test(struct alert *, const char *, const char *,
		    const struct quote *, time_t);
void		 alert_notice(struct alert *, const char *, const char *,
		    time_t);
void		 alert_event(struct alert *, const char *, const char *);
void		 alert_clear(struct alert *);
void		 alert_line(const struct alert *, char *, size_t);
const char	*alert_late(const struct alert *, char *, size_t);
void		 alert_subject(const struct alert *, char *, size_t);
void		 alert_describe(const struct alert *, char *, size_t);
char		*alert_json(const struct alert *);
int		 alert_from_json(const char *, struct alert *);

/* alerts/template.c: a webhook body's template, filled from an alert */
struct buf;
int		 template_check(const char *, char *, size_t);
void		 template_render(struct buf *, const char *,
		    const struct alert *, int);

/* alerts/pushtext.c: texts within a limit, with a service's escapes */
enum text_unit { TEXT_UTF16, TEXT_CHARS, TEXT_BYTES };
enum text_markup { MARKUP_NONE, MARKUP_HTML, MARKUP_DISCORD, MARKUP_SLACK };
struct text {
	struct buf		 b;
	size_t			 used;		/* in units */
	size_t			 limit;
	enum text_unit		 unit;
	int			 cut;		/* full: nothing more goes in */
};
#define FACTS_MAX	6
struct fact {
	char			 label[16];
	char			 value[128];
};
void		 ptext_init(struct text *, size_t, enum text_unit);
int		 ptext_put(struct text *, const char *, enum text_markup);
int		 ptext_whole(struct text *, const char *const *, const int *,
		    size_t, enum text_markup);
int		 ptext_raw(struct text *, const char *);
const char	*ptext_str(struct text *);
void		 ptext_free(struct text *);
void		 ptext_header(struct buf *, const char *);
int		 alert_direction(const struct alert *);
size_t		 alert_facts(const struct alert *, struct fact *);

/* alerts/outcome.c: what followed an alert */
#define HORIZONS_MAX	5
struct outcome {
	int		 n;			/* horizons */
	int		 days[HORIZONS_MAX];	/* sessions after the alert's */
	double		 ret[HORIZONS_MAX];	/* percent; NaN: not yet */
	double		 close[HORIZONS_MAX];	/* that session's close */
	double		 rise, fall;		/* percent; NaN: not yet */
	double		 hi0, lo0;		/* prices after it, that day */
	int		 seen;			/* sessions after it so far */
	int		 done;			/* the last horizon is known */
	int		 ended;			/* no session for weeks */
};
struct summary {
	size_t		 count;
	size_t		 judged;	/* with a direction, middle return known */
	size_t		 followed;	/* of those, the move went its way */
	int		 n;
	int		 days[HORIZONS_MAX];
	double		 median[HORIZONS_MAX];
};
void		 outcome_init(struct outcome *, const int *, int);
int		 outcome_update(struct outcome *, const struct daily *, long,
		    double, long);
double		 outcome_median(double *, size_t);
void		 outcome_summary(const struct outcome *const *, const int *,
		    size_t, struct summary *);

/* alerts/mailmsg.c: RFC 5322 / MIME composition */
struct buf;
struct strlist;
void		 mail_compose(struct buf *, const char *from,
		    const struct strlist *to, const struct alert *, size_t,
		    time_t, const char *msgid);
char		*mail_addr(const char *);
void		 mail_wrap(struct buf *, const char *, const struct strlist *,
		    time_t, const char *, const char *, const char *,
		    const char *);
void		 mail_html_escape(struct buf *, const char *);
void		 mail_lf(struct buf *, const char *, size_t, int);

#endif /* TICKERD_ALERTS_H */
