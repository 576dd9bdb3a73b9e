/*
 * The replay provider: recorded quotes from a CSV file, plain or gzipped,
 *   time,symbol,price,prev_close,high52,low52,volume[,open,high,low]
 *   2026-03-02T14:30:00Z,CALX,41.20,40.95,44.53,27.73,812000
 * read as a stream: constant memory whatever the file's size.  A header
 * line is optional; empty fields other than time, symbol and price mean
 * "unknown"; the last three, when there, are the session's open, high
 * and low so far.  The quotes of each symbol must be in time order.
 *
 * A file whose first line is the header
 *   date,symbol,open,high,low,close,volume
 * holds daily bars instead: each row is a quote at that session's close
 * on the symbol's exchange, its previous close the row before's.
 *
 * Backtests read millions of lines, so the common spellings are parsed
 * by hand: a fixed-format timestamp, and prices as exact decimals
 * (digits and one point: the mantissa and its power of ten are exact
 * doubles, so one division gives the correctly rounded value that strtod
 * would).  Anything else goes the general way, with the same result.
 * Symbols are looked up by hash, once per spelling.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <zlib.h>

#include "lib/lib.h"
#include "market/market.h"
#include "providers/providers.h"

#define CHUNK		(256 * 1024)	/* read at a time; the longest line */
#define SYMBOLS_MAX	100000		/* distinct symbols in one file */

struct replay {
	char		*path;
	int		 fd;		/* a plain file: read directly */
	gzFile		 gz;		/* a gzipped one (or a pipe) */
	char		*buf;		/* CHUNK + 1 bytes */
	size_t		 pos, len;	/* unread: buf[pos..len) */
	int		 eof;
	long		 lineno;
	struct strmap	*syms;		/* spelling -> struct replay_sym */
	struct replay_sym **all;	/* owned, for freeing */
	size_t		 nall;
	char		 datebuf[10];	/* the last date parsed, and its day */
	time_t		 dateday;
	char		 timebuf[20];	/* the last time parsed, and its value */
	time_t		 timeval;
	int		 bars;		/* date,symbol,open,high,low,close,.. */
};

static int	date_close(const char *, const char *, time_t *);

/* The comma-separated fields of [p, end), at most max: f[i]..e[i]. */
static size_t
fields(char *p, char *end, char **f, char **e, size_t max)
{
	size_t	 nf = 0;

	while (nf < max) {
		f[nf] = p;
		while (p < end && *p != ',')
			p++;
		e[nf++] = p;
		if (p == end)
			break;
		p++;
	}
	return nf;
}

static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int
digits(const char *s, int n, int *out)
{
	int	 v = 0;

	while (n-- > 0) {
		if ((unsigned)(*s - '0') > 9)
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	*out = v;
	return 0;
}

/*
 * 2026-03-02T14:30:00Z, with T or a space, with or without the Z and
 * the seconds.  Day 31 of a short month runs on into the next, as
 * timegm(3) has it.
 */
static int
parse_time(struct replay *r, const char *s, size_t len, time_t *out)
{
	int	 y, mo, d, h, mi, sec = 0;
	size_t	 n = 16;

	if (len < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' &&
	    s[10] != ' ') || s[13] != ':' || digits(s + 11, 2, &h) == -1 ||
	    digits(s + 14, 2, &mi) == -1)
		return -1;
	if (len >= 19 && s[16] == ':') {
		if (digits(s + 17, 2, &sec) == -1)
			return -1;
		n = 19;
	}
	if (n < len && s[n] == 'Z')
		n++;
	if (n != len || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (memcmp(s, r->datebuf, 10) != 0) {
		if (digits(s, 4, &y) == -1 || digits(s + 5, 2, &mo) == -1 ||
		    digits(s + 8, 2, &d) == -1 || mo < 1 || mo > 12 ||
		    d < 1 || d > 31)
			return -1;
		r->dateday = (time_t)cal_days(y, mo, d) * 86400;
		memcpy(r->datebuf, s, 10);
	}
	*out = r->dateday + h * 3600 + mi * 60 + sec;
	return 0;
}

/*
 * A price or a count: an unsigned decimal, or empty for "unknown" (NaN)
 * where that is allowed.  field[len] may be overwritten.
 */
static int
parse_num(char *s, size_t len, double *out, int required)
{
	uint64_t	 m = 0;
	size_t		 i, ndig = 0, frac = 0;
	int		 point = 0;
	char		*end;
	double		 v;

	if (len == 0) {
		*out = NAN;
		return required ? -1 : 0;
	}
	for (i = 0; i < len; i++) {
		if ((unsigned)(s[i] - '0') <= 9) {
			m = m * 10 + (uint64_t)(s[i] - '0');
			ndig++;
			frac += point;
		} else if (s[i] == '.' && !point)
			point = 1;
		else
			break;
	}
	if (i == len && ndig > 0 && ndig <= 15 && frac <= 22) {
		*out = (double)m / pow10tab[frac];
		return 0;
	}
	s[len] = '\0';		/* the general way: strtod, as written */
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || end == s || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

static int __attribute__((__format__(printf, 4, 5)))
fail(struct replay *r, char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[200];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%ld: %s", r->path, r->lineno, msg);
	return -1;
}

/* The symbol spelt by the len bytes at s: found, or validated and added. */
static struct replay_sym *
symbol(struct replay *r, const char *s, size_t len, char *err, size_t errlen)
{
	struct replay_sym	*rs;
	char			 up[SYMBOL_MAX + 1], raw[64];
	size_t			 i;

	if ((rs = strmap_getn(r->syms, s, len)) != NULL)
		return rs->canon != NULL ? rs->canon : rs;
	snprintf(raw, sizeof(raw), "%.*s", (int)(len < 40 ? len : 40), s);
	if (len > SYMBOL_MAX) {
		fail(r, err, errlen, "invalid symbol \"%s\"", raw);
		return NULL;
	}
	for (i = 0; i < len; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[len] = '\0';
	if (!symbol_valid(up)) {
		fail(r, err, errlen, "invalid symbol \"%s\"", raw);
		return NULL;
	}
	if ((rs = strmap_get(r->syms, up)) == NULL) {
		if (r->nall == SYMBOLS_MAX) {
			fail(r, err, errlen, "more than %d symbols", SYMBOLS_MAX);
			return NULL;
		}
		rs = xcalloc(1, sizeof(*rs));
		memcpy(rs->symbol, up, len + 1);
		rs->spelling = xstrdup(up);
		r->all = xreallocarray(r->all, r->nall + 1, sizeof(*r->all));
		r->all[r->nall++] = rs;
		strmap_put(r->syms, rs->spelling, rs);
	}
	if (strcmp(raw, up) != 0) {	/* another spelling of it */
		struct replay_sym *alias = xcalloc(1, sizeof(*alias));

		alias->canon = rs;
		alias->spelling = xstrdup(raw);
		r->all = xreallocarray(r->all, r->nall + 1, sizeof(*r->all));
		r->all[r->nall++] = alias;
		strmap_put(r->syms, alias->spelling, alias);
	}
	return rs;
}

/*
 * A number of the common spelling at *pp: digits with at most one point,
 * 15 digits at most, ended by a comma or the line's NUL.  Returns -1 for
 * anything else, which the general parser then judges.
 */
static inline int
fast_num(const char **pp, double *out)
{
	const char	*p = *pp, *s = p;
	uint64_t	 m = 0;
	unsigned	 d;
	size_t		 nd, frac = 0;

	while ((d = (unsigned)(*p - '0')) <= 9) {
		m = m * 10 + d;
		p++;
	}
	nd = (size_t)(p - s);
	if (*p == '.') {
		s = ++p;
		while ((d = (unsigned)(*p - '0')) <= 9) {
			m = m * 10 + d;
			p++;
		}
		frac = (size_t)(p - s);
		nd += frac;
	}
	if (nd == 0 || nd > 15 || (*p != ',' && *p != '\0'))
		return -1;
	*out = (double)m / pow10tab[frac];
	*pp = p;
	return 0;
}

/*
 * The common spelling of a line, in one pass: a 20-character time with
 * its Z, a symbol seen before, numbers fast_num() reads or empty.  Returns
 * 0 for anything else (*end is a NUL).
 */
static int
fast_line(struct replay *r, const char *p, const char *end, struct quote *q,
    struct replay_sym **rsp)
{
	struct replay_sym	*rs;
	const char		*s;
	double			 v[5];
	uint32_t		 h = 2166136261u;
	int			 i;

	if (end - p < 24 || p[20] != ',')
		return 0;
	if (memcmp(p, r->timebuf, 20) != 0) {	/* quotes come in runs */
		if (parse_time(r, p, 20, &r->timeval) == -1)
			return 0;
		memcpy(r->timebuf, p, 20);
	}
	q->time = r->timeval;
	for (s = p += 21; *p != ',' && *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	if (*p != ',' || (rs = strmap_getnh(r->syms, s, (size_t)(p - s),
	    h)) == NULL)
		return 0;
	for (i = 0; i < 5; i++) {
		p++;
		if (*p == ',' || (*p == '\0' && p == end))
			v[i] = NAN;
		else if (fast_num(&p, &v[i]) == -1)
			return 0;
		if (i < 4 ? *p != ',' : p != end)
			return 0;
	}
	if (!(v[0] > 0))
		return 0;
	*rsp = rs = rs->canon != NULL ? rs->canon : rs;
	memcpy(q->symbol, rs->symbol, sizeof(q->symbol));
	q->price = v[0];
	q->prev_close = v[1];
	q->high52 = v[2];
	q->low52 = v[3];
	q->volume = api_volume(v[4]);
	q->currency[0] = '\0';
	return 1;
}

/*
 * One line: time,symbol,price,prev_close,high52,low52,volume, the last
 * four possibly empty.  Returns -1 with "FILE:LINE: message" in err.
 */
static int
parse_line(struct replay *r, char *p, char *end, struct quote *q,
    struct replay_sym **rsp, char *err, size_t errlen)
{
	char		*f[10], *e[10];
	size_t		 nf = 0;
	double		 vol, ohl[3];

	nf = fields(p, end, f, e, 10);
	if (nf < 3 || e[nf - 1] != end || (nf > 7 && nf < 10)) {
		for (p = e[nf - 1]; p < end; p++)	/* more than 10 */
			nf += *p == ',';
		return fail(r, err, errlen, "expected 7 fields (time,symbol,"
		    "price,prev_close,high52,low52,volume) or 10 (and open,"
		    "high,low), got %zu", nf);
	}
	for (; nf < 10; nf++)
		f[nf] = e[nf] = end;
	if ((*rsp = symbol(r, f[1], (size_t)(e[1] - f[1]), err, errlen)) ==
	    NULL)
		return -1;
	if (e[0] - f[0] == 10 && date_close((*rsp)->symbol, f[0],
	    &q->time) == 0)
		;		/* a date only: that session's close */
	else if (parse_time(r, f[0], (size_t)(e[0] - f[0]), &q->time) == -1) {
		*e[0] = '\0';
		return fail(r, err, errlen, "invalid time \"%s\" (expected "
		    "2026-03-02T14:30:00Z, or a date)", f[0]);
	}
	memcpy(q->symbol, (*rsp)->symbol, sizeof(q->symbol));
	if (parse_num(f[2], (size_t)(e[2] - f[2]), &q->price, 1) == -1 ||
	    q->price <= 0 ||
	    parse_num(f[3], (size_t)(e[3] - f[3]), &q->prev_close, 0) == -1 ||
	    parse_num(f[4], (size_t)(e[4] - f[4]), &q->high52, 0) == -1 ||
	    parse_num(f[5], (size_t)(e[5] - f[5]), &q->low52, 0) == -1 ||
	    parse_num(f[6], (size_t)(e[6] - f[6]), &vol, 0) == -1 ||
	    parse_num(f[7], (size_t)(e[7] - f[7]), &ohl[0], 0) == -1 ||
	    parse_num(f[8], (size_t)(e[8] - f[8]), &ohl[1], 0) == -1 ||
	    parse_num(f[9], (size_t)(e[9] - f[9]), &ohl[2], 0) == -1)
		return fail(r, err, errlen, "invalid number");
	q->volume = api_volume(vol);
	q->open = isfinite(ohl[0]) ? ohl[0] : 0;
	q->day_high = isfinite(ohl[1]) ? ohl[1] : 0;
	q->day_low = isfinite(ohl[2]) ? ohl[2] : 0;
	q->currency[0] = '\0';
	return 0;
}

/* The close of session date (2026-03-02) on symbol's exchange. */
static int
date_close(const char *symbol, const char *date, time_t *out)
{
	const struct exchange	*ex;
	int			 y, m, d, n = 0, c;

	if (sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	if ((ex = exchange_of_symbol(symbol)) == NULL)
		ex = exchange_default();
	if ((c = exchange_close_minute(ex, y, m, d, NULL)) <= 0)
		c = ex->close;		/* a session the calendar lacks */
	*out = market_time(ex, cal_days(y, m, d), c);
	return 0;
}

/*
 * A row of daily bars: date,symbol,open,high,low,close,volume, a quote
 * at the close of that session on the symbol's exchange.
 */
static int
parse_bar(struct replay *r, char *p, char *end, struct quote *q,
    struct replay_sym **rsp, char *err, size_t errlen)
{
	char			*f[7], *e[7];
	double			 v[5];
	size_t			 nf = 0, i;
	int			 y, m, d, n = 0;

	nf = fields(p, end, f, e, 7);
	if (nf != 7 || e[6] != end)
		return fail(r, err, errlen, "expected 7 fields (date,symbol,"
		    "open,high,low,close,volume)");
	if (sscanf(f[0], "%4d-%2d-%2d,%n", &y, &m, &d, &n) != 3 || n != 11 ||
	    m < 1 || m > 12 || d < 1 || d > 31) {
		*e[0] = '\0';
		return fail(r, err, errlen, "invalid date \"%s\" (expected "
		    "2026-03-02)", f[0]);
	}
	if ((*rsp = symbol(r, f[1], (size_t)(e[1] - f[1]), err, errlen)) ==
	    NULL)
		return -1;
	for (i = 0; i < 5; i++)
		if (parse_num(f[2 + i], (size_t)(e[2 + i] - f[2 + i]), &v[i],
		    i == 3) == -1)
			return fail(r, err, errlen, "invalid number");
	if (!(v[3] > 0))
		return fail(r, err, errlen, "no close");
	memcpy(q->symbol, (*rsp)->symbol, sizeof(q->symbol));
	date_close(q->symbol, f[0], &q->time);
	q->price = v[3];
	q->open = isfinite(v[0]) ? v[0] : 0;
	q->day_high = isfinite(v[1]) ? v[1] : 0;
	q->day_low = isfinite(v[2]) ? v[2] : 0;
	q->volume = api_volume(v[4]);
	q->prev_close = (*rsp)->last_close > 0 ? (*rsp)->last_close : NAN;
	q->high52 = q->low52 = NAN;
	q->currency[0] = '\0';
	(*rsp)->last_close = v[3];
	return 0;
}

/* More of the file into the buffer; -1 with err on a read error. */
static int
fill(struct replay *r, char *err, size_t errlen)
{
	const char	*msg;
	int		 n, zerr = Z_OK;

	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->len -= r->pos;
	r->pos = 0;
	if (r->gz == NULL) {
		while ((n = (int)read(r->fd, r->buf + r->len, CHUNK - r->len)) ==
		    -1 && errno == EINTR)
			;
		zerr = Z_ERRNO;
	} else
		n = gzread(r->gz, r->buf + r->len, (unsigned)(CHUNK - r->len));
	if (n < 0 || (n == 0 && r->gz != NULL && gzerror(r->gz, &zerr) !=
	    NULL && zerr != Z_OK)) {
		msg = zerr == Z_ERRNO ? strerror(errno) : gzerror(r->gz, &zerr);
		if (zerr != Z_ERRNO && strstr(msg, ": ") != NULL)
			msg = strstr(msg, ": ") + 2;	/* "<fd:3>: ..." */
		snprintf(err, errlen, "%s: %s", r->path, msg);
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->len += (size_t)n;
	return 0;
}

/* The next line, without its end; NULL at the end of the file. */
static char *
next_line(struct replay *r, char **endp, char *err, size_t errlen, int *rc)
{
	char	*p, *nl;

	*rc = 0;
	for (;;) {
		p = r->buf + r->pos;
		if ((nl = memchr(p, '\n', r->len - r->pos)) != NULL ||
		    (r->eof && r->pos < r->len)) {
			if (nl == NULL)		/* the last, without a newline */
				nl = r->buf + r->len;
			r->pos = (size_t)(nl - r->buf) + (nl < r->buf + r->len);
			r->lineno++;
			if (nl > p && nl[-1] == '\r')
				nl--;
			*endp = nl;
			return p;
		}
		if (r->eof)
			return NULL;
		if (r->pos == 0 && r->len == CHUNK) {
			r->lineno++;
			*rc = fail(r, err, errlen, "line longer than %d bytes",
			    CHUNK);
			return NULL;
		}
		if (fill(r, err, errlen) == -1) {
			*rc = -1;
			return NULL;
		}
	}
}

/*
 * The next quote of the file into q, and its symbol into *rsp.  Returns
 * 1, 0 at the end, or -1 with "FILE:LINE: message" in err.
 */
int
replay_next(struct replay *r, struct quote *q, struct replay_sym **rsp,
    char *err, size_t errlen)
{
	struct replay_sym	*rs;
	char			*p, *end, when[32];
	int			 rc;

	while ((p = next_line(r, &end, err, errlen, &rc)) != NULL) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			continue;
		if (r->lineno == 1 && end - p >= 5 &&
		    strncasecmp(p, "time,", 5) == 0)
			continue;
		if (r->lineno == 1 && end - p >= 11 &&
		    strncasecmp(p, "date,symbol", 11) == 0) {
			r->bars = 1;
			continue;
		}
		*end = '\0';
		if (r->bars) {
			if (parse_bar(r, p, end, q, rsp, err, errlen) == -1)
				return -1;
		} else if (!fast_line(r, p, end, q, rsp) &&
		    parse_line(r, p, end, q, rsp, err, errlen) == -1)
			return -1;
		rs = *rsp;
		if (q->time < rs->last_time) {
			fmt_time(rs->last_time, FMT_ISO, when, sizeof(when));
			snprintf(err, errlen, "%s:%ld: %s is earlier than its "
			    "quote of %s on line %ld: a symbol's quotes must "
			    "be in time order", r->path, r->lineno, rs->symbol,
			    when, rs->last_line);
			return -1;
		}
		rs->last_time = q->time;
		rs->last_line = r->lineno;
		rs->count++;
		return 1;
	}
	return rc;
}

/*
 * Open a replay file, gzipped or not.  Returns NULL with a message in err
 * when it cannot be opened; its lines are judged as they are read.
 */
struct replay *
replay_open(const char *path, char *err, size_t errlen)
{
	struct replay	*r;
	unsigned char	 magic[2];
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	if (pread(fd, magic, 2, 0) != 2 || (magic[0] == 0x1f &&
	    magic[1] == 0x8b)) {
		if ((r->gz = gzdopen(fd, "rb")) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			free(r);
			return NULL;
		}
		gzbuffer(r->gz, CHUNK);
	}
	r->path = xstrdup(path);
	r->buf = xmalloc(CHUNK + 1);
	r->syms = strmap_new();
	return r;
}

/* Read a whole replay file through; -1 with err at its first fault. */
int
replay_check(const char *path, char *err, size_t errlen)
{
	struct replay		*r;
	struct replay_sym	*rs;
	struct quote		 q;
	size_t			 n = 0;
	int			 rc;

	if ((r = replay_open(path, err, errlen)) == NULL)
		return -1;
	while ((rc = replay_next(r, &q, &rs, err, errlen)) == 1)
		n++;
	replay_free(r);
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "%s: no quotes", path);
		rc = -1;
	}
	return rc;
}

/* Where the reader is, as "FILE:LINE". */
void
replay_where(const struct replay *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%ld", r->path, r->lineno);
}

/* The symbol of that name, if the file has had a quote of it so far. */
struct replay_sym *
replay_symbol(const struct replay *r, const char *name)
{
	struct replay_sym	*rs = strmap_get(r->syms, name);

	return rs != NULL && rs->canon != NULL ? rs->canon : rs;
}

void
replay_free(struct replay *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	else
		close(r->fd);
	for (i = 0; i < r->nall; i++) {
		free(r->all[i]->spelling);
		free(r->all[i]);
	}
	free(r->all);
	strmap_free(r->syms);
	free(r->buf);
	free(r->path);
	free(r);
}
