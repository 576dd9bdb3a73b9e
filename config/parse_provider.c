/*
 * The provider block: which quote API, its key, its budget, its symbol
 * spellings and its fallback; or the replay provider's file and speed.
 *
 *	provider yahoo { fallback stooq  rate 30/m  connections 8 }
 *	provider finnhub { key-file "/etc/tickerd/finnhub.key" }
 *	provider replay { file "day.csv" speed 60 }
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "providers/providers.h"
#include "config/conf.h"
#include "config/parser.h"

/* url: as kw_url, without the trailing slash that would double in paths */
static int
kw_base_url(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	size_t			 l;

	if (kw_url(p, k, obj, line) == -1)
		return -1;
	while ((l = strlen(pc->url)) > 8 && pc->url[l - 1] == '/')
		pc->url[l - 1] = '\0';
	return 0;
}

static int
kw_fallback(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	char			*s;
	int			 vline;

	if ((s = read_value(p, "fallback", &vline)) == NULL)
		return -1;
	if (provider_find(s) == NULL) {
		lex_error(p, vline, "fallback: unknown provider \"%s\" (known: %s)",
		    s, provider_names());
		free(s);
		return -1;
	}
	if (strcmp(s, pc->name) == 0) {
		lex_error(p, vline, "fallback: provider %s cannot be its own "
		    "fallback", pc->name);
		free(s);
		return -1;
	}
	free(pc->fallback);
	pc->fallback = s;
	pc->fallback_line = vline;
	return 0;
}

/* rate N/s, N/m, N/h or N/d: the provider's request budget. */
static int
kw_rate(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	char			*s, *slash;
	int			 vline;
	double			 n;

	if ((s = read_value(p, "rate", &vline)) == NULL)
		return -1;
	slash = strchr(s, '/');
	if (slash == NULL || slash[1] == '\0' || slash[2] != '\0' ||
	    strchr("smhd", slash[1]) == NULL) {
		lex_error(p, vline, "rate: \"%s\" is not N/s, N/m, N/h or N/d "
		    "(requests per second, minute, hour or day)", s);
		free(s);
		return -1;
	}
	*slash = '\0';
	if (parse_price(s, &n) == -1 || n <= 0 || n > 1e6) {
		lex_error(p, vline, "rate: invalid number of requests \"%s\"", s);
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
kw_map(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	char			*from, *to;
	int			 vline;

	if ((from = read_value(p, "map", &vline)) == NULL)
		return -1;
	if ((to = read_value(p, "map", NULL)) == NULL) {
		free(from);
		return -1;
	}
	if (strlen(from) > SYMBOL_MAX || strlen(to) > SYMBOL_MAX ||
	    *to == '\0') {
		lex_error(p, vline, "map: symbols are 1 to %d characters",
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
kw_speed(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	char			*s;
	int			 vline;

	if ((s = read_value(p, "speed", &vline)) == NULL)
		return -1;
	if (parse_price(s, &pc->speed) == -1 || pc->speed > 1e7) {
		lex_error(p, vline, "speed: invalid number \"%s\"", s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

/* stream-window 100ms: how long a symbol's trades are gathered. */
static int
kw_window(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct providerconf	*pc = obj;
	char			*s, *end;
	double			 v;
	int			 vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	v = strtod(s, &end);
	if (end != s && strcmp(end, "ms") == 0)
		v /= 1000;
	else if (end == s || (strcmp(end, "s") != 0 && *end != '\0'))
		v = -1;
	if (!(v >= 0 && v <= 10)) {
		lex_error(p, vline, "%s: \"%s\" is not a time from 0 to 10s "
		    "(100ms, 0.5s)", k->name, s);
		free(s);
		return -1;
	}
	pc->stream_window = v;
	free(s);
	return 0;
}

#define STREAM_SYMBOLS_MAX 100000
#define CONNECTIONS_MAX	256	/* requests in flight to one provider */
#define PC(f)	offsetof(struct providerconf, f)
#define HTTP	{ "http://", "https://" }
static const struct keyword provider_kws[] = {
	{ "url",	kw_base_url,	PC(url),	0, HTTP },
	{ "key-file",	kw_path,	PC(key_file),	0, { 0 } },
	{ "fallback",	kw_fallback,	0,		0, { 0 } },
	{ "rate",	kw_rate,	0,		0, { 0 } },
	{ "map",	kw_map,		0,		0, { 0 } },
	{ "connections", kw_count,	PC(connections), CONNECTIONS_MAX, { 0 } },
	{ "user-agent",	kw_string,	PC(user_agent),	0, { 0 } },
	{ "batches",	kw_yesno,	PC(batches),	0, { 0 } },
	{ "ca-file",	kw_path,	PC(ca_file),	0, { 0 } },
	{ "stream",	kw_yesno,	PC(stream),	0, { 0 } },
	{ "stream-url",	kw_url,		PC(stream_url),	0, { "ws://", "wss://" } },
	{ "stream-symbols", kw_count,	PC(stream_symbols), STREAM_SYMBOLS_MAX,
	    { 0 } },
	{ "stream-window", kw_window,	0,		0, { 0 } },
	{ "stream-timeout", kw_duration, PC(stream_timeout), 5, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};
static const struct keyword replay_kws[] = {
	{ "url",	kw_base_url,	PC(url),	0, HTTP },
	{ "key-file",	kw_path,	PC(key_file),	0, { 0 } },
	{ "file",	kw_path,	PC(replay_file), 0, { 0 } },
	{ "speed",	kw_speed,	0,		0, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};

static void
unknown(struct parser *p, const char *kw, int line, void *obj)
{
	struct providerconf	*pc = obj;

	lex_error(p, line, "provider %s: unknown keyword \"%s\"", pc->name, kw);
}

/* What a whole block must say: a key where one is needed, a file. */
static void
check(struct parser *p, struct providerconf *pc, int line)
{
	const struct provider	*prov;
	char			 err[512];

	if (strcmp(pc->name, "replay") == 0) {
		if (pc->replay_file == NULL)
			lex_error(p, line, "provider replay: file is required");
		return;
	}
	prov = provider_find(pc->name);
	if (pc->stream && prov->feed == NULL)
		lex_error(p, line, "provider %s: has no stream (streams: finnhub, "
		    "yahoo, alpaca, tiingo, coinbase)", pc->name);
	else if (prov->needs_key && pc->key_file == NULL)
		lex_error(p, line, "provider %s: key-file is required", pc->name);
	else if (!prov->needs_key && !prov->key_optional &&
	    pc->key_file != NULL)
		lex_error(p, line, "provider %s: takes no key-file", pc->name);
	else if (pc->key_file != NULL && prov->key_pair &&
	    values_secret_pair(pc->key_file, &pc->key, &pc->secret, err,
	    sizeof(err)) == -1)
		lex_error(p, line, "provider %s: key-file %s", pc->name, err);
	else if (pc->key_file != NULL && !prov->key_pair &&
	    values_secret_read(pc->key_file, &pc->key, err, sizeof(err)) == -1)
		lex_error(p, line, "provider %s: key-file %s", pc->name, err);
}

/* ---- provider edgar { contact "Name email" url "..." } ---- */

#define EC(f)	offsetof(struct edgarconf, f)
static const struct keyword edgar_kws[] = {
	{ "contact",	kw_string,	EC(contact),	0, { 0 } },
	{ "url",	kw_base_url,	EC(url),	0, HTTP },
	{ "ca-file",	kw_path,	EC(ca_file),	0, { 0 } },
	{ NULL, NULL, 0, 0, { 0 } }
};

static void
edgar_unknown(struct parser *p, const char *kw, int line, void *obj)
{
	lex_error(p, line, "provider edgar: unknown keyword \"%s\" (it takes "
	    "contact, url and ca-file)", kw);
}

/* Whether a contact names someone and an email address. */
static int
contact_ok(const char *s)
{
	const char	*at = strchr(s, '@'), *sp = strchr(s, ' ');

	return at != NULL && at > s && at[1] != '\0' &&
	    strchr(at, '.') != NULL && sp != NULL &&
	    strspn(s, " ") < strlen(s) && strlen(s) < 200 &&
	    s[strcspn(s, "\r\n\"")] == '\0';
}

/*
 * SEC EDGAR: not a quote provider, so not in the chain.  The SEC
 * answers 403 to a request whose User-Agent names no contact: the
 * contact is required.
 */
static int
parse_edgar(struct parser *p, int line)
{
	struct config		*conf = p->conf;
	struct edgarconf	*ec;
	int			 vline, rc = 0;

	if (conf->edgar != NULL) {
		lex_error(p, line, "provider edgar: duplicate (first at %s:%d)",
		    conf->edgar->file, conf->edgar->line);
		return -1;
	}
	ec = conf->edgar = xcalloc(1, sizeof(*ec));
	ec->file = p->lx->file;
	ec->line = line;
	if (lex_peek(p)->type == T_LBRACE) {
		vline = lex_peek(p)->line;
		lex_drop(p);
		rc = read_block(p, "edgar", vline, edgar_kws, ec, edgar_unknown);
	}
	if (rc != 0)
		return 0;
	if (ec->contact == NULL)
		lex_error(p, line, "provider edgar: contact is required: the SEC "
		    "refuses requests that name no one (contact \"Jane Doe "
		    "jane@example.com\")");
	else if (!contact_ok(ec->contact))
		lex_error(p, line, "provider edgar: contact \"%s\" must be your "
		    "name and email address, as in contact \"Jane Doe "
		    "jane@example.com\"", ec->contact);
	return 0;
}

int
parse_provider(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct config		*conf = p->conf;
	struct providerconf	*pc, *o;
	char			*name;
	int			 vline, replay, rc = 0;

	if ((name = read_value(p, "provider", &vline)) == NULL)
		return -1;
	if (strcmp(name, "edgar") == 0) {
		free(name);
		return parse_edgar(p, line);
	}
	replay = strcmp(name, "replay") == 0;
	if (!replay && provider_find(name) == NULL) {
		lex_error(p, vline, "provider: unknown provider \"%s\" (known: %s, "
		    "replay, edgar)", name, provider_names());
		free(name);
		return -1;
	}
	if ((o = config_provider_named(conf, name)) != NULL) {
		lex_error(p, vline, "provider %s: duplicate (first at %s:%d)", name,
		    o->file, o->line);
		free(name);
		return -1;
	}
	pc = xcalloc(1, sizeof(*pc));
	pc->name = name;
	pc->file = p->lx->file;
	pc->line = line;
	pc->speed = 1;
	pc->batches = 1;
	pc->stream_window = STREAM_WINDOW;
	TAILQ_INSERT_TAIL(&conf->providers, pc, entry);
	if (lex_peek(p)->type == T_LBRACE) {
		vline = lex_peek(p)->line;
		lex_drop(p);
		rc = read_block(p, name, vline, replay ? replay_kws :
		    provider_kws, pc, unknown);
	}
	if (rc == 0)
		check(p, pc, line);
	return 0;
}
