#!/bin/sh
# Yahoo in batches: the cookie from "/", the crumb from getcrumb, then
# the v7 quote API, 100 symbols a request, against the local Yahoo-shaped
# server.  Every symbol's alert right; an unknown symbol in a batch
# reported alone; a crumb that goes stale (401 Invalid Crumb) renewed;
# no crumb to be had (404, an HTML page, a throttle text) falls back to
# the chart API, one symbol a request; the cookie is never written down.
. "${top_srcdir:-.}/tests/lib.sh"

N=250
: > "$T/scenario"
list=""
i=0
while [ "$i" -lt "$N" ]; do
	# even symbols at 45.00 (above 40: an alert), odd ones at 35.00
	p=$((i % 2 == 0 ? 45 : 35))
	echo "S$i price=$p.00 prev=40.00 high=50.00 low=20.00" >> "$T/scenario"
	list="$list${list:+, }S$i"
	i=$((i + 1))
done
echo "CRUMB value=Ab1.cd2_EF-3" >> "$T/scenario"
start_fakequote "$T/scenario"

conf() {
	cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state-$1"
control none
poll ${2:-60s}
watch $list, GONE { above 40 }
END
}
quote_requests() { awk -F'\t' -v a="$1" '$3 == a {print $5}' "$QLOG" | sort -u | wc -l; }

conf batch
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err1"
rc=$?
check "--once exits 2: GONE was not quoted" test "$rc" -eq 2
check "one crumb asked" test "$(quote_requests yahoo-crumb)" -eq 1
check "$N symbols and GONE in 3 quote requests ($(quote_requests yahoo-v7))" \
    test "$(quote_requests yahoo-v7)" -eq 3
check "no chart request" test "$(quote_requests yahoo)" -eq 0
check "every even symbol alerted once ($(grep -c '^alert S[0-9]* above 40: price 45.00' "$T/err1"))" \
    test "$(grep -c '^alert S[0-9]* above 40: price 45.00' "$T/err1")" -eq $((N / 2))
check "no odd symbol alerted" sh -c "! grep -qE '^alert S[0-9]*[13579] ' '$T/err1'"
check "GONE, missing from the batch, reported unknown" \
    grep -q '^GONE: unknown or delisted symbol' "$T/err1"
check "the crumb is never logged" sh -c "! grep -q 'Ab1.cd2_EF-3' '$T/err1'"
check "nor the cookie written down" sh -c "! grep -rqs 'FakeCookieForTests' '$T'"

# A running daemon whose crumb goes stale: 401 Invalid Crumb, a new one.
conf renew 1s
: > "$QLOG"
start_tickerd "$T/tickerd.conf" "$T/err2"
check "first batches" wait_for 10 sh -c "test \$(awk -F'\t' '\$3 == \"yahoo-v7\"' '$QLOG' | wc -l) -ge $N"
sed -i 's/^CRUMB .*/CRUMB value=Zz9.new_crumb/' "$T/scenario"
check "the stale crumb is refused, a new one asked" \
    wait_for 10 sh -c "test \$(awk -F'\t' '\$3 == \"yahoo-crumb\"' '$QLOG' | wc -l) -ge 2"
: > "$QLOG"
check "batches go on with the new crumb" \
    wait_for 10 sh -c "test \$(awk -F'\t' '\$3 == \"yahoo-v7\" && \$1 == \"S7\"' '$QLOG' | wc -l) -ge 2"
check "no symbol failed for it" sh -c "! grep -E '^S[0-9]+: ' '$T/err2'"
check "no chart request" test "$(quote_requests yahoo)" -eq 0
stop_tickerd
check "an alert per even symbol, once" \
    test "$(grep -c '^alert S[0-9]* above 40' "$T/err2")" -eq $((N / 2))

# No crumb to be had: the chart API, one symbol a request.
for how in "status=404" "malformed" "throttle" "status=429"; do
	sed -i "s/^CRUMB .*/CRUMB $how/" "$T/scenario"
	conf "off-$(echo "$how" | tr -d =)"
	sed -i 's/^watch .*/watch S0, S1, S2, S3 { above 40 }/' "$T/tickerd.conf"
	: > "$QLOG"
	"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err3"
	check "crumb $how: exit 0, every symbol quoted" test $? -eq 0
	check "crumb $how: said once" test "$(grep -c 'no session for batches' "$T/err3")" -eq 1
	check "crumb $how: each symbol from the chart API" test "$(quote_requests yahoo)" -eq 4
	check "crumb $how: no v7 request" test "$(quote_requests yahoo-v7)" -eq 0
	check "crumb $how: alerts from the chart" \
	    test "$(grep -c '^alert S[02] above 40: price 45.00' "$T/err3")" -eq 2
done
check "a throttle text is throttling, not a crumb" \
    grep -q 'no session for batches (throttled' "$T/err3"
finish
