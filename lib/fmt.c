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

/*
 * v with `places' decimals, as printf("%.*f") writes it, without its
 * cost for the usual price: the scaled value rounded, unless it lies so
 * near a half that the product's rounding could decide it (then printf
 * decides); only below 10^7.  0 when it did not.
 */
static int
fixed(double v, int places, char *out, size_t len)
{
	double		 x = fabs(v) * (places == 2 ? 100.0 : 10000.0), f;
	long long	 c;
	char		 d[32];
	size_t		 n = 0, i = 0;
	int		 k;

	if (!(fabs(v) < 1e7))
		return 0;
	f = x - floor(x);
	if (fabs(f - 0.5) < 1e-6)
		return 0;
	c = (long long)floor(x) + (f > 0.5);
	for (k = 0; k < places; k++, c /= 10)	/* backwards */
		d[n++] = (char)('0' + c % 10);
	d[n++] = '.';
	do {
		d[n++] = (char)('0' + c % 10);
		c /= 10;
	} while (c > 0);
	if (len < n + 2)
		return 0;
	if (signbit(v))
		out[i++] = '-';
	while (n > 0)
		out[i++] = d[--n];
	out[i] = '\0';
	return 1;
}

/* Prices: two decimals, four for penny stocks; "n/a" when unknown. */
void
fmt_price(double v, char *out, size_t len)
{
	if (!isfinite(v))
		snprintf(out, len, "n/a");
	else if (fabs(v) < 1) {
		if (!fixed(v, 4, out, len))
			snprintf(out, len, "%.4f", v);
	} else if (!fixed(v, 2, out, len))
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
/* A span of seconds as a person reads it: "45s", "4m 12s", "3d 4h". */
void
fmt_age(long long s, char *out, size_t len)
{
	if (s < 0)
		snprintf(out, len, "-");
	else if (s < 60)
		snprintf(out, len, "%llds", s);
	else if (s < 3600)
		snprintf(out, len, "%lldm %llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(out, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
}

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
