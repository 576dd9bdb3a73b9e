#!/bin/sh
# Quiet hours on a notifier (issue 35): messages of the span are held and
# go out as one digest at its end, never before, never dropped; a rule
# marked urgent goes through at once.  The span ends at the next minute
# of the UTC clock, so the test waits for it (at most a minute).
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=160 prev=150 high=230 low=120
AMBA price=80 prev=70 high=90 low=50
NIO price=4.1 prev=4.5 high=9 low=3.6
END
start_fakequote "$T/scenario"
# from an hour ago to the next minute, UTC; not when that minute is
# midnight's (the span would be empty or whole), nor one a few seconds
# away (the span would end before the alerts are judged)
now=$(date -u +%s)
if [ $((now % 60)) -gt 40 ]; then sleep $((62 - now % 60)); now=$(date -u +%s); fi
if [ $(( (now / 60 + 1) % 1440 )) -lt 61 ]; then sleep 61; now=$(date -u +%s); fi
from=$(date -u -d "@$((now - 3600))" +%H:%M)
to=$(date -u -d "@$((now + 60))" +%H:%M)
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "$T/state"
control none
notifier mail "me" { to "a@example.com" mbox "$T/mail.mbox"
    quiet $from-$to UTC }
notify "me"
watch CALX { above 44.53 }
watch QCOM { above 155 }
watch AMBA { above 75 }
watch NIO { below 4.2 urgent }
END
check "-n accepts quiet and urgent" sh -c "'$TICKERD' -n -f '$T/tickerd.conf' |
    grep -q 'configuration OK'"
check "a bad span is FILE:LINE" sh -c "printf 'notifier syslog \"s\" { quiet \
    22:00-7 }\n' > '$T/bad.conf'; '$TICKERD' -n -f '$T/bad.conf' 2>&1 |
    grep -q 'bad.conf:1: quiet: \"22:00-7\" is not a span HH:MM-HH:MM'"
mails() { n=$(grep -cs '^From ' "$T/mail.mbox"); echo "${n:-0}"; }
start_tickerd "$T/tickerd.conf" "$T/err"
wait_for 10 sh -c "[ \$(grep -c '^alert ' '$T/err') -ge 4 ]"
wait_for 5 sh -c "[ \$(grep -cs '^From ' '$T/mail.mbox') -ge 1 ]"
sleep 1
check "quiet: the urgent one at once, alone ($(mails))" test "$(mails)" -eq 1
check "... it is NIO's" grep -q '^Subject: .*NIO' "$T/mail.mbox"
check "quiet: said" grep -q 'mail me: quiet hours; messages are held for' \
    "$T/err"
# the three others wait for the end of the span
left=$(( 60 - $(date -u +%S | sed 's/^0//') + 3 ))
sleep $((left > 40 ? 30 : 0))
check "quiet: nothing else before its end ($(mails))" test "$(mails)" -eq 1
wait_for 70 sh -c "[ \$(grep -cs '^From ' '$T/mail.mbox') -ge 2 ]"
sleep 2
stop_tickerd
check "at its end: one digest of the three ($(mails) mails)" test "$(mails)" -eq 2
check "... naming all three" grep -q \
    '^Subject: \[tickerd\] 3 alerts: \(CALX\|AMBA\|QCOM\), \(CALX\|AMBA\|QCOM\), \(CALX\|AMBA\|QCOM\)$' \
    "$T/mail.mbox"
finish
