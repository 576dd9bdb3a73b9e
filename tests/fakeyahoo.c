/*
 * fakequote's Yahoo: the v8 chart API, one symbol a request, and the v7
 * quote API, many symbols a request behind a session cookie and a crumb,
 * with the shapes of the real answers (tests/data/yahoo-*.json):
 *
 *   GET /                      fc.yahoo.com: 404, and Set-Cookie: A3=...
 *   GET /v1/test/getcrumb      the crumb, as text/plain, given the cookie;
 *                              401 "Invalid Cookie" without it
 *   GET /v7/finance/quote?symbols=A,B&crumb=C
 *                              {"quoteResponse":{"result":[...],"error":
 *                              null}}, unknown symbols left out; 401
 *                              "Invalid Crumb" for a stale crumb
 *   GET /v8/finance/chart/SYM  {"chart":{"result":[{"meta":{...}}]...}}
 *
 * The scenario's CRUMB line steers the session:
 *   CRUMB value=abc   the crumb the server hands out and accepts; change
 *                     it to expire every crumb handed out before
 *   CRUMB status=404  no crumb to be had (nor the v7 API): 404 for both
 *   CRUMB status=429  getcrumb throttled: 429, "Too Many Requests"
 *   CRUMB malformed   getcrumb answers a consent page in HTML
 *   CRUMB throttle    getcrumb answers 200 "Edge: Too Many Requests"
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fakequote.h"

#define COOKIE	"A3=d=AQABBPeTUGcCEFakeCookieForTestsOnly&S=AQAAAtestsig"

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

static struct pending *
pending_new(struct evhttp_request *req, int status)
{
	struct pending	*p = calloc(1, sizeof(*p));

	p->req = req;
	p->body = evbuffer_new();
	p->status = status;
	return p;
}

static void
header(struct evhttp_request *req, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), name, value);
}

/* Yahoo's 429: a plain-text body, and Retry-After when the line says. */
static void
too_many(struct pending *p, int retry_after)
{
	char	 ra[32];

	p->status = 429;
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		header(p->req, "Retry-After", ra);
	}
	header(p->req, "Content-Type", "text/plain;charset=utf-8");
	evbuffer_add_printf(p->body, "Too Many Requests\r\n");
}

static void
cut_half(struct pending *p)
{
	struct evbuffer	*cut = evbuffer_new();

	evbuffer_remove_buffer(p->body, cut, evbuffer_get_length(p->body) / 2);
	evbuffer_free(p->body);
	p->body = cut;
}

/* /v8/finance/chart/SYMBOL */
static void
chart_api(struct evhttp_request *req, const char *symbol)
{
	struct line	 l;
	struct pending	*p = pending_new(req, 200);

	log_request(symbol, req, "yahoo", NULL);
	if (!find_line(symbol, &l) || l.status == 404) {
		p->status = 404;
		not_found(p->body);
	} else if (l.status == 429)
		too_many(p, l.retry_after);
	else if (l.status != 200) {
		p->status = l.status;
		evbuffer_add_printf(p->body, "{\"finance\":{\"result\":null,"
		    "\"error\":{\"code\":\"internal-error\",\"description\":"
		    "\"Internal Server Error\"}}}");
	} else if (l.malformed) {
		header(req, "Content-Type", "text/html");
		evbuffer_add_printf(p->body, "<html><body>Will be right back"
		    "...</body></html>\n");
	} else {
		chart(p->body, &l);
		if (l.truncated)
			cut_half(p);
	}
	answer_later(p, l.delay);
}

/* The session as the scenario's CRUMB line has it. */
static void
crumb_line(struct line *c)
{
	if (!find_line("CRUMB", c))
		c->status = 200;
	if (c->value[0] == '\0')
		snprintf(c->value, sizeof(c->value), "Fk3.crumbT0");
}

static int
has_cookie(struct evhttp_request *req)
{
	const char	*c = evhttp_find_header(
			    evhttp_request_get_input_headers(req), "Cookie");

	return c != NULL && strstr(c, COOKIE) != NULL;
}

static void
finance_error(struct pending *p, int status, const char *code,
    const char *desc)
{
	p->status = status;
	evbuffer_add_printf(p->body, "{\"finance\":{\"result\":null,\"error\":"
	    "{\"code\":\"%s\",\"description\":\"%s\"}}}", code, desc);
}

/* fc.yahoo.com's answer: 404, with the session cookie. */
static void
cookie_api(struct evhttp_request *req)
{
	struct pending	*p = pending_new(req, 404);

	header(req, "Set-Cookie", COOKIE "; Max-Age=31557600; Path=/; "
	    "HttpOnly");
	header(req, "Content-Type", "text/html; charset=utf-8");
	evbuffer_add_printf(p->body, "<!doctype html><html><head><title>"
	    "Yahoo</title></head><body>Not Found</body></html>\n");
	answer_later(p, 0);
}

/* /v1/test/getcrumb */
static void
crumb_api(struct evhttp_request *req)
{
	struct line	 c;
	struct pending	*p = pending_new(req, 200);

	crumb_line(&c);
	log_request("CRUMB", req, "yahoo-crumb", NULL);
	if (c.status == 429)
		too_many(p, c.retry_after);
	else if (c.status != 200) {
		p->status = c.status;
		header(req, "Content-Type", "text/html");
		evbuffer_add_printf(p->body, "<html><body>%d</body></html>\n",
		    c.status);
	} else if (c.malformed) {
		header(req, "Content-Type", "text/html; charset=utf-8");
		evbuffer_add_printf(p->body, "<!DOCTYPE html><html lang=\"en-US"
		    "\"><head><title>Yahoo is part of the Yahoo family of brands"
		    "</title></head><body><form class=\"consent-form\"></form>"
		    "</body></html>\n");
	} else if (c.throttle) {
		header(req, "Content-Type", "text/plain;charset=utf-8");
		evbuffer_add_printf(p->body, "Edge: Too Many Requests");
	} else if (!has_cookie(req)) {
		header(req, "Content-Type", "application/json;charset=utf-8");
		finance_error(p, 401, "Unauthorized", "Invalid Cookie");
	} else {
		header(req, "Content-Type", "text/plain;charset=utf-8");
		evbuffer_add_printf(p->body, "%s", c.value);
	}
	answer_later(p, c.delay);
}

/* One symbol of a v7 answer, as Yahoo writes it (formatted=false). */
static void
quote_object(struct evbuffer *b, const struct line *l, int first)
{
	long	 t = l->time ? l->time : (long)time(NULL);

	evbuffer_add_printf(b, "%s{\"language\":\"en-US\",\"region\":\"US\","
	    "\"quoteType\":\"EQUITY\",\"typeDisp\":\"Equity\","
	    "\"quoteSourceName\":\"Nasdaq Real Time Price\",\"triggerable\":"
	    "true,\"customPriceAlertConfidence\":\"HIGH\",\"currency\":\"USD\","
	    "\"exchange\":\"NMS\",\"shortName\":\"Test Corp\","
	    "\"exchangeTimezoneName\":\"America/New_York\","
	    "\"exchangeTimezoneShortName\":\"EST\",\"gmtOffSetMilliseconds\":"
	    "-18000000,\"market\":\"us_market\",\"esgPopulated\":false,"
	    "\"marketState\":\"REGULAR\",\"priceHint\":2,", first ? "" : ",");
	if (!l->nullprice)
		evbuffer_add_printf(b, "\"regularMarketPrice\":%s,", l->price);
	evbuffer_add_printf(b, "\"regularMarketTime\":%ld,"
	    "\"regularMarketDayHigh\":%s,\"regularMarketDayLow\":%s,"
	    "\"regularMarketVolume\":812000,\"regularMarketPreviousClose\":%s,"
	    "\"regularMarketOpen\":%s,\"fullExchangeName\":\"NasdaqGS\","
	    "\"fiftyTwoWeekLow\":%s,\"fiftyTwoWeekHigh\":%s,"
	    "\"fiftyTwoWeekRange\":\"%s - %s\",\"tradeable\":false,"
	    "\"cryptoTradeable\":false,\"sourceInterval\":15,"
	    "\"exchangeDataDelayedBy\":0,\"symbol\":\"%s\"}", t, l->price,
	    l->price, l->prev, l->prev, l->low, l->high, l->low, l->high,
	    l->symbol);
}

/*
 * /v7/finance/quote?symbols=...&crumb=...: the symbols it knows, in one
 * answer.  A line with a status other than 200, `malformed' or
 * `truncated' answers for the whole request, as a failing server would.
 */
static void
quote_api(struct evhttp_request *req)
{
	struct line	 c, l;
	struct pending	*p = pending_new(req, 200);
	char		*list = query_param(req, "symbols"), *save, *tok;
	char		*crumb = query_param(req, "crumb");
	int		 first = 1, fault = 200, delay = 0, junk = 0, cut = 0;
	int		 retry_after = 0;

	crumb_line(&c);
	if (c.status == 404 || !has_cookie(req) || crumb == NULL ||
	    strcmp(crumb, c.value) != 0) {
		log_request("-", req, "yahoo-v7", NULL);
		if (c.status == 404)
			finance_error(p, 404, "Not Found", "HTTP 404 Not Found");
		else
			finance_error(p, 401, "Unauthorized", "Invalid Crumb");
		goto out;
	}
	evbuffer_add_printf(p->body, "{\"quoteResponse\":{\"result\":[");
	for (tok = list ? strtok_r(list, ",", &save) : NULL; tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		log_request(tok, req, "yahoo-v7", NULL);
		if (!find_line(tok, &l) || l.status == 404)
			continue;		/* left out, as Yahoo does */
		if (l.delay > delay)
			delay = l.delay;
		if (l.status != 200 && fault == 200) {
			fault = l.status;
			retry_after = l.retry_after;
		}
		junk |= l.malformed;
		cut |= l.truncated;
		quote_object(p->body, &l, first);
		first = 0;
	}
	evbuffer_add_printf(p->body, "],\"error\":null}}");
	if (fault == 429) {
		evbuffer_drain(p->body, evbuffer_get_length(p->body));
		too_many(p, retry_after);
	} else if (fault != 200) {
		evbuffer_drain(p->body, evbuffer_get_length(p->body));
		finance_error(p, fault, "internal-error",
		    "Internal Server Error");
	} else if (junk) {
		evbuffer_drain(p->body, evbuffer_get_length(p->body));
		header(req, "Content-Type", "text/html");
		evbuffer_add_printf(p->body, "<html><body>Will be right back"
		    "...</body></html>\n");
	} else if (cut)
		cut_half(p);
 out:
	free(list);
	free(crumb);
	answer_later(p, delay);
}

/* Yahoo's paths; 1 when the request was one of them. */
int
yahoo_api(struct evhttp_request *req, const char *path)
{
	const char	*chart = "/v8/finance/chart/";
	char		*symbol;

	if (strncmp(path, chart, strlen(chart)) == 0) {
		symbol = evhttp_uridecode(path + strlen(chart), 0, NULL);
		chart_api(req, symbol);
		free(symbol);
	} else if (strcmp(path, "/v7/finance/quote") == 0)
		quote_api(req);
	else if (strcmp(path, "/v1/test/getcrumb") == 0)
		crumb_api(req);
	else if (strcmp(path, "/") == 0)
		cookie_api(req);
	else
		return 0;
	return 1;
}
