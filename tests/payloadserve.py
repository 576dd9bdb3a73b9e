#!/usr/bin/env python3
"""Recorded provider answers, served verbatim, for tests.

    payloadserve.py PORTFILE DIR       (binds 127.0.0.1, any port)

Yahoo    /v8/finance/chart/SYM            DIR/yahoo/SYM.json
Alpha V. /query?function=F&symbol=S       DIR/alphavantage/F_S.json
Finnhub  /api/v1/quote?symbol=S           DIR/finnhub/quote_S.json
         /api/v1/stock/metric?symbol=S    DIR/finnhub/metric_S.json
Twelve D./quote?symbol=S                  DIR/twelvedata/S.json

What is not there gets the service's own "unknown symbol" answer.  Each
request is appended to PORTFILE.log as "PATH SYMBOL" (keys left out).
"""
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
    return None, None, sym


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        service, name, sym = where(self.path)
        with open(PORTFILE + ".log", "a") as log:
            log.write("%s %s\n" % (urlparse(self.path).path, sym))
        if service is None:
            status, body = 404, "not found"
        else:
            path = os.path.join(DIR, service, os.path.basename(name))
            if os.path.exists(path):
                status, body = 200, open(path).read()
            else:
                status, body = UNKNOWN[service]
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
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
