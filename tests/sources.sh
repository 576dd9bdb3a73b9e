#!/bin/sh
# The quote sources as they are in 2026 (issue 32), on recorded answers
# served by tests/payloadserve.py and trades by tests/fakestream.py, the
# market clock fixed with TICKERD_MARKET_CLOCK:
#  - Stooq's HTML page in place of its CSV: one line naming the API key,
#    none a symbol a poll, the fallback's quotes judged; key-file sends
#    apikey=;
#  - Yahoo's v7 401 "User is unable to access this feature": batches off
#    at once, said once, the chart API serving;
#  - a v7 quote without regularMarketTime: never stamped with the clock,
#    judged as the last close only once that session has ended;
#  - AAPL on NasdaqGS named Nasdaq; a missing 52-week range said once,
#    naming the rule that waits;
#  - a pre-market trade, a polled after-hours price: nothing fired by
#    default, one alert that says so with `session extended';
#  - --once names the symbols it could not quote, in one line.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SRCDIR/tests/data
CALX_TIME=1772480400		# calx.json's regularMarketTime, 14:40 EST
NY_1101=1772467261		# Monday 2 March 2026, 11:01 EST
TOKYO_1000=1772413200		# the same Monday, 10:00 JST: JPX in session
TOKYO_1800=1772442000		# 18:00 JST: closed since 15:30 (06:30 UTC)
TOKYO_CLOSE=1772433000
NY_0410=1772442600		# 04:10 EST: pre-market

# serve NAME: payloadserve.py on $T/NAME (its files), port in $NAME_URL
serve() {
	mkdir -p "$T/$1/yahoo" "$T/$1/stooq"
	$PY "$SRCDIR/tests/payloadserve.py" "$T/$1.port" "$T/$1" \
	    2>>"$T/$1.srv.err" &
	PIDS="$PIDS $!"
	wait_for 10 test -s "$T/$1.port"
	eval "$1_URL=http://127.0.0.1:$(cat "$T/$1.port")"
}

# run NAME SECONDS CLOCK [FLAGS]: the daemon on NAME.conf for SECONDS,
# log in NAME.err; FLAGS -dv (debug lines too) unless given
run() {
	TICKERD_MARKET_CLOCK=$3 "$TICKERD" ${4:--dv} -f "$T/$1.conf" \
	    2>"$T/$1.err" &
	rp=$!
	sleep "$2"
	kill "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
}

lines() { grep -c -- "$1" "$2" || true; }

# --- Stooq answers its browser check: said once, the fallback serves ---
serve st
cp "$D/stooq/verify.html" "$T/st/stooq/quote.html"
cp "$D/stooq/verify.html" "$T/st/stooq/history.html"
cp "$D/yahoo/calx.json" "$T/st/yahoo/CALX.json"
cat > "$T/st.conf" <<END
provider stooq { url "$st_URL" fallback yahoo }
provider yahoo { url "$st_URL" batches no }
control none
state-dir memory
stale 1h
poll 1s
watch CALX { above 40 }
watch QCOM { above 1 }
END
run st 5 $((CALX_TIME + 60)) -d
check "stooq: its page said once, naming the API key" test "$(lines \
    'stooq answered a browser check page, not data (HTTP 200): Stooq needs an API key since 2026 (key-file).*Not asked again for 3600s; meanwhile its symbols are asked of yahoo' \
    "$T/st.err")" -eq 1
check "stooq: no line a symbol a poll" test "$(grep -v \
    'starting\|^provider stooq' "$T/st.err" | grep -c 'stooq')" -le 2
check "stooq: not asked again within the hour" test "$(lines '^/q/l/' \
    "$T/st.port.log")" -eq 1
check "stooq: the fallback's quote judged" grep -q \
    '^alert CALX above 40: price 45.12 USD' "$T/st.err"
check "stooq: no CSV complaint" sh -c "! grep -q 'not a Stooq quote CSV' \
    '$T/st.err'"

# --- key-file sends apikey= ---
serve sk
cp "$D/stooq/quotes.csv" "$T/sk/stooq/quote.csv"
cp "$D/stooq/history.csv" "$T/sk/stooq/history.csv"
printf 'my-stooq-key\n' > "$T/stooq.key"
chmod 600 "$T/stooq.key"
cat > "$T/sk.conf" <<END
provider stooq { url "$sk_URL" key-file "$T/stooq.key" }
control none
state-dir memory
stale 1h
watch CALX { above 40 }
END
TICKERD_MARKET_CLOCK=1772485300 "$TICKERD" -dv --once -f "$T/sk.conf" \
    2>"$T/sk.err"
check "stooq key-file: apikey= on the quote request" grep -q \
    '^/q/l/ calx.us key$' "$T/sk.port.log"
check "stooq key-file: the key is never logged" sh -c "! grep -q \
    'my-stooq-key' '$T/sk.err'"
check "stooq key-file: the quote judged" grep -q \
    '^alert CALX above 40: price 45.12' "$T/sk.err"

# --- Yahoo refuses v7 to this client: batches off at once ---
serve yu
cp "$D/yahoo/unable_to_access.json" "$T/yu/yahoo/v7.json"
echo 401 > "$T/yu/yahoo/v7.status"
cp "$D/yahoo/calx.json" "$T/yu/yahoo/CALX.json"
cat > "$T/yu.conf" <<END
provider yahoo { url "$yu_URL" }
control none
state-dir memory
stale 1h
poll 1s
watch CALX { above 40 }
END
run yu 4 $((CALX_TIME + 60))
check "yahoo 401: batches off, said once" test "$(lines \
    'yahoo: batches are refused to this client (HTTP 401: Unauthorized: User is unable to access this feature.*for 6h' \
    "$T/yu.err")" -eq 1
check "yahoo 401: asked once, not renewed" test "$(lines \
    '^/v7/finance/quote' "$T/yu.port.log")" -eq 1
check "yahoo 401: the chart API serves" grep -q \
    '^alert CALX above 40: price 45.12' "$T/yu.err"

# --- v7 quotes of 2026: no market time, Nasdaq, no 52-week range ---
serve yv
cp "$D/yahoo/quote_v7_2026.json" "$T/yv/yahoo/v7.json"
cat > "$T/yv.conf" <<END
provider yahoo { url "$yv_URL" }
control none
state-dir memory
stale 1h
poll 1s
watch 7203.T { above 1 }
END
run yv 4 $TOKYO_1000
check "no market time, in session: said, not judged" test "$(lines \
    '7203.T: yahoo gives the quote no market time; not judged while JPX is in session' \
    "$T/yv.err")" -eq 1
check "no market time, in session: no alert" sh -c \
    "! grep -q '^alert 7203.T' '$T/yv.err'"
check "no market time: never stamped with the clock" sh -c \
    "! grep -q 'quote 7203.T 2885.50 at 17724132' '$T/yv.err'"
TICKERD_MARKET_CLOCK=$TOKYO_1800 "$TICKERD" -dv --once -f "$T/yv.conf" \
    2>"$T/yv2.err"
check "no market time, after the close: the close, judged" grep -q \
    "quote 7203.T 2885.50 at $TOKYO_CLOSE" "$T/yv2.err"
check "no market time, after the close: its alert" grep -q \
    '^alert 7203.T above 1: price 2885.50 JPY' \
    "$T/yv2.err"

cat > "$T/yn.conf" <<END
provider yahoo { url "$yv_URL" }
control "$T/yn.sock"
state-dir memory
stale 1h
poll 1s
watch AAPL { within 5% of 52w-high
    above 300 }
END
TICKERD_MARKET_CLOCK=$NY_1101 "$TICKERD" -dv -f "$T/yn.conf" \
    2>"$T/yn.err" &
YN=$!
wait_for 10 grep -q '^alert AAPL above 300' "$T/yn.err"
"$TICKERCTL" -s "$T/yn.sock" quotes > "$T/yn.quotes" 2>&1
sleep 2
kill $YN; wait $YN 2>/dev/null
check "NasdaqGS: AAPL named Nasdaq" grep -q 'AAPL: trades on NASDAQ' \
    "$T/yn.err"
check "NasdaqGS: tickerctl quotes says NASDAQ" grep -q '^AAPL *NASDAQ open' \
    "$T/yn.quotes"
check "no 52-week range: one line naming the waiting rule" test "$(lines \
    'AAPL: yahoo gives no 52-week range; within 5% of 52w-high waits for it' \
    "$T/yn.err")" -eq 1

# --- a pre-market trade ---
$PY "$SRCDIR/tests/fakestream.py" "$T/ws.port" "$T/ws.log" \
    2>"$T/ws.err" &
PIDS="$PIDS $!"
wait_for 20 test -s "$T/ws.port" || { cat "$T/ws.err"; fail "fakestream"; }
WPORT=$(cat "$T/ws.port")
trade() {
	curl -s "http://127.0.0.1:$WPORT/ctl/trade?sym=AAPL&price=$1&t=$2&mh=$3" \
	    >/dev/null
}
premarket() {	# NAME SESSION-LINE
	cat > "$T/$1.conf" <<END
provider yahoo { url "$yv_URL" batches no
    stream yes stream-url "ws://127.0.0.1:$WPORT/yahoo/?version=2" }
control none
state-dir memory
stale 1h
$2
watch AAPL { above 300 }
END
	: > "$T/ws.log"
	TICKERD_MARKET_CLOCK=$NY_0410 "$TICKERD" -dv -f "$T/$1.conf" \
	    2>"$T/$1.err" &
	pp=$!
	wait_for 10 grep -q 'subscribe AAPL' "$T/ws.log"
	sleep 0.5
	trade 299.10 $((NY_0410 * 1000)) 0
	sleep 0.3
	trade 305.76 $((NY_0410 * 1000 + 2000)) 0
	sleep 1.5
	kill $pp; wait $pp 2>/dev/null
}
premarket pre ""
check "pre-market trade, by default: nothing fired" sh -c \
    "! grep -q '^alert AAPL' '$T/pre.err'"
check "pre-market trade, by default: not judged, said why" grep -q \
    'AAPL: a pre-market price, not judged (session regular)' "$T/pre.err"
premarket ext "session extended"
check "session extended: one alert that says pre-market" test "$(lines \
    '^alert AAPL above 300: price 305.76 USD pre-market' "$T/ext.err")" -eq 1

# --- a polled post-market price (v7's postMarketPrice) ---
serve yp
cp "$D/yahoo/quote_v7_post.json" "$T/yp/yahoo/v7.json"
for h in regular extended; do
	cat > "$T/yp-$h.conf" <<END
provider yahoo { url "$yp_URL" }
control none
state-dir memory
session $h
watch AAPL { above 308 }
END
	TICKERD_MARKET_CLOCK=1772488860 "$TICKERD" -d --once \
	    -f "$T/yp-$h.conf" 2>"$T/yp-$h.err"
done
check "polled after-hours price, by default: nothing fired" sh -c \
    "! grep -q '^alert AAPL' '$T/yp-regular.err'"
check "polled after-hours price, session extended: its alert" test "$(lines \
    '^alert AAPL above 308: price 310.25 USD after hours' \
    "$T/yp-extended.err")" -eq 1

# --- --once: the symbols not quoted, in one line ---
cat > "$T/once.conf" <<END
provider yahoo { url "$yv_URL" batches no }
control none
state-dir memory
stale 1h
watch GONE, GONE2 { above 1 }
END
TICKERD_MARKET_CLOCK=$NY_1101 "$TICKERD" -d --once -f "$T/once.conf" \
    2>"$T/once.err"
check "--once: exit status 2" test $? -eq 2
check "--once: the symbols not quoted, in one line" grep -q \
    -- '--once: 2 symbols not quoted: GONE (unknown or delisted symbol), GONE2 (unknown or delisted symbol); exit status 2' \
    "$T/once.err"

finish
