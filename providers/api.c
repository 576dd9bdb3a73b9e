/*
 * What the providers share, below each of them: URL building, the
 * answers every HTTP API gives alike (429, 5xx, a refused key), numbers
 * that come as JSON numbers or as strings, dates and times as they are
 * written, and the two spellings of a share class (BRK-B, BRK.B).
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

/* The symbols, each escaped, joined by sep (which is not escaped). */
char *
api_join(const char *const *syms, size_t n, const char *sep)
{
	struct buf	 b = { 0 };
	char		*e;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		e = fmt_urlencode(syms[i]);
		buf_puts(&b, e);
		free(e);
	}
	buf_add(&b, "", 0);
	return b.data;
}

/* Every symbol of a request gets the same outcome. */
void
api_fail_all(struct fetch_result *res, size_t n, enum fetch_status st,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[256];
	size_t	 i;

	va_start(ap, fmt);
	text_vprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		res[i].status = st;
		memcpy(res[i].error, msg, sizeof(msg));
	}
}

/*
 * A price from obj[key]: a JSON number or a string holding a decimal
 * number (several APIs send strings).  NaN when missing, null, of
 * another type, not finite, or not wholly a number.
 */
double
api_price(json_t *obj, const char *key)
{
	json_t		*v = json_object_get(obj, key);
	const char	*s;
	char		*end;
	double		 d;

	if (json_is_number(v))
		d = json_number_value(v);
	else if (json_is_string(v)) {
		s = json_string_value(v);
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return NAN;
		d = strtod(s, &end);
		if (end == s || *end != '\0')
			return NAN;
	} else
		return NAN;
	return isfinite(d) ? d : NAN;
}

/* A short, printable excerpt of a body for a log line. */
static void
excerpt(const char *body, size_t len, char *out, size_t outlen)
{
	size_t	 i, j = 0;

	for (i = 0; i < len && j + 1 < outlen && j < 80; i++) {
		unsigned char c = (unsigned char)body[i];
		out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
	}
	out[j] = '\0';
}

/*
 * Whether an answer that names its symbol (`said', NULL when it does
 * not) is for the symbol asked; if not, res says so and 0 is returned.
 */
int
api_answer_for(const char *said, const char *sym, struct fetch_result *res)
{
	if (said == NULL || strcasecmp(said, sym) == 0)
		return 1;
	api_fail_all(res, 1, FETCH_BAD, "answer is for symbol \"%.32s\", "
	    "not %s", said, sym);
	return 0;
}

/*
 * Whether an answer is an HTML page: a document type or an <html>,
 * <head> or <body> tag among its first bytes (a browser check, a sign-up
 * page, a proxy's error), whatever its Content-Type said.
 */
int
api_html(const char *body, size_t len)
{
	static const char *const tags[] = { "<!doctype html", "<html",
	    "<head", "<body", "<script" };
	size_t		 i, n, k;

	while (len > 0 && strchr(" \t\r\n", *body) != NULL && *body != '\0') {
		body++;
		len--;
	}
	if (len == 0 || *body != '<')
		return 0;
	n = len < 1024 ? len : 1024;
	for (k = 0; k < sizeof(tags) / sizeof(tags[0]); k++)
		for (i = 0; i + strlen(tags[k]) <= n; i++)
			if (strncasecmp(body + i, tags[k], strlen(tags[k])) == 0)
				return 1;
	return 0;
}

/*
 * An RFC 3339 time ("2021-02-22T15:51:44.208Z", with up to nine
 * decimals, or an offset such as "-05:00") as seconds since the epoch;
 * 0 if unreadable.
 */
double
api_rfc3339(const char *s)
{
	int		 y, mo, d, h, mi, sec, n = 0, oh, om;
	double		 frac = 0, scale = 0.1;
	long		 day;
	const char	*p;

	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d,
	    &h, &mi, &sec, &n) != 6 || n == 0 || y < 1971 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	day = cal_days(y, mo, d);
	if (*p == 'Z' || *p == 'z')
		return (double)day * 86400 + h * 3600 + mi * 60 + sec + frac;
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d", &oh, &om) !=
	    2 || oh > 23 || om > 59)
		return 0;
	return (double)day * 86400 + h * 3600 + mi * 60 + sec + frac -
	    (*p == '+' ? 1 : -1) * (oh * 3600 + om * 60);
}

/* "2026-03-02" (and what may follow it) as a day number; 0 if
 * unreadable. */
long
api_date(const char *date)
{
	int	 y, m, d;

	if (date == NULL || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    y < 1971 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	return cal_days(y, m, d);
}

/*
 * The statuses every API answers alike.  Returns 1 when the answer was
 * one of them and every result is set, 0 when the provider should read
 * the body itself.
 */
int
api_http_status(long status, const char *body, size_t len,
    struct fetch_result *res, size_t n)
{
	char	 ex[96];

	if (status == 200)
		return 0;
	excerpt(body, len, ex, sizeof(ex));
	if (status == 429)
		api_fail_all(res, n, FETCH_RATELIMIT, "HTTP 429 Too Many "
		    "Requests%s%s", *ex ? ": " : "", ex);
	else if (status == 401)
		api_fail_all(res, n, FETCH_REFUSED, "HTTP %ld: the key was "
		    "refused%s%s", status, *ex ? ": " : "", ex);
	else if (status == 403)
		api_fail_all(res, n, FETCH_FAIL, "HTTP %ld: refused (the key, "
		    "or the plan)%s%s", status, *ex ? ": " : "", ex);
	else if (status == 404)
		return 0;	/* some APIs mean "unknown symbol" */
	else
		api_fail_all(res, n, FETCH_FAIL, "HTTP %ld%s%s", status,
		    *ex ? ": " : "", ex);
	return 1;
}

/*
 * Whether a symbol names a share class, "BRK-B" or "BRK.B" (a base and
 * one letter A, B or C; other one-letter suffixes are exchanges, such as
 * Yahoo's VOD.L).  *cls gets the letter.
 */
int
api_class_share(const char *sym, char *cls)
{
	size_t	 len = strlen(sym);

	if (len < 3 || (sym[len - 2] != '-' && sym[len - 2] != '.'))
		return 0;
	if (sym[0] == '^' || strchr("ABCabc", sym[len - 1]) == NULL)
		return 0;
	*cls = (char)toupper((unsigned char)sym[len - 1]);
	return 1;
}

static void
map_class(const char *sym, char sep, char *out, size_t outlen)
{
	char	 cls;
	size_t	 len = strlen(sym);

	if (api_class_share(sym, &cls) && len < outlen) {
		memcpy(out, sym, len - 2);
		out[len - 2] = sep;
		out[len - 1] = cls;
		out[len] = '\0';
	} else
		tk_strlcpy(out, sym, outlen);
}

/* BRK.B -> BRK-B (Yahoo). */
void
api_map_dash(const char *sym, char *out, size_t outlen)
{
	map_class(sym, '-', out, outlen);
}

/* BRK-B -> BRK.B (Finnhub, Alpha Vantage, Twelve Data). */
void
api_map_dot(const char *sym, char *out, size_t outlen)
{
	map_class(sym, '.', out, outlen);
}

/*
 * A range endpoint's answer: the 52-week high and low, when the answer
 * had any (empty: the symbol has none) and they make sense.
 */
void
api_range(struct fetch_result *res, double hi, double lo, int empty,
    const char *sym)
{
	if (empty)
		api_fail_all(res, 1, FETCH_UNKNOWN, "no 52-week range for %s",
		    sym);
	else if (!isfinite(hi) || !isfinite(lo) || lo <= 0 || hi < lo)
		api_fail_all(res, 1, FETCH_BAD, "no usable 52WeekHigh and "
		    "52WeekLow");
	else {
		res->status = FETCH_OK;
		res->quote.high52 = hi;
		res->quote.low52 = lo;
	}
}

/*
 * A volume from an API's number: -1 (unknown) when it is not finite,
 * negative, or more than a long long holds.  Never converted unchecked.
 */
/* The session's open, high and low, where the answer gives them. */
void
api_day(struct quote *q, double open, double high, double low)
{
	q->open = isfinite(open) && open > 0 ? open : 0;
	q->day_high = isfinite(high) && high > 0 ? high : 0;
	q->day_low = isfinite(low) && low > 0 ? low : 0;
}

long long
api_volume(double d)
{
	return isfinite(d) && d >= 0 && d < 9e18 ? (long long)d : -1;
}

/*
 * A quote's time from an API's epoch seconds: 0 (unknown: the time it
 * came) when it is not finite, not positive, or beyond the year 9999.  A
 * time in milliseconds (13 digits where 10 are meant) is taken as such.
 */
time_t
api_time(double d)
{
	if (!isfinite(d) || d <= 0)
		return 0;
	if (d >= 1e11 && d < 1e14)
		d /= 1000;		/* milliseconds */
	return d < 253402300800.0 ? (time_t)d : 0;
}
