/*
 * fakequote: a local stand-in for the quote APIs, for tests: Yahoo's
 * chart API here, Stooq, Finnhub, Alpha Vantage and Twelve Data in
 * fakeapis.c, declared together in fakequote.h.
 *
 *   fakequote -s SCENARIO -p PORTFILE [-l REQUESTLOG] [-w HOOKLOG] [-P PORT]
 *
 * Listens on 127.0.0.1 on a free port (or PORT), which it writes to
 * PORTFILE once it is ready.  Answers GET /v8/finance/chart/SYMBOL with the real payload
 * shapes of that API.  The scenario file is read again on every request,
 * so a test can move prices between polls; one line per symbol:
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
 *
 * A symbol not in the scenario gets the unknown-symbol answer.  Each
 * symbol asked is appended to REQUESTLOG as
 * "SYMBOL<TAB>User-Agent<TAB>API<TAB>key<TAB>N": the key as sent (or -),
 * and N the number of the HTTP request, shared by a batch's symbols.
 *
 * It is also a webhook receiver: POST /hook answers 200, or the status of
 * a scenario line "HOOK status=N", and each POST is appended to the file
 * of -w as "Content-Type<TAB>X-Token<TAB>body" (one line; bodies are
 * one-line JSON).
 */
#include "config.h"

#include <sys/socket.h>
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
struct event_base	*base;


int
find_line(const char *symbol, struct line *out)
{
	FILE	*f;
	char	 buf[1024], *tok, *save, *eq;
	int	 found = 0;

	memset(out, 0, sizeof(*out));
	if ((f = fopen(scenario, "r")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof(buf), f) != NULL) {
		tok = strtok_r(buf, " \t\r\n", &save);
		if (tok == NULL || tok[0] == '#' || strcasecmp(tok, symbol))
			continue;
		found = 1;
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
	}
	fclose(f);
	return found;
}

static void
not_found(struct evbuffer *b)
{
	evbuffer_add_printf(b, "{\"chart\":{\"result\":null,\"error\":{"
	    "\"code\":\"Not Found\",\"description\":\"No data found, symbol "
	    "may be delisted\"}}}");
}

static void
chart(struct evbuffer *b, const struct line *l)
{
	long	 t = l->time ? l->time : (long)time(NULL);

	evbuffer_add_printf(b,
	    "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\","
	    "\"symbol\":\"%s\",\"exchangeName\":\"NMS\",\"fullExchangeName\":"
	    "\"NasdaqGS\",\"instrumentType\":\"EQUITY\",\"firstTradeDate\":"
	    "1268926200,\"regularMarketTime\":%ld,\"hasPrePostMarketData\":"
	    "true,\"gmtoffset\":-18000,\"timezone\":\"EST\","
	    "\"exchangeTimezoneName\":\"America/New_York\","
	    "\"regularMarketPrice\":%s,\"fiftyTwoWeekHigh\":%s,"
	    "\"fiftyTwoWeekLow\":%s,\"regularMarketDayHigh\":%s,"
	    "\"regularMarketDayLow\":%s,\"regularMarketVolume\":812000,"
	    "\"longName\":\"Test Corp\",\"shortName\":\"Test\","
	    "\"chartPreviousClose\":%s,\"previousClose\":%s,\"scale\":3,"
	    "\"priceHint\":2,\"currentTradingPeriod\":{\"pre\":{\"timezone\":"
	    "\"EST\",\"start\":%ld,\"end\":%ld,\"gmtoffset\":-18000},"
	    "\"regular\":{\"timezone\":\"EST\",\"start\":%ld,\"end\":%ld,"
	    "\"gmtoffset\":-18000},\"post\":{\"timezone\":\"EST\",\"start\":"
	    "%ld,\"end\":%ld,\"gmtoffset\":-18000}},\"dataGranularity\":"
	    "\"1d\",\"range\":\"1d\",\"validRanges\":[\"1d\",\"5d\",\"1mo\","
	    "\"3mo\",\"6mo\",\"1y\",\"2y\",\"5y\",\"10y\",\"ytd\",\"max\"]},"
	    "\"timestamp\":[%ld],\"indicators\":{\"quote\":[{\"open\":[%s],"
	    "\"close\":[%s],\"high\":[%s],\"low\":[%s],\"volume\":[812000]}],"
	    "\"adjclose\":[{\"adjclose\":[%s]}]}}],\"error\":null}}",
	    l->symbol, t, l->nullprice ? "null" : l->price, l->high, l->low,
	    l->price, l->price, l->prev, l->prev,
	    t - 19800, t - 300, t - 300, t + 23400, t + 23400, t + 37800,
	    t, l->prev, l->price, l->price, l->price, l->price);
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
	    "Too Many Requests" : "Error", p->body);
	evbuffer_free(p->body);
	if (p->ev != NULL)
		event_free(p->ev);
	free(p);
}

void
delayed_cb(evutil_socket_t fd, short ev, void *arg)
{
	send_pending(arg);
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

	if (find_line("HOOK", &l) && l.status != 0)
		status = l.status;
	if (hooklog != NULL && (f = fopen(hooklog, "a")) != NULL) {
		fprintf(f, "%s\t%s\t%d\t", ct ? ct : "-", tok ? tok : "-",
		    status);
		fwrite(evbuffer_pullup(body, -1), 1, len, f);
		fputc('\n', f);
		fclose(f);
	}
	evhttp_send_reply(req, status, status == 200 ? "OK" : "Error", NULL);
}

static void
chart_cb(struct evhttp_request *req, void *arg)
{
	const char	*path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(
			    req));
	const char	*prefix = "/v8/finance/chart/";
	char		*symbol;
	struct line	 l;
	struct pending	*p;
	struct timeval	 tv;
	size_t		 len;

	if (path != NULL && strcmp(path, "/hook") == 0 &&
	    evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
		hook(req);
		return;
	}
	nrequests++;
	if (path != NULL && other_api(req, path))
		return;
	if (path == NULL || strncmp(path, prefix, strlen(prefix)) != 0) {
		evhttp_send_error(req, 404, "Not Found");
		return;
	}
	symbol = evhttp_uridecode(path + strlen(prefix), 0, NULL);
	log_request(symbol, req, "yahoo", NULL);
	p = calloc(1, sizeof(*p));
	p->req = req;
	p->body = evbuffer_new();
	p->status = 200;
	if (!find_line(symbol, &l) || l.status == 404) {
		p->status = 404;
		not_found(p->body);
	} else if (l.status == 429) {
		p->status = 429;
		if (l.retry_after > 0) {
			char ra[32];
			snprintf(ra, sizeof(ra), "%d", l.retry_after);
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Retry-After", ra);
		}
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "text/plain;charset=utf-8");
		evbuffer_add_printf(p->body, "Too Many Requests\r\n");
	} else if (l.status != 200) {
		p->status = l.status;
		evbuffer_add_printf(p->body, "{\"finance\":{\"result\":null,"
		    "\"error\":{\"code\":\"internal-error\",\"description\":"
		    "\"Internal Server Error\"}}}");
	} else if (l.malformed) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", "text/html");
		evbuffer_add_printf(p->body, "<html><body>Will be right back"
		    "...</body></html>\n");
	} else {
		chart(p->body, &l);
		if (l.truncated) {
			len = evbuffer_get_length(p->body);
			{
				struct evbuffer *cut = evbuffer_new();
				evbuffer_remove_buffer(p->body, cut, len / 2);
				evbuffer_free(p->body);
				p->body = cut;
			}
		}
	}
	free(symbol);
	if (l.delay > 0) {
		p->ev = evtimer_new(base, delayed_cb, p);
		tv.tv_sec = l.delay;
		tv.tv_usec = 0;
		evtimer_add(p->ev, &tv);
		return;
	}
	send_pending(p);
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
	FILE				*f;
	char				 tmp[4096];
	int				 ch, port, fixed = 0;

	while ((ch = getopt(argc, argv, "s:p:l:w:P:")) != -1) {
		switch (ch) {
		case 's': scenario = optarg; break;
		case 'p': portfile = optarg; break;
		case 'l': reqlog = optarg; break;
		case 'w': hooklog = optarg; break;
		case 'P': fixed = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: fakequote -s scenario -p portfile "
			    "[-l requestlog] [-w hooklog]\n");
			return 1;
		}
	}
	if (scenario == NULL || portfile == NULL) {
		fprintf(stderr, "fakequote: -s and -p are required\n");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	http = evhttp_new(base);
	evhttp_set_gencb(http, chart_cb, NULL);
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
	event_free(sigterm);
	event_free(sigint);
	evhttp_free(http);
	event_base_free(base);
	return 0;
}
