#!/bin/sh
# The review of past alerts: a backtest's forward returns, rise and fall
# for each alert equal an independent computation from the same file, to
# the cent, and its table gains the per-rule summary; a daemon that was
# down fills the missing outcomes in from the provider's daily history;
# tickerctl review's table agrees with its --json.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
REF="$PY $SRCDIR/tests/review.py"

# ---- a backtest of four months of intraday quotes
$REF gen "$T/q.csv"
cat > "$T/bt.conf" <<'END'
state-dir memory
control none
notifier syslog "log" { }
notify "log"
watch CALX { above 46  below 42  move 3% }
watch QCOM { above 155 below 145 move 3% }
watch NIO { above 4.5 below 3.9 move 4% }
END
"$TICKERD" --once --replay "$T/q.csv" -f "$T/bt.conf" >"$T/out" 2>"$T/err"
check "the backtest ran" test $? -eq 0
n=$(grep -c '^forward ' "$T/out")
check "a forward line for each alert" grep -qx "$n alerts" "$T/out"
$REF check "$T/q.csv" "$T/out" > "$T/check"
cat "$T/check"
check "every return, rise and fall as computed independently" grep -q "^forward lines [1-9][0-9]*, 0 wrong" "$T/check"

# ---- ten years of daily closes: the history kept (600 sessions) slides
# under the alerts, and each outcome is still its own sessions'
$REF years "$T/y.csv" 2520
cat > "$T/y.conf" <<'END'
state-dir memory
control none
notifier syslog "log" { }
notify "log"
watch AAPL { rsi 14 below 30  move 4%  cross above sma 50 }
watch MSFT { rsi 14 above 70  move 4% }
watch NVDA { rsi 14 below 30  rsi 14 above 70  move 5% }
END
# years NAME CHECKER WHAT: the backtest of $T/NAME.csv, its forward lines
# checked by review.py CHECKER
years() {
	"$TICKERD" --once --replay "$T/$1.csv" -f "$T/y.conf" >"$T/$1.out" 2>"$T/$1.err"
	check "the ten-year backtest of $3 ran" test $? -eq 0
	$REF "$2" "$T/$1.csv" "$T/$1.out" > "$T/$1.check"
	cat "$T/$1.check"
	check "over 2,520 $3 every return, rise and fall equals the independent one" \
	    grep -Eq "^forward lines [0-9]{3,}, 0 wrong" "$T/$1.check"
}
years y check "sessions"
# ---- the same over ten years of daily bars, as from a daily CSV
$REF bars "$T/b.csv" 2520
years b checkbars "daily bars"
check "the table has the review's columns" grep -q '^SYMBOL .* FOLLOWED  MED+1    MED+5    MED+20' "$T/out"
check "a row says how often the move followed" grep -Eq '^QCOM +below 145 +[0-9]+ .* [0-9]+/[0-9]+ +[-+][0-9.]+%' "$T/out"

# ---- a daemon down for weeks fills the outcomes in from the history
$PY "$SRCDIR/tests/histserve.py" "$T/hport" CALX 2>"$T/hist.err" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/hport" || { fail "histserve did not start"; finish; }
mkdir -p "$T/st"
chmod 700 "$T/st"
$PY - "$T/hport.bars" "$T/st/review.json" <<'END'
import csv, json, sys
bars = [r for r in csv.reader(open(sys.argv[1])) if r[1] == "CALX"]
rows = []
for back, rule, note in ((30, "above 40", "thesis: <b>breakout</b> & more"),
                         (6, "below 38", None)):
    d, s, o, h, l, c, v = bars[-back]
    rows.append({"time": 1700000000, "day": d, "symbol": "CALX", "rule": rule,
                 "note": note, "price": float(c), "currency": "USD",
                 "direction": 1 if rule.startswith("above") else -1,
                 "returns": {"1": None, "5": None, "20": None},
                 "closes": {"1": None, "5": None, "20": None},
                 "rise": None, "fall": None, "sessions": 0, "done": False,
                 "ended": False})
json.dump({"version": 1, "alerts": rows}, open(sys.argv[2], "w"))
END
cat > "$T/d.conf" <<END
provider stooq { url "http://127.0.0.1:$(cat "$T/hport")" }
state-dir "st"
control "$T/ctl.sock"
notifier syslog "log" { }
notify "log"
watch CALX { above 100000 }
END
start_tickerd "$T/d.conf" "$T/d.err"
check "the outcomes are filled in" wait_for 20 sh -c "grep -q '\"done\":true' '$T/st/review.json' 2>/dev/null"
"$TICKERCTL" -s "$T/ctl.sock" review --json > "$T/review.json"
"$TICKERCTL" -s "$T/ctl.sock" review > "$T/review.txt"
"$TICKERCTL" -s "$T/ctl.sock" review CALX --since 2099-01-01 > "$T/none.txt"
kill "$TPID"; wait "$TPID" 2>/dev/null
$REF daemon "$T/hport.bars" "$T/review.json" > "$T/dcheck"
cat "$T/dcheck"
check "the returns, rise and fall from the provider's history" grep -q '^review rows 2, 0 wrong' "$T/dcheck"
check "the one of a week ago still waits for its 20th session" $PY - "$T/review.json" <<'END'
import json, sys
a = json.load(open(sys.argv[1]))["alerts"]
assert a[0]["done"] and a[0]["sessions"] == 20, a[0]
assert not a[1]["done"] and a[1]["sessions"] == 5 and a[1]["returns"]["20"] is None, a[1]
END
check "the table agrees with --json" $PY - "$T/review.json" "$T/review.txt" <<'END'
import json, sys
j = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().splitlines()
rows = [l for l in text if l[:4].isdigit()]
assert len(rows) == len(j["alerts"]), rows
def pct(v):
    return "-" if v is None else "%+.2f%%" % v
for r, line in zip(j["alerts"], rows):
    want = [pct(r["returns"][k]) for k in ("1", "5", "20")] + [pct(r["rise"]), pct(r["fall"])]
    assert line.split()[5:10] == want and r["day"] in line and r["rule"] in line, (line, want)
for s in j["by_rule"]:
    line = [l for l in text if l.startswith(s["rule"] + " ")][0]
    f = "%d/%d" % (s["followed"], s["judged"])
    assert f in line, (line, f)
    for k in ("1", "5", "20"):
        assert pct(s["median"][k]) in line, (line, s)
assert any(l.startswith("BY SYMBOL") for l in text)
END
check "the note as written" grep -q 'thesis: <b>breakout</b> & more' "$T/review.txt"
check "--since leaves nothing out there is" grep -q '^no alerts to review since 2099-01-01' "$T/none.txt"
finish
