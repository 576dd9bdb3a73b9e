/*
 * providers/: the quote APIs as data.  A provider is a name, its limits,
 * and pure functions: how it spells a symbol, the URL of one request for
 * n symbols, and how to read the answer into one fetch_result per symbol.
 * No event loop and no I/O here: daemon/ sends the requests.  Also the
 * replay reader of recorded quotes.  Inside: api.c (what they share)
 * below each provider's file, provider.c (the table) above them all.
 * Uses market/ and lib/.
 */
#ifndef TICKERD_PROVIDERS_H
#define TICKERD_PROVIDERS_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "market/market.h"

struct buf;

#define CHAIN_MAX	5		/* a provider and its fallbacks */

/* providers/provider.c: the provider table */
enum fetch_status {
	FETCH_OK,
	FETCH_UNKNOWN,		/* the provider does not know the symbol */
	FETCH_BAD,		/* malformed or unusable payload */
	FETCH_RATELIMIT,	/* throttled; retry_after may say for how long */
	FETCH_FAIL,		/* transport or server failure */
	FETCH_SESSION,		/* the session was refused: get another */
	FETCH_REFUSED,		/* the key was refused: the provider waits */
	FETCH_UNAVAILABLE,	/* not served to this key's plan */
	FETCH_BLOCKED,		/* a page in place of data (a browser check,
				   a key demanded): the provider waits */
	FETCH_NOBATCH,		/* the batch endpoint refuses this client: the
				   plain one serves, for hours */
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
 * A batch endpoint behind a session: a request that sets a cookie, then
 * one that turns the cookie into a crumb, which every batch request then
 * carries (Yahoo's v7 quote).  crumb_parse says what the crumb answer is.
 */
enum crumb_status {
	CRUMB_OK,
	CRUMB_THROTTLED,	/* 429, or a throttle text in its place */
	CRUMB_NONE,		/* no crumb to be had here */
};
struct session_api {
	size_t		 batch_max;
	char		*(*cookie_url)(const char *base);
	char		*(*crumb_url)(const char *base);
	enum crumb_status (*crumb_parse)(long status, const char *body,
			    size_t len, char *crumb, size_t crumblen,
			    char *why, size_t whylen);
	char		*(*url)(const char *base, const char *crumb,
			    const char *const *syms, size_t n);
	void		 (*parse)(const char *const *syms, size_t n,
			    long status, const char *body, size_t len,
			    struct fetch_result *res);
};

/*
 * Providers whose quote lacks the 52-week range have a second endpoint
 * for it (range_url, range_parse), asked rarely.
 */
/* providers/feed.c: what a streaming feed sends, and what it is sent */
struct trade {
	char		 symbol[SYMBOL_MAX + 8];	/* the feed's spelling */
	double		 price;
	double		 time;		/* seconds since the epoch; 0: none */
	double		 size;		/* of this trade; < 0: not said */
	long long	 day_volume;	/* the session's; -1: not said */
	double		 open, day_high, day_low, prev_close; /* 0: not said */
	char		 currency[8];	/* "": not said */
	int		 session;	/* QS_*; QS_NONE: the hours decide */
};
struct trades {
	struct trade	*v;
	size_t		 n, cap;
};
enum feed_msg {
	FEED_TRADES,		/* trades (err may say some were bad) */
	FEED_ALIVE,		/* a ping, a heartbeat, another kind */
	FEED_ERROR,		/* the feed's own error message, in err */
	FEED_BAD,		/* nothing usable; err says why */
	FEED_READY,		/* authenticated: subscribe now */
	FEED_REFUSED,		/* refused for good (the key, the plan's
				   connections): err says, and what to fix */
};
/*
 * A feed: its URL, how its key goes (a query parameter, or hello, the
 * first message, after which subscriptions wait for FEED_READY), what
 * a subscription says (the key may go in it too), and how a message is
 * read.
 */
struct feed_api {
	const char	*default_url;
	const char	*token;		/* the key's query parameter, or NULL */
	int		 limit;		/* symbols of a free plan; 0: any */
	size_t		(*hello)(const char *, const char *, struct buf *);
	int		(*takes)(const char *);	/* NULL: every symbol */
	size_t		(*subscribe)(const char *const *, size_t, const char *,
			    struct buf *);
	enum feed_msg	(*parse)(const char *, size_t, struct trades *,
			    char *, size_t);
};
extern const struct feed_api feed_finnhub, feed_yahoo, feed_alpaca,
		 feed_tiingo, feed_coinbase;
void		 feed_trades_free(struct trades *);
void		 feed_trades_add(struct trades *, const struct trade *);
void		 feed_trade_init(struct trade *);
void		 feed_put_json(json_t *, struct buf *);
int		 feed_symbol_ok(const char *);
int		 feed_form_t(json_t *);

struct provider {
	const char	*name;
	const char	*default_url;
	int		 needs_key;
	int		 key_optional;	/* takes a key-file, not needing one */
	int		 key_pair;	/* its key-file holds an id and a
					   secret: two lines, or ID:SECRET */
	size_t		 batch_max;	/* symbols per request */
	int		 cost_per_symbol; /* a request costs n tokens */
	double		 rate;		/* default budget: requests ... */
	time_t		 rate_period;	/* ... per this many seconds */
	unsigned	 connections;	/* default: requests in flight */
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
	const struct session_api *session; /* batches, when it can be had */
	const struct feed_api *feed;	/* its stream, if it has one */
	/* the i-th header line of its requests (the key in headers), or
	 * NULL past the last; NULL: none */
	char		*(*header)(const char *key, const char *secret, int i);
};
const struct provider *provider_find(const char *);
const char	*provider_names(void);

/* providers/api.c: what the providers share, below each of them */
char		*api_join(const char *const *, size_t, const char *);
void		 api_fail_all(struct fetch_result *, size_t,
		    enum fetch_status, const char *, ...)
		    __attribute__((__format__(printf, 4, 5)));
double		 api_price(json_t *, const char *);
int		 api_http_status(long, const char *, size_t,
		    struct fetch_result *, size_t);
void		 api_map_dash(const char *, char *, size_t);
void		 api_map_dot(const char *, char *, size_t);
int		 api_class_share(const char *, char *);
void		 api_range(struct fetch_result *, double, double, int,
		    const char *);
long long	 api_volume(double);
void		 api_day(struct quote *, double, double, double);
time_t		 api_time(double);
long		 api_date(const char *);
int		 api_answer_for(const char *, const char *,
		    struct fetch_result *);
int		 api_html(const char *, size_t);
double		 api_rfc3339(const char *);

/* providers/earnings.c: earnings dates */
int		 earnings_served(const char *);
char		*earnings_url(const char *, const char *, const char *,
		    const char *, long);
long		 earnings_parse(const char *, long, const char *, size_t,
		    const char *, long, char *, size_t);

/* providers/edgar.c: SEC EDGAR's filings and Form 4 */
#define EDGAR_WWW	"https://www.sec.gov"
#define EDGAR_DATA	"https://data.sec.gov"
struct filing {
	char		 accession[24];	/* "0000320193-26-000011" */
	char		 form[16];	/* "8-K", "4/A" */
	char		 date[12];	/* filingDate */
	char		 accepted[32];	/* acceptanceDateTime */
	char		 items[96];	/* "1.01,9.01" */
	char		 doc[128];	/* primaryDocument */
};
struct form4_side {
	int		 n;		/* transactions */
	double		 shares, value;	/* summed; value: shares x price */
	char		 date[12];	/* the first */
};
struct form4 {
	char		 type[8];	/* documentType: "4" */
	char		 symbol[16];	/* issuerTradingSymbol */
	char		 owner[160];	/* "Doe Jane" [and ...] */
	char		 role[160];	/* the first owner's: "director" */
	int		 owners;	/* beyond the first */
	struct form4_side buy, sell;	/* codes P and S */
};
const char	*edgar_item_name(const char *);
int		 edgar_item_valid(const char *);
void		 edgar_ticker(const char *, char *, size_t);
long		 edgar_tickers_parse(const char *, size_t,
		    void (*)(const char *, long, void *), void *, char *,
		    size_t);
long		 edgar_submissions_parse(const char *, size_t, struct filing *,
		    size_t, char *, size_t);
time_t		 edgar_accepted_time(const char *);
char		*edgar_index_url(const char *, long, const char *);
char		*edgar_doc_url(const char *, long, const struct filing *);
char		*edgar_submissions_url(const char *, long);
char		*edgar_tickers_url(const char *);
int		 edgar_refused(long, const char *, size_t, char *, size_t);
int		 edgar_form4_parse(const char *, size_t, struct form4 *, char *,
		    size_t);
void		 edgar_amount(double, int, char *, size_t);

/* providers/yahoo.c, stooq.c, finnhub.c, alphavantage.c, twelvedata.c */
extern const struct provider provider_yahoo;
extern const struct provider provider_stooq;
extern const struct provider provider_finnhub;
extern const struct provider provider_alphavantage;
extern const struct provider provider_twelvedata;
extern const struct provider provider_alpaca;
extern const struct provider provider_tiingo;
extern const struct provider provider_coinbase;

/* providers/bars.c: price history, in bars, from history endpoints */
struct bar {
	long		 day;		/* session_day() */
	time_t		 time;		/* a minute's end; 0: the day's */
	double		 open, high, low, close, volume;
};
struct bars {
	struct bar	*v;
	size_t		 n, cap;
	char		 error[256];
	size_t		 skipped;	/* rows that are no bars */
	char		 skip_why[96];	/* the first one's fault */
};
struct bars_api {
	const char	*provider;
	int		 minute;	/* serves one-minute bars too */
	char		*(*url)(const char *base, const char *key,
			    const char *sym, int minute, time_t from,
			    time_t to);
	int		 (*parse)(const char *, size_t, int, struct bars *);
};
const struct bars_api *bars_api(const char *);
int		 bars_parse(const struct bars_api *, long, const char *,
		    size_t, int, struct bars *);
void		 bars_free(struct bars *);
void		 bars_say_skipped(const struct bars *, const char *);

/* providers/replay.c: recorded quotes from CSV, read as a stream */
struct replay;
struct replay_sym {
	char		 symbol[SYMBOL_MAX + 1];
	char		*spelling;	/* as the file writes it */
	struct replay_sym *canon;	/* another spelling's: the symbol's */
	time_t		 last_time;	/* of its last quote so far */
	long		 last_line;
	size_t		 count;		/* quotes so far */
	void		*user;		/* the caller's */
	int		 resolved;	/* user has been set */
	double		 last_close;	/* daily bars: the previous row's */
};
struct replay	*replay_open(const char *, char *, size_t);
int		 replay_next(struct replay *, struct quote *,
		    struct replay_sym **, char *, size_t);
int		 replay_check(const char *, char *, size_t);
void		 replay_where(const struct replay *, char *, size_t);
struct replay_sym *replay_symbol(const struct replay *, const char *);
void		 replay_free(struct replay *);

#endif /* TICKERD_PROVIDERS_H */
