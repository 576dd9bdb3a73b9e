/*
 * The top level of tickerd.conf(5): its statements, includes, and
 * config_load(), which reads a file and every file it includes into a
 * new configuration.
 *
 * Every error is reported as FILE:LINE: message; after an error the
 * parser skips to the end of the statement (a whole block if the
 * statement opened one) and goes on, so one run reports every error it
 * can.  The blocks are in parse_provider.c, parse_notifier.c and
 * parse_watch.c, the lexer in lexer.c, the readers of values in
 * readers.c.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "config/conf.h"
#include "config/parser.h"

static void
default_errfn(const char *file, int line, const char *msg)
{
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

/* ---- include ---- */

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* glob(3)'s error callback: a folder that does not exist matches nothing. */
static int	glob_errno;

static int
glob_err(const char *path, int err)
{
	if (err == ENOENT || err == ENOTDIR)
		return 0;
	glob_errno = err;
	return 1;
}

static int
parse_include(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	char	*s, *path;
	glob_t	 g;
	size_t	 i;
	int	 rc;

	if ((s = read_string(p, "include")) == NULL)
		return -1;
	path = lex_relpath(p, s);
	free(s);
	if (p->depth >= INCLUDE_DEPTH) {
		lex_error(p, line, "include %s: nested too deeply (more than %d "
		    "levels; an include loop?)", path, INCLUDE_DEPTH);
		free(path);
		return -1;
	}
	if (!has_glob(path)) {
		parse_file(p, path, p->lx->file, line);
		free(path);
		return 0;
	}
	memset(&g, 0, sizeof(g));
	glob_errno = 0;
	rc = glob(path, 0, glob_err, &g);
	if (rc == GLOB_NOMATCH) {
		/* an empty watchlist.d/ is fine */
		free(path);
		globfree(&g);
		return 0;
	}
	if (rc != 0) {
		lex_error(p, line, "include %s: %s", path, glob_errno ?
		    strerror(glob_errno) : "cannot read the folder");
		free(path);
		globfree(&g);
		return -1;
	}
	for (i = 0; i < g.gl_pathc; i++)
		parse_file(p, g.gl_pathv[i], p->lx->file, line);
	globfree(&g);
	free(path);
	return 0;
}

/* ---- top level ---- */

/* notify "a", "b": the default notifiers, checked once all is read. */
static int
kw_default_notify(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct config	*conf = p->conf;
	int		 lines[64];
	size_t		 i;

	if (conf->default_notify.n > 0) {
		lex_error(p, line, "notify: the default notifiers are already set");
		return -1;
	}
	if (read_list(p, "notify", &conf->default_notify, lines, 64) == -1)
		return -1;
	for (i = 0; i < conf->default_notify.n; i++)
		lex_add_ref(p, conf->default_notify.v[i], i < 64 ? lines[i] : line);
	return 0;
}

/* state-dir "PATH", or state-dir memory */
static int
kw_state_dir(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct config	*conf = p->conf;

	if (lex_peek_word(p, "memory")) {
		lex_drop(p);
		free(conf->state_dir);
		conf->state_dir = NULL;
	} else if (kw_path(p, k, obj, line) == -1)
		return -1;
	conf->state_set = 1;
	return 0;
}

/* control "PATH", or control none (bare like state-dir's memory, or
 * quoted) */
static int
kw_control(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct config	*conf = p->conf;
	char		*s;

	if (lex_peek_word(p, "none"))
		s = read_value(p, "control", NULL);
	else if ((s = read_string(p, "control")) == NULL)
		return -1;
	free(conf->control);
	if (strcmp(s, "none") == 0) {
		conf->control = s;
		return 0;
	}
	conf->control = lex_relpath(p, s);
	free(s);
	if (strlen(conf->control) >= 100) {
		lex_error(p, line, "control: path too long for a socket (at most "
		    "99 bytes)");
		return -1;
	}
	return 0;
}

#define C(f)	offsetof(struct config, f)
static const struct keyword top_kws[] = {
	{ "provider",	parse_provider,	0,		0, { 0 } },
	{ "notifier",	parse_notifier,	0,		0, { 0 } },
	{ "watch",	parse_watch,	0,		0, { 0 } },
	{ "screen",	parse_screen,	0,		0, { 0 } },
	{ "include",	parse_include,	0,		0, { 0 } },
	{ "poll",	kw_duration,	C(poll),	1, { 0 } },
	{ "timeout",	kw_duration,	C(timeout),	1, { 0 } },
	{ "market-hours", kw_yesno,	C(market_hours), 0, { 0 } },
	{ "session",	kw_hours,	C(hours),	0, { 0 } },
	{ "hysteresis",	kw_hysteresis,	C(hysteresis),	0, { 0 } },
	{ "notify",	kw_default_notify, 0,		0, { 0 } },
	{ "state-dir",	kw_state_dir,	C(state_dir),	0, { 0 } },
	{ "control",	kw_control,	0,		0, { 0 } },
	{ "stale",	kw_duration,	C(stale),	1, { 0 } },
	{ "review-days", kw_review_days, 0,		0, { 0 } },
	{ "review",	kw_review,	0,		0, { 0 } },
	{ "problems",	parse_problems,	0,		0, { 0 } },
	{ "problem-after", kw_duration,	C(problem_after), 1, { 0 } },
	{ "edgar-poll",	kw_edgar_poll,	0,		0, { 0 } },
	{ "heartbeat",	parse_heartbeat,	0,		0, { 0 } },
	{ "metrics",	parse_metrics,	0,		0, { 0 } },
	{ "dashboard",	parse_dashboard, 0,		0, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};

static int
parse_statement(struct parser *p, const char *kw, int line)
{
	const struct keyword	*k;

	if ((k = read_keyword(top_kws, kw)) != NULL)
		return k->fn(p, k, p->conf, line);
	if (watch_keyword(kw))
		lex_error(p, line, "%s: only allowed inside a watch block", kw);
	else
		lex_error(p, line, "unknown keyword \"%s\"", kw);
	return -1;
}

int
parse_file(struct parser *p, const char *path, const char *from, int fromline)
{
	struct lexer	 lx, *saved = p->lx;
	struct token	 t;

	memset(&lx, 0, sizeof(lx));
	if ((lx.src = lex_read_file(p, path, from, fromline, &lx.len)) == NULL)
		return -1;
	lx.file = lex_intern_file(p, path);
	lx.line = 1;
	p->lx = &lx;
	p->depth++;
	for (;;) {
		lex_next(p, &t);
		if (t.type == T_EOF)
			break;
		if (t.type == T_NL || t.type == T_BAD)
			continue;
		if (t.type != T_WORD) {
			lex_error(p, t.line, "unexpected %s", lex_tokname(&t));
			free(t.text);	/* a string where a keyword belongs */
			lex_recover(p);
			continue;
		}
		if (parse_statement(p, t.text, t.line) == -1)
			lex_recover(p);
		free(t.text);
		if (p->conf->errors > MAX_ERRORS)
			break;
	}
	if (lx.peeked)
		free(lx.peek.text);
	free(lx.src);
	p->depth--;
	p->lx = saved;
	return 0;
}

static void
chain_error(struct config *conf, config_errfn errfn,
    const struct providerconf *pc, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errfn(pc->file, pc->fallback_line ? pc->fallback_line : pc->line, msg);
	conf->errors++;
}

/*
 * The provider used is the first one no other names as its fallback; it
 * goes first.  Every fallback must be configured when it needs a key
 * (one that needs none gets its defaults), and the chain cannot loop.
 */
static void
check_fallbacks(struct config *conf, config_errfn errfn)
{
	struct providerconf	*pc, *o, *primary = NULL, *f;
	const struct provider	*prov;
	int			 named, steps;

	TAILQ_FOREACH(pc, &conf->providers, entry) {
		if (pc->fallback == NULL)
			continue;
		if (strcmp(pc->name, "replay") == 0)
			continue;
		if (config_provider_named(conf, pc->fallback) != NULL)
			continue;
		prov = provider_find(pc->fallback);
		if (prov->needs_key) {
			chain_error(conf, errfn, pc, "fallback: provider %s "
			    "needs its own block with a key-file: provider %s "
			    "{ key-file \"...\" }", pc->fallback,
			    pc->fallback);
			continue;
		}
		f = xcalloc(1, sizeof(*f));
		f->name = xstrdup(pc->fallback);
		f->file = pc->file;
		f->line = pc->fallback_line;
		f->speed = 1;
		TAILQ_INSERT_TAIL(&conf->providers, f, entry);
	}
	TAILQ_FOREACH(pc, &conf->providers, entry) {
		named = 0;
		TAILQ_FOREACH(o, &conf->providers, entry)
			if (o->fallback && strcmp(o->fallback, pc->name) == 0)
				named = 1;
		if (!named) {
			if (primary == NULL)
				primary = pc;
		}
	}
	if (primary == NULL) {
		pc = TAILQ_FIRST(&conf->providers);
		chain_error(conf, errfn, pc, "fallback: the providers fall back "
		    "on each other in a loop");
		return;
	}
	for (pc = primary, steps = 0; pc && pc->fallback; steps++) {
		if (steps >= CHAIN_MAX) {
			chain_error(conf, errfn, primary, "fallback: more than 4 "
			    "fallbacks in a chain, or a loop");
			return;
		}
		pc = config_provider_named(conf, pc->fallback);
	}
	if (primary != TAILQ_FIRST(&conf->providers)) {
		TAILQ_REMOVE(&conf->providers, primary, entry);
		TAILQ_INSERT_HEAD(&conf->providers, primary, entry);
	}
}

/* Every `notify' names a notifier that exists, wherever it is defined. */
static void
check_refs(struct parser *p)
{
	size_t	 i;

	for (i = 0; i < p->nrefs; i++) {
		if (config_notifier(p->conf, p->refs[i].name) == NULL)
			lex_error_file(p, p->refs[i].file, p->refs[i].line,
			    "notify: no notifier named \"%s\"",
			    p->refs[i].name);
		free(p->refs[i].name);
	}
	free(p->refs);
}

/* Who hears of problems when `problems' is not given: the global
 * `notify' list, else every notifier a watch names. */
static void
problem_defaults(struct config *conf)
{
	struct watch	*w;
	struct rule	*r;
	size_t		 i;

	if (conf->problems_set)
		return;
	for (i = 0; i < conf->default_notify.n; i++)
		strlist_add(&conf->problems, conf->default_notify.v[i]);
	if (conf->problems.n > 0)
		return;
	TAILQ_FOREACH(w, &conf->watches, entry) {
		for (i = 0; i < w->notify.n; i++)
			if (!strlist_has(&conf->problems, w->notify.v[i]))
				strlist_add(&conf->problems, w->notify.v[i]);
		TAILQ_FOREACH(r, &w->rules, entry)
			for (i = 0; r->notify != NULL && i < r->notify->n; i++)
				if (!strlist_has(&conf->problems,
				    r->notify->v[i]))
					strlist_add(&conf->problems,
					    r->notify->v[i]);
	}
}

/* What the files did not say: the state folder, the provider, and the
 * request timeout that webhooks use too. */
static void
defaults(struct config *conf)
{
	struct providerconf	*pc;
	struct notifier		*n;
	const char		*sd = getenv("STATE_DIRECTORY");  /* systemd */

	if (!conf->state_set) {
		if (sd != NULL && *sd == '/')
			conf->state_dir = xstrndup(sd, strcspn(sd, ":"));
		else
			conf->state_dir = xstrdup(DEFAULT_STATE_DIR);
	}
	if (TAILQ_EMPTY(&conf->providers)) {
		pc = xcalloc(1, sizeof(*pc));
		pc->name = xstrdup("yahoo");
		pc->file = conf->path;
		pc->speed = 1;
		TAILQ_INSERT_TAIL(&conf->providers, pc, entry);
	}
	TAILQ_FOREACH(n, &conf->notifiers, entry)
		n->timeout = conf->timeout;
	problem_defaults(conf);
}

/*
 * Read the configuration from path and every file it includes.  Returns
 * the configuration, or NULL after reporting each error through errfn
 * (stderr as FILE:LINE: message when errfn is NULL).
 */
struct config *
config_load(const char *path, config_errfn errfn)
{
	struct parser		 p;
	struct config		*conf;

	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(path);
	TAILQ_INIT(&conf->providers);
	TAILQ_INIT(&conf->notifiers);
	TAILQ_INIT(&conf->watches);
	conf->watchmap = strmap_new();
	conf->poll = DEFAULT_POLL;
	conf->timeout = DEFAULT_TIMEOUT;
	conf->hysteresis = DEFAULT_HYSTERESIS;
	conf->review_days[0] = 1;
	conf->review_days[1] = 5;
	conf->review_days[2] = 20;
	conf->nreview_days = 3;
	conf->problem_after = DEFAULT_PROBLEM_AFTER;
	conf->edgar_poll = DEFAULT_EDGAR_POLL;

	memset(&p, 0, sizeof(p));
	p.conf = conf;
	p.errfn = errfn ? errfn : default_errfn;
	parse_file(&p, path, NULL, 0);
	check_refs(&p);
	defaults(conf);
	if (conf->errors == 0)
		check_fallbacks(conf, p.errfn);
	if (conf->errors == 0)
		parse_check_earnings(conf, p.errfn);
	if (conf->errors == 0)
		parse_check_review(conf, p.errfn);
	if (conf->errors == 0)
		parse_check_filings(conf, p.errfn);
	if (conf->errors > 0) {
		config_free(conf);
		return NULL;
	}
	return conf;
}
