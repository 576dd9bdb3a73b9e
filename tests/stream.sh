#!/bin/sh
# Streamed quotes (provider X { stream yes }): both feeds' shapes from a
# local WebSocket server (tests/fakestream.py).  A crossing trade amid 200
# trades a second is alerted within a second, once; a dropped feed hands
# its symbols to polling at once, and the alert the poll brings is not
# repeated when the feed is back; a silent feed is lost and found again;
# malformed messages (not JSON, broken base64, a broken protobuf) are
# said and skipped, and the feed goes on.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"

cat > "$T/scenario" <<'END'
CRUMB status=404
AAPL price=99.00 prev=98.00 high=120.00 low=80.00
MSFT price=299.00 prev=295.00 high=320.00 low=250.00
QCOM price=150.00 prev=149.00 high=180.00 low=120.00
BTC-USD price=90000 prev=89000 high=100000 low=50000
BINANCE:BTCUSDT price=90000 prev=89000 high=100000 low=50000
7203.T price=2400 prev=2390 high=3000 low=2000
END
start_fakequote "$T/scenario"
printf 'k3y-%s\n' "$$" > "$T/key"
chmod 600 "$T/key"
WLOG=$T/ws.log
$PY "$SRCDIR/tests/fakestream.py" "$T/ws.port" "$WLOG" --token "k3y-$$" \
    --ping 1 --ws-ping 1 2>"$T/ws.err" &
PIDS="$PIDS $!"
wait_for 20 test -s "$T/ws.port" || { cat "$T/ws.err"; fail "fakestream did not start"; finish; }
WPORT=$(cat "$T/ws.port")
ws() { curl -s -G "http://127.0.0.1:$WPORT/ctl/$1" "$@"; }
ctl() { "$TICKERCTL" -s "$T/ctl.sock" "$@"; }
alerts() { grep -c "^alert $1 " "$2" || true; }
now() { date +%s.%N; }

# --- configuration ---
cat > "$T/bad1.conf" <<END
provider stooq {
    stream yes
}
END
check "stream on a provider without one is FILE:LINE" sh -c \
    "'$TICKERD' -n -f '$T/bad1.conf' 2>&1 | grep -q 'bad1.conf:1: provider stooq: has no stream (streams: finnhub, yahoo, alpaca, tiingo, coinbase)'"
cat > "$T/bad2.conf" <<END
provider yahoo { stream yes
    stream-url "http://127.0.0.1:1/" }
END
check "stream-url must be ws:// or wss://" sh -c \
    "'$TICKERD' -n -f '$T/bad2.conf' 2>&1 | grep -q 'bad2.conf:2: .*ws://'"
cat > "$T/bad3.conf" <<END
provider yahoo { stream yes stream-window 20s }
END
check "stream-window above 10s is refused" sh -c \
    "'$TICKERD' -n -f '$T/bad3.conf' 2>&1 | grep -q 'bad3.conf:1: stream-window: \"20s\" is not a time from 0 to 10s'"

# --- Finnhub's shape ---
cat > "$T/finnhub.conf" <<END
provider finnhub { url "http://127.0.0.1:$QPORT" key-file "$T/key"
    stream yes stream-url "ws://127.0.0.1:$WPORT/" stream-symbols 3
    stream-timeout 5s map "BTC-USD" "BINANCE:BTCUSDT" }
poll 20s
timeout 3s
state-dir "state-f"
control "ctl.sock"
watch AAPL { above 100 }
watch MSFT { above 300 }
watch BTC-USD { exchange CRYPTO above 95000 }
watch QCOM { above 200 }
END
"$TICKERD" -d -v -f "$T/finnhub.conf" 2>"$T/f.err" &
TPID=$!
PIDS="$PIDS $TPID"
check "subscribed AAPL, MSFT and BTC-USD as Finnhub spells it" wait_for 10 sh -c \
    "grep -q 'subscribe AAPL' '$WLOG' && grep -q 'subscribe MSFT' '$WLOG' && grep -q 'subscribe BINANCE:BTCUSDT' '$WLOG'"
check "the plan's limit: QCOM is not subscribed" sh -c "! grep -q 'subscribe QCOM' '$WLOG'"
check "... and that is said" grep -q '^stream finnhub: 3 of 4 symbols streamed, the plan.s limit (stream-symbols); 1 is polled only' "$T/f.err"
check "the key went as token=, and is not logged" wait_for 5 sh -c \
    "grep -q 'stream finnhub: 3 symbols streamed from ws://127.0.0.1:$WPORT/?token=REDACTED' '$T/f.err' && ! grep -q 'k3y-$$' '$T/f.err'"
wait_for 5 test -S "$T/ctl.sock"
check "tickerctl quotes: QCOM polled" sh -c "'$TICKERCTL' -s '$T/ctl.sock' quotes | grep '^QCOM ' | grep -q ' polled '"
check "tickerctl status: the stream is up" wait_for 5 sh -c "'$TICKERCTL' -s '$T/ctl.sock' status | grep -q '^stream         finnhub up, 3 symbols'"

# a crossing trade amid 200 trades a second of AAPL, and as many of MSFT
ws noise --data 'sym=MSFT&rate=200&lo=298.00&hi=299.00' >/dev/null
ws noise --data 'sym=AAPL&rate=200&lo=99.00&hi=99.40' >/dev/null
sleep 2
check "tickerctl quotes: AAPL streamed" sh -c "'$TICKERCTL' -s '$T/ctl.sock' quotes | grep '^AAPL ' | grep -q 'stream finnhub'"
ws noise --data 'sym=AAPL&stop=1' >/dev/null
t0=$(now)
ws trade --data 'sym=AAPL&price=100.50' >/dev/null
if wait_for 1 grep -q '^alert AAPL above 100: price 100.50' "$T/f.err"; then
	pass "the crossing trade is alerted within 1s ($(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')s)"
else
	fail "the crossing trade is alerted within 1s"
fi
ws noise --data 'sym=AAPL&rate=200&lo=100.10&hi=100.90' >/dev/null
sleep 2
ws noise --data 'stop=1' >/dev/null
sent=$(grep -c ' trade [AM][AS][PF][LT] ' "$WLOG")
judged=$(grep -c '^quote [AM][AS][PF][LT] ' "$T/f.err")
check "exactly one AAPL alert ($(alerts AAPL "$T/f.err"))" test "$(alerts AAPL "$T/f.err")" -eq 1
check "$sent trades, $judged evaluations: coalesced" test "$judged" -lt $((sent / 3))
check "tickerctl quotes: AAPL's last price and its age" sh -c \
    "'$TICKERCTL' -s '$T/ctl.sock' quotes | grep '^AAPL ' | grep -q ' 100\.[1-9][0-9] USD .* stream finnhub  *[0-9]s '"

# the feed drops mid-session: polling takes over
ws trade --data 'sym=MSFT&price=299.10' >/dev/null
sleep 0.5
sed -i 's/^MSFT price=299.00/MSFT price=301.00/; s/^AAPL price=99.00/AAPL price=100.60/' "$T/scenario"
ws refuse --data 'secs=4' >/dev/null
ws drop >/dev/null
check "the loss is said" wait_for 5 grep -q '^stream finnhub: lost (closed by the server); its 3 symbols are polled until it is back' "$T/f.err"
check "MSFT is polled at once, and the poll alerts" wait_for 5 grep -q '^alert MSFT above 300: price 301.00' "$T/f.err"
check "tickerctl quotes: MSFT polled meanwhile" sh -c "'$TICKERCTL' -s '$T/ctl.sock' quotes | grep '^MSFT ' | grep -q ' polled '"
check "the return is said" wait_for 20 grep -q '^stream finnhub: back after [0-9]*s; 3 symbols streamed' "$T/f.err"
check "resubscribed" test "$(grep -c 'subscribe MSFT' "$WLOG")" -ge 2
ws trade --data 'sym=MSFT&price=301.50' >/dev/null
ws trade --data 'sym=AAPL&price=100.70' >/dev/null
sleep 1
check "nothing doubled: one MSFT alert ($(alerts MSFT "$T/f.err")), one AAPL ($(alerts AAPL "$T/f.err"))" \
    sh -c "[ $(alerts MSFT "$T/f.err") -eq 1 ] && [ $(alerts AAPL "$T/f.err") -eq 1 ]"
check "tickerctl quotes: MSFT streamed again at 301.50" sh -c \
    "'$TICKERCTL' -s '$T/ctl.sock' quotes | grep '^MSFT ' | grep ' 301.50 ' | grep -q 'stream finnhub'"

# a malformed frame is said once; the feed goes on
ws raw --data-urlencode 'text=garbage{' >/dev/null
ws raw --data-urlencode 'text={"type":"trade","data":[{"s":"AAPL"}]}' >/dev/null
sleep 0.3
ws trade --data 'sym=BINANCE:BTCUSDT&price=95001' >/dev/null
check "the feed goes on: BTC-USD alerts" wait_for 2 grep -q '^alert BTC-USD above 95000: price 95001.00' "$T/f.err"
check "the garbage is said once" test "$(grep -c "^stream finnhub: malformed message skipped (not JSON: .*\"garbage{\"" "$T/f.err")" -eq 1
check "the trade without a price is said once" test "$(grep -c '^stream finnhub: malformed message skipped (1 of 1 trades without a symbol or a price)' "$T/f.err")" -eq 1

# silence while a market is open (BTC-USD's always is)
ws silence --data 'on=1' >/dev/null
check "a silent feed is lost after stream-timeout" wait_for 12 grep -q '^stream finnhub: lost (nothing came for 5s)' "$T/f.err"
ws silence --data 'on=0' >/dev/null
check "and back when it talks" wait_for 20 sh -c "[ \$(grep -c '^stream finnhub: back after' '$T/f.err') -eq 2 ]"
check "each loss said once ($(grep -c '^stream finnhub: lost' "$T/f.err"))" test "$(grep -c '^stream finnhub: lost' "$T/f.err")" -eq 2
check "no sanitizer report" sh -c "! grep -q 'Sanitizer' '$T/f.err'"
stop_tickerd
check "it stops cleanly ($TRC)" test "$TRC" -eq 0

# --- Yahoo's shape, version 2 ---
# the poll at the start may come before the stream is up: AAPL below
# its level again, as at the start (the Finnhub part left it above)
sed -i 's/^AAPL price=100.60/AAPL price=99.00/' "$T/scenario"
cat > "$T/yahoo.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT"
    stream yes stream-url "ws://127.0.0.1:$WPORT/yahoo/?version=2" }
poll 20s
state-dir "state-y"
control none
watch AAPL { above 100 }
watch 7203.T { above 2500 }
END
start_tickerd "$T/yahoo.conf" "$T/y.err"
check "Yahoo: subscribed" wait_for 10 grep -q 'subscribe 7203.T' "$WLOG"
ws noise --data 'sym=AAPL&rate=200&lo=99.00&hi=99.40' >/dev/null
sleep 2
ws trade --data 'sym=AAPL&price=100.25&v=1234567' >/dev/null
check "Yahoo: the crossing trade is alerted within 1s" wait_for 1 grep -q '^alert AAPL above 100: price 100.25' "$T/y.err"
sleep 1
ws noise --data 'stop=1' >/dev/null
ws raw --data-urlencode 'text={"type":"pricing","message":"!!notbase64"}' >/dev/null
ws raw --data-urlencode 'text={"type":"pricing","message":"CgRBQVBMFQ"}' >/dev/null
sleep 0.3
ws trade --data 'sym=7203.T&price=2510' >/dev/null
check "Yahoo: the feed goes on after broken messages" wait_for 2 grep -q '^alert 7203.T above 2500: price 2510.00' "$T/y.err"
check "Yahoo: broken base64 said once" test "$(grep -c '^stream yahoo: malformed message skipped (the message is not base64)' "$T/y.err")" -eq 1
check "Yahoo: a broken protobuf said once" test "$(grep -c '^stream yahoo: malformed message skipped (the message is not a PricingData protobuf)' "$T/y.err")" -eq 1
check "Yahoo: one AAPL alert" test "$(alerts AAPL "$T/y.err")" -eq 1
stop_tickerd

# --- Yahoo's shape, version 1: base64 alone ---
sed 's|/yahoo/?version=2|/yahoo/|; s|state-y|state-y1|' "$T/yahoo.conf" > "$T/yahoo1.conf"
start_tickerd "$T/yahoo1.conf" "$T/y1.err"
wait_for 10 sh -c "[ \$(grep -c 'subscribe 7203.T' '$WLOG') -ge 2 ]"
sleep 0.5
ws trade --data 'sym=7203.T&price=2520' >/dev/null
check "Yahoo version 1: alerted" wait_for 2 grep -q '^alert 7203.T above 2500: price 2520.00' "$T/y1.err"
stop_tickerd
finish
