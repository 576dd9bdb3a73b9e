/*
 * The configuration language of tickerd.conf(5): a lexer and a
 * keyword-driven parser.
 *
 * Statements are a keyword and a fixed number of arguments, so they need
 * no terminator: "watch QCOM { move 7% new 52w-low }" is two rules on one
 * line.  Every error is reported as FILE:LINE: message; after an error the
 * parser skips to the end of the statement (a whole block if the statement
 * opened one) and goes on, so one run reports every error it can.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tickerd.h"

#define CONF_FILE_MAX	(4 * 1024 * 1024)
#define MAX_ERRORS	50

enum toktype {
	T_EOF,
	T_WORD,
	T_STRING,
	T_LBRACE,
	T_RBRACE,
	T_COMMA,
	T_NL,
	T_BAD,		/* a lexical error, already reported */
};

struct token {
	enum toktype	 type;
	char		*text;		/* words and strings; owned */
	int		 line;
};

struct lexer {
	const char	*file;
	char		*src;
	size_t		 len;
	size_t		 pos;
	int		 line;
	struct token	 peek;
	int		 peeked;
};

/* A notifier name used by `notify', checked once every file is read. */
struct noteref {
	char		*name;
	const char	*file;
	int		 line;
};

struct parser {
	struct config	*conf;
	config_errfn	 errfn;
	struct lexer	*lx;
	int		 depth;		/* include depth */
	struct noteref	*refs;
	size_t		 nrefs;
	time_t		 cooldown_none;
};

static void	perr(struct parser *, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static int	parse_file(struct parser *, const char *, const char *, int);

static void
default_errfn(const char *file, int line, const char *msg)
{
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

static void
perr(struct parser *p, int line, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->conf->errors++;
	if (p->conf->errors <= MAX_ERRORS)
		p->errfn(p->lx ? p->lx->file : p->conf->path, line, msg);
	else if (p->conf->errors == MAX_ERRORS + 1)
		p->errfn(p->lx ? p->lx->file : p->conf->path, line,
		    "too many errors, giving up");
}

/* ---- lexer ---- */

static int
isword(int c)
{
	return c != '\0' && !isspace(c) && c != '{' && c != '}' &&
	    c != ',' && c != '"' && c != '#';
}

static void
lex_string(struct parser *p, struct token *t)
{
	struct lexer	*lx = p->lx;
	struct buf	 b = { 0 };
	char		 c;

	lx->pos++;		/* opening quote */
	for (;;) {
		if (lx->pos >= lx->len || lx->src[lx->pos] == '\n') {
			perr(p, t->line, "unterminated string");
			t->type = T_BAD;
			buf_free(&b);
			return;
		}
		c = lx->src[lx->pos++];
		if (c == '"')
			break;
		if (c == '\0') {
			perr(p, t->line, "NUL byte in string");
			t->type = T_BAD;
			buf_free(&b);
			return;
		}
		if (c == '\\') {
			c = lx->pos < lx->len ? lx->src[lx->pos++] : '\0';
			switch (c) {
			case '"':  c = '"'; break;
			case '\\': c = '\\'; break;
			case 'n':  c = '\n'; break;
			case 't':  c = '\t'; break;
			default:
				if (isprint((unsigned char)c))
					perr(p, t->line, "invalid escape "
					    "\\%c in string", c);
				else
					perr(p, t->line, "invalid escape "
					    "in string");
				t->type = T_BAD;
				buf_free(&b);
				/* skip the rest of the string */
				while (lx->pos < lx->len &&
				    lx->src[lx->pos] != '"' &&
				    lx->src[lx->pos] != '\n')
					lx->pos++;
				if (lx->pos < lx->len && lx->src[lx->pos] == '"')
					lx->pos++;
				return;
			}
		}
		buf_add(&b, &c, 1);
	}
	buf_add(&b, "", 0);
	t->type = T_STRING;
	t->text = b.data;
}

static void
lex(struct parser *p, struct token *t)
{
	struct lexer	*lx = p->lx;
	size_t		 start;
	unsigned char	 c;

	t->text = NULL;
	for (;;) {
		if (lx->pos >= lx->len) {
			t->type = T_EOF;
			t->line = lx->line;
			return;
		}
		c = (unsigned char)lx->src[lx->pos];
		if (c == '#') {
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		if (c == '\n') {
			t->type = T_NL;
			t->line = lx->line++;
			lx->pos++;
			return;
		}
		if (c == '\\' && lx->pos + 1 < lx->len &&
		    lx->src[lx->pos + 1] == '\n') {
			/* a line continuation */
			lx->pos += 2;
			lx->line++;
			continue;
		}
		if (isspace(c)) {
			lx->pos++;
			continue;
		}
		break;
	}
	t->line = lx->line;
	switch (c) {
	case '{': t->type = T_LBRACE; lx->pos++; return;
	case '}': t->type = T_RBRACE; lx->pos++; return;
	case ',': t->type = T_COMMA; lx->pos++; return;
	case '"': lex_string(p, t); return;
	case '\0':
		perr(p, t->line, "NUL byte in configuration");
		lx->pos++;
		t->type = T_BAD;
		return;
	}
	start = lx->pos;
	while (lx->pos < lx->len && isword((unsigned char)lx->src[lx->pos]))
		lx->pos++;
	t->type = T_WORD;
	t->text = xstrndup(lx->src + start, lx->pos - start);
}

/* The next token; the caller owns t->text. */
static void
next(struct parser *p, struct token *t)
{
	if (p->lx->peeked) {
		*t = p->lx->peek;
		p->lx->peeked = 0;
		return;
	}
	lex(p, t);
}

static const struct token *
peek(struct parser *p)
{
	if (!p->lx->peeked) {
		lex(p, &p->lx->peek);
		p->lx->peeked = 1;
	}
	return &p->lx->peek;
}

/* Skip newlines, then peek. */
static const struct token *
peek_nonl(struct parser *p)
{
	const struct token	*t;

	while ((t = peek(p))->type == T_NL) {
		struct token	 tt;
		next(p, &tt);
	}
	return t;
}

static void
drop(struct parser *p)
{
	struct token	 t;

	next(p, &t);
	free(t.text);
}

static const char *
tokname(const struct token *t)
{
	switch (t->type) {
	case T_EOF: return "end of file";
	case T_NL: return "end of line";
	case T_LBRACE: return "'{'";
	case T_RBRACE: return "'}'";
	case T_COMMA: return "','";
	case T_BAD: return "invalid token";
	default: return t->text;
	}
}

/*
 * After an error: skip to the end of the statement.  A block the statement
 * opened is skipped whole; a '}' that closes the enclosing block is left
 * for its owner.
 */
static void
recover(struct parser *p)
{
	const struct token	*t;
	int			 depth = 0;

	for (;;) {
		t = peek(p);
		if (t->type == T_EOF)
			return;
		if (t->type == T_RBRACE && depth == 0)
			return;
		if (t->type == T_NL && depth == 0) {
			drop(p);
			return;
		}
		if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_RBRACE && --depth == 0) {
			drop(p);
			return;
		}
		drop(p);
	}
}

/*
 * The value of keyword kw: a word or a string on the same line.  Returns
 * the text (caller frees) or NULL after reporting the error.
 */
static char *
value(struct parser *p, const char *kw, int *line)
{
	const struct token	*t = peek(p);
	struct token		 tt;

	if (t->type == T_BAD) {
		drop(p);
		return NULL;
	}
	if (t->type != T_WORD && t->type != T_STRING) {
		perr(p, t->line, "%s: missing value", kw);
		return NULL;
	}
	next(p, &tt);
	if (line != NULL)
		*line = tt.line;
	return tt.text;
}

static char *
string_value(struct parser *p, const char *kw)
{
	const struct token	*t = peek(p);
	int			 line = t->line;
	char			*s;

	if (t->type == T_WORD) {
		perr(p, line, "%s: expected a double-quoted string, got %s",
		    kw, t->text);
		drop(p);
		return NULL;
	}
	if ((s = value(p, kw, &line)) == NULL)
		return NULL;
	if (*s == '\0') {
		perr(p, line, "%s: empty string", kw);
		free(s);
		return NULL;
	}
	return s;
}

/* A list of values separated by commas: "a", "b", "c". */
static int
list_value(struct parser *p, const char *kw, struct strlist *out,
    int *lines, size_t maxlines)
{
	char	*s;
	int	 line;

	for (;;) {
		if ((s = value(p, kw, &line)) == NULL)
			return -1;
		if (*s == '\0') {
			perr(p, line, "%s: empty value", kw);
			free(s);
			return -1;
		}
		if (lines != NULL && out->n < maxlines)
			lines[out->n] = line;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = s;
		if (peek(p)->type != T_COMMA)
			return 0;
		drop(p);
		while (peek(p)->type == T_NL)	/* a list may go on */
			drop(p);
	}
}

static int
duration_value(struct parser *p, const char *kw, time_t min, time_t *out)
{
	int	 line;
	char	*s;

	if ((s = value(p, kw, &line)) == NULL)
		return -1;
	if (parse_duration(s, out) == -1) {
		perr(p, line, "%s: invalid duration \"%s\" (a whole number "
		    "with a unit: 30s, 5m, 4h, 2d)", kw, s);
		free(s);
		return -1;
	}
	free(s);
	if (*out < min) {
		perr(p, line, "%s: must be at least %llds", kw,
		    (long long)min);
		return -1;
	}
	return 0;
}

static int
percent_value(struct parser *p, const char *kw, double max, char **text,
    double *out)
{
	int	 line;
	char	*s;

	if ((s = value(p, kw, &line)) == NULL)
		return -1;
	if (parse_percent(s, out) == -1) {
		perr(p, line, "%s: invalid percentage \"%s\" (a number "
		    "followed by %%, such as 5%%)", kw, s);
		free(s);
		return -1;
	}
	if (*out <= 0 || *out > max) {
		perr(p, line, "%s: %s is out of range (more than 0%%, at most "
		    "%g%%)", kw, s, max);
		free(s);
		return -1;
	}
	if (text != NULL)
		*text = s;
	else
		free(s);
	return 0;
}

static int
yesno_value(struct parser *p, const char *kw, int *out)
{
	int	 line;
	char	*s;

	if ((s = value(p, kw, &line)) == NULL)
		return -1;
	if (strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0)
		*out = 0;
	else {
		perr(p, line, "%s: expected yes or no, got \"%s\"", kw, s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

/* Expect '{', allowing it on the next line. */
static int
open_block(struct parser *p, const char *what)
{
	const struct token	*t = peek_nonl(p);

	if (t->type != T_LBRACE) {
		perr(p, t->line, "%s: expected '{', got %s", what, tokname(t));
		return -1;
	}
	drop(p);
	return 0;
}

/*
 * Read the next keyword of a block.  Returns the word (caller frees), or
 * NULL at the closing brace (consumed) or on an error (reported).
 */
static char *
block_keyword(struct parser *p, const char *what, int opened, int *line,
    int *done)
{
	const struct token	*t = peek_nonl(p);
	struct token		 tt;

	*done = 0;
	if (t->type == T_RBRACE) {
		drop(p);
		*done = 1;
		return NULL;
	}
	if (t->type == T_EOF) {
		perr(p, t->line, "%s: missing '}' for the block opened at "
		    "line %d", what, opened);
		*done = 1;
		return NULL;
	}
	if (t->type != T_WORD) {
		if (t->type != T_BAD)
			perr(p, t->line, "%s: unexpected %s", what, tokname(t));
		drop(p);
		return NULL;
	}
	next(p, &tt);
	*line = tt.line;
	return tt.text;
}

static const char *
intern_file(struct parser *p, const char *path)
{
	strlist_add(&p->conf->files, path);
	return p->conf->files.v[p->conf->files.n - 1];
}

/* Resolve path relative to the folder of the file being read. */
static char *
relpath(struct parser *p, const char *path)
{
	char	*dup, *dir, *out;

	if (path[0] == '/')
		return xstrdup(path);
	dup = xstrdup(p->lx->file);
	dir = dirname(dup);
	xasprintf(&out, "%s/%s", dir, path);
	free(dup);
	return out;
}

static void
add_ref(struct parser *p, const char *name, int line)
{
	p->refs = xreallocarray(p->refs, p->nrefs + 1, sizeof(*p->refs));
	p->refs[p->nrefs].name = xstrdup(name);
	p->refs[p->nrefs].file = p->lx->file;
	p->refs[p->nrefs].line = line;
	p->nrefs++;
}

/* ---- provider ---- */

/* rate N/s, N/m, N/h or N/d: the provider's request budget. */
static int
rate_value(struct parser *p, struct providerconf *pc)
{
	char	*s, *slash;
	int	 vline;
	double	 n;

	if ((s = value(p, "rate", &vline)) == NULL)
		return -1;
	slash = strchr(s, '/');
	if (slash == NULL || slash[1] == '\0' || slash[2] != '\0' ||
	    strchr("smhd", slash[1]) == NULL) {
		perr(p, vline, "rate: \"%s\" is not N/s, N/m, N/h or N/d "
		    "(requests per second, minute, hour or day)", s);
		free(s);
		return -1;
	}
	*slash = '\0';
	if (parse_price(s, &n) == -1 || n <= 0 || n > 1e6) {
		perr(p, vline, "rate: invalid number of requests \"%s\"", s);
		free(s);
		return -1;
	}
	pc->rate = n;
	pc->rate_period = slash[1] == 's' ? 1 : slash[1] == 'm' ? 60 :
	    slash[1] == 'h' ? 3600 : 86400;
	free(s);
	return 0;
}

/* map SYMBOL "PROVIDER-SYMBOL": how this provider spells a symbol. */
static int
map_value(struct parser *p, struct providerconf *pc)
{
	char	*from, *to;
	int	 vline;

	if ((from = value(p, "map", &vline)) == NULL)
		return -1;
	if ((to = value(p, "map", NULL)) == NULL) {
		free(from);
		return -1;
	}
	if (strlen(from) > SYMBOL_MAX || strlen(to) > SYMBOL_MAX ||
	    *to == '\0') {
		perr(p, vline, "map: symbols are 1 to %d characters",
		    SYMBOL_MAX);
		free(from);
		free(to);
		return -1;
	}
	pc->maps = xreallocarray(pc->maps, pc->nmaps + 1, sizeof(*pc->maps));
	pc->maps[pc->nmaps].from = from;
	pc->maps[pc->nmaps].to = to;
	pc->nmaps++;
	return 0;
}

static int
parse_provider(struct parser *p, int line)
{
	struct config		*conf = p->conf;
	const struct provider	*prov;
	struct providerconf	*pc, *o;
	char			*name, *kw, *s, err[512];
	int			 kwline, done, opened, vline, bad = 0;

	if ((name = value(p, "provider", &vline)) == NULL)
		return -1;
	if (strcmp(name, "replay") != 0 && (prov = provider_find(name)) == NULL) {
		perr(p, vline, "provider: unknown provider \"%s\" (known: %s, "
		    "replay)", name, provider_names());
		free(name);
		return -1;
	}
	TAILQ_FOREACH(o, &conf->providers, entry)
		if (strcmp(o->name, name) == 0) {
			perr(p, vline, "provider %s: duplicate (first at "
			    "%s:%d)", name, o->file, o->line);
			free(name);
			return -1;
		}
	pc = xcalloc(1, sizeof(*pc));
	pc->name = name;
	pc->file = p->lx->file;
	pc->line = line;
	pc->speed = 1;
	TAILQ_INSERT_TAIL(&conf->providers, pc, entry);

	if (peek(p)->type != T_LBRACE)
		goto check;
	opened = peek(p)->line;
	drop(p);
	for (;;) {
		kw = block_keyword(p, name, opened, &kwline, &done);
		if (done)
			break;
		if (kw == NULL) {
			bad = 1;
			recover(p);
			continue;
		}
		if (strcmp(kw, "url") == 0) {
			if ((s = string_value(p, "url")) == NULL)
				goto fail;
			if (strncmp(s, "http://", 7) != 0 &&
			    strncmp(s, "https://", 8) != 0) {
				perr(p, kwline, "url: \"%s\" is not an http:// "
				    "or https:// URL", s);
				free(s);
				goto fail;
			}
			free(pc->url);
			pc->url = s;
			/* a trailing slash would double in the request path */
			while (strlen(pc->url) > 8 &&
			    pc->url[strlen(pc->url) - 1] == '/')
				pc->url[strlen(pc->url) - 1] = '\0';
		} else if (strcmp(kw, "key-file") == 0) {
			if ((s = string_value(p, "key-file")) == NULL)
				goto fail;
			free(pc->key_file);
			pc->key_file = relpath(p, s);
			free(s);
		} else if (strcmp(kw, "fallback") == 0 &&
		    strcmp(name, "replay") != 0) {
			if ((s = value(p, "fallback", &vline)) == NULL)
				goto fail;
			if (provider_find(s) == NULL) {
				perr(p, vline, "fallback: unknown provider "
				    "\"%s\" (known: %s)", s, provider_names());
				free(s);
				goto fail;
			}
			if (strcmp(s, name) == 0) {
				perr(p, vline, "fallback: provider %s cannot "
				    "be its own fallback", name);
				free(s);
				goto fail;
			}
			free(pc->fallback);
			pc->fallback = s;
			pc->fallback_line = vline;
		} else if (strcmp(kw, "rate") == 0 &&
		    strcmp(name, "replay") != 0) {
			if (rate_value(p, pc) == -1)
				goto fail;
		} else if (strcmp(kw, "map") == 0 &&
		    strcmp(name, "replay") != 0) {
			if (map_value(p, pc) == -1)
				goto fail;
		} else if (strcmp(kw, "file") == 0 &&
		    strcmp(name, "replay") == 0) {
			if ((s = string_value(p, "file")) == NULL)
				goto fail;
			free(pc->replay_file);
			pc->replay_file = relpath(p, s);
			free(s);
		} else if (strcmp(kw, "speed") == 0 &&
		    strcmp(name, "replay") == 0) {
			if ((s = value(p, "speed", &vline)) == NULL)
				goto fail;
			if (parse_price(s, &pc->speed) == -1 ||
			    pc->speed > 1e7) {
				perr(p, vline, "speed: invalid number \"%s\"",
				    s);
				free(s);
				goto fail;
			}
			free(s);
		} else {
			perr(p, kwline, "provider %s: unknown keyword \"%s\"",
			    name, kw);
			goto fail;
		}
		free(kw);
		continue;
 fail:
		free(kw);
		bad = 1;
		recover(p);
	}
 check:
	if (bad)
		return 0;
	if (strcmp(name, "replay") != 0) {
		prov = provider_find(name);
		if (prov->needs_key && pc->key_file == NULL)
			perr(p, line, "provider %s: key-file is required",
			    name);
		else if (!prov->needs_key && pc->key_file != NULL)
			perr(p, line, "provider %s: takes no key-file", name);
		else if (pc->key_file != NULL && secret_file_read(pc->key_file,
		    &pc->key, err, sizeof(err)) == -1)
			perr(p, line, "provider %s: key-file %s", name, err);
	} else if (pc->replay_file == NULL)
		perr(p, line, "provider replay: file is required");
	return 0;
}

/* ---- notifier ---- */

/* Options every notifier that delivers over a network takes. */
static int
delivery_option(struct parser *p, struct notifier *n, const char *kw, int *rc)
{
	*rc = 0;
	if (strcmp(kw, "retry") == 0)
		*rc = duration_value(p, kw, 1, &n->retry);
	else if (strcmp(kw, "retry-for") == 0)
		*rc = duration_value(p, kw, 1, &n->retry_for);
	else
		return 0;
	return 1;
}

static int
notifier_webhook_option(struct parser *p, struct notifier *n, const char *kw,
    int kwline)
{
	char	*s, *name, *what;
	int	 rc, vline;

	if (strcmp(kw, "url") == 0) {
		if ((s = string_value(p, "url")) == NULL)
			return -1;
		if (strncmp(s, "http://", 7) != 0 &&
		    strncmp(s, "https://", 8) != 0) {
			perr(p, kwline, "url: \"%s\" is not an http:// or "
			    "https:// URL", s);
			free(s);
			return -1;
		}
		free(n->url);
		n->url = s;
	} else if (strcmp(kw, "header") == 0) {
		if ((name = string_value(p, "header")) == NULL)
			return -1;
		if (*name == '\0' || name[strcspn(name,
		    "()<>@,;:\\\"/[]?={} \t\r\n")] != '\0') {
			perr(p, kwline, "header: \"%s\" is not a header name",
			    name);
			free(name);
			return -1;
		}
		if ((what = value(p, "header", &vline)) == NULL) {
			free(name);
			return -1;
		}
		if (strcmp(what, "file") != 0) {
			perr(p, vline, "header: expected file PATH after the "
			    "name, not \"%s\" (the value comes from a file)",
			    what);
			free(what);
			free(name);
			return -1;
		}
		free(what);
		if ((s = string_value(p, "header file")) == NULL) {
			free(name);
			return -1;
		}
		free(n->header_name);
		free(n->header_file);
		n->header_name = name;
		n->header_file = relpath(p, s);
		free(s);
	} else if (delivery_option(p, n, kw, &rc)) {
		return rc;
	} else {
		perr(p, kwline, "notifier webhook \"%s\": unknown keyword "
		    "\"%s\"", n->name, kw);
		return -1;
	}
	return 0;
}

static int
notifier_mail_option(struct parser *p, struct notifier *n, const char *kw,
    int kwline)
{
	char	*s;
	int	 vline, rc;

	if (strcmp(kw, "to") == 0) {
		if (list_value(p, "to", &n->to, NULL, 0) == -1)
			return -1;
	} else if (strcmp(kw, "from") == 0) {
		if ((s = string_value(p, "from")) == NULL)
			return -1;
		free(n->from);
		n->from = s;
	} else if (strcmp(kw, "smtp") == 0) {
		if ((s = string_value(p, "smtp")) == NULL)
			return -1;
		if (strncmp(s, "smtp://", 7) != 0 &&
		    strncmp(s, "smtps://", 8) != 0) {
			perr(p, kwline, "smtp: \"%s\" is not an smtp:// or "
			    "smtps:// URL", s);
			free(s);
			return -1;
		}
		free(n->smtp);
		n->smtp = s;
	} else if (strcmp(kw, "user") == 0) {
		if ((s = string_value(p, "user")) == NULL)
			return -1;
		free(n->user);
		n->user = s;
	} else if (strcmp(kw, "password-file") == 0) {
		if ((s = string_value(p, "password-file")) == NULL)
			return -1;
		free(n->password_file);
		n->password_file = relpath(p, s);
		free(s);
	} else if (strcmp(kw, "mbox") == 0) {
		if ((s = string_value(p, "mbox")) == NULL)
			return -1;
		free(n->mbox);
		n->mbox = relpath(p, s);
		free(s);
	} else if (strcmp(kw, "sendmail") == 0) {
		if ((s = string_value(p, "sendmail")) == NULL)
			return -1;
		if (s[0] != '/') {
			perr(p, kwline, "sendmail: \"%s\" is not an absolute "
			    "path", s);
			free(s);
			return -1;
		}
		free(n->sendmail);
		n->sendmail = s;
	} else if (strcmp(kw, "starttls") == 0) {
		if ((s = value(p, "starttls", &vline)) == NULL)
			return -1;
		if (strcmp(s, "required") == 0)
			n->starttls = STARTTLS_REQUIRED;
		else if (strcmp(s, "optional") == 0)
			n->starttls = STARTTLS_OPTIONAL;
		else {
			perr(p, vline, "starttls: \"%s\" is neither required "
			    "nor optional", s);
			free(s);
			return -1;
		}
		free(s);
	} else if (strcmp(kw, "ca-file") == 0) {
		if ((s = string_value(p, "ca-file")) == NULL)
			return -1;
		free(n->ca_file);
		n->ca_file = relpath(p, s);
		free(s);
	} else if (strcmp(kw, "digest") == 0) {
		if (duration_value(p, kw, 1, &n->digest) == -1)
			return -1;
	} else if (delivery_option(p, n, kw, &rc)) {
		return rc;
	} else {
		perr(p, kwline, "notifier mail \"%s\": unknown keyword \"%s\"",
		    n->name, kw);
		return -1;
	}
	return 0;
}

static int
notifier_syslog_option(struct parser *p, struct notifier *n, const char *kw,
    int kwline)
{
	char	*s;
	int	 v, vline;

	if (strcmp(kw, "facility") == 0) {
		if ((s = value(p, "facility", &vline)) == NULL)
			return -1;
		if ((v = syslog_facility(s)) == -1) {
			perr(p, vline, "facility: unknown facility \"%s\" "
			    "(daemon, user, mail, local0 ... local7)", s);
			free(s);
			return -1;
		}
		n->facility = v;
		free(s);
	} else if (strcmp(kw, "priority") == 0) {
		if ((s = value(p, "priority", &vline)) == NULL)
			return -1;
		if ((v = syslog_priority(s)) == -1) {
			perr(p, vline, "priority: unknown priority \"%s\" "
			    "(emerg, alert, crit, err, warning, notice, "
			    "info, debug)", s);
			free(s);
			return -1;
		}
		n->priority = v;
		free(s);
	} else {
		perr(p, kwline, "notifier syslog \"%s\": unknown keyword "
		    "\"%s\"", n->name, kw);
		return -1;
	}
	return 0;
}

static void
notifier_check(struct parser *p, struct notifier *n)
{
	char	 err[512];
	int	 transports;

	if (n->type == NOTIFIER_WEBHOOK) {
		if (n->url == NULL)
			perr(p, n->line, "notifier webhook \"%s\": url is "
			    "required", n->name);
		if (n->header_file != NULL && secret_file_read(n->header_file,
		    &n->header_value, err, sizeof(err)) == -1)
			perr(p, n->line, "notifier webhook \"%s\": header file "
			    "%s", n->name, err);
		return;
	}
	if (n->type != NOTIFIER_MAIL)
		return;
	if (n->to.n == 0)
		perr(p, n->line, "notifier mail \"%s\": to is required",
		    n->name);
	transports = (n->smtp != NULL) + (n->mbox != NULL) +
	    (n->sendmail != NULL);
	if (transports == 0)
		perr(p, n->line, "notifier mail \"%s\": one of smtp, sendmail "
		    "or mbox is required", n->name);
	else if (transports > 1)
		perr(p, n->line, "notifier mail \"%s\": smtp, sendmail and "
		    "mbox exclude each other", n->name);
	if ((n->user != NULL) != (n->password_file != NULL))
		perr(p, n->line, "notifier mail \"%s\": user and "
		    "password-file go together", n->name);
	if (n->user != NULL && n->smtp == NULL)
		perr(p, n->line, "notifier mail \"%s\": user and "
		    "password-file need smtp", n->name);
	if ((n->starttls == STARTTLS_REQUIRED || n->ca_file != NULL) &&
	    n->smtp == NULL)
		perr(p, n->line, "notifier mail \"%s\": starttls and ca-file "
		    "need smtp", n->name);
	if (n->starttls == STARTTLS_REQUIRED && n->smtp != NULL &&
	    strncmp(n->smtp, "smtps://", 8) == 0)
		perr(p, n->line, "notifier mail \"%s\": starttls required "
		    "is for smtp://; smtps:// is always encrypted", n->name);
	if (n->password_file != NULL && n->user != NULL &&
	    secret_file_read(n->password_file, &n->password, err,
	    sizeof(err)) == -1)
		perr(p, n->line, "notifier mail \"%s\": password-file %s",
		    n->name, err);
}

static int
parse_notifier(struct parser *p, int line)
{
	struct notifier	*n, *o;
	char		*type, *name, *kw;
	int		 tline, nline, opened, kwline, done, bad = 0, rc;

	if ((type = value(p, "notifier", &tline)) == NULL)
		return -1;
	if (strcmp(type, "mail") != 0 && strcmp(type, "syslog") != 0 &&
	    strcmp(type, "webhook") != 0) {
		perr(p, tline, "notifier: unknown type \"%s\" (mail, syslog, "
		    "webhook)", type);
		free(type);
		return -1;
	}
	if ((name = value(p, "notifier name", &nline)) == NULL) {
		free(type);
		return -1;
	}
	if (*name == '\0') {
		perr(p, nline, "notifier: empty name");
		free(type);
		free(name);
		return -1;
	}
	if ((o = config_notifier(p->conf, name)) != NULL) {
		perr(p, nline, "notifier \"%s\": duplicate name (first at "
		    "%s:%d)", name, o->file, o->line);
		free(type);
		free(name);
		return -1;
	}
	n = xcalloc(1, sizeof(*n));
	n->type = strcmp(type, "mail") == 0 ? NOTIFIER_MAIL :
	    strcmp(type, "syslog") == 0 ? NOTIFIER_SYSLOG : NOTIFIER_WEBHOOK;
	n->name = name;
	n->file = p->lx->file;
	n->line = line;
	n->facility = syslog_facility("daemon");
	n->priority = syslog_priority("notice");
	n->retry = DEFAULT_RETRY;
	n->retry_for = DEFAULT_RETRY_FOR;
	free(type);
	TAILQ_INSERT_TAIL(&p->conf->notifiers, n, entry);

	if (open_block(p, "notifier") == -1)
		return -1;
	opened = line;
	for (;;) {
		kw = block_keyword(p, "notifier", opened, &kwline, &done);
		if (done)
			break;
		if (kw == NULL) {
			bad = 1;
			recover(p);
			continue;
		}
		if (n->type == NOTIFIER_MAIL)
			rc = notifier_mail_option(p, n, kw, kwline);
		else if (n->type == NOTIFIER_WEBHOOK)
			rc = notifier_webhook_option(p, n, kw, kwline);
		else
			rc = notifier_syslog_option(p, n, kw, kwline);
		free(kw);
		if (rc == -1) {
			bad = 1;
			recover(p);
		}
	}
	if (!bad)
		notifier_check(p, n);
	return 0;
}

/* ---- watch ---- */

static struct rule *
rule_new(struct parser *p, enum rule_kind kind, double v, const char *valtext,
    int line)
{
	struct rule	*r = xcalloc(1, sizeof(*r));

	r->kind = kind;
	r->value = v;
	r->valtext = xstrdup(valtext);
	r->file = p->lx->file;
	r->line = line;
	return r;
}

/* Parse one rule after its keyword; NULL after reporting an error. */
static struct rule *
parse_rule(struct parser *p, const char *kw, int kwline)
{
	struct rule	*r = NULL;
	char		*s = NULL, *s2 = NULL, *pct = NULL;
	double		 v;
	int		 vline;
	enum rule_kind	 kind;

	if (strcmp(kw, "above") == 0 || strcmp(kw, "below") == 0 ||
	    strcmp(kw, "target") == 0) {
		kind = kw[0] == 'a' ? RULE_ABOVE : kw[0] == 'b' ? RULE_BELOW :
		    RULE_TARGET;
		if ((s = value(p, kw, &vline)) == NULL)
			return NULL;
		if (parse_price(s, &v) == -1) {
			perr(p, vline, "%s: invalid price \"%s\"", kw, s);
			goto out;
		}
		r = rule_new(p, kind, v, s, kwline);
		xasprintf(&r->text, "%s %s", kw, s);
	} else if (strcmp(kw, "move") == 0) {
		if (percent_value(p, "move", 1000, &pct, &v) == -1)
			return NULL;
		r = rule_new(p, RULE_MOVE, v, pct, kwline);
		xasprintf(&r->text, "move %s", pct);
	} else if (strcmp(kw, "within") == 0) {
		if (percent_value(p, "within", 100, &pct, &v) == -1)
			return NULL;
		if ((s = value(p, "within", &vline)) == NULL)
			goto out;
		if (strcmp(s, "of") != 0) {
			perr(p, vline, "within: expected \"of\", got \"%s\"",
			    s);
			goto out;
		}
		if ((s2 = value(p, "within", &vline)) == NULL)
			goto out;
		if (strcmp(s2, "52w-high") == 0)
			kind = RULE_NEAR_HIGH;
		else if (strcmp(s2, "52w-low") == 0)
			kind = RULE_NEAR_LOW;
		else {
			perr(p, vline, "within: expected 52w-high or 52w-low, "
			    "got \"%s\"", s2);
			goto out;
		}
		r = rule_new(p, kind, v, pct, kwline);
		xasprintf(&r->text, "within %s of %s", pct, s2);
	} else if (strcmp(kw, "new") == 0) {
		if ((s = value(p, "new", &vline)) == NULL)
			return NULL;
		if (strcmp(s, "52w-high") == 0)
			kind = RULE_NEW_HIGH;
		else if (strcmp(s, "52w-low") == 0)
			kind = RULE_NEW_LOW;
		else {
			perr(p, vline, "new: expected 52w-high or 52w-low, got "
			    "\"%s\"", s);
			goto out;
		}
		r = rule_new(p, kind, 0, "", kwline);
		xasprintf(&r->text, "new %s", s);
	} else if (strcmp(kw, "close") == 0) {
		if ((s = value(p, "close", &vline)) == NULL)
			return NULL;
		if (strcmp(s, "above") != 0 && strcmp(s, "below") != 0) {
			perr(p, vline, "close: expected above or below, got "
			    "\"%s\"", s);
			goto out;
		}
		if ((s2 = value(p, "close", &vline)) == NULL)
			goto out;
		if (parse_price(s2, &v) == -1) {
			perr(p, vline, "close %s: invalid price \"%s\"", s, s2);
			goto out;
		}
		r = rule_new(p, s[0] == 'a' ? RULE_CLOSE_ABOVE :
		    RULE_CLOSE_BELOW, v, s2, kwline);
		xasprintf(&r->text, "close %s %s", s, s2);
	}
	if (r != NULL && peek(p)->type == T_WORD &&
	    strcmp(peek(p)->text, "once") == 0) {
		drop(p);
		r->once = 1;
	}
	/* a rule's identity: what it says, and whether it re-arms */
	if (r != NULL)
		xasprintf(&r->id, "%s%s", r->text, r->once ? " once" : "");
 out:
	free(s);
	free(s2);
	free(pct);
	return r;
}

static int
is_rule_keyword(const char *kw)
{
	static const char *const kws[] = { "above", "below", "target", "move",
	    "within", "new", "close", NULL };
	size_t	 i;

	for (i = 0; kws[i] != NULL; i++)
		if (strcmp(kw, kws[i]) == 0)
			return 1;
	return 0;
}

/* Options and rules shared by every symbol of one watch block. */
struct watchbody {
	char		*note;
	struct rulelist	 rules;
	struct strlist	 notify;
	int		 notify_lines[64];
	int		 has_notify;
	time_t		 cooldown;
	double		 hysteresis;
	time_t		 stale;
};

static int
watch_option(struct parser *p, struct watchbody *wb, const char *kw,
    int kwline)
{
	struct rule	*r, *o;
	char		*s;
	double		 v;
	time_t		 d;

	if (is_rule_keyword(kw)) {
		if ((r = parse_rule(p, kw, kwline)) == NULL)
			return -1;
		TAILQ_FOREACH(o, &wb->rules, entry)
			if (strcmp(o->text, r->text) == 0) {
				perr(p, kwline, "%s: duplicate rule (first at "
				    "line %d)", r->text, o->line);
				free(r->text);
				free(r->id);
				free(r->valtext);
				free(r);
				return -1;
			}
		TAILQ_INSERT_TAIL(&wb->rules, r, entry);
	} else if (strcmp(kw, "note") == 0) {
		if ((s = string_value(p, "note")) == NULL)
			return -1;
		free(wb->note);
		wb->note = s;
	} else if (strcmp(kw, "notify") == 0) {
		if (wb->has_notify) {
			perr(p, kwline, "notify: given twice in one watch");
			return -1;
		}
		wb->has_notify = 1;
		if (list_value(p, "notify", &wb->notify, wb->notify_lines,
		    64) == -1)
			return -1;
	} else if (strcmp(kw, "cooldown") == 0) {
		if (duration_value(p, "cooldown", 0, &d) == -1)
			return -1;
		wb->cooldown = d;
	} else if (strcmp(kw, "hysteresis") == 0) {
		if (peek(p)->type == T_WORD && strcmp(peek(p)->text, "0%") == 0) {
			drop(p);
			wb->hysteresis = 0;
			return 0;
		}
		if (percent_value(p, "hysteresis", 50, NULL, &v) == -1)
			return -1;
		wb->hysteresis = v / 100;
	} else if (strcmp(kw, "stale") == 0) {
		if (duration_value(p, "stale", 1, &d) == -1)
			return -1;
		wb->stale = d;
	} else {
		perr(p, kwline, "watch: unknown keyword \"%s\"", kw);
		return -1;
	}
	return 0;
}

static int
parse_watch(struct parser *p, int line)
{
	struct config	*conf = p->conf;
	struct watchbody wb;
	struct strlist	 syms = { 0 };
	int		 symlines[256];
	struct watch	*w, *o;
	struct rule	*r, *nr;
	char		*kw, *u;
	size_t		 i, j;
	int		 opened, kwline, done, bad = 0;

	memset(&wb, 0, sizeof(wb));
	TAILQ_INIT(&wb.rules);
	wb.hysteresis = -1;

	if (list_value(p, "watch", &syms, symlines, 256) == -1) {
		strlist_free(&syms);
		return -1;
	}
	for (i = 0; i < syms.n; i++) {
		int sline = i < 256 ? symlines[i] : line;
		if (!symbol_valid(syms.v[i])) {
			perr(p, sline, "watch: invalid symbol \"%s\"",
			    syms.v[i]);
			bad = 1;
			continue;
		}
		for (u = syms.v[i]; *u != '\0'; u++)
			*u = (char)toupper((unsigned char)*u);
		for (j = 0; j < i; j++)
			if (strcmp(syms.v[i], syms.v[j]) == 0) {
				perr(p, sline, "watch: %s is listed twice",
				    syms.v[i]);
				bad = 1;
			}
		TAILQ_FOREACH(o, &conf->watches, entry)
			if (strcmp(o->symbol, syms.v[i]) == 0) {
				perr(p, sline, "watch %s: duplicate watch "
				    "(first at %s:%d)", syms.v[i], o->file,
				    o->line);
				bad = 1;
			}
	}
	if (open_block(p, "watch") == -1) {
		strlist_free(&syms);
		return -1;
	}
	opened = line;
	for (;;) {
		kw = block_keyword(p, "watch", opened, &kwline, &done);
		if (done)
			break;
		if (kw == NULL) {
			bad = 1;
			recover(p);
			continue;
		}
		if (watch_option(p, &wb, kw, kwline) == -1) {
			bad = 1;
			recover(p);
		}
		free(kw);
	}
	for (i = 0; i < wb.notify.n; i++)
		add_ref(p, wb.notify.v[i], i < 64 ? wb.notify_lines[i] : line);
	if (!bad && TAILQ_EMPTY(&wb.rules))
		perr(p, line, "watch %s: no rules", syms.v[0]);

	/* One watch per symbol, each with its own copy of the rules. */
	for (i = 0; !bad && i < syms.n; i++) {
		w = xcalloc(1, sizeof(*w));
		w->symbol = xstrdup(syms.v[i]);
		w->note = wb.note ? xstrdup(wb.note) : NULL;
		TAILQ_INIT(&w->rules);
		TAILQ_FOREACH(r, &wb.rules, entry) {
			nr = xcalloc(1, sizeof(*nr));
			*nr = *r;
			nr->text = xstrdup(r->text);
			nr->id = xstrdup(r->id);
			nr->valtext = xstrdup(r->valtext);
			TAILQ_INSERT_TAIL(&w->rules, nr, entry);
		}
		for (j = 0; j < wb.notify.n; j++)
			strlist_add(&w->notify, wb.notify.v[j]);
		w->has_notify = wb.has_notify;
		w->cooldown = wb.cooldown;
		w->hysteresis = wb.hysteresis;
		w->stale = wb.stale;
		w->ref.high = w->ref.low = NAN;
		w->ref.seen_high = w->ref.seen_low = NAN;
		w->ref.close = NAN;
		w->file = p->lx->file;
		w->line = line;
		TAILQ_INSERT_TAIL(&conf->watches, w, entry);
		conf->nwatches++;
	}
	while ((r = TAILQ_FIRST(&wb.rules)) != NULL) {
		TAILQ_REMOVE(&wb.rules, r, entry);
		free(r->text);
		free(r->id);
		free(r->valtext);
		free(r);
	}
	strlist_free(&wb.notify);
	free(wb.note);
	strlist_free(&syms);
	return 0;
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
parse_include(struct parser *p, int line)
{
	char	*s, *path;
	glob_t	 g;
	size_t	 i;
	int	 rc;

	if ((s = string_value(p, "include")) == NULL)
		return -1;
	path = relpath(p, s);
	free(s);
	if (p->depth >= INCLUDE_DEPTH) {
		perr(p, line, "include %s: nested too deeply (more than %d "
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
		perr(p, line, "include %s: %s", path, glob_errno ?
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

static int
parse_statement(struct parser *p, const char *kw, int line)
{
	struct config	*conf = p->conf;
	char		*s;
	double		 v;
	size_t		 i, first;
	int		 lines[64];

	if (strcmp(kw, "provider") == 0)
		return parse_provider(p, line);
	if (strcmp(kw, "notifier") == 0)
		return parse_notifier(p, line);
	if (strcmp(kw, "watch") == 0)
		return parse_watch(p, line);
	if (strcmp(kw, "include") == 0)
		return parse_include(p, line);
	if (strcmp(kw, "poll") == 0)
		return duration_value(p, "poll", 1, &conf->poll);
	if (strcmp(kw, "timeout") == 0)
		return duration_value(p, "timeout", 1, &conf->timeout);
	if (strcmp(kw, "market-hours") == 0) {
		if (yesno_value(p, "market-hours", &conf->market_hours) == -1)
			return -1;
		return 0;
	}
	if (strcmp(kw, "hysteresis") == 0) {
		if (peek(p)->type == T_WORD && strcmp(peek(p)->text, "0%") == 0) {
			drop(p);
			conf->hysteresis = 0;
			return 0;
		}
		if (percent_value(p, "hysteresis", 50, NULL, &v) == -1)
			return -1;
		conf->hysteresis = v / 100;
		return 0;
	}
	if (strcmp(kw, "notify") == 0) {
		if (conf->default_notify.n > 0) {
			perr(p, line, "notify: the default notifiers are "
			    "already set");
			return -1;
		}
		first = conf->default_notify.n;
		if (list_value(p, "notify", &conf->default_notify, lines,
		    64) == -1)
			return -1;
		for (i = first; i < conf->default_notify.n; i++)
			add_ref(p, conf->default_notify.v[i],
			    i < 64 ? lines[i] : line);
		return 0;
	}
	if (strcmp(kw, "state-dir") == 0) {
		if (peek(p)->type == T_WORD &&
		    strcmp(peek(p)->text, "memory") == 0) {
			drop(p);
			free(conf->state_dir);
			conf->state_dir = NULL;
			conf->state_set = 1;
			return 0;
		}
		if ((s = string_value(p, kw)) == NULL)
			return -1;
		free(conf->state_dir);
		conf->state_dir = relpath(p, s);
		conf->state_set = 1;
		free(s);
		return 0;
	}
	if (strcmp(kw, "control") == 0) {
		/* none, bare like state-dir's memory, or quoted */
		if (peek(p)->type == T_WORD && strcmp(peek(p)->text, "none") == 0)
			s = value(p, kw, NULL);
		else if ((s = string_value(p, kw)) == NULL)
			return -1;
		free(conf->control);
		if (strcmp(s, "none") == 0)
			conf->control = s;
		else {
			conf->control = relpath(p, s);
			free(s);
			if (strlen(conf->control) >= 100) {
				perr(p, line, "control: path too long for a "
				    "socket (at most 99 bytes)");
				return -1;
			}
		}
		return 0;
	}
	if (strcmp(kw, "stale") == 0)
		return duration_value(p, "stale", 1, &conf->stale);
	if (is_rule_keyword(kw) || strcmp(kw, "note") == 0 ||
	    strcmp(kw, "cooldown") == 0) {
		perr(p, line, "%s: only allowed inside a watch block", kw);
		return -1;
	}
	perr(p, line, "unknown keyword \"%s\"", kw);
	return -1;
}

static char *
read_file(struct parser *p, const char *path, const char *from, int fromline,
    size_t *lenp)
{
	struct stat	 st;
	char		*data;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;
	const char	*ef = from ? from : path;
	int		 el = from ? fromline : 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		p->conf->errors++;
		{
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s%s: %s",
			    from ? "include " : "", path, strerror(errno));
			p->errfn(ef, el, msg);
		}
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s%s: %s", from ? "include " : "",
		    path, S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file of at most 4 MiB");
		p->conf->errors++;
		p->errfn(ef, el, msg);
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		n = read(fd, data + off, (size_t)st.st_size - off);
		if (n == -1) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s: %s", path,
			    strerror(errno));
			p->conf->errors++;
			p->errfn(ef, el, msg);
			free(data);
			close(fd);
			return NULL;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	data[off] = '\0';
	*lenp = off;
	return data;
}

static int
parse_file(struct parser *p, const char *path, const char *from, int fromline)
{
	struct lexer	 lx, *saved = p->lx;
	struct token	 t;

	memset(&lx, 0, sizeof(lx));
	if ((lx.src = read_file(p, path, from, fromline, &lx.len)) == NULL)
		return -1;
	lx.file = intern_file(p, path);
	lx.line = 1;
	p->lx = &lx;
	p->depth++;
	for (;;) {
		next(p, &t);
		if (t.type == T_EOF)
			break;
		if (t.type == T_NL || t.type == T_BAD)
			continue;
		if (t.type != T_WORD) {
			perr(p, t.line, "unexpected %s", tokname(&t));
			recover(p);
			continue;
		}
		if (parse_statement(p, t.text, t.line) == -1)
			recover(p);
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
	struct providerconf	*pc;
	size_t			 i;

	conf = xcalloc(1, sizeof(*conf));
	conf->path = xstrdup(path);
	TAILQ_INIT(&conf->providers);
	TAILQ_INIT(&conf->notifiers);
	TAILQ_INIT(&conf->watches);
	conf->poll = DEFAULT_POLL;
	conf->timeout = DEFAULT_TIMEOUT;
	conf->hysteresis = DEFAULT_HYSTERESIS;

	memset(&p, 0, sizeof(p));
	p.conf = conf;
	p.errfn = errfn ? errfn : default_errfn;
	parse_file(&p, path, NULL, 0);

	for (i = 0; i < p.nrefs; i++) {
		if (config_notifier(conf, p.refs[i].name) == NULL) {
			conf->errors++;
			char msg[512];
			snprintf(msg, sizeof(msg), "notify: no notifier named "
			    "\"%s\"", p.refs[i].name);
			p.errfn(p.refs[i].file, p.refs[i].line, msg);
		}
		free(p.refs[i].name);
	}
	free(p.refs);

	if (!conf->state_set) {
		const char *sd = getenv("STATE_DIRECTORY");	/* systemd */
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
	if (conf->errors == 0)
		check_fallbacks(conf, p.errfn);
	if (conf->errors > 0) {
		config_free(conf);
		return NULL;
	}
	return conf;
}
