/*
 * The watch block: one or more symbols, their rules and options.
 *
 *	watch QCOM, AMBA { move 7%  new 52w-low  notify "phone" }
 *
 * Each symbol of the list gets its own watch with its own copy of the
 * rules.  A rule's identity is its text, and `once' when it has it: a
 * reload keeps the state of every rule whose identity is unchanged.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "config/parser.h"

#define NOTIFY_LINES	64
#define SYMBOL_LINES	256

/* Options and rules shared by every symbol of one watch block. */
struct watchbody {
	char		*note;
	struct rulelist	 rules;
	struct strlist	 notify;
	int		 notify_lines[NOTIFY_LINES];
	int		 has_notify;
	time_t		 cooldown;
	double		 hysteresis;
	time_t		 stale;
	int		 hours;
	const struct exchange *ex;
};

/* 52w-high or 52w-low after `what'; -1 after reporting anything else. */
static int
which_52w(struct parser *p, const char *what, enum rule_kind high,
    enum rule_kind low, char **word)
{
	int	 vline;

	if ((*word = read_value(p, what, &vline)) == NULL)
		return -1;
	if (strcmp(*word, "52w-high") == 0)
		return (int)high;
	if (strcmp(*word, "52w-low") == 0)
		return (int)low;
	lex_error(p, vline, "%s: expected 52w-high or 52w-low, got \"%s\"", what,
	    *word);
	return -1;
}

/* above PRICE, below PRICE, target PRICE */
static struct rule *
rule_level(struct parser *p, const char *kw, int line)
{
	struct rule	*r = NULL;
	char		*s;
	double		 v;
	int		 vline;

	if ((s = read_value(p, kw, &vline)) == NULL)
		return NULL;
	if (parse_price(s, &v) == -1)
		lex_error(p, vline, "%s: invalid price \"%s\"", kw, s);
	else {
		r = rule_new(p, kw[0] == 'a' ? RULE_ABOVE : kw[0] == 'b' ?
		    RULE_BELOW : RULE_TARGET, v, s, line);
		xasprintf(&r->text, "%s %s", kw, s);
	}
	free(s);
	return r;
}

/* move PERCENT */
static struct rule *
rule_move(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*pct;
	double		 v;

	if (read_percent(p, "move", 1000, &pct, &v) == -1)
		return NULL;
	if (lex_peek_word(p, "in")) {	/* move P% in D */
		r = rule_move_in(p, v, pct, line);
		free(pct);
		return r;
	}
	r = rule_new(p, RULE_MOVE, v, pct, line);
	xasprintf(&r->text, "move %s", pct);
	free(pct);
	return r;
}

/* within PERCENT of 52w-high|52w-low */
static struct rule *
rule_within(struct parser *p, const char *kw, int line)
{
	struct rule	*r = NULL;
	char		*pct, *of, *which = NULL;
	double		 v;
	int		 vline, kind;

	if (read_percent(p, "within", 100, &pct, &v) == -1)
		return NULL;
	if ((of = read_value(p, "within", &vline)) != NULL && strcmp(of, "of") != 0)
		lex_error(p, vline, "within: expected \"of\", got \"%s\"", of);
	else if (of != NULL && (lex_peek_word(p, "sma") || lex_peek_word(p, "ema"))) {
		which = read_value(p, "within", &vline);
		r = rule_within_ma(p, which, v, pct, line);
	} else if (of != NULL && (kind = which_52w(p, "within", RULE_NEAR_HIGH,
	    RULE_NEAR_LOW, &which)) != -1) {
		r = rule_new(p, (enum rule_kind)kind, v, pct, line);
		xasprintf(&r->text, "within %s of %s", pct, which);
	}
	free(pct);
	free(of);
	free(which);
	return r;
}

/* new 52w-high|52w-low */
static struct rule *
rule_new52(struct parser *p, const char *kw, int line)
{
	struct rule	*r = NULL;
	char		*which = NULL;
	int		 kind;

	if ((kind = which_52w(p, "new", RULE_NEW_HIGH, RULE_NEW_LOW,
	    &which)) != -1) {
		r = rule_new(p, (enum rule_kind)kind, 0, "", line);
		xasprintf(&r->text, "new %s", which);
	}
	free(which);
	return r;
}

/* close above|below PRICE */
static struct rule *
rule_close(struct parser *p, const char *kw, int line)
{
	struct rule	*r = NULL;
	char		*dir, *s;
	double		 v;
	int		 vline;

	if ((dir = read_value(p, "close", &vline)) == NULL)
		return NULL;
	if (strcmp(dir, "above") != 0 && strcmp(dir, "below") != 0) {
		lex_error(p, vline, "close: expected above or below, got \"%s\"",
		    dir);
		free(dir);
		return NULL;
	}
	if ((s = read_value(p, "close", &vline)) != NULL &&
	    parse_price(s, &v) == -1)
		lex_error(p, vline, "close %s: invalid price \"%s\"", dir, s);
	else if (s != NULL) {
		r = rule_new(p, dir[0] == 'a' ? RULE_CLOSE_ABOVE :
		    RULE_CLOSE_BELOW, v, s, line);
		xasprintf(&r->text, "close %s %s", dir, s);
	}
	free(dir);
	free(s);
	return r;
}

static struct rule	*rule_when(struct parser *, const char *, int);

static const struct {
	const char	*name;
	struct rule	*(*read)(struct parser *, const char *, int);
} rule_kws[] = {
	{ "above", rule_level }, { "below", rule_level },
	{ "target", rule_level }, { "move", rule_move },
	{ "within", rule_within }, { "new", rule_new52 },
	{ "close", rule_close }, { "cross", rule_cross },
	{ "sma", rule_ma_cross }, { "ema", rule_ma_cross },
	{ "rsi", rule_rsi }, { "volume", rule_volume },
	{ "gap", rule_percent }, { "trailing-stop", rule_percent },
	{ "earnings", rule_earnings }, { "when", rule_when },
	{ "filing", rule_filing }, { "insider", rule_insider },
};

/*
 * when TERM and TERM [or TERM ...]: its terms, each a rule read by its
 * own reader, `and' binding tighter than `or' (when.c).
 */
static struct rule *
rule_when(struct parser *p, const char *kw, int line)
{
	return parse_when(p, line, 2);
}

/* The reader of the rule that keyword kw begins, or NULL (parse_when.c). */
struct rule *
(*watch_rule_reader(const char *kw))(struct parser *, const char *, int)
{
	size_t	 k;

	for (k = 0; k < sizeof(rule_kws) / sizeof(rule_kws[0]); k++)
		if (strcmp(rule_kws[k].name, kw) == 0)
			return rule_kws[k].read;
	return NULL;
}

/*
 * until DATE[THH:MM] (through that day, or to that minute, in the local
 * time of the symbol's exchange) or for DURATION (from the first time it
 * is judged): when a rule stops firing.
 */
static int
rule_expiry(struct parser *p, struct rule *r, const char *kw, int line)
{
	char	*s, tail;
	int	 y, m, d, hh, mm, n, vline;

	if ((s = read_value(p, kw, &vline)) == NULL)
		return -1;
	if (strcmp(kw, "for") == 0) {
		if (parse_duration(s, &r->for_secs) == -1 || r->for_secs < 1) {
			lex_error(p, vline, "for: \"%s\" is not a duration of "
			    "at least 1s", s);
			free(s);
			return -1;
		}
		free(s);
		return 0;
	}
	r->until_min = -1;
	n = sscanf(s, "%4d-%2d-%2d%c%2d:%2d", &y, &m, &d, &tail, &hh, &mm);
	if ((n != 3 && (n != 6 || tail != 'T')) || strlen(s) != (n == 3 ?
	    10u : 16u) || y < 1971 || m < 1 || m > 12 || d < 1 ||
	    d > 31 || (n == 6 && (hh > 23 || mm > 59))) {
		lex_error(p, vline, "until: \"%s\" is not a date YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM", s);
		free(s);
		return -1;
	}
	r->until_day = cal_days(y, m, d);
	if (n == 6)
		r->until_min = hh * 60 + mm;
	free(s);
	return 0;
}

/* notify "name" [, "name" ...] after a rule: where its alerts go. */
static int
rule_notify(struct parser *p, struct rule *r)
{
	int	 lines[NOTIFY_LINES];
	size_t	 i;

	if (r->notify != NULL) {
		lex_error(p, r->line, "%s: notify given twice", r->text);
		return -1;
	}
	r->notify = xcalloc(1, sizeof(*r->notify));
	if (read_list(p, "notify", r->notify, lines, NOTIFY_LINES) == -1)
		return -1;
	for (i = 0; i < r->notify->n; i++)
		lex_add_ref(p, r->notify->v[i], i < NOTIFY_LINES ? lines[i] :
		    r->line);
	return 0;
}

static const struct keyword rule_session_kw = { "session", kw_hours,
    offsetof(struct rule, hours), 0, { 0 } };

/*
 * A rule keyword: read the rule, `once', `session', `until' and `for'
 * after it, and add it.
 */
static int
kw_rule(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct watchbody	*wb = obj;
	struct rule		*r, *o;
	const char		*kw;

	if ((r = rule_kws[k->arg].read(p, k->name, line)) == NULL)
		return -1;
	for (;;) {		/* its options, on its line, in any order */
		if (lex_peek_word(p, "once")) {
			lex_drop(p);
			r->once = 1;
		} else if (lex_peek_word(p, "session")) {
			lex_drop(p);
			if (kw_hours(p, &rule_session_kw, r, line) == -1) {
				rule_free(r);
				return -1;
			}
		} else if (lex_peek_word(p, "urgent")) {
			lex_drop(p);
			r->urgent = 1;
		} else if (lex_peek_word(p, "notify")) {
			lex_drop(p);
			if (rule_notify(p, r) == -1) {
				rule_free(r);
				return -1;
			}
		} else if (lex_peek_word(p, "until") ||
		    lex_peek_word(p, "for")) {
			kw = lex_peek_word(p, "for") ? "for" : "until";
			lex_drop(p);
			if (rule_expiry(p, r, kw, line) == -1) {
				rule_free(r);
				return -1;
			}
		} else
			break;
	}
	xasprintf(&r->id, "%s%s", r->text, r->once ? " once" : "");
	TAILQ_FOREACH(o, &wb->rules, entry)
		if (strcmp(o->text, r->text) == 0) {
			lex_error(p, line, "%s: duplicate rule (first at line %d)",
			    r->text, o->line);
			rule_free(r);
			return -1;
		}
	TAILQ_INSERT_TAIL(&wb->rules, r, entry);
	return 0;
}

static int
kw_notify(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct watchbody	*wb = obj;

	if (wb->has_notify) {
		lex_error(p, line, "notify: given twice in one watch");
		return -1;
	}
	wb->has_notify = 1;
	return read_list(p, "notify", &wb->notify, wb->notify_lines,
	    NOTIFY_LINES);
}

/* exchange NAME: where the symbols trade, whatever the providers say. */
static int
kw_exchange(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct watchbody	*wb = obj;
	char			*s;
	int			 vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	if ((wb->ex = exchange_find(s)) == NULL) {
		lex_error(p, vline, "exchange: unknown exchange \"%s\" (known: %s)",
		    s, exchange_names());
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

#define WB(f)	offsetof(struct watchbody, f)
#define RULE(i)	kw_rule, 0, i, { 0 }
static const struct keyword watch_kws[] = {
	{ "above", RULE(0) }, { "below", RULE(1) }, { "target", RULE(2) },
	{ "move", RULE(3) }, { "within", RULE(4) }, { "new", RULE(5) },
	{ "close", RULE(6) }, { "cross", RULE(7) }, { "sma", RULE(8) },
	{ "ema", RULE(9) }, { "rsi", RULE(10) }, { "volume", RULE(11) },
	{ "gap", RULE(12) }, { "trailing-stop", RULE(13) },
	{ "earnings", RULE(14) }, { "when", RULE(15) },
	{ "filing", RULE(16) }, { "insider", RULE(17) },
	{ "note",	kw_string,	WB(note),	0, { 0 } },
	{ "cooldown",	kw_duration,	WB(cooldown),	0, { 0 } },
	{ "notify",	kw_notify,	0,		0, { 0 } },
	{ "hysteresis",	kw_hysteresis,	WB(hysteresis),	0, { 0 } },
	{ "stale",	kw_duration,	WB(stale),	1, { 0 } },
	{ "session",	kw_hours,	WB(hours),	0, { 0 } },
	{ "exchange",	kw_exchange,	0,		0, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};

/* Whether kw belongs in a watch block (and so not at the top level). */
int
watch_keyword(const char *kw)
{
	return read_keyword(watch_kws, kw) != NULL;
}

static void
unknown(struct parser *p, const char *kw, int line, void *obj)
{
	lex_error(p, line, "watch: unknown keyword \"%s\"", kw);
}

/* The symbols of `watch A, B, C': valid, upper-cased, each watched once. */
static int
read_symbols(struct parser *p, struct strlist *syms, int line)
{
	int		 lines[SYMBOL_LINES], sline, bad = 0;
	struct watch	*o;
	struct strmap	*listed;
	size_t		 i;
	char		*u;

	if (read_list(p, "watch", syms, lines, SYMBOL_LINES) == -1)
		return -1;
	listed = strmap_new();
	for (i = 0; i < syms->n; i++) {
		sline = i < SYMBOL_LINES ? lines[i] : line;
		if (!symbol_valid(syms->v[i])) {
			lex_error(p, sline, "watch: invalid symbol \"%s\"",
			    syms->v[i]);
			bad = 1;
			continue;
		}
		for (u = syms->v[i]; *u != '\0'; u++)
			*u = (char)toupper((unsigned char)*u);
		if (strmap_get(listed, syms->v[i]) != NULL) {
			lex_error(p, sline, "watch: %s is listed twice",
			    syms->v[i]);
			bad = 1;
		}
		strmap_put(listed, syms->v[i], syms->v[i]);
		if ((o = config_watch(p->conf, syms->v[i])) != NULL &&
		    o->from_file != NULL)
			config_watch_drop(p->conf, o);	/* its own block wins */
		else if (o != NULL) {
			lex_error(p, sline, "watch %s: duplicate watch (first at "
			    "%s:%d)", syms->v[i], o->file, o->line);
			bad = 1;
		}
	}
	strmap_free(listed);
	return bad ? 1 : 0;
}

/*
 * watch file "PATH": the symbols of the file (watchfile.c), those
 * watched by a block of their own left to it; the file recorded in the
 * configuration, *from its path.  1 when it cannot be read (said).
 */
static int
read_file_symbols(struct parser *p, struct strlist *syms, const char **from,
    int line)
{
	struct strlist		 all = { 0 };
	struct watchfile	*f;
	struct stat		 st;
	char			*s, *path, err[512];
	size_t			 i, skipped = 0;
	int			 vline;

	if ((s = read_value(p, "watch file", &vline)) == NULL)
		return -1;
	path = lex_relpath(p, s);
	free(s);
	if (watchfile_read(path, &all, &st, err, sizeof(err)) == -1) {
		lex_error(p, vline, "watch file: %s", err);
		free(path);
		return 1;
	}
	for (i = 0; i < all.n; i++) {
		if (!symbol_valid(all.v[i])) {
			if (skipped++ == 0)
				log_warnx("%s: \"%.40s\" is not a symbol; skipped",
				    path, all.v[i]);
			continue;
		}
		if (config_watch(p->conf, all.v[i]) == NULL)
			strlist_add(syms, all.v[i]);
	}
	if (skipped > 1)
		log_warnx("%s: %zu entries that are not symbols skipped", path,
		    skipped);
	strlist_free(&all);
	p->conf->watchfiles = xreallocarray(p->conf->watchfiles,
	    p->conf->nwatchfiles + 1, sizeof(*p->conf->watchfiles));
	f = &p->conf->watchfiles[p->conf->nwatchfiles++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->mtime = st.st_mtime;
	f->size = st.st_size;
	for (i = 0; i < syms->n; i++)
		strlist_add(&f->syms, syms->v[i]);
	*from = f->path;
	if (syms->n == 0)
		lex_error(p, line, "watch file %s: no symbols to watch", path);
	return syms->n == 0;
}

static struct watch	*watch_add(struct parser *, const struct watchbody *,
			    const char *, int);

/*
 * A watch of symbol without rules, for what polls it only for another
 * (a screen, whose name from is): a block of its own replaces it.
 */
void
parse_watch_bare(struct parser *p, const char *symbol, const char *from,
    int line)
{
	struct watchbody	 wb;

	if (config_watch(p->conf, symbol) != NULL)
		return;
	memset(&wb, 0, sizeof(wb));
	TAILQ_INIT(&wb.rules);
	wb.hysteresis = -1;
	wb.hours = -1;
	watch_add(p, &wb, symbol, line)->from_file = from;
}

/* A copy of a rule's list, or NULL for none. */
static struct strlist *
list_copy(const struct strlist *l)
{
	struct strlist	*c;
	size_t		 j;

	if (l == NULL)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	for (j = 0; j < l->n; j++)
		strlist_add(c, l->v[j]);
	return c;
}

/* The watch of one symbol, with its own copy of the block's rules. */
static struct watch *
watch_add(struct parser *p, const struct watchbody *wb, const char *symbol,
    int line)
{
	struct watch	*w = xcalloc(1, sizeof(*w));
	struct rule	*r, *nr;
	size_t		 j;

	w->symbol = xstrdup(symbol);
	w->note = wb->note ? xstrdup(wb->note) : NULL;
	TAILQ_INIT(&w->rules);
	TAILQ_FOREACH(r, &wb->rules, entry) {
		nr = xcalloc(1, sizeof(*nr));
		*nr = *r;
		nr->text = xstrdup(r->text);
		nr->id = xstrdup(r->id);
		nr->valtext = xstrdup(r->valtext);
		nr->terms = NULL;
		nr->ors = NULL;
		when_copy(r, nr);
		nr->notify = list_copy(r->notify);
		nr->forms = list_copy(r->forms);
		nr->items = list_copy(r->items);
		TAILQ_INSERT_TAIL(&w->rules, nr, entry);
	}
	for (j = 0; j < wb->notify.n; j++)
		strlist_add(&w->notify, wb->notify.v[j]);
	w->has_notify = wb->has_notify;
	w->cooldown = wb->cooldown;
	w->hysteresis = wb->hysteresis;
	w->stale = wb->stale;
	w->hours = wb->hours;
	w->ex = wb->ex;
	w->file = p->lx->file;
	w->line = line;
	TAILQ_INSERT_TAIL(&p->conf->watches, w, entry);
	strmap_put(p->conf->watchmap, w->symbol, w);
	p->conf->nwatches++;
	return w;
}

int
parse_watch(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct watchbody wb;
	struct strlist	 syms = { 0 };
	struct rule	*r;
	const char	*from = NULL;
	size_t		 i;
	int		 bad;

	memset(&wb, 0, sizeof(wb));
	TAILQ_INIT(&wb.rules);
	wb.hysteresis = -1;
	wb.hours = -1;
	if (lex_peek_word(p, "file")) {
		lex_drop(p);
		bad = read_file_symbols(p, &syms, &from, line);
	} else
		bad = read_symbols(p, &syms, line);
	if (bad == -1 ||
	    lex_open_block(p, "watch") == -1) {
		strlist_free(&syms);
		return -1;
	}
	if (read_block(p, "watch", line, watch_kws, &wb, unknown) == -1)
		bad = 1;
	for (i = 0; i < wb.notify.n; i++)
		lex_add_ref(p, wb.notify.v[i], i < NOTIFY_LINES ?
		    wb.notify_lines[i] : line);
	if (!bad && TAILQ_EMPTY(&wb.rules))
		lex_error(p, line, "watch %s: no rules", syms.v[0]);
	for (i = 0; !bad && i < syms.n; i++)
		watch_add(p, &wb, syms.v[i], line)->from_file = from;
	while ((r = TAILQ_FIRST(&wb.rules)) != NULL) {
		TAILQ_REMOVE(&wb.rules, r, entry);
		rule_free(r);
	}
	strlist_free(&wb.notify);
	free(wb.note);
	strlist_free(&syms);
	return 0;
}
