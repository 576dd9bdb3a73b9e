#!/bin/sh
# Rules that expire (issue 35): `until DATE[THH:MM]' and `for DURATION'
# after a rule, on a replayed week.  A rule whose `until' is before the
# crossing fires nothing, the same rule without it fires; an expired rule
# is said once and shown as expired; and `for' counts from the first
# quote judged, across a restart (in the state directory).
. "${top_srcdir:-.}/tests/lib.sh"

# CALX below 40 until Wednesday, crossing 45 on Thursday 4 March 2026
{
	echo "time,symbol,price,prev_close,high52,low52,volume"
	for d in 02 03 04; do
		for h in 15 17 19; do
			echo "2026-03-${d}T${h}:00:00Z,CALX,40.00,40.00,60.00,27.73,1000"
		done
	done
	echo "2026-03-05T15:00:00Z,CALX,45.10,40.00,60.00,27.73,1000"
	echo "2026-03-05T17:00:00Z,CALX,45.20,40.00,60.00,27.73,1000"
} > "$T/week.csv"

once() {	# NAME RULE-LINE
	cat > "$T/$1.conf" <<END
control none
state-dir memory
watch CALX { $2 }
END
	"$TICKERD" -d --once --replay "$T/week.csv" -f "$T/$1.conf" \
	    >"$T/$1.out" 2>"$T/$1.err"
}

once plain "above 45"
check "without until: the crossing fires" grep -q \
    '^alert CALX above 45: price 45.10' "$T/plain.err"
once until "above 45 until 2026-03-04"
check "until the day before: nothing fired" sh -c \
    "! grep -q '^alert CALX' '$T/until.err'"
once untiltime "above 45 until 2026-03-05T10:30"
check "until 10:30 New York time: the 10:00 crossing fires" \
    grep -q '^alert CALX above 45: price 45.10' "$T/untiltime.err"
once untiltime2 "above 45 until 2026-03-05T09:59"
check "until 09:59 New York time: the 10:00 crossing fires nothing" sh -c \
    "! grep -q '^alert CALX' '$T/untiltime2.err'"
once for3 "above 45 for 3d"
check "for 3d from the first quote: nothing on the fourth day" sh -c \
    "! grep -q '^alert CALX' '$T/for3.err'"
once for4 "above 45 for 4d once"
check "for 4d once: fires" grep -q '^alert CALX above 45' "$T/for4.err"

check "a bad date is FILE:LINE" sh -c "printf 'watch X { above 1 until \
    2026-13-01 }\n' > '$T/bad.conf'; '$TICKERD' -n -f '$T/bad.conf' 2>&1 |
    grep -q 'bad.conf:1: until: \"2026-13-01\" is not a date'"
check "a bad duration is FILE:LINE" sh -c "printf 'watch X { above 1 for \
    soon }\n' > '$T/bad2.conf'; '$TICKERD' -n -f '$T/bad2.conf' 2>&1 |
    grep -q 'bad2.conf:1: for: \"soon\" is not a duration'"

# --- live: said once, shown as expired, kept across a restart ---
cat > "$T/scenario" <<'END'
CALX price=40 prev=39 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/live.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "$T/state"
control "$T/ctl.sock"
watch CALX { above 44 for 2s
    below 10 }
END
start_tickerd "$T/live.conf" "$T/live.err"
wait_for 10 grep -q 'CALX above 44: expired (for); it fires nothing more' \
    "$T/live.err"
sed -i 's/price=40 /price=45.12 /' "$T/scenario"
wait_polls CALX 2
"$TICKERCTL" -s "$T/ctl.sock" alerts > "$T/alerts"
stop_tickerd
check "live: the expiry said once" test "$(grep -c 'expired (for)' \
    "$T/live.err")" -eq 1
check "live: an expired rule fires nothing" sh -c \
    "! grep -q '^alert CALX above 44' '$T/live.err'"
check "live: tickerctl alerts shows it expired" grep -q \
    '^CALX *above 44 *expired' "$T/alerts"
start_tickerd "$T/live.conf" "$T/live2.err"
wait_polls CALX 2
stop_tickerd
check "restart: still expired, not said again, nothing fired" sh -c \
    "! grep -q 'expired\|^alert CALX above 44' '$T/live2.err'"
finish
