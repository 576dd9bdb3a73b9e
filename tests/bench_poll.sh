#!/bin/sh
# Benchmark, not a test: how long one round of N symbols takes, and what
# the daemon costs in CPU and memory while it polls them every second,
# from Yahoo (one symbol a request) and from Stooq (20 a request), against
# the local fake server.  Prints figures; asserts nothing.
#
#   make bench            or   sh tests/bench_poll.sh [N] [SECONDS]
. "${top_srcdir:-.}/tests/lib.sh"

N=${1:-500}
SECS=${2:-20}
i=0
: > "$T/scenario"
list=""
while [ "$i" -lt "$N" ]; do
	echo "S$i price=45.00 prev=44.00 high=45.40 low=27.73" >> "$T/scenario"
	list="$list${list:+, }S$i"
	i=$((i + 1))
done
start_fakequote "$T/scenario"

clk=$(getconf CLK_TCK)
for prov in yahoo stooq; do
	cat > "$T/$prov.conf" <<END
provider $prov { url "http://127.0.0.1:$QPORT" rate 100000/s }
state-dir memory
control none
poll 1s
watch $list { above 100 }
END
	: > "$QLOG"
	start=$(date +%s.%N)
	"$TICKERD" --once -f "$T/$prov.conf" 2>/dev/null
	end=$(date +%s.%N)
	once=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
	"$TICKERD" -d -f "$T/$prov.conf" 2>"$T/$prov.err" &
	TPID=$!
	PIDS="$PIDS $TPID"
	sleep 2
	: > "$QLOG"
	t0=$(awk '{print $14 + $15}' /proc/$TPID/stat)
	sleep "$SECS"
	t1=$(awk '{print $14 + $15}' /proc/$TPID/stat)
	asked=$(wc -l < "$QLOG")
	reqs=$(cut -f5 "$QLOG" | sort -u | wc -l)
	rss=$(awk '/^VmHWM/ {print $2}' /proc/$TPID/status)
	stop_tickerd
	cpu=$(awk -v a="$t0" -v b="$t1" -v c="$clk" -v s="$SECS" \
	    'BEGIN { print (b - a) * 100 / c / s }')
	printf '%-6s %d symbols: --once round %.2fs; polling every 1s for %ds: %d quotes (%.0f/s) in %d requests, CPU %.1f%%, peak RSS %d KiB\n' \
	    "$prov" "$N" "$once" "$SECS" "$asked" "$((asked / SECS))" \
	    "$reqs" "$cpu" "$rss"
done
finish
