#!/bin/sh
# A daemon replaying a recorded session is stopped with kill -9 and
# restarted on the same quotes, then stopped normally and restarted again:
# in all, it sends exactly the alerts the backtest of the same file finds,
# each once.  The backtest itself leaves the state directory alone.
. "${top_srcdir:-.}/tests/lib.sh"

CSV=$SRCDIR/tests/data/replay-session.csv
# quotes are 45 minutes apart; at 1200x a 1s poll is 20 minutes: every
# quote is seen
cat > "$T/tickerd.conf" <<END
provider replay { file "$CSV" speed 1200 }
poll 1s
state-dir "state"
notifier mail "m" { to "me@example.com" mbox "alerts.mbox" }
notify "m"
watch CALX { above 44.53  new 52w-high  within 1% of 52w-high }
watch NIO { below 4.00 once  move 10% }
watch QCOM { move 5%  above 170 }
END

"$TICKERD" -d --once --replay "$CSV" -f "$T/tickerd.conf" >"$T/bt.out" 2>"$T/bt.err"
grep '^alert' "$T/bt.err" | sed 's/ (.*//' | sort > "$T/expected"
n=$(wc -l < "$T/expected")
cat "$T/bt.out"
check "the backtest finds alerts ($n)" test "$n" -ge 8
check "the backtest left the state directory alone" test ! -e "$T/state"
check "the backtest sent nothing" test ! -e "$T/alerts.mbox"
check "the backtest's NIO once rule fired once" test "$(grep -c '^alert NIO below 4.00' "$T/expected")" -eq 1

start_tickerd "$T/tickerd.conf" "$T/run1.err"
P=$TPID
wait_for 20 sh -c "[ \$(grep -c '^alert' '$T/run1.err') -ge 4 ]"
kill -9 "$P"
wait "$P" 2>/dev/null
start_tickerd "$T/tickerd.conf" "$T/run2.err"
P=$TPID
wait_for 20 sh -c "[ \$(cat '$T/run1.err' '$T/run2.err' | grep -c '^alert') -ge $((n - 2)) ]"
kill -TERM "$P"
wait "$P"
start_tickerd "$T/tickerd.conf" "$T/run3.err"
P=$TPID
wait "$P"
check "the last run ends with the replay (status $?)" grep -q 'replay finished' "$T/run3.err"
cat "$T"/run1.err "$T"/run2.err "$T"/run3.err | grep '^alert' | sed 's/ (.*//' | sort > "$T/got"
check "across kill -9 and a restart: the backtest's alerts, each once" cmp -s "$T/expected" "$T/got"
diff "$T/expected" "$T/got"
m=$(grep -c '^From ' "$T/alerts.mbox")
check "one mail per alert ($m of $n)" test "$m" -eq "$n"
finish
