/*
 * tickerctl: ask a running tickerd through its control socket.
 *
 *   tickerctl [-j] [-s socket] status | quotes | alerts | history [N] |
 *       reload | test NOTIFIER | review [SYMBOL] [--since DATE]
 *
 * One request per connection; the daemon answers with one JSON object,
 * printed as it is with -j (--json), else as text.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/lib.h"
#include "ctl/ctl.h"

#define TIMEOUT_MS	60000	/* a test mail may take a while */
#define BAR		16

/* The usage: on stdout and 0 when asked for (--help), else stderr, 1. */
static void
usage_to(FILE *f, int rc)
{
	fprintf(f, "usage: tickerctl [-hjV] [-s socket] command [arg]\n"
	    "       -j, --json      the daemon's answer, as JSON\n"
	    "       -s, --socket    its control socket\n"
	    "       -V              the version\n"
	    "       -h, --help      this\n"
	    "commands: status, quotes, alerts, history [N], reload, "
	    "test NOTIFIER,\n    review [SYMBOL] [--since YYYY-MM-DD], "
	    "filings [SYMBOL]\n");
	exit(rc);
}

static void
usage(void)
{
	usage_to(stderr, 1);
}

/* Send the request, read the answer (caller frees). */
static char *
ask(const char *path, const char *req)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	char			*out = NULL, buf[4096];
	size_t			 len = 0;
	ssize_t			 n;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "tickerctl: %s: path too long\n", path);
		exit(2);
	}
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		fprintf(stderr, "tickerctl: socket: %s\n", strerror(errno));
		exit(2);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "tickerctl: tickerd is not running "
			    "(nothing answers on %s)\n", path);
		else if (errno == EACCES || errno == EPERM)
			fprintf(stderr, "tickerctl: %s: permission denied "
			    "(run tickerctl as root or as tickerd's user or "
			    "group)\n", path);
		else
			fprintf(stderr, "tickerctl: %s: %s\n", path,
			    strerror(errno));
		exit(2);
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		fprintf(stderr, "tickerctl: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
			fprintf(stderr, "tickerctl: no answer from tickerd "
			    "within %ds\n", TIMEOUT_MS / 1000);
			exit(2);
		}
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			break;
		if ((out = realloc(out, len + (size_t)n + 1)) == NULL) {
			fprintf(stderr, "tickerctl: out of memory\n");
			exit(2);
		}
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
		out[len] = '\0';
	}
	close(fd);
	if (out == NULL) {
		fprintf(stderr, "tickerctl: tickerd closed the connection "
		    "without an answer\n");
		exit(2);
	}
	return out;
}

/* A price for a table: as every message writes it, "-" when unknown. */
static void
price(double v, char *out, size_t len)
{
	if (isfinite(v))
		fmt_price(v, out, len);
	else
		snprintf(out, len, "-");
}

/* A time with its zone: "2026-03-02 14:40 EST". */
static void
when(json_int_t t, char *out, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t <= 0) {
		snprintf(out, len, "-");
		return;
	}
	localtime_r(&tt, &tm);
	strftime(out, len, "%Y-%m-%d %H:%M %Z", &tm);
}

/* [-----|------------------] the price's place in the 52-week range */
static void
bar(double p, double lo, double hi, char *out)
{
	int	 i, at;

	if (!isfinite(p) || !isfinite(lo) || !isfinite(hi) || hi <= lo) {
		snprintf(out, BAR + 3, "%*s", BAR + 2, "");
		return;
	}
	at = (int)lround((p - lo) / (hi - lo) * (BAR - 1));
	if (at < 0)
		at = 0;
	if (at > BAR - 1)
		at = BAR - 1;
	out[0] = '[';
	for (i = 0; i < BAR; i++)
		out[i + 1] = i == at ? '|' : '-';
	out[BAR + 1] = ']';
	out[BAR + 2] = '\0';
}

/* One line a stream: its state, symbols, traffic, and last word. */
static void
print_streams(json_t *a)
{
	json_t	*s;
	size_t	 i;
	char	 age[32];

	json_array_foreach(a, i, s) {
		if (json_object_get(s, "last_message_age") != NULL)
			snprintf(age, sizeof(age), "%llds ago",
			    jint(s, "last_message_age"));
		else
			snprintf(age, sizeof(age), "never");
		printf("stream         %s %s, %lld symbols, %lld messages "
		    "(%lld trades, %lld malformed), last %s%s%s\n",
		    jstr(s, "provider"), jstr(s, "state"), jint(s, "symbols"),
		    jint(s, "messages"), jint(s, "trades"),
		    jint(s, "malformed"), age, *jstr(s, "error") ? ": " : "",
		    jstr(s, "error"));
	}
}

static void
print_status(json_t *j, const char *arg)
{
	char	 t[64];
	size_t	 i;
	json_t	*u = json_object_get(j, "unknown");

	printf("tickerd %s, pid %lld, up %llds\n", jstr(j, "version"),
	    jint(j, "pid"),
	    jint(j, "uptime"));
	printf("configuration  %s\n", jstr(j, "config"));
	printf("provider       %s, poll every %llds\n", jstr(j, "provider"),
	    jint(j, "poll"));
	printf("watching       %lld symbols, %lld rules\n",
	    jint(j, "symbols"),
	    jint(j, "rules"));
	printf("alerts         %lld since start\n",
	    jint(j, "alerts"));
	printf("outbox         %lld message(s) waiting\n",
	    jint(j, "waiting"));
	printf("state          %s\n", *jstr(j, "state_dir") ?
	    jstr(j, "state_dir") : "in memory");
	when(jint(j, "last_reload"), t,
	    sizeof(t));
	printf("reloads        %lld (last %s)\n",
	    jint(j, "reloads"), t);
	if (*jstr(j, "reload_error"))
		printf("reload error   %s\n", jstr(j, "reload_error"));
	if (*jstr(j, "state_problem"))
		printf("state problem  %s (alerts wait)\n",
		    jstr(j, "state_problem"));
	for (i = 0; i < json_array_size(u); i++)
		printf("unknown symbol %s\n", json_string_value(
		    json_array_get(u, i)));
	u = json_object_get(j, "broken");
	for (i = 0; i < json_array_size(u); i++)
		printf("notifier       %s %s: %s\n", jstr(json_array_get(u, i),
		    "type"), jstr(json_array_get(u, i), "notifier"),
		    jstr(json_array_get(u, i), "error"));
	u = json_object_get(j, "problems");
	for (i = 0; i < json_array_size(u); i++)
		printf("problem        %s\n", jstr(json_array_get(u, i),
		    "text"));
	print_streams(json_object_get(j, "streams"));
}

/* The columns of tickerctl quotes, the least needed dropped first. */
static void
quote_cols(struct table *t)
{
	table_col(t, "SYMBOL", 0, 0, 0);
	table_col(t, "MARKET", 0, 5, 0);
	table_col(t, "PRICE", TABLE_RIGHT, 0, 0);
	table_col(t, "CHANGE", TABLE_RIGHT, 0, 0);
	table_col(t, "52W LOW", TABLE_RIGHT, 2, 0);
	table_col(t, "52-WEEK RANGE", 0, 6, 0);
	table_col(t, "52W HIGH", 0, 3, 0);	/* beside its bar */
	table_col(t, "QUOTE TIME", 0, 1, 0);
	table_col(t, "FEED", 0, 4, 0);
	table_col(t, "AGE", TABLE_RIGHT, 7, 0);
	table_col(t, "NOTE", TABLE_SHRINK, 0, 12);
}

/* A price outside the regular session, as a row under its symbol's. */
static void
extended_row(struct table *t, json_t *x, const char *currency)
{
	char	 p[48], chg[16] = "", at[64];
	double	 c;

	price(jget(x, "price"), p, sizeof(p));
	if (*currency)
		snprintf(p + strlen(p), sizeof(p) - strlen(p), " %s", currency);
	if (isfinite(c = jget(x, "change_pct")))
		snprintf(chg, sizeof(chg), "%+.2f%%", c);
	when(jint(x, "time"), at, sizeof(at));
	table_cell(t, "%s", "");
	table_cell(t, "%s", jstr(x, "session"));
	table_cell(t, "%s", p);
	table_cell(t, "%s", chg);
	table_cell(t, "%s", "");
	table_cell(t, "%s", "");
	table_cell(t, "%s", "");
	table_cell(t, "%s", at);
	table_cell(t, "%s", "");
	table_cell(t, "%s", "");
	table_cell(t, "%s", "not judged unless `session extended'");
}

static void
quote_row(struct table *t, json_t *q)
{
	char	 p[48], lo[32], hi[32], chg[16] = "-", b[BAR + 3], at[64];
	char	 age[32] = "-", feed[48] = "polled";
	double	 c;

	price(jget(q, "price"), p, sizeof(p));
	if (*jstr(q, "currency") && json_object_get(q, "price"))
		snprintf(p + strlen(p), sizeof(p) - strlen(p), " %s",
		    jstr(q, "currency"));
	price(jget(q, "low52"), lo, sizeof(lo));
	price(jget(q, "high52"), hi, sizeof(hi));
	if (isfinite(c = jget(q, "change_pct")))
		snprintf(chg, sizeof(chg), "%+.2f%%", c);
	bar(jget(q, "price"), jget(q, "low52"), jget(q, "high52"), b);
	when(jint(q, "time"), at, sizeof(at));
	if (strcmp(jstr(q, "feed"), "poll") != 0 && *jstr(q, "feed"))
		snprintf(feed, sizeof(feed), "stream %s", jstr(q, "feed"));
	if (json_object_get(q, "age") != NULL)
		fmt_age(jint(q, "age"), age, sizeof(age));
	table_cell(t, "%s", jstr(q, "symbol"));
	table_cell(t, "%s%s%s", *jstr(q, "exchange") ? jstr(q, "exchange") :
	    "-", json_object_get(q, "open") == NULL ? "" : " ",
	    json_object_get(q, "open") == NULL ? "" :
	    json_is_true(json_object_get(q, "open")) ? "open" : "closed");
	table_cell(t, "%s", p);
	table_cell(t, "%s", chg);
	table_cell(t, "%s", lo);
	table_cell(t, "%s", b);
	table_cell(t, "%s", hi);
	table_cell(t, "%s", at);
	table_cell(t, "%s", feed);
	table_cell(t, "%s", age);
	table_cell(t, "%s", *jstr(q, "problem") ? jstr(q, "problem") :
	    json_object_get(q, "price") == NULL ? "no quote yet" :
	    jstr(q, "note"));
}

/* tickerctl quotes: a row a symbol, fitted to the terminal's width. */
static void
print_quotes(json_t *j, const char *arg)
{
	json_t		*a = json_object_get(j, "quotes"), *q;
	struct table	 t;
	size_t		 i;

	memset(&t, 0, sizeof(t));
	quote_cols(&t);
	json_array_foreach(a, i, q) {
		quote_row(&t, q);
		if (json_object_get(q, "extended") != NULL)
			extended_row(&t, json_object_get(q, "extended"),
			    jstr(q, "currency"));
	}
	table_print(&t, table_width());
}

static void
print_alerts(json_t *j, const char *arg)
{
	json_t		*a = json_object_get(j, "rules"), *r;
	struct table	 t;
	char		 last[64];
	size_t		 i;

	memset(&t, 0, sizeof(t));
	table_col(&t, "SYMBOL", 0, 0, 0);
	table_col(&t, "RULE", TABLE_SHRINK, 0, 16);
	table_col(&t, "STATE", 0, 0, 0);
	table_col(&t, "FIRED", TABLE_RIGHT, 0, 0);
	table_col(&t, "LAST", 0, 1, 0);
	table_col(&t, "NOW", TABLE_SHRINK, 0, 10);
	json_array_foreach(a, i, r) {
		when(jint(r, "last_fired"), last, sizeof(last));
		table_cell(&t, "%s", jstr(r, "symbol"));
		table_cell(&t, "%s", jstr(r, "rule"));
		table_cell(&t, "%s", jstr(r, "state"));
		table_cell(&t, "%lld", jint(r, "count"));
		table_cell(&t, "%s", last);
		table_cell(&t, "%s", jstr(r, "value"));
	}
	table_print(&t, table_width());
}

static void
print_history(json_t *j, const char *arg)
{
	json_t		*a = json_object_get(j, "history"), *h;
	struct table	 t;
	char		 at[64];
	size_t		 i;

	memset(&t, 0, sizeof(t));
	table_col(&t, "TIME", 0, 0, 0);
	table_col(&t, "ALERT", TABLE_SHRINK, 0, 20);
	json_array_foreach(a, i, h) {
		when(jint(h, "time"), at, sizeof(at));
		table_cell(&t, "%s", at);
		table_cell(&t, "%s", jstr(h, "message"));
	}
	table_print(&t, table_width());
}

/* tickerctl filings: each filing seen, newest first, and what it fired. */
static void
print_filings(json_t *j, const char *arg)
{
	json_t		*a = json_object_get(j, "filings"), *f;
	const char	*items;
	size_t		 i;

	if (json_array_size(a) == 0) {
		printf("no filings seen%s%s (rules on filings: see FILINGS in "
		    "tickerd.conf(5))\n", arg ? " of " : "", arg ? arg : "");
		return;
	}
	printf("%-8s %-10s %-8s %-20s %s\n", "SYMBOL", "FILED", "FORM",
	    "ACCESSION", "ITEMS / FIRED");
	json_array_foreach(a, i, f) {
		items = jstr(f, "items");
		printf("%-8s %-10s %-8s %-20s %s%s%s\n", jstr(f, "symbol"),
		    jstr(f, "date"), jstr(f, "form"), jstr(f, "accession"),
		    items, *items && *jstr(f, "fired") ? " / " : "",
		    *jstr(f, "fired") ? jstr(f, "fired") : "");
		printf("         %s\n", jstr(f, "link"));
	}
}

static void
print_reload(json_t *j, const char *arg)
{
	printf("reloaded\n");
}

static void
print_test(json_t *j, const char *arg)
{
	printf("test message delivered through \"%s\"\n", arg);
}

/* The commands: the arguments each takes, and how its answer reads. */
static const struct command {
	const char	*name;
	int		 min, max;	/* arguments */
	void		(*print)(json_t *, const char *);
} commands[] = {
	{ "status",	0, 0, print_status },
	{ "quotes",	0, 0, print_quotes },
	{ "alerts",	0, 0, print_alerts },
	{ "history",	0, 1, print_history },
	{ "reload",	0, 0, print_reload },
	{ "test",	1, 1, print_test },
	{ "review",	0, 1, NULL },
	{ "filings",	0, 1, print_filings },
};

/* The request line for the command in argv; exits on a usage error. */
static const struct command *
request(int argc, char *argv[], char *req, size_t len)
{
	const struct command	*c;
	size_t			 i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		fprintf(stderr, "tickerctl: unknown command \"%s\"\n", argv[0]);
		usage();
	}
	c = &commands[i];
	if (argc - 1 < c->min || argc - 1 > c->max || (argc == 2 &&
	    (strchr(argv[1], '\n') != NULL || strlen(argv[1]) > 500)))
		usage();
	if (strcmp(c->name, "history") == 0 && argc == 1)
		snprintf(req, len, "history 20\n");
	else
		snprintf(req, len, "%s%s%s\n", c->name, argc == 2 ? " " : "",
		    argc == 2 ? argv[1] : "");
	return c;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "since", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*since = NULL;
	const struct command	*c;
	const char		*path = NULL;
	char			 req[1024], *answer;
	json_t			*j;
	json_error_t		 err;
	int			 ch, json = 0;

	while ((ch = getopt_long(argc, argv, "hjs:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			path = optarg;
			break;
		case 'V':
			printf("tickerctl %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage_to(stdout, 0);
			break;
		case 'S':
			since = optarg;
			if (strlen(since) != 10 || since[4] != '-' ||
			    since[7] != '-') {
				fprintf(stderr, "tickerctl: --since %s: "
				    "expected a date, 2026-03-02\n", since);
				return 1;
			}
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	c = request(argc, argv, req, sizeof(req));
	answer = ask(path ? path : ctlpath_default(), req);
	if ((j = json_loads(answer, 0, &err)) == NULL || !json_is_object(j)) {
		fprintf(stderr, "tickerctl: a garbled answer from tickerd: "
		    "%s\n", err.text);
		return 2;
	}
	if (json && c->print != NULL)
		fputs(answer, stdout);
	free(answer);
	if (!json_is_true(json_object_get(j, "ok"))) {
		fprintf(stderr, "tickerctl: %s: %s\n", c->name,
		    jstr(j, "error"));
		json_decref(j);
		return 1;
	}
	if (c->print == NULL)		/* review: its own JSON */
		ctl_review_print(j, argc == 2 ? argv[1] : NULL, since, json);
	else if (!json)
		c->print(j, argc == 2 ? argv[1] : NULL);
	json_decref(j);
	return 0;
}
