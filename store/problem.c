/*
 * The problems tickerd announced (tickerd.conf(5), PROBLEMS), kept so
 * that a restart during a problem does not announce it again, and that
 * its end is announced once.  A problem is known by its key ("provider
 * yahoo", "notifier tg"); it is kept here once its notice is made, in
 * the same commit as the notice's messages (a "p" record of the journal:
 * the problem, or its key with "end"), and in problems.json at each
 * snapshot.  Besides, the time each key last began a notice, for the
 * limit of one notice a key an hour.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

#define PROBLEMS_MAX	1024		/* kept at most; the oldest go */
#define PROBLEMS_FILE_MAX (1u << 20)

static struct problem	**v;
static size_t		  n, cap;
static json_t		 *last;		/* key -> when its last notice began */

static struct problem *
find(const char *key, size_t *at)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i]->key, key) == 0) {
			if (at != NULL)
				*at = i;
			return v[i];
		}
	return NULL;
}

static void
problem_free(struct problem *p)
{
	free(p->key);
	free(p->kind);
	free(p->text);
	free(p);
}

static void
forget(size_t i)
{
	problem_free(v[i]);
	memmove(v + i, v + i + 1, (n - i - 1) * sizeof(*v));
	n--;
}

/* Set (or make) the problem of key, as a record says. */
static void
put(const char *key, const char *kind, const char *text, time_t since,
    time_t told)
{
	struct problem	*p;

	if ((p = find(key, NULL)) == NULL) {
		if (n == PROBLEMS_MAX)
			forget(0);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		p = v[n++] = xcalloc(1, sizeof(*p));
		p->key = xstrdup(key);
	} else {
		free(p->kind);
		free(p->text);
	}
	p->kind = xstrdup(kind);
	p->text = xstrdup(text);
	p->since = since;
	p->told = told;
}

static void
set_last(const char *kind, time_t t)
{
	if (last == NULL)
		last = json_object();
	if (t > (time_t)jint(last, kind))
		json_object_set_new(last, kind, json_integer(t));
}

/* The problem announced under key, or NULL. */
const struct problem *
problem_find(const char *key)
{
	return find(key, NULL);
}

/* The i-th problem kept, or NULL past the last. */
const struct problem *
problem_at(size_t i)
{
	return i < n ? v[i] : NULL;
}

/* When the problem of key was last announced; 0: never. */
time_t
problem_last(const char *kind)
{
	return last != NULL ? (time_t)jint(last, kind) : 0;
}

/* The journal's record of p, or of its end (p->told 0). */
static void
journal_put(const char *key, const struct problem *p)
{
	json_t	*j;
	char	*text;

	if (p != NULL)
		j = json_pack("{s:o, s:o, s:o, s:I, s:I}", "key", jtext(key),
		    "kind", jtext(p->kind), "text", jtext(p->text),
		    "since", (json_int_t)p->since, "told", (json_int_t)p->told);
	else
		j = json_pack("{s:o, s:b}", "key", jtext(key), "end", 1);
	if (j == NULL || (text = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return;
	}
	json_decref(j);
	if (store_dir() != NULL)
		journal_add("p", text, strlen(text));
	free(text);
}

/*
 * Keep the problem of key as announced at told, with the notice's text,
 * for the commit under way (the caller commits with its messages).
 */
void
problem_told(const char *key, const char *kind, const char *text,
    time_t since, time_t told)
{
	put(key, kind, text, since, told);
	set_last(key, told);
	journal_put(key, find(key, NULL));
}

/*
 * As problem_told(), kept in memory only: the state directory's own
 * problem, which cannot be written (the next snapshot writes it).
 */
void
problem_held(const char *key, const char *kind, const char *text,
    time_t since, time_t told)
{
	put(key, kind, text, since, told);
	set_last(key, told);
}

/* The problem of key is over (its notice of the end is made, or it is
 * gone without one): forgotten, with the commit under way. */
void
problem_ended(const char *key)
{
	size_t	 i;

	if (find(key, &i) == NULL)
		return;
	forget(i);
	journal_put(key, NULL);
}

static void
apply_one(json_t *o)
{
	const char	*key = jstr(o, "key");
	size_t		 i;

	if (*key == '\0')
		return;
	if (json_is_true(json_object_get(o, "end"))) {
		if (find(key, &i) != NULL)
			forget(i);
		return;
	}
	put(key, jstr(o, "kind"), jstr(o, "text"), (time_t)jint(o, "since"),
	    (time_t)jint(o, "told"));
	set_last(key, (time_t)jint(o, "told"));
}

/* A "p" record of the journal. */
void
problem_apply(json_t *o)
{
	if (json_is_object(o))
		apply_one(o);
}

/* problems.json, at start. */
void
problem_load(void)
{
	json_t		*j, *a, *o, *t;
	json_error_t	 err;
	const char	*kind;
	char		*path;
	size_t		 i;

	problem_clear();
	xasprintf(&path, "%s/problems.json", store_dir());
	j = store_json(path, 0, PROBLEMS_FILE_MAX, &err);
	free(path);
	if (j == NULL)
		return;
	a = json_object_get(j, "problems");
	json_array_foreach(a, i, o)
		if (json_is_object(o))
			apply_one(o);
	json_object_foreach(json_object_get(j, "last"), kind, t)
		if (json_is_integer(t))
			set_last(kind, (time_t)json_integer_value(t));
	json_decref(j);
}

/* problems.json, at a snapshot; durable with its sync. */
int
problem_save(void)
{
	json_t	*j, *a = json_array();
	char	*text;
	size_t	 i;
	int	 rc;

	if (store_dir() == NULL)
		return 0;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:I, s:I}",
		    "key", jtext(v[i]->key), "kind", jtext(v[i]->kind),
		    "text", jtext(v[i]->text), "since",
		    (json_int_t)v[i]->since, "told", (json_int_t)v[i]->told));
	j = json_pack("{s:i, s:o, s:o}", "version", 1, "problems", a,
	    "last", last != NULL ? json_incref(last) : json_object());
	text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text == NULL)
		return -1;
	rc = store_write_later(store_dir(), "problems.json", text,
	    strlen(text));
	free(text);
	return rc;
}

void
problem_clear(void)
{
	while (n > 0)
		forget(n - 1);
	free(v);
	v = NULL;
	cap = 0;
	json_decref(last);
	last = NULL;
}
