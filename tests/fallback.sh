#!/bin/sh
# provider X { fallback Y }: a symbol X fails on is answered by Y, at
# once; a host that cannot be reached is backed off as a whole and said
# once; and `map' gives a provider its own spelling of a symbol.
. "${top_srcdir:-.}/tests/lib.sh"

# Yahoo's chart API, one symbol a request (no crumb to be had), so that
# OOPS fails alone.
cat > "$T/scenario" <<'END'
CRUMB status=404
CALX price=45.00 prev=44.00 high=45.40 low=27.73
BRK.B price=500.00 prev=490.00 high=510.00 low=400.00
OOPS status=500
END
start_fakequote "$T/scenario"
printf 'k3y-%s\n' "$$" > "$T/key"
chmod 600 "$T/key"
DEAD=$(free_port)

# 1. the first provider's host is down: everything comes from the fallback
cat > "$T/down.conf" <<END
provider yahoo { url "http://127.0.0.1:$DEAD" fallback finnhub }
provider finnhub { url "http://127.0.0.1:$QPORT" key-file "$T/key"
    map "BRK-B" "BRK.B" }
state-dir "state-down"
poll 1s
timeout 2s
watch CALX { above 44.53 }
watch BRK-B { above 495 }
END
check "-n accepts a fallback chain" sh -c "'$TICKERD' -n -f '$T/down.conf' | grep -q 'configuration OK'"
start_tickerd "$T/down.conf" "$T/down.err"
check "CALX alerts through the fallback" wait_for 10 grep -q '^alert CALX above 44.53' "$T/down.err"
check "BRK-B alerts, asked of finnhub as BRK.B" wait_for 10 grep -q '^alert BRK-B above 495' "$T/down.err"
check "finnhub was asked for BRK.B" grep -q '^BRK.B	.*	finnhub	' "$QLOG"
check "the fallback is named" grep -q '^CALX: quoted by finnhub, the fallback of yahoo' "$T/down.err"
sleep 4
check "the dead host is said once ($(grep -c '^yahoo: ' "$T/down.err"))" test "$(grep -c '^yahoo: ' "$T/down.err")" -eq 1
check "... with its backoff" grep -q "^yahoo: Couldn't connect to server (http://127.0.0.1:$DEAD/v8/finance/chart/.*); asking it again in" "$T/down.err"
check "one alert per rule" test "$(grep -c '^alert' "$T/down.err")" -eq 2
check "still running" kill -0 "$TPID"
stop_tickerd

# 2. one symbol fails on the first provider, the others do not
: > "$QLOG"
cat > "$T/sym.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" fallback stooq }
provider stooq { url "http://127.0.0.1:$QPORT" }
state-dir "state-sym"
poll 1s
watch CALX { above 44.53 }
watch OOPS { above 1 }
END
start_tickerd "$T/sym.conf" "$T/sym.err"
check "CALX alerts from yahoo" wait_for 10 grep -q '^alert CALX above 44.53' "$T/sym.err"
check "OOPS: yahoo's HTTP 500 logged once" wait_for 5 grep -q '^OOPS: HTTP 500' "$T/sym.err"
check "OOPS: stooq asked at once" wait_for 5 grep -q '^OOPS	.*	stooq	' "$QLOG"
sleep 3
check "CALX never asked of stooq" sh -c "! grep -q '^CALX	.*	stooq	' '$QLOG'"
check "OOPS: yahoo backed off ($(grep -c '^OOPS	.*	yahoo	' "$QLOG") requests)" \
    test "$(grep -c '^OOPS	.*	yahoo	' "$QLOG")" -le 3
stop_tickerd
check "exits 0" test "$TRC" -eq 0
finish
