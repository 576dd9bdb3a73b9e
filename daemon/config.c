/*
 * Configuration values: number, duration and percentage syntax, lookups,
 * secret files, and freeing.  The grammar itself is in parse.c.
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

#include "tickerd.h"

/*
 * A duration is a whole number followed by one unit: s, m, h or d.
 * Returns 0 and the number of seconds, or -1.
 */
int
parse_duration(const char *s, time_t *out)
{
	unsigned long long	 n = 0, mult;
	const char		*p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > 100000000ULL)
			return -1;
		p++;
	}
	switch (*p) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	default: return -1;
	}
	if (p[1] != '\0')
		return -1;
	*out = (time_t)(n * mult);
	return 0;
}

/* A plain decimal: digits, at most one point, no sign, no exponent. */
static int
parse_decimal(const char *s, size_t len, double *out)
{
	char	 tmp[64];
	size_t	 i, digits = 0, points = 0;
	char	*end;
	double	 v;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (s[i] == '.')
			points++;
		else
			return -1;
	}
	if (digits == 0 || points > 1)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtod(tmp, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* A price: a decimal greater than zero. */
int
parse_price(const char *s, double *out)
{
	double	 v;

	if (parse_decimal(s, strlen(s), &v) == -1 || v <= 0)
		return -1;
	*out = v;
	return 0;
}

/* A percentage: a decimal followed by '%'; returns the number (5 for 5%). */
int
parse_percent(const char *s, double *out)
{
	size_t	 len = strlen(s);

	if (len < 2 || s[len - 1] != '%')
		return -1;
	return parse_decimal(s, len - 1, out);
}

/*
 * Ticker symbols: letters, digits and . - ^ = (BRK-B, BRK.B, ^GSPC,
 * EURUSD=X), at most SYMBOL_MAX characters, starting with a letter,
 * digit or caret.
 */
int
symbol_valid(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > SYMBOL_MAX)
		return 0;
	if (!isalnum((unsigned char)s[0]) && s[0] != '^')
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != '^' && c != '=')
			return 0;
	}
	return 1;
}

/*
 * Read a secret (password, API key) from a file.  The file must not be
 * readable or writable by others.  The secret is the first line, without
 * its line ending.  On error, writes a message that names the file but
 * never its contents, and returns -1.
 */
int
secret_file_read(const char *path, char **out, char *err, size_t errlen)
{
	struct stat	 st;
	char		 buf[4096];
	ssize_t		 n;
	size_t		 len;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		snprintf(err, errlen, "%s: secret file is accessible by others "
		    "(mode %04o); run chmod o-rw on it", path,
		    (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0 || memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: empty secret file", path);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return 0;
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

double
watch_hysteresis(const struct config *conf, const struct watch *w)
{
	return w->hysteresis >= 0 ? w->hysteresis : conf->hysteresis;
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

static void
rule_free(struct rule *r)
{
	free(r->text);
	free(r->id);
	free(r->valtext);
	free(r);
}

void
config_free(struct config *conf)
{
	struct providerconf	*pc;
	struct notifier		*n;
	struct watch		*w;
	struct rule		*r;

	if (conf == NULL)
		return;
	while ((pc = TAILQ_FIRST(&conf->providers)) != NULL) {
		TAILQ_REMOVE(&conf->providers, pc, entry);
		free(pc->name);
		free(pc->url);
		free(pc->key_file);
		if (pc->key != NULL) {
			explicit_bzero(pc->key, strlen(pc->key));
			free(pc->key);
		}
		free(pc->fallback);
		while (pc->nmaps > 0) {
			pc->nmaps--;
			free(pc->maps[pc->nmaps].from);
			free(pc->maps[pc->nmaps].to);
		}
		free(pc->maps);
		free(pc->replay_file);
		free(pc);
	}
	while ((n = TAILQ_FIRST(&conf->notifiers)) != NULL) {
		TAILQ_REMOVE(&conf->notifiers, n, entry);
		free(n->name);
		strlist_free(&n->to);
		free(n->from);
		free(n->smtp);
		free(n->user);
		free(n->password_file);
		if (n->password != NULL) {
			explicit_bzero(n->password, strlen(n->password));
			free(n->password);
		}
		free(n->mbox);
		free(n->sendmail);
		free(n->ca_file);
		free(n->url);
		free(n->header_name);
		free(n->header_file);
		if (n->header_value != NULL) {
			explicit_bzero(n->header_value,
			    strlen(n->header_value));
			free(n->header_value);
		}
		free(n);
	}
	while ((w = TAILQ_FIRST(&conf->watches)) != NULL) {
		TAILQ_REMOVE(&conf->watches, w, entry);
		while ((r = TAILQ_FIRST(&w->rules)) != NULL) {
			TAILQ_REMOVE(&w->rules, r, entry);
			rule_free(r);
		}
		free(w->symbol);
		free(w->note);
		strlist_free(&w->notify);
		free(w);
	}
	strlist_free(&conf->default_notify);
	strlist_free(&conf->files);
	free(conf->state_dir);
	free(conf->control);
	free(conf->path);
	free(conf);
}

static struct watch *
watch_find(const struct config *conf, const char *symbol)
{
	struct watch	*w;

	TAILQ_FOREACH(w, &conf->watches, entry)
		if (strcmp(w->symbol, symbol) == 0)
			return w;
	return NULL;
}

/*
 * A reload: what the running configuration learnt goes over to the new
 * one.  A symbol keeps its 52-week reference and newest quote time; a rule
 * keeps its state when its identity (its text, `once' included) is the
 * same, so only edited rules start afresh.  Returns the rules kept.
 */
size_t
config_carry(struct config *new, const struct config *old)
{
	struct watch	*w, *o;
	struct rule	*r, *or;
	size_t		 kept = 0;

	TAILQ_FOREACH(w, &new->watches, entry) {
		if ((o = watch_find(old, w->symbol)) == NULL)
			continue;
		w->ref = o->ref;
		w->last_time = o->last_time;
		w->stale_logged = o->stale_logged;
		w->last = o->last;
		w->last_seen = o->last_seen;
		tk_strlcpy(w->problem, o->problem, sizeof(w->problem));
		TAILQ_FOREACH(r, &w->rules, entry)
			TAILQ_FOREACH(or, &o->rules, entry)
				if (strcmp(r->id, or->id) == 0) {
					r->state = or->state;
					r->first_fired = or->first_fired;
					r->last_fired = or->last_fired;
					kept++;
					break;
				}
	}
	return kept;
}
