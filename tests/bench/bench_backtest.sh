#!/bin/sh
# Benchmark, not a test: a backtest (tickerd --once --replay) over
# generated quotes of 500 symbols with five rules each, side by side in
# one run with the peer a user would write (tests/bench/backtest_loop.py,
# a csv-module loop judging the same rules) and with the floor (wc -l on
# the same file); then the same file gzipped, and callgrind's count of
# instructions per quote.  Prints figures; asserts nothing, but says when
# tickerd's alert count differs from the loop's.
#
#   make bench     or   sh tests/bench/bench_backtest.sh [QUOTES...]
. "${top_srcdir:-.}/tests/lib.sh"

SIZES=${*:-1000000 10000000}
B="$SRCDIR/tests/bench"
command -v /usr/bin/time >/dev/null || { echo "bench: needs /usr/bin/time (apt-get install time)"; exit 1; }

# run NAME CMD...: "wall user peakKB" of one run into $T/NAME.t
run() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %M' -o "$T/$name.t" "$@"
}

row() {	# row WHAT QUOTES BYTES TIMEFILE ALERTS
	set -- "$1" "$2" "$3" $(cat "$4") "$5"
	awk -v w="$1" -v n="$2" -v b="$3" -v s="$4" -v u="$5" -v m="$6" \
	    -v a="$7" 'BEGIN {
		if (s <= 0) s = 0.005
		printf "  %-26s %7.2f s %12.0f quotes/s %8.0f MB/s %8.1f MB peak RSS  %s\n",
		    w, s, n / s, b / s / 1e6, m / 1024, a
	}'
}

printf '%s\n' "backtest: 500 symbols, 5 rules each (above, below, move 5%, within 2% of 52w-high, new 52w-low)"
for n in $SIZES; do
	f="$T/q$n.csv"
	$PY "$B/gen_replay.py" "$n" 500 > "$f"
	$PY "$B/gen_conf.py" "$f" > "$T/bench.conf"
	bytes=$(stat -c %s "$f")
	echo "$n quotes, $((bytes / 1000000)) MB:"
	run wc wc -l "$f" >/dev/null
	run tickerd "$TICKERD" -d --once --replay "$f" -f "$T/bench.conf" \
	    >"$T/out" 2>"$T/err"
	ta=$(grep -c '^alert ' "$T/err")
	run python $PY "$B/backtest_loop.py" "$f" "$T/bench.conf" >"$T/py"
	pa=$(awk '{print $1}' "$T/py")
	gzip -1 -c "$f" > "$f.gz"
	gbytes=$(stat -c %s "$f.gz")
	run tickerdgz "$TICKERD" -d --once --replay "$f.gz" -f "$T/bench.conf" \
	    >/dev/null 2>"$T/errgz"
	ga=$(grep -c '^alert ' "$T/errgz")
	row "tickerd" "$n" "$bytes" "$T/tickerd.t" "$ta alerts"
	row "tickerd, gzipped ($((gbytes / 1000000)) MB)" "$n" "$bytes" "$T/tickerdgz.t" "$ga alerts"
	row "Python csv loop" "$n" "$bytes" "$T/python.t" "$pa alerts"
	row "wc -l (the floor)" "$n" "$bytes" "$T/wc.t" ""
	awk -v a="$(cut -d' ' -f1 "$T/tickerd.t")" -v b="$(cut -d' ' -f1 "$T/python.t")" \
	    'BEGIN { printf "  tickerd takes %.3f of the Python loop'"'"'s time\n", a / b }'
	[ "$ta" = "$pa" ] && [ "$ta" = "$ga" ] ||
	    echo "  ALERT COUNTS DIFFER: tickerd $ta, gzipped $ga, Python $pa"
	rm -f "$f" "$f.gz"
done

# Instructions per quote: the difference between 220k and 20k quotes,
# which leaves out the start (the configuration, the dynamic linker).
if command -v valgrind >/dev/null; then
	$PY "$B/gen_replay.py" 220000 500 > "$T/big.csv"
	head -n 20001 "$T/big.csv" > "$T/small.csv"
	$PY "$B/gen_conf.py" "$T/big.csv" > "$T/bench.conf"
	for s in small big; do
		valgrind --tool=callgrind --callgrind-out-file="$T/cg.$s" \
		    "$TICKERD" -d --once --replay "$T/$s.csv" \
		    -f "$T/bench.conf" >/dev/null 2>"$T/vg.$s"
	done
	a=$(sed -n 's/.*Collected : //p' "$T/vg.small")
	b=$(sed -n 's/.*Collected : //p' "$T/vg.big")
	awk -v a="$a" -v b="$b" 'BEGIN {
		printf "callgrind: %.0f instructions a quote (alert lines included)\n",
		    (b - a) / 200000 }'
	# the whole of a one-symbol backtest: the start-up's cost
	{ head -n 1 "$T/big.csv"; grep ',S000,' "$T/big.csv" | head -n 300; } > "$T/one.csv"
	grep '^watch S000 ' "$T/bench.conf" > "$T/one.body"
	{ grep -v '^watch ' "$T/bench.conf"; cat "$T/one.body"; } > "$T/one.conf"
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.one" \
	    "$TICKERD" -d --once --replay "$T/one.csv" -f "$T/one.conf" \
	    >/dev/null 2>"$T/vg.one"
	echo "callgrind: a one-symbol backtest (300 quotes) executes $(sed -n 's/.*Collected : //p' "$T/vg.one") instructions in all"
fi
finish
