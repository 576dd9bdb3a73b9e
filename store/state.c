/*
 * state.json: for each watched symbol, its 52-week references, the time
 * of the newest quote evaluated, and the state of each rule, keyed by the
 * rule's identity.  A rule the file does not know starts afresh; what the
 * file holds for rules no longer configured is forgotten.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define STATE_VERSION	1

static json_t *
rulestate_json(const struct rule_state *st)
{
	json_t	*j;

	j = json_pack("{s:b, s:b, s:I, s:o, s:i}", "fired", st->fired,
	    "spent", st->spent, "last_notify", (json_int_t)st->last_notify,
	    "ref", jnum(st->session_ref), "count", (int)st->count);
	if (j != NULL && st->phase != PHASE_NEW)	/* a cross rule's */
		json_object_set_new(j, "phase", json_integer(st->phase));
	if (j != NULL && st->hwm > 0)		/* a trailing stop's high */
		json_object_set_new(j, "hwm", json_real(st->hwm));
	if (j != NULL && st->since != 0)	/* a `for' counts from it */
		json_object_set_new(j, "since", json_integer(st->since));
	if (j != NULL && st->expired)
		json_object_set_new(j, "expired", json_true());
	return j;
}

static void
rulestate_read(json_t *o, struct rule_state *st)
{
	memset(st, 0, sizeof(*st));
	st->fired = json_is_true(json_object_get(o, "fired"));
	st->spent = json_is_true(json_object_get(o, "spent"));
	st->last_notify = (time_t)jint(o, "last_notify");
	st->session_ref = jget(o, "ref");
	st->count = (unsigned)jint(o, "count");
	st->phase = (int)jint(o, "phase");
	if (st->phase < PHASE_NEW || st->phase > PHASE_ARMED)
		st->phase = PHASE_NEW;
	st->hwm = json_is_number(json_object_get(o, "hwm")) ?
	    jget(o, "hwm") : 0;
	st->since = (time_t)jint(o, "since");
	st->expired = json_is_true(json_object_get(o, "expired"));
	if (!(st->hwm > 0))
		st->hwm = 0;
}

/* The state of one watched symbol, as stored. */
static json_t *
symstate_json(const struct symstate *ss)
{
	const struct symref	*f = &ss->ref;
	json_t			*rules = json_object();
	size_t			 i;

	for (i = 0; i < ss->nrules; i++)
		json_object_set_new(rules, ss->rules[i].id,
		    rulestate_json(&ss->rules[i].st));
	return json_pack("{s:I, s:s, s:{s:I, s:o, s:o, s:o, s:o, s:I, s:o}, "
	    "s:o}", "last", (json_int_t)ss->last_time,
	    "exchange", ss->ex != NULL ? ss->ex->name : "",
	    "ref",
	    "day", (json_int_t)f->day, "high", jnum(f->high),
	    "low", jnum(f->low), "seen_high", jnum(f->seen_high),
	    "seen_low", jnum(f->seen_low), "close_day", (json_int_t)f->close_day,
	    "close", jnum(f->close),
	    "rules", rules);
}

/*
 * Restore a symbol's state from its JSON.  Rules are matched by identity:
 * a rule the file does not know starts afresh, and what the file holds
 * for rules no longer configured is forgotten.
 */
static void
symstate_read(struct symstate *ss, json_t *o)
{
	json_t	*ref = json_object_get(o, "ref");
	json_t	*rules = json_object_get(o, "rules"), *rs;
	size_t	 i;

	ss->last_time = (time_t)jint(o, "last");
	if (ss->last_time > clock_now() + 86400)
		ss->last_time = 0;	/* from the future: it would block all */
	ss->ex = exchange_find(json_string_value(json_object_get(o,
	    "exchange")));
	if (json_is_object(ref)) {
		ss->ref.day = (long)jint(ref, "day");
		ss->ref.high = jget(ref, "high");
		ss->ref.low = jget(ref, "low");
		ss->ref.seen_high = jget(ref, "seen_high");
		ss->ref.seen_low = jget(ref, "seen_low");
		ss->ref.close_day = (long)jint(ref, "close_day");
		ss->ref.close = jget(ref, "close");
	}
	for (i = 0; i < ss->nrules; i++)
		if ((rs = json_object_get(rules, ss->rules[i].id)) != NULL &&
		    json_is_object(rs))
			rulestate_read(rs, &ss->rules[i].st);
}

/* How many rules the stored state holds that the symbol no longer has. */
static size_t
rules_forgotten(struct symstate *ss, json_t *o)
{
	json_t		*rules = json_object_get(o, "rules"), *v;
	const char	*id;
	size_t		 n = 0;

	json_object_foreach(rules, id, v)
		if (symstate_rule(ss, id) == NULL)
			n++;
	return n;
}

/* What a symbol's entry is made of, as bytes, to tell when it changed. */
static void
entry_of(const struct symstate *ss, struct buf *b)
{
	size_t	 i;

	b->len = 0;
	buf_add(b, &ss->last_time, sizeof(ss->last_time));
	buf_add(b, &ss->ex, sizeof(ss->ex));
	buf_add(b, &ss->ref, sizeof(ss->ref));
	for (i = 0; i < ss->nrules; i++) {
		buf_add(b, ss->rules[i].id, strlen(ss->rules[i].id) + 1);
		buf_add(b, &ss->rules[i].st, sizeof(ss->rules[i].st));
	}
}

/* A symbol's entry of state.json, "SYM":{...}: made again only when its
 * state changed since the last save, so that a save of ten thousand
 * symbols costs what the few that changed cost, and a copy.  *fresh
 * (when not NULL) says whether it was made again. */
static const char *
entry(struct symstate *ss, int *fresh)
{
	struct buf	 now = { 0 };
	json_t		*o;
	char		*v, *k;

	entry_of(ss, &now);
	if (fresh != NULL)
		*fresh = 0;
	if (ss->saved != NULL && now.len == ss->saved_of.len &&
	    memcmp(now.data, ss->saved_of.data, now.len) == 0) {
		buf_free(&now);
		return ss->saved;
	}
	if (fresh != NULL)
		*fresh = 1;
	buf_free(&ss->saved_of);
	ss->saved_of = now;
	o = symstate_json(ss);
	v = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	o = json_string(ss->symbol);
	k = json_dumps(o, JSON_ENCODE_ANY);
	json_decref(o);
	free(ss->saved);
	if (v == NULL || k == NULL) {	/* out of memory: saved next time */
		log_warnx("state: %s: its entry could not be made",
		    ss->symbol);
		buf_free(&ss->saved_of);
		xasprintf(&ss->saved, "%s:{}", k ? k : "\"?\"");
	} else
		xasprintf(&ss->saved, "%s:%s", k, v);
	free(k);
	free(v);
	return ss->saved;
}

/*
 * Whether ss changed since the journal last had it, in anything but the
 * time of its newest quote: a quote that changes nothing else (the many
 * trades of a stream) is not worth a record; that time goes with the
 * next record or the snapshot.  sig is scratch.  By a 64-bit FNV-1a of
 * what its entry is made of.
 */
static int
significant(struct symstate *ss, struct buf *sig)
{
	uint64_t	 h = 14695981039346656037ULL;
	size_t		 i;

	entry_of(ss, sig);
	for (i = sizeof(ss->last_time); i < sig->len; i++)
		h = (h ^ (unsigned char)sig->data[i]) * 1099511628211ULL;
	h |= 1;				/* 0: never journaled */
	if (h == ss->journaled)
		return 0;
	ss->journaled = h;
	return 1;
}

/*
 * The journal's records of a commit: the entry of each symbol whose
 * state changed since the last, and the review's new alerts.
 */
void
state_journal(struct config *conf)
{
	struct watch	*w;
	struct symstate	*ss;
	struct buf	 b = { 0 }, sig = { 0 };
	const char	*e;

	if (store_dir() == NULL)
		return;
	TAILQ_FOREACH(w, &conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL ||
		    !significant(ss, &sig))
			continue;
		e = entry(ss, NULL);
		b.len = 0;
		buf_puts(&b, "{");
		buf_puts(&b, e);
		buf_puts(&b, "}");
		journal_add("s", b.data, b.len);
	}
	buf_free(&b);
	buf_free(&sig);
	review_journal();
}

/* A commit failed: what it would have journaled goes with the next. */
void
state_unjournal(struct config *conf)
{
	struct watch	*w;
	struct symstate	*ss;

	TAILQ_FOREACH(w, &conf->watches, entry)
		if ((ss = symstate_find(w->symbol)) != NULL)
			ss->journaled = 0;
	review_unjournal();
}

/*
 * The snapshot's state.json, whole, and each symbol's daily history and
 * the review with it: written, durable at the next store_sync().
 */
int
state_write(struct config *conf)
{
	struct buf	 b = { 0 };
	struct watch	*w;
	struct symstate	*ss;
	char		 head[96];
	int		 rc, first = 1;

	if (store_dir() == NULL)
		return 0;
	snprintf(head, sizeof(head), "{\"version\":%d,\"saved\":%lld,"
	    "\"symbols\":{", STATE_VERSION, (long long)clock_now());
	buf_puts(&b, head);
	TAILQ_FOREACH(w, &conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL)
			continue;
		if (!first)
			buf_puts(&b, ",");
		buf_puts(&b, entry(ss, NULL));
		first = 0;
		if (ss->ref.daily != NULL)
			dailystore_save(ss->symbol, ss->ref.daily);
	}
	buf_puts(&b, "}}\n");
	review_save();
	rc = store_write_later(store_dir(), "state.json", b.data, b.len);
	buf_free(&b);
	return rc;
}

/* A journal's record of a symbol's state, {"SYM":{...}}: restored. */
void
state_apply(json_t *v)
{
	const char	*sym;
	json_t		*o;
	struct symstate	*ss;

	json_object_foreach(v, sym, o)
		if ((ss = symstate_find(sym)) != NULL && json_is_object(o))
			symstate_read(ss, o);
}

void
state_load(struct config *conf)
{
	struct stat	 st;
	char		*path;
	json_t		*root, *syms, *o;
	json_error_t	 err;
	const char	*sym;
	struct symstate	*ss;
	size_t		 restored = 0, forgotten = 0;
	char		 why[300];

	xasprintf(&path, "%s/state.json", store_dir());
	if (lstat(path, &st) == -1 && errno == ENOENT) {
		log_info("state: no %s yet, every rule starts armed", path);
		free(path);
		return;
	}
	if ((root = store_json(path, JSON_REJECT_DUPLICATES, STATE_FILE_MAX,
	    &err))
	    == NULL) {
		if (err.line > 0)
			snprintf(why, sizeof(why), "%s at line %d", err.text,
			    err.line);
		else
			snprintf(why, sizeof(why), "%s", err.text);
		store_quarantine(path, why);
		free(path);
		return;
	}
	if (jint(root, "version") != STATE_VERSION ||
	    !json_is_object(syms = json_object_get(root, "symbols"))) {
		snprintf(why, sizeof(why), "version %lld, this tickerd reads "
		    "version %d", jint(root, "version"), STATE_VERSION);
		json_decref(root);
		store_quarantine(path, why);
		free(path);
		return;
	}
	json_object_foreach(syms, sym, o) {
		if ((ss = symstate_find(sym)) == NULL || !json_is_object(o)) {
			forgotten++;
			continue;
		}
		symstate_read(ss, o);
		forgotten += rules_forgotten(ss, o);
		restored++;
	}
	json_decref(root);
	/* what is no longer configured is forgotten on disk too, at the
	 * snapshot store_open() takes */
	log_info("state: restored %zu symbol%s from %s%s", restored,
	    restored == 1 ? "" : "s", path, forgotten ? " (forgot the rules "
	    "and symbols no longer watched)" : "");
	free(path);
}


/*
 * Restore a symbol's state from the snapshot an outbox message carries (a batch
 * that was written but not committed).  Returns 0, or -1 when the
 * snapshot cannot be read.
 */
int
state_restore(struct symstate *ss, const char *snapshot)
{
	json_t	*snap = json_loads(snapshot, 0, NULL);
	int	 rc = -1;

	if (json_is_object(snap)) {
		symstate_read(ss, snap);
		rc = 0;
	}
	json_decref(snap);
	return rc;
}
