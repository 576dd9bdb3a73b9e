#!/usr/bin/env python3
"""The peer a user would write: a plain csv-module loop over a replay file
that judges, per symbol, the rules the benchmark's watches carry (above,
below, move, within PCT of 52w-high, new 52w-low) the way tickerd.conf(5)
defines them: an alert when a condition becomes true, re-armed only when
it is false beyond the hysteresis band (0.5%) or a new session brings a new
reference; the 52-week low as it stood before each session (US Eastern
days).  Prints the number of alerts.

    backtest_loop.py FILE.csv TICKERD.CONF
"""
import csv
import math
import re
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

H = 0.005
ET = ZoneInfo("America/New_York")


def num(s):
    return float(s) if s else math.nan


def load_rules(conf):
    rules = {}
    pat = re.compile(r"^watch (\S+) \{ above (\S+) below (\S+) move (\S+)% "
                     r"within (\S+)% of 52w-high new 52w-low \}")
    with open(conf) as f:
        for line in f:
            m = pat.match(line)
            if m:
                rules[m.group(1)] = [float(v) for v in m.groups()[1:]]
    return rules


class Sym:
    def __init__(self, above, below, move, within):
        self.above, self.below, self.move, self.within = \
            above, below, move, within
        self.day = None
        self.low = self.seen_low = math.nan
        self.fired = [False] * 5
        self.move_ref = self.low_ref = math.nan
        self.last = 0


def session_day(t, cache={}):
    d = t // 3600
    if d not in cache:
        cache[d] = datetime.fromtimestamp(t, ET).date().toordinal()
    return cache[d]


def judge(s, t, price, prev, high52, low52):
    day = session_day(t)
    if s.day is None:
        s.day, s.low = day, low52
    elif day > s.day:
        s.day = day
        if not math.isnan(s.seen_low) and not math.isnan(low52):
            s.low = max(s.seen_low, low52)
        else:
            s.low = s.seen_low if math.isnan(low52) else low52
    elif math.isnan(s.low):
        s.low = low52
    if not math.isnan(low52):
        s.seen_low = low52
    n = 0
    f = s.fired
    # above
    if f[0] and price < s.above * (1 - H):
        f[0] = False
    if not f[0] and price >= s.above:
        f[0] = True
        n += 1
    # below
    if f[1] and price > s.below * (1 + H):
        f[1] = False
    if not f[1] and price <= s.below:
        f[1] = True
        n += 1
    # move
    if not math.isnan(prev) and prev > 0:
        c = (price - prev) / prev * 100
        if f[2] and (abs(prev - s.move_ref) > 1e-9 or
                     abs(c) < s.move - H * 100):
            f[2] = False
        if not f[2] and abs(c) >= s.move - 1e-9:
            f[2] = True
            s.move_ref = prev
            n += 1
    # within PCT of 52w-high
    if not math.isnan(high52):
        th = high52 * (1 - s.within / 100)
        if f[3] and price < th * (1 - H):
            f[3] = False
        if not f[3] and price >= th:
            f[3] = True
            n += 1
    # new 52w-low
    if not math.isnan(s.low):
        if f[4] and (abs(s.low - s.low_ref) > 1e-9 or
                     price > s.low * (1 + H)):
            f[4] = False
        if not f[4] and price < s.low:
            f[4] = True
            s.low_ref = s.low
            n += 1
    return n


def main():
    rules = load_rules(sys.argv[2])
    syms = {k: Sym(*v) for k, v in rules.items()}
    alerts = 0
    with open(sys.argv[1], newline="") as f:
        rows = csv.reader(f)
        for row in rows:
            if not row or row[0] == "time":
                continue
            s = syms.get(row[1])
            if s is None:
                continue
            t = parse_time(row[0])
            if t < s.last:
                continue
            s.last = t
            alerts += judge(s, t, float(row[2]), num(row[3]), num(row[4]),
                            num(row[5]))
    print("%d alerts" % alerts)


def parse_time(s, cache={}):
    day = s[:10]
    base = cache.get(day)
    if base is None:
        base = int(datetime.fromisoformat(day + "T00:00:00+00:00")
                   .timestamp())
        cache[day] = base
    return base + int(s[11:13]) * 3600 + int(s[14:16]) * 60 + int(s[17:19])


main()
