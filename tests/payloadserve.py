#!/usr/bin/env python3
"""Recorded provider answers, served verbatim, for tests.

    payloadserve.py PORTFILE DIR       (binds 127.0.0.1, any port)

Yahoo    /v8/finance/chart/SYM            DIR/yahoo/SYM.json
Alpha V. /query?function=F&symbol=S       DIR/alphavantage/F_S.json
Finnhub  /api/v1/quote?symbol=S           DIR/finnhub/quote_S.json
         /api/v1/stock/metric?symbol=S    DIR/finnhub/metric_S.json
Twelve D./quote?symbol=S                  DIR/twelvedata/S.json
Yahoo v7 /v7/finance/quote?symbols=A,B     DIR/yahoo/v7.json, with the
         (after / and /v1/test/getcrumb)   HTTP status in DIR/yahoo/v7.status
Stooq    /q/l/?s=a.us,b.us                 DIR/stooq/quote.html if there,
         /q/d/l/?s=a.us                    else quote.csv; history.csv
Alpaca   /v2/stocks/snapshots?symbols=A,B  {A: DIR/alpaca/A.json, ...}; the
                                           key headers must say what
                                           DIR/alpaca/key does (ID:SECRET)
Tiingo   /iex/?tickers=a,b&token=K         DIR/tiingo/A.json arrays, joined;
                                           K must be DIR/tiingo/key's
Coinbase /products/P/ticker                DIR/coinbase/P.json

What is not there gets the service's own "unknown symbol" answer.  Each
request is appended to PORTFILE.log as "PATH SYMBOL", and " key" when it
carried a key (apikey=, token=), which is left out.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

PORTFILE, DIR = sys.argv[1], sys.argv[2]

UNKNOWN = {
    "yahoo": (404, '{"chart":{"result":null,"error":{"code":"Not Found",'
              '"description":"No data found, symbol may be delisted"}}}'),
    "alphavantage": (200, '{"Global Quote":{}}'),
    "finnhub": (200, '{"c":0,"d":null,"dp":null,"h":0,"l":0,"o":0,'
                '"pc":0,"t":0}'),
    "twelvedata": (200, '{"code":404,"message":"**symbol** not found",'
                   '"status":"error"}'),
    "stooq": (200, "No data"),
    "session": (200, ""),
}


def where(url):
    """(service, file name, symbol) of a request."""
    u = urlparse(url)
    q = parse_qs(u.query)
    sym = q.get("symbol", [""])[0]
    if u.path.startswith("/v8/finance/chart/"):
        sym = unquote(u.path.rsplit("/", 1)[1])
        return "yahoo", sym + ".json", sym
    if u.path == "/query":
        return ("alphavantage",
                "%s_%s.json" % (q.get("function", [""])[0], sym), sym)
    if u.path == "/api/v1/quote":
        return "finnhub", "quote_%s.json" % sym, sym
    if u.path == "/api/v1/stock/metric":
        return "finnhub", "metric_%s.json" % sym, sym
    if u.path == "/quote":
        return "twelvedata", sym + ".json", sym
    if u.path == "/v7/finance/quote":
        return "yahoo", "v7.json", q.get("symbols", [""])[0]
    if u.path in ("/q/l/", "/q/d/l/"):
        sym = q.get("s", [""])[0]
        kind = "quote" if u.path == "/q/l/" else "history"
        if os.path.exists(os.path.join(DIR, "stooq", kind + ".html")):
            return "stooq", kind + ".html", sym
        return "stooq", kind + ".csv", sym
    if u.path in ("/", "/v1/test/getcrumb"):
        return "session", u.path, ""
    return None, None, sym


def key_of(service):
    path = os.path.join(DIR, service, "key")
    return open(path).read().strip() if os.path.exists(path) else None


def batch(self, u, q):
    """Alpaca's and Tiingo's many-symbol answers; None: not theirs."""
    if u.path == "/v2/stocks/snapshots":
        want = key_of("alpaca")
        have = "%s:%s" % (self.headers.get("APCA-API-KEY-ID"),
                          self.headers.get("APCA-API-SECRET-KEY"))
        if want is not None and have != want:
            return 403, '{"message":"forbidden."}'
        out = {}
        for sym in q.get("symbols", [""])[0].split(","):
            f = os.path.join(DIR, "alpaca", os.path.basename(sym) + ".json")
            if sym and os.path.exists(f):
                out[sym] = json.load(open(f))
        return 200, json.dumps(out)
    if u.path in ("/iex/", "/iex"):
        want = key_of("tiingo")
        if want is not None and q.get("token", [""])[0] != want:
            return 401, '{"detail":"Invalid token."}'
        out = []
        for sym in q.get("tickers", [""])[0].split(","):
            f = os.path.join(DIR, "tiingo",
                             os.path.basename(sym.upper()) + ".json")
            if sym and os.path.exists(f):
                out += json.load(open(f))
        return 200, json.dumps(out)
    if u.path.startswith("/products/") and u.path.endswith("/ticker"):
        prod = u.path.split("/")[2]
        f = os.path.join(DIR, "coinbase", os.path.basename(prod) + ".json")
        if os.path.exists(f):
            return 200, open(f).read()
        return 404, '{"message":"NotFound"}'
    return None


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        got = batch(self, u, q)
        if got is not None:
            with open(PORTFILE + ".log", "a") as log:
                log.write("%s %s%s\n" % (u.path, q.get("symbols", q.get(
                    "tickers", [""]))[0], " key" if "token" in q or
                    self.headers.get("APCA-API-KEY-ID") else ""))
            data = got[1].encode()
            self.send_response(got[0])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        service, name, sym = where(self.path)
        q = parse_qs(urlparse(self.path).query)
        keyed = " key" if "apikey" in q or "token" in q else ""
        with open(PORTFILE + ".log", "a") as log:
            log.write("%s %s%s\n" % (urlparse(self.path).path, sym, keyed))
        ctype = "text/csv" if service == "stooq" else "application/json"
        if service == "session":
            self.send_response(200)
            self.send_header("Set-Cookie", "A3=d=test; Path=/")
            body = b"testCrumb1" if name.endswith("getcrumb") else b""
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if service is None:
            status, body = 404, "not found"
        else:
            path = os.path.join(DIR, service, os.path.basename(name))
            if os.path.exists(path):
                status, body = 200, open(path).read()
                sfile = os.path.splitext(path)[0] + ".status"
                if os.path.exists(sfile):
                    status = int(open(sfile).read())
                if path.endswith(".html"):
                    ctype = "text/html; charset=utf-8"
            else:
                status, body = UNKNOWN[service]
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
