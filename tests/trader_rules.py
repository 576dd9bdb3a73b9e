#!/usr/bin/python3
"""An independent reference for the rules on the daily history, written
from their definitions in tickerd.conf(5), for tests/trader_rules.sh.

    trader_rules.py gen BARS.csv          writes daily bars for three symbols
    trader_rules.py expect BARS.csv       prints "SYMBOL|RULE|DATE" for every
                                          day each rule of RULES fires
    trader_rules.py value BARS.csv SYM DATE KIND N
                                          prints the indicator that day

The indicators (SMA, EMA seeded with the first SMA, Wilder's RSI) follow
their textbook definitions: J. Welles Wilder, New Concepts in Technical
Trading Systems (1978), as StockCharts' ChartSchool works them through.
The semantics are the level rules': fire when the condition becomes
true, re-arm when it is false beyond the hysteresis band (0.5%); a cross
is armed once its condition has been seen false; gap and volume once a
session; a trailing stop from the highest close since it was armed.
"""
import csv
import math
import random
import sys
from datetime import date, timedelta

H = 0.005
RULES = [
    ("cross above sma 50", "cross", ("sma", 50), "above"),
    ("cross below sma 50", "cross", ("sma", 50), "below"),
    ("cross above ema 20", "cross", ("ema", 20), "above"),
    ("sma 50 cross above sma 200", "macross", (("sma", 50), ("sma", 200)), "above"),
    ("sma 20 cross below ema 50", "macross", (("sma", 20), ("ema", 50)), "below"),
    ("within 1% of sma 200", "near", ("sma", 200), 1.0),
    ("rsi 14 above 70", "rsi", 14, ("above", 70.0)),
    ("rsi 14 below 30", "rsi", 14, ("below", 30.0)),
    ("volume 3x avg 20", "volume", 20, 3.0),
    ("gap 4%", "gap", None, 4.0),
    ("trailing-stop 8%", "trail", None, 8.0),
]


def gen(path):
    rows = []
    for k, sym in enumerate(("CALX", "QCOM", "AMBA")):
        rnd = random.Random(1000 + k)
        p = 40.0 + 30 * k
        d = date(2024, 6, 3)
        n = 0
        while n < 420:
            if d.weekday() < 5:
                # a slide, then a climb: averages cross; noise: RSI swings
                drift = -0.002 if n < 170 + 40 * k else 0.0035
                o = p * (1 + rnd.gauss(0, 0.006))
                if rnd.random() < 0.03:
                    o = p * (1 + rnd.choice((-1, 1)) * rnd.uniform(0.04, 0.07))
                c = o * (1 + drift + rnd.gauss(0, 0.018))
                hi = max(o, c) * (1 + abs(rnd.gauss(0, 0.004)))
                lo = min(o, c) * (1 - abs(rnd.gauss(0, 0.004)))
                v = int(rnd.uniform(0.8e6, 1.2e6) * (rnd.uniform(3.2, 4.5)
                                                     if rnd.random() < 0.03 else 1))
                rows.append((d, sym, round(o, 2), round(hi, 2), round(lo, 2),
                             round(c, 2), v))
                p = round(c, 2)
                n += 1
            d += timedelta(days=1)
    rows.sort(key=lambda r: (r[0], r[1]))
    with open(path, "w") as f:
        f.write("date,symbol,open,high,low,close,volume\n")
        for r in rows:
            f.write("%s,%s,%.2f,%.2f,%.2f,%.2f,%d\n" % ((r[0].isoformat(),) + r[1:]))


def load(path):
    by = {}
    for r in csv.DictReader(open(path)):
        by.setdefault(r["symbol"], []).append(
            (r["date"], float(r["open"]), float(r["close"]), float(r["volume"])))
    return by


def sma(c, t, n):
    return sum(c[t - n + 1:t + 1]) / n if t + 1 >= n else None


def ema_all(c, n):
    e = [None] * len(c)
    if len(c) < n:
        return e
    e[n - 1] = sum(c[:n]) / n
    a = 2.0 / (n + 1)
    for i in range(n, len(c)):
        e[i] = a * c[i] + (1 - a) * e[i - 1]
    return e


def rsi_all(c, n):
    r = [None] * len(c)
    if len(c) < n + 1:
        return r
    ch = [c[i] - c[i - 1] for i in range(1, len(c))]
    g = sum(max(x, 0) for x in ch[:n]) / n
    l = sum(max(-x, 0) for x in ch[:n]) / n

    def val(g, l):
        if l == 0:
            return 50.0 if g == 0 else 100.0
        return 100 - 100 / (1 + g / l)
    r[n] = val(g, l)
    for i in range(n + 1, len(c)):
        x = ch[i - 1]
        g = (g * (n - 1) + max(x, 0)) / n
        l = (l * (n - 1) + max(-x, 0)) / n
        r[i] = val(g, l)
    return r


def ma_all(c, spec):
    kind, n = spec
    if kind == "ema":
        return ema_all(c, n)
    return [sma(c, t, n) for t in range(len(c))]


def fires(bars, rule):
    text, kind, arg, extra = rule
    dates = [b[0] for b in bars]
    op = [b[1] for b in bars]
    c = [b[2] for b in bars]
    vol = [b[3] for b in bars]
    out = []
    fired, phase, hwm = False, "new", None
    if kind in ("cross", "near"):
        m = ma_all(c, arg)
    if kind == "macross":
        m1, m2 = ma_all(c, arg[0]), ma_all(c, arg[1])
    if kind == "rsi":
        rs = rsi_all(c, arg)
    for t in range(len(c)):
        p = c[t]
        session = kind in ("volume", "gap")
        if kind == "cross":
            if m[t] is None:
                continue
            cond = p > m[t] if extra == "above" else p < m[t]
            rearm = p < m[t] * (1 - H) if extra == "above" else p > m[t] * (1 + H)
        elif kind == "macross":
            if m1[t] is None or m2[t] is None:
                continue
            a, b = m1[t], m2[t]
            cond = a > b if extra == "above" else a < b
            rearm = a < b * (1 - H) if extra == "above" else a > b * (1 + H)
        elif kind == "near":
            if m[t] is None:
                continue
            dist = abs(p - m[t]) / m[t] * 100
            cond, rearm = dist <= extra + 1e-9, dist > extra + H * 100
        elif kind == "rsi":
            if rs[t] is None:
                continue
            way, x = extra
            cond = rs[t] > x if way == "above" else rs[t] < x
            rearm = rs[t] < x * (1 - H) if way == "above" else rs[t] > x * (1 + H)
        elif kind == "volume":
            if t < arg:
                continue
            avg = sum(vol[t - arg:t]) / arg
            cond, rearm = vol[t] >= extra * avg, True   # a new session
        elif kind == "gap":
            if t < 1:
                continue
            cond, rearm = abs(op[t] - c[t - 1]) / c[t - 1] * 100 >= extra - 1e-9, True
        elif kind == "trail":
            if not fired:
                hwm = p if hwm is None else max(hwm, p)
            stop = hwm * (1 - extra / 100)
            cond, rearm = p <= stop, p > stop * (1 + H)
        if kind in ("cross", "macross") and phase != "armed":
            if not cond:
                phase = "armed"
            elif phase == "new":
                phase = "waiting"
            continue
        if fired:
            if not rearm:
                continue
            fired = False
            if kind == "trail":
                hwm = p
                continue
        if cond:
            out.append(dates[t])
            fired = True
    return out


def main():
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
        return
    by = load(sys.argv[2])
    if sys.argv[1] == "expect":
        for sym in sorted(by):
            for rule in RULES:
                for d in fires(by[sym], rule):
                    print("%s|%s|%s" % (sym, rule[0], d))
        return
    sym, day, kind, n = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    bars = by[sym]
    c = [b[2] for b in bars]
    t = [b[0] for b in bars].index(day)
    v = {"sma": lambda: sma(c, t, n), "ema": lambda: ema_all(c, n)[t],
         "rsi": lambda: rsi_all(c, n)[t]}[kind]()
    print("%.6f" % v)


if __name__ == "__main__":
    main()
