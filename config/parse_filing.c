/*
 * The rules on SEC EDGAR's filings (tickerd.conf(5), FILINGS):
 *
 *	filing 8-K item 1.01, 2.02
 *	filing 10-Q, 10-K
 *	filing any
 *	insider buy at least $100000
 *	insider sell
 *
 * and `edgar-poll', how often each symbol's filings are looked at.  A
 * configuration with such rules needs `provider edgar' and its contact.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "config/conf.h"
#include "config/parser.h"

#define FORMS_MAX	16
#define EDGAR_POLL_MIN	1

/* A form as EDGAR names it: "8-K", "10-Q", "4", "SC 13D/A". */
static int
form_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n < 16 && s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-/ ")] == '\0';
}

static struct strlist *
list_new(void)
{
	return xcalloc(1, sizeof(struct strlist));
}

static void
list_free(struct strlist *l)
{
	if (l == NULL)
		return;
	strlist_free(l);
	free(l);
}

/* filing FORM, ... [item N.NN, ...], or filing any [item ...] */
struct rule *
rule_filing(struct parser *p, const char *kw, int line)
{
	struct strlist	*forms = list_new(), *items = NULL;
	struct buf	 text = { 0 };
	struct rule	*r;
	size_t		 i, k;
	int		 vline = lex_peek(p)->line;

	if (read_list(p, "filing", forms, NULL, 0) == -1)
		goto bad;
	for (i = 0; i < forms->n; i++) {
		for (k = 0; forms->v[i][k] != '\0'; k++)
			forms->v[i][k] = (char)toupper((unsigned char)
			    forms->v[i][k]);
		if (!form_ok(forms->v[i]) || (strcmp(forms->v[i], "ANY") == 0 &&
		    forms->n > 1) || forms->n > FORMS_MAX) {
			lex_error(p, vline, "filing: \"%s\" is not a form (as in "
			    "filing 8-K, 10-Q; or filing any)", forms->v[i]);
			goto bad;
		}
	}
	if (lex_peek_word(p, "item") || lex_peek_word(p, "items")) {
		lex_drop(p);
		items = list_new();
		vline = lex_peek(p)->line;
		if (read_list(p, "item", items, NULL, 0) == -1)
			goto bad;
		for (i = 0; i < items->n; i++)
			if (!edgar_item_valid(items->v[i]) ||
			    edgar_item_name(items->v[i]) == NULL) {
				lex_error(p, vline, "filing: item \"%s\" is not an "
				    "item of Form 8-K (1.01 to 9.01: see FILINGS "
				    "in tickerd.conf(5))", items->v[i]);
				goto bad;
			}
	}
	buf_puts(&text, "filing ");
	for (i = 0; i < forms->n; i++)
		buf_printf(&text, "%s%s", i ? ", " : "", strcmp(forms->v[i],
		    "ANY") == 0 ? "any" : forms->v[i]);
	for (i = 0; items != NULL && i < items->n; i++)
		buf_printf(&text, "%s%s", i ? ", " : " item ", items->v[i]);
	buf_add(&text, "", 1);
	r = rule_new(p, RULE_FILING, NAN, "", line);
	r->text = xstrdup(text.data);
	buf_free(&text);
	if (strcmp(forms->v[0], "ANY") == 0)
		list_free(forms);
	else
		r->forms = forms;
	r->items = items;
	return r;
 bad:
	list_free(forms);
	list_free(items);
	return NULL;
}

/* "$100,000", "100000", "250k", "$1.5M": an amount of dollars; -1: not. */
static double
dollars(const char *s)
{
	char	 digits[64], *end;
	size_t	 k = 0;
	double	 v, mult = 1;

	if (*s == '$')
		s++;
	for (; *s != '\0' && k + 1 < sizeof(digits); s++)
		if (*s != ',')
			digits[k++] = *s;
	digits[k] = '\0';
	v = strtod(digits, &end);
	if (end == digits)
		return -1;
	if (*end == 'k' || *end == 'K')
		mult = 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1e6, end++;
	if (*end != '\0' || !isfinite(v) || v < 0 || v * mult > 1e13)
		return -1;
	return v * mult;
}

/* insider buy|sell [at least $N] */
struct rule *
rule_insider(struct parser *p, const char *kw, int line)
{
	struct rule	*r;
	char		*side, *s = NULL, amt[48];
	double		 v = 0;
	int		 vline, buy;

	if ((side = read_value(p, "insider", &vline)) == NULL)
		return NULL;
	buy = strcmp(side, "buy") == 0;
	if (!buy && strcmp(side, "sell") != 0) {
		lex_error(p, vline, "insider: \"%s\" is not buy or sell", side);
		free(side);
		return NULL;
	}
	free(side);
	if (lex_peek_word(p, "at")) {
		lex_drop(p);
		if (!lex_peek_word(p, "least")) {
			lex_error(p, vline, "insider: at least $N, as in insider "
			    "buy at least $100000");
			return NULL;
		}
		lex_drop(p);
		if ((s = read_value(p, "insider", &vline)) == NULL)
			return NULL;
		if ((v = dollars(s)) < 0) {
			lex_error(p, vline, "insider: \"%s\" is not an amount of "
			    "dollars (as in $100000, 250k, $1.5M)", s);
			free(s);
			return NULL;
		}
	}
	edgar_amount(v, 2, amt, sizeof(amt));
	r = rule_new(p, buy ? RULE_INSIDER_BUY : RULE_INSIDER_SELL, v,
	    s != NULL ? s : "", line);
	if (s != NULL)
		xasprintf(&r->text, "insider %s at least $%s", buy ? "buy" :
		    "sell", amt);
	else
		xasprintf(&r->text, "insider %s", buy ? "buy" : "sell");
	free(s);
	return r;
}

/* edgar-poll D: at least a second. */
int
kw_edgar_poll(struct parser *p, const struct keyword *k, void *obj, int line)
{
	p->conf->edgar_poll_line = line;
	return read_duration(p, "edgar-poll", EDGAR_POLL_MIN,
	    &p->conf->edgar_poll);
}

/*
 * Filing and insider rules need provider edgar: said at the first such
 * rule, once the files are read.
 */
void
parse_check_filings(struct config *conf, config_errfn errfn)
{
	const struct watch	*w;
	const struct rule	*r;
	char			 msg[512];

	if (conf->edgar != NULL)
		return;
	TAILQ_FOREACH(w, &conf->watches, entry)
		TAILQ_FOREACH(r, &w->rules, entry) {
			if (!event_rule(r->kind))
				continue;
			snprintf(msg, sizeof(msg), "watch %s: %s: filings come from "
			    "SEC EDGAR, which needs provider edgar { contact "
			    "\"Your Name you@example.com\" }", w->symbol, r->text);
			errfn(r->file, r->line, msg);
			conf->errors++;
			return;
		}
}
