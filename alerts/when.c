/*
 * Conditions together: `when TERM and TERM [or TERM ...]', `and' binding
 * tighter than `or', and parentheses: a group in them is a term, itself
 * a `when' (its functions here are called again on it).  Each term is a rule of its own (above 40, rsi 14
 * below 30, within 2% of sma 200, move 5%, ...), judged for its condition
 * only; the whole is what fires, once it is true having been false, as
 * any rule.  It re-arms once it is false beyond a term's band: for a
 * group of `and', any of its terms false beyond its band; for `or', every
 * group so.  Crosses and trailing stops keep a state of their own, which
 * a term has not: they are not terms (said by the configuration).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "market/market.h"
#include "alerts/alerts.h"

/* Whether a rule of kind k may be a term of `when'. */
int
when_term_ok(enum rule_kind k)
{
	return k != RULE_CROSS_ABOVE && k != RULE_CROSS_BELOW &&
	    k != RULE_MA_ABOVE && k != RULE_MA_BELOW && k != RULE_TRAILING &&
	    k != RULE_WHEN && !event_rule(k);
}

/* The whole's condition: OR of groups, each the AND of its terms.  Any
 * term without its data leaves the whole unknown. */
int
when_condition(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, int *known)
{
	struct rule_state	 none;
	size_t			 i;
	int			 any = 0, group = 1, k;

	memset(&none, 0, sizeof(none));
	*known = 1;
	for (i = 0; i < r->nterms; i++) {
		if (i > 0 && r->ors[i]) {	/* a group ends */
			any |= group;
			group = 1;
		}
		group &= rule_condition(r->terms[i], q, ref, &none, &k) != 0;
		if (!k)
			*known = 0;
	}
	return *known && (any | group);
}

/* Whether the fired whole is false beyond a term's band (see above). */
int
when_rearmed(const struct rule *r, const struct quote *q,
    const struct symref *ref, const struct rule_state *st, double h)
{
	struct rule_state	 t = *st;
	size_t			 i;
	int			 all = 1, group = 0;

	for (i = 0; i < r->nterms; i++) {
		if (i > 0 && r->ors[i]) {
			all &= group;
			group = 0;
		}
		t.session_ref = NAN;	/* the whole's reference is not theirs */
		group |= rule_rearmed(r->terms[i], q, ref, &t, h);
	}
	return all & group;
}

/* The band no term leaves: the narrowest of theirs. */
void
when_band(const struct rule *r, const struct rule_state *st,
    const struct quote *q, const struct symref *ref, double h, double *lo,
    double *hi)
{
	size_t	 i;

	for (i = 0; i < r->nterms; i++)
		rule_band(r->terms[i], st, q, ref, h, lo, hi);
}

/*
 * The figures of a when's terms that are indicators, as tickerctl alerts
 * shows them ("RSI(14) 28.40, SMA 200 36.12"), into out; "" for none.
 */
void
when_figures(const struct rule *r, const struct quote *q,
    const struct symref *ref, char *out, size_t len)
{
	struct rule_state	 none;
	char			 one[96];
	size_t			 i, at = 0;

	memset(&none, 0, sizeof(none));
	*out = '\0';
	for (i = 0; i < r->nterms && at < len; i++) {
		if (r->terms[i]->kind == RULE_WHEN)	/* ( a group ) */
			when_figures(r->terms[i], q, ref, one, sizeof(one));
		else
			trader_now(r->terms[i], q, ref, &none, one,
			    sizeof(one));
		if (*one != '\0')
			at += (size_t)snprintf(out + at, len - at, "%s%s",
			    at > 0 ? ", " : "", one);
	}
}

/* A copy of r's terms into c (a watch's own copy of a block's rule). */
void
when_copy(const struct rule *r, struct rule *c)
{
	size_t	 i;

	if (r->nterms == 0)
		return;
	c->terms = xcalloc(r->nterms, sizeof(*c->terms));
	c->ors = xcalloc(r->nterms, sizeof(*c->ors));
	for (i = 0; i < r->nterms; i++) {
		c->terms[i] = xmalloc(sizeof(*c->terms[i]));
		*c->terms[i] = *r->terms[i];
		c->terms[i]->text = xstrdup(r->terms[i]->text);
		c->terms[i]->id = r->terms[i]->id ?
		    xstrdup(r->terms[i]->id) : NULL;
		c->terms[i]->valtext = r->terms[i]->valtext ?
		    xstrdup(r->terms[i]->valtext) : NULL;
		c->terms[i]->notify = NULL;
		c->terms[i]->terms = NULL;
		c->terms[i]->ors = NULL;
		when_copy(r->terms[i], c->terms[i]);	/* ( a group ) */
		c->ors[i] = r->ors[i];
	}
}

/* Whether any term of r is of a kind that wants the daily history. */
int
when_needs_daily(const struct rule *r)
{
	size_t	 i;

	for (i = 0; i < r->nterms; i++)
		if (trader_rule(r->terms[i]->kind) ||
		    (r->terms[i]->kind == RULE_WHEN &&
		    when_needs_daily(r->terms[i])))
			return 1;
	return 0;
}
