/*
 * The notifier blocks: where alerts go.
 *
 *	notifier mail "me" { to "a@example.com" smtp "smtp://127.0.0.1" }
 *	notifier syslog "log" { facility daemon priority notice }
 *	notifier webhook "hook" { url "https://..." header "X-Key" file "k" }
 *
 * The phone services' blocks are in parse_push.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

static int
kw_starttls(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s;
	int		 vline;

	if ((s = read_value(p, "starttls", &vline)) == NULL)
		return -1;
	if (strcmp(s, "required") == 0)
		n->starttls = STARTTLS_REQUIRED;
	else if (strcmp(s, "optional") == 0)
		n->starttls = STARTTLS_OPTIONAL;
	else {
		lex_error(p, vline, "starttls: \"%s\" is neither required nor "
		    "optional", s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

/* body "TEMPLATE": placeholders it knows only (alerts/template.c). */
static int
kw_body(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s, err[512];

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	if (template_check(s, err, sizeof(err)) == -1) {
		lex_error(p, line, "body: %s", err);
		free(s);
		return -1;
	}
	free(n->body);
	n->body = s;
	return 0;
}

/* method POST | PUT | PATCH */
static int
kw_method(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*s;
	int		 vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	if (strcmp(s, "POST") != 0 && strcmp(s, "PUT") != 0 &&
	    strcmp(s, "PATCH") != 0) {
		lex_error(p, vline, "method: \"%s\" is not POST, PUT or PATCH", s);
		free(s);
		return -1;
	}
	free(n->method);
	n->method = s;
	return 0;
}

/* content-type "TYPE/SUBTYPE[; PARAMS]": one header line, no more. */
static int
kw_content_type(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct notifier	*n = obj;
	char		*s;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	if (strchr(s, '/') == NULL || s[strcspn(s, "\r\n")] != '\0') {
		lex_error(p, line, "content-type: \"%s\" is not a media type", s);
		free(s);
		return -1;
	}
	free(n->content_type);
	n->content_type = s;
	return 0;
}

/* header "NAME" file "PATH": a header whose value comes from a file. */
static int
kw_header(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier	*n = obj;
	char		*name, *what, *s;
	int		 vline;

	if ((name = read_string(p, "header")) == NULL)
		return -1;
	if (*name == '\0' || name[strcspn(name,
	    "()<>@,;:\\\"/[]?={} \t\r\n")] != '\0') {
		lex_error(p, line, "header: \"%s\" is not a header name", name);
		free(name);
		return -1;
	}
	if ((what = read_value(p, "header", &vline)) == NULL) {
		free(name);
		return -1;
	}
	if (strcmp(what, "file") != 0) {
		lex_error(p, vline, "header: expected file PATH after the name, not "
		    "\"%s\" (the value comes from a file)", what);
		free(what);
		free(name);
		return -1;
	}
	free(what);
	if ((s = read_string(p, "header file")) == NULL) {
		free(name);
		return -1;
	}
	free(n->header_name);
	free(n->header_file);
	n->header_name = name;
	n->header_file = lex_relpath(p, s);
	free(s);
	return 0;
}

/* facility NAME or priority NAME, by syslog's names. */
static int
kw_syslog(struct parser *p, const struct keyword *k, void *obj, int line)
{
	int	*f = (int *)(void *)((char *)obj + k->off);
	char	*s;
	int	 v, vline, facility = strcmp(k->name, "facility") == 0;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	if ((v = facility ? log_facility(s) : log_priority(s)) == -1) {
		if (facility)
			lex_error(p, vline, "facility: unknown facility \"%s\" "
			    "(daemon, user, mail, local0 ... local7)", s);
		else
			lex_error(p, vline, "priority: unknown priority \"%s\" "
			    "(emerg, alert, crit, err, warning, notice, info, "
			    "debug)", s);
		free(s);
		return -1;
	}
	*f = v;
	free(s);
	return 0;
}

/* The zone of the box's local time: TZ, /etc/timezone, or else UTC. */
static char *
local_zone(void)
{
	const char	*tz = getenv("TZ");
	char		 line[128] = "";
	FILE		*f;

	if (tz != NULL && *tz == ':')
		tz++;
	if (tz != NULL && *tz != '\0' && zone_get(tz) != NULL)
		return xstrdup(tz);
	if ((f = fopen("/etc/timezone", "r")) != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, " \t\r\n")] = '\0';
		if (line[0] != '\0' && zone_get(line) != NULL)
			return xstrdup(line);
	}
	return xstrdup("UTC");
}

/*
 * quiet HH:MM-HH:MM [ZONE]: the hours whose messages are held and sent,
 * as one digest where the notifier can, when they end.  The zone is an
 * IANA name, quoted or with a slash (or UTC); by default the box's.
 */
int
parse_quiet(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier		*n = obj;
	const struct token	*t;
	char			*s, *z;
	int			 h1, m1, h2, m2, len = 0, vline;

	if ((s = read_value(p, k->name, &vline)) == NULL)
		return -1;
	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &len) != 4 ||
	    s[len] != '\0' || h1 > 23 || m1 > 59 || h2 > 23 || m2 > 59 ||
	    h1 < 0 || m1 < 0 || h2 < 0 || m2 < 0 || h1 * 60 + m1 == h2 * 60 + m2) {
		lex_error(p, vline, "quiet: \"%s\" is not a span HH:MM-HH:MM", s);
		free(s);
		return -1;
	}
	free(s);
	n->quiet_from = h1 * 60 + m1;
	n->quiet_to = h2 * 60 + m2;
	free(n->quiet_zone);
	t = lex_peek(p);
	if (t->type == T_STRING || (t->type == T_WORD &&
	    (strchr(t->text, '/') != NULL || strcmp(t->text, "UTC") == 0))) {
		z = read_value(p, k->name, &vline);
		if (zone_get(z) == NULL) {
			lex_error(p, vline, "quiet: unknown time zone \"%s\" (a "
			    "zone not in use at start needs a restart)", z);
			free(z);
			n->quiet_from = -1;
			return -1;
		}
		n->quiet_zone = z;
	} else
		n->quiet_zone = local_zone();
	return 0;
}

#define N(f)	offsetof(struct notifier, f)
#define NONE	{ 0 }
#define DELIVERY \
	{ "retry",	kw_duration,	N(retry),	1, NONE }, \
	{ "retry-for",	kw_duration,	N(retry_for),	1, NONE }, \
	{ "quiet",	parse_quiet,	0,		0, NONE }
static const struct keyword mail_kws[] = {
	{ "to",		kw_list,	N(to),		0, NONE },
	{ "from",	kw_string,	N(from),	0, NONE },
	{ "smtp",	kw_url,		N(smtp),	0,
	    { "smtp://", "smtps://" } },
	{ "user",	kw_string,	N(user),	0, NONE },
	{ "password-file", kw_path,	N(password_file), 0, NONE },
	{ "mbox",	kw_path,	N(mbox),	0, NONE },
	{ "sendmail",	kw_abspath,	N(sendmail),	0, NONE },
	{ "starttls",	kw_starttls,	0,		0, NONE },
	{ "ca-file",	kw_path,	N(ca_file),	0, NONE },
	{ "digest",	kw_duration,	N(digest),	1, NONE },
	DELIVERY,
	{ NULL, NULL, 0, 0, NONE }
};
static const struct keyword webhook_kws[] = {
	{ "url",	kw_url,		N(url),		0,
	    { "http://", "https://" } },
	{ "header",	kw_header,	0,		0, NONE },
	{ "body",	kw_body,	0,		0, NONE },
	{ "method",	kw_method,	0,		0, NONE },
	{ "content-type", kw_content_type, 0,		0, NONE },
	DELIVERY,
	{ NULL, NULL, 0, 0, NONE }
};
/*
 * command "/path" "arg" ...: the program, an absolute path (no shell
 * finds it), and its arguments, each quoted: the first word that is not
 * a quoted string ends them (`timeout', `retry' on the same line).
 */
static int
kw_command(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct notifier		*n = obj;
	const struct token	*t;
	char			*s;

	if ((s = read_string(p, k->name)) == NULL)
		return -1;
	if (s[0] != '/') {
		lex_error(p, line, "command: \"%s\" is not an absolute path "
		    "(it is run without a shell)", s);
		free(s);
		return -1;
	}
	strlist_free(&n->command);
	strlist_add(&n->command, s);
	free(s);
	while ((t = lex_peek(p))->type == T_STRING) {
		if ((s = read_value(p, k->name, NULL)) == NULL)
			return -1;
		strlist_add(&n->command, s);
		free(s);
	}
	return 0;
}

static const struct keyword exec_kws[] = {
	{ "command",	kw_command,	0,		0, NONE },
	{ "timeout",	kw_duration,	N(exec_timeout), 1, NONE },
	DELIVERY,
	{ NULL, NULL, 0, 0, NONE }
};
static const struct keyword syslog_kws[] = {
	{ "facility",	kw_syslog,	N(facility),	0, NONE },
	{ "priority",	kw_syslog,	N(priority),	0, NONE },
	{ "quiet",	parse_quiet,	0,		0, NONE },
	{ NULL, NULL, 0, 0, NONE }
};

/* The keywords of a notifier block of type t. */
static const struct keyword *
keywords(enum notifier_type t)
{
	switch (t) {
	case NOTIFIER_MAIL:	return mail_kws;
	case NOTIFIER_SYSLOG:	return syslog_kws;
	case NOTIFIER_WEBHOOK:	return webhook_kws;
	case NOTIFIER_EXEC:	return exec_kws;
	default:		return push_keywords(t);
	}
}

static void
unknown(struct parser *p, const char *kw, int line, void *obj)
{
	struct notifier	*n = obj;

	lex_error(p, line, "notifier %s \"%s\": unknown keyword \"%s\"",
	    notifier_type_name(n->type), n->name, kw);
}

static void
check_webhook(struct parser *p, struct notifier *n)
{
	char	 err[512];

	if (n->url == NULL)
		lex_error(p, n->line, "notifier webhook \"%s\": url is required",
		    n->name);
	if (n->header_file != NULL && values_secret_read(n->header_file,
	    &n->header_value, err, sizeof(err)) == -1)
		lex_error(p, n->line, "notifier webhook \"%s\": header file %s",
		    n->name, err);
}

/*
 * A mailbox of `to' or `from': its address must be printable ASCII (the
 * display name may be anything), of at most 254 octets (RFC 5321).
 */
static void
check_address(struct parser *p, const struct notifier *n, const char *kw,
    const char *mailbox)
{
	char		*a = mail_addr(mailbox);
	const char	*c;

	for (c = a; *c != '\0'; c++)
		if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
			break;
	if (*a == '\0' || *c != '\0' || strlen(a) > 254)
		lex_error(p, n->line, "notifier mail \"%s\": %s \"%s\": the address "
		    "must be 1 to 254 characters of printable ASCII (SMTPUTF8 "
		    "is not supported)", n->name, kw, a);
	free(a);
}

/* One transport, and only the options that go with it. */
static void
check_mail(struct parser *p, struct notifier *n)
{
	const char	*name = n->name;
	char		 err[512];
	size_t		 i;
	int		 transports;

	if (n->to.n == 0)
		lex_error(p, n->line, "notifier mail \"%s\": to is required", name);
	for (i = 0; i < n->to.n; i++)
		check_address(p, n, "to", n->to.v[i]);
	if (n->from != NULL)
		check_address(p, n, "from", n->from);
	transports = (n->smtp != NULL) + (n->mbox != NULL) +
	    (n->sendmail != NULL);
	if (transports == 0)
		lex_error(p, n->line, "notifier mail \"%s\": one of smtp, sendmail "
		    "or mbox is required", name);
	else if (transports > 1)
		lex_error(p, n->line, "notifier mail \"%s\": smtp, sendmail and "
		    "mbox exclude each other", name);
	if ((n->user != NULL) != (n->password_file != NULL))
		lex_error(p, n->line, "notifier mail \"%s\": user and "
		    "password-file go together", name);
	if (n->user != NULL && n->smtp == NULL)
		lex_error(p, n->line, "notifier mail \"%s\": user and "
		    "password-file need smtp", name);
	if ((n->starttls == STARTTLS_REQUIRED || n->ca_file != NULL) &&
	    n->smtp == NULL)
		lex_error(p, n->line, "notifier mail \"%s\": starttls and ca-file "
		    "need smtp", name);
	if (n->starttls == STARTTLS_REQUIRED && n->smtp != NULL &&
	    strncmp(n->smtp, "smtps://", 8) == 0)
		lex_error(p, n->line, "notifier mail \"%s\": starttls required "
		    "is for smtp://; smtps:// is always encrypted", name);
	if (n->password_file != NULL && n->user != NULL &&
	    values_secret_read(n->password_file, &n->password, err,
	    sizeof(err)) == -1)
		lex_error(p, n->line, "notifier mail \"%s\": password-file %s",
		    name, err);
}

/* notifier TYPE "NAME": a new notifier with its defaults, or NULL. */
static struct notifier *
notifier_new(struct parser *p, int line)
{
	struct notifier	*n, *o;
	char		*type, *name;
	int		 t, tline, nline;

	if ((type = read_value(p, "notifier", &tline)) == NULL)
		return NULL;
	if ((t = notifier_type_from_name(type)) == -1) {
		lex_error(p, tline, "notifier: unknown type \"%s\" (mail, syslog, "
		    "webhook, exec, telegram, discord, slack, ntfy, pushover, "
		    "gotify)", type);
		free(type);
		return NULL;
	}
	free(type);
	if ((name = read_value(p, "notifier name", &nline)) == NULL)
		return NULL;
	if (*name == '\0') {
		lex_error(p, nline, "notifier: empty name");
		free(name);
		return NULL;
	}
	if ((o = config_notifier(p->conf, name)) != NULL) {
		lex_error(p, nline, "notifier \"%s\": duplicate name (first at "
		    "%s:%d)", name, o->file, o->line);
		free(name);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->type = (enum notifier_type)t;
	n->name = name;
	n->file = p->lx->file;
	n->line = line;
	n->facility = log_facility("daemon");
	n->priority = log_priority("notice");
	n->retry = DEFAULT_RETRY;
	n->retry_for = DEFAULT_RETRY_FOR;
	n->exec_timeout = DEFAULT_EXEC_TIMEOUT;
	n->quiet_from = n->quiet_to = -1;
	return n;
}

int
parse_notifier(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct notifier	*n;

	if ((n = notifier_new(p, line)) == NULL)
		return -1;
	TAILQ_INSERT_TAIL(&p->conf->notifiers, n, entry);
	if (lex_open_block(p, "notifier") == -1)
		return -1;
	if (read_block(p, "notifier", line, keywords(n->type), n,
	    unknown) == -1)
		return 0;
	if (n->type == NOTIFIER_MAIL)
		check_mail(p, n);
	else if (n->type == NOTIFIER_WEBHOOK)
		check_webhook(p, n);
	else if (n->type == NOTIFIER_EXEC && n->command.n == 0)
		lex_error(p, line, "notifier exec \"%s\": command is required",
		    n->name);
	else if (NOTIFIER_IS_PUSH(n->type))
		parse_check_push(p, n);
	return 0;
}
