#!/usr/bin/python3
"""The review's figures, computed independently from the quotes of a
replay file, for tests/review.sh.

    review.py gen FILE              writes four months of intraday quotes
    review.py years FILE N          writes N sessions of daily closes (one
                                    quote each, as from Stooq's daily CSV)
    review.py bars FILE N           writes N sessions of daily bars
                                    (date,symbol,open,high,low,close,volume)
    review.py checkbars FILE OUT    checks OUT's forward lines against them
    review.py check FILE OUT        checks every "forward" line of OUT (a
                                    backtest's) against FILE, to the cent
    review.py daemon BARS JSON      checks tickerctl review --json's rows
                                    against the daily bars of histserve.py

The definitions (tickerd.conf(5), REVIEW): the return after N days is
the close (the last price) of the N-th session after the alert's, over
the alert's price; the rise and fall are the highest and lowest price
after the alert, to the end of the last horizon's session.
"""
import csv
import json
import random
import sys
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
H = (1, 5, 20)


def write_quotes(path, rows):
    """(time, symbol, price) rows, in order, as a replay file."""
    rows.sort()
    with open(path, "w") as f:
        f.write("time,symbol,price,prev_close,high52,low52,volume\n")
        for t, s, p in rows:
            f.write("%s,%s,%.2f,,,,\n" % (t.strftime("%Y-%m-%dT%H:%M:%SZ"), s, p))


def weekdays(n):
    """n trading days from 2016-01-04: weekdays but Jan 1 and Dec 25."""
    d, got = date(2016, 1, 4), 0
    while got < n:
        if d.weekday() < 5 and not (d.month == 12 and d.day == 25) \
                and not (d.month == 1 and d.day == 1):
            yield d
            got += 1
        d += timedelta(days=1)


def gen(path):
    rows = []
    for k, sym in enumerate(("CALX", "QCOM", "NIO")):
        rnd = random.Random(77 + k)
        p = (44.0, 150.0, 4.2)[k]
        d = date(2025, 9, 1)
        while d < date(2026, 1, 10):
            if d.weekday() < 5 and d not in (date(2025, 11, 27), date(2025, 12, 25)):
                for m in range(7):
                    t = datetime(d.year, d.month, d.day, 10, 0, tzinfo=NY) + \
                        timedelta(minutes=55 * m)
                    p = max(0.5, p * (1 + rnd.gauss(0, 0.012)))
                    rows.append((t.astimezone(timezone.utc), sym, round(p, 2)))
            d += timedelta(days=1)
    write_quotes(path, rows)


def years(path, n):
    """n sessions of three symbols, one quote at each close; long enough
    that the history kept (600 sessions) slides many times."""
    rows = []
    for k, sym in enumerate(("AAPL", "MSFT", "NVDA")):
        rnd = random.Random(11 + k)
        p = (24.0, 50.0, 5.0)[k]
        for d in weekdays(n):
            t = datetime(d.year, d.month, d.day, 15, 59, tzinfo=NY)
            p = max(0.5, p * (1 + rnd.gauss(0.0004, 0.02)))
            rows.append((t.astimezone(timezone.utc), sym, round(p, 2)))
    write_quotes(path, rows)


def bars(path, n):
    """n sessions of daily bars of three symbols, as a Stooq or Yahoo
    daily CSV would give them; each row is a quote at its close."""
    rows = []
    for k, sym in enumerate(("AAPL", "MSFT", "NVDA")):
        rnd = random.Random(5 + k)
        p = (24.0, 50.0, 5.0)[k]
        for d in weekdays(n):
            o = p
            c = max(0.5, p * (1 + rnd.gauss(0.0004, 0.02)))
            h = max(o, c) * (1 + abs(rnd.gauss(0, 0.008)))
            lo = min(o, c) * (1 - abs(rnd.gauss(0, 0.008)))
            rows.append((d, sym, o, h, lo, c, rnd.randint(1000, 90000)))
            p = round(c, 2)
    rows.sort()
    with open(path, "w") as f:
        f.write("date,symbol,open,high,low,close,volume\n")
        for r in rows:
            f.write("%s,%s,%.2f,%.2f,%.2f,%.2f,%d\n" % (r[0].isoformat(), *r[1:]))


def checkbars(path, outpath):
    """The return after N days is the close of the N-th session after the
    alert's; rise and fall, the highest high and lowest low of the
    sessions after it up to the last horizon (the alert is at a close)."""
    import re
    by = {}
    for r in csv.DictReader(open(path)):
        by.setdefault(r["symbol"], []).append(
            (r["date"], float(r["high"]), float(r["low"]), float(r["close"])))
    n = bad = 0
    for line in open(outpath):
        m = re.match(r"forward (\S+) (.*) at (\S+): price ([\d.]+)(.*)", line)
        if not m:
            continue
        n += 1
        ses = by[m.group(1)]
        price = float(m.group(4))
        i0 = [x[0] for x in ses].index(m.group(3)[:10])
        ok = True
        for h, c, r in re.findall(r"\+(\d+)d ([\d.]+) \(([-+][\d.]+)%\)", m.group(5)):
            k = i0 + int(h)
            ok = ok and k < len(ses) and abs(ses[k][3] - float(c)) < 1e-9 and \
                abs((ses[k][3] / price - 1) * 100 - float(r)) <= 0.005 + 1e-9
        win = ses[i0 + 1:i0 + 1 + max(H)]
        rf = re.search(r"rise ([-+][\d.]+)%, fall ([-+][\d.]+)%", m.group(5))
        if win and rf:
            hi = max(max(x[1], x[3]) for x in win)
            lo = min(min(x[2], x[3]) for x in win)
            ok = ok and abs((hi / price - 1) * 100 - float(rf.group(1))) <= 0.005 + 1e-9 \
                and abs((lo / price - 1) * 100 - float(rf.group(2))) <= 0.005 + 1e-9
        if not ok:
            bad += 1
            if bad < 5:
                print("line:", line.strip())
    print("forward lines %d, %d wrong" % (n, bad))


def sessions(path):
    """Per symbol: [(date, [(time, price), ...]), ...] in order."""
    by = {}
    for r in csv.DictReader(open(path)):
        t = datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        d = t.astimezone(NY).date()
        s = by.setdefault(r["symbol"], [])
        if not s or s[-1][0] != d:
            s.append((d, []))
        s[-1][1].append((t, float(r["price"])))
    return by


def expect(by, sym, when, price):
    ses = by[sym]
    d0 = when.astimezone(NY).date()
    i0 = [x[0] for x in ses].index(d0)
    after = [p for t, p in ses[i0][1] if t > when]
    out = {}
    for h in H:
        if i0 + h < len(ses):
            c = ses[i0 + h][1][-1][1]
            out[h] = (c, (c / price - 1) * 100)
    for k in range(1, max(H) + 1):
        if i0 + k < len(ses):
            after += [p for t, p in ses[i0 + k][1]]
    if after:
        out["rise"] = (max(after) / price - 1) * 100
        out["fall"] = (min(after) / price - 1) * 100
    return out


def check(path, outpath):
    import re
    by = sessions(path)
    n = bad = 0
    for line in open(outpath):
        m = re.match(r"forward (\S+) (.*) at (\S+): price ([\d.]+)(.*)", line)
        if not m:
            continue
        n += 1
        sym, when, price = m.group(1), m.group(3), float(m.group(4))
        t = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        want = expect(by, sym, t, price)
        got = {}
        for h, c, r in re.findall(r"\+(\d+)d ([\d.]+) \(([-+][\d.]+)%\)", m.group(5)):
            got[int(h)] = (float(c), float(r))
        rf = re.search(r"rise ([-+][\d.]+)%, fall ([-+][\d.]+)%", m.group(5))
        if rf:
            got["rise"], got["fall"] = float(rf.group(1)), float(rf.group(2))
        ok = set(got) == set(want)
        for k in want:
            if not ok:
                break
            if k in ("rise", "fall"):
                ok = abs(got[k] - want[k]) <= 0.005 + 1e-9
            else:
                ok = abs(got[k][0] - want[k][0]) < 1e-9 and \
                    abs(got[k][1] - want[k][1]) <= 0.005 + 1e-9
        if not ok:
            bad += 1
            if bad < 5:
                print("line:", line.strip())
                print("want:", want)
    print("forward lines %d, %d wrong" % (n, bad))


def daemon(barspath, jsonpath):
    bars = {}
    for d, s, o, h, lo, c, v in csv.reader(open(barspath)):
        bars.setdefault(s, []).append((d, float(h), float(lo), float(c)))
    rows = json.load(open(jsonpath))["alerts"]
    bad = 0
    for r in rows:
        b = bars[r["symbol"]]
        i0 = [x[0] for x in b].index(r["day"])
        p = r["price"]
        for h in H:
            want = (b[i0 + h][3] / p - 1) * 100 if i0 + h < len(b) else None
            got = r["returns"][str(h)]
            if (want is None) != (got is None) or \
                    (want is not None and abs(want - got) > 1e-6):
                bad += 1
                print(r["day"], h, "want", want, "got", got)
        win = b[i0 + 1:i0 + 1 + max(H)]
        if win and abs((max(x[1] for x in win) / p - 1) * 100 - r["rise"]) > 1e-6:
            bad += 1
            print(r["day"], "rise", r["rise"])
        if win and abs((min(x[2] for x in win) / p - 1) * 100 - r["fall"]) > 1e-6:
            bad += 1
            print(r["day"], "fall", r["fall"])
    print("review rows %d, %d wrong" % (len(rows), bad))


if __name__ == "__main__":
    {"gen": lambda: gen(sys.argv[2]),
     "years": lambda: years(sys.argv[2], int(sys.argv[3])),
     "bars": lambda: bars(sys.argv[2], int(sys.argv[3])),
     "checkbars": lambda: checkbars(sys.argv[2], sys.argv[3]),
     "check": lambda: check(sys.argv[2], sys.argv[3]),
     "daemon": lambda: daemon(sys.argv[2], sys.argv[3])}[sys.argv[1]]()
