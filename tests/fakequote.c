/*
 * fakequote: a local stand-in for the quote APIs, for tests: the server,
 * its scenario and its faults here; Yahoo's chart and quote APIs, with
 * their cookie and crumb, in fakeyahoo.c; Stooq, Finnhub, Alpha Vantage
 * and Twelve Data in fakeapis.c, declared together in fakequote.h.
 *
 *   fakequote -s SCENARIO -p PORTFILE [-l REQUESTLOG] [-w HOOKLOG]
 *             [-P PORT] [-L MS[-MS]] [-D PERCENT] [-S SEED]
 *
 * Listens on 127.0.0.1 on a free port (or PORT), which it writes to
 * PORTFILE once it is ready, and speaks HTTP/1.1 with keep-alive.  -L
 * delays every answer by MS milliseconds (or by a uniformly random time
 * between the two), as a distant server would; -D drops that share of
 * the requests, closing the connection without an answer (seeded by -S).
 * The scenario file is read again whenever it changes, so a test can
 * move prices between polls; one line per symbol:
 *
 *   CALX price=45.12 prev=43.72 high=44.53 low=27.73 [time=EPOCH]
 *   GONE status=404                   the API's unknown-symbol answer
 *   BUSY status=429 [retry-after=120] throttled, plain-text body
 *   TRNC truncated                    a 200 answer cut in the middle
 *   JUNK malformed                    a 200 answer that is not JSON
 *   NULL nullprice                    regularMarketPrice: null
 *   OOPS status=500                   a server error
 *   SLOW delay=5 price=...            answer after 5 seconds
 *
 *   LIMT throttle                     the API's HTTP 200 throttle body
 *                                     (Stooq, Alpha Vantage, Twelve Data)
 *   CRUMB ...                         Yahoo's crumb (see fakeyahoo.c)
 *
 * A symbol not in the scenario gets the unknown-symbol answer.  Each
 * symbol asked is appended to REQUESTLOG as
 * "SYMBOL<TAB>User-Agent<TAB>API<TAB>key<TAB>N": the key as sent (or -),
 * and N the number of the HTTP request, shared by a batch's symbols.
 *
 * It is also a webhook receiver: POST (PUT, PATCH) /hook answers 200, or
 * the status of a scenario line "HOOK status=N", and each one is appended
 * to the file of -w as "Content-Type<TAB>X-Token<TAB>status<TAB>method
 * <TAB>body" (one line: the tests' bodies are one line).
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fakequote.h"

static const char	*scenario;
static const char	*reqlog;
static const char	*hooklog;
static int		 lat_lo, lat_hi;	/* -L, milliseconds */
static int		 drop_pct;		/* -D */
struct event_base	*base;
static TAILQ_HEAD(, pending) waiting = TAILQ_HEAD_INITIALIZER(waiting);

/*
 * The scenario, in memory: read again when the file changes (its inode,
 * size or modification time), its lines indexed by symbol so that a
 * watchlist of thousands is answered without reading it each time.
 */
static struct {
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	char		*text;
	char		**lines;	/* sorted by symbol, then position */
	size_t		 n;
} sc;

static int
by_symbol(const void *a, const void *b)
{
	const char	*x = *(char *const *)a, *y = *(char *const *)b;
	size_t		 xl = strcspn(x, " \t"), yl = strcspn(y, " \t");
	int		 c = strncasecmp(x, y, xl < yl ? xl : yl);

	if (c != 0)
		return c;
	if (xl != yl)
		return xl < yl ? -1 : 1;
	return x < y ? -1 : x > y;	/* the first of a symbol's lines wins */
}

static void
scenario_load(void)
{
	struct stat	 st;
	FILE		*f;
	char		*p, *nl;

	if (stat(scenario, &st) == -1) {
		sc.n = 0;
		return;
	}
	if (sc.text != NULL && st.st_ino == sc.ino && st.st_size == sc.size &&
	    st.st_mtim.tv_sec == sc.mtime.tv_sec &&
	    st.st_mtim.tv_nsec == sc.mtime.tv_nsec)
		return;
	free(sc.text);
	free(sc.lines);
	memset(&sc, 0, sizeof(sc));
	if ((f = fopen(scenario, "r")) == NULL)
		return;
	sc.text = calloc(1, (size_t)st.st_size + 1);
	sc.size = (off_t)fread(sc.text, 1, (size_t)st.st_size, f);
	fclose(f);
	sc.ino = st.st_ino;
	sc.size = st.st_size;
	sc.mtime = st.st_mtim;
	sc.lines = calloc((size_t)st.st_size / 2 + 1, sizeof(*sc.lines));
	for (p = sc.text; *p != '\0'; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = p + strlen(p);
		p += strspn(p, " \t\r");
		if (*p != '\0' && *p != '#')
			sc.lines[sc.n++] = p;
	}
	qsort(sc.lines, sc.n, sizeof(*sc.lines), by_symbol);
}

/* The scenario's line for symbol; NULL when it has none. */
static const char *
scenario_line(const char *symbol)
{
	size_t	 lo = 0, hi, mid, sl = strlen(symbol), ll;
	int	 c;

	scenario_load();
	hi = sc.n;
	while (lo < hi) {	/* the first line of symbol */
		mid = (lo + hi) / 2;
		ll = strcspn(sc.lines[mid], " \t\r");
		c = strncasecmp(sc.lines[mid], symbol, ll < sl ? ll : sl);
		if (c == 0 && ll != sl)
			c = ll < sl ? -1 : 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sc.n && strncasecmp(sc.lines[lo], symbol, sl) == 0 &&
	    strcspn(sc.lines[lo], " \t\r") == sl)
		return sc.lines[lo];
	return NULL;
}

int
find_line(const char *symbol, struct line *out)
{
	const char	*line;
	char		 buf[1024], *tok, *save, *eq;

	memset(out, 0, sizeof(*out));
	if ((line = scenario_line(symbol)) == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", line);
	tok = strtok_r(buf, " \t\r\n", &save);
	snprintf(out->symbol, sizeof(out->symbol), "%s", tok);
	out->status = 200;
	snprintf(out->price, sizeof(out->price), "null");
	snprintf(out->prev, sizeof(out->prev), "null");
	snprintf(out->high, sizeof(out->high), "null");
	snprintf(out->low, sizeof(out->low), "null");
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		if (!strcmp(tok, "price") && eq)
			snprintf(out->price, sizeof(out->price), "%s", eq);
		else if (!strcmp(tok, "prev") && eq)
			snprintf(out->prev, sizeof(out->prev), "%s", eq);
		else if (!strcmp(tok, "high") && eq)
			snprintf(out->high, sizeof(out->high), "%s", eq);
		else if (!strcmp(tok, "low") && eq)
			snprintf(out->low, sizeof(out->low), "%s", eq);
		else if (!strcmp(tok, "value") && eq)
			snprintf(out->value, sizeof(out->value), "%s", eq);
		else if (!strcmp(tok, "time") && eq)
			out->time = atol(eq);
		else if (!strcmp(tok, "status") && eq)
			out->status = atoi(eq);
		else if (!strcmp(tok, "retry-after") && eq)
			out->retry_after = atoi(eq);
		else if (!strcmp(tok, "delay") && eq)
			out->delay = atoi(eq);
		else if (!strcmp(tok, "truncated"))
			out->truncated = 1;
		else if (!strcmp(tok, "malformed"))
			out->malformed = 1;
		else if (!strcmp(tok, "nullprice"))
			out->nullprice = 1;
		else if (!strcmp(tok, "throttle"))
			out->throttle = 1;
	}
	return 1;
}

void
send_pending(struct pending *p)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(p->req);

	if (evhttp_find_header(h, "Content-Type") == NULL)
		evhttp_add_header(h, "Content-Type",
		    "application/json;charset=utf-8");
	evhttp_send_reply(p->req, p->status, p->status == 200 ? "OK" :
	    p->status == 404 ? "Not Found" : p->status == 429 ?
	    "Too Many Requests" : p->status == 401 ? "Unauthorized" :
	    "Error", p->body);
	evbuffer_free(p->body);
	if (p->ev != NULL)
		event_free(p->ev);
	free(p);
}

static void
delayed_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct pending	*p = arg;

	TAILQ_REMOVE(&waiting, p, entry);
	send_pending(p);
}

/*
 * Send p after `delay' seconds and the server's latency (-L); or, for
 * the share of -D, drop its connection instead, as a crashed server or a
 * broken network would.
 */
void
answer_later(struct pending *p, int delay)
{
	struct timeval	 tv;
	long		 ms = (long)delay * 1000 + lat_lo;

	if (drop_pct > 0 && random() % 100 < drop_pct) {
		evhttp_connection_free(evhttp_request_get_connection(p->req));
		evbuffer_free(p->body);
		free(p);
		return;
	}
	if (lat_hi > lat_lo)
		ms += random() % (lat_hi - lat_lo + 1);
	if (ms <= 0) {
		send_pending(p);
		return;
	}
	p->ev = evtimer_new(base, delayed_cb, p);
	TAILQ_INSERT_TAIL(&waiting, p, entry);
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(p->ev, &tv);
}

static unsigned	 nrequests;	/* HTTP requests answered so far */

/* One line per symbol asked: SYMBOL, User-Agent, API, key sent, and the
 * number of the request (several symbols may share one). */
void
log_request(const char *symbol, struct evhttp_request *req, const char *api,
    const char *key)
{
	const char	*ua = evhttp_find_header(
			    evhttp_request_get_input_headers(req),
			    "User-Agent");
	FILE		*f;

	if (reqlog == NULL || (f = fopen(reqlog, "a")) == NULL)
		return;
	fprintf(f, "%s\t%s\t%s\t%s\t%u\n", symbol, ua ? ua : "-", api,
	    key && *key ? key : "-", nrequests);
	fclose(f);
}

static void
hook(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evbuffer		*body = evhttp_request_get_input_buffer(req);
	const char		*ct = evhttp_find_header(in, "Content-Type");
	const char		*tok = evhttp_find_header(in, "X-Token");
	struct line		 l;
	size_t			 len = evbuffer_get_length(body);
	FILE			*f;
	int			 status = 200;
	const char		*method;

	switch (evhttp_request_get_command(req)) {
	case EVHTTP_REQ_PUT: method = "PUT"; break;
	case EVHTTP_REQ_PATCH: method = "PATCH"; break;
	default: method = "POST"; break;
	}

	if (find_line("HOOK", &l) && l.status != 0)
		status = l.status;
	if (hooklog != NULL && (f = fopen(hooklog, "a")) != NULL) {
		fprintf(f, "%s\t%s\t%d\t%s\t", ct ? ct : "-", tok ? tok : "-",
		    status, method);
		fwrite(evbuffer_pullup(body, -1), 1, len, f);
		fputc('\n', f);
		fclose(f);
	}
	evhttp_send_reply(req, status, status == 200 ? "OK" : "Error", NULL);
}

static void
request_cb(struct evhttp_request *req, void *arg)
{
	const char	*path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
			    req));

	if (path != NULL && strcmp(path, "/hook") == 0 &&
	    (evhttp_request_get_command(req) & (EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_PATCH)) != 0) {
		hook(req);
		return;
	}
	nrequests++;
	if (path == NULL || (!yahoo_api(req, path) && !other_api(req, path)))
		evhttp_send_error(req, 404, "Not Found");
}

static void
stop_cb(evutil_socket_t sig, short ev, void *arg)
{
	event_base_loopexit(base, NULL);
}

int
main(int argc, char *argv[])
{
	struct evhttp			*http;
	struct evhttp_bound_socket	*sock;
	struct sockaddr_storage		 ss;
	ev_socklen_t			 sslen = sizeof(ss);
	const char			*portfile = NULL;
	struct event			*sigterm, *sigint;
	struct pending			*p;
	FILE				*f;
	char				 tmp[4096], *dash;
	int				 ch, port, fixed = 0;
	unsigned			 seed = 1;

	while ((ch = getopt(argc, argv, "s:p:l:w:P:L:D:S:")) != -1) {
		switch (ch) {
		case 's': scenario = optarg; break;
		case 'p': portfile = optarg; break;
		case 'l': reqlog = optarg; break;
		case 'w': hooklog = optarg; break;
		case 'P': fixed = atoi(optarg); break;
		case 'L':
			lat_lo = lat_hi = atoi(optarg);
			if ((dash = strchr(optarg, '-')) != NULL)
				lat_hi = atoi(dash + 1);
			break;
		case 'D': drop_pct = atoi(optarg); break;
		case 'S': seed = (unsigned)strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: fakequote -s scenario -p portfile "
			    "[-l requestlog] [-w hooklog] [-P port] [-L ms[-ms]] "
			    "[-D percent] [-S seed]\n");
			return 1;
		}
	}
	if (scenario == NULL || portfile == NULL) {
		fprintf(stderr, "fakequote: -s and -p are required\n");
		return 1;
	}
	srandom(seed);
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_gencb(http, request_cb, NULL);
	if ((sock = evhttp_bind_socket_with_handle(http, "127.0.0.1",
	    (ev_uint16_t)fixed))
	    == NULL) {
		fprintf(stderr, "fakequote: cannot bind 127.0.0.1\n");
		return 1;
	}
	getsockname(evhttp_bound_socket_get_fd(sock), (struct sockaddr *)&ss,
	    &sslen);
	port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "fakequote: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fprintf(f, "%d\n", port);
	fclose(f);
	rename(tmp, portfile);		/* the port file appears complete */
	sigterm = evsignal_new(base, SIGTERM, stop_cb, NULL);
	sigint = evsignal_new(base, SIGINT, stop_cb, NULL);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(base);
	while ((p = TAILQ_FIRST(&waiting)) != NULL) {	/* never answered */
		TAILQ_REMOVE(&waiting, p, entry);
		event_free(p->ev);
		evbuffer_free(p->body);
		free(p);
	}
	event_free(sigterm);
	event_free(sigint);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
