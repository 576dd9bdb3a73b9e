#!/bin/sh
# The HTML mail's 52-week range bar, as a person sees it: rendered by a
# real browser (headless Chromium), its red price mark is visible at 0%,
# 50% and 100% of the range, where it belongs along the bar.
. "${top_srcdir:-.}/tests/lib.sh"

[ -n "$CHROMIUM" ] || skip "chromium is not installed"
$PY -c 'import PIL' 2>/dev/null || skip "python3-pil is not installed"

cat > "$T/scenario" <<'END'
LOWS price=27.73 prev=28 high=44.53 low=27.73
MIDS price=36.13 prev=36 high=44.53 low=27.73
HIGH price=44.53 prev=44 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir memory
notifier mail "me" { to "a@example.com" mbox "mail.mbox" }
notify "me"
watch LOWS { below 28 }
watch MIDS { above 36 }
watch HIGH { above 44.5 }
END
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err"
check "three mails" test "$(grep -c '^From ' "$T/mail.mbox")" -eq 3

# each mail's HTML part, and the text part for the text-only reader
$PY - "$T/mail.mbox" "$T" <<'PY'
import mailbox, sys
for m in mailbox.mbox(sys.argv[1]):
    sym = m["Subject"].split()[1]
    for part in m.walk():
        t = part.get_content_type()
        if t in ("text/html", "text/plain"):
            ext = "html" if t == "text/html" else "txt"
            open("%s/%s.%s" % (sys.argv[2], sym, ext), "wb").write(
                part.get_payload(decode=True))
PY
for s in LOWS MIDS HIGH; do
	screenshot "$T/$s.html" "$T/$s.png" 700,700
	check "$s: rendered" test -s "$T/$s.png"
done

# where the red mark is along the bar, as a share of the bar's width
mark() {
	$PY - "$T/$1.png" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
px = im.load()
def near(c, ref):
    return all(abs(a - b) <= 24 for a, b in zip(c, ref))
red, rows, bar = [], set(), []
for y in range(h):
    for x in range(w):
        if near(px[x, y], (192, 57, 43)):
            red.append(x)
            rows.add(y)
if len(red) < 40:
    print("none %d" % len(red))
    sys.exit()
# the bar: the filled and the empty part, on the rows of the mark
for y in rows:
    for x in range(w):
        c = px[x, y]
        if near(c, (140, 180, 224)) or near(c, (230, 230, 230)):
            bar.append(x)
lo, hi = min(bar + red), max(bar + red)
print("%.0f %d" % (100.0 * (sum(red) / len(red) - lo) / (hi - lo), len(red)))
PY
}
for c in LOWS:0 MIDS:50 HIGH:100; do
	s=${c%:*} want=${c#*:}
	set -- $(mark "$s")
	check "$s: the red mark is visible ($2 pixels)" test "$1" != none
	[ "$1" != none ] && check "$s: at ${1}% along the bar (want $want)" \
	    test $(( $1 - want )) -le 3 -a $(( want - $1 )) -le 3
done
check "the text part has its own bar" grep -q '52 weeks' "$T/MIDS.txt"
finish
