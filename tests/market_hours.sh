#!/bin/sh
# market-hours yes: no polling while the exchange is closed (a weekend, a
# holiday), polling in the session, and one poll after the close for the
# closing price.  The daemon's market clock is set through
# TICKERD_MARKET_CLOCK (the epoch it starts at); quotes come in real time.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.00 prev=44.00 high=45.40 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
poll 1s
market-hours yes
watch CALX { above 44.53 }
END

# start_at EPOCH ERRFILE: the daemon with its market clock at EPOCH
start_at() {
	TICKERD_MARKET_CLOCK=$1 "$TICKERD" -d -f "$T/tickerd.conf" 2>"$2" &
	TPID=$!
	PIDS="$PIDS $TPID"
}

# Saturday 7 March 2026, 15:00 UTC: closed until Monday 13:30 UTC (EDT
# from Sunday)
start_at 1772895600 "$T/sat.err"
sleep 3
check "Saturday: no request in 3s ($(count_requests CALX))" test "$(count_requests CALX)" -eq 0
check "Saturday: says when polling starts" grep -q 'market closed (NYSE); polling its symbols starts in 167400s' "$T/sat.err"
stop_tickerd

# Good Friday, 3 April 2026, 15:00 UTC: a weekday, but a holiday
start_at 1775228400 "$T/gf.err"
sleep 3
check "Good Friday: no request in 3s" test "$(count_requests CALX)" -eq 0
stop_tickerd

# --once polls whatever the hour
TICKERD_MARKET_CLOCK=1772895600 "$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/once.err"
check "--once polls on a Saturday" test "$(count_requests CALX)" -eq 1

# Monday 2 March 2026, 4s before the 16:00 EST close: polls every second,
# then once 2s (two poll intervals) after the close, then nothing
: > "$QLOG"
rm -rf "$T/state"
start_at 1772485196 "$T/close.err"
check "in the session: polled" wait_for 3 sh -c "[ \$(grep -c '^CALX	' '$QLOG') -ge 2 ]"
check "alerts in the session" wait_for 5 grep -q '^alert CALX above 44.53' "$T/close.err"
sleep 6	# 16:00:06: past the close and the after-close poll at 16:00:02
n=$(count_requests CALX)
sleep 3
check "no polling after the after-close poll ($n, then $(count_requests CALX))" \
    test "$(count_requests CALX)" -eq "$n"
check "4 or 5 polls in the session, plus the one after the close ($n)" \
    sh -c "[ $n -ge 4 ] && [ $n -le 7 ]"
stop_tickerd
finish
