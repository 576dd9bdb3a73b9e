#!/bin/sh
# Exactly once across restarts and crashes: kill -9 between every two
# writes of an alert (TICKERD_CRASHPOINT), a normal restart, kill -9 at
# random moments while a price climbs through eleven thresholds, a corrupt
# and a foreign state file, an edited watch, and a second daemon on the
# same state directory.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"

# conf DIR: a configuration in DIR with two mbox notifiers
conf() {
	mkdir -p "$1"
	cat > "$1/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
poll 1s
notifier mail "a" { to "a@example.com" mbox "a.mbox" }
notifier mail "b" { to "b@example.com" mbox "b.mbox" }
notify "a", "b"
watch CALX {
    note "two rules fire on one quote: a batch of four messages"
    above 44.53
    move 3%
}
END
}

mails() {
	grep -c '^From ' "$1" 2>/dev/null || echo 0
}

# ---- kill -9 between every two writes ----
for cp in outbox history commit committed delivered; do
	D=$T/cp-$cp
	conf "$D"
	TICKERD_CRASHPOINT=$cp "$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err1"
	rc=$?
	check "$cp: the daemon was killed there (status $rc)" test "$rc" -eq 137
	"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err2"
	check "$cp: the restart exits 0" test $? -eq 0
	"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err3"
	na=$(mails "$D/a.mbox")
	nb=$(mails "$D/b.mbox")
	check "$cp: notifier a got each alert once (got $na of 2)" test "$na" -eq 2
	check "$cp: notifier b got each alert once (got $nb of 2)" test "$nb" -eq 2
	check "$cp: two different subjects" test "$(grep '^Subject:' "$D/a.mbox" | sort -u | wc -l)" -eq 2
	check "$cp: history holds 2 alerts" test "$(wc -l < "$D/state/history.jsonl")" -eq 2
	check "$cp: outbox empty" test -z "$(ls "$D/state/outbox" | grep -v '^failed$')"
	check "$cp: the third run fires nothing" sh -c "! grep -q '^alert' '$D/err3'"
	n1=$(grep -c '^alert' "$D/err1")
	n2=$(grep -c '^alert' "$D/err2")
	check "$cp: alert lines logged at most once in all ($n1 + $n2)" test $((n1 + n2)) -le 2
done

# ---- a normal restart: nothing repeats ----
D=$T/restart
conf "$D"
start_tickerd "$D/tickerd.conf" "$D/err1"
P=$TPID
check "restart: alerts fire" wait_for 10 sh -c "[ \$(grep -c '^From ' '$D/b.mbox' 2>/dev/null || echo 0) -eq 2 ]"
kill -TERM "$P"
wait "$P"
start_tickerd "$D/tickerd.conf" "$D/err2"
P=$TPID
wait_polls CALX 3
check "restart: the restarted daemon repeats nothing" sh -c "! grep -q '^alert' '$D/err2'"
check "restart: still 2 mails" test "$(mails "$D/a.mbox")" -eq 2
check "restart: state restored" grep -q 'state: restored 1 symbol' "$D/err2"
kill -9 "$P"
wait "$P" 2>/dev/null
start_tickerd "$D/tickerd.conf" "$D/err3"
P=$TPID
wait_polls CALX 3
check "restart after kill -9: repeats nothing" sh -c "! grep -q '^alert' '$D/err3'"
kill -TERM "$P"
wait "$P"

# ---- kill -9 at random moments while the price climbs ----
D=$T/random
mkdir -p "$D"
printf 'RISE price=9.00 prev=9.00 high=30 low=5\n' > "$D/scenario"
QSAVE=$QPORT
"$FAKEQUOTE" -s "$D/scenario" -p "$D/port" -l "$D/requests.log" &
PIDS="$PIDS $!"
wait_for 10 test -s "$D/port"
RPORT=$(cat "$D/port")
cat > "$D/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$RPORT" }
state-dir "state"
poll 1s
notifier mail "a" { to "a@example.com" mbox "a.mbox" }
notify "a"
watch RISE {
    above 10
    above 11
    above 12
    above 13
    above 14
    above 15
    above 16
    above 17
    above 18
    above 19
    above 20
}
END
# the price climbs 0.25 every 0.3s, from 9 to 20.5
( p=900; while [ $p -le 2050 ]; do
	printf 'RISE price=%d.%02d prev=9.00 high=30 low=5\n' $((p / 100)) $((p % 100)) > "$D/scenario.tmp"
	mv "$D/scenario.tmp" "$D/scenario"
	p=$((p + 25)); sleep 0.3
  done ) &
CLIMB=$!
PIDS="$PIDS $CLIMB"
kills=0
while kill -0 "$CLIMB" 2>/dev/null; do
	"$TICKERD" -d -f "$D/tickerd.conf" 2>>"$D/err" &
	P=$!
	sleep "$(awk -v s=$((kills + $$)) 'BEGIN { srand(s); printf "%.2f", 0.3 + rand() * 1.2 }')"
	kill -9 "$P" 2>/dev/null
	wait "$P" 2>/dev/null
	kills=$((kills + 1))
done
"$TICKERD" -d -f "$D/tickerd.conf" 2>>"$D/err" &
P=$!
PIDS="$PIDS $P"
wait_for 15 sh -c "[ \$(grep -c '^From ' '$D/a.mbox' 2>/dev/null || echo 0) -ge 11 ]"
sleep 2
kill -TERM "$P"
wait "$P"
n=$(mails "$D/a.mbox")
u=$(grep '^Subject:' "$D/a.mbox" | sed 's/.* crossed above //' | sort -u | wc -l)
check "random kill -9 ($kills kills): 11 thresholds, 11 mails (got $n)" test "$n" -eq 11
check "random kill -9: each threshold once (got $u distinct)" test "$u" -eq 11
QPORT=$QSAVE

# ---- a corrupt state file: moved aside, loudly, and a fresh start ----
D=$T/corrupt
conf "$D"
mkdir -p "$D/state"
printf '{"version": 1, "symbols": {"CALX": {"rules": ' > "$D/state/state.json"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err"
check "corrupt: still runs (status $?)" test $? -eq 0
check "corrupt: said so" grep -q 'state: .*/state.json is unusable (.*); moved it to .*state.json.corrupt-' "$D/err"
check "corrupt: kept aside" sh -c "ls '$D/state/' | grep -q '^state.json.corrupt-'"
check "corrupt: a fresh state.json" grep -Eq '"version": ?1' "$D/state/state.json"
check "corrupt: rules start afresh" grep -q '^alert CALX above 44.53' "$D/err"

printf '{"version": 99, "symbols": {}}\n' > "$D/state/state.json"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err"
check "future version: moved aside" grep -q 'version 99, this tickerd reads version 1' "$D/err"

printf 'garbage' > "$D/state/outbox/x.json"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err"
check "corrupt outbox message: moved aside" grep -q 'outbox/x.json is unusable' "$D/err"

# ---- editing a watch resets only the rules that changed ----
D=$T/edit
conf "$D"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err1"
sed -i 's/above 44.53/above 44.60/' "$D/tickerd.conf"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err2"
check "edit: the changed rule fires anew" grep -q '^alert CALX above 44.60' "$D/err2"
check "edit: the unchanged rule does not" sh -c "! grep -q '^alert CALX move' '$D/err2'"
check "edit: the old rule is forgotten" sh -c "! grep -q 'above 44.53' '$D/state/state.json'"

# ---- one daemon per state directory ----
D=$T/lock
conf "$D"
start_tickerd "$D/tickerd.conf" "$D/err1"
P=$TPID
wait_for 10 test -f "$D/state/state.json"
"$TICKERD" -d --once -f "$D/tickerd.conf" 2>"$D/err2"
rc=$?
check "lock: a second daemon refuses (status $rc)" test "$rc" -eq 2
check "lock: and says why" grep -q 'is in use by another tickerd' "$D/err2"
kill -TERM "$P"
wait "$P"
finish
