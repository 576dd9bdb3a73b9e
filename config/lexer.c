/*
 * The lexer of tickerd.conf(5): words, double-quoted strings with the
 * escapes \" \\ \n \t, braces, commas and line ends; `#' comments and
 * backslash-newline continuations.  Also what every block shares: error
 * reports as FILE:LINE: message, recovery after an error (skip to the
 * end of the statement, or of the block it opened), and reading files.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

/* Count an error and report it, up to MAX_ERRORS of them. */
static void
vreport(struct parser *p, const char *file, int line, const char *fmt,
    va_list ap)
{
	char	 msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	p->conf->errors++;
	if (p->conf->errors <= MAX_ERRORS)
		p->errfn(file, line, msg);
	else if (p->conf->errors == MAX_ERRORS + 1)
		p->errfn(file, line, "too many errors, giving up");
}

/* An error at a line of the file being read. */
void
lex_error(struct parser *p, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(p, p->lx ? p->lx->file : p->conf->path, line, fmt, ap);
	va_end(ap);
}

/*
 * An error about a file as a whole (it cannot be read), at the include
 * line that named it, or with no line for the main file; or about a
 * place of another file (a notify that names no notifier).
 */
void
lex_error_file(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vreport(p, file, line, fmt, ap);
	va_end(ap);
}

/* ---- lexer ---- */

static int
isword(int c)
{
	return c != '\0' && !isspace(c) && c != '{' && c != '}' &&
	    c != ',' && c != '"' && c != '#' && c != '(' && c != ')';
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
			lex_error(p, t->line, "unterminated string");
			t->type = T_BAD;
			buf_free(&b);
			return;
		}
		c = lx->src[lx->pos++];
		if (c == '"')
			break;
		if (c == '\0') {
			lex_error(p, t->line, "NUL byte in string");
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
					lex_error(p, t->line, "invalid escape "
					    "\\%c in string", c);
				else
					lex_error(p, t->line, "invalid escape "
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
	if (!utf8_valid(b.data, b.len)) {
		lex_error(p, t->line, "invalid UTF-8 in string (the configuration "
		    "is read as UTF-8)");
		t->type = T_BAD;
		buf_free(&b);
		return;
	}
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
	case '(': case ')':	/* a word of its own: `when' groups terms */
		t->type = T_WORD;
		t->text = xstrndup(lx->src + lx->pos++, 1);
		return;
	case '"': lex_string(p, t); return;
	case '\0':
		lex_error(p, t->line, "NUL byte in configuration");
		lx->pos++;
		t->type = T_BAD;
		return;
	}
	start = lx->pos;
	while (lx->pos < lx->len && isword((unsigned char)lx->src[lx->pos]))
		lx->pos++;
	if (!utf8_valid(lx->src + start, lx->pos - start)) {
		lex_error(p, t->line, "invalid UTF-8 (the configuration is read as "
		    "UTF-8)");
		t->type = T_BAD;
		return;
	}
	t->type = T_WORD;
	t->text = xstrndup(lx->src + start, lx->pos - start);
}

/* The next token; the caller owns t->text. */
void
lex_next(struct parser *p, struct token *t)
{
	if (p->lx->peeked) {
		*t = p->lx->peek;
		p->lx->peeked = 0;
		return;
	}
	lex(p, t);
}

const struct token *
lex_peek(struct parser *p)
{
	if (!p->lx->peeked) {
		lex(p, &p->lx->peek);
		p->lx->peeked = 1;
	}
	return &p->lx->peek;
}

/* Skip newlines, then peek. */
const struct token *
lex_peek_nonl(struct parser *p)
{
	const struct token	*t;

	while ((t = lex_peek(p))->type == T_NL) {
		struct token	 tt;
		lex_next(p, &tt);
	}
	return t;
}

/* Whether the next token is the word w. */
int
lex_peek_word(struct parser *p, const char *w)
{
	const struct token	*t = lex_peek(p);

	return t->type == T_WORD && strcmp(t->text, w) == 0;
}

void
lex_drop(struct parser *p)
{
	struct token	 t;

	lex_next(p, &t);
	free(t.text);
}

const char *
lex_tokname(const struct token *t)
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
void
lex_recover(struct parser *p)
{
	const struct token	*t;
	int			 depth = 0;

	for (;;) {
		t = lex_peek(p);
		if (t->type == T_EOF)
			return;
		if (t->type == T_RBRACE && depth == 0)
			return;
		if (t->type == T_NL && depth == 0) {
			lex_drop(p);
			return;
		}
		if (t->type == T_LBRACE)
			depth++;
		else if (t->type == T_RBRACE && --depth == 0) {
			lex_drop(p);
			return;
		}
		lex_drop(p);
	}
}

/* Expect '{', allowing it on the next line. */
int
lex_open_block(struct parser *p, const char *what)
{
	const struct token	*t = lex_peek_nonl(p);

	if (t->type != T_LBRACE) {
		lex_error(p, t->line, "%s: expected '{', got %s", what, lex_tokname(t));
		return -1;
	}
	lex_drop(p);
	return 0;
}

/*
 * Read the next keyword of a block.  Returns the word (caller frees), or
 * NULL at the closing brace (consumed) or on an error (reported).
 */
char *
lex_block_keyword(struct parser *p, const char *what, int opened, int *line,
    int *done)
{
	const struct token	*t = lex_peek_nonl(p);
	struct token		 tt;

	*done = 0;
	if (t->type == T_RBRACE) {
		lex_drop(p);
		*done = 1;
		return NULL;
	}
	if (t->type == T_EOF) {
		lex_error(p, t->line, "%s: missing '}' for the block opened at "
		    "line %d", what, opened);
		*done = 1;
		return NULL;
	}
	if (t->type != T_WORD) {
		if (t->type != T_BAD)
			lex_error(p, t->line, "%s: unexpected %s", what, lex_tokname(t));
		lex_drop(p);
		return NULL;
	}
	lex_next(p, &tt);
	*line = tt.line;
	return tt.text;
}

const char *
lex_intern_file(struct parser *p, const char *path)
{
	strlist_add(&p->conf->files, path);
	return p->conf->files.v[p->conf->files.n - 1];
}

/* Resolve path relative to the folder of the file being read. */
char *
lex_relpath(struct parser *p, const char *path)
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

void
lex_add_ref(struct parser *p, const char *name, int line)
{
	p->refs = xreallocarray(p->refs, p->nrefs + 1, sizeof(*p->refs));
	p->refs[p->nrefs].name = xstrdup(name);
	p->refs[p->nrefs].file = p->lx->file;
	p->refs[p->nrefs].line = line;
	p->nrefs++;
}

/*
 * Read a whole configuration file (a regular file of at most 4 MiB).
 * Errors are reported at the include line that named it (from, fromline),
 * or for the main file without a line.
 */
char *
lex_read_file(struct parser *p, const char *path, const char *from, int fromline,
    size_t *lenp)
{
	struct stat	 st;
	char		*data;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;
	const char	*ef = from ? from : path;
	const char	*inc = from ? "include " : "";

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (from == NULL)	/* "FILE: why", the file said once */
			lex_error_file(p, ef, fromline, "%s", strerror(errno));
		else
			lex_error_file(p, ef, fromline, "%s%s: %s", inc, path,
			    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_FILE_MAX) {
		lex_error_file(p, ef, fromline, "%s%s: %s", inc, path,
		    S_ISDIR(st.st_mode) ? "is a directory" :
		    "not a regular file of at most 4 MiB");
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (off < (size_t)st.st_size) {
		if ((n = read(fd, data + off, (size_t)st.st_size - off)) == -1) {
			lex_error_file(p, ef, fromline, "%s: %s", path,
			    strerror(errno));
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
