#!/usr/bin/env python3
"""when_rules.py OUT.csv EXPECT: a replay of five symbols over 60
sessions, four quotes a session, and the alert lines an independent
computation says `when' rules fire, with hysteresis 0% (a fired rule
re-arms as soon as the whole is false):

  A: when above 50 and move 3%      B: when below 40 or above 60
  C: when above 45 and below 55 or move 6%
  D: when (above 50 or below 40) and move 3%
  E: when move 6% or (above 45 and below 55)     (C, in other words)

A rule is armed at first, fires when its whole becomes true, and may
fire again only after being false.  `move P%' is |price - prev| / prev
>= P%, prev being the previous session's last price.
"""
import datetime
import random
import sys

out, expect = sys.argv[1], sys.argv[2]
random.seed(7)
rules = {
    "A": ("when above 50 and move 3%",
          lambda p, c: p >= 50 and abs(c) >= 3 - 1e-9),
    "B": ("when below 40 or above 60", lambda p, c: p <= 40 or p >= 60),
    "C": ("when above 45 and below 55 or move 6%",
          lambda p, c: (p >= 45 and p <= 55) or abs(c) >= 6 - 1e-9),
    "D": ("when (above 50 or below 40) and move 3%",
          lambda p, c: (p >= 50 or p <= 40) and abs(c) >= 3 - 1e-9),
    "E": ("when move 6% or (above 45 and below 55)",
          lambda p, c: abs(c) >= 6 - 1e-9 or (p >= 45 and p <= 55)),
}
price = {"A": 48.0, "B": 50.0, "C": 50.0, "D": 49.0, "E": 50.0}
prev = dict(price)
fired = {k: False for k in rules}
lines, alerts = [], []
day = datetime.date(2026, 3, 2)
for n in range(60):
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    for h in (15, 16, 18, 20):
        for s in sorted(rules):
            price[s] = round(max(1.0, price[s] * (1 + random.gauss(0, 0.03))),
                             2)
            p = price[s]
            c = (p - prev[s]) / prev[s] * 100
            lines.append("%sT%02d:00:00Z,%s,%.2f,%.2f,90.00,10.00,1000" % (
                day.isoformat(), h, s, p, prev[s]))
            cond = rules[s][1](p, c)
            if cond and not fired[s]:
                alerts.append("%s %s %.2f" % (s, rules[s][0], p))
            fired[s] = cond
    for s in rules:
        prev[s] = price[s]
    day += datetime.timedelta(days=1)
with open(out, "w") as f:
    f.write("time,symbol,price,prev_close,high52,low52,volume\n")
    f.write("\n".join(lines) + "\n")
with open(expect, "w") as f:
    f.write("\n".join(alerts) + "\n")
