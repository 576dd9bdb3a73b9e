/*
 * Time zones, from the system's tz database (tzdata).
 *
 * A zone is read once, the first time it is asked for, through the C
 * library's own reader of the database (TZ, tzset, localtime_r), into a
 * table of its UTC offsets and the instants they change, from 1970 to
 * 2100, a week at a time (no zone of an exchange has changed its clock
 * twice within a week) and then to the second; TZ is then put back as
 * it was.  Every later question is a
 * binary search in that table: no file, no TZ switch, no lock.  Before
 * 1970 the zone's first offset holds, after 2100 its last.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/lib.h"
#include "market/market.h"

#define ZONES_MAX	64		/* the exchanges' and a few more */
#define SCAN_FROM	0			/* 1970-01-01 */
#define SCAN_TO		4102444800LL		/* 2100-01-01 */
#define SCAN_STEP	(7 * 86400)	/* no zone changes twice in a week */

struct span {
	time_t		 from;		/* the offset holds from here */
	int		 off;		/* seconds east of UTC */
	char		 abbr[8];	/* "JST", "BST" */
};

struct zone {
	char		 name[48];
	int		 missing;	/* not in the database: said once */
	struct span	*v;
	size_t		 n;
	size_t		 last;		/* the span asked about last */
};

static struct zone	 zones[ZONES_MAX];
static size_t		 nzones;
static int		 sealed;	/* no more zones read */

/* Whether the tz database has a zone of that name. */
static int
zone_exists(const char *name)
{
	const char	*dir = getenv("TZDIR");
	char		 path[512];
	struct stat	 st;

	if (strcmp(name, "UTC") == 0)
		return 1;
	if (name[0] == '/' || strstr(name, "..") != NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, R_OK) == 0;
}

static void
span_add(struct zone *z, time_t from, const struct tm *tm)
{
	struct span	*s;

	z->v = xreallocarray(z->v, z->n + 1, sizeof(*z->v));
	s = &z->v[z->n++];
	s->from = from;
	s->off = (int)tm->tm_gmtoff;
	tk_strlcpy(s->abbr, tm->tm_zone ? tm->tm_zone : "", sizeof(s->abbr));
}

/* The first second in (lo, hi] whose offset differs from lo's. */
static time_t
change_in(time_t lo, time_t hi, long off)
{
	struct tm	 tm;
	time_t		 mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		localtime_r(&mid, &tm);
		if (tm.tm_gmtoff == off)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* Read the zone with TZ set to it, a week at a time. */
static void
zone_scan(struct zone *z)
{
	struct tm	 tm, prev;
	time_t		 t, at;
	char		*saved = getenv("TZ");

	saved = saved != NULL ? xstrdup(saved) : NULL;
	setenv("TZ", z->name, 1);
	tzset();
	t = SCAN_FROM;
	localtime_r(&t, &prev);
	span_add(z, SCAN_FROM, &prev);
	for (t = SCAN_FROM + SCAN_STEP; t <= SCAN_TO; t += SCAN_STEP) {
		localtime_r(&t, &tm);
		if (tm.tm_gmtoff == prev.tm_gmtoff &&
		    tm.tm_isdst == prev.tm_isdst)
			continue;
		at = change_in(t - SCAN_STEP, t, prev.tm_gmtoff);
		if (tm.tm_gmtoff == prev.tm_gmtoff)
			at = t;		/* only the abbreviation changed */
		localtime_r(&at, &tm);
		span_add(z, at, &tm);
		prev = tm;
	}
	if (saved != NULL) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
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
	if (!zone_exists(name)) {
		log_warnx("time zone %s is not in the tz database (is tzdata "
		    "installed?); its times are taken as UTC", name);
		z->missing = 1;
		return NULL;
	}
	zone_scan(z);
	return z;
}

/*
 * No zone is read from now on: zone_get() answers only with those read
 * before.  The daemon reads its zones at start and then seals them, for
 * reading one sets TZ, and the environment must not change while
 * libcurl's resolver threads may read it.
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
