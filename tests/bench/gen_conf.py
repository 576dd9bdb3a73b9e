#!/usr/bin/env python3
"""The watches of the backtest benchmark, one per symbol of a replay file,
with five rules around its first price:

    gen_conf.py FILE.csv > tickerd.conf
"""
import csv
import sys

seen = {}
with open(sys.argv[1], newline="") as f:
    for row in csv.reader(f):
        if not row or row[0] == "time":
            continue
        if row[1] in seen:      # every symbol quotes each minute
            break
        seen[row[1]] = float(row[2])
print("state-dir memory\ncontrol none\nnotifier syslog \"log\" { }\n"
      "notify \"log\"")
for s, p in seen.items():
    print("watch %s { above %.2f below %.2f move 5%% within 2%% of 52w-high "
          "new 52w-low }" % (s, p * 1.03, p * 0.97))
