#!/bin/sh
# The weekly review mail: last week's alerts and what followed them, one
# mail through a real SMTP server that passes the strict checks of alert
# mail, sent once (a restart does not send it again), its HTML table's
# cells coloured by outcome as headless Chromium renders them.
. "${top_srcdir:-.}/tests/lib.sh"

start_smtpd "$T/mail"
cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
mkdir -p "$T/st"
chmod 700 "$T/st"
# three alerts last week (Monday to Sunday, UTC), one this week, of
# symbols not watched now (their outcomes stay as written here)
WEEK=$($PY - "$T/st/review.json" <<'END'
import json, sys
from datetime import date, timedelta
monday = date.today() - timedelta(days=date.today().weekday())
last = monday - timedelta(days=7)
def row(d, sym, rule, price, r, note, direction):
    return {"time": 1700000000, "day": d.isoformat(), "symbol": sym,
            "rule": rule, "note": note, "price": price, "currency": "USD",
            "direction": direction, "returns": {"1": r[0], "5": r[1], "20": r[2]},
            "closes": {"1": None, "5": None, "20": None}, "rise": r[3],
            "fall": r[4], "sessions": 5, "done": False, "ended": False}
rows = [row(last, "AMBA", "above 44.53", 44.61, (2.5, 4.1, None, 6.0, -0.5),
            "thesis: <b>rural</b> buildouts & BEAD", 1),
        row(last + timedelta(days=2), "QCOM", "below 150", 149.5,
            (-1.2, 3.3, None, 4.0, -2.2), None, -1),
        row(last + timedelta(days=4), "AMBA", "move 5%", 47.0,
            (-0.4, -2.0, None, 1.0, -3.1), None, 1),
        row(monday, "NIO", "below 4", 3.99, (None, None, None, None, None),
            None, -1)]
json.dump({"version": 1, "mailed": 0, "alerts": rows}, open(sys.argv[1], "w"))
print(last.isoformat())
END
)
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1m
state-dir "st"
control none
notifier mail "me" { to "alice@example.com" smtp "smtp://127.0.0.1:$SPORT" }
notifier syslog "log" { }
notify "log"
review weekly "me"
watch CALX { above 1000 }
END
check "-n accepts review weekly" "$TICKERD" -n -f "$T/tickerd.conf"
start_tickerd "$T/tickerd.conf" "$T/err1"
check "the review mail arrives" wait_for 20 sh -c "[ \$(ls '$T/mail/new' 2>/dev/null | wc -l) -ge 1 ]"
stop_tickerd
start_tickerd "$T/tickerd.conf" "$T/err2"
sleep 8
stop_tickerd
check "once: a restart does not send it again" test "$(mail_count "$T/mail")" -eq 1
M=$T/mail/new/1.eml
check "strict format" mailcheck "$M" --to alice@example.com \
    --subject "[tickerd] review of the week of $WEEK: 3 alerts" \
    --text "thesis: <b>rural</b> buildouts & BEAD" --text "By rule"
check "this week's alert is not in it" sh -c "! grep -q 'below 4' '$M'"
$PY - "$M" "$T" <<'END'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
for part in m.walk():
    t = part.get_content_type()
    if t in ("text/html", "text/plain"):
        open("%s/review.%s" % (sys.argv[2], "html" if t == "text/html" else "txt"),
             "w").write(part.get_content())
END
check "the text part reads on its own" sh -c "grep -q 'AMBA .*above 44.53 .*44.61 .*+2.50%' '$T/review.txt' && grep -q 'above 44.53 .* 1/1' '$T/review.txt'"
check "the HTML escapes the note" grep -q 'thesis: &lt;b&gt;rural&lt;/b&gt; buildouts &amp; BEAD' "$T/review.html"

if [ -n "$CHROMIUM" ] && $PY -c 'import PIL' 2>/dev/null; then
	screenshot "$T/review.html" "$T/review.png" 1100,600
	check "rendered by Chromium" test -s "$T/review.png"
	$PY - "$T/review.png" > "$T/colours" <<'END'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
px = im.load()
w, h = im.size
def count(ref):
    return sum(1 for y in range(h) for x in range(w)
               if all(abs(a - b) <= 6 for a, b in zip(px[x, y], ref)))
print("green %d red %d" % (count((212, 237, 218)), count((248, 215, 218))))
END
	cat "$T/colours"
	check "gains in green, losses in red" awk '{ exit !($2 > 500 && $4 > 500) }' "$T/colours"
	# on a phone (issue 36): one card per alert, nothing off the right
	$PY "$SRCDIR/tests/browser.py" "file://$T/review.html" 390 \
	    'document.documentElement.scrollWidth' \
	    'getComputedStyle(document.querySelector("table.rv tr:not(.h)")).display' \
	    > "$T/phone" 2>&1
	check "at 390 px the review mail does not scroll sideways" \
	    test "$(sed -n 1p "$T/phone")" -le 390
	check "at 390 px each alert is a card" test "$(sed -n 2p "$T/phone")" \
	    = '"block"'
	$PY "$SRCDIR/tests/browser.py" "file://$T/review.html" 1100 \
	    'Math.max(...[...document.querySelectorAll("td.d")].map(e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }))' \
	    'document.body.textContent.includes("Followed: of a rule")' \
	    > "$T/desk" 2>&1
	check "at desktop width no date wraps" test "$(sed -n 1p "$T/desk")" -eq 1
	check "Followed is defined in the mail" test "$(sed -n 2p "$T/desk")" = true
else
	echo "SKIP: chromium or python3-pil is not installed: not rendered"
fi

# a review through a notifier that is not mail, or every day: errors
printf 'notifier syslog "log" { }\nreview weekly "log"\nwatch X { above 1 }\n' > "$T/bad1.conf"
"$TICKERD" -n -f "$T/bad1.conf" > "$T/bad1.err" 2>&1
check "review through syslog is refused" grep -q 'bad1.conf:2: review: "log" is not a mail notifier' "$T/bad1.err"
printf 'review daily "me"\n' > "$T/bad2.conf"
"$TICKERD" -n -f "$T/bad2.conf" > "$T/bad2.err" 2>&1
check "review daily is refused" grep -q 'bad2.conf:1: review: expected weekly or monthly, got "daily"' "$T/bad2.err"
finish
