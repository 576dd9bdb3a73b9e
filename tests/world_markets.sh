#!/bin/sh
# World markets: each symbol judged on its own exchange's session, in its
# own time zone, with its currency; date-only quotes timed at their
# day's close; answers for another symbol and refused keys classified.
# Recorded payloads (tests/data/world, see SOURCES there) are served
# verbatim by tests/payloadserve.py; the market clock is fixed with
# TICKERD_MARKET_CLOCK.
. "${top_srcdir:-.}/tests/lib.sh"

$PY "$SRCDIR/tests/payloadserve.py" "$T/port" "$SRCDIR/tests/data/world" &
PIDS="$PIDS $!"
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T/port")
URL="http://127.0.0.1:$PORT"
printf 'demo\n' > "$T/key"
chmod 600 "$T/key"

# conf NAME SYMBOL RULES...: a Yahoo configuration watching SYMBOL
conf() {
	cn=$1 cs=$2
	shift 2
	cat > "$T/$cn.conf" <<END
provider yahoo { url "$URL" batches no }
state-dir "$T/$cn.state"
poll 60s
market-hours yes
watch $cs { $* }
END
}

# once NAME EPOCH: one --once run of NAME.conf with the market clock at
# EPOCH; its log appended to NAME.err
once() {
	TICKERD_MARKET_CLOCK=$2 "$TICKERD" -d --once -f "$T/$1.conf" \
	    2>>"$T/$1.err"
}

# requests SYMBOL: how many times the server was asked for SYMBOL
requests() {
	grep -c -E " $1( key)?\$" "$T/port.log" || true
}

# 1. in each exchange's own session, when New York is closed or open
#    alike, the quote is fresh and the alerts fire, with the currency
inside() {
	name=$1 sym=$2 at=$3 line=$4
	conf "$name" "$sym" "above $5"
	check "$sym in its session: judged, --once exits 0" once "$name" "$at"
	check "$sym in its session: the alert fires" \
	    grep -q "^alert $sym above $5: price $line" "$T/$name.err"
	check "$sym in its session: not stale" \
	    sh -c "! grep -q stale '$T/$name.err'"
}
inside tokyo 6309.T $((1747636200 - 1200)) "1403.00 JPY" 1400
inside hk 0700.HK $((1786090091 - 1200)) "478.80 HKD" 470
inside london VOD.L $((1772706600 + 60)) "71.86 GBp" 71
inside toronto RY.TO $((1772726400 + 60)) "186.12 CAD" 180
inside crypto BTC-USD $((1772938800 + 60)) "68250.50 USD" 68000
# London's quotes lag 20 minutes on free services: 15 minutes is fresh
inside london-lag VOD.L $((1772706600 + 900)) "71.86 GBp" 71

# 2. the same payloads with the clock outside their session, New York
#    open: no stale complaint, and one judgement of the close, not two
outside() {
	name=$1 sym=$2 at=$3
	conf "$name-out" "$sym" "close above $4"
	once "$name-out" "$at"
	once "$name-out" $((at + 60))
	check "$sym outside its session: not stale" \
	    sh -c "! grep -q stale '$T/$name-out.err'"
	n=$(grep -c "^alert $sym close above $4" "$T/$name-out.err")
	check "$sym outside its session: the close judged once ($n)" \
	    test "$n" -eq 1
}
outside tokyo 6309.T $((1747636200 + 8 * 3600)) 1400
outside hk 0700.HK $((1786090091 + 6 * 3600)) 470
outside london VOD.L $((1772706600 + 8 * 3600)) 70
outside toronto RY.TO $((1772726400 + 8 * 3600)) 180
check "Tokyo's close is the quote's own day" \
    grep -q 'close above 1400: price 1403.00 JPY on 2025-05-19 (-2.0% today)' \
    "$T/tokyo-out.state/history.jsonl"

# 3. market hours in Tokyo: polls in the morning session, none over
#    lunch (11:30-12:30 JST)
cat > "$T/lunch.conf" <<END
state-dir memory
control none
provider yahoo { url "$URL" batches no }
poll 1s
market-hours yes
watch 6309.T { above 1400 }
END
TICKERD_MARKET_CLOCK=$((1747621800 - 3)) "$TICKERD" -d -f "$T/lunch.conf" \
    2>"$T/lunch.err" &
TPID=$!
PIDS="$PIDS $TPID"
check "Tokyo morning: polled" wait_for 5 sh -c "[ \$(grep -c ' 6309.T\$' '$T/port.log') -ge 2 ]"
sleep 6
n=$(requests 6309.T)
sleep 3
check "Tokyo lunch: no polls ($n, then $(requests 6309.T))" \
    test "$(requests 6309.T)" -eq "$n"
stop_tickerd

# 4. a date-only quote (Alpha Vantage's latest trading day, a Friday)
cat > "$T/av.conf" <<END
provider alphavantage { url "$URL" key-file "$T/key" }
state-dir "$T/av.state"
watch IBM { close above 200 }
END
# served on Tuesday 10 March 2026 16:05 EDT: of an old session, no alert
rc=0
TICKERD_MARKET_CLOCK=1773173100 "$TICKERD" -d --once -f "$T/av.conf" \
    2>"$T/av.err" || rc=$?
check "date-only quote of three sessions ago: not judged, --once exits 2" \
    test "$rc" -eq 2
check "date-only quote of three sessions ago: no close alert" \
    sh -c "! grep -q '^alert IBM' '$T/av.err'"
check "date-only quote of three sessions ago: said" \
    grep -q 'IBM: the quote is of 2026-03-06 16:00 EST (21:00 UTC), older than the last session of NYSE' "$T/av.err"
# served on Saturday: Friday's close, judged once, and dated
TICKERD_MARKET_CLOCK=1772884800 "$TICKERD" -d --once -f "$T/av.conf" \
    2>"$T/av2.err"
TICKERD_MARKET_CLOCK=1772888400 "$TICKERD" -d --once -f "$T/av.conf" \
    2>>"$T/av2.err"
check "date-only quote on the weekend: Friday's close, once" \
    test "$(grep -c '^alert IBM close above 200: price 234.89 USD' "$T/av2.err")" -eq 1

# 5. a 52-week range answer for another symbol is refused
cat > "$T/fh.conf" <<END
state-dir memory
provider finnhub { url "$URL" key-file "$T/key" }
watch AAPL { above 200 }
END
TICKERD_MARKET_CLOCK=1772740860 "$TICKERD" -d --once -f "$T/fh.conf" \
    2>"$T/fh.err"
check "a range answer for SPY is not taken for AAPL" \
    grep -q 'AAPL: no 52-week range from finnhub (answer is for symbol "SPY", not AAPL' "$T/fh.err"
check "the quote still alerts, without the foreign range" \
    grep -q '^alert AAPL above 200: price 261.74 USD (+0.9% today)$' "$T/fh.err"

# 6. Alpha Vantage's demo key: a refused key, said once, not retried
cat > "$T/demo.conf" <<END
state-dir memory
control none
provider alphavantage { url "$URL" key-file "$T/key" }
poll 1s
watch MSFT { above 100 }
END
start_tickerd "$T/demo.conf" "$T/demo.err"
sleep 4
stop_tickerd
check "demo key: one clear error" \
    test "$(grep -c 'alphavantage: the key was refused (The \*\*demo\*\* API key' "$T/demo.err")" -eq 1
check "demo key: asked once in 4s ($(requests MSFT))" test "$(requests MSFT)" -eq 1
# the invalid-key Error Message is a refused key too
cat > "$T/bad.conf" <<END
state-dir memory
provider alphavantage { url "$URL" key-file "$T/key" }
watch AAPL { above 100 }
END
"$TICKERD" -d --once -f "$T/bad.conf" 2>"$T/bad.err"
check "invalid key: refused" grep -q 'alphavantage: the key was refused (the parameter apikey is invalid' "$T/bad.err"

# 7. Twelve Data's plan-gated symbol: not available there, the fallback
#    answers
cat > "$T/td.conf" <<END
state-dir memory
provider twelvedata { url "$URL" key-file "$T/key" fallback yahoo }
provider yahoo { url "$URL" batches no }
watch VOD.L { above 71 }
END
TICKERD_MARKET_CLOCK=$((1772706600 + 60)) "$TICKERD" -d --once \
    -f "$T/td.conf" 2>"$T/td.err"
check "plan-gated: said so" grep -q 'VOD.L: not available from twelvedata (code 403' "$T/td.err"
check "plan-gated: the fallback answers" grep -q '^alert VOD.L above 71: price 71.86 GBp' "$T/td.err"
check "plan-gated: not called unknown" sh -c "! grep -q 'unknown or delisted' '$T/td.err'"
# 8. the same under libfaketime, as a user's whole clock would be: the
#    daemon's wall clock and its market clock are both the fixed one
if command -v faketime >/dev/null 2>&1; then
	conf fake 0700.HK "above 470"
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    TZ=UTC faketime "2026-08-07 07:50:00" "$TICKERD" -d --once \
	    -f "$T/fake.conf" 2>"$T/fake.err"
	check "faketime: Hong Kong in its session alerts" \
	    grep -q '^alert 0700.HK above 470: price 478.80 HKD' "$T/fake.err"
	check "faketime: not stale" sh -c "! grep -q stale '$T/fake.err'"
else
	echo "note: faketime is not installed; its case is not run"
fi
finish
