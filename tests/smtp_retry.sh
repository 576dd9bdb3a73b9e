#!/bin/sh
# Delivery through a real SMTP server that is not there at first:
#  1. two refused connections, then the server comes up: exactly one
#     message, the outbox empty, no further attempt;
#  2. the server is down when the alert fires and the daemon restarts in
#     between: exactly one message after the restart, none repeated by a
#     second restart;
# and every message passes the strict format checks, with a note that
# tries to inject a Bcc header and a recipient.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
port=$(free_port)
mkdir -p "$T/mail"

cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "state"
notifier mail "me" {
    to "alice@example.com"
    from "tickerd <tickerd@example.com>"
    smtp "smtp://127.0.0.1:$port"
    retry 1s
}
notify "me"
watch CALX {
    note "rural\\nBcc: evil@example.com\\nTo: mallory@example.com\\n\\nbody"
    above 44.53
}
END

# 1. refused twice, then up
start_tickerd "$T/tickerd.conf" "$T/err1"
check "two refused attempts are logged" wait_for 15 grep -q 'not delivered (attempt 2): Couldn.t connect' "$T/err1"
check "the message waits in the outbox" test "$(ls "$T/state/outbox" | grep -c json)" -eq 1
start_smtpd "$T/mail" "$port"
check "delivered once the server is up" wait_mail "$T/mail" 1
wait_polls CALX 3
sleep 1
check "exactly one message" test "$(mail_count "$T/mail")" -eq 1
check "outbox empty after delivery" test -z "$(ls "$T/state/outbox" | grep json)"
check "delivery logged" grep -q 'mail me: delivered "CALX 45.12 USD crossed above 44.53"' "$T/err1"
stop_tickerd
check "SIGTERM: exit 0 (got $TRC)" test "$TRC" -eq 0

m=$T/mail/new/1.eml
check "strict format" mailcheck "$m" --subject "[tickerd] CALX 45.12 USD crossed above 44.53" \
    --to alice@example.com --text "Note:" --no-header Bcc --no-header Cc
check "the envelope has one recipient, the configured one" \
    test "$(grep -c '^rcpt ' "$T/mail/new/1.env")" -eq 1
check "envelope recipient is alice" grep -qx 'rcpt alice@example.com' "$T/mail/new/1.env"
check "no header line starts with Bcc: or a second To:" \
    test "$(sed '/^\r$/q' "$m" | grep -ci -e '^bcc:' -e '^to:')" -eq 1
check "the injected text is body text" grep -q 'Bcc: evil@example.com' "$m"

# 2. down while the alert fires, restart, then up
stop_smtpd
echo 'CALX price=40.00 prev=43.72 high=44.53 low=27.73' > "$T/scenario"
start_tickerd "$T/tickerd.conf" "$T/err2"
wait_polls CALX 2
stop_tickerd
echo 'CALX price=46.00 prev=43.72 high=44.53 low=27.73' > "$T/scenario"
start_tickerd "$T/tickerd.conf" "$T/err3"
check "fired while the server is down" wait_for 15 grep -q 'not delivered (attempt 1)' "$T/err3"
stop_tickerd
check "stopped with the message in the outbox" test "$(ls "$T/state/outbox" | grep -c json)" -eq 1
check "the stop says so" grep -q '1 message left in the outbox' "$T/err3"
start_smtpd "$T/mail" "$port"
start_tickerd "$T/tickerd.conf" "$T/err4"
check "delivered after the restart" wait_mail "$T/mail" 2
wait_polls CALX 3
stop_tickerd
check "exactly one more message" test "$(mail_count "$T/mail")" -eq 2
check "no alert repeated after the restart" sh -c "! grep -q '^alert' '$T/err4'"
start_tickerd "$T/tickerd.conf" "$T/err5"
wait_polls CALX 3
stop_tickerd
check "a second restart sends nothing" test "$(mail_count "$T/mail")" -eq 2
check "strict format of the second" mailcheck "$T/mail/new/2.eml" \
    --subject "[tickerd] CALX 46.00 USD crossed above 44.53" --no-header Bcc
finish
