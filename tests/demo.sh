#!/bin/sh
# The embedded demo (README command 1): the replay of a day of CALX,
# QCOM, PLTR and FUBO shows alerts within 10 seconds, gathers them into
# digests in a local mbox, and says no warning on the way.
. "${top_srcdir:-.}/tests/lib.sh"

cp -R "$SRCDIR/conf/demo" "$T/demo"
chmod -R u+w "$T/demo"
rm -f "$T/demo/demo.mbox"
start=$(date +%s)
"$TICKERD" -d -f "$T/demo/tickerd.conf" 2>"$T/err" &
TPID=$!
PIDS="$PIDS $TPID"
check "a CALX alert within 10 seconds" wait_for 10 grep -q '^alert CALX ' "$T/err"
echo "first alert after $(( $(date +%s) - start ))s"
wait "$TPID"
rc=$?
cat "$T/err"
check "the demo ends by itself with status 0" test "$rc" -eq 0
check "replay finished" grep -q 'replay finished' "$T/err"
n=$(grep -c '^alert CALX ' "$T/err")
all=$(grep -c '^alert ' "$T/err")
m=$(grep -c '^From ' "$T/demo/demo.mbox")
check "4 CALX alerts (got $n)" test "$n" -eq 4
check "9 alerts in all (got $all)" test "$all" -eq 9
for s in QCOM PLTR FUBO; do
	check "alerts of $s too" grep -q "^alert $s " "$T/err"
done
check "digests: fewer mails than alerts ($m of $all)" test "$m" -ge 1 -a "$m" -lt "$all"
check "a digest's Subject" grep -q '^Subject: \[tickerd\] [0-9] alerts: ' "$T/demo/demo.mbox"
check "every alert is in the mail" $PY - "$T/demo/demo.mbox" <<'PY'
import mailbox, sys
text = ""
for m in mailbox.mbox(sys.argv[1]):
    for p in m.walk():
        if p.get_content_type() == "text/plain":
            text += p.get_payload(decode=True).decode()
need = ["CALX rose to 44.65 USD", "QCOM fell to", "PLTR", "FUBO moved"]
sys.exit(0 if all(n in text for n in need) else 1)
PY
check "no warning or error on the way" sh -c \
    "! grep -Eiq 'warn|error|fail|cannot|could not|unusable|refused|stale' '$T/err'"
check "mbox lines have no CR" sh -c "! grep -q \$(printf '\r') '$T/demo/demo.mbox'"
finish
