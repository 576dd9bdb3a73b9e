#!/bin/sh
# tickerd --fetch-history: a year of daily bars from each provider's
# history endpoint (a local server speaking Yahoo's chart, Stooq's CSV,
# Alpha Vantage's TIME_SERIES_DAILY and Twelve Data's time_series; see
# tests/histserve.py) becomes the same replay file, whose every row is
# checked against an independent computation from the served bars; then
# it is backtested.
. "${top_srcdir:-.}/tests/lib.sh"

$PY "$SRCDIR/tests/histserve.py" "$T/port" CALX QCOM &
PIDS="$PIDS $!"
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T/port")
printf 'secret\n' > "$T/key"
chmod 600 "$T/key"

for prov in yahoo stooq alphavantage twelvedata; do
	case $prov in
	alphavantage|twelvedata) key="key-file \"$T/key\"" ;;
	*) key="" ;;
	esac
	cat > "$T/$prov.conf" <<END
provider $prov { url "http://127.0.0.1:$PORT" $key }
state-dir memory
notifier syslog "log" { }
notify "log"
watch CALX { above 1 }
END
	"$TICKERD" -f "$T/$prov.conf" --fetch-history CALX qcom --range 1y \
	    -o "$T/$prov.csv" 2>"$T/$prov.err"
	check "$prov: exit 0" test $? -eq 0
	check "$prov: says what it wrote" grep -q "rows of 2 symbols to $T/$prov.csv" "$T/$prov.err"
	check "$prov: the key is not in the log" sh -c "! grep -q secret '$T/$prov.err'"
done
cat "$T/yahoo.err"

# Every row against the served bars: the close, timed at the session's
# close; the previous close; the high and low of the 365 days to it.
$PY - "$T/port.bars" "$T/yahoo.csv" > "$T/verify" <<'PYEOF'
import csv, sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
bars = {}
for d, s, o, h, l, c, v in csv.reader(open(sys.argv[1])):
    bars.setdefault(s, []).append((date.fromisoformat(d), float(h), float(l), float(c), int(v), float(o)))
rows = list(csv.reader(open(sys.argv[2])))
assert rows[0] == "time,symbol,price,prev_close,high52,low52,volume,open,high,low".split(","), rows[0]
bad = 0
times = []
first = date.today() - timedelta(days=365)
want = sum(1 for s in bars for b in bars[s] if b[0] >= first)
for t, s, p, pc, h, l, v, do, dh, dl in rows[1:]:
    tt = datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=ZoneInfo("UTC"))
    times.append(tt)
    et = tt.astimezone(ZoneInfo("America/New_York"))
    d = et.date()
    b = bars[s]
    i = [x[0] for x in b].index(d)
    win = [x for x in b[:i + 1] if x[0] > d - timedelta(days=365)]
    exp = (b[i][3], b[i - 1][3], max(x[1] for x in win), min(x[2] for x in win), b[i][4], b[i][5], b[i][1], b[i][2])
    got = (float(p), float(pc), float(h), float(l), int(v), float(do), float(dh), float(dl))
    close_ok = (et.hour, et.minute) in ((16, 0), (13, 0))
    if any(abs(a - e) > 1e-9 for a, e in zip(got, exp)) or not close_ok:
        bad += 1
        if bad < 5:
            print("row", t, s, "got", got, "want", exp, "at", et)
print("rows %d of %d, %d wrong, sorted %s" % (len(rows) - 1, want, bad, times == sorted(times)))
PYEOF
cat "$T/verify"
check "every row right, in time order" grep -q "^rows \([0-9]*\) of \1, 0 wrong, sorted True" "$T/verify"
for prov in stooq alphavantage twelvedata; do
	check "$prov gives the same file as yahoo" cmp -s "$T/yahoo.csv" "$T/$prov.csv"
done

# What is fetched backtests in a second command.
cat > "$T/bt.conf" <<END
state-dir memory
notifier syslog "log" { }
notify "log"
watch CALX, QCOM { move 3%  new 52w-high  new 52w-low }
END
"$TICKERD" -d --once --replay "$T/yahoo.csv" -f "$T/bt.conf" >"$T/bt.out" 2>"$T/bt.err"
check "backtest of the fetched year: exit 0" test $? -eq 0
check "backtest: a table with alerts" grep -q '^CALX *move 3%' "$T/bt.out"
tail -n 3 "$T/bt.out"

# gzipped output, read back by the replay reader
"$TICKERD" -f "$T/stooq.conf" --fetch-history CALX -o "$T/calx.csv.gz" 2>/dev/null
check "gzipped output" sh -c "gzip -dc '$T/calx.csv.gz' | head -1 | grep -q '^time,symbol'"
check "gzipped output replays" "$TICKERD" -n --replay "$T/calx.csv.gz" -f "$T/bt.conf"

# An unknown symbol: the others are written, exit 2, each provider's words.
for prov in yahoo stooq alphavantage twelvedata; do
	"$TICKERD" -f "$T/$prov.conf" --fetch-history CALX NOPE -o "$T/some.csv" 2>"$T/some.err"
	check "$prov: unknown symbol: exit 2" test $? -eq 2
	check "$prov: unknown symbol named" grep -q "^NOPE: " "$T/some.err"
done
grep "^NOPE" "$T/some.err"
"$TICKERD" -f "$T/yahoo.conf" --fetch-history NOPE -o "$T/none.csv" 2>/dev/null
check "nothing fetched: exit 1" test $? -eq 1
check "nothing fetched: no file" test ! -e "$T/none.csv"
"$TICKERD" -f "$T/stooq.conf" --fetch-history CALX --interval 1m --range 5d -o "$T/m.csv" 2>"$T/m.err"
check "minute bars from stooq: refused, exit 1" test $? -eq 1
check "minute bars: says who serves them" grep -q "no provider of the chain serves minute history" "$T/m.err"
"$TICKERD" -f "$T/yahoo.conf" --fetch-history CALX --range 1q -o "$T/m.csv" 2>"$T/r.err"
check "bad --range: exit 1" test $? -eq 1
check "bad --range: says what it wants" grep -q "expected a number and d, w, mo or y" "$T/r.err"
finish
