/*
 * Reading values: a word or string on the keyword's line, lists,
 * durations, percentages; and the generic readers that keyword tables
 * name, which put a value in its place in the block's object.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

/*
 * The value of keyword kw: a word or a string on the same line.  Returns
 * the text (caller frees) or NULL after reporting the error.
 */
char *
read_value(struct parser *p, const char *kw, int *line)
{
	const struct token	*t = lex_peek(p);
	struct token		 tt;

	if (t->type == T_BAD) {
		lex_drop(p);
		return NULL;
	}
	if (t->type != T_WORD && t->type != T_STRING) {
		lex_error(p, t->line, "%s: missing value", kw);
		return NULL;
	}
	lex_next(p, &tt);
	if (line != NULL)
		*line = tt.line;
	return tt.text;
}

char *
read_string(struct parser *p, const char *kw)
{
	const struct token	*t = lex_peek(p);
	int			 line = t->line;
	char			*s;

	if (t->type == T_WORD) {
		lex_error(p, line, "%s: expected a double-quoted string, got %s",
		    kw, t->text);
		lex_drop(p);
		return NULL;
	}
	if ((s = read_value(p, kw, &line)) == NULL)
		return NULL;
	if (*s == '\0') {
		lex_error(p, line, "%s: empty string", kw);
		free(s);
		return NULL;
	}
	return s;
}

/* A list of values separated by commas: "a", "b", "c". */
int
read_list(struct parser *p, const char *kw, struct strlist *out,
    int *lines, size_t maxlines)
{
	char	*s;
	int	 line;

	for (;;) {
		if ((s = read_value(p, kw, &line)) == NULL)
			return -1;
		if (*s == '\0') {
			lex_error(p, line, "%s: empty value", kw);
			free(s);
			return -1;
		}
		if (lines != NULL && out->n < maxlines)
			lines[out->n] = line;
		out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = s;
		if (lex_peek(p)->type != T_COMMA)
			return 0;
		lex_drop(p);
		while (lex_peek(p)->type == T_NL)	/* a list may go on */
			lex_drop(p);
	}
}

int
read_duration(struct parser *p, const char *kw, time_t min, time_t *out)
{
	int	 line;
	char	*s;

	if ((s = read_value(p, kw, &line)) == NULL)
		return -1;
	if (parse_duration(s, out) == -1) {
		lex_error(p, line, "%s: invalid duration \"%s\" (a whole number "
		    "with a unit: 30s, 5m, 4h, 2d)", kw, s);
		free(s);
		return -1;
	}
	free(s);
	if (*out < min) {
		lex_error(p, line, "%s: must be at least %llds", kw,
		    (long long)min);
		return -1;
	}
	return 0;
}

int
read_percent(struct parser *p, const char *kw, double max, char **text,
    double *out)
{
	int	 line;
	char	*s;

	if ((s = read_value(p, kw, &line)) == NULL)
		return -1;
	if (parse_percent(s, out) == -1) {
		lex_error(p, line, "%s: invalid percentage \"%s\" (a number "
		    "followed by %%, such as 5%%)", kw, s);
		free(s);
		return -1;
	}
	if (*out <= 0 || *out > max) {
		lex_error(p, line, "%s: %s is out of range (more than 0%%, at most "
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

	if ((s = read_value(p, kw, &line)) == NULL)
		return -1;
	if (strcmp(s, "yes") == 0)
		*out = 1;
	else if (strcmp(s, "no") == 0)
		*out = 0;
	else {
		lex_error(p, line, "%s: expected yes or no, got \"%s\"", kw, s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

/* `hysteresis 0%' turns it off; otherwise more than 0% and at most 50%. */
int
read_hysteresis(struct parser *p, double *out)
{
	double	 v;

	if (lex_peek_word(p, "0%")) {
		lex_drop(p);
		*out = 0;
		return 0;
	}
	if (read_percent(p, "hysteresis", 50, NULL, &v) == -1)
		return -1;
	*out = v / 100;
	return 0;
}

/* ---- the generic readers of keyword tables ---- */

#define FIELD(obj, k, type)	((type *)(void *)((char *)(obj) + (k)->off))

/* The keyword of that name in a table ending with a NULL name. */
const struct keyword *
read_keyword(const struct keyword *table, const char *name)
{
	for (; table->name != NULL; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

/* A double-quoted string. */
int
kw_string(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	**f = FIELD(obj, k, char *), *s;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	free(*f);
	*f = s;
	return 0;
}

/* A path, relative to the folder of the file that names it. */
int
kw_path(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	**f = FIELD(obj, k, char *), *s;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	free(*f);
	*f = lex_relpath(p, s);
	free(s);
	return 0;
}

/* An absolute path (of a program to run). */
int
kw_abspath(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	**f = FIELD(obj, k, char *), *s;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	if (s[0] != '/') {
		lex_error(p, line, "%s: \"%s\" is not an absolute path", k->name, s);
		free(s);
		return -1;
	}
	free(*f);
	*f = s;
	return 0;
}

/* A URL of one of the two schemes the keyword names. */
int
kw_url(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	**f = FIELD(obj, k, char *), *s;
	size_t	 i;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	for (i = 0; i < 2; i++)
		if (strncmp(s, k->schemes[i], strlen(k->schemes[i])) == 0)
			break;
	if (i == 2) {
		lex_error(p, line, "%s: \"%s\" is not an %s or %s URL", k->name, s,
		    k->schemes[0], k->schemes[1]);
		free(s);
		return -1;
	}
	free(*f);
	*f = s;
	return 0;
}

/* A duration of at least k->arg seconds. */
int
kw_duration(struct parser *p, const struct keyword *k, void *obj, int line)
{
	return read_duration(p, k->name, (time_t)k->arg,
	    FIELD(obj, k, time_t));
}

int
kw_yesno(struct parser *p, const struct keyword *k, void *obj, int line)
{
	return yesno_value(p, k->name, FIELD(obj, k, int));
}

/* `session regular | extended' into an int, HOURS_*. */
int
kw_hours(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	*s;
	int	 vline, rc = 0;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	if (strcmp(s, "regular") == 0)
		*FIELD(obj, k, int) = HOURS_REGULAR;
	else if (strcmp(s, "extended") == 0)
		*FIELD(obj, k, int) = HOURS_EXTENDED;
	else {
		lex_error(p, vline, "%s: expected regular or extended, got "
		    "\"%s\"", k->name, s);
		rc = -1;
	}
	free(s);
	return rc;
}

/* A whole number from 1 to k->arg. */
int
kw_count(struct parser *p, const struct keyword *k, void *obj, int line)
{
	char	*s, *end;
	long	 n;
	int	 vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 1 || n > k->arg) {
		lex_error(p, vline, "%s: \"%s\" is not a whole number from 1 to %ld",
		    k->name, s, k->arg);
		free(s);
		return -1;
	}
	*FIELD(obj, k, int) = (int)n;
	free(s);
	return 0;
}

/* A comma-separated list, added to what the list holds. */
int
kw_list(struct parser *p, const struct keyword *k, void *obj, int line)
{
	return read_list(p, k->name, FIELD(obj, k, struct strlist), NULL, 0);
}

int
kw_hysteresis(struct parser *p, const struct keyword *k, void *obj, int line)
{
	return read_hysteresis(p, FIELD(obj, k, double));
}

/*
 * The keywords of a block opened at line `opened', up to its closing
 * brace: each is looked up in table and read into obj; a keyword the
 * table lacks is reported by unknown().  After an error the parser
 * skips the statement and goes on.  Returns -1 if any statement was bad.
 */
int
read_block(struct parser *p, const char *what, int opened,
    const struct keyword *table, void *obj,
    void (*unknown)(struct parser *, const char *, int, void *))
{
	const struct keyword	*k;
	char			*kw;
	int			 kwline, done, rc, bad = 0;

	for (;;) {
		kw = lex_block_keyword(p, what, opened, &kwline, &done);
		if (done)
			break;
		if (kw == NULL) {
			bad = 1;
			lex_recover(p);
			continue;
		}
		if ((k = read_keyword(table, kw)) != NULL)
			rc = k->fn(p, k, obj, kwline);
		else {
			unknown(p, kw, kwline, obj);
			rc = -1;
		}
		free(kw);
		if (rc == -1) {
			bad = 1;
			lex_recover(p);
		}
	}
	return bad ? -1 : 0;
}
