/*
 * Prices and times as every message, log line and table writes them.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/lib.h"

/* Prices: two decimals, four for penny stocks; "n/a" when unknown. */
void
fmt_price(double v, char *out, size_t len)
{
	if (!isfinite(v))
		snprintf(out, len, "n/a");
	else if (fabs(v) < 1)
		snprintf(out, len, "%.4f", v);
	else
		snprintf(out, len, "%.2f", v);
}

/* A time in UTC, in one of the two forms tickerd writes. */
void
fmt_time(time_t t, enum time_style style, char *out, size_t len)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(out, len, style == FMT_ISO ? "%Y-%m-%dT%H:%M:%SZ" :
	    "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* The inverse of fmt_time(FMT_ISO); -1 when s is not of that form. */
time_t
fmt_parse_iso_time(const char *s)
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) ==
	    NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

/* A percentage with its sign, "+1.25%"; "-" when not known (NaN). */
void
fmt_pct(double v, char *out, size_t len)
{
	if (isfinite(v))
		snprintf(out, len, "%+.2f%%", v);
	else
		snprintf(out, len, "-");
}

/* Percent-encode everything but RFC 3986 unreserved characters. */
char *
fmt_urlencode(const char *s)
{
	struct buf	 b = { 0 };
	char		 hex[4];

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_add(&b, s, 1);
		else {
			snprintf(hex, sizeof(hex), "%%%02X", c);
			buf_puts(&b, hex);
		}
	}
	buf_add(&b, "", 0);
	return b.data;
}
