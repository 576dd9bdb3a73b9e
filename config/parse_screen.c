/*
 * Screens:
 *
 *	screen "oversold" {
 *		symbols CALX, QCOM, AMBA	# or: file "sp500.txt"
 *		when rsi 14 below 30 and above sma 200
 *		notify "me"
 *		every 1h
 *	}
 *
 * The symbols are judged by the condition as their quotes come; the
 * screen's message (daemon/screen.c) lists those that entered and those
 * that left.  A symbol no watch has is polled for the screen alone, as a
 * watch without rules that a block of its own replaces.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

#define SCREEN_LINES	64

struct screenbody {
	struct screen	*s;
	int		 lines[SCREEN_LINES];
	int		 notify_lines[SCREEN_LINES];
};

static int
kw_symbols(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	*b = obj;

	return read_list(p, k->name, &b->s->symbols, b->lines, SCREEN_LINES);
}

static int
kw_file(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	*b = obj;
	struct stat		 st;
	char			*s, *path, err[512];
	int			 rc = 0;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	path = lex_relpath(p, s);
	free(s);
	if (watchfile_read(path, &b->s->symbols, &st, err, sizeof(err)) == -1) {
		lex_error(p, line, "screen \"%s\": file %s", b->s->name, err);
		rc = -1;
	}
	free(path);
	return rc;
}

static int
kw_when(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	*b = obj;

	if (b->s->cond != NULL) {
		lex_error(p, line, "screen \"%s\": when given twice", b->s->name);
		return -1;
	}
	return (b->s->cond = parse_when(p, line, 1)) == NULL ? -1 : 0;
}

static int
kw_notify(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	*b = obj;

	return read_list(p, k->name, &b->s->notify, b->notify_lines,
	    SCREEN_LINES);
}

static int
kw_every(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	*b = obj;

	return read_duration(p, k->name, 1, &b->s->every);
}

static const struct keyword screen_kws[] = {
	{ "symbols",	kw_symbols,	0,		0, { 0 } },
	{ "file",	kw_file,	0,		0, { 0 } },
	{ "when",	kw_when,	0,		0, { 0 } },
	{ "notify",	kw_notify,	0,		0, { 0 } },
	{ "every",	kw_every,	0,		0, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};

static void
unknown(struct parser *p, const char *kw, int line, void *obj)
{
	struct screenbody	*b = obj;

	lex_error(p, line, "screen \"%s\": unknown keyword \"%s\"", b->s->name,
	    kw);
}

/* Its symbols upper-cased and checked; each polled, by a watch if none. */
static void
screen_symbols(struct parser *p, struct screen *s, const int *lines)
{
	size_t	 i;
	char	*u;

	for (i = 0; i < s->symbols.n; i++) {
		for (u = s->symbols.v[i]; *u != '\0'; u++)
			if (*u >= 'a' && *u <= 'z')
				*u = (char)(*u - 'a' + 'A');
		if (!symbol_valid(s->symbols.v[i]))
			lex_error(p, i < SCREEN_LINES && lines[i] ? lines[i] :
			    s->line, "screen \"%s\": invalid symbol \"%s\"",
			    s->name, s->symbols.v[i]);
		else {
			parse_watch_bare(p, s->symbols.v[i], s->name, s->line);
			if (s->cond != NULL && when_needs_daily(s->cond))
				config_watch(p->conf,
				    s->symbols.v[i])->wants_daily = 1;
		}
	}
}

int
parse_screen(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct screenbody	 b;
	struct screen		*s;
	char			*name;
	size_t			 i;
	int			 nline;

	if ((name = read_value(p, "screen", &nline)) == NULL)
		return -1;
	for (i = 0; i < p->conf->nscreens; i++)
		if (strcmp(p->conf->screens[i].name, name) == 0) {
			lex_error(p, nline, "screen \"%s\": duplicate name",
			    name);
			free(name);
			return -1;
		}
	p->conf->screens = xreallocarray(p->conf->screens,
	    p->conf->nscreens + 1, sizeof(*p->conf->screens));
	s = &p->conf->screens[p->conf->nscreens++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->every = DEFAULT_SCREEN_EVERY;
	s->file = p->lx->file;
	s->line = line;
	memset(&b, 0, sizeof(b));
	b.s = s;
	if (lex_open_block(p, "screen") == -1)
		return -1;
	if (read_block(p, "screen", line, screen_kws, &b, unknown) == -1)
		return 0;
	if (s->cond == NULL)
		lex_error(p, line, "screen \"%s\": when is required", s->name);
	if (s->symbols.n == 0)
		lex_error(p, line, "screen \"%s\": no symbols (symbols or file)",
		    s->name);
	for (i = 0; i < s->notify.n; i++)
		lex_add_ref(p, s->notify.v[i], i < SCREEN_LINES ?
		    b.notify_lines[i] : line);
	screen_symbols(p, s, b.lines);
	return 0;
}
