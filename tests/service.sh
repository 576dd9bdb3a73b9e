#!/bin/sh
# Operating the daemon: tickerctl over the control socket (status, quotes,
# alerts, history, test, --json, clear errors), SIGHUP with a broken
# watchlist (the daemon runs on, the error names the file and line) and
# fixed (the new watch alerts, unchanged rules keep their state), and
# SIGTERM (exit 0 within 3 seconds).
. "${top_srcdir:-.}/tests/lib.sh"

: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
END
start_fakequote "$T/scenario"
mkdir -p "$T/mail" "$T/watchlist.d"
start_smtpd "$T/mail"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "state"
control "ctl.sock"
notifier mail "me" { to "alice@example.com" smtp "smtp://127.0.0.1:$SPORT" }
notifier syslog "log" { }
notify "me"
include "watchlist.d/*.conf"
END
echo 'watch CALX { note "BEAD" above 44.53 below 30 }' > "$T/watchlist.d/a.conf"
S=$T/ctl.sock
ctl() { "$TICKERCTL" -s "$S" "$@"; }

check "tickerctl: not running is a clear error" sh -c "! '$TICKERCTL' -s '$S' status 2>'$T/nr'"
check "... naming the socket" grep -q "tickerd is not running (nothing answers on $S)" "$T/nr"

start_tickerd "$T/tickerd.conf" "$T/err"
check "the first alert" wait_mail "$T/mail" 1
check "socket is not world-accessible" sh -c "[ \$(stat -c %a '$S') = 660 ]"
ctl status > "$T/status"
check "status: symbols and rules" grep -q 'watching *1 symbols, 2 rules' "$T/status"
check "status: alerts" grep -q 'alerts *1 since start' "$T/status"
ctl quotes > "$T/quotes"
check "quotes: the table with a range bar (the fake answers NMS: Nasdaq)" grep -q '^CALX *NASDAQ \(open\|closed\) *45.12 USD *+3.20% *27.73 \[-*|\] 44.53' "$T/quotes"
ctl alerts > "$T/alerts"
check "alerts: above fired, below armed" sh -c "grep -q '^CALX *above 44.53 *fired *1' '$T/alerts' && grep -q '^CALX *below 30 *armed *0' '$T/alerts'"
ctl history 5 > "$T/history"
check "history: the alert" grep -q 'alert CALX above 44.53: price 45.12' "$T/history"
ctl --json quotes > "$T/quotes.json"
check "--json: parseable, with the price" $PY -c "import json,sys; j=json.load(open('$T/quotes.json')); assert j['ok'] and j['quotes'][0]['price']==45.12"
check "test: a test mail is delivered" ctl test me
check "test: it arrived" wait_mail "$T/mail" 2
check "test: its subject says so" grep -q '^Subject: \[tickerd\] test message (me)' "$T/mail/new/2.eml"
check "test: an unknown notifier is an error" sh -c "! '$TICKERCTL' -s '$S' test nobody 2>'$T/tn' && grep -q 'no notifier named \"nobody\"' '$T/tn'"
check "an unknown command is an error" sh -c "! '$TICKERCTL' -s '$S' frobnicate 2>/dev/null"

# a broken watchlist: SIGHUP keeps the daemon on the old configuration
echo 'watch QCOM { move 5%' > "$T/watchlist.d/b.conf"
kill -HUP "$TPID"
check "broken reload: the error names the file and line" \
    wait_for 5 grep -q "$T/watchlist.d/b.conf:2: .*missing '}'" "$T/err"
check "broken reload: kept the old configuration" grep -q 'reload failed: keeping the configuration in use' "$T/err"
check "broken reload: the daemon is alive" kill -0 "$TPID"
ctl status > "$T/status2"
check "broken reload: status shows the error" grep -q 'reload error .*b.conf:2' "$T/status2"
check "broken reload: still one symbol" grep -q 'watching *1 symbols' "$T/status2"

# fixed: the new watch alerts, CALX's fired rule does not fire again
echo 'watch QCOM { move 5% }' > "$T/watchlist.d/b.conf"
kill -HUP "$TPID"
check "fixed reload: reloaded, rules kept" wait_for 5 grep -q 'reloaded: 2 watched symbols, 3 rules (2 kept their state)' "$T/err"
check "fixed reload: the new watch alerts" wait_for 10 grep -q '^alert QCOM move 5%' "$T/err"
check "fixed reload: its mail" wait_mail "$T/mail" 3
wait_polls CALX 2
check "fixed reload: CALX did not fire again" test "$(grep -c '^alert CALX' "$T/err")" -eq 1
check "tickerctl reload works too" ctl reload

# SIGTERM: exit 0 within 3 seconds
start=$(date +%s%N)
kill -TERM "$TPID"
wait "$TPID"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "SIGTERM: exit 0 (got $rc)" test "$rc" -eq 0
check "SIGTERM: within 3 seconds (${ms} ms)" test "$ms" -lt 3000
check "SIGTERM: the socket is removed" test ! -e "$S"
check "SIGTERM: the state was saved" grep -q QCOM "$T/state/state.json"
finish
