/*
 * The replay provider: recorded quotes from a CSV file,
 *   time,symbol,price,prev_close,high52,low52,volume
 *   2026-03-02T14:30:00Z,CALX,41.20,40.95,44.53,27.73,812000
 * sorted by time.  A header line is optional; empty fields other than
 * time, symbol and price mean "unknown".
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

struct replay {
	struct quote	*q;
	size_t		 n;
};

/* 2026-03-02T14:30:00Z (also with a space, and without seconds). */
static int
parse_time(const char *s, time_t *out)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec = 0, n = 0;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) != 6) {
		n = 0;
		if (sscanf(s, "%4d-%2d-%2d%*[T ]%2d:%2d%n", &y, &mo, &d, &h,
		    &mi, &n) != 5)
			return -1;
	}
	if (s[n] == 'Z')
		n++;
	if (s[n] != '\0')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return 0;
}

static int
parse_num(const char *s, double *out, int required)
{
	char	*end;
	double	 v;

	if (*s == '\0') {
		*out = NAN;
		return required ? -1 : 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	const struct quote *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return 0;
}

/*
 * One line of a replay file (time,symbol,price,prev_close,high52,low52,
 * volume; the last four may be empty) into q.  Returns -1 with
 * "FILE:LINE: message" in err when it is malformed.
 */
static int
parse_line(char *p, const char *path, int lineno, struct quote *q, char *err,
    size_t errlen)
{
	char	*fields[8];
	size_t	 nf, i;
	double	 vol;

	for (nf = 0; nf < 8; nf++) {
		fields[nf] = p;
		if ((p = strchr(p, ',')) == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf < 3 || nf > 7) {
		snprintf(err, errlen, "%s:%d: expected 7 fields (time,symbol,"
		    "price,prev_close,high52,low52,volume), got %zu", path,
		    lineno, nf);
		return -1;
	}
	for (i = nf; i < 7; i++)
		fields[i] = (char *)"";
	memset(q, 0, sizeof(*q));
	if (parse_time(fields[0], &q->time) == -1) {
		snprintf(err, errlen, "%s:%d: invalid time \"%s\" (expected "
		    "2026-03-02T14:30:00Z)", path, lineno, fields[0]);
		return -1;
	}
	for (p = fields[1]; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!symbol_valid(fields[1])) {
		snprintf(err, errlen, "%s:%d: invalid symbol \"%s\"", path,
		    lineno, fields[1]);
		return -1;
	}
	tk_strlcpy(q->symbol, fields[1], sizeof(q->symbol));
	if (parse_num(fields[2], &q->price, 1) == -1 || q->price <= 0 ||
	    parse_num(fields[3], &q->prev_close, 0) == -1 ||
	    parse_num(fields[4], &q->high52, 0) == -1 ||
	    parse_num(fields[5], &q->low52, 0) == -1 ||
	    parse_num(fields[6], &vol, 0) == -1) {
		snprintf(err, errlen, "%s:%d: invalid number", path, lineno);
		return -1;
	}
	q->volume = quote_volume(vol);
	return 0;
}

/* In time order; qsort is not stable, so sort only what is out of it. */
static void
sort(struct replay *r)
{
	size_t	 i;

	for (i = 1; i < r->n; i++)
		if (r->q[i].time < r->q[i - 1].time)
			break;
	if (i < r->n)
		qsort(r->q, r->n, sizeof(*r->q), by_time);
}

/*
 * Read a replay file.  Returns NULL with a "FILE:LINE: message" in err
 * when the file cannot be read or a line is malformed.
 */
struct replay *
replay_open(const char *path, char *err, size_t errlen)
{
	FILE		*f;
	struct replay	*r;
	char		*line = NULL, *p;
	size_t		 cap = 0;
	ssize_t		 len;
	int		 lineno = 0;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (lineno == 1 && strncasecmp(p, "time,", 5) == 0)
			continue;
		r->q = xreallocarray(r->q, r->n + 1, sizeof(*r->q));
		if (parse_line(p, path, lineno, &r->q[r->n], err, errlen) == -1)
			goto fail;
		r->n++;
	}
	if (ferror(f))
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (r->n == 0)
		snprintf(err, errlen, "%s: no quotes", path);
	else {
		free(line);
		fclose(f);
		sort(r);
		return r;
	}
 fail:
	free(line);
	fclose(f);
	replay_free(r);
	return NULL;
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	free(r->q);
	free(r);
}

size_t
replay_count(const struct replay *r)
{
	return r->n;
}

const struct quote *
replay_get(const struct replay *r, size_t i)
{
	return i < r->n ? &r->q[i] : NULL;
}

time_t
replay_first_time(const struct replay *r)
{
	return r->q[0].time;
}

time_t
replay_last_time(const struct replay *r)
{
	return r->q[r->n - 1].time;
}

int
replay_has_symbol(const struct replay *r, const char *sym)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->q[i].symbol, sym) == 0)
			return 1;
	return 0;
}

/* The latest quote of sym at or before t, or NULL. */
const struct quote *
replay_latest(const struct replay *r, const char *sym, time_t t)
{
	size_t	 lo = 0, hi = r->n, mid;

	while (lo < hi) {		/* first index with time > t */
		mid = lo + (hi - lo) / 2;
		if (r->q[mid].time <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		lo--;
		if (strcmp(r->q[lo].symbol, sym) == 0)
			return &r->q[lo];
	}
	return NULL;
}
