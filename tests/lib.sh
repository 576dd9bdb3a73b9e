# Helpers for tickerd's integration tests.  Sourced by tests/*.sh.
#
# Every test works in its own temporary folder, binds only to 127.0.0.1,
# and kills what it started by PID when it ends.

set -u
: "${TICKERD:=$PWD/tickerd}"
: "${FAKEQUOTE:=$PWD/tests/fakequote}"
: "${top_srcdir:=.}"
SRCDIR=$(cd "$top_srcdir" && pwd)
PY=/usr/bin/python3
VERSION=$("$TICKERD" -V 2>/dev/null | sed -n 's/^tickerd //p')

T=$(mktemp -d "${TMPDIR:-/tmp}/tickerd-test.XXXXXX")
PIDS=""
FAILS=0

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null
	done
	if [ "$FAILS" -eq 0 ] && [ -z "${KEEP:-}" ]; then
		rm -rf "$T"
	else
		echo "test files kept in $T"
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

pass() {
	echo "ok: $*"
}

# check DESCRIPTION COMMAND...: run a command, count a failure if it fails.
check() {
	local what=$1
	shift
	if "$@"; then
		pass "$what"
	else
		fail "$what"
	fi
}

finish() {
	if [ "$FAILS" -gt 0 ]; then
		echo "$FAILS check(s) failed"
		exit 1
	fi
	exit 0
}

skip() {
	echo "SKIP: $*"
	exit 77
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	local limit=$1 i=0
	shift
	while [ "$i" -lt $((limit * 10)) ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# many_symbols N SCENARIO [LINE]: symbols S0 ... S<N-1>, each at 45.00
# (previous close 44.00, 52 weeks 27.73-45.40), written to SCENARIO with
# LINE after them; $LIST gets them as a watch line's list.
many_symbols() {
	awk -v n="$1" -v extra="${3:-}" 'BEGIN {
	    for (i = 0; i < n; i++)
		printf "S%d price=45.00 prev=44.00 high=45.40 low=27.73\n", i
	    if (extra != "") print extra }' > "$2"
	LIST=$(awk -v n="$1" 'BEGIN {
	    for (i = 0; i < n; i++) printf "%sS%d", i ? ", " : "", i }')
}

# start_fakequote SCENARIO [fakequote options]: sets QPORT, QLOG, QPID.
start_fakequote() {
	local scen=$1
	shift
	QLOG=$T/requests.log
	: > "$QLOG"
	HOOKLOG=$T/hooks.log
	: > "$HOOKLOG"
	rm -f "$T/fakequote.port"
	"$FAKEQUOTE" -s "$scen" -p "$T/fakequote.port" -l "$QLOG" -w "$HOOKLOG" "$@" &
	QPID=$!
	PIDS="$PIDS $!"
	wait_for 10 test -s "$T/fakequote.port" || { fail "fakequote did not start"; finish; }
	QPORT=$(cat "$T/fakequote.port")
}

# start_smtpd DIR [PORT [smtpd.py options]]: sets SPORT and SMTPD_PID.
start_smtpd() {
	local dir=$1 port=${2:-}
	$PY -c 'import aiosmtpd' 2>/dev/null || skip "python3-aiosmtpd is not installed"
	shift
	[ $# -gt 0 ] && shift
	rm -f "$T/smtpd.port"
	$PY "$SRCDIR/tests/smtpd.py" --dir "$dir" --port-file "$T/smtpd.port" \
	    ${port:+--port "$port"} "$@" 2>"$T/smtpd.err" &
	SMTPD_PID=$!
	PIDS="$PIDS $SMTPD_PID"
	wait_for 20 test -s "$T/smtpd.port" || { cat "$T/smtpd.err"; fail "smtpd did not start"; finish; }
	SPORT=$(cat "$T/smtpd.port")
}

# start_tickerd CONF ERRFILE: the daemon in the foreground (-d), in the
# background of the test, its stderr in ERRFILE; sets TPID.
start_tickerd() {
	"$TICKERD" -d -f "$1" 2>"$2" &
	TPID=$!
	PIDS="$PIDS $TPID"
}

# wait_polls SYMBOL N: wait (10s at most) until fakequote has been asked
# for SYMBOL N more times.
wait_polls() {
	local want=$(( $(count_requests "$1") + $2 ))
	wait_for 10 sh -c "[ \$(grep -c '^$1	' '$QLOG') -ge $want ]"
}

# count_requests SYMBOL: how many times fakequote was asked for SYMBOL.
count_requests() {
	grep -c "^$1	" "$QLOG" || true
}

# mail_count DIR: messages an smtpd.py stored.
mail_count() {
	ls "$1"/new/*.eml 2>/dev/null | wc -l
}

# stop_smtpd: stop the server start_smtpd started.
stop_smtpd() {
	kill "$SMTPD_PID" 2>/dev/null
	wait "$SMTPD_PID" 2>/dev/null
}

# free_port: a loopback port nobody listens on (bound, then let go).
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The browser a person would read HTML mail in, or "".
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)

# screenshot HTML PNG WIDTH,HEIGHT: HTML as headless Chromium renders it.
screenshot() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$T/chrome" --window-size="$3" \
	    --screenshot="$2" "file://$1" >/dev/null 2>&1
}

# mailcheck FILE [options]: tests/mailcheck.py's strict checks.
mailcheck() {
	$PY "$SRCDIR/tests/mailcheck.py" "$@"
}

# stop_tickerd: SIGTERM the daemon start_tickerd started; sets TRC.
# exited PID: the process is gone, or a zombie waiting to be reaped.
exited() {
	! kill -0 "$1" 2>/dev/null ||
	    [ "$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

stop_tickerd() {
	kill -TERM "$TPID" 2>/dev/null
	# a daemon stuck in a loop never hears SIGTERM: fail, not hang
	if ! wait_for 20 exited "$TPID"; then
		fail "tickerd did not stop within 20s of SIGTERM"
		kill -KILL "$TPID" 2>/dev/null
	fi
	wait "$TPID"
	TRC=$?
}

# wait_mail DIR N [SECONDS]: wait until an smtpd.py stored N messages.
wait_mail() {
	wait_for "${3:-15}" sh -c "[ \$(ls '$1'/new/*.eml 2>/dev/null | wc -l) -ge $2 ]"
}
