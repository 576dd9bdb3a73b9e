#!/bin/sh
# Out of file descriptors, the control socket rests instead of spinning:
# one log line a minute at most, almost no CPU, and it answers again once
# connections close.
. "${top_srcdir:-.}/tests/lib.sh"

: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir memory
control "ctl.sock"
watch CALX { above 44.53 }
END
S=$T/ctl.sock
(ulimit -n 48; exec "$TICKERD" -d -f "$T/tickerd.conf") 2>"$T/err" &
TPID=$!
PIDS="$PIDS $TPID"
check "it starts" wait_for 10 test -S "$S"

cpu() { awk '{ print $14 + $15 }' /proc/"$TPID"/stat; }
c0=$(cpu)
$PY - "$S" <<'PY'
import socket, sys, time
held = []
# not blocking: once the daemon is out of descriptors its backlog fills,
# and a blocking connect would wait for clients to time out (30 s each)
end = time.time() + 2
while len(held) < 100 and time.time() < end:
    s = socket.socket(socket.AF_UNIX)
    s.setblocking(False)
    try:
        s.connect(sys.argv[1])
        held.append(s)
    except OSError:
        s.close()
        time.sleep(0.01)
time.sleep(3)
PY
c1=$(cpu)
check "out of descriptors: said once ($(grep -c 'cannot accept' "$T/err"))" \
    test "$(grep -c 'cannot accept a connection' "$T/err")" -eq 1
check "... without spinning ($((c1 - c0)) ticks in 3 s)" test $((c1 - c0)) -lt 100
check "answers again when they close" wait_for 10 sh -c \
    "'$TICKERCTL' -s '$S' status >/dev/null"
stop_tickerd
check "stops cleanly" test "$TRC" -eq 0
finish
