#!/bin/sh
# A provider whose server speaks HTTP/2 (nghttpd, over TLS with a
# certificate made here and given by ca-file): once tickerd has seen an
# answer over HTTP/2, each of its `connections' carries several requests
# at once.  Every symbol quoted, over no more TCP connections than
# allowed, with more than one stream open at a time on one of them.
. "${top_srcdir:-.}/tests/lib.sh"

command -v nghttpd >/dev/null || skip "nghttpd is not installed (Debian's nghttp2-server)"
N=200
mkdir -p "$T/htdocs/v8/finance/chart"
now=$(date +%s)
i=0
while [ "$i" -lt "$N" ]; do
	printf '{"chart":{"result":[{"meta":{"currency":"USD","symbol":"S%d","regularMarketTime":%d,"regularMarketPrice":45.0,"fiftyTwoWeekHigh":45.4,"fiftyTwoWeekLow":27.73,"chartPreviousClose":44.0,"previousClose":44.0}}],"error":null}}' \
	    "$i" "$now" > "$T/htdocs/v8/finance/chart/S$i"
	i=$((i + 1))
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" \
    -out "$T/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null || { fail "openssl req"; finish; }
PORT=$(free_port)
nghttpd -v -d "$T/htdocs" "$PORT" "$T/key.pem" "$T/cert.pem" >"$T/h2.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 sh -c "grep -q 'listen' '$T/h2.log' || ss -ltn | grep -q ':$PORT '" ||
    { fail "nghttpd did not start"; finish; }
many_symbols "$N" "$T/unused"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "https://127.0.0.1:$PORT" batches no rate 100000/s
    connections 2 ca-file "cert.pem" }
state-dir "state"
control none
watch $LIST { above 40 }
END
check "-n accepts ca-file" sh -c "'$TICKERD' -n -f '$T/tickerd.conf' | grep -q 'configuration OK'"
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err"
check "--once: every symbol quoted" test $? -eq 0
check "an alert for each" test "$(grep -c '^alert S[0-9]* above 40' "$T/err")" -eq $N
# nghttpd numbers its connections: [id=N]
conns=$(grep -o '^\[id=[0-9]*\]' "$T/h2.log" | sort -u | wc -l)
check "at most 2 connections ($conns)" test "$conns" -ge 1 -a "$conns" -le 2
most=$($PY - "$T/h2.log" <<'PYEOF'
import re, sys
live, most = {}, 0
for line in open(sys.argv[1]):
    m = re.search(r'\[id=(\d+)\].*(recv|send) HEADERS frame <.*stream_id=(\d+)>', line)
    if not m:
        continue
    conn, way, sid = m.group(1), m.group(2), m.group(3)
    s = live.setdefault(conn, set())
    (s.add if way == 'recv' else s.discard)(sid)
    most = max(most, len(s))
print(most)
PYEOF
)
check "several requests at once on one connection ($most streams)" test "$most" -gt 1
finish
