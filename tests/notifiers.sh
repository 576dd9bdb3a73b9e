#!/bin/sh
# The other ways out: a webhook (JSON POST, a token header from a private
# file, retried through server errors), a digest (alerts within the window
# as one mail), and a sendmail program (fork+execv of PATH -t -i, retried
# when it fails).
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
PLTR price=20.00 prev=19.00 high=30.00 low=10.00
HOOK status=503
END
start_fakequote "$T/scenario"
printf 'tok-9f8e7d\n' > "$T/hook.token"
chmod 600 "$T/hook.token"

# ---- webhook: 503 twice, then 200: exactly one accepted POST
cat > "$T/hook.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "hook.state"
notifier webhook "phone" {
    url "http://127.0.0.1:$QPORT/hook"
    header "X-Token" file "hook.token"
    retry 1s
}
notify "phone"
watch CALX { above 44.53 }
END
check "-n accepts the webhook" "$TICKERD" -n -f "$T/hook.conf"
start_tickerd "$T/hook.conf" "$T/hook.err"
check "two refused POSTs" wait_for 15 sh -c "[ \$(grep -c '	503	' '$HOOKLOG') -ge 2 ]"
check "the failure names the status" grep -q 'webhook phone: "CALX 45.12 USD crossed above 44.53" not delivered (attempt 1): HTTP 503' "$T/hook.err"
sed -i 's/^HOOK .*/HOOK status=200/' "$T/scenario"
check "delivered once the hook answers 200" wait_for 15 grep -q '	200	' "$HOOKLOG"
wait_polls CALX 3
stop_tickerd
check "exactly one accepted POST" test "$(grep -c '	200	' "$HOOKLOG")" -eq 1
check "outbox empty" test -z "$(ls "$T/hook.state/outbox" | grep json)"
line=$(grep '	200	' "$HOOKLOG")
check "Content-Type is JSON" test "${line%%	*}" = "application/json; charset=utf-8"
check "the token header came from the file" sh -c "echo '$line' | cut -f2 | grep -qx tok-9f8e7d"
check "sent with POST" test "$(echo "$line" | cut -f4)" = POST
echo "$line" | cut -f5- > "$T/hook.json"
check "the body has the spec's fields" $PY - "$T/hook.json" <<'END'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["symbol"] == "CALX", j
assert j["rule"] == "above 44.53", j
assert j["price"] == 45.12 and j["threshold"] == 44.53, j
assert j["time"].endswith("Z") and "T" in j["time"], j
assert j["message"].startswith("alert CALX above 44.53: price 45.12"), j
END
check "the token is never logged" sh -c "! grep -q tok-9f8e7d '$T/hook.err'"

# ---- webhook with a body template: PUT, plain text, the note as it is
: > "$HOOKLOG"
sed -i 's/^HOOK .*/HOOK status=200/' "$T/scenario"
cat > "$T/tmpl.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "tmpl.state"
control none
notifier webhook "chat" {
    url "http://127.0.0.1:$QPORT/hook"
    method PUT
    content-type "text/plain; charset=utf-8"
    body "{{symbol}} {{price}} {{currency}} {{rule}} ({{change_pct}}%): {{note}}"
}
notify "chat"
watch CALX { above 44.53 note "a \"quoted\" <note> & more" }
END
start_tickerd "$T/tmpl.conf" "$T/tmpl.err"
check "template: delivered" wait_for 15 grep -q '	200	' "$HOOKLOG"
stop_tickerd
line=$(grep '	200	' "$HOOKLOG")
check "template: PUT" test "$(echo "$line" | cut -f4)" = PUT
check "template: its content type" test "${line%%	*}" = "text/plain; charset=utf-8"
check "template: the body filled, the note as written" test \
    "$(echo "$line" | cut -f5-)" = 'CALX 45.12 USD above 44.53 (3.20%): a "quoted" <note> & more'
printf 'notifier webhook "w" { url "http://x/" body "{{symbol}} {{ticker}}" }\nwatch A { above 1 }\n' > "$T/badtmpl.conf"
check "template: an unknown placeholder is an error at FILE:LINE" sh -c \
    "! '$TICKERD' -n -f '$T/badtmpl.conf' 2>'$T/badtmpl.err' && grep -q 'badtmpl.conf:1: body: unknown placeholder {{ticker}}' '$T/badtmpl.err'"
chmod 644 "$T/hook.token"
"$TICKERD" -n -f "$T/hook.conf" >"$T/hookperm" 2>&1
check "-n refuses a token file others can read" test $? -ne 0
check "... naming the file" grep -q 'hook.token: secret file is accessible by others' "$T/hookperm"
check "... without printing the token" sh -c "! grep -q tok-9f8e7d '$T/hookperm'"

# ---- digest: three symbols fire in one window: one message
mkdir -p "$T/mail"
start_smtpd "$T/mail"
cat > "$T/digest.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" batches no }
poll 1s
state-dir "digest.state"
notifier mail "me" {
    to "alice@example.com"
    smtp "smtp://127.0.0.1:$SPORT"
    digest 3s
}
notify "me"
watch CALX { above 44.53 }
watch QCOM { move 5% }
watch PLTR { above 19.5 }
END
start_tickerd "$T/digest.conf" "$T/digest.err"
check "the digest is sent when the window closes" wait_mail "$T/mail" 1
wait_polls CALX 2
stop_tickerd
check "three alerts fired" test "$(grep -c '^alert' "$T/digest.err")" -eq 3
check "one message for the three" test "$(mail_count "$T/mail")" -eq 1
check "digest: strict format" mailcheck "$T/mail/new/1.eml" \
    --subject "[tickerd] 3 alerts: CALX, QCOM, PLTR" --to alice@example.com \
    --text "CALX" --text "QCOM" --text "PLTR"
check "digest: the outbox is empty" test -z "$(ls "$T/digest.state/outbox" | grep json)"

# with --once the window closes as soon as nothing else is left to do
sed -i 's/digest 3s/digest 1h/; s/digest.state/digest1.state/' "$T/digest.conf"
start=$(date +%s)
"$TICKERD" -d --once -f "$T/digest.conf" 2>"$T/digest1.err"
rc=$?
check "--once with a 1h digest: exit 0 (got $rc)" test "$rc" -eq 0
check "--once with a 1h digest: exits at once" test $(( $(date +%s) - start )) -lt 20
check "--once with a 1h digest: one more message" test "$(mail_count "$T/mail")" -eq 2
stop_smtpd

# ---- sendmail: a program that fails once (EX_TEMPFAIL), then takes it
cat > "$T/sendmail" <<END
#!/bin/sh
# records its arguments and the message; fails the first time
n=\$(ls "$T"/sent.* 2>/dev/null | wc -l)
printf '%s\n' "\$@" > "$T/args.\$n"
cat > "$T/sent.\$n"
if [ "\$n" -eq 0 ]; then echo "queue full, try later" >&2; exit 75; fi
exit 0
END
chmod 755 "$T/sendmail"
cat > "$T/sm.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "sm.state"
notifier mail "local" { to "alice" sendmail "$T/sendmail" retry 1s }
notify "local"
watch CALX { above 44.53 }
END
start_tickerd "$T/sm.conf" "$T/sm.err"
check "sendmail: the failure is named" wait_for 15 grep -q "not delivered (attempt 1): $T/sendmail exited with status 75: queue full, try later" "$T/sm.err"
check "sendmail: delivered on the retry" wait_for 15 grep -q 'mail local: delivered' "$T/sm.err"
wait_polls CALX 2
stop_tickerd
check "sendmail: run twice in all" test "$(ls "$T"/sent.* | wc -l)" -eq 2
check "sendmail: arguments are exactly -t -i" test "$(cat "$T/args.1" | tr '\n' ' ')" = "-t -i "
check "sendmail: the message has LF endings" sh -c "! grep -q \"\$(printf '\r')\" '$T/sent.1'"
check "sendmail: To header" grep -qx 'To: alice' "$T/sent.1"
check "sendmail: outbox empty" test -z "$(ls "$T/sm.state/outbox" | grep json)"
finish
