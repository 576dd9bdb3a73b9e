/*
 * tickerd --fetch-history SYMBOL... [--range 1y] [--interval 1d|1m]
 * [-o FILE]: real history into a replay file, so that a watchlist can be
 * backtested on last year in two commands.
 *
 * The first provider of the configured chain that has a history endpoint
 * is asked (providers/bars.c), through the same libcurl multi handle in
 * a libevent loop as the daemon's polls, four symbols at a time.  Each
 * row is what a quote would have said at the time: the close of a day
 * (timed at that session's close) or of a minute, the previous session's
 * close, and the 52-week high and low as of that day, computed from the
 * daily bars of the year before it (so a year more is asked than the
 * range).  Rows are in time order; FILE.gz is written gzipped.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>
#include <zlib.h>

#include "lib/lib.h"
#include "daemon/daemon.h"

#define INFLIGHT	4
#define HIST_MAX	(32 * 1024 * 1024)	/* largest answer accepted */
#define YEAR_DAYS	365

/* One symbol: its daily bars, and its minute bars when those are asked. */
struct job {
	const char		*symbol;	/* as the user wrote it */
	char			 name[SYMBOL_MAX + 8];	/* the provider's */
	struct bars		 daily, minute;
	int			 left;		/* requests not answered */
	int			 failed;
};

struct xfer {
	struct fetchhist	*F;
	struct job		*j;
	int			 minute;
	char			*url;
	struct net_body		 body;
};

struct fetchhist {
	const struct provider	*p;
	const struct bars_api	*api;
	struct providerconf	*pc;
	struct job		*jobs;
	size_t			 njobs, next;	/* next job to start */
	unsigned		 inflight;
	int			 minute;
	time_t			 now, from;	/* the range asked for */
	long			 timeout;
};

struct row {
	time_t		 time;
	size_t		 sym;
	double		 price, prev, high52, low52, volume;
	double		 open, high, low;	/* the session's so far */
};

static void	start_next(struct fetchhist *);

/* "1y", "6mo", "2w", "5d": days; -1 when it is none of those. */
static long
range_days(const char *s)
{
	char	*end;
	long	 n = strtol(s, &end, 10);

	if (end == s || n <= 0 || n > 100)
		return -1;
	if (strcmp(end, "d") == 0)
		return n;
	if (strcmp(end, "w") == 0 || strcmp(end, "wk") == 0)
		return n * 7;
	if (strcmp(end, "mo") == 0)
		return n * 31;
	if (strcmp(end, "y") == 0)
		return n * 365;
	return -1;
}

static void
xfer_done(void *easy, int code, void *arg)
{
	struct xfer	*x = arg;
	struct job	*j = x->j;
	struct bars	*b = x->minute ? &j->minute : &j->daily;
	long		 status = 0;
	char		*red = net_redact(x->url);

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(easy);
	if (code != CURLE_OK) {
		log_warnx("%s: %s: %s", j->symbol, red,
		    net_strerror(code, &x->body));
		j->failed = 1;
	} else if (bars_parse(x->F->api, status, x->body.buf.data ?
	    x->body.buf.data : "", x->body.buf.len, x->minute, b) == -1) {
		log_warnx("%s: %s: %s", j->symbol, red, b->error);
		j->failed = 1;
	} else {
		bars_say_skipped(b, j->symbol);
		log_info("%s: %zu %s bars from %s", j->symbol, b->n,
		    x->minute ? "minute" : "daily", x->F->p->name);
	}
	free(red);
	buf_free(&x->body.buf);
	free(x->url);
	if (--j->left == 0)
		x->F->inflight--;
	start_next(x->F);
	free(x);
}

static void
ask(struct fetchhist *F, struct job *j, int minute)
{
	struct net_opts	 opts = { .timeout = F->timeout,
	    .connect_timeout = F->timeout, .protocols = "http,https",
	    .user_agent = F->pc->user_agent ? F->pc->user_agent :
	    TICKERD_USER_AGENT, .redirects = 3, .ca_file = F->pc->ca_file };
	struct xfer	*x = xcalloc(1, sizeof(*x));
	const char	*base = F->pc->url ? F->pc->url : F->p->default_url;
	void		*easy;

	x->F = F;
	x->j = j;
	x->minute = minute;
	/* daily bars reach a year further back, for the 52-week range */
	x->url = F->api->url(base, F->pc->key, j->name, minute, minute ?
	    F->from : F->from - (YEAR_DAYS + 7) * 86400, F->now);
	easy = net_easy(x->url, &opts);
	x->body.max = HIST_MAX;
	net_collect(easy, &x->body);
	j->left++;
	net_add(easy, xfer_done, x);
}

static void
start_next(struct fetchhist *F)
{
	struct job	*j;

	while (F->inflight < INFLIGHT && F->next < F->njobs) {
		j = &F->jobs[F->next++];
		F->inflight++;
		ask(F, j, 0);
		if (F->minute)
			ask(F, j, 1);
	}
	if (F->inflight == 0 && F->next == F->njobs)
		work_end();
}

/* The provider's spelling: the map lines first, then its own rule. */
void
fetchhist_spell(const struct providerconf *pc, const struct provider *p,
    const char *sym, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; i < pc->nmaps; i++)
		if (strcmp(pc->maps[i].from, sym) == 0) {
			tk_strlcpy(out, pc->maps[i].to, len);
			return;
		}
	p->map(sym, out, len);
}

/* The first provider of the chain with history (minute bars if asked). */
struct providerconf *
fetchhist_pick(const struct config *conf, int minute,
    const struct bars_api **api)
{
	struct providerconf	*pc = config_provider(conf);
	int			 hops;

	for (hops = 0; pc != NULL && hops < CHAIN_MAX; hops++) {
		if ((*api = bars_api(pc->name)) != NULL &&
		    (!minute || (*api)->minute))
			return pc;
		pc = pc->fallback ? config_provider_named(conf, pc->fallback) :
		    NULL;
	}
	return NULL;
}

/* The close of a day's session on the symbol's exchange, or now while
 * it is still open. */
static time_t
close_time(const char *sym, long day, time_t now)
{
	const struct exchange	*ex = exchange_of_symbol(sym);
	time_t			 open, close;

	if (ex == NULL)
		ex = exchange_default();
	if (!market_day_session(ex, day, &open, &close))
		close = market_time(ex, day, ex->close);
	return close < now ? close : now;
}

/* The 52-week high and low as of bar i (its own day included). */
static void
range52(const struct bars *b, size_t i, double *hi, double *lo)
{
	size_t	 k = i + 1;

	*hi = *lo = NAN;
	while (k-- > 0 && b->v[k].day > b->v[i].day - YEAR_DAYS) {
		*hi = isfinite(*hi) ? fmax(*hi, b->v[k].high) : b->v[k].high;
		*lo = isfinite(*lo) ? fmin(*lo, b->v[k].low) : b->v[k].low;
	}
}

static void
add_row(struct row **rows, size_t *n, const struct row *r)
{
	if ((*n & (*n - 1)) == 0)	/* at 0, 1, 2, 4, ...: double */
		*rows = xreallocarray(*rows, *n ? *n * 2 : 1, sizeof(**rows));
	(*rows)[(*n)++] = *r;
}

/* A symbol's rows from its daily bars, within the range. */
static void
daily_rows(const struct fetchhist *F, size_t sym, struct row **rows,
    size_t *n)
{
	const struct bars	*b = &F->jobs[sym].daily;
	long			 first = F->from / 86400;
	struct row		 r;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		if (b->v[i].day < first)
			continue;
		r.time = close_time(F->jobs[sym].symbol, b->v[i].day, F->now);
		r.sym = sym;
		r.price = b->v[i].close;
		r.prev = i > 0 ? b->v[i - 1].close : NAN;
		range52(b, i, &r.high52, &r.low52);
		r.volume = b->v[i].volume;
		r.open = b->v[i].open;
		r.high = b->v[i].high;
		r.low = b->v[i].low;
		add_row(rows, n, &r);
	}
}

/*
 * A symbol's rows from its minute bars: the previous close and the
 * 52-week range from the daily bars before the day, the range widened by
 * the day's own minutes so far, the volume the day's so far.
 */
static void
minute_rows(const struct fetchhist *F, size_t sym, struct row **rows,
    size_t *n)
{
	const struct bars	*d = &F->jobs[sym].daily, *m = &F->jobs[sym].minute;
	struct row		 r;
	double			 hi = NAN, lo = NAN, vol = 0;
	size_t			 i, k = 0, j;
	long			 day = 0;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].day != day) {	/* a new session */
			day = m->v[i].day;
			while (k < d->n && d->v[k].day < day)
				k++;
			hi = lo = NAN;
			for (j = k; j-- > 0 && d->v[j].day > day - YEAR_DAYS;) {
				hi = isfinite(hi) ? fmax(hi, d->v[j].high) :
				    d->v[j].high;
				lo = isfinite(lo) ? fmin(lo, d->v[j].low) :
				    d->v[j].low;
			}
			r.prev = k > 0 ? d->v[k - 1].close : NAN;
			vol = 0;
			r.open = m->v[i].open;
			r.high = m->v[i].high;
			r.low = m->v[i].low;
		}
		r.high = fmax(r.high, m->v[i].high);
		r.low = fmin(r.low, m->v[i].low);
		hi = isfinite(hi) ? fmax(hi, m->v[i].high) : m->v[i].high;
		lo = isfinite(lo) ? fmin(lo, m->v[i].low) : m->v[i].low;
		vol += isfinite(m->v[i].volume) ? m->v[i].volume : 0;
		r.time = m->v[i].time;
		r.sym = sym;
		r.price = m->v[i].close;
		r.high52 = hi;
		r.low52 = lo;
		r.volume = vol;
		add_row(rows, n, &r);
	}
}

static int
by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->sym < y->sym ? -1 : x->sym > y->sym;
}

/* A number as a replay file writes it: up to 4 decimals, or empty. */
static void
num(char *out, size_t len, double v, int decimals)
{
	char	*p;

	if (!isfinite(v)) {
		*out = '\0';
		return;
	}
	snprintf(out, len, "%.*f", decimals, v);
	if (decimals > 0 && (p = strchr(out, '.')) != NULL) {
		for (p += strlen(p) - 1; *p == '0'; p--)
			*p = '\0';
		if (*p == '.')
			*p = '\0';
	}
}

/* The rows to path (gzipped for *.gz, stdout for "-"), atomically. */
static int
write_rows(const struct fetchhist *F, const struct row *rows, size_t n,
    const char *path)
{
	char	 f[8][40], when[32], *tmp = NULL;
	gzFile	 gz;
	size_t	 i, len = strlen(path);
	int	 fd, ok;

	if (strcmp(path, "-") == 0)
		fd = dup(STDOUT_FILENO);
	else {
		xasprintf(&tmp, "%s.tmp.%d", path, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd == -1 || (gz = gzdopen(fd, len > 3 && strcmp(path + len - 3,
	    ".gz") == 0 ? "wb6" : "wT")) == NULL) {
		log_warn("%s", tmp ? tmp : "stdout");
		free(tmp);
		return -1;
	}
	ok = gzputs(gz, "time,symbol,price,prev_close,high52,low52,volume,"
	    "open,high,low\n") > 0;
	for (i = 0; ok && i < n; i++) {
		fmt_time(rows[i].time, FMT_ISO, when, sizeof(when));
		num(f[0], sizeof(f[0]), rows[i].price, 4);
		num(f[1], sizeof(f[1]), rows[i].prev, 4);
		num(f[2], sizeof(f[2]), rows[i].high52, 4);
		num(f[3], sizeof(f[3]), rows[i].low52, 4);
		num(f[4], sizeof(f[4]), rows[i].volume, 0);
		num(f[5], sizeof(f[5]), rows[i].open, 4);
		num(f[6], sizeof(f[6]), rows[i].high, 4);
		num(f[7], sizeof(f[7]), rows[i].low, 4);
		ok = gzprintf(gz, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", when,
		    F->jobs[rows[i].sym].symbol, f[0], f[1], f[2], f[3],
		    f[4], f[5], f[6], f[7]) > 0;
	}
	ok = gzclose(gz) == Z_OK && ok;
	if (tmp != NULL && (!ok || rename(tmp, path) == -1)) {
		log_warnx("%s: cannot be written", path);
		unlink(tmp);
		ok = 0;
	}
	free(tmp);
	return ok ? 0 : -1;
}

static void
idle(size_t pending, void *arg)
{
	if (pending == 0)
		event_base_loopexit(arg, NULL);
}

/*
 * Fetch the history of syms and write it to out.  Returns the exit
 * status: 0, 2 when some symbols have none (the others are written), 1
 * when nothing could be.
 */
int
fetchhist_run(struct config *conf, char **syms, size_t n, const char *range,
    const char *interval, const char *out)
{
	struct fetchhist	 F;
	struct event_base	*base;
	struct row		*rows = NULL;
	size_t			 nrows = 0, i, got = 0;
	long			 days;
	char			*u;

	memset(&F, 0, sizeof(F));
	if ((days = range_days(range)) == -1) {
		log_warnx("--range %s: expected a number and d, w, mo or y "
		    "(5d, 6mo, 1y)", range);
		return 1;
	}
	if (strcmp(interval, "1d") != 0 && strcmp(interval, "1m") != 0) {
		log_warnx("--interval %s: expected 1d or 1m", interval);
		return 1;
	}
	F.minute = strcmp(interval, "1m") == 0;
	if (F.minute && days > 7) {
		log_warnx("--interval 1m: at most --range 7d (minute bars are "
		    "served for the last 30 days, a week at a time)");
		return 1;
	}
	if ((F.pc = fetchhist_pick(conf, F.minute, &F.api)) == NULL) {
		log_warnx("no provider of the chain serves %s history "
		    "(yahoo%s do)", F.minute ? "minute" : "daily", F.minute ?
		    "" : ", stooq, alphavantage and twelvedata");
		return 1;
	}
	F.p = provider_find(F.pc->name);
	F.now = clock_now();
	F.from = F.now - days * 86400;
	F.timeout = (long)conf->timeout;
	F.njobs = n;
	F.jobs = xcalloc(n, sizeof(*F.jobs));
	for (i = 0; i < n; i++) {
		for (u = syms[i]; *u != '\0'; u++)
			*u = (char)toupper((unsigned char)*u);
		if (!symbol_valid(syms[i])) {
			log_warnx("%s: not a valid symbol", syms[i]);
			free(F.jobs);
			return 1;
		}
		F.jobs[i].symbol = syms[i];
		fetchhist_spell(F.pc, F.p, syms[i], F.jobs[i].name,
		    sizeof(F.jobs[i].name));
	}
	if ((base = event_base_new()) == NULL || net_init(base) == -1)
		fatalx("cannot start the event loop");
	work_on_change(idle, base);
	work_begin();
	start_next(&F);
	event_base_dispatch(base);
	net_shutdown();
	event_base_free(base);
	for (i = 0; i < n; i++) {
		if (F.jobs[i].failed)
			continue;
		got++;
		if (F.minute)
			minute_rows(&F, i, &rows, &nrows);
		else
			daily_rows(&F, i, &rows, &nrows);
	}
	if (nrows > 1)	/* rows is NULL when every fetch failed */
		qsort(rows, nrows, sizeof(*rows), by_time);
	if (got > 0 && write_rows(&F, rows, nrows, out) == 0)
		log_info("%zu rows of %zu symbol%s to %s", nrows, got,
		    got == 1 ? "" : "s", out);
	else
		got = 0;
	for (i = 0; i < n; i++) {
		bars_free(&F.jobs[i].daily);
		bars_free(&F.jobs[i].minute);
	}
	free(F.jobs);
	free(rows);
	return got == 0 ? 1 : got < n ? 2 : 0;
}
