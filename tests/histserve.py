#!/usr/bin/env python3
"""The history endpoints of Yahoo, Stooq, Alpha Vantage and Twelve Data,
in the shapes their API references document (field names, errors and
all), for tests: the same two years of daily bars for each known symbol,
generated from a seed and ending yesterday.  Unknown symbols get each service's own "not found".
HISTSERVE_SCALE multiplies every price (a split's adjusted history).
Each request's path is appended to PORTFILE.log.

    histserve.py PORTFILE SYMBOL...      (binds 127.0.0.1, any port)
Also writes PORTFILE.bars: date,symbol,open,high,low,close,volume, the
truth the test checks tickerd's output against.
"""
import json
import random
import sys
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def make_bars(sym):
    rnd = random.Random(sym)
    p = rnd.uniform(20, 200)
    out = []
    d = date.today() - timedelta(days=2 * 365 + 30)
    while d < date.today():
        if d.weekday() < 5:
            o = p * (1 + rnd.gauss(0, 0.01))
            c = o * (1 + rnd.gauss(0, 0.02))
            h = max(o, c) * (1 + abs(rnd.gauss(0, 0.01)))
            lo = min(o, c) * (1 - abs(rnd.gauss(0, 0.01)))
            out.append((d, round(o, 2), round(h, 2), round(lo, 2),
                        round(c, 2), rnd.randrange(10**5, 10**7)))
            p = c
        d += timedelta(days=1)
    return out


BARS = {s: make_bars(s) for s in sys.argv[2:]}
# HISTSERVE_SCALE=0.5: the history as a provider gives it after a 2:1
# split, every price adjusted
SCALE = float(__import__("os").environ.get("HISTSERVE_SCALE", "1"))
if SCALE != 1:
    BARS = {s: [(d, round(o * SCALE, 2), round(h * SCALE, 2),
                 round(lo * SCALE, 2), round(c * SCALE, 2), int(v / SCALE))
                for d, o, h, lo, c, v in b] for s, b in BARS.items()}


def yahoo(sym):
    b = BARS.get(sym)
    if b is None:
        return 404, {"chart": {"result": None, "error": {
            "code": "Not Found",
            "description": "No data found, symbol may be delisted"}}}
    ts = [int(datetime(d.year, d.month, d.day, 14, 30,
                       tzinfo=timezone.utc).timestamp()) for d, *_ in b]
    q = {"open": [x[1] for x in b], "high": [x[2] for x in b],
         "low": [x[3] for x in b], "close": [x[4] for x in b],
         "volume": [x[5] for x in b]}
    q["close"][3] = None        # Yahoo leaves holes: a bar without a close
    return 200, {"chart": {"result": [{
        "meta": {"currency": "USD", "symbol": sym, "exchangeName": "NMS",
                 "instrumentType": "EQUITY", "gmtoffset": -18000,
                 "timezone": "EST",
                 "exchangeTimezoneName": "America/New_York",
                 "dataGranularity": "1d", "range": ""},
        "timestamp": ts, "indicators": {"quote": [q], "adjclose": [
            {"adjclose": q["close"]}]}}], "error": None}}


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else \
            json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        with open(sys.argv[1] + ".log", "a") as f:
            f.write(u.path + "\n")
        if u.path.startswith("/v8/finance/chart/"):
            return self.send(*yahoo(u.path.rsplit("/", 1)[1]))
        if u.path.rstrip("/") == "/q/d/l":
            sym = q.get("s", "").upper().removesuffix(".US")
            b = BARS.get(sym)
            if b is None:
                return self.send(200, b"No data", "text/csv")
            rows = ["Date,Open,High,Low,Close,Volume"] + [
                "%s,%s,%s,%s,%s,%d" % x for x in b]
            return self.send(200, ("\r\n".join(rows) + "\r\n").encode(),
                             "text/csv")
        if u.path == "/query":
            if q.get("apikey") != "secret":
                return self.send(200, {"Error Message": "the parameter "
                                       "apikey is invalid or missing."})
            b = BARS.get(q.get("symbol", ""))
            if b is None:
                return self.send(200, {"Error Message": "Invalid API call."
                                       " Please retry or visit the "
                                       "documentation for "
                                       "TIME_SERIES_DAILY."})
            if q.get("outputsize") != "full":
                b = b[-100:]
            ser = {d.isoformat(): {"1. open": "%.4f" % o,
                                   "2. high": "%.4f" % h,
                                   "3. low": "%.4f" % lo,
                                   "4. close": "%.4f" % c,
                                   "5. volume": str(v)}
                   for d, o, h, lo, c, v in reversed(b)}
            return self.send(200, {"Meta Data": {
                "1. Information": "Daily Prices (open, high, low, close) "
                "and Volumes", "2. Symbol": q["symbol"]},
                "Time Series (Daily)": ser})
        if u.path == "/time_series":
            b = BARS.get(q.get("symbol", ""))
            if b is None:
                return self.send(200, {"code": 404, "message": "**symbol**"
                                       " not found: %s." % q.get("symbol"),
                                       "status": "error"})
            n = int(q.get("outputsize", "30"))
            vals = [{"datetime": d.isoformat(), "open": "%.5f" % o,
                     "high": "%.5f" % h, "low": "%.5f" % lo,
                     "close": "%.5f" % c, "volume": str(v)}
                    for d, o, h, lo, c, v in reversed(b)][:n]
            return self.send(200, {"meta": {"symbol": q["symbol"],
                                            "interval": "1day",
                                            "currency": "USD",
                                            "exchange_timezone":
                                            "America/New_York",
                                            "exchange": "NASDAQ",
                                            "type": "Common Stock"},
                                   "values": vals, "status": "ok"})
        self.send(404, b"not found", "text/plain")


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".bars", "w") as f:
    for s, b in BARS.items():
        for d, o, h, lo, c, v in b:
            f.write("%s,%s,%s,%s,%s,%s,%d\n" % (d, s, o, h, lo, c, v))
with open(sys.argv[1], "w") as f:
    f.write(str(srv.server_port))
srv.serve_forever()
