/*
 * Time zones, from the system's tz database (tzdata).
 *
 * A zone is read once, the first time it is asked for, from its TZif
 * file (RFC 8536): the transitions it lists, and after the last of them
 * the POSIX TZ rule of its footer ("EST5EDT,M3.2.0,M11.1.0"), worked out
 * year by year to 2100.  That makes a table of its UTC offsets and the
 * instants they change, from 1970.  Every later question is a binary
 * search in that table: no TZ switch, no C library state, no lock.
 * Before 1970 the zone's offset of 1970 holds, after 2100 its last.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/lib.h"
#include "market/market.h"

#define ZONES_MAX	64		/* the exchanges' and a few more */
#define TABLE_FROM	0			/* 1970-01-01 */
#define TABLE_TO	4102444800LL		/* 2100-01-01 */
#define TZIF_MAX	(256 * 1024)	/* a TZif file, at most */
#define TYPES_MAX	256

struct span {
	time_t		 from;		/* the offset holds from here */
	int		 off;		/* seconds east of UTC */
	char		 abbr[8];	/* "JST", "BST" */
};

struct zone {
	char		 name[48];
	int		 missing;	/* not in the database: said once */
	struct span	*v;
	size_t		 n, cap;
	size_t		 last;		/* the span asked about last */
};

static struct zone	 zones[ZONES_MAX];
static size_t		 nzones;
static int		 sealed;	/* no more zones read */

/* A local time type: an offset and its abbreviation. */
struct ttype {
	int		 off;
	char		 abbr[8];
};

/* One rule of a POSIX TZ string: where in the year, and when that day. */
struct tzday {
	int		 kind;		/* 'J' Julian 1..365, 'n' 0..365, 'M' */
	int		 n, m, w, d;
	long		 secs;		/* after local midnight */
};

struct tzrule {
	struct ttype	 std, dst;
	int		 has_dst;
	struct tzday	 start, end;
};

/* Add a span from `from', unless the offset and abbreviation hold. */
static void
span_add(struct zone *z, time_t from, const struct ttype *t)
{
	struct span	*s;

	if (z->n > 0 && z->v[z->n - 1].off == t->off &&
	    strcmp(z->v[z->n - 1].abbr, t->abbr) == 0)
		return;
	if (z->n > 0 && z->v[z->n - 1].from >= from) {
		z->v[z->n - 1].off = t->off;	/* the same instant */
		tk_strlcpy(z->v[z->n - 1].abbr, t->abbr,
		    sizeof(z->v[z->n - 1].abbr));
		return;
	}
	if (z->n == z->cap) {
		z->cap = z->cap ? z->cap * 2 : 64;
		z->v = xreallocarray(z->v, z->cap, sizeof(*z->v));
	}
	s = &z->v[z->n++];
	s->from = from;
	s->off = t->off;
	tk_strlcpy(s->abbr, t->abbr, sizeof(s->abbr));
}

static int64_t
be(const unsigned char *p, int len)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 0; i < len; i++)
		v = v << 8 | p[i];
	if (len == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* ---- the POSIX TZ rule of a TZif footer (RFC 8536, section 3.3) */

/* An abbreviation: letters, or <...> with signs and digits too. */
static const char *
rule_abbr(const char *p, char *out, size_t len)
{
	size_t	 n = 0;
	int	 quoted = *p == '<';

	if (quoted)
		p++;
	while (*p != '\0' && (quoted ? *p != '>' : (*p >= 'A' && *p <= 'Z') ||
	    (*p >= 'a' && *p <= 'z'))) {
		if (n + 1 < len)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	if (quoted && *p++ != '>')
		return NULL;
	return n >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]], into seconds; NULL when there is none. */
static const char *
rule_secs(const char *p, long *out)
{
	long	 sign = 1, v[3] = { 0, 0, 0 };
	int	 i;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9' && v[i] < 1000)
			v[i] = v[i] * 10 + (*p++ - '0');
		if (*p != ':' || i == 2)
			break;
		p++;
	}
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return p;
}

static const char *
rule_num(const char *p, int *out)
{
	int	 v = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9' && v < 10000)
		v = v * 10 + (*p++ - '0');
	*out = v;
	return p;
}

/* ,Jn or ,n or ,Mm.w.d, then [/time]. */
static const char *
rule_day(const char *p, struct tzday *t)
{
	if (*p++ != ',')
		return NULL;
	t->secs = 2 * 3600;
	if (*p == 'J') {
		t->kind = 'J';
		p = rule_num(p + 1, &t->n);
	} else if (*p == 'M') {
		t->kind = 'M';
		if ((p = rule_num(p + 1, &t->m)) == NULL || *p++ != '.' ||
		    (p = rule_num(p, &t->w)) == NULL || *p++ != '.' ||
		    (p = rule_num(p, &t->d)) == NULL || t->m < 1 ||
		    t->m > 12 || t->w < 1 || t->w > 5 || t->d > 6)
			return NULL;
	} else {
		t->kind = 'n';
		p = rule_num(p, &t->n);
	}
	if (p != NULL && *p == '/')
		p = rule_secs(p + 1, &t->secs);
	return p;
}

/* The footer's rule; -1 when it is not one this reader knows. */
static int
rule_parse(const char *p, struct tzrule *r)
{
	long	 off;

	memset(r, 0, sizeof(*r));
	if ((p = rule_abbr(p, r->std.abbr, sizeof(r->std.abbr))) == NULL ||
	    (p = rule_secs(p, &off)) == NULL)
		return -1;
	r->std.off = (int)-off;		/* POSIX counts west of UTC */
	if (*p == '\0')
		return 0;
	if ((p = rule_abbr(p, r->dst.abbr, sizeof(r->dst.abbr))) == NULL)
		return -1;
	r->has_dst = 1;
	r->dst.off = r->std.off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = rule_secs(p, &off)) == NULL)
			return -1;
		r->dst.off = (int)-off;
	}
	if (*p == '\0') {		/* POSIX's default: the US rule */
		r->start = (struct tzday){ 'M', 0, 3, 2, 0, 7200 };
		r->end = (struct tzday){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if ((p = rule_day(p, &r->start)) == NULL ||
	    (p = rule_day(p, &r->end)) == NULL || *p != '\0')
		return -1;
	return 0;
}

/* The local midnight of the rule's day in year y, as cal_days(). */
static long
rule_date(const struct tzday *t, int y)
{
	long	 jan1 = cal_days(y, 1, 1);
	int	 leap = cal_days(y, 3, 1) - cal_days(y, 2, 28) == 2;

	switch (t->kind) {
	case 'J':			/* 1..365, February 29 not counted */
		return jan1 + t->n - 1 + (leap && t->n >= 60);
	case 'n':
		return jan1 + t->n;
	default:
		return cal_nth_weekday(y, t->m, t->d, t->w == 5 ? -1 : t->w);
	}
}

/* The rule's changes of each year after `after', to TABLE_TO. */
static void
rule_extend(struct zone *z, const struct tzrule *r, time_t after)
{
	time_t		 on, off;
	int		 y, y0, m, d;

	if (!r->has_dst) {
		span_add(z, after + 1, &r->std);
		return;
	}
	cal_date((long)(after / 86400), &y0, &m, &d);
	for (y = y0; y < 2100; y++) {
		on = (time_t)rule_date(&r->start, y) * 86400 + r->start.secs -
		    r->std.off;
		off = (time_t)rule_date(&r->end, y) * 86400 + r->end.secs -
		    r->dst.off;
		if (on < off) {		/* the northern half */
			if (on > after)
				span_add(z, on, &r->dst);
			if (off > after)
				span_add(z, off, &r->std);
		} else {
			if (off > after)
				span_add(z, off, &r->std);
			if (on > after)
				span_add(z, on, &r->dst);
		}
	}
}

/* ---- the TZif file */

/*
 * The table from TZif bytes b (len of them); -1 when they are not a
 * TZif file this reader knows.
 */
static int
tzif_read(struct zone *z, const unsigned char *b, size_t len)
{
	struct ttype	 types[TYPES_MAX];
	struct tzrule	 rule;
	const unsigned char *p = b, *t, *idx, *tt, *chars;
	int64_t		 cnt[6], at, last = TABLE_FROM;
	size_t		 i, need, tsize = 4;
	char		 footer[128];
	const char	*nl;
	int		 v2, first, k;

	if (len < 44 || memcmp(b, "TZif", 4) != 0)
		return -1;
	v2 = b[4] >= '2';
	for (;;) {
		for (i = 0; i < 6; i++)
			cnt[i] = be(p + 20 + 4 * i, 4);
		/* isut, isstd, leap, time, type, char */
		need = 44 + cnt[3] * (tsize + 1) + cnt[4] * 6 + cnt[5] +
		    cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
		if (cnt[4] < 1 || cnt[4] > TYPES_MAX || cnt[3] < 0 ||
		    cnt[5] < 0 || cnt[2] < 0 || cnt[1] < 0 || cnt[0] < 0 ||
		    cnt[3] > (int64_t)len || need > len - (size_t)(p - b))
			return -1;
		if (!v2 || tsize == 8)
			break;
		p += need;		/* the 64-bit data follows the 32-bit */
		if ((size_t)(p - b) + 44 > len || memcmp(p, "TZif", 4) != 0)
			return -1;
		tsize = 8;
	}
	t = p + 44;
	idx = t + cnt[3] * tsize;
	tt = idx + cnt[3];
	chars = tt + cnt[4] * 6;
	for (k = 0; k < cnt[4]; k++) {
		size_t	 ci = tt[6 * k + 5];

		types[k].off = (int)be(tt + 6 * k, 4);
		tk_strlcpy(types[k].abbr, ci < (size_t)cnt[5] ?
		    (const char *)chars + ci : "", sizeof(types[k].abbr));
		if (ci < (size_t)cnt[5] && memchr(chars + ci, '\0',
		    cnt[5] - ci) == NULL)
			types[k].abbr[0] = '\0';
	}
	/* the type of 1970: of the last change before it, else type 0 */
	first = 0;
	for (i = 0; i < (size_t)cnt[3] && be(t + i * tsize, tsize) <= 0; i++)
		first = idx[i];
	if (first >= cnt[4])
		return -1;
	span_add(z, TABLE_FROM, &types[first]);
	for (; i < (size_t)cnt[3]; i++) {
		at = be(t + i * tsize, tsize);
		if (idx[i] >= cnt[4] || at <= last)
			return -1;	/* not ascending */
		if (at < TABLE_TO)
			span_add(z, (time_t)at, &types[idx[i]]);
		last = at;
	}
	if (!v2)
		return 0;
	p = chars + cnt[5] + cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
	if ((size_t)(p - b) >= len || *p != '\n' || (nl = memchr(p + 1, '\n',
	    len - (size_t)(p - b) - 1)) == NULL || nl - (const char *)p - 1 >=
	    (long)sizeof(footer))
		return -1;
	memcpy(footer, p + 1, nl - (const char *)p - 1);
	footer[nl - (const char *)p - 1] = '\0';
	if (footer[0] == '\0' || last >= TABLE_TO)
		return 0;		/* no rule: the last offset holds */
	if (rule_parse(footer, &rule) == -1)
		return -1;
	rule_extend(z, &rule, (time_t)last);
	return 0;
}

/* The zone's file in the database, or "" when the name cannot be one. */
static void
zone_path(const char *name, char *path, size_t len)
{
	const char	*dir = getenv("TZDIR");

	path[0] = '\0';
	if (name[0] == '/' || strstr(name, "..") != NULL)
		return;
	snprintf(path, len, "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", name);
}

/*
 * Read the zone's table; -1 when the database has no such zone, or its
 * file is not TZif.  UTC needs no file.
 */
static int
zone_load(struct zone *z)
{
	static const struct ttype utc = { 0, "UTC" };
	unsigned char	*b;
	char		 path[512];
	struct stat	 st;
	ssize_t		 got;
	size_t		 len = 0;
	int		 fd, rv;

	zone_path(z->name, path, sizeof(path));
	if (path[0] == '\0' || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (strcmp(z->name, "UTC") != 0)
			return -1;
		span_add(z, TABLE_FROM, &utc);
		return 0;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZIF_MAX) {
		close(fd);
		return -1;
	}
	b = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size && ((got = read(fd, b + len,
	    (size_t)st.st_size - len)) > 0 || (got == -1 && errno == EINTR)))
		len += got > 0 ? (size_t)got : 0;
	close(fd);
	rv = tzif_read(z, b, len);
	free(b);
	if (rv == -1) {
		free(z->v);
		z->v = NULL;
		z->n = z->cap = 0;
	}
	return rv;
}

/*
 * The zone of that IANA name ("Asia/Tokyo"), read on first use; NULL
 * (said once) when the tz database does not have it, or (not said) when
 * it was not read before zone_seal().
 */
struct zone *
zone_get(const char *name)
{
	struct zone	*z;
	size_t		 i;

	for (i = 0; i < nzones; i++)
		if (strcmp(zones[i].name, name) == 0)
			return zones[i].missing ? NULL : &zones[i];
	/* a provider's word: only what a zone name may be */
	if (sealed || nzones == ZONES_MAX || strlen(name) >= sizeof(z->name) ||
	    name[0] == '\0' || name[strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789/_+-")] != '\0')
		return NULL;
	z = &zones[nzones++];
	tk_strlcpy(z->name, name, sizeof(z->name));
	if (zone_load(z) == -1) {
		log_warnx("time zone %s is not in the tz database (is tzdata "
		    "installed?); its times are taken as UTC", name);
		z->missing = 1;
		return NULL;
	}
	return z;
}

/*
 * No zone is read from now on: zone_get() answers only with those read
 * before.  The daemon reads its zones at start and then seals them: no
 * file is read in the event loop.
 */
void
zone_seal(void)
{
	sealed = 1;
}

const char *
zone_name(const struct zone *z)
{
	return z->name;
}

static const struct span *
span_at(struct zone *z, time_t t)
{
	size_t	 lo = 0, hi = z->n, mid;

	if (z->last + 1 < z->n && z->v[z->last].from <= t &&
	    t < z->v[z->last + 1].from)
		return &z->v[z->last];
	if (t < z->v[0].from)
		return &z->v[0];
	while (hi - lo > 1) {		/* v[lo].from <= t < v[hi].from */
		mid = lo + (hi - lo) / 2;
		if (z->v[mid].from <= t)
			lo = mid;
		else
			hi = mid;
	}
	z->last = lo;
	return &z->v[lo];
}

/* The zone's offset from UTC at t, in seconds; *abbr its abbreviation. */
int
zone_offset(struct zone *z, time_t t, const char **abbr)
{
	const struct span	*s = span_at(z, t);

	if (abbr != NULL)
		*abbr = s->abbr;
	return s->off;
}

/* The local date of t in the zone, as days since 1970-01-01. */
long
zone_day(struct zone *z, time_t t)
{
	long long	 s = (long long)t + zone_offset(z, t, NULL);

	return (long)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

/* Minutes since local midnight at t. */
int
zone_minute(struct zone *z, time_t t)
{
	long long	 s = ((long long)t + zone_offset(z, t, NULL)) % 86400;

	return (int)((s < 0 ? s + 86400 : s) / 60);
}

/*
 * The UTC instant of a local wall time: day (as zone_day) at `minute'
 * after midnight.  A wall time skipped by a clock change is taken at the
 * offset before it.
 */
time_t
zone_utc(struct zone *z, long day, int minute)
{
	time_t	 local = (time_t)day * 86400 + (time_t)minute * 60;
	int	 o1, o2;

	o1 = zone_offset(z, local, NULL);
	o2 = zone_offset(z, local - o1, NULL);
	if (o2 == o1)
		return local - o1;
	/* near a change: the offset that maps back to this wall time */
	if (zone_offset(z, local - o2, NULL) == o2)
		return local - o2;
	return local - o1;
}
