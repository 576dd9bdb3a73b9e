#!/bin/sh
# No byte from outside stops tickerd, and no secret leaks (issue 28):
# a currency of "€€€" from Yahoo and Twelve Data (cut inside a character,
# then a fatal json_pack at the first alert); a review.json entry cut
# inside a character; error answers that quote the Finnhub key, a
# Telegram token past the 511th byte and a Discord webhook token; a
# damaged review.json (moved aside, not overwritten); files at start
# over their limits (a 95 MB review.json); a FIFO as a daily file.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

AT=1772480400				# calx.json's regularMarketTime
export TICKERD_MARKET_CLOCK=$((AT + 60))
FKEY=cq1f2k9r01qk7ra9s2fgcq1f2k9r01qk7ra9s2g0
TGTOK=7312345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw
DCID=1234567890123456789
DCTOK=aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789_-abcdefghijklmnopqrstuv
printf '%s\n' "$FKEY" > "$T/finnhub.key"
printf '%s\n' "$FKEY" > "$T/td.key"
printf '%s\n' "$TGTOK" > "$T/tg.token"
chmod 600 "$T/finnhub.key" "$T/td.key" "$T/tg.token"

# A server of each service's shapes, its answers from the recorded ones
# (tests/data) with the hostile bytes put in.
cat > "$T/serve.py" <<'END'
import json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs
portfile, data = sys.argv[1], sys.argv[2]
yahoo = json.load(open(os.path.join(data, "yahoo", "calx.json")))
yahoo["chart"]["result"][0]["meta"]["currency"] = "\u20ac\u20ac\u20ac"
td = json.load(open(os.path.join(data, "twelvedata", "quote.json")))
td["currency"] = "\u20ac\u20ac\u20ac"
class H(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        u = urlparse(self.path)
        if u.path.startswith("/v8/finance/chart/"):
            return self.answer(200, yahoo)
        if u.path == "/quote":
            return self.answer(200, td)
        if u.path.startswith("/api/v1/"):
            # Finnhub's 401, echoing the request as some proxies do
            return self.answer(401, {"error": "Invalid API key for "
                                     "request " + self.path})
        self.answer(404, "not found")
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/bot"):
            token = self.path.split("/")[1][3:]
            return self.answer(400, {"ok": False, "error_code": 400,
                "description": "Bad Request: chat not found " + "x" * 426 +
                " for bot" + token})
        if self.path.startswith("/api/webhooks/"):
            return self.answer(404, {"message": "Unknown Webhook " +
                                     self.path, "code": 10015})
        self.answer(404, "not found")
    def log_message(self, *a):
        pass
s = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
os.rename(portfile + ".tmp", portfile)
s.serve_forever()
END
$PY "$T/serve.py" "$T/port" "$SRCDIR/tests/data" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/port" || { fail "the server did not start"; finish; }
URL=http://127.0.0.1:$(cat "$T/port")
printf '%s/api/webhooks/%s/%s\n' "$URL" "$DCID" "$DCTOK" > "$T/dc.url"
chmod 600 "$T/dc.url"

# leaks FILE...: any run of 8 bytes of a secret in the files
leaks() {
	$PY - "$@" <<END
import sys
secrets = ["$FKEY", "$TGTOK", "$DCTOK", "/api/webhooks/$DCID/$DCTOK"]
found = 0
for f in sys.argv[1:]:
    text = open(f, "rb").read()
    for s in secrets:
        s = s.encode()
        for i in range(len(s) - 7):
            if s[i:i + 8] in text:
                print("%s: %r" % (f, s[i:i + 8]))
                found = 1
                break
sys.exit(0 if found else 1)
END
}
ctl() { timeout 1 "$TICKERCTL" -s "$1" "$2" ${3:-}; }

# 1. a currency of three euro signs, from Yahoo and from Twelve Data
for prov in yahoo twelvedata; do
	case $prov in
	yahoo) pline="provider yahoo { url \"$URL\" batches no }" ;;
	*) pline="provider twelvedata { url \"$URL\" key-file \"$T/td.key\" }" ;;
	esac
	cat > "$T/$prov.conf" <<END
$pline
poll 1m
state-dir "$T/$prov.state"
control "$T/$prov.sock"
notifier mail "box" { to "me@example.com" mbox "$T/$prov.mbox" }
notify "box"
watch CALX { above 45 }
END
	mkdir -p "$T/$prov.state"
	start_tickerd "$T/$prov.conf" "$T/$prov.err"
	check "$prov, a currency of \"€€€\": the alert" wait_for 10 \
	    grep -q '^alert CALX above 45: price 45.12' "$T/$prov.err"
	check "... mailed" wait_for 10 sh -c "grep -q '^From ' '$T/$prov.mbox'"
	sleep 3
	check "... the daemon is up and answers within 1s" sh -c \
	    "timeout 1 '$TICKERCTL' -s '$T/$prov.sock' status >/dev/null"
	stop_tickerd
	start_tickerd "$T/$prov.conf" "$T/$prov.err2"
	sleep 3
	check "... after a restart it is still up" sh -c \
	    "timeout 1 '$TICKERCTL' -s '$T/$prov.sock' status >/dev/null"
	stop_tickerd
	check "... one message, once ($(grep -c '^From ' "$T/$prov.mbox"))" \
	    test "$(grep -c '^From ' "$T/$prov.mbox")" -eq 1
	check "... nothing fatal" sh -c "! grep -q fatal '$T/$prov.err' '$T/$prov.err2'"
done

# 2. review.json: an entry whose symbol and currency are cut inside a
#    character as they are read (24 and 7 bytes kept); then a damaged
#    file, moved aside
mkdir -p "$T/rv.state"
printf '{"version":1,"mailed":0,"alerts":[{"time":%s,"day":"2026-03-02","symbol":"CALXXXXXXXXXXXXXXXXXXXX\342\202\254","note":null,"rule":"above 45","price":45.12,"currency":"\342\202\254\342\202\254\342\202\254","direction":1,"returns":{"1":0.01},"closes":{"1":45.5},"rise":0.01,"fall":0,"sessions":1,"done":false,"ended":false,"after_high":45.5,"after_low":45}]}\n' \
    "$AT" > "$T/rv.state/review.json"
cat > "$T/rv.conf" <<END
provider yahoo { url "$URL" batches no }
poll 1m
state-dir "$T/rv.state"
control "$T/rv.sock"
notifier syslog "log" { }
notify "log"
watch CALX { above 100 }
END
start_tickerd "$T/rv.conf" "$T/rv.err"
wait_for 5 test -S "$T/rv.sock"
check "review.json cut inside a character: tickerctl review answers" \
    sh -c "timeout 2 '$TICKERCTL' -s '$T/rv.sock' review >'$T/rv.out'"
check "... and tickerctl -j review" \
    sh -c "timeout 2 '$TICKERCTL' -j -s '$T/rv.sock' review >/dev/null"
check "... the daemon is up" sh -c "timeout 1 '$TICKERCTL' -s '$T/rv.sock' status >/dev/null"
stop_tickerd
printf '{"version":1,"alerts":[{"time":1' > "$T/rv.state/review.json"
start_tickerd "$T/rv.conf" "$T/rv.err3"
wait_for 5 test -S "$T/rv.sock"
check "a damaged review.json is moved aside" sh -c "ls '$T/rv.state'/review.json.corrupt-* >/dev/null"
check "... and that is logged" grep -q 'state: .*review.json is unusable' "$T/rv.err3"
stop_tickerd

# 3. files over their limits at start: a 95 MB review.json
$PY -c "
import sys
e = '{\"time\":1772480400,\"day\":\"2026-03-02\",\"symbol\":\"CALX\",\"rule\":\"above 45\",\"price\":45.12,\"currency\":\"USD\",\"direction\":1,\"returns\":{},\"closes\":{}}'
with open(sys.argv[1], 'w') as f:
    f.write('{\"version\":1,\"alerts\":[' + ','.join([e] * 700000) + ']}')
" "$T/rv.state/review.json"
t0=$(date +%s.%N)
start_tickerd "$T/rv.conf" "$T/rv.err4"
wait_for 10 sh -c "timeout 1 '$TICKERCTL' -s '$T/rv.sock' status >/dev/null"
t1=$(date +%s.%N)
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
check "a 95 MB review.json: tickerctl status answers ${took}s after the start (within 3s)" \
    awk -v t="$took" 'BEGIN { exit !(t < 3) }'
check "... the file is kept aside, and that is said" \
    grep -q 'review.json is unusable (larger than 16 MiB, the most tickerd reads of it)' "$T/rv.err4"
stop_tickerd

# 4. error answers that quote the secrets
cat > "$T/leak.conf" <<END
provider finnhub { url "$URL" key-file "$T/finnhub.key" }
poll 1m
state-dir "$T/leak.state"
control "$T/leak.sock"
notifier telegram "tg" { token-file "$T/tg.token" chat-id "42" api "$URL" }
notifier discord "dc" { url-file "$T/dc.url" api "$URL" }
notify "tg", "dc"
watch CALX { above 1 }
END
mkdir -p "$T/leak.state"
start_tickerd "$T/leak.conf" "$T/leak.err"
wait_for 10 grep -q 'CALX' "$T/leak.err"
wait_for 5 test -S "$T/leak.sock"
ctl "$T/leak.sock" -j quotes > "$T/leak.quotes" 2>&1
ctl "$T/leak.sock" quotes >> "$T/leak.quotes" 2>&1
ctl "$T/leak.sock" status >> "$T/leak.quotes" 2>&1
timeout 10 "$TICKERCTL" -s "$T/leak.sock" test tg > "$T/leak.test" 2>&1
timeout 10 "$TICKERCTL" -s "$T/leak.sock" test dc >> "$T/leak.test" 2>&1
stop_tickerd
check "the provider's 401 is said" grep -q "finnhub: the key was refused (HTTP 401: Invalid API key" "$T/leak.err"
check "Telegram's 400 is said" grep -q 'Telegram answered HTTP 400: Bad Request: chat not found' "$T/leak.test"
check "Discord's 404 is said" grep -q 'Discord answered HTTP 404: Unknown Webhook' "$T/leak.test"
if leaks "$T/leak.err" "$T/leak.quotes" "$T/leak.test"; then
	fail "no run of 8 bytes of a secret in the log, tickerctl's answers, or tickerctl test"
else
	pass "no run of 8 bytes of a secret in the log, tickerctl's answers, or tickerctl test"
fi
finish
