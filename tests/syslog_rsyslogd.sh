#!/bin/sh
# Alerts through a real rsyslogd.  syslog(3) writes to /dev/log, which
# these machines lack: inside a private mount namespace, /dev is replaced
# by a folder whose log entry points at a test-local rsyslogd socket, so
# the host is untouched.
. "${top_srcdir:-.}/tests/lib.sh"

RSYSLOGD=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
[ -x "$RSYSLOGD" ] || skip "rsyslogd is not installed"
command -v unshare >/dev/null || skip "unshare is not available"
[ "$(id -u)" -eq 0 ] || skip "needs root for a private mount namespace"
unshare -m true 2>/dev/null || skip "cannot create a mount namespace"

mkdir -p "$T/rs"
cat > "$T/rs/rsyslog.conf" <<END
global(workDirectory="$T/rs")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/rs/log.sock" CreatePath="on")
template(name="t" type="string" string="%syslogfacility-text%.%syslogseverity-text% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$T/rs/out.log" template="t")
END
"$RSYSLOGD" -n -f "$T/rs/rsyslog.conf" -i "$T/rs/rsyslogd.pid" 2>"$T/rs/err" &
RPID=$!
PIDS="$PIDS $RPID"
wait_for 10 test -S "$T/rs/log.sock" || { cat "$T/rs/err"; fail "rsyslogd did not start"; finish; }

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
PLTR price=20.00 prev=25.00 high=40.00 low=18.00
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
notifier syslog "log" { facility local3 priority warning }
notify "log"
watch CALX { above 44.53 }
watch PLTR { move 7% }
END

# run COMMAND... with /dev/log pointing at the test's rsyslogd
cat > "$T/with-devlog.sh" <<END
set -e
mkdir -p "$T/olddev" "$T/newdev"
mount --bind /dev "$T/olddev"
for n in null zero full random urandom tty pts shm ptmx fd stdin stdout stderr; do
	ln -s "$T/olddev/\$n" "$T/newdev/\$n"
done
ln -s "$T/rs/log.sock" "$T/newdev/log"
mount --bind "$T/newdev" /dev
exec "\$@"
END
unshare -m sh "$T/with-devlog.sh" "$TICKERD" --once -f "$T/tickerd.conf" 2>"$T/err"
rc=$?
cat "$T/err"
check "tickerd --once exit status 0 (got $rc)" test "$rc" -eq 0
check "alert line in syslog at local3.warning" wait_for 5 \
    grep -q '^local3.warning tickerd\[[0-9]*\]: alert CALX above 44.53: price 45.12 USD (+3.2% today), 52w 27.73-44.53$' "$T/rs/out.log"
check "second alert in syslog" grep -q '^local3.warning tickerd\[[0-9]*\]: alert PLTR move 7%: price 20.00 USD (-20.0% today), 52w 18.00-40.00$' "$T/rs/out.log"
check "daemon messages in syslog too (daemon facility)" grep -q '^daemon.info tickerd\[[0-9]*\]: tickerd .* starting' "$T/rs/out.log"
check "without -d nothing on stderr" test ! -s "$T/err"
check "host /dev untouched" test ! -e /dev/log
cat "$T/rs/out.log"
finish
