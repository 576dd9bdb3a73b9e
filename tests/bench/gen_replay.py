#!/usr/bin/env python3
"""Generate a replay file for benchmarks: SYMBOLS symbols, one quote a
minute each, through regular NYSE sessions (14:30-21:00 UTC in winter, a
weekday each), as random walks with a 52-week range that follows them.

    gen_replay.py QUOTES [SYMBOLS] [SEED] > FILE.csv
"""
import random
import sys
from datetime import datetime, timedelta, timezone


def main():
    quotes = int(sys.argv[1])
    nsym = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    syms = ["S%03d" % i for i in range(nsym)]
    price = {s: rnd.uniform(5, 200) for s in syms}
    prev = dict(price)
    high = {s: price[s] * rnd.uniform(1.01, 1.3) for s in syms}
    low = {s: price[s] * rnd.uniform(0.6, 0.99) for s in syms}
    vol = {s: 0 for s in syms}
    day = datetime(2026, 1, 5, 14, 30, tzinfo=timezone.utc)  # a Monday
    minute = 0
    out = sys.stdout
    out.write("time,symbol,price,prev_close,high52,low52,volume\n")
    written = 0
    rows = []
    while written < quotes:
        if minute == 390:           # the session is over: the next day's
            minute = 0
            day += timedelta(days=3 if day.weekday() == 4 else 1)
            for s in syms:
                prev[s] = price[s]
                vol[s] = 0
        t = (day + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.clear()
        for s in syms:
            if written + len(rows) >= quotes:
                break
            p = max(0.01, price[s] * (1 + rnd.gauss(0, 0.004)))
            price[s] = p
            high[s] = max(high[s], p)
            low[s] = min(low[s], p)
            vol[s] += rnd.randrange(100, 5000)
            rows.append("%s,%s,%.2f,%.2f,%.2f,%.2f,%d\n" % (
                t, s, p, prev[s], high[s], low[s], vol[s]))
        out.write("".join(rows))
        written += len(rows)
        minute += 1


main()
