/*
 * fakequote: a local stand-in for the quote APIs, for tests: Yahoo's
 * chart API here, Stooq, Finnhub, Alpha Vantage and Twelve Data in
 * fakeapis.c.
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

static const char	*scenario;
static const char	*reqlog;
static const char	*hooklog;
static struct event_base *base;

struct line {
	char	 symbol[64];
	char	 price[32], prev[32], high[32], low[32];
	long	 time;
	int	 status;
	int	 retry_after;
	int	 truncated, malformed, nullprice, throttle;
	int	 delay;
};

struct pending {
	struct evhttp_request	*req;
	struct evbuffer		*body;
	int			 status;
	struct event		*ev;
};

static int
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

static void
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

static void
delayed_cb(evutil_socket_t fd, short ev, void *arg)
{
	send_pending(arg);
}

static unsigned	 nrequests;	/* HTTP requests answered so far */

/* One line per symbol asked: SYMBOL, User-Agent, API, key sent, and the
 * number of the request (several symbols may share one). */
static void
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

/* ---- Stooq, Finnhub, Alpha Vantage, Twelve Data ---- */

/* Answer now, or after `delay' seconds. */
static void
answer(struct evhttp_request *req, int status, const char *ctype,
    struct evbuffer *body, int delay, int retry_after)
{
	struct pending	*p = calloc(1, sizeof(*p));
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct timeval	 tv;
	char		 ra[32];

	p->req = req;
	p->body = body;
	p->status = status;
	evhttp_add_header(h, "Content-Type", ctype);
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		evhttp_add_header(h, "Retry-After", ra);
	}
	if (delay > 0) {
		p->ev = evtimer_new(base, delayed_cb, p);
		tv.tv_sec = delay;
		tv.tv_usec = 0;
		evtimer_add(p->ev, &tv);
		return;
	}
	send_pending(p);
}

/* Cut a body in the middle, as a dropped connection would. */
static void
truncate_body(struct evbuffer *b)
{
	size_t		 len = evbuffer_get_length(b);
	struct evbuffer	*keep = evbuffer_new();

	evbuffer_remove_buffer(b, keep, len / 2);
	evbuffer_drain(b, evbuffer_get_length(b));
	evbuffer_add_buffer(b, keep);
	evbuffer_free(keep);
}

/* A query parameter, decoded; NULL when absent.  By hand: Stooq's
 * queries have bare flags ("&h&e=csv") that evhttp's parser refuses. */
static char *
query_param(struct evhttp_request *req, const char *name)
{
	const char	*q = evhttp_uri_get_query(
			    evhttp_request_get_evhttp_uri(req));
	size_t		 nl = strlen(name), vl;
	char		*raw, *out;

	for (; q != NULL && *q != '\0'; q += strcspn(q, "&"), q += *q == '&') {
		if (strncmp(q, name, nl) != 0 || q[nl] != '=')
			continue;
		vl = strcspn(q + nl + 1, "&");
		raw = strndup(q + nl + 1, vl);
		out = evhttp_uridecode(raw, 1, NULL);
		free(raw);
		return out;
	}
	return NULL;
}

/* 01:00 UTC on the last Sunday of a month that has 31 days. */
static time_t
last_sunday(int y, int mon)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = 31;
	tm.tm_hour = 1;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	return t - tm.tm_wday * 86400;
}

/* "2026-03-02" and "22:00:09" of t in Warsaw time (Stooq's): CEST from
 * the last Sunday of March to the last Sunday of October. */
static void
warsaw(time_t t, char *date, size_t dl, char *tod, size_t tl)
{
	struct tm	 tm;
	int		 y;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900;
	t += (t >= last_sunday(y, 2) && t < last_sunday(y, 9)) ? 7200 : 3600;
	gmtime_r(&t, &tm);
	strftime(date, dl, "%Y-%m-%d", &tm);
	strftime(tod, tl, "%H:%M:%S", &tm);
}

/* Stooq's "calx.us" as the scenario's "CALX". */
static void
stooq_name(const char *sym, char *out, size_t len)
{
	size_t	 i, n;

	snprintf(out, len, "%s", sym);
	for (i = 0; out[i]; i++)
		out[i] = (char)toupper((unsigned char)out[i]);
	if ((n = strlen(out)) > 3 && strcmp(out + n - 3, ".US") == 0)
		out[n - 3] = '\0';
}

/*
 * Stooq: /q/l/?s=calx.us,qcom.us&f=sd2t2ohlcv&h&e=csv, one CSV row per
 * symbol; a scenario's status other than 200, `malformed' or `throttle'
 * answers the whole request; `truncated' cuts it within that row.
 */
static void
stooq_quotes(struct evhttp_request *req)
{
	char		*list = query_param(req, "s"), *save, *tok, name[64];
	char		 date[16], tod[16];
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	int		 status = 200, delay = 0, cut = 0, html = 0, limit = 0;
	size_t		 mark = 0;
	long		 t;

	evbuffer_add_printf(b, "Symbol,Date,Time,Open,High,Low,Close,Volume\r\n");
	for (tok = list ? strtok_r(list, ",+ ", &save) : NULL; tok != NULL;
	    tok = strtok_r(NULL, ",+ ", &save)) {
		stooq_name(tok, name, sizeof(name));
		log_request(name, req, "stooq", NULL);
		if (!find_line(name, &l) || l.status == 404) {
			evbuffer_add_printf(b, "%s,N/D,N/D,N/D,N/D,N/D,N/D,"
			    "N/D\r\n", tok);
			continue;
		}
		if (l.status != 200)
			status = l.status;
		if (l.delay > delay)
			delay = l.delay;
		html |= l.malformed;
		limit |= l.throttle;
		t = l.time ? l.time : (long)time(NULL);
		warsaw((time_t)t, date, sizeof(date), tod, sizeof(tod));
		if (l.truncated && !cut) {
			cut = 1;
			mark = evbuffer_get_length(b) + 12;
		}
		evbuffer_add_printf(b, "%s,%s,%s,%s,%s,%s,%s,812000\r\n", tok,
		    date, tod, l.prev, l.high, l.low, l.nullprice ? "" :
		    l.price);
	}
	free(list);
	if (limit || html || status != 200) {
		evbuffer_drain(b, evbuffer_get_length(b));
		if (limit)
			evbuffer_add_printf(b, "Exceeded the daily hits limit");
		else if (html)
			evbuffer_add_printf(b, "<html><body>Przerwa "
			    "techniczna</body></html>\n");
		else
			evbuffer_add_printf(b, "Error %d\n", status);
	} else if (cut) {
		struct evbuffer *keep = evbuffer_new();
		evbuffer_remove_buffer(b, keep, mark);
		evbuffer_drain(b, evbuffer_get_length(b));
		evbuffer_add_buffer(b, keep);
		evbuffer_free(keep);
	}
	answer(req, limit ? 200 : status, html ? "text/html" :
	    "text/csv; charset=utf-8", b, delay, 0);
}

/* Stooq's daily history: a year-old extreme row and yesterday's close. */
static void
stooq_history(struct evhttp_request *req)
{
	char		*s = query_param(req, "s"), name[64], d1[16], d2[16];
	char		 tod[16];
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	time_t		 now = time(NULL);

	stooq_name(s ? s : "", name, sizeof(name));
	free(s);
	log_request(name, req, "stooq-history", NULL);
	if (!find_line(name, &l) || l.status == 404) {
		evbuffer_add_printf(b, "No data");
		answer(req, 200, "text/plain", b, 0, 0);
		return;
	}
	warsaw(now - 300 * 86400, d1, sizeof(d1), tod, sizeof(tod));
	warsaw(now - 2 * 86400, d2, sizeof(d2), tod, sizeof(tod));
	evbuffer_add_printf(b, "Date,Open,High,Low,Close,Volume\r\n"
	    "%s,%s,%s,%s,%s,700000\r\n%s,%s,%s,%s,%s,700000\r\n", d1, l.prev,
	    l.high, l.low, l.prev, d2, l.prev, l.prev, l.prev, l.prev);
	answer(req, 200, "text/csv; charset=utf-8", b, l.delay, 0);
}

/* Finnhub: /api/v1/quote?symbol=X&token=K, /api/v1/stock/metric. */
static void
finnhub(struct evhttp_request *req, int metric)
{
	char		*sym = query_param(req, "symbol");
	char		*tok = query_param(req, "token");
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	int		 status = 200, found;

	log_request(sym ? sym : "-", req, metric ? "finnhub-metric" :
	    "finnhub", tok);
	found = sym && find_line(sym, &l) && l.status != 404;
	if (tok == NULL || *tok == '\0') {
		status = 401;
		evbuffer_add_printf(b, "{\"error\":\"Invalid API key\"}");
	} else if (found && l.status == 429) {
		status = 429;
		evbuffer_add_printf(b, "{\"error\":\"API limit reached. Please "
		    "try again later. Remaining Limit: 0\"}");
	} else if (found && l.status != 200) {
		status = l.status;
		evbuffer_add_printf(b, "{\"error\":\"internal error\"}");
	} else if (found && l.malformed) {
		evbuffer_add_printf(b, "<html><body>502 Bad Gateway</body>"
		    "</html>\n");
	} else if (metric) {
		if (found)
			evbuffer_add_printf(b, "{\"metric\":{\"52WeekHigh\":%s,"
			    "\"52WeekHighDate\":\"2025-11-14\",\"52WeekLow\":%s,"
			    "\"52WeekLowDate\":\"2025-03-03\",\"beta\":1.6},"
			    "\"metricType\":\"all\",\"series\":{},\"symbol\":"
			    "\"%s\"}", l.high, l.low, sym);
		else
			evbuffer_add_printf(b, "{\"metric\":{},\"metricType\":"
			    "\"all\",\"series\":{},\"symbol\":\"%s\"}", sym);
	} else if (!found) {
		evbuffer_add_printf(b, "{\"c\":0,\"d\":null,\"dp\":null,\"h\":0,"
		    "\"l\":0,\"o\":0,\"pc\":0,\"t\":0}");
	} else {
		evbuffer_add_printf(b, "{\"c\":%s,\"d\":1.4,\"dp\":3.2,\"h\":%s,"
		    "\"l\":%s,\"o\":%s,\"pc\":%s,\"t\":%ld}", l.nullprice ?
		    "null" : l.price, l.price, l.price, l.price, l.prev,
		    l.time ? l.time : (long)time(NULL));
		if (l.truncated)
			truncate_body(b);
	}
	answer(req, status, "application/json; charset=utf-8", b,
	    found ? l.delay : 0, found ? l.retry_after : 0);
	free(sym);
	free(tok);
}

/* Alpha Vantage: /query?function=GLOBAL_QUOTE|OVERVIEW&symbol=X&apikey=K;
 * every answer is HTTP 200, throttling included. */
static void
alphavantage(struct evhttp_request *req)
{
	char		*fn = query_param(req, "function");
	char		*sym = query_param(req, "symbol");
	char		*key = query_param(req, "apikey");
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	int		 found, overview = fn && !strcmp(fn, "OVERVIEW");

	log_request(sym ? sym : "-", req, overview ? "alphavantage-overview" :
	    "alphavantage", key);
	found = sym && find_line(sym, &l) && l.status != 404;
	if (key == NULL || *key == '\0')
		evbuffer_add_printf(b, "{\n    \"Error Message\": \"the "
		    "parameter apikey is invalid or missing. Please claim your "
		    "free API key on (https://www.alphavantage.co/support/"
		    "#api-key).\"\n}");
	else if (found && l.status == 429)
		evbuffer_add_printf(b, "{\n    \"Note\": \"Thank you for using "
		    "Alpha Vantage! Our standard API call frequency is 5 calls "
		    "per minute and 500 calls per day.\"\n}");
	else if (found && l.throttle)
		evbuffer_add_printf(b, "{\n    \"Information\": \"Thank you for "
		    "using Alpha Vantage! Our standard API rate limit is 25 "
		    "requests per day.\"\n}");
	else if (found && l.malformed)
		evbuffer_add_printf(b, "<html><body>Service Unavailable</body>"
		    "</html>\n");
	else if (overview && found)
		evbuffer_add_printf(b, "{\n    \"Symbol\": \"%s\",\n    "
		    "\"AssetType\": \"Common Stock\",\n    \"52WeekHigh\": "
		    "\"%s\",\n    \"52WeekLow\": \"%s\"\n}", sym, l.high, l.low);
	else if (overview || !found)
		evbuffer_add_printf(b, overview ? "{}" :
		    "{\n    \"Global Quote\": {}\n}");
	else {
		evbuffer_add_printf(b, "{\n    \"Global Quote\": {\n        "
		    "\"01. symbol\": \"%s\",\n        \"02. open\": \"%s\",\n"
		    "        \"05. price\": %s%s%s,\n        \"06. volume\": "
		    "\"812000\",\n        \"07. latest trading day\": "
		    "\"2026-03-02\",\n        \"08. previous close\": \"%s\",\n"
		    "        \"10. change percent\": \"3.2%%\"\n    }\n}", sym,
		    l.prev, l.nullprice ? "" : "\"", l.nullprice ? "null" :
		    l.price, l.nullprice ? "" : "\"", l.prev);
		if (l.truncated)
			truncate_body(b);
	}
	answer(req, 200, "application/json", b, found ? l.delay : 0, 0);
	free(fn);
	free(sym);
	free(key);
}

static void
td_quote(struct evbuffer *b, const char *sym, const struct line *l)
{
	long	 t = l->time ? l->time : (long)time(NULL);

	/* timestamp: the day bar's start; last_quote_at: the last trade */
	evbuffer_add_printf(b, "{\"symbol\":\"%s\",\"name\":\"Test Corp\","
	    "\"exchange\":\"NYSE\",\"mic_code\":\"XNYS\",\"currency\":\"USD\","
	    "\"datetime\":\"2026-03-02\",\"timestamp\":%ld,"
	    "\"last_quote_at\":%ld,\"open\":\"%s\","
	    "\"high\":\"%s\",\"low\":\"%s\",\"close\":%s%s%s,\"volume\":"
	    "\"812000\",\"previous_close\":\"%s\",\"is_market_open\":true,"
	    "\"fifty_two_week\":{\"low\":\"%s\",\"high\":\"%s\",\"range\":"
	    "\"%s - %s\"}}", sym, t - t % 86400 + 52200, t,
	    l->prev, l->price, l->price, l->nullprice ? "" : "\"",
	    l->nullprice ? "null" : l->price, l->nullprice ? "" : "\"",
	    l->prev, l->low, l->high, l->low, l->high);
}

/* Twelve Data: /quote?symbol=A[,B...]&apikey=K; errors in the body. */
static void
twelvedata(struct evhttp_request *req)
{
	char		*list = query_param(req, "symbol");
	char		*key = query_param(req, "apikey");
	char		*syms[64], *save, *tok;
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	size_t		 n = 0, i;
	int		 delay = 0, limit = 0, html = 0, trunc = 0;

	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok && n < 64;
	    tok = strtok_r(NULL, ",", &save))
		syms[n++] = tok;
	for (i = 0; i < n; i++) {
		log_request(syms[i], req, "twelvedata", key);
		if (find_line(syms[i], &l)) {
			limit |= l.status == 429 || l.throttle;
			html |= l.malformed;
			trunc |= l.truncated;
			if (l.delay > delay)
				delay = l.delay;
		}
	}
	if (key == NULL || *key == '\0')
		evbuffer_add_printf(b, "{\"code\":401,\"message\":\"**apikey** "
		    "parameter is incorrect or not specified.\",\"status\":"
		    "\"error\"}");
	else if (limit)
		evbuffer_add_printf(b, "{\"code\":429,\"message\":\"You have run "
		    "out of API credits for the current minute. 9 API credits "
		    "were used, with the current limit being 8.\",\"status\":"
		    "\"error\"}");
	else if (html)
		evbuffer_add_printf(b, "<html><body>Bad Gateway</body></html>");
	else {
		if (n > 1)
			evbuffer_add_printf(b, "{");
		for (i = 0; i < n; i++) {
			if (n > 1)
				evbuffer_add_printf(b, "%s\"%s\":", i ? "," : "",
				    syms[i]);
			if (find_line(syms[i], &l) && l.status == 200)
				td_quote(b, syms[i], &l);
			else
				evbuffer_add_printf(b, "{\"code\":404,\"message\":"
				    "\"**symbol** not found: %s. Please specify "
				    "it correctly according to API "
				    "Documentation.\",\"status\":\"error\","
				    "\"meta\":{\"symbol\":\"%s\",\"interval\":"
				    "\"\",\"exchange\":\"\"}}", syms[i], syms[i]);
		}
		if (n > 1)
			evbuffer_add_printf(b, "}");
		if (trunc)
			truncate_body(b);
	}
	answer(req, 200, html ? "text/html" : "application/json; charset=utf-8",
	    b, delay, 0);
	free(list);
	free(key);
}

/* The APIs other than Yahoo's; 1 when the request was one of theirs. */
static int
other_api(struct evhttp_request *req, const char *path)
{
	if (strcmp(path, "/q/l/") == 0 || strcmp(path, "/q/l") == 0)
		stooq_quotes(req);
	else if (strcmp(path, "/q/d/l/") == 0 || strcmp(path, "/q/d/l") == 0)
		stooq_history(req);
	else if (strcmp(path, "/api/v1/quote") == 0)
		finnhub(req, 0);
	else if (strcmp(path, "/api/v1/stock/metric") == 0)
		finnhub(req, 1);
	else if (strcmp(path, "/query") == 0)
		alphavantage(req);
	else if (strcmp(path, "/quote") == 0)
		twelvedata(req);
	else
		return 0;
	return 1;
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
