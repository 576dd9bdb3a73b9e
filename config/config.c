/*
 * The configuration once read: lookups, the defaults a watch falls back
 * on, what a reload carries over, and freeing.  The grammar is in
 * parse.c, the syntax of values in values.c.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "config/conf.h"

static const char *const type_names[] = {
	[NOTIFIER_MAIL] = "mail",
	[NOTIFIER_SYSLOG] = "syslog",
	[NOTIFIER_WEBHOOK] = "webhook",
	[NOTIFIER_EXEC] = "exec",
	[NOTIFIER_TELEGRAM] = "telegram",
	[NOTIFIER_DISCORD] = "discord",
	[NOTIFIER_SLACK] = "slack",
	[NOTIFIER_NTFY] = "ntfy",
	[NOTIFIER_PUSHOVER] = "pushover",
	[NOTIFIER_GOTIFY] = "gotify",
};

/* "mail", "syslog", "webhook", "telegram" ...: as the configuration and
 * the outbox say. */
const char *
notifier_type_name(enum notifier_type t)
{
	return type_names[t];
}

/* The type of that name; -1 when none is. */
int
notifier_type_from_name(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type_names[i], name) == 0)
			return (int)i;
	return -1;
}

/* The watch of symbol, or NULL. */
struct watch *
config_watch(const struct config *conf, const char *symbol)
{
	return strmap_get(conf->watchmap, symbol);
}

struct notifier *
config_notifier(const struct config *conf, const char *name)
{
	struct notifier	*n;

	TAILQ_FOREACH(n, &conf->notifiers, entry)
		if (strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

/* The provider in use: the first configured, yahoo by default. */
struct providerconf *
config_provider(const struct config *conf)
{
	return TAILQ_FIRST(&conf->providers);
}

struct providerconf *
config_provider_named(const struct config *conf, const char *name)
{
	struct providerconf	*pc;

	TAILQ_FOREACH(pc, &conf->providers, entry)
		if (strcmp(pc->name, name) == 0)
			return pc;
	return NULL;
}

/* "yahoo, fallback stooq" for messages and tickerctl status. */
void
config_chain(const struct config *conf, char *out, size_t len)
{
	struct providerconf	*pc = config_provider(conf);
	int			 i;

	snprintf(out, len, "%s", pc->name);
	for (i = 1; i < CHAIN_MAX && pc->fallback != NULL &&
	    (pc = config_provider_named(conf, pc->fallback)) != NULL; i++)
		snprintf(out + strlen(out), len - strlen(out), ", fallback %s",
		    pc->name);
	if (conf->market_hours)
		snprintf(out + strlen(out), len - strlen(out), ", market hours");
}

const struct strlist *
watch_notifiers(const struct config *conf, const struct watch *w)
{
	return w->has_notify ? &w->notify : &conf->default_notify;
}

/* Where rule r of w sends its alerts: its own `notify', or the watch's. */
const struct strlist *
watch_rule_notifiers(const struct config *conf, const struct watch *w,
    const struct rule *r)
{
	return r != NULL && r->notify != NULL ? r->notify :
	    watch_notifiers(conf, w);
}

/* Who hears of problems: `problems', or the default (parse.c's
 * defaults()); none with `problems none'. */
const struct strlist *
config_problem_notifiers(const struct config *conf)
{
	return &conf->problems;
}

double
watch_hysteresis(const struct config *conf, const struct watch *w)
{
	return w->hysteresis >= 0 ? w->hysteresis : conf->hysteresis;
}

/*
 * Whether rule r of w judges prices outside the regular session: its own
 * `session', else its watch's, else the global one.
 */
int
watch_rule_hours(const struct config *conf, const struct watch *w,
    const struct rule *r)
{
	if (r != NULL && r->hours >= 0)
		return r->hours;
	return w->hours >= 0 ? w->hours : conf->hours;
}

/* Take watch w out of conf, and free it. */
void
config_watch_drop(struct config *conf, struct watch *w)
{
	struct rule	*r;

	TAILQ_REMOVE(&conf->watches, w, entry);
	if (strmap_get(conf->watchmap, w->symbol) == w)
		strmap_del(conf->watchmap, w->symbol);
	conf->nwatches--;
	while ((r = TAILQ_FIRST(&w->rules)) != NULL) {
		TAILQ_REMOVE(&w->rules, r, entry);
		rule_free(r);
	}
	free(w->symbol);
	free(w->note);
	strlist_free(&w->notify);
	free(w);
}

/* Whether a webhook's body is JSON, to be filled JSON-escaped. */
int
notifier_json(const struct notifier *n)
{
	return n->content_type == NULL ||
	    strcasestr(n->content_type, "json") != NULL;
}

time_t
watch_stale(const struct config *conf, const struct watch *w)
{
	if (w->stale > 0)
		return w->stale;
	if (conf->stale > 0)
		return conf->stale;
	return 3 * conf->poll;
}

/* A notifier, its secrets overwritten. */
static void
notifier_free(struct notifier *n)
{
	free(n->name);
	strlist_free(&n->to);
	strlist_free(&n->command);
	free(n->quiet_zone);
	free(n->from);
	free(n->smtp);
	free(n->user);
	free(n->password_file);
	values_secret_free(n->password);
	free(n->mbox);
	free(n->sendmail);
	free(n->ca_file);
	free(n->url);
	free(n->body);
	free(n->method);
	free(n->content_type);
	free(n->header_name);
	free(n->header_file);
	values_secret_free(n->header_value);
	free(n->api);
	free(n->server);
	free(n->topic);
	free(n->chat_id);
	free(n->token_file);
	values_secret_free(n->token);
	free(n->user_file);
	values_secret_free(n->user_key);
	free(n->url_file);
	values_secret_free(n->secret_url);
	free(n->link);
	free(n);
}

void
config_free(struct config *conf)
{
	struct providerconf	*pc;
	struct notifier		*n;
	struct watch		*w;
	size_t			 i;

	if (conf == NULL)
		return;
	if (conf->edgar != NULL) {
		free(conf->edgar->contact);
		free(conf->edgar->url);
		free(conf->edgar->ca_file);
		free(conf->edgar);
	}
	while ((pc = TAILQ_FIRST(&conf->providers)) != NULL) {
		TAILQ_REMOVE(&conf->providers, pc, entry);
		free(pc->name);
		free(pc->url);
		free(pc->key_file);
		values_secret_free(pc->key);
		values_secret_free(pc->secret);
		free(pc->fallback);
		free(pc->user_agent);
		free(pc->ca_file);
		while (pc->nmaps > 0) {
			pc->nmaps--;
			free(pc->maps[pc->nmaps].from);
			free(pc->maps[pc->nmaps].to);
		}
		free(pc->maps);
		free(pc->replay_file);
		free(pc->stream_url);
		free(pc);
	}
	while ((n = TAILQ_FIRST(&conf->notifiers)) != NULL) {
		TAILQ_REMOVE(&conf->notifiers, n, entry);
		notifier_free(n);
	}
	while ((w = TAILQ_FIRST(&conf->watches)) != NULL)
		config_watch_drop(conf, w);
	for (i = 0; i < conf->nwatchfiles; i++) {
		free(conf->watchfiles[i].path);
		strlist_free(&conf->watchfiles[i].syms);
	}
	free(conf->watchfiles);
	for (i = 0; i < conf->nscreens; i++) {
		free(conf->screens[i].name);
		strlist_free(&conf->screens[i].symbols);
		strlist_free(&conf->screens[i].notify);
		if (conf->screens[i].cond != NULL)
			rule_free(conf->screens[i].cond);
	}
	free(conf->screens);
	strmap_free(conf->watchmap);
	strlist_free(&conf->default_notify);
	strlist_free(&conf->problems);
	free(conf->heartbeat);
	free(conf->heartbeat_fail);
	free(conf->metrics);
	free(conf->dashboard);
	free(conf->dashboard_token_file);
	values_secret_free(conf->dashboard_token);
	strlist_free(&conf->files);
	free(conf->state_dir);
	free(conf->review_to);
	free(conf->control);
	free(conf->path);
	free(conf);
}
