#!/bin/sh
# A server that dies under 32 connections in flight and comes back: the
# failures of the requests in flight together are one outage, backed off
# once (not once each, which made the wait an hour), and within a few
# seconds of its return every symbol is quoted again; no request is lost
# (none runs into its timeout) while the server drops connections and
# answers after 0-200 ms.  A short form of tests/bench/soak.sh.
. "${top_srcdir:-.}/tests/lib.sh"

N=300
many_symbols "$N" "$T/scenario" "CRUMB status=404"
PORT=$(free_port)
start_fakequote "$T/scenario" -P "$PORT" -L 0-200 -D 2 -S 3
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$PORT" rate 100000/s connections 32 }
state-dir "state"
control none
poll 1s
timeout 5s
watch $LIST { above 100 }
END
start_tickerd "$T/tickerd.conf" "$T/err"
check "polling" wait_for 10 sh -c "[ \$(wc -l < '$QLOG') -ge $N ]"
sleep 1
kill "$QPID"		# mid-round: requests in flight
wait "$QPID" 2>/dev/null
check "the host is said down once" wait_for 5 grep -q "^yahoo: Couldn't connect" "$T/err"
sleep 1
start_fakequote "$T/scenario" -P "$PORT" -L 0-200 -D 2 -S 4
check "it is said back within 10s" wait_for 10 grep -q '^yahoo: answering again' "$T/err"
check "every symbol asked again within 15s" wait_for 15 sh -c \
    "[ \$(cut -f1 '$QLOG' | sort -u | wc -l) -eq $N ]"
check "the backoff never grew past seconds" \
    sh -c "! grep -E '^yahoo: .*asking it again in [0-9]{3,}s' '$T/err'"
check "no request ran into its timeout" sh -c "! grep -q 'Timeout was reached' '$T/err'"
check "said down once" test "$(grep -c "^yahoo: Couldn't connect" "$T/err")" -eq 1
stop_tickerd
check "exits 0" test "$TRC" -eq 0
finish
