#!/bin/sh
# screen "name" { symbols ...; when ...; every D } (issue 35): its first
# evaluation is silent; then one message lists exactly the symbols that
# joined, and a later one those that left, at most once per `every'.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
AAA price=55 prev=50 high=90 low=10
BBB price=45 prev=50 high=90 low=10
CCC price=40 prev=50 high=90 low=10
DDD price=60 prev=50 high=90 low=10
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "$T/state"
control none
notifier mail "me" { to "a@example.com" mbox "$T/mail.mbox" }
screen "over50" {
    symbols AAA, BBB, CCC, DDD
    when above 50
    notify "me"
    every 3s
}
END
check "-n accepts the screen" sh -c "'$TICKERD' -n -f '$T/tickerd.conf' |
    grep -q 'configuration OK'"
mails() { n=$(grep -cs '^From ' "$T/mail.mbox"); echo "${n:-0}"; }
start_tickerd "$T/tickerd.conf" "$T/err"
wait_polls DDD 3
sleep 4
check "its first evaluation is silent ($(mails))" test "$(mails)" -eq 0
sed -i 's/^BBB price=45/BBB price=55/; s/^CCC price=40/CCC price=52/' \
    "$T/scenario"
wait_for 10 test -s "$T/mail.mbox"
sleep 4
check "one message for the two that joined ($(mails))" test "$(mails)" -eq 1
check "... its subject" grep -q \
    '^Subject: \[tickerd\] screen over50: 2 joined, 0 left' \
    "$T/mail.mbox"
check "... naming exactly them" sh -c "grep -q '^  BBB 55.00 USD' \
    '$T/mail.mbox' && grep -q '^  CCC 52.00 USD' '$T/mail.mbox' &&
    ! grep -q '^  AAA\|^  DDD' '$T/mail.mbox'"
sed -i 's/^AAA price=55/AAA price=45/' "$T/scenario"
wait_for 10 sh -c "[ \$(grep -cs '^From ' '$T/mail.mbox') -ge 2 ]"
sleep 4
stop_tickerd
check "then one for the one that left ($(mails))" test "$(mails)" -eq 2
check "... naming it" grep -q 'screen over50: 0 joined, 1 left' \
    "$T/mail.mbox"
check "... AAA" sh -c "sed -n '/0 joined, 1 left/,\$p' '$T/mail.mbox' |
    grep -q '^  AAA 45.00 USD'"

printf 'screen "x" { symbols CALX }\n' > "$T/bad.conf"
check "a screen without when is FILE:LINE" sh -c "'$TICKERD' -n -f \
    '$T/bad.conf' 2>&1 | grep -q 'bad.conf:1: screen \"x\": when is required'"
finish
