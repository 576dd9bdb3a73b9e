#!/bin/sh
# Benchmark, not a test: one round of N symbols at 50 ms of latency,
# side by side in one run:
#   - tickerd, one symbol a request over `connections 32';
#   - tickerd with Yahoo's batches (100 symbols a request, its default 4
#     connections, after the cookie and the crumb; with Yahoo's default
#     budget of 60 requests a minute, 10,000 symbols would take 40 s);
#   - the Python script a user would write: a 16-thread pool, urllib, one
#     request a symbol (tests/bench/poll_threads.py).
# Each with its floor: N/K x L with K requests at once, and for batches
# (N/B/K + 2) x L, the handshake's two requests included.  Wall time,
# CPU time and peak RSS; tickerd with a real state directory, every
# symbol firing an alert (and the same in memory, to see what the state
# directory costs); and the bytes a round writes into it, per alert.  Prints figures; asserts nothing.
#
#   make bench            or   sh tests/bench_poll.sh [N...]
. "${top_srcdir:-.}/tests/lib.sh"

SIZES=${*:-1000 10000}
L=50
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed (Debian's time)"

# scenario N CRUMB-LINE: N symbols at 45.00, and the session's line
scenario() {
	many_symbols "$1" "$T/scenario" "$2"
	echo "$LIST" | tr -d ' ' | tr , '\n' > "$T/symbols"
}

# conf PROVIDER-OPTIONS: every symbol watched, a fresh state directory
conf() {
	rm -rf "$T/state"
	{
		echo "provider yahoo { url \"http://127.0.0.1:$QPORT\" $1 }"
		echo "state-dir \"$T/state\""
		echo "control none"
		echo "watch $LIST { above 40 }"
	} > "$T/bench.conf"
}

# run LABEL FLOOR COMMAND...: its figures, and what it did
run() {
	label=$1 floor=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" > "$T/out" 2>"$T/err"
	read -r wall user sys rss < "$T/time"
	printf '  %-32s %7.2fs wall (floor %5.2fs, %4.2fx)  %6.2fs CPU  %6d KiB peak RSS\n' \
	    "$label" "$wall" "$floor" "$(echo "$wall $floor" | awk '{print $1 / $2}')" \
	    "$(echo "$user $sys" | awk '{print $1 + $2}')" "$rss"
	if [ -s "$T/out" ]; then
		echo "    ($(cat "$T/out"))"
	else
		echo "    ($(grep -c '^alert' "$T/err") alerts, $(grep -c 'skipped' "$T/err") failures, $(cut -f5 "$QLOG" | sort -u | wc -l) requests)"
	fi
	: > "$QLOG"
}

# statebytes LABEL COMMAND...: the bytes written into the state directory
# a run writes (strace -y names each write's file), per alert
statebytes() {
	label=$1
	shift
	command -v strace >/dev/null || { echo "  ($label: strace is not installed)"; return; }
	strace -f -y -e trace=write,pwrite64,writev -o "$T/strace" "$@" >/dev/null 2>"$T/err"
	awk -v dir="$T/state/" -v a="$(grep -c '^alert' "$T/err")" -v l="$label" '
	    index($0, "<" dir) && match($0, /= [0-9]+$/) {
		b += substr($0, RSTART + 2); n++ }
	    END { printf "  %-32s %9.0f bytes written to the state directory (%d writes), %.1f KB an alert\n",
		l, b, n, a ? b / a / 1000 : 0 }' "$T/strace"
	: > "$QLOG"
}

floor() {	# N K [BATCH [EXTRA]]: the floor in seconds
	awk -v n="$1" -v k="$2" -v b="${3:-1}" -v x="${4:-0}" -v l=$L \
	    'BEGIN { r = int((n + b - 1) / b); print (int((r + k - 1) / k) + x) * l / 1000 }'
}

: > "$T/scenario"
start_fakequote "$T/scenario" -L $L
echo "one round of N symbols, ${L} ms latency, every symbol above its threshold:"
for n in $SIZES; do
	echo "N = $n"
	scenario "$n" "CRUMB status=404"
	conf "rate 100000/s connections 32"
	run "tickerd, 1 a request, 32 conns" "$(floor "$n" 32)" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
	sed -i 's|^state-dir .*|state-dir memory|' "$T/bench.conf"
	run "the same, state-dir memory" "$(floor "$n" 32)" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
	scenario "$n" "CRUMB value=Bench.crumb"
	conf "rate 100000/s"	# the network's floor, not the budget's
	run "tickerd, Yahoo batches of 100" "$(floor "$n" 4 100 2)" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
	scenario "$n" "CRUMB status=404"
	run "Python, 16 threads, urllib" "$(floor "$n" 16)" \
	    $PY "$SRCDIR/tests/bench/poll_threads.py" "http://127.0.0.1:$QPORT" \
	    "$T/symbols" 40
	conf "rate 100000/s connections 32"
	statebytes "tickerd, 1 a request, 32 conns" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
done

# Instructions a polled quote costs, in Yahoo's batches of 100 (the
# difference between 1,100 and 100 symbols, which leaves out the start),
# when it fires nothing and when it fires an alert; state-dir memory.
if command -v valgrind >/dev/null; then
	many_symbols 1100 "$T/scenario" "CRUMB value=Bench.crumb"
	for rule in "above 50" "above 40"; do
		for n in 100 1100; do
			list=$(awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "%sS%d", i ? ", " : "", i }')
			printf 'provider yahoo { url "http://127.0.0.1:%s" rate 100000/s }\nstate-dir memory\ncontrol none\nwatch %s { %s }\n' \
			    "$QPORT" "$list" "$rule" > "$T/cg.conf"
			valgrind --tool=callgrind --callgrind-out-file="$T/cg.$n" \
			    "$TICKERD" -d --once -f "$T/cg.conf" >/dev/null 2>"$T/vg.$n"
		done
		awk -v a="$(sed -n 's/.*Collected : //p' "$T/vg.100")" \
		    -v b="$(sed -n 's/.*Collected : //p' "$T/vg.1100")" -v r="$rule" 'BEGIN {
			printf "callgrind: %.0f instructions a polled quote in batches (%s: %s)\n",
			    (b - a) / 1000, r, r == "above 50" ? "no alert" : "every quote alerts" }'
	done
	: > "$QLOG"
fi

# The daemon polling 1,000 symbols every 2 s, one a request, for 16 s:
# CPU per quote, with the state directory's work (no alert after the
# first round).
n=1000
scenario "$n" "CRUMB status=404"
conf "rate 100000/s connections 32"
sed -i 's/^control none/control none\npoll 2s/' "$T/bench.conf"
"$TICKERD" -d -f "$T/bench.conf" 2>"$T/daemon.err" &
TPID=$!
PIDS="$PIDS $TPID"
sleep 4
: > "$QLOG"
clk=$(getconf CLK_TCK)
t0=$(awk '{print $14 + $15}' /proc/$TPID/stat)
sleep 16
t1=$(awk '{print $14 + $15}' /proc/$TPID/stat)
quotes=$(wc -l < "$QLOG")
rss=$(awk '/^VmHWM/ {print $2}' /proc/$TPID/status)
stop_tickerd
echo "the daemon polling $n symbols every 2s for 16s, 1 a request:"
awk -v a="$t0" -v b="$t1" -v c="$clk" -v q="$quotes" -v r="$rss" 'BEGIN {
	cpu = (b - a) / c
	printf "  %d quotes, %.2fs CPU (%.0f us a quote, %.1f%% of a core), peak RSS %d KiB\n",
	    q, cpu, q ? cpu * 1e6 / q : 0, cpu * 100 / 16, r }'
finish
