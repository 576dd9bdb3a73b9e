/*
 * The statements of tickerd's own health (tickerd.conf(5), PROBLEMS):
 *
 *   problems "name" [, "name" ...] | problems none
 *   problem-after DURATION
 *   heartbeat "URL" every DURATION [fail "URL"]
 *   metrics "HOST:PORT" | metrics "/path/to/socket"
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "config/conf.h"
#include "config/parser.h"

/* problems "a", "b", or problems none */
int
parse_problems(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct config	*conf = p->conf;
	int		 lines[64];
	size_t		 i;

	if (conf->problems_set) {
		lex_error(p, line, "problems: already set");
		return -1;
	}
	conf->problems_set = 1;
	if (lex_peek_word(p, "none")) {
		lex_drop(p);
		conf->problems_none = 1;
		return 0;
	}
	if (read_list(p, "problems", &conf->problems, lines, 64) == -1)
		return -1;
	for (i = 0; i < conf->problems.n; i++)
		lex_add_ref(p, conf->problems.v[i], i < 64 ? lines[i] : line);
	return 0;
}

/* An http:// or https:// URL, or NULL (said). */
static char *
read_http_url(struct parser *p, const char *kw, int line)
{
	char	*s;

	if ((s = read_string(p, kw)) == NULL)
		return NULL;
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) {
		lex_error(p, line, "%s: \"%s\" is not an http:// or https:// "
		    "URL", kw, s);
		free(s);
		return NULL;
	}
	return s;
}

/* heartbeat "URL" every DURATION [fail "URL"] */
int
parse_heartbeat(struct parser *p, const struct keyword *k, void *obj, int line)
{
	struct config	*conf = p->conf;
	char		*url, *fail = NULL;
	time_t		 every;

	if ((url = read_http_url(p, "heartbeat", line)) == NULL)
		return -1;
	if (!lex_peek_word(p, "every")) {
		lex_error(p, line, "heartbeat: expected \"every DURATION\" "
		    "after the URL (heartbeat \"%s\" every 5m)", url);
		free(url);
		return -1;
	}
	lex_drop(p);
	if (read_duration(p, "heartbeat every", 1, &every) == -1) {
		free(url);
		return -1;
	}
	if (lex_peek_word(p, "fail")) {
		lex_drop(p);
		if ((fail = read_http_url(p, "heartbeat fail", line)) == NULL) {
			free(url);
			return -1;
		}
	}
	free(conf->heartbeat);
	free(conf->heartbeat_fail);
	conf->heartbeat = url;
	conf->heartbeat_fail = fail;
	conf->heartbeat_every = every;
	return 0;
}

/* metrics "127.0.0.1:9464", "[::1]:9464" or "/run/tickerd/metrics.sock" */
/* HOST:PORT or a socket path, for kw (metrics, dashboard), into *out. */
static int
read_listen(struct parser *p, const char *kw, int line, char **out)
{
	char	*s, *colon;
	long	 port;

	if ((s = read_string(p, kw)) == NULL)
		return -1;
	if (s[0] == '/' || s[0] == '.') {
		free(*out);
		*out = lex_relpath(p, s);
		free(s);
		if (strlen(*out) >= 100) {
			lex_error(p, line, "%s: path too long for a socket "
			    "(at most 99 bytes)", kw);
			return -1;
		}
		return 0;
	}
	colon = strrchr(s, ':');
	port = colon != NULL ? strtol(colon + 1, NULL, 10) : 0;
	if (colon == NULL || colon == s || port < 1 || port > 65535 ||
	    colon[1 + strspn(colon + 1, "0123456789")] != '\0') {
		lex_error(p, line, "%s: \"%s\" is not HOST:PORT "
		    "(\"127.0.0.1:9464\") or a socket path", kw, s);
		free(s);
		return -1;
	}
	free(*out);
	*out = s;
	return 0;
}

int
parse_metrics(struct parser *p, const struct keyword *k, void *obj, int line)
{
	return read_listen(p, "metrics", line, &p->conf->metrics);
}

/* Whether an address of read_listen() is this host's alone. */
int
parse_loopback(const char *where)
{
	size_t	 n = strrchr(where, ':') != NULL ? (size_t)(strrchr(where, ':') -
		    where) : strlen(where);

	if (where[0] == '/')
		return 1;
	return (n >= 4 && strncmp(where, "127.", 4) == 0) ||
	    (n == 5 && strncmp(where, "[::1]", 5) == 0) ||
	    (n == 9 && strncmp(where, "localhost", 9) == 0);
}

/*
 * dashboard "127.0.0.1:8080" [{ token-file "PATH" }]: read-only pages.
 * Any address but this host's own needs a token.
 */
int
parse_dashboard(struct parser *p, const struct keyword *k, void *obj,
    int line)
{
	struct config	*conf = p->conf;
	char		 err[512];
	int		 vline;

	if (read_listen(p, "dashboard", line, &conf->dashboard) == -1)
		return -1;
	if (lex_peek_word(p, "token-file")) {
		lex_drop(p);
		free(conf->dashboard_token_file);
		if ((conf->dashboard_token_file = read_string(p,
		    "token-file")) == NULL)
			return -1;
		vline = line;
		if (values_secret_read(conf->dashboard_token_file,
		    &conf->dashboard_token, err, sizeof(err)) == -1) {
			lex_error(p, vline, "dashboard: token-file %s", err);
			return -1;
		}
	}
	if (!parse_loopback(conf->dashboard) && conf->dashboard_token == NULL) {
		lex_error(p, line, "dashboard: %s is not this host's own address: "
		    "a token-file is required (dashboard \"%s\" token-file "
		    "\"/etc/tickerd/dashboard.token\")", conf->dashboard,
		    conf->dashboard);
		return -1;
	}
	return 0;
}
