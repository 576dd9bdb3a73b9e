#!/bin/sh
# Hostile input never stops the daemon (issue: hostile input): a Latin-1
# note and a stray string are clear configuration errors, without a leak;
# control requests with invalid UTF-8, or whose answer is cut at its
# buffer, are answered and the daemon runs on; a quote time in
# milliseconds, or in the future, holds back none of the quotes after it;
# a reload forgets no Retry-After.
. "${top_srcdir:-.}/tests/lib.sh"

: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

printf 'watch CALX { note "caf\351" above 1 }\n' > "$T/latin1.conf"
"$TICKERD" -n -f "$T/latin1.conf" 2>"$T/latin1.err"
check "a Latin-1 note: exit 1" test $? -eq 1
check "... with FILE:LINE" grep -q "latin1.conf:1: invalid UTF-8 in string" \
    "$T/latin1.err"
printf '"v"\n' > "$T/string.conf"
"$TICKERD" -n -f "$T/string.conf" 2>"$T/string.err"
check "a string where a keyword belongs: exit 1" test $? -eq 1
check "... and nothing leaks" sh -c "! grep -q LeakSanitizer '$T/string.err'"

now=$(date +%s)
# the chart API, one symbol a request, so that BUSY throttles only itself
cat > "$T/scenario" <<END
CRUMB status=404
CALX price=50 prev=43.72 high=44.53 low=27.73 time=${now}000
FUTR price=50 prev=43.72 high=44.53 low=27.73 time=$((now + 864000))
BUSY status=429 retry-after=3600
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "state"
control "ctl.sock"
notifier syslog "log" { }
notify "log"
watch CALX { above 44.53 }
watch FUTR { above 44.53 }
watch BUSY { above 1 }
END
S=$T/ctl.sock
start_tickerd "$T/tickerd.conf" "$T/err"
check "a time in milliseconds: the alert" wait_for 10 \
    grep -q '^alert CALX above 44.53' "$T/err"
check "a time in the future: the alert" wait_for 10 \
    grep -q '^alert FUTR above 44.53' "$T/err"
check "... said once" sh -c "[ \$(grep -c 'FUTR: the quote.s time .* is in the future' '$T/err') -eq 1 ]"

# the quotes after them, at the right time, are judged: down, then up
# again, fires again
sed -i "s/^CALX price=50 /CALX price=40 /; s/^FUTR price=50 /FUTR price=40 /; \
    s/ time=[0-9]*//" "$T/scenario"
wait_polls CALX 2
wait_polls FUTR 2
sed -i "s/^CALX price=40 /CALX price=50 /; s/^FUTR price=40 /FUTR price=50 /" \
    "$T/scenario"
check "later quotes of CALX are judged" wait_for 10 sh -c \
    "[ \$(grep -c '^alert CALX above 44.53' '$T/err') -eq 2 ]"
check "later quotes of FUTR are judged" wait_for 10 sh -c \
    "[ \$(grep -c '^alert FUTR above 44.53' '$T/err') -eq 2 ]"

# reloads keep a Retry-After: BUSY is not asked again
wait_for 10 sh -c "[ \$(count_requests BUSY) -ge 1 ]"
for i in 1 2 3 4 5; do
	kill -HUP "$TPID"
	sleep 1
done
check "five reloads: still reloading" sh -c \
    "[ \$(grep -c '^reloaded:' '$T/err') -eq 5 ]"
check "five reloads: a throttled symbol asked once ($(count_requests BUSY))" \
    test "$(count_requests BUSY)" -eq 1

# a request that is not UTF-8; an answer cut inside a character
ask() {
	$PY - "$S" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(bytes.fromhex(sys.argv[2]) + b"\n")
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
a = json.loads(data.decode("utf-8"))
print(a.get("error", "ok"))
PY
}
ask 78ff > "$T/a1" 2>&1
check "invalid UTF-8 in a request: a clear error" grep -q "not valid UTF-8" "$T/a1"
long=$($PY -c 'print(("test " + "\u00e9" * 300).encode().hex())')
ask "$long" > "$T/a2" 2>&1
check "an answer cut at its buffer is still UTF-8 JSON" \
    grep -q "no notifier named" "$T/a2"
check "the daemon runs on" sh -c "'$TICKERCTL' -s '$S' status >/dev/null"
stop_tickerd
check "and stops cleanly" test "$TRC" -eq 0
finish
