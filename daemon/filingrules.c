/*
 * The rules on filings (tickerd.conf(5), FILINGS), judged on what
 * filings.c found new: a filing rule by its form and its 8-K items, an
 * insider rule by a Form 4's open-market purchases (code P) or sales
 * (S), summed; and the words of their alerts.  The alerts go to the
 * judge (evaluate.c), with the filings' record for the same commit.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "daemon/daemon.h"

/* Whether filing f is of one of r's forms (an amendment of one too). */
static int
form_matches(const struct rule *r, const char *form)
{
	size_t	 i, l;

	if (r->forms == NULL)
		return 1;
	for (i = 0; i < r->forms->n; i++) {
		l = strlen(r->forms->v[i]);
		if (strcasecmp(form, r->forms->v[i]) == 0 ||
		    (strncasecmp(form, r->forms->v[i], l) == 0 &&
		    strcmp(form + l, "/A") == 0))
			return 1;
	}
	return 0;
}

/* Whether one of f's items is one of r's (r without items: any). */
static int
items_match(const struct rule *r, const char *items)
{
	char	 buf[96], *cur = buf, *it;

	if (r->items == NULL)
		return 1;
	tk_strlcpy(buf, items, sizeof(buf));
	while ((it = strsep(&cur, ",")) != NULL)
		if (strlist_has(r->items, it + strspn(it, " ")))
			return 1;
	return 0;
}

/* A time as New York reads it: "2026-04-28 16:05 EDT". */
static void
ny_time(time_t t, char *out, size_t len)
{
	struct zone	*z = exchange_zone(exchange_find("NYSE"));
	const char	*abbr = "UTC";
	struct tm	 tm;
	time_t		 local = t + (z != NULL ? zone_offset(z, t, &abbr) : 0);
	char		 when[32];

	gmtime_r(&local, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	snprintf(out, len, "%s %s", when, abbr);
}

/* "CALX filed 8-K: 1.01 Entry into ...; 9.01 ... (accepted ...)" */
static void
filing_text(const char *sym, const struct filing *f, char *out, size_t len)
{
	char	 its[96], *cur = its, *it, when[64] = "";
	const char *name;
	size_t	 k;
	time_t	 t = edgar_accepted_time(f->accepted);
	int	 amend = strlen(f->form) > 2 &&
		    strcmp(f->form + strlen(f->form) - 2, "/A") == 0;

	k = (size_t)snprintf(out, len, "%s filed %s%s", sym, f->form, amend ?
	    " (an amendment)" : "");
	tk_strlcpy(its, f->items, sizeof(its));
	for (int first = 1; (it = strsep(&cur, ",")) != NULL && k < len;
	    first = 0) {
		it += strspn(it, " ");
		if (*it == '\0')
			continue;
		name = edgar_item_name(it);
		k += (size_t)snprintf(out + k, len - k, "%s%s%s%s", first ?
		    ": " : "; ", it, name ? " " : "", name ? name : "");
	}
	if (t != 0)
		ny_time(t, when, sizeof(when));
	else
		tk_strlcpy(when, f->date, sizeof(when));
	if (k < len)
		snprintf(out + k, len - k, " (accepted %s)", when);
}

/* "CALX insider buy: OWNER (director) bought 10,000 shares at ..." */
static void
insider_text(const char *sym, const struct filing *f, const struct form4 *d,
    int buy, char *out, size_t len)
{
	const struct form4_side *s = buy ? &d->buy : &d->sell;
	char	 shares[48], price[48], value[48], role[180] = "", money[160] = "";

	edgar_amount(s->shares, 4, shares, sizeof(shares));
	if (s->value > 0) {
		edgar_amount(s->value / s->shares, 2, price, sizeof(price));
		edgar_amount(s->value, 0, value, sizeof(value));
		snprintf(money, sizeof(money), " at %s USD%s, %s USD", price,
		    s->n > 1 ? " on average" : "", value);
	}
	if (d->role[0] != '\0')
		snprintf(role, sizeof(role), " (%s)", d->role);
	snprintf(out, len, "%s insider %s: %s%s %s %s shares%s, on %s%s", sym,
	    buy ? "buy" : "sell", d->owner[0] ? d->owner : "an owner", role,
	    buy ? "bought" : "sold", shares, money, s->date[0] ? s->date :
	    f->date, strcmp(f->form, "4/A") == 0 ? " (an amended Form 4)" : "");
}

/* The alert of rule r of w on news, with its words and its page. */
static void
fire(struct alert *a, struct watch *w, struct symstate *ss,
    struct rulestate *rs, const struct rule *r, const char *text,
    const char *link, time_t now)
{
	struct quote	 q;

	if (ss->last_seen != 0)
		q = ss->last;
	else {
		memset(&q, 0, sizeof(q));
		tk_strlcpy(q.symbol, w->symbol, sizeof(q.symbol));
		q.price = q.prev_close = q.high52 = q.low52 = NAN;
		q.volume = -1;
		q.time = now;
		q.ex = ss->ex != NULL ? ss->ex : w->ex;
	}
	alert_init(a, w->symbol, w->note, r, &q, &ss->ref, now);
	alert_event(a, text, link);
	rs->st.count++;
	if (r->once)
		rs->st.spent = 1;
	rs->st.last_notify = now;
	if (rs->first_fired == 0)
		rs->first_fired = now;
	rs->last_fired = now;
	a->count = rs->st.count;
}

/*
 * Judge filing f (its Form 4, d, or NULL) by the rules of w: its alerts
 * appended to *alerts, the rules it fired into fired.
 */
static void
judge_one(struct watch *w, struct symstate *ss, long cik,
    const struct filing *f, const struct form4 *d, struct alert **alerts,
    size_t *na, char *fired, size_t firedlen)
{
	struct rule		*r;
	struct rulestate	*rs = ss->rules;
	/* the SEC's page, for a person to read, whatever url says */
	char			 text[700], *link = edgar_index_url(NULL, cik,
				    f->accession);
	time_t			 now = clock_now();
	int			 buy, hit;

	TAILQ_FOREACH(r, &w->rules, entry) {
		hit = 0;
		if (!event_rule(r->kind) || rs->st.spent ||
		    rule_expired(r, &rs->st, ss->ex, now)) {
			rs++;
			continue;
		}
		buy = r->kind == RULE_INSIDER_BUY;
		if (r->kind == RULE_FILING && form_matches(r, f->form) &&
		    items_match(r, f->items)) {
			filing_text(w->symbol, f, text, sizeof(text));
			hit = 1;
		} else if (r->kind != RULE_FILING && d != NULL &&
		    (buy ? &d->buy : &d->sell)->n > 0 &&
		    (buy ? &d->buy : &d->sell)->value >= r->value) {
			insider_text(w->symbol, f, d, buy, text, sizeof(text));
			hit = 1;
		}
		if (hit) {
			*alerts = xreallocarray(*alerts, *na + 1,
			    sizeof(**alerts));
			fire(&(*alerts)[(*na)++], w, ss, rs, r, text, link, now);
			snprintf(fired + strlen(fired), firedlen - strlen(fired),
			    "%s%s", fired[0] ? "; " : "", r->text);
		}
		rs++;
	}
	free(link);
}

/*
 * Judge the new filings news[0..n) of w's symbol (newest first; f4[i]
 * its Form 4 when doc[i] is read), oldest first: their alerts to the
 * judge J, and every one of them kept as seen, with the rules it fired,
 * in the same commit.
 */
void
filingrules_judge(struct judge *J, struct watch *w, struct symstate *ss,
    long cik, const struct filing *news,
    const struct form4 *f4, const int *doc, int read, size_t n)
{
	struct alert	*alerts = NULL;
	char		**fired = xcalloc(n, sizeof(*fired));
	size_t		 i, na = 0;

	for (i = n; i-- > 0;) {
		fired[i] = xcalloc(1, FIRED_MAX);
		judge_one(w, ss, cik, &news[i], doc[i] == read ? &f4[i] :
		    NULL, &alerts, &na, fired[i], FIRED_MAX);
		log_info("%s: filed %s %s%s%s", w->symbol, news[i].form,
		    news[i].accession, fired[i][0] ? "; fired " : "", fired[i]);
	}
	filing_keep(w->symbol, cik, news, fired, n);
	judge_event(J, w, ss, alerts, na);
	for (i = 0; i < n; i++)
		free(fired[i]);
	free(fired);
}
