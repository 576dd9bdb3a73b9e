/*
 * fakequote's Stooq, Finnhub, Alpha Vantage and Twelve Data: the shapes
 * of their answers, errors and throttling included, modelled on the
 * recorded payloads in tests/data/.
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

/* ---- Stooq, Finnhub, Alpha Vantage, Twelve Data ---- */

/* Answer after `delay' seconds and the server's latency. */
static void
answer(struct evhttp_request *req, int status, const char *ctype,
    struct evbuffer *body, int delay, int retry_after)
{
	struct pending	*p = calloc(1, sizeof(*p));
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char		 ra[32];

	p->req = req;
	p->body = body;
	p->status = status;
	evhttp_add_header(h, "Content-Type", ctype);
	if (retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		evhttp_add_header(h, "Retry-After", ra);
	}
	answer_later(p, delay);
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
char *
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
 * Stooq: /q/l/?s=calx.us,qcom.us&f=sd2t2ohlcvp&h&e=csv, one CSV row per
 * symbol; a scenario's status other than 200, `malformed' or `throttle'
 * answers the whole request; `truncated' cuts it within that row.
 */
static void
stooq_quotes(struct evhttp_request *req)
{
	char		*list = query_param(req, "s"), *save, *tok, name[64];
	char		*fields = query_param(req, "f");
	char		 date[16], tod[16];
	int		 prev = fields != NULL && strchr(fields, 'p') != NULL;
	struct evbuffer	*b = evbuffer_new();
	struct line	 l;
	int		 status = 200, delay = 0, cut = 0, html = 0, limit = 0;
	size_t		 mark = 0;
	long		 t;

	/* the columns asked: f=sd2t2ohlcv, and p (Prev) when asked */
	evbuffer_add_printf(b, "Symbol,Date,Time,Open,High,Low,Close,Volume%s"
	    "\r\n", prev ? ",Prev" : "");
	for (tok = list ? strtok_r(list, ",+ ", &save) : NULL; tok != NULL;
	    tok = strtok_r(NULL, ",+ ", &save)) {
		stooq_name(tok, name, sizeof(name));
		log_request(name, req, "stooq", NULL);
		if (!find_line(name, &l) || l.status == 404) {
			evbuffer_add_printf(b, "%s,N/D,N/D,N/D,N/D,N/D,N/D,"
			    "N/D%s\r\n", tok, prev ? ",N/D" : "");
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
		evbuffer_add_printf(b, "%s,%s,%s,%s,%s,%s,%s,812000%s%s\r\n",
		    tok, date, tod, l.prev, l.high, l.low, l.nullprice ? "" :
		    l.price, prev ? "," : "", prev ? l.prev : "");
	}
	free(list);
	free(fields);
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

/*
 * The latest trading day, as Alpha Vantage gives it: the New York date of
 * the line's time (or now), a weekend's moved back to the Friday.  Winter
 * time is taken all year: the date is off only in the hour after
 * midnight in summer, and holidays are not known here.
 */
static void
latest_day(long when, char *out, size_t len)
{
	time_t		 t = (when ? (time_t)when : time(NULL)) - 5 * 3600;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	if (tm.tm_wday == 6 || tm.tm_wday == 0) {
		t -= (tm.tm_wday == 6 ? 1 : 2) * 86400;
		gmtime_r(&t, &tm);
	}
	strftime(out, len, "%Y-%m-%d", &tm);
}

/* Alpha Vantage: /query?function=GLOBAL_QUOTE|OVERVIEW&symbol=X&apikey=K;
 * every answer is HTTP 200, throttling included. */
static void
alphavantage(struct evhttp_request *req)
{
	char		*fn = query_param(req, "function");
	char		*sym = query_param(req, "symbol");
	char		*key = query_param(req, "apikey");
	char		 day[16];
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
		latest_day(l.time, day, sizeof(day));
		evbuffer_add_printf(b, "{\n    \"Global Quote\": {\n        "
		    "\"01. symbol\": \"%s\",\n        \"02. open\": \"%s\",\n"
		    "        \"05. price\": %s%s%s,\n        \"06. volume\": "
		    "\"812000\",\n        \"07. latest trading day\": "
		    "\"%s\",\n        \"08. previous close\": \"%s\",\n"
		    "        \"10. change percent\": \"3.2%%\"\n    }\n}", sym,
		    l.prev, l.nullprice ? "" : "\"", l.nullprice ? "null" :
		    l.price, l.nullprice ? "" : "\"", day, l.prev);
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
int
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

