/*
 * The notifier blocks of the phone services:
 *
 *	notifier telegram "tg" { token-file "tg.token" chat-id "-100123" }
 *	notifier discord "dc" { url-file "discord.url" }
 *	notifier slack "sl" { url-file "slack.url" }
 *	notifier ntfy "ph" { topic "my-tickerd" priority high }
 *	notifier pushover "po" { token-file "po.token" user-file "po.user" }
 *	notifier gotify "go" { server "https://gotify.example"
 *	    token-file "gotify.token" }
 *
 * Their secrets (a bot token, an app token, a user key, a webhook URL
 * that is its own credential) come from private files, read when the
 * configuration is, and are checked for their shape there, so that a
 * wrong file is a FILE:LINE error and not a failure at the first alert.
 * No message names a secret, only its file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

/* A priority's names on each service's own scale. */
struct level {
	const char	*name;
	int		 value;
};
static const struct level ntfy_levels[] = {
	{ "min", 1 }, { "low", 2 }, { "default", 3 }, { "high", 4 },
	{ "max", 5 }, { "urgent", 5 }, { NULL, 0 }
};
static const struct level pushover_levels[] = {
	{ "lowest", -2 }, { "low", -1 }, { "normal", 0 }, { "high", 1 },
	{ "emergency", 2 }, { NULL, 0 }
};
static const struct level gotify_levels[] = {
	{ "min", 0 }, { "low", 2 }, { "default", 5 }, { "high", 8 },
	{ "max", 10 }, { NULL, 0 }
};

/* priority NAME | N, on the scale of the notifier's service. */
static int
kw_priority(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier		*n = obj;
	const struct level	*l = n->type == NOTIFIER_NTFY ? ntfy_levels :
				    n->type == NOTIFIER_PUSHOVER ?
				    pushover_levels : gotify_levels;
	const struct level	*x;
	char			*s, *end, names[128];
	long			 v, lo = l[0].value, hi = lo;
	int			 vline;
	size_t			 off = 0;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	for (x = l; x->name != NULL; x++) {
		if (strcmp(x->name, s) == 0) {
			n->push_priority = x->value;
			n->has_priority = 1;
			free(s);
			return 0;
		}
		hi = x->value;
		off += (size_t)snprintf(names + off, sizeof(names) - off,
		    "%s%s", x == l ? "" : ", ", x->name);
	}
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		lex_error(p, vline, "priority: \"%s\" is neither a whole number from "
		    "%ld to %ld nor one of %s", s, lo, hi, names);
		free(s);
		return -1;
	}
	n->push_priority = (int)v;
	n->has_priority = 1;
	free(s);
	return 0;
}

/* link "TEMPLATE": the page a message links to ("" for none). */
static int
kw_link(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s, err[512];

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	if (*s != '\0' && strncmp(s, "https://", 8) != 0 &&
	    strncmp(s, "http://", 7) != 0) {
		lex_error(p, line, "link: \"%s\" is not an http:// or https:// URL",
		    s);
		free(s);
		return -1;
	}
	if (template_check(s, err, sizeof(err)) == -1) {
		lex_error(p, line, "link: %s", err);
		free(s);
		return -1;
	}
	free(n->link);
	n->link = s;
	return 0;
}

/* chat-id "-1001234567890" | "@channel": a chat's id or a channel's name. */
static int
kw_chat_id(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s;
	size_t		 skip;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	skip = s[0] == '-' ? 1 : 0;
	if (!(s[0] == '@' && s[1] != '\0' && s[1 + strspn(s + 1,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")]
	    == '\0') && !(s[skip] != '\0' && strlen(s) < 21 &&
	    s[skip + strspn(s + skip, "0123456789")] == '\0')) {
		lex_error(p, line, "chat-id: \"%s\" is neither a chat's number "
		    "(\"-1001234567890\") nor a channel's @name", s);
		free(s);
		return -1;
	}
	free(n->chat_id);
	n->chat_id = s;
	return 0;
}

/* thread-id N: a forum topic of the chat. */
static int
kw_thread_id(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s, *end;
	long long	 v;
	int		 vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1) {
		lex_error(p, vline, "thread-id: \"%s\" is not a topic's number", s);
		free(s);
		return -1;
	}
	n->thread_id = v;
	free(s);
	return 0;
}

/* topic "NAME": an ntfy topic, as ntfy allows them. */
static int
kw_topic(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s;
	size_t		 len;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	len = strlen(s);
	if (len == 0 || len > 64 || s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")] != '\0') {
		lex_error(p, line, "topic: \"%s\" is not an ntfy topic (1 to 64 "
		    "letters, digits, - and _)", s);
		free(s);
		return -1;
	}
	free(n->topic);
	n->topic = s;
	return 0;
}

#define N(f)	offsetof(struct notifier, f)
#define NONE	{ 0 }
#define HTTP	{ "http://", "https://" }
#define COMMON \
	{ "api",	kw_url,		N(api),		0, HTTP }, \
	{ "link",	kw_link,	0,		0, NONE }, \
	{ "digest",	kw_duration,	N(digest),	1, NONE }, \
	{ "retry",	kw_duration,	N(retry),	1, NONE }, \
	{ "retry-for",	kw_duration,	N(retry_for),	1, NONE }, \
	{ "quiet",	parse_quiet,	0,		0, NONE }, \
	{ NULL, NULL, 0, 0, NONE }
static const struct keyword telegram_kws[] = {
	{ "token-file",	kw_path,	N(token_file),	0, NONE },
	{ "chat-id",	kw_chat_id,	0,		0, NONE },
	{ "thread-id",	kw_thread_id,	0,		0, NONE },
	{ "silent",	kw_yesno,	N(silent),	0, NONE },
	COMMON
};
static const struct keyword discord_kws[] = {
	{ "url-file",	kw_path,	N(url_file),	0, NONE },
	{ "silent",	kw_yesno,	N(silent),	0, NONE },
	COMMON
};
static const struct keyword slack_kws[] = {
	{ "url-file",	kw_path,	N(url_file),	0, NONE },
	COMMON
};
static const struct keyword ntfy_kws[] = {
	{ "server",	kw_url,		N(server),	0, HTTP },
	{ "topic",	kw_topic,	0,		0, NONE },
	{ "token-file",	kw_path,	N(token_file),	0, NONE },
	{ "priority",	kw_priority,	0,		0, NONE },
	COMMON
};
static const struct keyword pushover_kws[] = {
	{ "token-file",	kw_path,	N(token_file),	0, NONE },
	{ "user-file",	kw_path,	N(user_file),	0, NONE },
	{ "priority",	kw_priority,	0,		0, NONE },
	COMMON
};
static const struct keyword gotify_kws[] = {
	{ "server",	kw_url,		N(server),	0, HTTP },
	{ "token-file",	kw_path,	N(token_file),	0, NONE },
	{ "priority",	kw_priority,	0,		0, NONE },
	COMMON
};

/* The keywords of a phone service's block. */
const struct keyword *
push_keywords(enum notifier_type t)
{
	switch (t) {
	case NOTIFIER_TELEGRAM:	return telegram_kws;
	case NOTIFIER_DISCORD:	return discord_kws;
	case NOTIFIER_SLACK:	return slack_kws;
	case NOTIFIER_NTFY:	return ntfy_kws;
	case NOTIFIER_PUSHOVER:	return pushover_kws;
	default:		return gotify_kws;
	}
}

/*
 * Read the secret of file into *out and check that it has the shape
 * `allowed' describes (a set of bytes, or NULL: an http(s) URL).  Errors
 * name the file and what it should hold, never what it holds.
 */
static void
secret(struct parser *p, const struct notifier *n, const char *kw,
    const char *file, char **out, const char *allowed, const char *what)
{
	const char	*type = notifier_type_name(n->type);
	char		 err[512];
	char		*s;
	int		 ok;

	if (file == NULL) {
		lex_error(p, n->line, "notifier %s \"%s\": %s is required", type,
		    n->name, kw);
		return;
	}
	if (values_secret_read(file, out, err, sizeof(err)) == -1) {
		lex_error(p, n->line, "notifier %s \"%s\": %s %s", type, n->name,
		    kw, err);
		return;
	}
	s = *out;
	if (allowed != NULL)
		ok = s[strspn(s, allowed)] == '\0';
	else
		ok = (strncmp(s, "https://", 8) == 0 ||
		    strncmp(s, "http://", 7) == 0) &&
		    s[strcspn(s, " \t\"<>\\^`{|}")] == '\0';
	if (!ok) {
		lex_error(p, n->line, "notifier %s \"%s\": %s %s does not hold %s",
		    type, n->name, kw, file, what);
		values_secret_free(*out);
		*out = NULL;
	}
}

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* What each service needs, once its block is read. */
void
parse_check_push(struct parser *p, struct notifier *n)
{
	const char	*type = notifier_type_name(n->type);

	switch (n->type) {
	case NOTIFIER_TELEGRAM:
		if (n->chat_id == NULL)
			lex_error(p, n->line, "notifier telegram \"%s\": chat-id is "
			    "required", n->name);
		secret(p, n, "token-file", n->token_file, &n->token,
		    ALNUM ":-_", "a bot token (as @BotFather gives it)");
		break;
	case NOTIFIER_DISCORD:
	case NOTIFIER_SLACK:
		secret(p, n, "url-file", n->url_file, &n->secret_url, NULL,
		    "a webhook's http:// or https:// URL on its first line");
		break;
	case NOTIFIER_NTFY:
		if (n->topic == NULL)
			lex_error(p, n->line, "notifier ntfy \"%s\": topic is "
			    "required", n->name);
		if (n->token_file != NULL)
			secret(p, n, "token-file", n->token_file, &n->token,
			    ALNUM "-_.", "an ntfy access token");
		break;
	case NOTIFIER_PUSHOVER:
		secret(p, n, "token-file", n->token_file, &n->token, ALNUM,
		    "an application's API token");
		secret(p, n, "user-file", n->user_file, &n->user_key, ALNUM,
		    "a user or group key");
		break;
	default:
		if (n->server == NULL && n->api == NULL)
			lex_error(p, n->line, "notifier %s \"%s\": server is "
			    "required", type, n->name);
		secret(p, n, "token-file", n->token_file, &n->token,
		    ALNUM "-_.", "a Gotify application token");
		break;
	}
}
