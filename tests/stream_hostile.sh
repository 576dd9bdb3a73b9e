#!/bin/sh
# A stream server's bytes never cost the loop (issue 28, items 3 and 4): a
# server that withholds its handshake answer, silent or one byte a
# second, costs under 2% of a core, and the handshake is given up after
# the timeout, as a lost feed, with a retry; 30,000 {"type":"error"}
# messages are at most 5 log lines, and the daemon answers at once.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

$PY -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"

cat > "$T/scenario" <<'END'
CRUMB status=404
AAPL price=99.00 prev=98.00 high=120.00 low=80.00
END
start_fakequote "$T/scenario"
printf 'k3y-%s-abcdefgh\n' "$$" > "$T/key"
chmod 600 "$T/key"

# CPU seconds (user + system) the process has used.
cpu() {
	awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"
}

# A server that accepts and then says nothing, or one byte a second.
cat > "$T/stall.py" <<'END'
import socket, sys, threading, time
mode, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
open(portfile + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(portfile + ".tmp", portfile)
def serve(c):
    with open(log, "a") as f:
        f.write("connect\n")
    try:
        c.recv(4096)
        for b in b"HTTP/1.1 101 Switching Protocols\r\n" * 10:
            if mode == "silent":
                time.sleep(3600)
            c.send(bytes([b]))
            time.sleep(1)
    except OSError:
        pass
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
END

for mode in silent trickle; do
	rm -f "$T/stall.port"
	$PY "$T/stall.py" $mode "$T/stall.port" "$T/stall-$mode.log" &
	PIDS="$PIDS $!"
	wait_for 10 test -s "$T/stall.port" || { fail "the stalling server did not start"; finish; }
	SP=$(cat "$T/stall.port")
	cat > "$T/$mode.conf" <<END
provider finnhub { url "http://127.0.0.1:$QPORT" key-file "$T/key"
    stream yes stream-url "ws://127.0.0.1:$SP/" }
poll 1m
timeout 3s
state-dir memory
control "$mode.sock"
watch AAPL { above 100 }
END
	(cd "$T" && exec "$TICKERD" -d -f "$T/$mode.conf" 2>"$T/$mode.err") &
	TPID=$!
	PIDS="$PIDS $TPID"
	wait_for 10 test -s "$T/stall-$mode.log"
	sleep 0.5
	c0=$(cpu $TPID)
	sleep 6
	c1=$(cpu $TPID)
	used=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", (b - a) / 6 * 100 }')
	check "a $mode handshake: the loop uses $used% of a core (under 2%)" \
	    awk -v u="$used" 'BEGIN { exit !(u < 2) }'
	check "... the handshake is given up after the timeout" wait_for 5 \
	    grep -q "^stream finnhub: no WebSocket handshake within 3 s; its 1 symbol is polled until it connects" "$T/$mode.err"
	check "... and tried again" wait_for 20 sh -c \
	    "[ \$(grep -c connect '$T/stall-$mode.log') -ge 2 ]"
	check "... tickerctl status answers within 1s" sh -c \
	    "timeout 1 '$TICKERCTL' -s '$T/$mode.sock' status >/dev/null"
	kill "$TPID"
	wait "$TPID" 2>/dev/null
done

# 30,000 errors from the feed
WLOG=$T/ws.log
$PY "$SRCDIR/tests/fakestream.py" "$T/ws.port" "$WLOG" --token "k3y-$$-abcdefgh" \
    2>"$T/ws.err" &
PIDS="$PIDS $!"
wait_for 20 test -s "$T/ws.port" || { cat "$T/ws.err"; fail "fakestream did not start"; finish; }
WPORT=$(cat "$T/ws.port")
cat > "$T/flood.conf" <<END
provider finnhub { url "http://127.0.0.1:$QPORT" key-file "$T/key"
    stream yes stream-url "ws://127.0.0.1:$WPORT/" }
poll 1m
state-dir memory
control "flood.sock"
watch AAPL { above 100 }
END
(cd "$T" && exec "$TICKERD" -d -f "$T/flood.conf" 2>"$T/flood.err") &
TPID=$!
PIDS="$PIDS $TPID"
wait_for 10 grep -q 'subscribe AAPL' "$WLOG" || fail "the feed was not subscribed"
curl -s -G "http://127.0.0.1:$WPORT/ctl/raw" --data-urlencode \
    'text={"type":"error","msg":"Subscribing to too many symbols"}' \
    --data n=30000 >/dev/null
sleep 2
lines=$(grep -c 'stream finnhub: .*error\|the feed says' "$T/flood.err")
check "30,000 stream errors: $lines log lines (at most 5)" test "$lines" -le 5 -a "$lines" -ge 1
check "... the first is said" grep -q '^stream finnhub: the feed says: Subscribing to too many symbols' "$T/flood.err"
check "... the daemon answers tickerctl status within 1s" sh -c \
    "timeout 1 '$TICKERCTL' -s '$T/flood.sock' status >/dev/null"
curl -s -G "http://127.0.0.1:$WPORT/ctl/trade" --data 'sym=AAPL&price=100.5' >/dev/null
check "... and trades are still judged" wait_for 5 grep -q '^alert AAPL above 100' "$T/flood.err"
check "no line names the key" sh -c "! grep -q 'k3y-$$' '$T'/*.err"
kill "$TPID"
wait "$TPID" 2>/dev/null
finish
