/*
 * Conditions together (alerts/when.c judges them):
 *
 *	when rsi 14 below 30 and above sma 200
 *	when below 40 or above 60
 *	when (above 50 or below 40) and move 3%
 *
 * Terms are the rules of a watch, read by their own readers
 * (parse_watch.c), joined by `and' and `or', `and' binding tighter; a
 * group in parentheses is a term of its own.  A screen's condition is
 * read the same way, with one term or more.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "config/parser.h"

#define WHEN_DEPTH	8	/* parentheses within parentheses */

static struct rule	*when_group(struct parser *, int, int);

/* One term of a `when': a rule read by its own reader, or ( a group ). */
static struct rule *
when_term(struct parser *p, int depth)
{
	struct rule	*t, *(*read)(struct parser *, const char *, int);
	char		*w, *text;
	int		 vline;

	if ((w = read_value(p, "when", &vline)) == NULL)
		return NULL;
	if (strcmp(w, "(") == 0) {
		free(w);
		if (depth >= WHEN_DEPTH) {
			lex_error(p, vline, "when: parentheses nested more than "
			    "%d deep", WHEN_DEPTH);
			return NULL;
		}
		if ((t = when_group(p, vline, depth + 1)) == NULL)
			return NULL;
		if (!lex_peek_word(p, ")")) {
			lex_error(p, vline, "when: a ( without its )");
			rule_free(t);
			return NULL;
		}
		lex_drop(p);
		xasprintf(&text, "(%s)", t->text);
		free(t->text);
		t->text = text;
		return t;
	}
	if ((read = watch_rule_reader(w)) == NULL) {
		lex_error(p, vline, "when: \"%s\" is not a rule", w);
		free(w);
		return NULL;
	}
	t = read(p, w, vline);
	free(w);
	if (t != NULL && !when_term_ok(t->kind)) {
		lex_error(p, vline, "when: %s cannot be a term (crosses, trailing "
		    "stops and filings keep a state of their own)", t->text);
		rule_free(t);
		return NULL;
	}
	return t;
}

/*
 * Terms joined by `and' and `or', `and' binding tighter, as a rule of
 * kind RULE_WHEN whose text is the terms' ("above 40 and rsi 14 below
 * 30"); a parenthesized group is a term of its own (when.c judges it
 * as a whole).
 */
static struct rule *
when_group(struct parser *p, int line, int depth)
{
	struct rule	*r = rule_new(p, RULE_WHEN, NAN, "", line), *t;
	struct buf	 text = { 0 };
	int		 or = 0;

	for (;;) {
		if ((t = when_term(p, depth)) == NULL)
			goto bad;
		r->terms = xreallocarray(r->terms, r->nterms + 1,
		    sizeof(*r->terms));
		r->ors = xreallocarray(r->ors, r->nterms + 1, sizeof(*r->ors));
		r->ors[r->nterms] = or;
		r->terms[r->nterms++] = t;
		buf_printf(&text, "%s%s", r->nterms == 1 ? "" : or ? " or " :
		    " and ", t->text);
		if (lex_peek_word(p, "and"))
			or = 0;
		else if (lex_peek_word(p, "or"))
			or = 1;
		else
			break;
		lex_drop(p);
	}
	buf_add(&text, "", 1);
	r->text = xstrdup(text.data);
	buf_free(&text);
	return r;
 bad:
	buf_free(&text);
	rule_free(r);
	return NULL;
}

/*
 * The terms of a `when' (min of them at least; a screen takes one), as a
 * rule of kind RULE_WHEN; NULL after saying why.
 */
struct rule *
parse_when(struct parser *p, int line, size_t min)
{
	struct rule	*r, *inner;
	char		*text;

	if ((r = when_group(p, line, 0)) == NULL)
		return NULL;
	if (r->nterms == 1 && r->terms[0]->kind == RULE_WHEN) {
		inner = r->terms[0];	/* when ( ... ): the group itself */
		r->nterms = 0;
		rule_free(r);
		r = inner;
		text = xstrndup(r->text + 1, strlen(r->text) - 2);
		free(r->text);
		r->text = text;
	}
	if (r->nterms < min) {
		lex_error(p, line, "when: wants two terms or more, joined by "
		    "and or or");
		rule_free(r);
		return NULL;
	}
	xasprintf(&text, "when %s", r->text);
	free(r->text);
	r->text = text;
	return r;
}
