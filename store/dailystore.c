/*
 * Each symbol's daily history in the state directory, daily/SYMBOL.csv:
 *
 *	date,open,high,low,close,volume
 *	2026-03-02,40.10,41.50,39.80,41.20,812000
 *
 * the completed sessions only (today's is rebuilt from the quotes).  It
 * is written whole, atomically, when it changed: a session completed, or
 * the provider's history replaced it.  It is a cache: a lost or damaged
 * file is fetched again from the provider, so it is not synced before
 * alerts are sent, and a line that cannot be read is skipped.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define HEADER	"date,open,high,low,close,volume"

/* A number of the file, or NaN for an empty field. */
static double
field(const char *s, char **end)
{
	double	 v;

	if (*s == ',' || *s == '\0' || *s == '\n') {
		*end = (char *)s;
		return NAN;
	}
	v = strtod(s, end);
	return isfinite(v) ? v : NAN;
}

/* One line: 0, or -1 when it is not a bar. */
static int
parse_line(const char *line, struct dbar *b)
{
	double	*f[5] = { &b->open, &b->high, &b->low, &b->close, &b->volume };
	char	*end;
	int	 y, m, d, i, n = 0;

	if (sscanf(line, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	b->day = cal_days(y, m, d);
	line += 10;
	for (i = 0; i < 5; i++) {
		if (*line != ',')
			return -1;
		*f[i] = field(line + 1, &end);
		line = end;
	}
	return isfinite(b->close) && b->close > 0 ? 0 : -1;
}

/* The history kept for symbol, into d (which holds nothing yet). */
void
dailystore_load(const char *symbol, struct daily *d)
{
	struct dbar	*v = NULL, b;
	char		*path, line[256];
	size_t		 n = 0, cap = 0, bad = 0;
	long		 latest = (long)(clock_now() / 86400) + 1;
	FILE		*f;

	if (store_dir() == NULL)
		return;
	xasprintf(&path, "%s/daily/%s.csv", store_dir(), symbol);
	if ((f = store_fopen(path, DAILY_FILE_MAX)) == NULL) {
		if (errno == EFBIG || errno == EINVAL)	/* fetched anew */
			store_quarantine(path, store_strerror(errno, DAILY_FILE_MAX));
		else if (errno != ENOENT)
			log_warnx("daily history %s: %s", path,
			    store_strerror(errno, DAILY_FILE_MAX));
		free(path);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "date,", 5) == 0)
			continue;
		if (parse_line(line, &b) == -1 ||
		    dbar_problem(&b, latest) != NULL ||
		    (n > 0 && b.day <= v[n - 1].day)) {
			bad++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		v[n++] = b;
	}
	fclose(f);
	if (bad > 0)
		log_warnx("daily history %s: %zu line%s skipped", path, bad,
		    bad == 1 ? "" : "s");
	if (n > 0)
		daily_replace(d, v, n);
	d->dirty = 0;
	free(v);
	free(path);
}

static void
num(struct buf *b, double v)
{
	if (isfinite(v))
		buf_printf(b, ",%.10g", v);
	else
		buf_puts(b, ",");
}

/* Write symbol's history if it changed since it was read or written. */
int
dailystore_save(const char *symbol, struct daily *d)
{
	struct buf	 b = { 0 };
	char		*dir, name[SYMBOL_MAX + 8];
	size_t		 i;
	int		 y, m, dd, rc;

	if (store_dir() == NULL || !d->dirty)
		return 0;
	xasprintf(&dir, "%s/daily", store_dir());
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		log_warn("daily history: %s", dir);
		free(dir);
		return -1;
	}
	buf_puts(&b, HEADER "\n");
	for (i = 0; i < d->n; i++) {
		cal_date(d->v[i].day, &y, &m, &dd);
		buf_printf(&b, "%04d-%02d-%02d", y, m, dd);
		num(&b, d->v[i].open);
		num(&b, d->v[i].high);
		num(&b, d->v[i].low);
		num(&b, d->v[i].close);
		num(&b, d->v[i].volume);
		buf_puts(&b, "\n");
	}
	snprintf(name, sizeof(name), "%s.csv", symbol);
	if ((rc = store_write_later(dir, name, b.data, b.len)) == 0)
		d->dirty = 0;
	buf_free(&b);
	free(dir);
	return rc;
}
