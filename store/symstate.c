/*
 * What tickerd knows of each watched symbol at run time: its 52-week
 * references, its newest quote, what went wrong last, and the state of
 * each of its rules.  It is kept apart from the configuration, which only
 * says what to watch, so that a reload swaps the configuration and keeps
 * this: symstate_sync() matches it to the new configuration, keeping the
 * state of every rule whose identity is unchanged.  state.c writes it to
 * state.json.  Symbols are found by hash.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "alerts/alerts.h"
#include "config/conf.h"
#include "store/store.h"

static struct strmap	*map;		/* by symbol */
static TAILQ_HEAD(, symstate) all = TAILQ_HEAD_INITIALIZER(all);
static unsigned		 generation;

/* The state of symbol, or NULL when it is not watched. */
struct symstate *
symstate_find(const char *symbol)
{
	return map != NULL ? strmap_get(map, symbol) : NULL;
}

static struct symstate *
symstate_new(const char *symbol)
{
	struct symstate	*ss = xcalloc(1, sizeof(*ss));

	if (map == NULL)
		map = strmap_new();
	tk_strlcpy(ss->symbol, symbol, sizeof(ss->symbol));
	symref_init(&ss->ref);
	strmap_put(map, ss->symbol, ss);
	TAILQ_INSERT_TAIL(&all, ss, entry);
	return ss;
}

/* The state of the rule of that identity, or NULL. */
struct rulestate *
symstate_rule(struct symstate *ss, const char *id)
{
	size_t	 i;

	for (i = 0; i < ss->nrules; i++)
		if (ss->rules[i].id != NULL && strcmp(ss->rules[i].id, id) == 0)
			return &ss->rules[i];
	return NULL;
}

/* How provider fares with ss: its slot, a fresh one when it has none. */
struct provstate *
symstate_prov(struct symstate *ss, const char *provider)
{
	struct provstate	*ps;
	size_t			 i;

	for (i = 0; i < PROV_SLOTS; i++)
		if (strcmp(ss->prov[i].provider, provider) == 0)
			return &ss->prov[i];
	for (i = 0; i < PROV_SLOTS; i++)
		if (ss->prov[i].provider[0] == '\0')
			break;
	if (i == PROV_SLOTS)	/* chains changed often: the oldest goes */
		i = ss->prov_next++ % PROV_SLOTS;
	ps = &ss->prov[i];
	memset(ps, 0, sizeof(*ps));
	tk_strlcpy(ps->provider, provider, sizeof(ps->provider));
	return ps;
}

/*
 * The rule states of ss for the rules of w, in w's order; a rule whose
 * identity ss knows keeps its state.  Returns how many kept theirs.
 */
static size_t
match_rules(struct symstate *ss, const struct watch *w)
{
	struct rulestate	*rules, *old;
	const struct rule	*r;
	size_t			 n = 0, i, kept = 0;

	TAILQ_FOREACH(r, &w->rules, entry)
		n++;
	rules = xcalloc(n ? n : 1, sizeof(*rules));
	i = 0;
	TAILQ_FOREACH(r, &w->rules, entry) {
		if ((old = symstate_rule(ss, r->id)) != NULL) {
			rules[i] = *old;
			old->id = NULL;		/* moved */
			kept++;
		} else
			rules[i].id = xstrdup(r->id);
		i++;
	}
	for (i = 0; i < ss->nrules; i++)
		free(ss->rules[i].id);
	free(ss->rules);
	ss->rules = rules;
	ss->nrules = n;
	return kept;
}

static void
symstate_free(struct symstate *ss)
{
	size_t	 i;

	for (i = 0; i < ss->nrules; i++)
		free(ss->rules[i].id);
	free(ss->rules);
	free(ss->saved);
	buf_free(&ss->saved_of);
	free(ss->problem);
	free(ss->ext);
	daily_free(ss->ref.daily);
	free(ss);
}

/*
 * A daily history for a watch with rules on one (alerts/trader.c), with
 * the recent quotes kept when a move-in rule needs them; none otherwise.
 */
static void
match_daily(struct symstate *ss, const struct watch *w)
{
	const struct rule	*r;
	int			 need = 0, ticks = 0, earn = 0, rules;

	TAILQ_FOREACH(r, &w->rules, entry) {
		need |= trader_rule(r->kind) ||
		    (r->kind == RULE_WHEN && when_needs_daily(r));
		ticks |= r->kind == RULE_MOVE_IN;
		earn |= r->kind == RULE_EARNINGS;
	}
	need |= w->wants_daily;		/* a screen's indicators */
	rules = need;
	need |= review_pending(ss->symbol);	/* what follows its alerts */
	if (!need) {
		daily_free(ss->ref.daily);
		ss->ref.daily = NULL;
		return;
	}
	if (ss->ref.daily == NULL)
		ss->ref.daily = daily_new();
	if (!ss->ref.daily->loaded && store_dir() != NULL) {
		dailystore_load(ss->symbol, ss->ref.daily);
		ss->ref.daily->loaded = 1;
	}
	ss->ref.daily->want_ticks = ticks;
	ss->ref.daily->want_earnings = earn;
	ss->ref.daily->want_history = rules;
}

/*
 * What went wrong with the symbol's last poll, for tickerctl: "who: why"
 * (who may be NULL), cut to 300 bytes of valid UTF-8; why NULL clears it.
 * Held only while there is one: most symbols have none.
 */
void
symstate_set_problem(struct symstate *ss, const char *who, const char *why)
{
	char	 text[300];

	free(ss->problem);
	ss->problem = NULL;
	if (why == NULL)
		return;
	snprintf(text, sizeof(text), "%s%s%s", who ? who : "", who ? ": " : "",
	    why);
	utf8_clean(text);
	ss->problem = xstrdup(text);
}

/* The symbol's problem, or "". */
const char *
symstate_problem(const struct symstate *ss)
{
	return ss->problem != NULL ? ss->problem : "";
}

/* Forget every symbol not synced in this generation. */
static void
sweep(void)
{
	struct symstate	*ss, *next;

	for (ss = TAILQ_FIRST(&all); ss != NULL; ss = next) {
		next = TAILQ_NEXT(ss, entry);
		if (ss->generation == generation)
			continue;
		TAILQ_REMOVE(&all, ss, entry);
		strmap_del(map, ss->symbol);
		symstate_free(ss);
	}
}

/*
 * Match the state to a configuration (at start, and at each reload): a
 * state for every watched symbol, its rule states in the order of the
 * watch's rules, and nothing for what is no longer watched.  Returns the
 * rules that kept their state.
 */
size_t
symstate_sync(const struct config *conf)
{
	struct watch	*w;
	struct symstate	*ss;
	size_t		 kept = 0;

	generation++;
	TAILQ_FOREACH(w, &conf->watches, entry) {
		if ((ss = symstate_find(w->symbol)) == NULL)
			ss = symstate_new(w->symbol);
		ss->generation = generation;
		kept += match_rules(ss, w);
		match_daily(ss, w);
	}
	sweep();
	return kept;
}

/* At exit. */
void
symstate_clear(void)
{
	generation++;
	sweep();
	strmap_free(map);
	map = NULL;
}

/* Once the state directory is open: the daily histories it keeps. */
void
symstate_daily_load(void)
{
	struct symstate	*ss;

	TAILQ_FOREACH(ss, &all, entry) {
		if (ss->ref.daily == NULL && review_pending(ss->symbol))
			ss->ref.daily = daily_new();
		if (ss->ref.daily != NULL && !ss->ref.daily->loaded &&
		    store_dir() != NULL) {
			dailystore_load(ss->symbol, ss->ref.daily);
			ss->ref.daily->loaded = 1;
		}
	}
}

/* An alert of ss fired: its history is kept from now on, for what
 * follows. */
void
symstate_follow(struct symstate *ss)
{
	if (ss->ref.daily != NULL)
		return;
	ss->ref.daily = daily_new();
	if (store_dir() != NULL) {
		dailystore_load(ss->symbol, ss->ref.daily);
		ss->ref.daily->loaded = 1;
	}
}
