#!/bin/sh
# The phone services: Telegram, Discord, Slack, ntfy, Pushover, Gotify,
# each against tests/fakepush.py, which checks requests as the service
# does and answers in its shapes.  One alert gives one message on each,
# through a 429 whose wait is honoured; a note full of markup arrives as
# the plain text it was; a service down across a restart gets exactly
# one message afterwards; a digest is one message; long notes stay within
# each service's limits; tickerctl test reaches each; no secret is
# logged; a secret file that is not private, or not a secret's shape, is
# a FILE:LINE error that does not show it.
. "${top_srcdir:-.}/tests/lib.sh"
: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
SERVICES="telegram discord slack ntfy pushover gotify"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
END
start_fakequote "$T/scenario"

TG_TOKEN=123456789:AAFakeTokenForTickerdTests-x_y
DC_PATH=112233445566778899/DiscordWebhookSecretToken-abc_XYZ
SL_PATH=T00000000/B00000000/SlackHookSecret0123456789
NTFY_TOKEN=tk_ntfysecrettokenfortickerd01
PO_TOKEN=azGDORePK8gMaC0QOYAMyEEuzJnyUi
PO_USER=uQiRzpo4DXghDmr9QzzfQu27cmVRsG
GO_TOKEN=AfakeGotifyAppTok
secret() {
	printf '%s\n' "$2" > "$T/$1"
	chmod 600 "$T/$1"
}
secret tg.token "$TG_TOKEN"
secret po.token "$PO_TOKEN"
secret po.user "$PO_USER"
secret ntfy.token "$NTFY_TOKEN"
secret go.token "$GO_TOKEN"

# start_fakepush [PORT]: sets PPORT; the log is $PLOG.
PLOG=$T/push.log
start_fakepush() {
	rm -f "$T/push.port"
	$PY "$SRCDIR/tests/fakepush.py" --log "$PLOG" --port-file "$T/push.port" \
	    ${1:+--port "$1"} \
	    --telegram-token "$TG_TOKEN" --telegram-chat -1001234567890 \
	    --discord-path "$DC_PATH" --slack-path "$SL_PATH" \
	    --ntfy-topic my-tickerd --ntfy-token "$NTFY_TOKEN" \
	    --pushover-token "$PO_TOKEN" --pushover-user "$PO_USER" \
	    --gotify-token "$GO_TOKEN" 2>"$T/fakepush.err" &
	PUSHPID=$!
	PIDS="$PIDS $PUSHPID"
	wait_for 20 test -s "$T/push.port" || { cat "$T/fakepush.err"; fail "fakepush did not start"; finish; }
	PPORT=$(cat "$T/push.port")
}
start_fakepush
: > "$PLOG"
# The webhook URLs point at the real services; api points them here.
secret discord.url "https://discord.com/api/webhooks/$DC_PATH"
secret slack.url "https://hooks.slack.com/services/$SL_PATH"

# notifiers API RETRY [EXTRA]: the six blocks, EXTRA inside each.
notifiers() {
	cat <<END
notifier telegram "tg" { token-file "tg.token" chat-id "-1001234567890" api "$1" retry $2 ${3:-} }
notifier discord "dc" { url-file "discord.url" api "$1" retry $2 ${3:-} }
notifier slack "sl" { url-file "slack.url" api "$1" retry $2 ${3:-} }
notifier ntfy "nt" { server "https://ntfy.example" api "$1" topic "my-tickerd" token-file "ntfy.token" priority high retry $2 ${3:-} }
notifier pushover "po" { token-file "po.token" user-file "po.user" api "$1" priority high retry $2 ${3:-} }
notifier gotify "go" { server "$1" token-file "go.token" priority 8 retry $2 ${3:-} }
notify "tg", "dc", "sl", "nt", "po", "go"
END
}

# delivered SERVICE [LOG]: how many messages SERVICE took (2xx answers).
delivered() {
	$PY - "${2:-$PLOG}" "$1" <<'END'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["service"] == sys.argv[2] and isinstance(e["status"], int) \
            and 200 <= e["status"] < 300:
        n += 1
print(n)
END
}
answered() {	# answered SERVICE STATUS: how many times it answered so
	grep -c "\"service\": \"$1\".*\"status\": $2[,}]" "$PLOG" || true
}
all_delivered() {	# all_delivered N: each service took N messages
	for s in $SERVICES; do
		[ "$(delivered "$s")" -ge "$1" ] || return 1
	done
}
# visible SERVICE: the text of its (last) delivered message, as shown.
visible() {
	$PY - "$PLOG" "$1" <<'END'
import json, sys
v = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["service"] == sys.argv[2] and "visible" in e:
        v = e["visible"]
sys.stdout.write(v or "")
END
}

# ---- one alert, a 429 first on each service, a note full of markup
NOTE='*bold* _it_ ~~gone~~ `code` <b>x</b> & <script>y</script> [a](http://e.x) #h >q |t @everyone'
{ echo "provider yahoo { url \"http://127.0.0.1:$QPORT\" }"
  echo "poll 1s"
  echo "state-dir memory"
  echo "control none"
  notifiers "http://127.0.0.1:$PPORT" 30s
  echo "watch CALX { above 44.53 note \"$NOTE\" }"; } > "$T/one.conf"
check "-n accepts the six notifiers" "$TICKERD" -n -f "$T/one.conf"
printf '%s 429 1\n' $SERVICES | curl -s -o /dev/null --data-binary @- "http://127.0.0.1:$PPORT/_fake/plan"
"$TICKERD" -d -v -f "$T/one.conf" 2>"$T/one.err" &
TPID=$!
PIDS="$PIDS $TPID"
check "every service took the alert after its 429" wait_for 15 all_delivered 1
wait_polls CALX 2
for s in $SERVICES; do
	check "$s: one 429, then exactly one message" \
	    test "$(answered "$s" 429)/$(delivered "$s")" = 1/1
	visible "$s" > "$T/$s.txt"
	check "$s: the symbol and the price" sh -c "grep -q CALX '$T/$s.txt' && grep -q '45\.12' '$T/$s.txt'"
	check "$s: the note arrives as the plain text it was" grep -qF -- "$NOTE" "$T/$s.txt"
done
kill "$TPID"; wait "$TPID" 2>/dev/null
check "the 429's wait was taken, not the 30s retry" grep -q 'telegram tg: .*HTTP 429.*next try in 1\.0s' "$T/one.err"
check "Discord's reason is its own words" grep -q 'Discord answered HTTP 429: You are being rate limited' "$T/one.err"
check "ntfy: Priority high is 4, tagged, a Click link" $PY - "$PLOG" <<'END'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["service"] == "ntfy" and e.get("status") == 200:
        h = e["headers"]
        assert h["Priority"] == "4", h
        assert h["Tags"] == "chart_with_upwards_trend", h
        assert h["Click"] == "https://finance.yahoo.com/quote/CALX", h
        assert h["Title"].startswith("CALX 45.12 USD crossed above"), h
END
check "Discord: an embed coloured green, with fields, no pings" $PY - "$PLOG" <<'END'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["service"] == "discord" and e.get("status") == 204:
        j = json.loads(e["body"])
        em = j["embeds"][0]
        assert em["color"] == 0x2e7d32, em
        assert [f["name"] for f in em["fields"]][:2] == ["Price", "Change"], em
        assert j["allowed_mentions"] == {"parse": []}, j
END
check "Telegram: HTML parse mode, to the chat" $PY - "$PLOG" <<'END'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["service"] == "telegram" and e.get("status") == 200:
        j = json.loads(e["body"])
        assert j["parse_mode"] == "HTML" and j["chat_id"] == -1001234567890, j
        assert "&lt;script&gt;" in j["text"], j
END
check "no secret in any log line" sh -c "! grep -e '$TG_TOKEN' -e DiscordWebhookSecretToken -e SlackHookSecret -e '$NTFY_TOKEN' -e '$PO_TOKEN' -e '$PO_USER' -e '$GO_TOKEN' '$T/one.err'"

# ---- down across a restart: exactly one message each, afterwards
kill "$PUSHPID"; wait "$PUSHPID" 2>/dev/null
DOWNPORT=$PPORT
cp "$PLOG" "$T/one.push.log"
: > "$PLOG"
{ echo "provider yahoo { url \"http://127.0.0.1:$QPORT\" }"
  echo "poll 1s"
  echo "state-dir \"down.state\""
  echo "control none"
  notifiers "http://127.0.0.1:$DOWNPORT" 1s
  echo "watch QCOM { below 155 note \"sold half at 150\" }"; } > "$T/down.conf"
start_tickerd "$T/down.conf" "$T/down.err"
check "down: every attempt fails" wait_for 15 sh -c "[ \$(grep -c 'not delivered (attempt 2)' '$T/down.err') -ge 6 ]"
kill "$TPID"; wait "$TPID" 2>/dev/null
check "down: six messages kept in the outbox" test "$(ls "$T/down.state/outbox" | grep -c json)" -eq 6
start_fakepush "$DOWNPORT"
start_tickerd "$T/down.conf" "$T/down2.err"
check "down: delivered after the restart" wait_for 15 all_delivered 1
wait_polls QCOM 3
kill "$TPID"; wait "$TPID" 2>/dev/null
for s in $SERVICES; do
	check "down: $s took exactly one" test "$(delivered "$s")" -eq 1
done
check "down: the outbox is empty" test -z "$(ls "$T/down.state/outbox" | grep json)"
check "down: the note came through" sh -c "grep -q 'sold half at 150' '$PLOG'"

# ---- a digest is one message; long notes keep within every limit
: > "$PLOG"
LONG=$($PY -c 'print(("<&> *é* 😀 " * 600)[:5000])')
{ echo "provider yahoo { url \"http://127.0.0.1:$QPORT\" }"
  echo "poll 1s"
  echo "state-dir memory"
  echo "control \"$T/ctl.sock\""
  notifiers "http://127.0.0.1:$PPORT" 1s "digest 2s"
  echo "watch CALX { above 44.53 note \"$LONG\" }"
  echo "watch QCOM { below 155 note \"second\" }"; } > "$T/digest.conf"
start_tickerd "$T/digest.conf" "$T/digest.err"
check "digest: each service took a message" wait_for 15 all_delivered 1
wait_polls CALX 3
for s in $SERVICES; do
	check "digest: $s, one message for both alerts, within its limits" \
	    test "$(answered "$s" 400)/$(answered "$s" 413)/$(delivered "$s")" = 0/0/1
	visible "$s" > "$T/$s.txt"
	check "digest: $s names both symbols" sh -c "grep -q CALX '$T/$s.txt' && grep -q QCOM '$T/$s.txt'"
done
check "digest: Telegram cut the long note with an ellipsis" grep -q '…' "$T/telegram.txt"

# ---- tickerctl test reaches each service
cp "$PLOG" "$T/digest.push.log"
: > "$PLOG"
for n in tg dc sl nt po go; do
	check "tickerctl test $n" "$TICKERCTL" -s "$T/ctl.sock" test "$n"
done
check "tests: one message each" all_delivered 1
kill "$TPID"; wait "$TPID" 2>/dev/null
check "no secret in the digest run's log" sh -c "! grep -e '$TG_TOKEN' -e DiscordWebhookSecretToken -e SlackHookSecret -e '$NTFY_TOKEN' -e '$PO_TOKEN' -e '$GO_TOKEN' '$T/digest.err'"

# ---- a wrong token: the service's words, the token not shown
: > "$PLOG"
secret bad.token "987654321:AAWrongTokenThatMustNotBeLogged"
cat > "$T/bad.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir memory
control none
notifier telegram "tg" { token-file "bad.token" chat-id "-1001234567890" api "http://127.0.0.1:$PPORT" retry 1s }
notify "tg"
watch CALX { above 44.53 }
END
start_tickerd "$T/bad.conf" "$T/bad.err"
check "wrong token: Telegram's answer is logged" wait_for 15 grep -q 'Telegram answered HTTP 401: Unauthorized' "$T/bad.err"
kill "$TPID"; wait "$TPID" 2>/dev/null
check "wrong token: not in the log" sh -c "! grep -q AAWrongToken '$T/bad.err'"

# ---- configuration errors name FILE:LINE, never the secret
printf 'not a token, but a secret\n' > "$T/odd.token"
chmod 600 "$T/odd.token"
chmod 644 "$T/po.user"
cat > "$T/err.conf" <<'END'
notifier telegram "tg" { token-file "odd.token" chat-id "-100" }
notifier pushover "po" { token-file "po.token" user-file "po.user" }
notifier ntfy "nt" { topic "no spaces" }
notifier discord "dc" { }
notifier ntfy "n2" { topic "fine" priority loud }
watch CALX { above 1 }
END
"$TICKERD" -n -f "$T/err.conf" > "$T/err.out" 2>&1
check "errors: the token's shape" grep -q 'err.conf:1: notifier telegram "tg": token-file .*odd.token does not hold a bot token' "$T/err.out"
check "errors: a file others can read" grep -q 'err.conf:2: .*po.user: secret file is accessible by others' "$T/err.out"
check "errors: an ntfy topic" grep -q 'err.conf:3: topic: "no spaces" is not an ntfy topic' "$T/err.out"
check "errors: an ntfy priority" grep -q 'err.conf:5: priority: "loud" is neither' "$T/err.out"
check "errors: url-file required" grep -q 'err.conf:4: notifier discord "dc": url-file is required' "$T/err.out"
check "errors: the secret is not shown" sh -c "! grep -q 'but a secret' '$T/err.out'"
finish
