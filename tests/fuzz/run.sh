#!/bin/sh
# make fuzz: build a libFuzzer harness (clang, with ASan and UBSan) for
# every parser of outside data, seed each from tests/data and conf/, and
# run each for SECONDS.  A crash, a leak or undefined behaviour fails it
# and leaves the input in the build folder's fuzz/ as crash-*; put it in
# tests/fuzz/regress/ so that every run tries it again.
#
#   run.sh SRCDIR BUILDDIR SECONDS LIBRARY-SOURCES...
set -u
src=$1 build=$2 secs=${3:-60}
shift 3
command -v clang >/dev/null || { echo "fuzz: clang is not installed"; exit 77; }
out=$build/fuzz
mkdir -p "$out"
libs=
for f in "$@"; do
	case $f in *.c) libs="$libs $src/$f" ;; esac
done
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
    -I$src -I$build -I$src/tests/fuzz $(pkg-config --cflags libcurl jansson libevent zlib libxml-2.0 libwebsockets libprotobuf-c)"
ldlibs="$(pkg-config --libs libcurl jansson libevent zlib libxml-2.0 libwebsockets libprotobuf-c) -lm"

seeds() {
	d=$out/seeds-$1
	rm -rf "$d"
	mkdir -p "$d"
	case $1 in
	providers)
		i=0
		for p in yahoo:0 stooq:1 finnhub:2 alphavantage:3 twelvedata:4; do
			dir=${p%:*} n=${p#*:}
			for f in "$src"/tests/data/"$dir"/*; do
				for s in 0 4; do
					i=$((i + 1))
					{ printf "\\$(printf %o $n)\\$(printf %o $s)"
					  cat "$f"; } > "$d/q$i"
					{ printf "\\$(printf %o $((n + 128)))\\$(printf %o $s)"
					  cat "$f"; } > "$d/r$i"
					{ printf "\\$(printf %o $((n + 64)))\\$(printf %o $s)"
					  cat "$f"; } > "$d/b$i"
				done
			done
		done ;;
	replay)
		cp "$src"/tests/data/*.csv "$src"/conf/demo/*.csv "$d"/ ;;
	config)
		cp "$src"/conf/*.conf "$d"/
		for f in "$src"/conf/watchlist.d/*.conf "$src"/conf/demo/*.conf; do
			cp "$f" "$d/$(basename "$(dirname "$f")")-$(basename "$f")"
		done ;;
	state)
		printf '%s' '{"version":1,"saved":1772480400,"symbols":{"CALX":{"last":1772480400,"ref":{"day":20514,"high":44.53,"low":27.73,"seen_high":44.53,"seen_low":27.73,"close_day":20513,"close":40.95},"rules":{"above 1":{"fired":true,"spent":false,"last_notify":1772480400,"ref":null,"count":2}}}}}' > "$d/state"
		printf '%s' '{"version":1,"id":"CALX-1-2-3-0","notifier":"me","type":"mail","created":1772480400,"symbol":"CALX","rule":"above 1","count":1,"batch":"CALX-1-2-3","batch_size":1,"subject":"s","snapshot":"{}","history":"{}","alert":"{\"symbol\":\"CALX\",\"rule\":\"above 1\",\"kind\":\"above\",\"value\":\"1\",\"once\":false,\"price\":45.12,\"time\":\"2026-03-02T19:40:00Z\",\"quote_time\":\"2026-03-02T19:40:00Z\"}","payload":"x"}' > "$d/outbox" ;;
	feed)
		i=0
		for p in finnhub:0 yahoo:1; do
			while IFS= read -r line; do
				i=$((i + 1))
				{ printf "\\$(printf %o ${p#*:})"
				  printf '%s' "$line"; } > "$d/m$i"
			done < "$src/tests/data/${p%:*}/stream.txt"
		done ;;
	push)
		# status class and service, then the answers of the services
		# as they document them (tests/fakepush.py's shapes)
		i=0
		for body in '{"ok":true,"result":{"message_id":1}}' \
		    '{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}' \
		    '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}' \
		    '{"message": "Unknown Webhook", "code": 10015}' \
		    '{"message": "You are being rate limited.", "retry_after": 1.5, "global": false}' \
		    'invalid_payload' 'no_service' \
		    '{"code":40101,"http":401,"error":"unauthorized","link":"https://ntfy.sh/docs/publish/#authentication"}' \
		    '{"token":"invalid","errors":["application token is invalid"],"status":0,"request":"5042853c"}' \
		    '{"status":1,"request":"647d2300"}' \
		    '{"error":"Unauthorized","errorCode":401,"errorDescription":"you need to provide a valid access token or user credentials to access this api"}'; do
			for k in 0 1 2 3 4 5; do
				i=$((i + 1))
				{ printf "\\$(printf %o $k)\\$(printf %o $((i % 10)))"
				  printf '%s' "$body"; } > "$d/a$i"
			done
		done ;;
	pushmsg)
		printf '%s' 'above 44.53 BEAD rural buildouts, Calix One ARR; <b>23%</b> & *AR* concentration' > "$d/n1"
		printf '%s' 'USD caf\303\251 \360\237\230\200 _x_ `y` [z](u)' > "$d/n2" ;;
	review)
		printf '%s' '{"version":1,"mailed":0,"alerts":[{"time":1772480400,"day":"2026-03-02","symbol":"CALX","note":"n","rule":"above 44.53","price":45.12,"currency":"USD","direction":1,"returns":{"1":0.012,"5":-0.03},"closes":{"1":45.66,"5":43.77},"rise":0.02,"fall":-0.04,"sessions":5,"done":false,"ended":false,"after_high":46.1,"after_low":43.2}]}' > "$d/review" ;;
	journal)
		printf '%s\n' '{"s":{"CALX":{"last":1772480400,"exchange":"NYSE","ref":{"day":20514,"high":44.53,"low":27.73,"seen_high":44.53,"seen_low":27.73,"close_day":20513,"close":40.95},"rules":{"above 1":{"fired":true,"spent":false,"last_notify":1772480400,"ref":null,"count":2}}}}}' \
		    '{"r":{"time":1772480400,"day":"2026-03-02","symbol":"CALX","note":null,"rule":"above 1","price":45.12,"currency":"USD","direction":1,"returns":{"1":null},"closes":{"1":null},"rise":null,"fall":null,"sessions":0,"done":false,"ended":false,"after_high":null,"after_low":null}}' \
		    '{"h":"{\"symbol\":\"CALX\",\"batch\":\"CALX-1-2-3\"}"}' \
		    '{"o":{"version":1,"id":"CALX-1-2-3-0","notifier":"me","type":"mail","created":1772480400,"symbol":"CALX","rule":"above 1","count":2,"batch":"CALX-1-2-3","batch_size":1,"subject":"s","snapshot":"","history":"{}","alert":"","payload":"x"}}' \
		    '{"c":1}' '{"d":"CALX-1-2-3-0"}' '{"m":20514}' '{"c":2}' '!0000 torn' > "$d/journal" ;;
	daily)
		printf 'date,open,high,low,close,volume\n2026-03-02,40.10,41.50,39.80,41.20,812000\n2026-03-03,41.20,42.00,40.90,41.80,700000\n2026-03-04,,,,41.90,\n' > "$d/daily" ;;
	edgar)
		# the answer's kind, then the recorded answers (tests/data/edgar)
		i=0
		for f in "$src"/tests/data/edgar/*; do
			case $f in
			*.xml) k=0 ;; *submissions*) k=1 ;; *tickers*) k=2 ;;
			*.html) k=3 ;; *) continue ;;
			esac
			i=$((i + 1))
			{ printf "\\$(printf %o $k)"; head -c 60000 "$f"; } > "$d/e$i"
		done ;;
	control)
		for r in status quotes alerts "history 5" "history 0" reload \
		    "test me" "test" "frob x"; do
			printf '%s' "$r" > "$d/$(echo "$r" | tr ' ' _)"
		done ;;
	esac
}

# The library, compiled once for every harness (two at a time).
mkdir -p "$out/obj"
for f in $libs; do
	echo "$f $out/obj/$(echo "${f#"$src"/}" | tr / _ | sed 's/\.c$/.o/')"
done > "$out/objs"
# shellcheck disable=SC2086
oneline=$(echo $cflags)
if ! xargs -P 2 -L 1 sh -c 'clang '"$oneline"' -c -o "$1" "$0"' \
    < "$out/objs" 2>"$out/build_lib.log"; then
	cat "$out/build_lib.log"
	echo "fuzz: the library FAILED to build"
	exit 1
fi
objs=$(cut -d' ' -f2 "$out/objs")

failed=0
for t in providers replay config state control feed push pushmsg review daily journal edgar; do
	srcs=$objs
	[ "$t" = control ] && srcs=$(echo "$objs" | \
	    grep -v '/daemon_control\.o$' | tr '\n' ' ')
	if ! clang $cflags -o "$out/fuzz_$t" "$src/tests/fuzz/fuzz_$t.c" \
	    $srcs $ldlibs 2>"$out/build_$t.log"; then
		cat "$out/build_$t.log"
		echo "fuzz_$t: FAILED to build"
		failed=$((failed + 1))
		continue
	fi
	seeds "$t"
	mkdir -p "$out/corpus-$t"
	regress=
	[ -d "$src/tests/fuzz/regress/$t" ] && regress=$src/tests/fuzz/regress/$t
	if ASAN_OPTIONS=detect_leaks=1 "$out/fuzz_$t" -max_total_time="$secs" \
	    -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	    -artifact_prefix="$out/crash-$t-" "$out/corpus-$t" \
	    "$out/seeds-$t" $regress >"$out/run_$t.log" 2>&1; then
		echo "fuzz_$t: ok, $(grep -o 'Done [0-9]* runs' \
		    "$out/run_$t.log" | grep -o '[0-9]*') runs in ${secs}s"
	else
		tail -n 40 "$out/run_$t.log"
		echo "fuzz_$t: FAILED (the input is in $out/crash-$t-*)"
		failed=$((failed + 1))
	fi
done
[ "$failed" -eq 0 ]
