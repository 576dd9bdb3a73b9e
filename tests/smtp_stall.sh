#!/bin/sh
# An SMTP server that stalls after DATA holds up nothing: tickerctl status
# answers within a second throughout, polling goes on, SIGTERM exits
# within 3 seconds, and the message waits in the outbox for the next
# start.
. "${top_srcdir:-.}/tests/lib.sh"

: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
$PY "$SRCDIR/tests/smtpstall.py" "$T/stall.port" "$T/stall.count" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/stall.port" || { fail "the stalling server"; finish; }
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$(cat "$T/fakequote.port")" }
poll 1s
state-dir "state"
control "ctl.sock"
notifier mail "me" { to "a@example.com" smtp "smtp://127.0.0.1:$(cat "$T/stall.port")" }
notify "me"
watch CALX { above 44.53 }
END
S=$T/ctl.sock
start_tickerd "$T/tickerd.conf" "$T/err"
check "the message reached the stalling server" wait_for 15 test -s "$T/stall.count"

slow=0
i=0
while [ $i -lt 20 ]; do
	timeout 1 "$TICKERCTL" -s "$S" status >/dev/null 2>&1 || slow=$((slow + 1))
	sleep 0.2
	i=$((i + 1))
done
check "status answered within 1 s, 20 times of 20 ($slow slow)" test "$slow" -eq 0
check "polling goes on meanwhile" wait_polls CALX 3
t0=$(date +%s)
stop_tickerd
t1=$(date +%s)
check "SIGTERM: exit 0" test "$TRC" -eq 0
check "SIGTERM: within 3 seconds ($((t1 - t0)) s)" test $((t1 - t0)) -le 3
check "the message waits in the outbox" sh -c \
    "ls '$T/state/outbox/' | grep -q 'json\$'"
finish
