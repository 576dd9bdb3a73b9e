#!/bin/sh
# when TERM and TERM [or TERM] (issue 35) on a replay: it fires exactly
# where an independent computation (tests/when_rules.py) says, and
# re-arms as documented, parentheses too; bad combinations are
# FILE:LINE errors.
. "${top_srcdir:-.}/tests/lib.sh"

$PY "$SRCDIR/tests/when_rules.py" "$T/q.csv" "$T/expect" ||
    { fail "when_rules.py"; finish; }
cat > "$T/tickerd.conf" <<END
control none
state-dir memory
hysteresis 0%
watch A { when above 50 and move 3% }
watch B { when below 40 or above 60 }
watch C { when above 45 and below 55 or move 6% }
watch D { when (above 50 or below 40) and move 3% }
watch E { when move 6% or (above 45 and below 55) }
END
"$TICKERD" -d --once --replay "$T/q.csv" -f "$T/tickerd.conf" \
    >"$T/out" 2>"$T/err"
sed -n 's/^alert \([ABCDE]\) \(when .*\): price \([0-9.]*\) .*/\1 \2 \3/p' \
    "$T/err" > "$T/got"
check "alerts fired ($(wc -l < "$T/got"), expected $(wc -l < "$T/expect"))" \
    test "$(wc -l < "$T/expect")" -gt 10
check "exactly where the independent computation says" \
    cmp "$T/got" "$T/expect"
[ -n "${KEEP:-}" ] && diff "$T/got" "$T/expect" | head
check "the alert names the terms" grep -q \
    '^alert A when above 50 and move 3%: price' "$T/err"

# an indicator term's figure is in the alert, as tickerctl alerts shows it
$PY -c 'import datetime
d, p, prev = datetime.date(2026, 1, 5), 50.0, 50.0
print("time,symbol,price,prev_close,high52,low52,volume")
for i in range(40):
    while d.weekday() >= 5:
        d += datetime.timedelta(days=1)
    p = round(p * (0.97 if i > 20 else 1.005), 2)
    print("%sT21:00:00Z,CALX,%.2f,%.2f,60,20,1000" % (d, p, prev))
    prev = p
    d += datetime.timedelta(days=1)' > "$T/rsi.csv"
printf 'control none\nstate-dir memory\nwatch CALX { when rsi 14 below 30 and above 1 }\n' \
    > "$T/rsi.conf"
"$TICKERD" -d --once --replay "$T/rsi.csv" -f "$T/rsi.conf" 2>"$T/rsi.err" \
    >/dev/null
check "the alert gives the indicator's figure" grep -q \
    '^alert CALX when rsi 14 below 30 and above 1: price [0-9.]* USD .*, RSI(14) 2[0-9]\.[0-9][0-9]' \
    "$T/rsi.err"

bad() {	# DESCRIPTION BODY EXPECTED
	printf 'watch X { %s }\n' "$2" > "$T/bad.conf"
	check "$1" sh -c "'$TICKERD' -n -f '$T/bad.conf' 2>&1 | grep -q '$3'"
}
bad "one term is not enough" "when above 50" \
    'bad.conf:1: when: wants two terms or more'
bad "a cross is not a term" "when above 50 and cross above sma 50" \
    'when: cross above sma 50 cannot be a term'
bad "a word that is no rule" "when above 50 and soon" \
    'when: "soon" is not a rule'
bad "a ( without its )" "when (above 50 or below 40 and move 3%" \
    'when: a ( without its )'
bad "a cross in parentheses is still no term" \
    "when above 1 and (below 2 or cross above sma 50)" \
    'when: cross above sma 50 cannot be a term'
finish
