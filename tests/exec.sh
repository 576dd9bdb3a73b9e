#!/bin/sh
# notifier exec (issue 35), and a rule's own notify: the user's program, run without a shell with
# the alert in TICKERD_* variables and as JSON on its standard input;
# exit 0 delivers, anything else is retried; through the outbox, so a
# crash between the run and its record runs it once more with the same
# TICKERD_ID (the documented window), and one before the run runs it
# once, after the restart.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"

# the program: records its arguments, variables and input, and fails
# while $T/fail-N exists (N: its runs so far)
cat > "$T/hook.sh" <<'END'
#!/bin/sh
d=$(dirname "$0")
n=$(($(cat "$d/runs" 2>/dev/null || echo 0) + 1))
echo $n > "$d/runs"
printf '%s %s %s %s %s\n' "$TICKERD_ID" "$TICKERD_SYMBOL" "$TICKERD_PRICE" \
    "$TICKERD_RULE" "$1" >> "$d/calls"
cat > "$d/stdin.$n"
echo "run $n of $TICKERD_SYMBOL"
[ ! -e "$d/fail-$n" ]
END
chmod 755 "$T/hook.sh"

conf() {
	cat > "$T/$1.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "$T/$1.state"
control none
notifier exec "run" { command "$T/hook.sh" "first arg" timeout 5s retry 1s }
notify "run"
watch CALX { above 44.53 note "BEAD" }
END
}
reset() { rm -f "$T/runs" "$T/calls" "$T"/stdin.* "$T"/fail-*; }

check "-n: command must be an absolute path" sh -c "printf \
    'notifier exec \"x\" { command \"hook.sh\" }\n' > '$T/bad.conf'; \
    '$TICKERD' -n -f '$T/bad.conf' 2>&1 | grep -q \
    'bad.conf:1: command: \"hook.sh\" is not an absolute path'"
check "-n: command is required" sh -c "printf \
    'notifier exec \"x\" { timeout 5s }\n' > '$T/bad2.conf'; \
    '$TICKERD' -n -f '$T/bad2.conf' 2>&1 | grep -q 'command is required'"

# --- one alert, one run ---
reset
conf one
start_tickerd "$T/one.conf" "$T/one.err"
wait_for 10 test -s "$T/calls"
sleep 2
stop_tickerd
check "one run" test "$(wc -l < "$T/calls")" -eq 1
check "its variables and arguments" grep -q \
    '^[^ ]* CALX 45.12 above 44.53 first arg$' "$T/calls"
check "its JSON on stdin" $PY -c 'import json, sys
o = json.load(open(sys.argv[1]))
assert o["symbol"] == "CALX" and o["price"] == 45.12, o
assert o["note"] == "BEAD", o' "$T/stdin.1"
check "its output logged" grep -q 'hook.sh said: run 1 of CALX' "$T/one.err"
check "delivered" grep -q 'exec run: delivered' "$T/one.err"

# --- a failing run is retried ---
reset
touch "$T/fail-1" "$T/fail-2"
conf retry
start_tickerd "$T/retry.conf" "$T/retry.err"
wait_for 20 grep -q 'exec run: delivered' "$T/retry.err"
stop_tickerd
check "a failing command is retried, then delivers (3 runs)" \
    test "$(cat "$T/runs")" -eq 3
check "... the failure said with its status" grep -q \
    'hook.sh exited with status 1' "$T/retry.err"
check "... the same message each time" test "$(cut -d' ' -f1 "$T/calls" |
    sort -u | wc -l)" -eq 1

# --- kill -9 between the run and its record: the documented window ---
reset
conf crash
TICKERD_CRASHPOINT=delivered "$TICKERD" -d -f "$T/crash.conf" \
    2>"$T/crash1.err" &
CP=$!
wait $CP
check "the crash point was reached after the run" test "$(cat "$T/runs")" \
    -eq 1
start_tickerd "$T/crash.conf" "$T/crash2.err"
wait_for 10 grep -q 'exec run: delivered' "$T/crash2.err"
sleep 2
stop_tickerd
check "after the restart: run once more, the window" test "$(cat \
    "$T/runs")" -eq 2
check "... with the same TICKERD_ID" test "$(cut -d' ' -f1 "$T/calls" |
    sort -u | wc -l)" -eq 1

# --- kill -9 after the commit, before the run: one run, after it ---
reset
conf early
TICKERD_CRASHPOINT=committed "$TICKERD" -d -f "$T/early.conf" \
    2>"$T/early1.err" &
wait $!
check "killed before the run: none yet" test ! -e "$T/runs"
start_tickerd "$T/early.conf" "$T/early2.err"
wait_for 10 grep -q 'exec run: delivered' "$T/early2.err"
sleep 2
stop_tickerd
check "after the restart: exactly one run" test "$(cat "$T/runs")" -eq 1

# --- a rule's own notify: its alerts there, the watch's others ---
reset
cat > "$T/other.sh" <<'END'
#!/bin/sh
echo "$TICKERD_RULE" >> "$(dirname "$0")/other-calls"
END
chmod 755 "$T/other.sh"
rm -f "$T/other-calls"
cat > "$T/route.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "$T/route.state"
control none
notifier exec "run" { command "$T/hook.sh" }
notifier exec "other" { command "$T/other.sh" }
watch CALX { notify "run"
    above 44.53
    above 45 notify "other" }
END
start_tickerd "$T/route.conf" "$T/route.err"
wait_for 10 sh -c "test -s '$T/other-calls' && test -s '$T/calls'"
sleep 2
stop_tickerd
check "routing: the rule's notify gets its alert, alone" test "$(cat \
    "$T/other-calls")" = "above 45"
check "routing: the watch's notifier gets the other" test "$(cut -d' ' \
    -f4- "$T/calls")" = "above 44.53 "

finish
