#!/bin/sh
# The rules on the daily history in the running daemon: a trailing stop
# followed across a kill -9 fires once, at the stop its persisted high
# gives; the daily history is fetched from the provider at start into
# the state directory, and replaced whole when the provider adjusts it
# for a split; tickerctl alerts shows each rule's indicator.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

# ---- a trailing stop across kill -9
cat > "$T/scenario" <<'END'
TRL price=100.00 prev=99.00 high=120.00 low=80.00
END
start_fakequote "$T/scenario"
cat > "$T/trail.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "trail.state"
control "$T/ctl.sock"
notifier syslog "log" { }
notify "log"
watch TRL { trailing-stop 8% }
END
start_tickerd "$T/trail.conf" "$T/trail1.err"
wait_polls TRL 2
sed -i 's/^TRL price=[0-9.]*/TRL price=110.00/' "$T/scenario"
check "the high is kept in state.json" wait_for 15 sh -c "grep -q '\"hwm\":110' '$T/trail.state/state.json' 2>/dev/null"
"$TICKERCTL" -s "$T/ctl.sock" alerts > "$T/alerts.out"
check "tickerctl alerts shows the stop and the high" grep -q 'trailing-stop 8%.*stop 101.20, high 110.00' "$T/alerts.out"
kill -9 "$TPID"; wait "$TPID" 2>/dev/null
sed -i 's/^TRL price=[0-9.]*/TRL price=104.00/' "$T/scenario"
start_tickerd "$T/trail.conf" "$T/trail2.err"
wait_polls TRL 3
check "no alert above the stop" sh -c "! grep -q '^alert TRL' '$T/trail2.err'"
sed -i 's/^TRL price=[0-9.]*/TRL price=101.00/' "$T/scenario"
check "the stop fires" wait_for 15 grep -q '^alert TRL trailing-stop 8%' "$T/trail2.err"
sed -i 's/^TRL price=[0-9.]*/TRL price=99.50/' "$T/scenario"
wait_polls TRL 3
kill "$TPID"; wait "$TPID" 2>/dev/null
check "once, at 101.00, from the high of 110.00 kept across kill -9" test \
    "$(grep '^alert TRL' "$T/trail1.err" "$T/trail2.err" | sed 's/^[^:]*://')" = \
    "alert TRL trailing-stop 8%: price 101.00 USD (+2.0% today), stop 101.20, high 110.00, 52w 80.00-120.00"

# ---- the daily history, from the provider, into the state directory
$PY "$SRCDIR/tests/histserve.py" "$T/hport" CALX QCOM AMBA NIO FUBO PLTR 2>"$T/hist.err" &
HPID=$!
PIDS="$PIDS $HPID"
wait_for 10 test -s "$T/hport" || { fail "histserve did not start"; finish; }
HPORT=$(cat "$T/hport")
cp "$T/hport.bars" "$T/base.bars"
cat > "$T/hist.conf" <<END
provider stooq { url "http://127.0.0.1:$HPORT" }
poll 1m
state-dir "hist.state"
control none
notifier syslog "log" { }
notify "log"
watch CALX, QCOM, AMBA, NIO, FUBO, PLTR { cross above sma 50  rsi 14 below 30 }
END
start_tickerd "$T/hist.conf" "$T/hist1.err"
check "the history is fetched into daily/CALX.csv" wait_for 15 test -s "$T/hist.state/daily/CALX.csv"
check "and every symbol's, one request after another" wait_for 15 sh -c "[ \$(ls '$T/hist.state/daily' | grep -c 'csv\$') -eq 6 ]"
kill "$TPID"; wait "$TPID" 2>/dev/null
check "from Stooq's daily endpoint" grep -q '^/q/d/l' "$T/hport.log"
cmp_history() {	# cmp_history SCALE: the file holds every bar, so scaled
	$PY - "$T/base.bars" "$T/hist.state/daily/CALX.csv" "$1" <<'END'
import csv, sys
scale = float(sys.argv[3])
want = [r for r in csv.reader(open(sys.argv[1])) if r[1] == "CALX"]
got = list(csv.reader(open(sys.argv[2])))
assert got[0] == ["date", "open", "high", "low", "close", "volume"], got[0]
got = got[1:]
assert len(got) == len(want), (len(got), len(want))
for w, g in zip(want, got):
    assert w[0] == g[0], (w, g)
    for a, b in zip(w[2:6], g[1:5]):
        assert abs(round(float(a) * scale, 2) - float(b)) < 1e-9, (w, g)
END
}
check "every bar, as the provider gave it" cmp_history 1
kill "$HPID"; wait "$HPID" 2>/dev/null
rm -f "$T/hport"
HISTSERVE_SCALE=0.5 $PY "$SRCDIR/tests/histserve.py" "$T/hport" CALX 2>"$T/hist.err" &
HPID=$!
PIDS="$PIDS $HPID"
wait_for 10 test -s "$T/hport" || { fail "histserve did not start"; finish; }
sed -i "s/127.0.0.1:$HPORT/127.0.0.1:$(cat "$T/hport")/" "$T/hist.conf"
start_tickerd "$T/hist.conf" "$T/hist2.err"
check "a split-adjusted history is said" wait_for 15 grep -q 'CALX: stooq adjusted its history (closes 0.5 times those kept' "$T/hist2.err"
kill "$TPID"; wait "$TPID" 2>/dev/null
check "and replaces the kept one whole" cmp_history 0.5
finish
