#!/bin/sh
# Benchmark, not a test: one round of N symbols at 50 ms of latency,
# side by side in one run: tickerd one symbol a request over `connections
# 32', tickerd with Yahoo's batches (100 symbols a request over its
# default connections), and the Python script a user would write (a
# 16-thread pool, urllib, one request a symbol); each with its floor,
# N/K x L for K requests at once, N/B/K x L for batches of B.  Wall time,
# CPU time and peak RSS; tickerd with a real state directory, every
# symbol firing an alert.  Then the polling daemon's CPU while it polls
# every second.  Prints figures; asserts nothing.
#
#   make bench            or   sh tests/bench_poll.sh [N...]
. "${top_srcdir:-.}/tests/lib.sh"

SIZES=${*:-1000 10000}
L=50
[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed (Debian's time)"

scenario() {	# N [CRUMB line]
	: > "$T/scenario"
	: > "$T/symbols"
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
	    printf "S%d price=45.00 prev=44.00 high=45.40 low=27.73\n", i }' \
	    > "$T/scenario"
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) print "S" i }' \
	    > "$T/symbols"
	[ -n "${2:-}" ] && echo "$2" >> "$T/scenario"
	touch "$T/scenario"
}

conf() {	# PROVIDER-OPTIONS STATE
	rm -rf "$T/$2"
	mkdir -p "$T/$2"
	{
		echo "provider yahoo { url \"http://127.0.0.1:$QPORT\" $1 }"
		echo "state-dir \"$T/$2\""
		echo "control none"
		printf 'watch '
		paste -sd, "$T/symbols" | sed 's/,/, /g'
		echo " { above 40 }"
	} > "$T/bench.conf"
}

# run LABEL FLOOR COMMAND...: one line of figures
run() {
	label=$1 floor=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" > "$T/out" 2>"$T/err"
	read -r wall user sys rss < "$T/time"
	printf '  %-32s %7.2fs wall (floor %5.2fs, %4.2fx)  %6.2fs CPU  %6d KiB peak RSS\n' \
	    "$label" "$wall" "$floor" "$(echo "$wall $floor" | awk '{print $1 / $2}')" \
	    "$(echo "$user $sys" | awk '{print $1 + $2}')" "$rss"
}

start_fakequote "$T/scenario"
kill $PIDS 2>/dev/null; wait 2>/dev/null; PIDS=""
"$FAKEQUOTE" -s "$T/scenario" -p "$T/lat.port" -L $L &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/lat.port"
QPORT=$(cat "$T/lat.port")

echo "one round of N symbols, ${L} ms latency, every symbol above its threshold:"
for n in $SIZES; do
	echo "N = $n"
	scenario "$n" "CRUMB status=404"
	conf "rate 100000/s connections 32" chart
	run "tickerd, 1 a request, 32 conns" \
	    "$(echo "$n" | awk -v l=$L '{print $1 / 32 * l / 1000}')" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
	echo "    ($(grep -c '^alert' "$T/err") alerts, $(grep -c 'Timeout\|skipped' "$T/err") failures)"
	scenario "$n" "CRUMB value=Bench.crumb"
	conf "" batch
	run "tickerd, Yahoo batches of 100" \
	    "$(echo "$n" | awk -v l=$L '{b = int(($1 + 99) / 100); print (int((b + 3) / 4) + 2) * l / 1000}')" \
	    "$TICKERD" -d --once -f "$T/bench.conf"
	echo "    ($(grep -c '^alert' "$T/err") alerts, $(grep -c 'Timeout\|skipped' "$T/err") failures)"
	scenario "$n" "CRUMB status=404"
	run "Python, 16 threads, urllib" \
	    "$(echo "$n" | awk -v l=$L '{print $1 / 16 * l / 1000}')" \
	    $PY "$SRCDIR/tests/bench/poll_threads.py" "http://127.0.0.1:$QPORT" \
	    "$T/symbols" 40
	echo "    ($(cat "$T/out"))"
done
finish
