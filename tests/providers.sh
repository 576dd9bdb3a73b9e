#!/bin/sh
# Every provider against its real payload shapes on a local server: a
# symbol that is unknown, one with a null price and one with a truncated
# answer are each logged once and skipped while every other symbol
# alerts; a throttled symbol is not hammered; requests carry tickerd's
# User-Agent and the key from its file, which never reaches the log; the
# 52-week range and previous close come from the range endpoints where
# the quote lacks them.  Then `-n' on each provider's key file.  Yahoo's
# chart API here (no crumb to be had), its batches in yahoo_batch.sh.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CRUMB status=404
CALX price=45.00 prev=44.00 high=45.40 low=27.73
QCOM price=160.00 prev=150.00 high=182.10 low=120.80
TRNC truncated price=10 prev=10 high=12 low=8
NULP nullprice price=10 prev=10 high=12 low=8
BUSY status=429 retry-after=120 price=10 prev=10 high=12 low=8
END
start_fakequote "$T/scenario"
printf 'k3y-%s-s3cret\n' "$$" > "$T/key"
chmod 600 "$T/key"
KEY=$(cat "$T/key")

run_provider() {
	prov=$1
	shift
	keyline=""
	case $prov in
	yahoo|stooq) ;;
	*) keyline="key-file \"$T/key\"" ;;
	esac
	list=$(echo "$*" | sed 's/ /, /g')
	: > "$QLOG"
	cat > "$T/$prov.conf" <<END
provider $prov { url "http://127.0.0.1:$QPORT" $keyline rate 600/m }
state-dir "state-$prov"
poll 1s
timeout 2s
watch CALX { within 2% of 52w-high }
watch QCOM { move 5% }
watch $list { above 1 }
END
	check "$prov: -n accepts it" sh -c "'$TICKERD' -n -f '$T/$prov.conf' | grep -q 'configuration OK'"
	start_tickerd "$T/$prov.conf" "$T/$prov.err"
	check "$prov: CALX alerts, near the 52-week high from the range endpoint" \
	    wait_for 10 grep -q '^alert CALX within 2% of 52w-high: price 45.00' "$T/$prov.err"
	check "$prov: QCOM alerts on its move from the previous close" \
	    wait_for 10 grep -q '^alert QCOM move 5%: price 160.00' "$T/$prov.err"
	check "$prov: the unknown symbol is reported once" \
	    wait_for 10 grep -q '^GONE: unknown or delisted symbol' "$T/$prov.err"
	sleep 4	# a few more polls
	check "$prov: ... and only once" test "$(grep -c '^GONE: unknown' "$T/$prov.err")" -eq 1
	check "$prov: the unknown symbol is not asked every poll ($(count_requests GONE))" \
	    test "$(count_requests GONE)" -le 2
	for bad in $*; do
		[ "$bad" = GONE ] && continue
		check "$prov: $bad logged once" test "$(grep -c "^$bad: " "$T/$prov.err")" -eq 1
		check "$prov: $bad backed off ($(count_requests "$bad") requests)" \
		    test "$(count_requests "$bad")" -le 4
	done
	check "$prov: no alert from a bad answer" \
	    sh -c "! grep -qE '^alert (GONE|TRNC|NULP|BUSY)' '$T/$prov.err'"
	check "$prov: CALX keeps being polled" test "$(count_requests CALX)" -ge 4
	check "$prov: every request says it is tickerd" \
	    sh -c "! cut -f2 '$QLOG' | grep -v '^tickerd/$VERSION\$'"
	if [ -n "$keyline" ]; then
		check "$prov: the key from the file is sent" \
		    sh -c "cut -f4 '$QLOG' | sort -u | grep -qx '$KEY'"
		check "$prov: the key is never logged" sh -c "! grep -q '$KEY' '$T/$prov.err'"
	fi
	check "$prov: still running" kill -0 "$TPID"
	stop_tickerd
	check "$prov: exits 0 on SIGTERM" test "$TRC" -eq 0
}

run_provider yahoo GONE TRNC NULP BUSY
check "yahoo: the throttled symbol asked once (Retry-After: 120)" test "$(count_requests BUSY)" -eq 1
grep -q 'BUSY: rate-limited by yahoo (HTTP 429 Too Many Requests); not asked again for 120s' "$T/yahoo.err" ||
	fail "yahoo: 429 logged with its Retry-After"

run_provider finnhub GONE TRNC NULP BUSY
check "finnhub: the throttled symbol asked once (Retry-After: 120)" test "$(count_requests BUSY)" -eq 1
check "finnhub: 429 logged" grep -q 'BUSY: rate-limited by finnhub (HTTP 429: API limit reached. Please try again later' "$T/finnhub.err"
check "finnhub: the URL in the log has the key redacted" grep -q 'token=REDACTED' "$T/finnhub.err"

# Alpha Vantage throttles with HTTP 200 and a Note
run_provider alphavantage GONE TRNC NULP BUSY
check "alphavantage: the Note is taken as throttling" grep -q '^BUSY: rate-limited by alphavantage (Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute' "$T/alphavantage.err"

# Stooq and Twelve Data answer several symbols per request
run_provider stooq GONE TRNC NULP
first=$(grep -m1 '^CALX	' "$QLOG" | cut -f5)
check "stooq: several symbols in one request" \
    test "$(awk -F'\t' -v n="$first" '$3 == "stooq" && $5 == n' "$QLOG" | wc -l)" -ge 3
run_provider twelvedata GONE TRNC NULP
first=$(grep -m1 '^CALX	' "$QLOG" | cut -f5)
check "twelvedata: several symbols in one request" \
    test "$(awk -F'\t' -v n="$first" '$5 == n' "$QLOG" | wc -l)" -ge 3

# Twelve Data's per-minute credits: 12 symbols, the default 8 a minute
: > "$QLOG"
cat > "$T/td-budget.conf" <<END
provider twelvedata { url "http://127.0.0.1:$QPORT" key-file "$T/key" }
state-dir "state-budget"
poll 1s
watch CALX, QCOM, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10 { above 1 }
END
start_tickerd "$T/td-budget.conf" "$T/td-budget.err"
sleep 4
n=$(wc -l < "$QLOG")
check "twelvedata: 8 credits a minute: 8 symbols asked in 4s (got $n)" test "$n" -eq 8
stop_tickerd

# -n and key files: accepted when private, refused when others can read
for prov in finnhub alphavantage twelvedata; do
	printf 'provider %s { key-file "%s" }\n' "$prov" "$T/key" > "$T/n-$prov.conf"
	chmod 600 "$T/key"
	check "-n $prov: a private key file is accepted" \
	    sh -c "'$TICKERD' -n -f '$T/n-$prov.conf' | grep -q 'configuration OK'"
	chmod 644 "$T/key"
	"$TICKERD" -n -f "$T/n-$prov.conf" > "$T/n.out" 2>&1
	rc=$?
	check "-n $prov: a world-readable key file is refused (exit $rc)" test "$rc" -eq 1
	check "-n $prov: the message names the file" \
	    grep -q "^$T/n-$prov.conf:1: provider $prov: key-file $T/key: secret file is accessible by others (mode 0644)" "$T/n.out"
	check "-n $prov: the key is not printed" sh -c "! grep -q '$KEY' '$T/n.out'"
done
chmod 600 "$T/key"
finish
