#!/bin/sh
# tickerd -d --once --replay FILE: a backtest over recorded quotes reports
# exactly the alerts they trigger, with hysteresis, `once', session moves
# and new 52-week highs, and ends with a summary table.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/quotes.csv" <<'END'
time,symbol,price,prev_close,high52,low52,volume
2026-03-02T14:30:00Z,CALX,44.40,44.00,44.53,27.73,1000
2026-03-02T14:35:00Z,CALX,44.55,44.00,44.55,27.73,2000
2026-03-02T14:40:00Z,CALX,44.50,44.00,44.55,27.73,3000
2026-03-02T14:45:00Z,CALX,44.60,44.00,44.60,27.73,4000
2026-03-02T14:50:00Z,CALX,44.40,44.00,44.60,27.73,5000
2026-03-02T14:55:00Z,CALX,44.56,44.00,44.60,27.73,6000
2026-03-02T15:00:00Z,CALX,44.20,44.00,44.60,27.73,7000
2026-03-02T15:05:00Z,CALX,44.61,44.00,44.61,27.73,8000
2026-03-02T14:30:00Z,NIO,5.10,5.00,9.00,4.00,100
2026-03-02T14:40:00Z,NIO,3.90,5.00,9.00,3.90,100
2026-03-02T14:50:00Z,NIO,4.50,5.00,9.00,3.90,100
2026-03-02T15:00:00Z,NIO,3.80,5.00,9.00,3.80,100
2026-03-03T14:30:00Z,CALX,44.70,44.61,44.61,27.73,1000
2026-03-03T14:35:00Z,CALX,46.90,44.61,46.90,27.73,2000
2026-03-03T14:40:00Z,CALX,47.00,44.61,47.00,27.73,3000
2026-03-04T14:30:00Z,CALX,44.00,47.00,47.00,27.73,1000
2026-03-04T14:35:00Z,CALX,47.50,47.00,47.50,27.73,2000
END
cat > "$T/tickerd.conf" <<'END'
state-dir "state"
notifier syslog "log" { }
notify "log"
watch CALX {
    above 44.53
    new 52w-high
    move 5%
}
watch NIO { below 4.00 once }
watch GONE { above 1 }
END

"$TICKERD" -d --once --replay "$T/quotes.csv" -f "$T/tickerd.conf" >"$T/out" 2>"$T/err"
rc=$?
cat "$T/err" "$T/out"
n_above=$(grep -c '^alert CALX above 44.53:' "$T/err")
# 44.55 fires; 44.50, 44.60, 44.40, 44.56 stay inside the 0.5% band
# (re-arm below 44.31); 44.20 re-arms, 44.61 fires; day 3 opens at 44.00
# (re-armed) and 47.50 fires.
check "hovering price: 3 alerts for 'above 44.53', got $n_above" \
    test "$n_above" -eq 3
check "first at 44.55" grep -q '^alert CALX above 44.53: price 44.55 USD (+1.2% today), 52w 27.73-44.55' "$T/err"
check "second at 44.61, after 44.20" grep -q '^alert CALX above 44.53: price 44.61' "$T/err"
n_once=$(grep -c '^alert NIO below 4.00:' "$T/err")
check "'once' rule crossed twice fires once (got $n_once)" test "$n_once" -eq 1
n_new=$(grep -c '^alert CALX new 52w-high:' "$T/err")
# day 1: 44.55 breaks 44.53, 44.61 breaks it again after 44.20 re-armed
# it; day 2: 44.70 breaks 44.61 (the high before the session) and the
# session's own rise to 47.00 does not fire again; day 3: 47.50 > 47.00.
check "new 52w-high: 4 alerts, got $n_new" test "$n_new" -eq 4
check "new high on day 1 at 44.55" grep -q '^alert CALX new 52w-high: price 44.55' "$T/err"
check "new high on day 2 at 44.70" grep -q '^alert CALX new 52w-high: price 44.70' "$T/err"
check "new high on day 3 at 47.50" grep -q '^alert CALX new 52w-high: price 47.50' "$T/err"
n_move=$(grep -c '^alert CALX move 5%:' "$T/err")
check "move 5%: day 2 (+5.1%) and day 3 (-6.4%), got $n_move" test "$n_move" -eq 2
check "unknown symbol reported" grep -q 'GONE: unknown symbol' "$T/err"
check "exit status 2 (GONE never quoted)" test "$rc" -eq 2
check "summary table" grep -q '^CALX *above 44.53 *3 *2026-03-02T14:35:00Z *2026-03-04T14:35:00Z' "$T/out"
check "summary total" grep -qx '10 alerts' "$T/out"

# A bad replay file names its line.
printf 'time,symbol,price,prev_close,high52,low52,volume\n2026-03-02T14:30:00Z,CALX,abc,1,2,1,0\n' > "$T/bad.csv"
"$TICKERD" -n --replay "$T/bad.csv" -f "$T/tickerd.conf" 2>"$T/err2"
check "bad replay file: exit 1" test $? -eq 1
check "bad replay file: FILE:LINE" grep -q "^$T/bad.csv:2: invalid number" "$T/err2"
finish
