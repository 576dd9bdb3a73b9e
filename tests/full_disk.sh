#!/bin/sh
# A full disk under the state directory (a 64 KiB tmpfs, in a private
# mount namespace): an alert that cannot be committed is not sent; it is
# said once, and shown by tickerctl status; when space returns, the
# alert goes out exactly once, with or without a restart between, and
# when the price has moved back meanwhile too, saying when it crossed
# (issue 28, item 13); no history line is ever cut short.
. "${top_srcdir:-.}/tests/lib.sh"

command -v unshare >/dev/null || skip "unshare is not available"
[ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace"
unshare -m true 2>/dev/null || skip "cannot create a mount namespace"
if [ -z "${TICKERD_IN_NS:-}" ]; then
	rm -rf "$T"
	exec unshare -m --propagation private env TICKERD_IN_NS=1 sh "$0" "$@"
fi

: "${TICKERCTL:=$(dirname "$TICKERD")/tickerctl}"
cat > "$T/scenario" <<'END'
CALX price=40 prev=39 high=44.53 low=27.73
END
start_fakequote "$T/scenario"

# run NAME: a daemon with its state on a tmpfs of its own, filled up
run() {
	D=$T/$1
	mkdir -p "$D/state"
	mount -t tmpfs -o size=64k tmpfs "$D/state" || { fail "mount"; finish; }
	cat > "$D/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "state"
control "$D/ctl.sock"
notifier mail "me" { to "a@example.com" mbox "$D/mail.mbox" }
notify "me"
watch CALX { above 44.53 }
END
}

fill() { dd if=/dev/zero of="$D/state/filler" bs=4k 2>/dev/null; sync; }
# the alerts mailed; the problem notices of the state directory apart
count() { n=$(grep -cs "$1" "$D/mail.mbox"); echo "${n:-0}"; }
mails() { count '^Subject: .*CALX'; }
notices() { count "^Subject: .*state directory $1"; }
history_ok() {
	$PY -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$D/state/history.jsonl"
}

# ---- without a restart ----
run live
start_tickerd "$D/tickerd.conf" "$D/err"
wait_polls CALX 2
fill
sed -i 's/price=40 /price=45.12 /' "$T/scenario"
check "live: the full disk is said" wait_for 10 grep -q 'alerts wait until it can be written' "$D/err"
wait_polls CALX 3
check "live: nothing sent meanwhile" test "$(mails)" -eq 0
check "live: said once ($(grep -c 'alerts wait' "$D/err"))" test "$(grep -c 'alerts wait' "$D/err")" -eq 1
"$TICKERCTL" -s "$D/ctl.sock" status > "$D/status"
check "live: tickerctl status shows it" grep -q '^state problem .*No space left' "$D/status"
check "live: told through the notifier at once, from memory" \
    wait_for 5 sh -c "[ \$(grep -c '^Subject: .*state directory cannot be written' '$D/mail.mbox' 2>/dev/null) -ge 1 ]"
check "live: told once ($(notices 'cannot'))" test "$(notices 'cannot')" -eq 1
rm -f "$D/state/filler"
check "live: space again: the alert goes out" wait_for 10 grep -qs '^Subject: .*CALX' "$D/mail.mbox"
check "live: said so" grep -q 'can be written again' "$D/err"
wait_polls CALX 3
check "live: exactly once ($(mails))" test "$(mails)" -eq 1
check "live: its end told once" wait_for 15 sh -c \
    "[ \$(grep -c '^Subject: .*state directory can be written again' '$D/mail.mbox') -eq 1 ]"
check "live: no history line cut short" history_ok
stop_tickerd
check "live: a clean stop" test "$TRC" -eq 0

# ---- the price moves back before there is room again ----
sed -i 's/price=45.12 /price=40 /' "$T/scenario"
run back
start_tickerd "$D/tickerd.conf" "$D/err"
wait_polls CALX 2
fill
sed -i 's/price=40 /price=45.12 /' "$T/scenario"
check "back: the crossing is kept in memory" wait_for 10 \
    grep -q '^CALX: 1 alert kept in memory until the state directory can be written' "$D/err"
sed -i 's/price=45.12 /price=40 /' "$T/scenario"
wait_polls CALX 3
check "back: nothing sent meanwhile" test "$(mails)" -eq 0
rm -f "$D/state/filler"
check "back: space again: the alert goes out, though the price is back" \
    wait_for 15 grep -qs '^Subject: .*CALX' "$D/mail.mbox"
check "back: it says when it crossed" grep -q \
    '^alert CALX above 44.53: price 45.12 .*; price crossed 44.53 at [0-9][0-9]:[0-9][0-9] .* while the state directory was full' "$D/err"
check "back: the mail says so" grep -q 'Late:      price crossed 44.53 at' "$D/mail.mbox"
wait_polls CALX 3
check "back: exactly once ($(mails))" test "$(mails)" -eq 1
check "back: no history line cut short" history_ok
stop_tickerd

# ---- with a restart between ----
sed -i 's/price=45.12 /price=40 /' "$T/scenario"
run restart
start_tickerd "$D/tickerd.conf" "$D/err"
wait_polls CALX 2
fill
sed -i 's/price=40 /price=45.12 /' "$T/scenario"
check "restart: the full disk is said" wait_for 10 grep -q 'alerts wait until it can be written' "$D/err"
wait_polls CALX 2
stop_tickerd
check "restart: nothing sent before" test "$(mails)" -eq 0
check "restart: nothing claimed left in the outbox" sh -c "! grep -q 'left in the outbox' '$D/err'"
rm -f "$D/state/filler"
start_tickerd "$D/tickerd.conf" "$D/err2"
check "restart: the alert goes out" wait_for 10 grep -qs '^Subject: .*CALX' "$D/mail.mbox"
wait_polls CALX 3
check "restart: exactly once ($(mails))" test "$(mails)" -eq 1
check "restart: no history line cut short" history_ok
stop_tickerd
umount "$T/live/state" "$T/back/state" "$T/restart/state"
finish
