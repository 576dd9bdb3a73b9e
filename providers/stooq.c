/*
 * Stooq, CSV:
 *   GET /q/l/?s=calx.us,qcom.us&f=sd2t2ohlcvp&h&e=csv[&apikey=KEY]
 * answers
 *   Symbol,Date,Time,Open,High,Low,Close,Volume,Prev
 *   CALX.US,2026-03-02,22:00:09,44.1,45.3,43.9,45.12,812000,43.72
 *   GONE.US,N/D,N/D,N/D,N/D,N/D,N/D,N/D,N/D
 * with N/D for a symbol it does not know, dates and times in Warsaw
 * time, and several symbols per request.  Over its daily quota it
 * answers HTTP 200 "Exceeded the daily hits limit".  Prev, the previous
 * close, is on the quote's own basis.  The 52-week range comes from the
 * daily history, asked once a session, which Stooq adjusts for
 * dividends (so its highs sit lower than the quote's basis; said in
 * tickerd(8)); its last close stands in for a missing Prev:
 *   GET /q/d/l/?s=calx.us&i=d&d1=20250301&d2=20260302
 *   Date,Open,High,Low,Close,Volume
 *   2025-03-03,33.1,33.9,32.7,33.5,640000
 * ("No data" for an unknown symbol).
 *
 * Since March 2026 Stooq wants an API key (pandas-datareader #1012),
 * sent as apikey=; without one it answers, with HTTP 200, an HTML page
 * that says how to get one, and since July 2026 a page with a SHA-256
 * proof-of-work script for browsers (finance-query #263).  Either page
 * is FETCH_BLOCKED: no CSV is to be had from this client for a while.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

#define STOOQ_MAXCOLS	16

static const struct {
	const char	*yahoo, *stooq;
} indices[] = {
	{ "^GSPC", "^spx" }, { "^SPX", "^spx" }, { "^DJI", "^dji" },
	{ "^IXIC", "^ndq" }, { "^NDX", "^ndx" }, { "^VIX", "^vix" },
};

/* Yahoo's exchange suffixes, Stooq's country suffixes. */
static const struct {
	const char	*yahoo, *stooq;
} suffixes[] = {
	{ ".L", ".uk" }, { ".DE", ".de" }, { ".F", ".de" }, { ".T", ".jp" },
	{ ".HK", ".hk" }, { ".US", ".us" },
};

/*
 * CALX -> calx.us, BRK.B -> brk-b.us, ^GSPC -> ^spx, VOD.L -> vod.uk;
 * anything else with a dot is taken as already in Stooq's spelling.
 */
static void
stooq_map(const char *sym, char *out, size_t outlen)
{
	char		 tmp[SYMBOL_MAX + 8];
	const char	*dot, *suffix = ".us";
	size_t		 i, len;

	for (i = 0; i < sizeof(indices) / sizeof(indices[0]); i++)
		if (strcasecmp(sym, indices[i].yahoo) == 0) {
			tk_strlcpy(out, indices[i].stooq, outlen);
			return;
		}
	api_map_dash(sym, tmp, sizeof(tmp));
	if (sym[0] != '^' && (dot = strrchr(tmp, '.')) != NULL) {
		suffix = dot;
		for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (strcasecmp(dot, suffixes[i].yahoo) == 0)
				suffix = suffixes[i].stooq;
		tmp[dot - tmp] = '\0';
	} else if (sym[0] == '^')
		suffix = "";
	snprintf(out, outlen, "%s%s", tmp, suffix);
	len = strlen(out);
	for (i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

static char *
stooq_url(const char *base, const char *key, const char *const *syms,
    size_t n)
{
	char	*list = api_join(syms, n, ","), *url, *k;

	if (key != NULL) {
		k = fmt_urlencode(key);
		xasprintf(&url, "%s/q/l/?s=%s&f=sd2t2ohlcvp&h&e=csv&apikey=%s",
		    base, list, k);
		free(k);
	} else
		xasprintf(&url, "%s/q/l/?s=%s&f=sd2t2ohlcvp&h&e=csv", base,
		    list);
	free(list);
	return url;
}

static char *
stooq_range_url(const char *base, const char *key, const char *sym,
    time_t now)
{
	char		*s = fmt_urlencode(sym), *url, *k, from[16], to[16];
	time_t		 then = now - 372 * 86400;
	struct tm	 tm;

	gmtime_r(&then, &tm);
	strftime(from, sizeof(from), "%Y%m%d", &tm);
	gmtime_r(&now, &tm);
	strftime(to, sizeof(to), "%Y%m%d", &tm);
	if (key != NULL) {
		k = fmt_urlencode(key);
		xasprintf(&url, "%s/q/d/l/?s=%s&i=d&d1=%s&d2=%s&apikey=%s", base,
		    s, from, to, k);
		free(k);
	} else
		xasprintf(&url, "%s/q/d/l/?s=%s&i=d&d1=%s&d2=%s", base, s, from,
		    to);
	free(s);
	return url;
}

/* Split one CSV line (no quoting in Stooq's answers) in place. */
static size_t
split(char *line, char **f, size_t max)
{
	size_t	 n = 0;
	char	*p = line;

	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* The next line of body, NUL-terminated in place; NULL at the end. */
static char *
next_line(char **cur)
{
	char	*line = *cur, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*cur = nl + 1;
	} else
		*cur = NULL;
	if (*line != '\0' && line[strlen(line) - 1] == '\r')
		line[strlen(line) - 1] = '\0';
	return line;
}

static int
column(char **hdr, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcasecmp(hdr[i], name) == 0)
			return (int)i;
	return -1;
}

/* A decimal field, NaN when N/D, empty or not wholly a number. */
static double
field_num(char **f, size_t n, int col)
{
	char	*end;
	double	 d;

	if (col < 0 || (size_t)col >= n || f[col][0] == '\0')
		return NAN;
	d = strtod(f[col], &end);
	return end != f[col] && *end == '\0' && isfinite(d) ? d : NAN;
}

/* "2026-03-02" "22:00:09" in Warsaw time to UTC; 0 if unreadable. */
static time_t
stooq_time(const char *date, const char *tod)
{
	struct zone	*warsaw = zone_get("Europe/Warsaw");
	int		 hh = 0, mm = 0, ss = 0;
	long		 day;

	if ((day = api_date(date)) == 0)
		return 0;
	if (tod != NULL && sscanf(tod, "%2d:%2d:%2d", &hh, &mm, &ss) != 3)
		return 0;
	if (warsaw == NULL)		/* said by zone_get: taken as CET */
		return (time_t)day * 86400 + hh * 3600 + mm * 60 + ss - 3600;
	return zone_utc(warsaw, day, hh * 60 + mm) + ss;
}

static char *
csv_open(const char *body, size_t len, char **hdr, size_t *nh, char **cur)
{
	char	*copy = xmalloc(len + 1), *line;

	memcpy(copy, body, len);
	copy[len] = '\0';
	*cur = copy;
	line = next_line(cur);
	*nh = line ? split(line, hdr, STOOQ_MAXCOLS) : 0;
	return copy;
}

/* Which HTML page Stooq answered in place of data. */
static const char *
page_kind(const char *body, size_t len)
{
	if (memmem(body, len, "__verify", 8) != NULL ||
	    memmem(body, len, "crypto.subtle", 13) != NULL)
		return "a browser check page";
	if (memmem(body, len, "apikey", 6) != NULL ||
	    memmem(body, len, "API key", 7) != NULL)
		return "a page asking for an API key";
	return "an HTML page";
}

/*
 * The answers both endpoints give instead of a CSV: an HTTP error, the
 * 200 "over the quota" text, or an HTML page (the one asking for a key,
 * the browser check).  Returns 1 when every result is set.
 */
static int
refused(long status, const char *body, size_t len, struct fetch_result *res,
    size_t n)
{
	if ((status == 200 || status == 401 || status == 403) &&
	    api_html(body, len)) {
		api_fail_all(res, n, FETCH_BLOCKED, "stooq answered %s, not "
		    "data (HTTP %ld): Stooq needs an API key since 2026 "
		    "(key-file)", page_kind(body, len), status);
		return 1;
	}
	if (api_http_status(status, body, len, res, n))
		return 1;
	if (len < 512 && memmem(body, len, "xceeded the daily hits", 22)) {
		api_fail_all(res, n, FETCH_RATELIMIT, "Exceeded the daily "
		    "hits limit");
		return 1;
	}
	return 0;
}

/* The columns a quote is read from, by their header names. */
enum { C_SYM, C_DATE, C_TIME, C_CLOSE, C_VOL, C_PREV, C_OPEN, C_HIGH, C_LOW,
	C_N };
static const char *const colnames[C_N] = { "Symbol", "Date", "Time",
    "Close", "Volume", "Prev", "Open", "High", "Low" };

/* A quote of price from the fields of its line. */
static void
line_quote(struct quote *q, double price, char **f, size_t nf, const int *c)
{
	q->price = price;
	q->prev_close = field_num(f, nf, c[C_PREV]);	/* NaN: from history */
	if (isfinite(q->prev_close) && q->prev_close <= 0)
		q->prev_close = NAN;
	q->high52 = NAN;
	q->low52 = NAN;
	q->volume = api_volume(field_num(f, nf, c[C_VOL]));
	api_day(q, field_num(f, nf, c[C_OPEN]), field_num(f, nf, c[C_HIGH]),
	    field_num(f, nf, c[C_LOW]));
	q->time = stooq_time(f[c[C_DATE]], c[C_TIME] >= 0 ? f[c[C_TIME]] :
	    NULL);
	tk_strlcpy(q->currency, "", sizeof(q->currency));
}

static void
stooq_parse(const char *const *syms, size_t n, long status, const char *body,
    size_t len, struct fetch_result *res)
{
	char		*copy, *cur, *line, *hdr[STOOQ_MAXCOLS], *f[STOOQ_MAXCOLS];
	size_t		 nh, nf, i;
	int		 c[C_N], k, *seen;
	double		 price;

	if (refused(status, body, len, res, n))
		return;
	if (status == 404) {
		api_fail_all(res, n, FETCH_FAIL, "HTTP 404");
		return;
	}
	if (memchr(body, '\0', len) != NULL) {
		api_fail_all(res, n, FETCH_BAD, "binary answer");
		return;
	}
	copy = csv_open(body, len, hdr, &nh, &cur);
	for (k = 0; k < C_N; k++)
		c[k] = column(hdr, nh, colnames[k]);
	if (c[C_SYM] < 0 || c[C_CLOSE] < 0 || c[C_DATE] < 0) {
		api_fail_all(res, n, FETCH_BAD, "not a Stooq quote CSV "
		    "(no Symbol, Date and Close columns)");
		free(copy);
		return;
	}
	api_fail_all(res, n, FETCH_BAD, "missing from the answer "
	    "(truncated?)");
	seen = xcalloc(n, sizeof(*seen));
	while ((line = next_line(&cur)) != NULL) {
		if (*line == '\0')
			continue;
		/* a line too short to name its symbol cannot be placed */
		if ((nf = split(line, f, STOOQ_MAXCOLS)) <= (size_t)c[C_SYM])
			continue;
		for (i = 0; i < n; i++)
			if (!seen[i] && strcasecmp(f[c[C_SYM]], syms[i]) == 0)
				break;
		if (i == n)
			continue;
		seen[i] = 1;
		if (nf < nh) {
			text_printf(res[i].error, sizeof(res[i].error), "short "
			    "line: %zu fields of %zu (truncated?)", nf, nh);
			continue;
		}
		if (strcmp(f[c[C_DATE]], "N/D") == 0) {
			res[i].status = FETCH_UNKNOWN;
			text_printf(res[i].error, sizeof(res[i].error), "N/D for "
			    "%s", syms[i]);
			continue;
		}
		price = field_num(f, nf, c[C_CLOSE]);
		if (!isfinite(price) || price <= 0) {
			text_printf(res[i].error, sizeof(res[i].error),
			    "unusable Close \"%.20s\"", f[c[C_CLOSE]]);
			continue;
		}
		line_quote(&res[i].quote, price, f, nf, c);
		res[i].status = FETCH_OK;
		res[i].error[0] = '\0';
	}
	free(seen);
	free(copy);
}

/*
 * The daily history: the 52-week high and low over the last 365 days
 * (from the day's highs and lows), and the last two closes, from which
 * the previous close is taken.
 */
static void
stooq_range_parse(const char *sym, long status, const char *body, size_t len,
    time_t now, struct fetch_result *res)
{
	char		*copy, *cur, *line, *hdr[STOOQ_MAXCOLS], *f[STOOQ_MAXCOLS];
	size_t		 nh, nf;
	int		 cd, ch, cl, cc, rows = 0;
	double		 hi = NAN, lo = NAN, h, l, c;
	long		 day, from = market_day(NULL, now) - 365;

	memset(res, 0, sizeof(*res));
	if (refused(status, body, len, res, 1))
		return;
	if (len < 64 && memmem(body, len, "No data", 7) != NULL) {
		api_fail_all(res, 1, FETCH_UNKNOWN, "no history for %s", sym);
		return;
	}
	copy = csv_open(body, len, hdr, &nh, &cur);
	cd = column(hdr, nh, "Date");
	ch = column(hdr, nh, "High");
	cl = column(hdr, nh, "Low");
	cc = column(hdr, nh, "Close");
	if (cd < 0 || ch < 0 || cl < 0 || cc < 0) {
		api_fail_all(res, 1, FETCH_BAD, "not a Stooq history CSV");
		free(copy);
		return;
	}
	while ((line = next_line(&cur)) != NULL) {
		if ((nf = split(line, f, STOOQ_MAXCOLS)) < nh)
			continue;	/* a truncated last line */
		if ((day = api_date(f[cd])) == 0)
			continue;
		h = field_num(f, nf, ch);
		l = field_num(f, nf, cl);
		c = field_num(f, nf, cc);
		if (!isfinite(h) || !isfinite(l) || !isfinite(c) || l <= 0 ||
		    h < l)
			continue;
		rows++;
		if (c > 0 && day > res->close_day[0]) {
			res->close_day[1] = res->close_day[0];
			res->close[1] = res->close[0];
			res->close_day[0] = day;
			res->close[0] = c;
		}
		if (day < from)
			continue;
		hi = isfinite(hi) ? fmax(hi, h) : h;
		lo = isfinite(lo) ? fmin(lo, l) : l;
	}
	free(copy);
	if (rows == 0) {
		api_fail_all(res, 1, FETCH_BAD, "no usable rows in the "
		    "history of %s", sym);
		return;
	}
	res->status = FETCH_OK;
	res->quote.high52 = hi;
	res->quote.low52 = lo;
}

/*
 * Stooq documents no per-minute limit, only a daily quota per address;
 * one request a second keeps well inside it.
 */
const struct provider provider_stooq = {
	.name = "stooq",
	.default_url = "https://stooq.com",
	.needs_key = 0,
	.key_optional = 1,
	.batch_max = 20,
	.cost_per_symbol = 0,
	.rate = 60,
	.rate_period = 60,
	.connections = 2,
	.map = stooq_map,
	.url = stooq_url,
	.parse = stooq_parse,
	.range_url = stooq_range_url,
	.range_parse = stooq_range_parse,
	.range_every = 12 * 3600,
};
