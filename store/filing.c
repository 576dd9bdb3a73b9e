/*
 * The filings tickerd has seen of each symbol (daemon/filings.c): its
 * CIK, and its newest filings by accession number, each with the rules
 * it fired.  A filing is announced once: its record is journaled (an "f"
 * record, the symbol's whole list) in the same commit as its alerts'
 * messages, and kept in filings.json at each snapshot.  A symbol without
 * a record has not been looked at: its first look only records.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "providers/providers.h"
#include "config/conf.h"
#include "store/store.h"

#define FILINGS_FILE_MAX	(8u << 20)

static struct strmap	*recs;		/* symbol -> struct filingrec */
static struct strlist	 syms;		/* the keys, to walk them */

static struct filingrec *
rec_get(const char *symbol, int make)
{
	struct filingrec	*r;

	if (recs == NULL)
		recs = strmap_new();
	if ((r = strmap_get(recs, symbol)) != NULL || !make)
		return r;
	r = xcalloc(1, sizeof(*r));
	tk_strlcpy(r->symbol, symbol, sizeof(r->symbol));
	strmap_put(recs, r->symbol, r);
	strlist_add(&syms, symbol);
	return r;
}

/* What tickerd has seen of symbol's filings; NULL: not looked at yet. */
const struct filingrec *
filing_rec(const char *symbol)
{
	return rec_get(symbol, 0);
}

/* Whether accession acc of symbol was seen. */
int
filing_seen(const char *symbol, const char *acc)
{
	const struct filingrec	*r = rec_get(symbol, 0);
	size_t			 i;

	for (i = 0; r != NULL && i < r->n; i++)
		if (strcmp(r->v[i].accession, acc) == 0)
			return 1;
	return 0;
}

static json_t *
rec_json(const struct filingrec *r)
{
	json_t		*a = json_array();
	size_t		 i;

	for (i = 0; i < r->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o, "
		    "s:o}", "a", jtext(r->v[i].accession), "f",
		    jtext(r->v[i].form), "d", jtext(r->v[i].date), "t",
		    jtext(r->v[i].accepted), "i", jtext(r->v[i].items), "r",
		    jtext(r->v[i].fired)));
	return json_pack("{s:o, s:I, s:o}", "symbol", jtext(r->symbol), "cik",
	    (json_int_t)r->cik, "seen", a);
}

static void
journal_put(const struct filingrec *r)
{
	json_t	*j = rec_json(r);
	char	*text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (text != NULL && store_dir() != NULL)
		journal_add("f", text, strlen(text));
	free(text);
}

/*
 * Keep filings f[0..n) of symbol (cik) as seen, newest first, each with
 * the rules it fired (fired[i], "" for none), for the commit under way:
 * the caller commits them with their alerts' messages.  The oldest go
 * beyond FILING_SEEN_MAX.
 */
void
filing_keep(const char *symbol, long cik, const struct filing *f,
    char *const *fired, size_t n)
{
	struct filingrec	*r = rec_get(symbol, 1);
	struct seenfiling	*s;
	size_t			 i, k;

	r->cik = cik;
	for (i = n; i-- > 0;) {		/* the oldest first, to the front */
		if (filing_seen(symbol, f[i].accession))
			continue;
		k = r->n < FILING_SEEN_MAX ? r->n++ : FILING_SEEN_MAX - 1;
		memmove(r->v + 1, r->v, k * sizeof(*r->v));
		s = &r->v[0];
		memset(s, 0, sizeof(*s));
		tk_strlcpy(s->accession, f[i].accession, sizeof(s->accession));
		tk_strlcpy(s->form, f[i].form, sizeof(s->form));
		tk_strlcpy(s->date, f[i].date, sizeof(s->date));
		tk_strlcpy(s->accepted, f[i].accepted, sizeof(s->accepted));
		text_take(s->items, sizeof(s->items), f[i].items,
		    strlen(f[i].items));
		if (fired != NULL && fired[i] != NULL)
			text_take(s->fired, sizeof(s->fired), fired[i],
			    strlen(fired[i]));
	}
	journal_put(r);
}

/* A symbol looked at that has no filing at all: looked at, still. */
void
filing_looked(const char *symbol, long cik)
{
	struct filingrec	*r = rec_get(symbol, 1);

	r->cik = cik;
	journal_put(r);
}

static void
apply_one(json_t *o)
{
	struct filingrec	*r;
	struct seenfiling	*s;
	json_t			*e;
	const char		*sym = jstr(o, "symbol");
	size_t			 i;

	if (*sym == '\0' || strlen(sym) > SYMBOL_MAX)
		return;
	r = rec_get(sym, 1);
	r->cik = (long)jint(o, "cik");
	r->n = 0;
	json_array_foreach(json_object_get(o, "seen"), i, e) {
		if (r->n == FILING_SEEN_MAX || !json_is_object(e))
			break;
		s = &r->v[r->n++];
		memset(s, 0, sizeof(*s));
		text_take(s->accession, sizeof(s->accession), jstr(e, "a"),
		    strlen(jstr(e, "a")));
		text_take(s->form, sizeof(s->form), jstr(e, "f"),
		    strlen(jstr(e, "f")));
		text_take(s->date, sizeof(s->date), jstr(e, "d"),
		    strlen(jstr(e, "d")));
		text_take(s->accepted, sizeof(s->accepted), jstr(e, "t"),
		    strlen(jstr(e, "t")));
		text_take(s->items, sizeof(s->items), jstr(e, "i"),
		    strlen(jstr(e, "i")));
		text_take(s->fired, sizeof(s->fired), jstr(e, "r"),
		    strlen(jstr(e, "r")));
	}
}

/* An "f" record of the journal. */
void
filing_apply(json_t *o)
{
	if (json_is_object(o))
		apply_one(o);
}

/* filings.json, at start. */
void
filing_load(void)
{
	json_t		*j, *o;
	json_error_t	 err;
	char		*path;
	size_t		 i;

	filing_clear();
	xasprintf(&path, "%s/filings.json", store_dir());
	j = store_json(path, 0, FILINGS_FILE_MAX, &err);
	free(path);
	if (j == NULL)
		return;
	json_array_foreach(json_object_get(j, "symbols"), i, o)
		filing_apply(o);
	json_decref(j);
}

/* filings.json, at a snapshot; durable with its sync.  Nothing seen:
 * nothing written. */
int
filing_save(void)
{
	json_t	*j, *a;
	char	*text;
	size_t	 i;
	int	 rc;

	if (store_dir() == NULL || syms.n == 0)
		return 0;
	a = json_array();
	for (i = 0; i < syms.n; i++)
		json_array_append_new(a, rec_json(rec_get(syms.v[i], 0)));
	j = json_pack("{s:i, s:o}", "version", 1, "symbols", a);
	text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (text == NULL)
		return -1;
	rc = store_write_later(store_dir(), "filings.json", text,
	    strlen(text));
	free(text);
	return rc;
}

/*
 * EDGAR's company_tickers.json, kept in the state directory so that a
 * start need not fetch it; a week old, it is fetched again.
 */
int
filing_tickers_save(const char *body, size_t len)
{
	if (store_dir() == NULL)
		return 0;
	return store_write(store_dir(), "company_tickers.json", body, len);
}

/* The kept company_tickers.json into b: when it was written; 0: none. */
time_t
filing_tickers_load(struct buf *b)
{
	struct stat	 st;
	char		*path, chunk[65536];
	FILE		*f;
	size_t		 n;

	if (store_dir() == NULL)
		return 0;
	xasprintf(&path, "%s/company_tickers.json", store_dir());
	f = store_fopen(path, FILINGS_FILE_MAX);
	free(path);
	if (f == NULL)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	if (fstat(fileno(f), &st) == -1 || ferror(f) || b->len == 0) {
		fclose(f);
		return 0;
	}
	fclose(f);
	return st.st_mtime > 0 ? st.st_mtime : 1;
}

/* The i-th symbol with a record, or NULL past the last. */
const struct filingrec *
filing_at(size_t i)
{
	return i < syms.n ? rec_get(syms.v[i], 0) : NULL;
}

void
filing_clear(void)
{
	size_t	 i;

	for (i = 0; i < syms.n; i++)
		free(strmap_get(recs, syms.v[i]));
	strlist_free(&syms);
	strmap_free(recs);
	recs = NULL;
}
