/*
 * Price history, for `tickerd --fetch-history': each provider's history
 * endpoint, and its answer read into bars (a day's, or a minute's, open,
 * high, low, close and volume).  Pure, like the rest of providers/.
 *
 *   yahoo        GET /v8/finance/chart/SYM?period1=T&period2=T&interval=1d
 *                {"chart":{"result":[{"timestamp":[...],"indicators":
 *                {"quote":[{"open":[...],"high":[...],"low":[...],
 *                "close":[...],"volume":[...]}]}}],"error":null}}
 *                (also interval=1m, for the last 30 days)
 *   stooq        GET /q/d/l/?s=SYM&i=d&d1=YYYYMMDD&d2=YYYYMMDD
 *                Date,Open,High,Low,Close,Volume
 *   alphavantage GET /query?function=TIME_SERIES_DAILY&symbol=SYM&
 *                outputsize=compact|full&apikey=KEY
 *                {"Time Series (Daily)":{"2026-03-02":{"1. open":"..",
 *                "2. high":"..","3. low":"..","4. close":"..",
 *                "5. volume":".."},...}}
 *   twelvedata   GET /time_series?symbol=SYM&interval=1day&
 *                outputsize=5000&apikey=KEY
 *                {"values":[{"datetime":"2026-03-02","open":"..",...}],
 *                "status":"ok"}
 *
 * Finnhub's candles are no longer on its free plan: it has none here.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"
#include "providers/providers.h"

static const char *bar_problem(const struct bar *, long);

static void
bar_add(struct bars *h, long day, time_t t, const double v[5])
{
	struct bar	*b;

	if (!isfinite(v[3]) || v[3] <= 0)
		return;		/* no close: a holiday row, a gap */
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	b = &h->v[h->n++];
	b->day = day;
	b->time = t;
	b->open = v[0];
	b->high = isfinite(v[1]) ? v[1] : v[3];
	b->low = isfinite(v[2]) ? v[2] : v[3];
	b->close = v[3];
	b->volume = v[4];
}

static int
by_time(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

/* "2026-03-02" (and anything after it) as a day number; 0 when not. */
static long
date_day(const char *s)
{
	int	 y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return cal_days(y, m, d);
}

static void
herr(struct bars *h, const char *msg)
{
	text_printf(h->error, sizeof(h->error), "%s", msg);
}

/* The answer as JSON; NULL with h->error when it is not. */
static json_t *
load(const char *body, size_t len, struct bars *h)
{
	json_t	*root = json_loadb(body, len, 0, NULL);

	if (root == NULL)
		herr(h, "not JSON");
	return root;
}

/* url with "&apikey=KEY" added (url is freed; the key never lingers). */
static char *
add_key(char *url, const char *key)
{
	char	*k = fmt_urlencode(key ? key : ""), *out;

	xasprintf(&out, "%s&apikey=%s", url, k);
	explicit_bzero(k, strlen(k));
	free(k);
	free(url);
	return out;
}

static char *
yahoo_hurl(const char *base, const char *key, const char *sym, int minute,
    time_t from, time_t to)
{
	char	*s = fmt_urlencode(sym), *url;

	xasprintf(&url, "%s/v8/finance/chart/%s?period1=%lld&period2=%lld&"
	    "interval=%s&includePrePost=false", base, s, (long long)from,
	    (long long)to, minute ? "1m" : "1d");
	free(s);
	return url;
}

/* Days since 1970 of a time already moved to local time. */
static long
floor_day(long long s)
{
	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

static int
yahoo_hparse(const char *body, size_t len, int minute, struct bars *h)
{
	json_t		*root, *r, *ts, *q, *col[5];
	const char	*why, *tz;
	struct zone	*z;
	json_int_t	 off;
	static const char *const names[5] = { "open", "high", "low", "close",
	    "volume" };
	double		 v[5];
	size_t		 i, k;
	time_t		 t;

	if ((root = load(body, len, h)) == NULL)
		return -1;
	r = json_array_get(json_object_get(json_object_get(root, "chart"),
	    "result"), 0);
	if (r == NULL) {
		why = jstr(json_object_get(json_object_get(root, "chart"),
		    "error"), "description");
		herr(h, *why ? why : "no result");
		json_decref(root);
		return -1;
	}
	/* a bar's day is its date where the listing trades: by its zone,
	 * or else by the answer's own offset from UTC */
	tz = jstr(json_object_get(r, "meta"), "exchangeTimezoneName");
	z = *tz != '\0' ? zone_get(tz) : NULL;
	off = json_integer_value(json_object_get(json_object_get(r, "meta"),
	    "gmtoffset"));
	if (off < -14 * 3600 || off > 14 * 3600)
		off = 0;
	ts = json_object_get(r, "timestamp");
	q = json_array_get(json_object_get(json_object_get(r, "indicators"),
	    "quote"), 0);
	for (k = 0; k < 5; k++)
		col[k] = json_object_get(q, names[k]);
	for (i = 0; i < json_array_size(ts); i++) {
		t = (time_t)json_integer_value(json_array_get(ts, i));
		for (k = 0; k < 5; k++) {
			json_t *x = json_array_get(col[k], i);
			v[k] = json_is_number(x) ? json_number_value(x) : NAN;
		}
		bar_add(h, z != NULL ? zone_day(z, t) : *tz != '\0' ?
		    floor_day(t + off) : market_day(NULL, t),
		    minute ? t + 60 : 0, v);
	}
	json_decref(root);
	return 0;
}

static char *
stooq_hurl(const char *base, const char *key, const char *sym, int minute,
    time_t from, time_t to)
{
	char		*s = fmt_urlencode(sym), *url, *k, d1[16], d2[16];
	struct tm	 tm;

	gmtime_r(&from, &tm);
	strftime(d1, sizeof(d1), "%Y%m%d", &tm);
	gmtime_r(&to, &tm);
	strftime(d2, sizeof(d2), "%Y%m%d", &tm);
	k = key != NULL ? fmt_urlencode(key) : NULL;
	xasprintf(&url, "%s/q/d/l/?s=%s&i=d&d1=%s&d2=%s%s%s", base, s, d1, d2,
	    k != NULL ? "&apikey=" : "", k != NULL ? k : "");
	free(k);
	free(s);
	return url;
}

static int
stooq_hparse(const char *body, size_t len, int minute, struct bars *h)
{
	char	*copy = xstrndup(body, len), *line, *cur = copy, *f[8];
	double	 v[5];
	size_t	 nf, k;
	long	 day;
	int	 rows = 0;

	if (strncmp(copy, "Date,Open,High,Low,Close", 24) != 0) {
		herr(h, strncmp(copy, "No data", 7) == 0 ? "no data "
		    "(unknown symbol)" : api_html(body, len) ? "an HTML page, "
		    "not data: Stooq needs an API key since 2026 (key-file)" :
		    "not a Stooq history CSV");
		free(copy);
		return -1;
	}
	strsep(&cur, "\n");		/* the header */
	while ((line = strsep(&cur, "\n")) != NULL) {
		line[strcspn(line, "\r")] = '\0';
		for (nf = 0; nf < 8 && line != NULL; nf++)
			f[nf] = strsep(&line, ",");
		if (nf < 5 || (day = date_day(f[0])) == 0)
			continue;
		for (k = 0; k < 5; k++)
			v[k] = k + 1 < nf && *f[k + 1] ? strtod(f[k + 1], NULL) :
			    NAN;
		bar_add(h, day, 0, v);
		rows++;
	}
	free(copy);
	if (rows == 0) {
		herr(h, "no rows");
		return -1;
	}
	return 0;
}

static char *
av_hurl(const char *base, const char *key, const char *sym, int minute,
    time_t from, time_t to)
{
	char	*s = fmt_urlencode(sym), *url;

	xasprintf(&url, "%s/query?function=TIME_SERIES_DAILY&symbol=%s&"
	    "outputsize=%s", base, s, to - from > 140 * 86400 ? "full" :
	    "compact");
	free(s);
	return add_key(url, key);
}

static int
av_hparse(const char *body, size_t len, int minute, struct bars *h)
{
	static const char *const names[5] = { "1. open", "2. high", "3. low",
	    "4. close", "5. volume" };
	json_t		*root, *series, *bar;
	const char	*date, *why;
	double		 v[5];
	size_t		 k;

	if ((root = load(body, len, h)) == NULL)
		return -1;
	if ((series = json_object_get(root, "Time Series (Daily)")) == NULL) {
		why = jstr(root, "Error Message");
		if (!*why)
			why = jstr(root, "Information");
		if (!*why)
			why = jstr(root, "Note");
		herr(h, *why ? why : "no \"Time Series (Daily)\"");
		json_decref(root);
		return -1;
	}
	json_object_foreach(series, date, bar) {
		for (k = 0; k < 5; k++)
			v[k] = api_price(bar, names[k]);
		bar_add(h, date_day(date), 0, v);
	}
	json_decref(root);
	return 0;
}

static char *
td_hurl(const char *base, const char *key, const char *sym, int minute,
    time_t from, time_t to)
{
	char	*s = fmt_urlencode(sym), *url;

	xasprintf(&url, "%s/time_series?symbol=%s&interval=1day&outputsize="
	    "%lld", base, s, (long long)((to - from) / 86400 + 10));
	free(s);
	return add_key(url, key);
}

static int
td_hparse(const char *body, size_t len, int minute, struct bars *h)
{
	static const char *const names[5] = { "open", "high", "low", "close",
	    "volume" };
	json_t		*root, *vals, *bar;
	double		 v[5];
	size_t		 i, k;

	if ((root = load(body, len, h)) == NULL)
		return -1;
	if (!json_is_array(vals = json_object_get(root, "values"))) {
		herr(h, *jstr(root, "message") ? jstr(root, "message") :
		    "no \"values\"");
		json_decref(root);
		return -1;
	}
	json_array_foreach(vals, i, bar) {
		for (k = 0; k < 5; k++)
			v[k] = api_price(bar, names[k]);
		bar_add(h, date_day(jstr(bar, "datetime")), 0, v);
	}
	json_decref(root);
	return 0;
}

static const struct bars_api apis[] = {
	{ "yahoo", 1, yahoo_hurl, yahoo_hparse },
	{ "stooq", 0, stooq_hurl, stooq_hparse },
	{ "alphavantage", 0, av_hurl, av_hparse },
	{ "twelvedata", 0, td_hurl, td_hparse },
};

/* The history endpoint of a provider, or NULL when it has none. */
const struct bars_api *
bars_api(const char *provider)
{
	size_t	 i;

	for (i = 0; i < sizeof(apis) / sizeof(apis[0]); i++)
		if (strcmp(apis[i].provider, provider) == 0)
			return &apis[i];
	return NULL;
}

/*
 * Read an answer into h, its bars in time order, without the days that
 * have none; -1 with h->error when it holds no history.
 */
int
bars_parse(const struct bars_api *api, long status, const char *body,
    size_t len, int minute, struct bars *h)
{
	const char	*why;
	char		 ex[80];
	size_t		 i, j;
	long		 latest;

	memset(h, 0, sizeof(*h));
	if (status != 200 && !(status == 404 && len > 0 && *body == '{')) {
		snprintf(ex, sizeof(ex), "%.*s", (int)(len < 60 ? len : 60),
		    body);
		text_printf(h->error, sizeof(h->error), "HTTP %ld%s%s", status,
		    *ex ? ": " : "", ex);
			return -1;
	}
	if (api->parse(body, len, minute, h) == -1)
		return -1;
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), by_time);
	latest = (long)(clock_now() / 86400) + 1;	/* east of UTC */
	for (i = j = 0; i < h->n; i++) {
		why = bar_problem(&h->v[i], latest);
		if (why == NULL && j > 0 && h->v[j - 1].day == h->v[i].day &&
		    h->v[j - 1].time == h->v[i].time)
			why = "a session given twice";
		if (why == NULL)
			h->v[j++] = h->v[i];
		else if (h->skipped++ == 0)
			snprintf(h->skip_why, sizeof(h->skip_why), "%s", why);
	}
	h->n = j;
	if (h->n == 0) {
		herr(h, h->skipped > 0 ? h->skip_why :
		    "no history in the answer");
		return -1;
	}
	return 0;
}

/* Whether a bar can be one: alerts/daily.c's checks, and a date. */
static const char *
bar_problem(const struct bar *b, long latest)
{
	struct dbar	 d = { b->day, b->open, b->high, b->low, b->close,
			    b->volume };

	if (b->day == 0)
		return "a date that cannot be read";
	return dbar_problem(&d, latest);
}

/* The rows of an answer that were no bars: one line for them all. */
void
bars_say_skipped(const struct bars *h, const char *symbol)
{
	if (h->skipped > 0)
		log_warnx("%s: %zu row%s of the history skipped (the first: "
		    "%s)", symbol, h->skipped, h->skipped == 1 ? "" : "s",
		    h->skip_why);
}

void
bars_free(struct bars *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
