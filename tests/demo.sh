#!/bin/sh
# The embedded demo (README command 1): the replay of a CALX day shows
# CALX alerts within 10 seconds and mails them into a local mbox.
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
m=$(grep -c '^From ' "$T/demo/demo.mbox")
check "4 alerts (got $n)" test "$n" -eq 4
check "one mbox message per alert (got $m)" test "$m" -eq "$n"
check "mbox has the Subject" grep -q '^Subject: \[tickerd\] CALX 44.65 crossed above 44.53$' "$T/demo/demo.mbox"
check "no warning or error on the way" sh -c \
    "! grep -Eiq 'warn|error|fail|cannot|could not|unusable|refused|stale' '$T/err'"
check "mbox lines have no CR" sh -c "! grep -q \$(printf '\r') '$T/demo/demo.mbox'"
finish
