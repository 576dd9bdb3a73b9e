/*
 * The review of past alerts: each alert that fired, with what followed
 * it (alerts/outcome.c), kept in STATE/review.json, the newest 9000 to
 * REVIEW_MAX.  An alert joins when it is committed; its outcome fills in
 * from the symbol's daily history as sessions complete, or when the
 * history is fetched after the daemon was down, until its last horizon
 * is known.  The file is written with state.json, atomically; in memory
 * only for a backtest or `state-dir memory'.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define REVIEW_MAX	10000	/* then the oldest 1000 go */
#define REVIEW_VERSION	1

static struct review	*all;
static size_t		 nall, cap;
static int		 horizons[HORIZONS_MAX] = { 1, 5, 20 };
static int		 nhorizons = 3;
static int		 dirty;
static long		 mailed;	/* the last period mailed */
static unsigned long	 seqs;		/* the alerts' numbers, ascending */
static unsigned long	 journaled;	/* the last number in the journal */
static long		 journaled_mailed;
static unsigned long	 was_journaled;	/* before the commit under way */
static long		 was_mailed;

/* The first day of the last period whose review was mailed; 0: none. */
long
review_mailed(void)
{
	return mailed;
}

void
review_set_mailed(long day)
{
	mailed = day;
	dirty = 1;
}

/* The horizons of outcomes from now on (the configuration's). */
void
review_horizons(const int *days, int n)
{
	int	 i;

	nhorizons = n > HORIZONS_MAX ? HORIZONS_MAX : n;
	for (i = 0; i < nhorizons; i++)
		horizons[i] = days[i];
}

static void
entry_free(struct review *r)
{
	free(r->rule);
	free(r->note);
}

/* Room for one more; at REVIEW_MAX the oldest tenth goes, at once. */
static struct review *
entry_new(void)
{
	size_t	 i, drop = REVIEW_MAX / 10;

	if (nall == REVIEW_MAX) {
		for (i = 0; i < drop; i++)
			entry_free(&all[i]);
		memmove(all, all + drop, (nall - drop) * sizeof(*all));
		nall -= drop;
	}
	if (nall == cap) {
		cap = cap ? cap * 2 : 64;
		all = xreallocarray(all, cap, sizeof(*all));
	}
	memset(&all[nall], 0, sizeof(all[nall]));
	return &all[nall++];
}

/* An alert that was committed, of session day0; returns its number. */
unsigned long
review_add(const struct alert *a, long day0)
{
	struct review	*r;

	if (a->test)
		return 0;
	r = entry_new();
	r->seq = ++seqs;
	tk_strlcpy(r->symbol, a->symbol, sizeof(r->symbol));
	tk_strlcpy(r->currency, a->quote.currency, sizeof(r->currency));
	r->rule = xstrdup(a->rule_text);
	r->note = a->note != NULL ? xstrdup(a->note) : NULL;
	r->time = a->time;
	r->day0 = day0;
	r->price = a->quote.price;
	r->dir = alert_direction(a);
	outcome_init(&r->o, horizons, nhorizons);
	dirty = 1;
	return r->seq;
}

/* Whether an alert of symbol still waits for what follows it. */
int
review_pending(const char *symbol)
{
	size_t	 i;

	for (i = nall; i-- > 0;)
		if (!all[i].o.done && !all[i].o.ended &&
		    strcmp(all[i].symbol, symbol) == 0)
			return 1;
	return 0;
}

/* The alert numbered seq, or NULL (dropped); by halves, for the
 * numbers ascend. */
static struct review *
by_seq(unsigned long seq)
{
	size_t	 lo = 0, hi = nall, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (all[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nall && all[lo].seq == seq ? &all[lo] : NULL;
}

/* The highest and lowest price after the alert seq, in its session. */
static void
after_alert(unsigned long seq, double hi, double lo)
{
	struct review	*r;

	if ((r = by_seq(seq)) == NULL || (r->o.hi0 == hi && r->o.lo0 == lo))
		return;
	r->o.hi0 = hi;
	r->o.lo0 = lo;
	dirty = 1;
}

/* What the symbol's latest alerts' session showed after them. */
void
review_session(const struct daily *d)
{
	if (d->nalerts > 0)
		daily_alert_extremes(d, after_alert);
}

/* The session of symbol's oldest alert still waiting; 0: none. */
long
review_oldest_pending(const char *symbol)
{
	size_t	 i;

	for (i = 0; i < nall; i++)
		if (!all[i].o.done && !all[i].o.ended &&
		    strcmp(all[i].symbol, symbol) == 0)
			return all[i].day0;
	return 0;
}

/* The symbol's history d has changed: its alerts' outcomes follow. */
void
review_update(const char *symbol, const struct daily *d, long today)
{
	size_t	 i;

	for (i = 0; i < nall; i++)
		if (strcmp(all[i].symbol, symbol) == 0 &&
		    outcome_update(&all[i].o, d, all[i].day0, all[i].price,
		    today))
			dirty = 1;
}

/*
 * A session of d completed: the outcomes of its alerts that wait for it
 * follow, while the bars after each are still in the history (it keeps
 * DAILY_MAX sessions), and those that are known leave d's list.
 */
void
review_follow(struct daily *d, long today)
{
	struct review	*r;
	size_t		 i, k;

	for (i = k = 0; i < d->npend; i++) {
		if ((r = by_seq(d->pend[i])) == NULL)
			continue;	/* dropped */
		if (outcome_update(&r->o, d, r->day0, r->price, today))
			dirty = 1;
		if (!r->o.done && !r->o.ended)
			d->pend[k++] = d->pend[i];
	}
	d->npend = k;
}

/* Every alert's outcome, each from its symbol's history (find's). */
void
review_update_all(struct daily *(*find)(const char *), long today)
{
	struct daily	*d;
	size_t		 i;

	for (i = 0; i < nall; i++)
		if (!all[i].o.done && (d = find(all[i].symbol)) != NULL &&
		    outcome_update(&all[i].o, d, all[i].day0, all[i].price,
		    today))
			dirty = 1;
}

size_t
review_count(void)
{
	return nall;
}

const struct review *
review_at(size_t i)
{
	return i < nall ? &all[i] : NULL;
}

/* One alert and its outcome as JSON: review.json's, and tickerctl's. */
json_t *
review_entry_json(const struct review *r)
{
	json_t	*j, *ret = json_object(), *cl = json_object();
	char	 day[16], k[16];
	int	 y, m, d, h;

	cal_date(r->day0, &y, &m, &d);
	snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
	for (h = 0; h < r->o.n; h++) {
		snprintf(k, sizeof(k), "%d", r->o.days[h]);
		json_object_set_new(ret, k, jnum(r->o.ret[h]));
		json_object_set_new(cl, k, jnum(r->o.close[h]));
	}
	j = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:i, s:o, s:o, "
	    "s:o, s:o, s:i, s:b, s:b, s:o, s:o}", "time", (json_int_t)r->time,
	    "day", day, "symbol", jtext(r->symbol), "note", r->note ?
	    jtext(r->note) : json_null(), "rule", jtext(r->rule),
	    "price", jnum(r->price), "currency", jtext(r->currency), "direction",
	    r->dir, "returns", ret, "closes", cl, "rise", jnum(r->o.rise),
	    "fall", jnum(r->o.fall), "sessions", r->o.seen, "done", r->o.done,
	    "ended", r->o.ended, "after_high", jnum(r->o.hi0), "after_low",
	    jnum(r->o.lo0));
	if (j == NULL)		/* out of memory: that entry only */
		log_warnx("review: %s %s: the entry could not be made",
		    r->symbol, r->rule);
	return j;
}

/* An entry of review.json back; -1 when it cannot be read. */
static int
entry_read(json_t *o, struct review *r)
{
	json_t		*ret = json_object_get(o, "returns"), *v;
	const char	*k, *day = jstr(o, "day");
	char		 key[16];
	int		 y, m, d, days[HORIZONS_MAX], n = 0;

	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    *jstr(o, "symbol") == '\0' || !(jget(o, "price") > 0))
		return -1;
	json_object_foreach(ret, k, v)
		if (n < HORIZONS_MAX && atoi(k) > 0)
			days[n++] = atoi(k);
	outcome_init(&r->o, days, n);
	for (n = 0; n < r->o.n; n++) {
		snprintf(key, sizeof(key), "%d", r->o.days[n]);
		r->o.ret[n] = jget(ret, key);
		r->o.close[n] = jget(json_object_get(o, "closes"), key);
	}
	r->day0 = cal_days(y, m, d);
	text_take(r->symbol, sizeof(r->symbol), jstr(o, "symbol"),
	    strlen(jstr(o, "symbol")));
	text_take(r->currency, sizeof(r->currency), jstr(o, "currency"),
	    strlen(jstr(o, "currency")));
	r->rule = xstrdup(jstr(o, "rule"));
	r->note = json_is_string(json_object_get(o, "note")) ?
	    xstrdup(jstr(o, "note")) : NULL;
	r->time = (time_t)jint(o, "time");
	r->price = jget(o, "price");
	r->dir = (int)jint(o, "direction");
	r->o.rise = jget(o, "rise");
	r->o.fall = jget(o, "fall");
	r->o.hi0 = jget(o, "after_high");
	r->o.lo0 = jget(o, "after_low");
	r->o.seen = (int)jint(o, "sessions");
	r->o.done = json_is_true(json_object_get(o, "done"));
	r->o.ended = json_is_true(json_object_get(o, "ended"));
	return 0;
}

/* At start: what review.json keeps. */
void
review_load(void)
{
	json_error_t	 err;
	json_t		*root, *a, *o;
	char		*path, why[300];
	size_t		 i, from;

	if (store_dir() == NULL)
		return;
	xasprintf(&path, "%s/review.json", store_dir());
	if ((root = store_json(path, 0, REVIEW_FILE_MAX, &err)) == NULL) {
		/* a damaged file is kept aside, never overwritten */
		if (err.line > 0)
			snprintf(why, sizeof(why), "%s at line %d", err.text,
			    err.line);
		else
			snprintf(why, sizeof(why), "%s", err.text);
		if (err.line > 0 || strstr(err.text, "No such file") == NULL)
			store_quarantine(path, why);
		free(path);
		return;
	}
	if (jint(root, "version") != REVIEW_VERSION ||
	    !json_is_array(json_object_get(root, "alerts"))) {
		snprintf(why, sizeof(why), "version %lld, this tickerd reads "
		    "version %d", jint(root, "version"), REVIEW_VERSION);
		json_decref(root);
		store_quarantine(path, why);
		free(path);
		return;
	}
	mailed = (long)jint(root, "mailed");
	a = json_object_get(root, "alerts");
	/* only the newest REVIEW_MAX: what a save would keep */
	from = json_array_size(a) > REVIEW_MAX ? json_array_size(a) -
	    REVIEW_MAX : 0;
	json_array_foreach(a, i, o)
		if (i < from)
			continue;
		else if (entry_read(o, entry_new()) == -1)
			nall--;		/* not one */
		else
			all[nall - 1].seq = journaled = ++seqs;
	journaled_mailed = mailed;
	json_decref(root);
	free(path);
}

/*
 * The journal's records of a commit: each alert added since the last,
 * and the period mailed when it changed.  Outcomes are not journaled:
 * they go with the snapshot, and are made again from the daily history.
 */
void
review_journal(void)
{
	size_t	 i;
	json_t	*j;
	char	*text, num[32];

	was_journaled = journaled;
	was_mailed = journaled_mailed;
	for (i = nall; i > 0 && all[i - 1].seq > journaled; i--)
		;
	for (; i < nall; i++) {
		if ((j = review_entry_json(&all[i])) == NULL)
			continue;
		text = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
		json_decref(j);
		if (text != NULL)
			journal_add("r", text, strlen(text));
		free(text);
		journaled = all[i].seq;
	}
	if (mailed != journaled_mailed) {
		snprintf(num, sizeof(num), "%ld", mailed);
		journal_add("m", num, strlen(num));
		journaled_mailed = mailed;
	}
}

/* The commit failed: what it would have journaled goes with the next. */
void
review_unjournal(void)
{
	journaled = was_journaled;
	journaled_mailed = was_mailed;
}

/* A journal's record of an alert: added unless review.json has it. */
void
review_apply(json_t *o)
{
	struct review	 r;
	size_t		 i;

	if (json_is_integer(o)) {	/* the period mailed */
		mailed = journaled_mailed = (long)json_integer_value(o);
		dirty = 1;
		return;
	}
	memset(&r, 0, sizeof(r));
	if (!json_is_object(o) || entry_read(o, &r) == -1) {
		entry_free(&r);
		return;
	}
	for (i = nall; i-- > 0;)
		if (all[i].time == r.time && strcmp(all[i].symbol,
		    r.symbol) == 0 && strcmp(all[i].rule, r.rule) == 0) {
			entry_free(&r);
			return;
		}
	*entry_new() = r;
	all[nall - 1].seq = journaled = ++seqs;
	dirty = 1;
}

/* Write review.json if it changed. */
int
review_save(void)
{
	json_t	*root, *a;
	char	*text;
	size_t	 i;
	int	 rc;

	if (!dirty || store_dir() == NULL)
		return 0;
	a = json_array();
	for (i = 0; i < nall; i++)
		json_array_append_new(a, review_entry_json(&all[i]));
	root = json_pack("{s:i, s:I, s:o}", "version", REVIEW_VERSION,
	    "mailed", (json_int_t)mailed, "alerts", a);
	text = root != NULL ? json_dumps(root, JSON_COMPACT |
	    JSON_REAL_PRECISION(12)) : NULL;
	json_decref(root);
	if (text == NULL) {
		log_warnx("review: review.json could not be made; kept as "
		    "it was");
		return -1;
	}
	if ((rc = store_write_later(store_dir(), "review.json", text,
	    strlen(text))) == 0)
		dirty = 0;
	free(text);
	return rc;
}

void
review_free(void)
{
	size_t	 i;

	for (i = 0; i < nall; i++)
		entry_free(&all[i]);
	free(all);
	all = NULL;
	nall = cap = 0;
	dirty = 0;
	mailed = journaled_mailed = 0;
	journaled = 0;
}
