#!/bin/sh
# The daemon polling a local Yahoo-shaped server every second: one alert
# per crossing however many polls see it, re-armed only beyond the band;
# a throttled symbol is not hammered (Retry-After), truncated, malformed
# and null payloads are logged once and skipped, a slow server does not
# stall the others, and SIGTERM stops it promptly with exit status 0.
# Yahoo's chart API, one symbol a request: no crumb is to be had
# (CRUMB status=404), so that each fault stays its symbol's own.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CRUMB status=404
CALX price=45.00 prev=44.00 high=45.00 low=27.73
BUSY status=429 retry-after=120
TRNC truncated price=10 prev=10 high=12 low=8
NULP nullprice price=10 prev=10 high=12 low=8
JUNK malformed
SLOW delay=30 price=10 prev=10 high=12 low=8
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
poll 1s
timeout 2s
watch CALX { note "N" above 44.53 }
watch BUSY, TRNC, NULP, JUNK, SLOW, GONE { above 1 }
END

start_tickerd "$T/tickerd.conf" "$T/err"

check "CALX alert within 5s" wait_for 5 grep -q '^alert CALX above 44.53: price 45.00' "$T/err"
# let it poll a few more times at the same price
wait_for 10 sh -c "[ \$(grep -c '^CALX	' '$QLOG') -ge 5 ]"
n=$(grep -c '^alert CALX' "$T/err")
check "one alert for 5 polls above the threshold (got $n)" test "$n" -eq 1
check "SLOW times out without stalling CALX" wait_for 6 grep -q 'SLOW: Timeout was reached' "$T/err"

# inside the band (re-arm needs < 44.31): still one alert
sed -i 's/^CALX .*/CALX price=44.40 prev=44.00 high=45.00 low=27.73/' "$T/scenario"
wait_polls CALX 2
sed -i 's/^CALX .*/CALX price=44.90 prev=44.00 high=45.00 low=27.73/' "$T/scenario"
wait_polls CALX 2
n=$(grep -c '^alert CALX' "$T/err")
check "a dip inside the band does not re-fire (got $n)" test "$n" -eq 1
# beyond the band: re-armed, and the next crossing fires
sed -i 's/^CALX .*/CALX price=44.00 prev=44.00 high=45.00 low=27.73/' "$T/scenario"
wait_polls CALX 2
sed -i 's/^CALX .*/CALX price=44.80 prev=44.00 high=45.00 low=27.73/' "$T/scenario"
check "re-armed beyond the band, fires again" wait_for 5 grep -q '^alert CALX above 44.53: price 44.80' "$T/err"

check "throttled symbol asked once (Retry-After: 120)" test "$(count_requests BUSY)" -eq 1
check "rate limit logged" grep -q 'BUSY: rate-limited by yahoo (HTTP 429 Too Many Requests); not asked again for 120s' "$T/err"
check "truncated body logged once" test "$(grep -c '^TRNC:' "$T/err")" -eq 1
check "truncated body: backed off (asked $(count_requests TRNC) times)" test "$(count_requests TRNC)" -le 4
check "truncated body named" grep -q '^TRNC: malformed JSON' "$T/err"
check "null price logged" grep -q '^NULP: null regularMarketPrice' "$T/err"
check "malformed body logged" grep -q '^JUNK: malformed JSON' "$T/err"
check "unknown symbol reported once" test "$(grep -c '^GONE: unknown or delisted symbol' "$T/err")" -eq 1
check "no alert from a bad payload" sh -c "! grep -qE '^alert (BUSY|TRNC|NULP|JUNK|SLOW|GONE)' '$T/err'"
check "daemon still running" kill -0 "$TPID"

kill -TERM "$TPID"
start=$(date +%s)
wait "$TPID"
rc=$?
took=$(( $(date +%s) - start ))
check "SIGTERM: exit status 0 (got $rc)" test "$rc" -eq 0
check "SIGTERM: stopped within 3 seconds (took ${took}s)" test "$took" -le 3
cat "$T/err"
finish
