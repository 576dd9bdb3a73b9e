#!/bin/sh
# Problem notices (tickerd.conf(5), PROBLEMS): a provider that fails
# every request is announced once through the mail notifier, with its
# cause, and once when it answers again, and a restart in between says
# nothing more; a Telegram notifier answered "chat not found" is a
# permanent error: held, not retried, and announced by mail; the metrics
# pass promtool; the heartbeat beats while all is well and stops during
# a problem (its fail URL asked once); a broken reload makes tickerctl
# exit 1 with FILE:LINE, and is announced.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"

cat > "$T/scenario" <<'END'
CRUMB status=500
CALX status=500
QCOM status=500
END
start_fakequote "$T/scenario"
start_smtpd "$T/mail"
$PY "$SRCDIR/tests/beatserve.py" --log "$T/beats.log" --port-file "$T/beat.port" 2>"$T/beat.err" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/beat.port" || { fail "beatserve did not start"; finish; }
BPORT=$(cat "$T/beat.port")
MPORT=$(free_port)
: > "$T/beats.log"

# subjects: the Subject lines of the mail stored, one a line
subjects() {
	for f in "$T"/mail/new/*.eml; do
		[ -e "$f" ] && $PY - "$f" <<'END'
import email, email.header, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(str(email.header.make_header(email.header.decode_header(m["Subject"]))).replace("\n", " "))
END
	done
}
count_subject() {
	subjects | grep -c -- "$1" || true
}

cat > "$T/t.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
control "ctl.sock"
poll 1s
timeout 2s
problem-after 5s
heartbeat "http://127.0.0.1:$BPORT/ping/abc" every 1s fail "http://127.0.0.1:$BPORT/ping/abc/fail"
metrics "127.0.0.1:$MPORT"
notifier mail "me" { to "me@example.com" smtp "smtp://127.0.0.1:$SPORT" }
notify "me"
watch CALX { above 44 }
watch QCOM { above 100 }
END
cd "$T" || exit 2
check "-n accepts problems, heartbeat and metrics" sh -c "'$TICKERD' -n -f '$T/t.conf' | grep -q 'configuration OK'"

# 1. the provider fails every request
start_tickerd "$T/t.conf" "$T/err1"
check "a problem mail within 20s" wait_for 20 sh -c "[ \$(ls '$T'/mail/new/*.eml 2>/dev/null | wc -l) -ge 1 ]"
sleep 3
check "exactly one problem mail ($(count_subject 'yahoo is failing'))" test "$(count_subject 'yahoo is failing')" -eq 1
check "... naming the provider and its cause" sh -c "grep -l 'yahoo is failing: the server fails' '$T'/mail/new/*.eml >/dev/null"
check "... and nothing else" test "$(ls "$T"/mail/new/*.eml | wc -l)" -eq 1
check "the fail URL was asked once" test "$(grep -c ' /ping/abc/fail$' "$T/beats.log")" -eq 1
n=$(grep -c ' /ping/abc$' "$T/beats.log")
sleep 3
check "no heartbeat during the problem" test "$(grep -c ' /ping/abc$' "$T/beats.log")" -eq "$n"
check "status names the problem" sh -c "'$TICKERCTL' -s '$T/ctl.sock' status | grep -q '^problem .*yahoo'"
curl -s "http://127.0.0.1:$MPORT/metrics" > "$T/metrics.txt"
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts them" sh -c "promtool check metrics < '$T/metrics.txt'"
else
	fail "promtool is not installed (Debian's prometheus package)"
fi
for m in tickerd_quotes_total tickerd_provider_errors_total tickerd_alerts_total \
    tickerd_outbox_messages tickerd_outbox_oldest_age_seconds tickerd_stream_up \
    tickerd_commit_duration_seconds tickerd_problems_active tickerd_quote_age_seconds; do
	check "metrics: $m" grep -q "^# TYPE $m " "$T/metrics.txt"
done
check "metrics: the server errors counted" grep -q '^tickerd_provider_errors_total{provider="yahoo",cause="server"} [1-9]' "$T/metrics.txt"
check "metrics: one problem active" grep -q '^tickerd_problems_active 1$' "$T/metrics.txt"
check "metrics are read-only" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$MPORT/metrics")" = 405

# 2. a restart during the problem says nothing more
stop_tickerd
start_tickerd "$T/t.conf" "$T/err2"
sleep 9
check "restart: no second problem mail" test "$(ls "$T"/mail/new/*.eml | wc -l)" -eq 1
check "restart: still no heartbeat" test "$(grep -c ' /ping/abc$' "$T/beats.log")" -eq "$n"

# 3. the server recovers: one "back" mail, and the heartbeat again
cat > "$T/scenario" <<'END'
CRUMB status=500
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
END
check "a back mail" wait_for 20 sh -c "grep -l 'yahoo answers again after' '$T'/mail/new/*.eml >/dev/null 2>&1"
check "... naming the symbols quoted" sh -c "grep -l 'yahoo answers again after .*2 symbols quoted' '$T'/mail/new/*.eml >/dev/null"
check "the alerts come" wait_mail "$T/mail" 4
sleep 3
check "exactly one back mail" test "$(count_subject 'yahoo answers again')" -eq 1
check "exactly four mails: problem, back, two alerts" test "$(ls "$T"/mail/new/*.eml | wc -l)" -eq 4
k=$(grep -c ' /ping/abc$' "$T/beats.log")
sleep 3
check "heartbeats again once all is well ($k, then $(grep -c ' /ping/abc$' "$T/beats.log"))" test "$(grep -c ' /ping/abc$' "$T/beats.log")" -ge $((k + 2))
check "the fail URL was still asked only once" test "$(grep -c ' /ping/abc/fail$' "$T/beats.log")" -eq 1

# 4. a broken reload: tickerctl exits 1 with FILE:LINE, and it is told
cp "$T/t.conf" "$T/good.conf"
echo 'watch AMBA { abovee 3 }' >> "$T/t.conf"
"$TICKERCTL" -s "$T/ctl.sock" reload > "$T/reload.out" 2>&1
check "tickerctl reload after a broken edit exits 1" test $? -eq 1
check "... with FILE:LINE" grep -q "t.conf:13: watch: unknown keyword \"abovee\"" "$T/reload.out"
check "a reload-failed mail" wait_for 10 sh -c "grep -l 'reload failed: .*t.conf:13' '$T'/mail/new/*.eml >/dev/null 2>&1"
cp "$T/good.conf" "$T/t.conf"
check "a fixed reload exits 0" "$TICKERCTL" -s "$T/ctl.sock" reload
stop_tickerd
check "exits 0" test "$TRC" -eq 0

# 5. Telegram answers "chat not found" (tests/fakepush.py, as the Bot
# API does): held, not retried, announced through the mail notifier
TG_TOKEN=123456789:AAFakeTokenForTickerdTests-x_y
printf '%s\n' "$TG_TOKEN" > "$T/tg.token"
chmod 600 "$T/tg.token"
rm -f "$T/push.port"
$PY "$SRCDIR/tests/fakepush.py" --log "$T/push.log" --port-file "$T/push.port" \
    --telegram-token "$TG_TOKEN" --telegram-chat -1001234567890 \
    --discord-path 1/x --slack-path T0/B0/x --ntfy-topic t \
    --pushover-token a --pushover-user b --gotify-token c 2>"$T/fakepush.err" &
PIDS="$PIDS $!"
wait_for 20 test -s "$T/push.port" || { fail "fakepush did not start"; finish; }
PPORT=$(cat "$T/push.port")
rm -rf "$T/mail"/new/*
cat > "$T/tg.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state-tg"
control "ctl-tg.sock"
poll 1s
notifier mail "me" { to "me@example.com" smtp "smtp://127.0.0.1:$SPORT" }
notifier telegram "tg" { token-file "tg.token" chat-id "-1009999" api "http://127.0.0.1:$PPORT" retry 1s }
notify "me", "tg"
watch CALX { above 44 }
watch QCOM { above 100 }
END
start_tickerd "$T/tg.conf" "$T/err3"
check "a problem mail names the Telegram notifier" wait_for 20 sh -c "grep -l 'notifier tg cannot deliver: .*chat not found' '$T'/mail/new/*.eml >/dev/null 2>&1"
check "... and says what to fix" grep -q 'check chat-id' "$T/err3"
check "status says what to fix" sh -c "'$TICKERCTL' -s '$T/ctl-tg.sock' status | grep -q 'telegram tg: .*chat not found; check chat-id'"
sleep 15
reqs=$(grep -c '"service": *"telegram"' "$T/push.log")
check "at most 3 Telegram requests ($reqs)" test "$reqs" -le 3
check "one problem mail" test "$(count_subject 'notifier tg cannot deliver')" -eq 1
stop_tickerd
finish
