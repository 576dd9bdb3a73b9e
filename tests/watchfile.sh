#!/bin/sh
# watch file "PATH" (issue 35): 500 symbols from a TradingView watchlist
# export are watched; a symbol with a block of its own keeps it; when the
# file is edited, the daemon reads it again by itself, says what was
# added and dropped, and polls only the new list.
. "${top_srcdir:-.}/tests/lib.sh"

many_symbols 600 "$T/scenario"
start_fakequote "$T/scenario"
# a TradingView export: sections, EXCHANGE:SYMBOL, one line
export_of() {	# FROM TO
	awk -v a="$1" -v b="$2" 'BEGIN {
	    printf "###Watched"
	    for (i = a; i < b; i++) printf ",NASDAQ:S%d", i
	    printf "\n" }'
}
export_of 0 500 > "$T/tv.txt"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 2s
state-dir memory
control none
watch file "tv.txt" { above 100 }
watch S7 { above 40 }
END
check "-n: 500 symbols from the export" sh -c "'$TICKERD' -n -v -f \
    '$T/tickerd.conf' 2>&1 | grep -q '^500 watched symbols'"
start_tickerd "$T/tickerd.conf" "$T/err"
wait_for 15 grep -q 'starting: 500 watched symbols' "$T/err"
check "500 symbols watched" grep -q 'starting: 500 watched symbols' "$T/err"
wait_for 20 grep -q '^alert S7 above 40' "$T/err"
check "a symbol with its own block keeps it" grep -q '^alert S7 above 40' \
    "$T/err"
wait_polls S499 1
# edit: S0-S9 dropped, S500-S504 added
export_of 10 505 > "$T/tv.txt"
wait_for 20 grep -q 'watch file .*tv.txt: 495 symbols' "$T/err"
check "the edit is read by itself and said" grep -q \
    'watch file .*tv.txt: 495 symbols; 5 added: S500, S501, S502, S503, S504, 9 dropped: S0, S1, S2, S3, S4, S5, S6, S8, S9$' \
    "$T/err"
check "... as a reload" grep -q 'reloaded: 496 watched symbols' "$T/err"
wait_polls S504 1
n=$(count_requests S3)
sleep 5
check "only the new list is polled (S3: $n, then $(count_requests S3))" \
    test "$(count_requests S3)" -eq "$n"
check "... the added ones are" test "$(count_requests S502)" -ge 1
stop_tickerd

# the other shapes: a list with comments, a CSV with a Symbol column
printf '# mine\nCALX   # BEAD\n\nqcom\n7203.T\n' > "$T/list.txt"
printf 'Symbol,Current Price,Date\nCALX,45.12,2026/03/02\nVOD.L,71.8,2026/03/02\n' \
    > "$T/quotes.csv"
cat > "$T/shapes.conf" <<END
control none
watch file "list.txt" { above 1 }
watch file "quotes.csv" { below 1 }
END
"$TICKERD" -n -v -f "$T/shapes.conf" > "$T/shapes.out" 2>&1
check "a list with comments and a Yahoo CSV: 4 symbols, CALX once" \
    grep -q '^4 watched symbols' "$T/shapes.out"
printf 'watch file "nothere.txt" { above 1 }\n' > "$T/bad.conf"
check "a missing file is FILE:LINE" sh -c "'$TICKERD' -n -f '$T/bad.conf' \
    2>&1 | grep -q 'bad.conf:1: watch file: .*nothere.txt: No such file'"
finish
