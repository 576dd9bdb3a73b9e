#!/bin/sh
# Soak benchmark, not a timed test: the daemon polls N symbols, one a
# request over 32 connections, every 2 s, against a server that answers
# after 0-200 ms at random, drops 2% of its requests without an answer,
# and is killed and restarted in the middle.  No request may be lost:
# every one ends with a quote or a logged reason (a dropped connection,
# a refused one), none by running into its 5 s timeout, and every
# symbol is quoted again after the restart.  Prints figures, and exits
# 1 when a request was lost.
#
#   make bench            or   sh tests/bench/soak.sh [N] [SECONDS]
. "${top_srcdir:-.}/tests/lib.sh"

N=${1:-2000}
SECS=${2:-30}
many_symbols "$N" "$T/scenario" "CRUMB status=404"
PORT=$(free_port)
start_fakequote "$T/scenario" -P "$PORT" -L 0-200 -D 2 -S 7
cat > "$T/soak.conf" <<END
provider yahoo { url "http://127.0.0.1:$PORT" rate 100000/s connections 32 }
state-dir "$T/state"
control none
poll 2s
timeout 5s
watch $LIST { above 100 }
END
"$TICKERD" -d -v -f "$T/soak.conf" 2>"$T/soak.err" &
TPID=$!
PIDS="$PIDS $TPID"
sleep $((SECS / 2))
kill "$QPID"
wait "$QPID" 2>/dev/null
sleep 1
start_fakequote "$T/scenario" -P "$PORT" -L 0-200 -D 2 -S 8
mark=$(wc -l < "$T/soak.err")	# the log from the restart on
sleep $((SECS / 2))
stop_tickerd

# what each request came to: "quote SYM" lines, and failures by reason
quotes=$(grep -c '^quote S' "$T/soak.err")
timeouts=$(grep -c 'Timeout was reached' "$T/soak.err")
echo "soak: $N symbols, ${SECS}s, latency 0-200 ms, 2% dropped, server restarted once:"
echo "  $quotes quotes; failures by reason:"
sed -n 's/^S[0-9]*: \(.*\) from http.*/\1/p' "$T/soak.err" | sort | uniq -c |
    sed 's/^/    /'
grep '^yahoo: ' "$T/soak.err" | sed 's/ (http[^)]*)//; s/^/    /' | sort | uniq -c
echo "  requests ending in their timeout (lost): $timeouts"
last=$(tail -n "+$((mark + 1))" "$T/soak.err" | awk '/^quote S/ {print $2}' |
    sort -u | wc -l)
echo "  symbols quoted after the restart: $last of $N"
check "no request lost (ended by its timeout)" test "$timeouts" -eq 0
check "every symbol quoted again after the restart" test "$last" -eq "$N"
finish
