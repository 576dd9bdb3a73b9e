#!/bin/sh
# The state directory against what can be planted in it or done to it: a
# symbolic link where the temporary file goes does not redirect the
# write; a FIFO in place of state.json or in the outbox neither blocks
# the start nor SIGTERM; a state directory removed under the running
# daemon is made again, and a second daemon is still refused.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir "state"
control none
notifier syslog "log" { }
notify "log"
watch CALX { above 44.53  below 30 }
END

# a symbolic link planted as the temporary file
mkdir -p "$T/state"
echo "precious" > "$T/target"
ln -s "$T/target" "$T/state/.state.json.tmp"
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err1"
check "a planted link: the run is fine" test $? -eq 0
check "... its target is untouched" grep -qx precious "$T/target"
check "... state.json is a file of its own" test -f "$T/state/state.json" -a \
    ! -L "$T/state/state.json"

# FIFOs where files belong: no hang, a clear word, SIGTERM works
rm -f "$T/state/state.json"
mkfifo "$T/state/state.json" "$T/state/outbox/x.json"
start_tickerd "$T/tickerd.conf" "$T/err2"
check "a FIFO for state.json: said, not waited on" wait_for 5 \
    grep -q 'state.json is unusable (not a regular file)' "$T/err2"
check "a FIFO in the outbox: said" wait_for 5 \
    grep -q 'x.json is unusable (not a regular file)' "$T/err2"
check "... and polling goes on" wait_polls CALX 2

# the state directory removed under the running daemon
rm -rf "$T/state"
sed -i 's/price=45.12/price=25/' "$T/scenario"
check "a removed state directory: said" wait_for 10 \
    grep -q 'state: .*/state was removed or replaced; making it again' \
    "$T/err2"
check "... made again" wait_for 5 test -f "$T/state/state.json"
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err3"
check "... and a second daemon is refused" grep -q 'is in use by another tickerd' \
    "$T/err3"
t0=$(date +%s)
stop_tickerd
check "SIGTERM: exit 0" test "$TRC" -eq 0
check "SIGTERM: within 3 seconds" test $(( $(date +%s) - t0 )) -le 3
finish
