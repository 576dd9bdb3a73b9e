#!/bin/sh
# Filings and insider trades from SEC EDGAR (issue 34), on recorded
# answers (tests/data/edgar) served by tests/edgarserve.py, quotes by
# tests/payloadserve.py, mail into an mbox:
#  - filing rules without provider edgar, or edgar without a contact (or
#    with one that names no one), are FILE:LINE errors;
#  - the first look is silent; a new 8-K with items 1.01 and 9.01 gives
#    one alert naming both items and the filing's page; a restart, and a
#    kill -9 and a restart, give nothing more; a filing made while the
#    daemon was down is announced once when it is back;
#  - a Form 4 with purchases above the threshold gives one alert with the
#    owner, shares, price and value; one below it none; a sale and a
#    grant as their rules say; an 8-K/A is named an amendment;
#  - every request names the contact; a ticker without a CIK is said once;
#  - the SEC's refusal page: one line, one problem mail, no storm;
#  - tickerctl filings lists what was seen and what it fired.
. "${top_srcdir:-.}/tests/lib.sh"

D=$SRCDIR/tests/data
ED=$T/ed
mkdir -p "$ED" "$T/q/yahoo"
cp "$D"/edgar/* "$ED"/
sed 's/CALX/TSLA/g' "$D/yahoo/calx.json" > "$T/q/yahoo/TSLA.json"
$PY "$SRCDIR/tests/edgarserve.py" "$T/ed.port" "$ED" 2>>"$T/ed.err" &
PIDS="$PIDS $!"
$PY "$SRCDIR/tests/payloadserve.py" "$T/q.port" "$T/q" 2>>"$T/q.err" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/ed.port" && wait_for 10 test -s "$T/q.port" ||
    { fail "the fake servers did not start"; finish; }
EDGAR="http://127.0.0.1:$(cat "$T/ed.port")"
QUOTES="http://127.0.0.1:$(cat "$T/q.port")"
CONTACT="Jane Doe jane@example.com"
DPORT=$(free_port)

lines() { grep -c -- "$1" "$2" || true; }
mails() { grep -c '^From ' "$T/box.mbox" 2>/dev/null || echo 0; }
requests() { grep -c -- "$1" "$T/ed.port.log" 2>/dev/null || echo 0; }

# --- the configuration ---
cat > "$T/bad1.conf" <<END
state-dir memory
control none
watch TSLA {
	above 500
	filing 8-K
}
END
check "config: a filing rule without provider edgar is FILE:LINE" sh -c \
    "! '$TICKERD' -n -f '$T/bad1.conf' 2>'$T/bad1.err' &&
    grep -q '^$T/bad1.conf:5: watch TSLA: filing 8-K: filings come from SEC EDGAR, which needs provider edgar' '$T/bad1.err'"
printf 'provider edgar { url "%s" }\n' "$EDGAR" | cat - "$T/bad1.conf" \
    > "$T/bad2.conf"
check "config: provider edgar without a contact is FILE:LINE" sh -c \
    "! '$TICKERD' -n -f '$T/bad2.conf' 2>'$T/bad2.err' &&
    grep -q '^$T/bad2.conf:1: provider edgar: contact is required' '$T/bad2.err'"
printf 'provider edgar { contact "tickerd" }\n' | cat - "$T/bad1.conf" \
    > "$T/bad3.conf"
check "config: a contact that names no email address is refused" sh -c \
    "! '$TICKERD' -n -f '$T/bad3.conf' 2>'$T/bad3.err' &&
    grep -q '^$T/bad3.conf:1: provider edgar: contact \"tickerd\" must be your name and email address' '$T/bad3.err'"
printf 'provider edgar { contact "%s" }\nwatch QCOM { filing 8-K item 1.1 }\n' \
    "$CONTACT" > "$T/bad4.conf"
check "config: an 8-K item that is none is FILE:LINE" sh -c \
    "! '$TICKERD' -n -f '$T/bad4.conf' 2>'$T/bad4.err' &&
    grep -q '^$T/bad4.conf:2: filing: item \"1.1\" is not an item of Form 8-K' '$T/bad4.err'"

cat > "$T/t.conf" <<END
provider yahoo { url "$QUOTES" batches no }
provider edgar { contact "$CONTACT" url "$EDGAR" }
edgar-poll 1s
poll 1m
stale 1h
state-dir "$T/state"
control "$T/ctl"
notifier mail "box" { to "you@example.com" from "t <t@localhost>" mbox "$T/box.mbox" }
notify "box"
problem-after 1h
dashboard "127.0.0.1:$DPORT"
watch TSLA {
	filing 8-K item 1.01, 2.02
	insider buy at least \$1M
	insider sell at least \$100k
	note "EV maker, filings"
}
watch SNOW { insider buy at least \$50M }
watch 7203.T { filing any }
END
check "config: the filing rules are read" "$TICKERD" -n -f "$T/t.conf"

# run SECONDS NAME: the daemon for SECONDS, its log in NAME.err
run() {
	"$TICKERD" -d -f "$T/t.conf" 2>"$T/$2.err" &
	rp=$!
	sleep "$1"
	kill "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
}

# --- the first look: recorded, silent ---
run 4 first
check "first look: TSLA's recent filings recorded" grep -q \
    'TSLA: SEC EDGAR: 100 recent filings seen (CIK 1318605); new ones are announced from now on' \
    "$T/first.err"
check "first look: no alert, no mail" test "$(lines '^alert' "$T/first.err")" \
    -eq 0 -a "$(mails)" -eq 0
check "first look: a ticker without a CIK said once" test "$(lines \
    '7203.T: SEC EDGAR knows no company of this ticker' "$T/first.err")" -eq 1
check "first look: every request names the contact" test "$(grep -vc \
    " $CONTACT\$" "$T/ed.port.log")" -eq 0
check "first look: the ticker map fetched once, and kept" test \
    "$(requests company_tickers)" -eq 1 -a -s "$T/state/company_tickers.json"

# --- a new 8-K: one alert, both items, the link ---
cat > "$ED/added.json" <<'END'
[{"cik": 1318605, "accession": "0001564590-26-000101", "form": "8-K",
  "items": "1.01,9.01", "accepted": "2026-04-28T16:05:11.000Z",
  "date": "2026-04-28", "doc": "tsla-8k_20260428.htm"}]
END
"$TICKERD" -d -f "$T/t.conf" 2>"$T/k9.err" &
rp=$!
wait_for 10 grep -q 'mail box: delivered' "$T/k9.err"
kill -9 "$rp"
wait "$rp" 2>/dev/null
check "8-K: one alert, naming both items and the filing's page" test "$(lines \
    "^alert TSLA filing 8-K item 1.01, 2.02: TSLA filed 8-K: 1.01 Entry into a Material Definitive Agreement; 9.01 Financial Statements and Exhibits (accepted 2026-04-28 16:05 EDT) https://www.sec.gov/Archives/edgar/data/1318605/000156459026000101/0001564590-26-000101-index.htm" \
    "$T/k9.err")" -eq 1
check "8-K: one mail, with the note" test "$(mails)" -eq 1
check "8-K: the mail's subject names the items" grep -q \
    '^Subject: \[tickerd\] TSLA filed 8-K: 1.01 Entry into a Material Definitive Agreement; 9.01' \
    "$T/box.mbox"
check "8-K: the mail carries the watch's note" grep -q 'EV maker, filings' \
    "$T/box.mbox"
run 4 again
check "8-K: after kill -9 and a restart, nothing more" test "$(lines '^alert' \
    "$T/again.err")" -eq 0 -a "$(mails)" -eq 1

# --- filed while the daemon was down: announced once when it is back ---
cat > "$ED/added.json" <<'END'
[{"cik": 1318605, "accession": "0001564590-26-000101", "form": "8-K",
  "items": "1.01,9.01", "accepted": "2026-04-28T16:05:11.000Z",
  "date": "2026-04-28", "doc": "tsla-8k_20260428.htm"},
 {"cik": 1318605, "accession": "0001402349-26-000007", "form": "4",
  "accepted": "2026-05-04T18:30:02.000Z", "date": "2026-05-04",
  "doc": "xslF345X03/wf-form4_1.xml", "file": "form4_snow_buy.xml"},
 {"cik": 1318605, "accession": "0001402349-26-000008", "form": "4",
  "accepted": "2026-05-04T18:31:02.000Z", "date": "2026-05-04",
  "doc": "xslF345X03/wf-form4_2.xml", "file": "form4_snow_sell.xml"},
 {"cik": 1318605, "accession": "0000933972-26-000009", "form": "4",
  "accepted": "2026-05-04T18:32:02.000Z", "date": "2026-05-04",
  "doc": "xslF345X05/form4.xml", "file": "form4_scwo_grant.xml"},
 {"cik": 1318605, "accession": "0001564590-26-000103", "form": "8-K/A",
  "items": "2.02", "accepted": "2026-05-06T08:00:00.000Z",
  "date": "2026-05-06", "doc": "tsla-8ka.htm"},
 {"cik": 1640147, "accession": "0001402349-26-000010", "form": "4",
  "accepted": "2026-05-04T18:35:02.000Z", "date": "2026-05-04",
  "doc": "xslF345X03/wf-form4_3.xml", "file": "form4_snow_buy.xml"}]
END
run 5 down
check "insider buy: one alert with the owner, shares, price and value" test \
    "$(lines '^alert TSLA insider buy at least \$1,000,000: TSLA insider buy: Scarpelli Michael (Chief Financial Officer) bought 200,000 shares at 151.76 USD on average, 30,351,310 USD, on 2022-12-13' \
    "$T/down.err")" -eq 1
check "insider sell: one alert" test "$(lines \
    '^alert TSLA insider sell at least \$100,000: TSLA insider sell: Scarpelli Michael (Chief Financial Officer) sold 200,000 shares' \
    "$T/down.err")" -eq 1
check "insider buy below the threshold: none (SNOW, at least \$50M)" test \
    "$(lines '^alert SNOW' "$T/down.err")" -eq 0
check "insider: a grant (code A) fires neither rule" grep -q \
    'TSLA: filed 4 0000933972-26-000009$' "$T/down.err"
check "amendment: an 8-K/A named as such" test "$(lines \
    '^alert TSLA filing 8-K item 1.01, 2.02: TSLA filed 8-K/A (an amendment): 2.02 Results of Operations' \
    "$T/down.err")" -eq 1
check "filed while down: three alerts, four mails in all" test \
    "$(lines '^alert' "$T/down.err")" -eq 3 -a "$(mails)" -eq 4
check "the Form 4s read as raw XML, not their rendering" test \
    "$(requests '/000140234926000007/wf-form4_1.xml ')" -ge 1

# --- tickerctl filings ---
"$TICKERD" -d -f "$T/t.conf" 2>"$T/ctl.err" &
rp=$!
wait_for 10 test -S "$T/ctl"
"$TICKERCTL" -s "$T/ctl" filings TSLA > "$T/filings.out" 2>&1
"$TICKERCTL" -s "$T/ctl" -j filings > "$T/filings.json" 2>&1
curl -s "http://127.0.0.1:$DPORT/symbol/TSLA" > "$T/page.html"
kill "$rp"
wait "$rp" 2>/dev/null
check "tickerctl filings: the 8-K with the rule it fired" grep -q \
    '^TSLA     2026-04-28 8-K      0001564590-26-000101 1.01,9.01 / filing 8-K item 1.01, 2.02$' \
    "$T/filings.out"
check "tickerctl filings: the buy with its rule" grep -q \
    '0001402349-26-000007 insider buy at least \$1,000,000$' "$T/filings.out"
check "tickerctl -j filings: JSON with links" $PY -c "
import json,sys
f = json.load(open('$T/filings.json'))['filings']
assert any(x['symbol'] == 'SNOW' for x in f)
assert all(x['link'].endswith('-index.htm') for x in f)"
check "dashboard: the symbol's page lists its filings, linked to the SEC" \
    grep -q '<a href="https://www.sec.gov/Archives/edgar/data/1318605/000156459026000101/0001564590-26-000101-index.htm" rel="noreferrer">8-K</a></td><td data-l="Items">1.01,9.01</td><td data-l="Fired">filing 8-K item 1.01, 2.02</td>' \
    "$T/page.html"
check "review: the filing alerts are reviewed" $PY -c "
import json
r = json.load(open('$T/state/review.json'))['alerts']
rules = [a['rule'] for a in r]
assert 'filing 8-K item 1.01, 2.02' in rules, rules
assert [a['direction'] for a in r if a['rule'].startswith('insider buy')] == [1]"

# --- the SEC's refusal page: one line, a back-off, a problem mail ---
echo refuse > "$ED/mode"
: > "$T/ed.port.log"
mb=$(mails)
run 30 refused
check "refused: one line naming the fix" test "$(lines \
    "edgar: the SEC refused the request (HTTP 403, \"Request Rate Threshold Exceeded\").*contact of provider edgar must be your name and email address; no request to EDGAR for 10 minutes" \
    "$T/refused.err")" -eq 1
check "refused: said once in all" test "$(lines 'SEC refused' \
    "$T/refused.err")" -eq 1
check "refused: no storm (at most 3 requests in 30 s)" test \
    "$(wc -l < "$T/ed.port.log")" -le 3
check "refused: one problem mail" test "$(mails)" -eq $((mb + 1)) -a \
    "$(lines '^Subject: \[tickerd\] edgar refuses tickerd' "$T/box.mbox")" -eq 1
# refused on data.sec.gov alone, the map fetched anew: still no storm
echo refuse-data > "$ED/mode"
rm -f "$T/state/company_tickers.json"
: > "$T/ed.port.log"
run 30 refused2
check "refused submissions, with the map served: at most 3 requests in 30 s" \
    test "$(wc -l < "$T/ed.port.log")" -le 3
check "... and said once" test "$(lines 'SEC refused' "$T/refused2.err")" -eq 1
rm -f "$ED/mode"

# --- beside the replay provider (a demo's, a test's quotes) ---
cat > "$T/r.conf" <<END
provider replay { file "$SRCDIR/conf/demo/calx-2026-03-02.csv" speed 60 }
provider edgar { contact "$CONTACT" url "$EDGAR" }
edgar-poll 1s
state-dir "$T/rstate"
control none
watch CALX { filing 8-K  note "calix" }
END
echo '[]' > "$ED/added.json"
"$TICKERD" -d -f "$T/r.conf" 2>"$T/r1.err" &
rp=$!
wait_for 10 grep -q 'CALX: SEC EDGAR: 0 recent filings seen' "$T/r1.err"
echo '[{"cik": 1406666, "accession": "0001406666-26-000044", "form": "8-K",
  "items": "2.02,9.01", "accepted": "2026-04-28T16:05:11.000Z"}]' \
    > "$ED/added.json"
wait_for 10 grep -q '^alert CALX' "$T/r1.err"
kill "$rp"
wait "$rp" 2>/dev/null
check "replay: filings read beside replayed quotes, the earnings 8-K" test \
    "$(lines '^alert CALX filing 8-K: CALX filed 8-K: 2.02 Results of Operations and Financial Condition; 9.01' \
    "$T/r1.err")" -eq 1

finish
