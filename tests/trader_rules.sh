#!/bin/sh
# The rules on the daily history in a backtest of daily bars: each rule
# fires on exactly the days an independent computation from their
# definitions says (tests/trader_rules.py), and not again until it
# re-arms; the RSI and the averages the alert lines give match the
# reference to two decimals; the file format of daily bars is read.
. "${top_srcdir:-.}/tests/lib.sh"

REF="$PY $SRCDIR/tests/trader_rules.py"
$REF gen "$T/bars.csv"
cat > "$T/bt.conf" <<'END'
state-dir memory
control none
notifier syslog "log" { }
notify "log"
watch CALX, QCOM, AMBA {
    cross above sma 50
    cross below sma 50
    cross above ema 20
    sma 50 cross above sma 200
    sma 20 cross below ema 50
    within 1% of sma 200
    rsi 14 above 70
    rsi 14 below 30
    volume 3x avg 20
    gap 4%
    trailing-stop 8%
    move 3% in 30m
}
END
check "-n accepts the rules" "$TICKERD" -n -f "$T/bt.conf"
"$TICKERD" -d -v --once --replay "$T/bars.csv" -f "$T/bt.conf" >"$T/out" 2>"$T/err"
check "the backtest ran" test $? -eq 0

# every firing, as SYMBOL|RULE|DATE (the session's date in New York)
sed -n 's/^.*backtest: \([A-Z]*\) \(.*\) fired at \([0-9-]*\)T.*/\1|\2|\3/p' "$T/err" | sort > "$T/got"
$REF expect "$T/bars.csv" | sort > "$T/want"
check "the reference has firings of every rule" sh -c "[ \$(cut -d'|' -f2 '$T/want' | sort -u | wc -l) -eq 11 ]"
check "each rule fires on exactly the reference's days" cmp -s "$T/want" "$T/got"
diff "$T/want" "$T/got" | head -20
check "move in 30m cannot be judged on daily bars" sh -c "! grep -q 'move 3% in 30m' '$T/got'"
total=$(wc -l < "$T/want")
check "the summary counts them" grep -qx "$total alerts" "$T/out"

# the figures in the alert lines, against the reference's
$PY - "$T/err" "$T/bars.csv" "$SRCDIR/tests/trader_rules.py" > "$T/values" <<'END'
import re, subprocess, sys
lines = open(sys.argv[1]).read().splitlines()
checked = bad = 0
for i, l in enumerate(lines):
    m = re.match(r"alert (\w+) (.*?): price .*", l)
    if not m:
        continue
    d = re.search(r"backtest: \w+ .* fired at (\d{4}-\d\d-\d\d)", lines[i + 1]).group(1)
    for kind, n, v in re.findall(r"(RSI|SMA|EMA)\(?(\d+)\)? (\d+\.\d\d)", l):
        ref = float(subprocess.check_output([sys.executable, sys.argv[3], "value",
            sys.argv[2], m.group(1), d, kind.lower(), n]))
        checked += 1
        if abs(ref - float(v)) > 0.005 + 1e-9:
            bad += 1
            print("%s %s %s(%s): tickerd %s, reference %.4f" % (m.group(1), d, kind, n, v, ref))
print("checked %d, %d wrong" % (checked, bad))
END
tail -1 "$T/values"
check "RSI, SMA and EMA in the lines match the reference to the cent" grep -q '^checked [1-9][0-9]*, 0 wrong' "$T/values"
check "an RSI line reads as the issue writes it" grep -q '^alert CALX rsi 14 above 70: price [0-9.]* USD ([-+0-9.]*% today), RSI(14) 7[0-9]\.[0-9][0-9]$' "$T/err"
check "a golden cross names both averages" grep -q '^alert [A-Z]* sma 50 cross above sma 200: .*, SMA 50 [0-9.]*, SMA 200 [0-9.]*$' "$T/err"

# the same closes as quotes timed by their date alone
awk -F, 'NR == 1 { print "time,symbol,price,prev_close,high52,low52,volume"; next }
    { print $1 "," $2 "," $6 ",,,," $7 }' "$T/bars.csv" > "$T/dates.csv"
cat > "$T/dates.conf" <<'END'
state-dir memory
control none
notifier syslog "log" { }
notify "log"
watch CALX, QCOM, AMBA {
    cross above sma 50
    sma 50 cross above sma 200
    rsi 14 above 70
    trailing-stop 8%
}
END
"$TICKERD" -d -v --once --replay "$T/dates.csv" -f "$T/dates.conf" >/dev/null 2>"$T/dates.err"
sed -n 's/^.*backtest: \([A-Z]*\) \(.*\) fired at \([0-9-]*\)T.*/\1|\2|\3/p' "$T/dates.err" | sort > "$T/dates.got"
grep -E '\|(cross above sma 50|sma 50 cross above sma 200|rsi 14 above 70|trailing-stop 8%)\|' "$T/want" > "$T/dates.want"
check "quotes dated by day alone fire on the same days" cmp -s "$T/dates.want" "$T/dates.got"

# a bad bar is a FILE:LINE error
printf 'date,symbol,open,high,low,close,volume\n2025-01-02,CALX,1,2,0.5,,100\n' > "$T/bad.csv"
"$TICKERD" -d --once --replay "$T/bad.csv" -f "$T/bt.conf" >/dev/null 2>"$T/bad.err"
check "a bar without a close is refused with its line" grep -q 'bad.csv:2: invalid number' "$T/bad.err"
finish
