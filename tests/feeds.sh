#!/bin/sh
# The feeds of issue 33, each against its local stand-in: Alpaca's IEX
# stream (auth first, 30 symbols on the free plan), Tiingo's IEX stream
# (heartbeats, trade rows of both lengths) and Coinbase Exchange's ticker
# channel (no key), their WebSockets from tests/fakestream.py and their
# REST answers from tests/payloadserve.py (tests/data/*/SOURCES).
. "${top_srcdir:-.}/tests/lib.sh"

D=$SRCDIR/tests/data
NY_1101=1772467261		# Monday 2 March 2026, 11:01 EST: NYSE open
mkdir -p "$T/rest/alpaca" "$T/rest/tiingo" "$T/rest/coinbase"
cp "$D/alpaca/AAPL.json" "$T/rest/alpaca/"
cp "$D/tiingo/AAPL.json" "$T/rest/tiingo/"
cp "$D/coinbase/BTC-USD.json" "$T/rest/coinbase/"
$PY "$SRCDIR/tests/payloadserve.py" "$T/rest.port" "$T/rest" \
    2>"$T/rest.err" &
PIDS="$PIDS $!"
$PY "$SRCDIR/tests/fakestream.py" "$T/ws.port" "$T/ws.log" \
    --token "AKID:s3cret" --limit 30 --ping 1 2>"$T/ws.err" &
WSPID=$!
PIDS="$PIDS $WSPID"
wait_for 20 test -s "$T/rest.port" && wait_for 20 test -s "$T/ws.port" ||
    { cat "$T/ws.err" "$T/rest.err"; fail "the stand-ins"; finish; }
REST="http://127.0.0.1:$(cat "$T/rest.port")"
WS="ws://127.0.0.1:$(cat "$T/ws.port")"
WCTL="http://127.0.0.1:$(cat "$T/ws.port")/ctl"
ctl() { curl -s "$WCTL/$1" >/dev/null; }
lines() { grep -c -- "$1" "$2" || true; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
subs() { grep -c "^.* conn $1 subscribe " "$T/ws.log" || true; }

# daemon NAME: tickerd on NAME.conf, its log NAME.err, the market clock
# at a New York session
daemon() {
	TICKERD_MARKET_CLOCK=$NY_1101 "$TICKERD" -d -f "$T/$1.conf" \
	    2>"$T/$1.err" &
	DPID=$!
	PIDS="$PIDS $DPID"
}
stop() { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; }

# --- Alpaca: a wrong key pair: one clear error, the symbols polled ---
printf 'AKID\nwrong\n' > "$T/bad.key"
chmod 600 "$T/bad.key" 
cat > "$T/bad.conf" <<END
provider alpaca { url "$REST" key-file "$T/bad.key"
    stream yes stream-url "$WS/alpaca/v2/iex" }
control none
state-dir memory
poll 2s
stale 1h
watch AAPL { above 200 }
END
daemon bad
wait_for 10 grep -q '^alert AAPL above 200' "$T/bad.err"
sleep 2
stop
check "alpaca, wrong keys: one clear error" test "$(lines \
    'stream alpaca: the feed refused tickerd (402 auth failed): check key-file' \
    "$T/bad.err")" -eq 1
check "alpaca, wrong keys: the symbols polled" grep -q \
    '^alert AAPL above 200: price 261.74 USD' "$T/bad.err"
check "alpaca, wrong keys: not retried at once" test "$(lines 'auth failed' \
    "$T/ws.log")" -eq 1
check "alpaca, wrong keys: the secret never logged" sh -c \
    "! grep -q wrong '$T/bad.err'"

# the REST API refusing the same key pair: still one line
printf 'AKID:s3cret\n' > "$T/rest/alpaca/key"
daemon bad
wait_for 10 grep -q 'auth failed' "$T/bad.err"
sleep 3
stop
rm -f "$T/rest/alpaca/key"
check "alpaca, wrong keys for both APIs: one line ($(grep -c 'refused' \
    "$T/bad.err"))" test "$(grep -c 'refused' "$T/bad.err")" -eq 1

# --- Alpaca: 31 symbols on the free plan; a crossing amid noise ---
# (the REST snapshot below the threshold, as the noise is)
sed -i 's/"p":261.74/"p":295.00/' "$T/rest/alpaca/AAPL.json"
printf 'AKID:s3cret\n' > "$T/good.key"
chmod 600 "$T/good.key"
{
	cat <<END
provider alpaca { url "$REST" key-file "$T/good.key"
    stream yes stream-url "$WS/alpaca/v2/iex" stream-timeout 5s }
control none
state-dir "$T/alpaca.state"
poll 30s
stale 1h
watch AAPL { above 300 }
END
	for i in $(seq 1 30); do echo "watch S$i { above 1000 }"; done
} > "$T/al.conf"
: > "$T/ws.log"
daemon al
wait_for 10 sh -c "[ \$(grep -c ' subscribe ' '$T/ws.log') -ge 30 ]"
sleep 1
check "alpaca: 30 of 31 streamed" test "$(grep -c ' subscribe ' "$T/ws.log")" \
    -eq 30
check "alpaca: the one beyond the plan said once" test "$(lines \
    'stream alpaca: 30 of 31 symbols streamed, the plan.s limit (stream-symbols); 1 is polled only' \
    "$T/al.err")" -eq 1
ctl "noise?sym=AAPL&rate=200&lo=298.6&hi=299.9"	# within the band
sleep 1
T0=$(date +%s.%N)
ctl "trade?sym=AAPL&price=305.10"
wait_for 1 grep -q '^alert AAPL above 300: price 305.10 USD' "$T/al.err"
T1=$(date +%s.%N)
ctl "noise?stop=1"
check "alpaca: a crossing amid 200 trades/s alerts within 1s ($(secs "$T0" "$T1")s)" \
    grep -q '^alert AAPL above 300: price 305.10 USD' "$T/al.err"
# a dropped connection: polled at once (the snapshot has the crossing's
# price by then), subscribed again, no double alert
sed -i 's/"p":295.00/"p":305.20/' "$T/rest/alpaca/AAPL.json"
ctl drop
wait_for 10 grep -q 'stream alpaca: lost' "$T/al.err"
wait_for 15 grep -q 'stream alpaca: back after' "$T/al.err"
check "alpaca: the loss said" test "$(lines 'stream alpaca: lost' \
    "$T/al.err")" -eq 1
check "alpaca: subscribed again on return" test "$(grep -c \
    ' subscribe AAPL$' "$T/ws.log")" -eq 2
ctl "trade?sym=AAPL&price=306.20"
sleep 1
stop
check "alpaca: exactly one alert, the crossing's" test "$(lines '^alert AAPL above 300' \
    "$T/al.err")" -eq 1

# --- Tiingo: a crossing row alerts; heartbeats alone keep it alive ---
printf 'tiingo-k3y\n' > "$T/tiingo.key"
chmod 600 "$T/tiingo.key"
cat > "$T/ti.conf" <<END
provider tiingo { url "$REST" key-file "$T/tiingo.key"
    stream yes stream-url "$WS/tiingo/iex" stream-timeout 5s }
control none
state-dir memory
poll 60s
stale 1h
watch AAPL { above 300 }
END
kill "$WSPID"; wait "$WSPID" 2>/dev/null
rm -f "$T/ws.port"
$PY "$SRCDIR/tests/fakestream.py" "$T/ws.port" "$T/ws.log" \
    --token "tiingo-k3y" --ping 1 2>>"$T/ws.err" &
PIDS="$PIDS $!"
wait_for 20 test -s "$T/ws.port"
WS="ws://127.0.0.1:$(cat "$T/ws.port")"
WCTL="http://127.0.0.1:$(cat "$T/ws.port")/ctl"
sed -i "s|stream-url \"[^\"]*\"|stream-url \"$WS/tiingo/iex\"|" "$T/ti.conf"
: > "$T/ws.log"
daemon ti
wait_for 10 grep -q ' subscribe aapl$' "$T/ws.log"
sleep 11		# heartbeats only, twice the stream-timeout
check "tiingo: heartbeats alone keep the feed" sh -c \
    "! grep -q 'stream tiingo: lost' '$T/ti.err'"
T0=$(date +%s.%N)
ctl "trade?sym=aapl&price=305.10"
wait_for 1 grep -q '^alert AAPL above 300: price 305.10 USD' "$T/ti.err"
T1=$(date +%s.%N)
stop
check "tiingo: a crossing A row alerts within 1s ($(secs "$T0" "$T1")s)" \
    test "$(lines '^alert AAPL above 300: price 305.10 USD' "$T/ti.err")" -eq 1

# --- Coinbase: no key, a BTC-USD ticker crossing alerts once ---
cat > "$T/cb.conf" <<END
provider coinbase { url "$REST" stream yes stream-url "$WS/coinbase" }
control none
state-dir memory
poll 60s
watch BTC-USD { above 100000 }
END
: > "$T/ws.log"
daemon cb
wait_for 10 grep -q ' subscribe BTC-USD$' "$T/ws.log"
sleep 0.5
ctl "trade?sym=BTC-USD&price=100250.5"
wait_for 2 grep -q '^alert BTC-USD above 100000' "$T/cb.err"
ctl "trade?sym=BTC-USD&price=100300"
sleep 1
stop
check "coinbase: the crossing alerts once, with no key" test "$(lines \
    '^alert BTC-USD above 100000: price 100,250.50 USD\|^alert BTC-USD above 100000: price 100250.50 USD' \
    "$T/cb.err")" -eq 1
check "coinbase: polled too (REST ticker)" grep -q \
    '^/products/BTC-USD/ticker' "$T/rest.port.log"

finish
