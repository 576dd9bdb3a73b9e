#!/bin/sh
# The dashboard (issue 36), as a person sees it: headless Chromium
# (tests/browser.py) at a phone's 390 px and at a desktop's width, on a
# daemon polling tests/fakequote.
#  - a non-loopback address without a token-file is refused at -n;
#  - / lists every watched symbol with its price and a range bar, the
#    note <script>alert(1)</script> shown as text; no page scrolls
#    sideways at 390 px;
#  - /symbol/CALX holds an SVG chart with the alert marked, its <title>
#    naming the rule and the price;
#  - a Content-Security-Policy without inline script; a refresh without
#    JavaScript; Server-Sent Events; a token when one is set; bounded
#    headers; one listener with metrics on the same address;
#  - tickerctl quotes within COLUMNS=80; tickerd and tickerctl --help.
. "${top_srcdir:-.}/tests/lib.sh"

[ -n "$CHROMIUM" ] || skip "chromium is not installed"
BROWSER="$PY $SRCDIR/tests/browser.py"

# --- -n: where it may listen ---
printf 'dashboard "0.0.0.0:8080"\nwatch CALX { above 1 }\n' > "$T/open.conf"
check "-n: a non-loopback dashboard without a token is refused" sh -c \
    "! '$TICKERD' -n -f '$T/open.conf' 2>'$T/open.err' &&
    grep -q '^$T/open.conf:1: dashboard: 0.0.0.0:8080 is not this host.s own address: a token-file is required' '$T/open.err'"
printf 's3cret-token-42\n' > "$T/token"
chmod 600 "$T/token"
printf 'dashboard "0.0.0.0:8080" token-file "%s"\nwatch CALX { above 1 }\n' \
    "$T/token" > "$T/tok.conf"
check "-n: with a token-file it is accepted" "$TICKERD" -n -f "$T/tok.conf"
chmod 644 "$T/token"
check "-n: a token others can read is refused" sh -c \
    "! '$TICKERD' -n -f '$T/tok.conf' 2>'$T/tok.err' &&
    grep -q 'token-file .*accessible by others' '$T/tok.err'"
chmod 600 "$T/token"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=160 prev=150 high=230 low=120
AMBA price=80 prev=70 high=90 low=50
END
start_fakequote "$T/scenario"
PORT=$(free_port)
NOTE='<script>alert(1)</script> BEAD rural buildouts & co'
cat > "$T/d.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir memory
control "$T/ctl.sock"
dashboard "127.0.0.1:$PORT"
watch CALX { above 45  below 20  note "$NOTE" }
watch QCOM { above 500  note "handset and edge-AI silicon, a note long enough to wrap on a phone's narrow screen" }
watch AMBA { move 5% }
END
start_tickerd "$T/d.conf" "$T/d.err"
URL=http://127.0.0.1:$PORT
wait_for 10 grep -q '^alert CALX above 45' "$T/d.err" ||
    fail "no CALX alert to show"
wait_for 10 sh -c "curl -s '$URL/' | grep -q 'class=\"card\"'" ||
    fail "no dashboard on $URL"

# --- / at a phone's width ---
$BROWSER "$URL/" 390 'document.documentElement.scrollWidth' \
    'document.querySelectorAll("main .card").length' \
    'document.querySelectorAll("main .card svg.range").length' \
    '[...document.querySelectorAll("main .card .price")].map(e => e.textContent).join("|")' \
    'document.querySelector(".note").textContent' \
    'document.querySelectorAll("script").length' \
    'getComputedStyle(document.querySelector(".card")).borderTopStyle' \
    > "$T/home" 2>"$T/home.err"
line() { sed -n "$1p" "$2"; }
check "/: no sideways scroll at 390 px ($(line 1 "$T/home"))" \
    test "$(line 1 "$T/home")" -le 390
check "/: a card for every watched symbol" test "$(line 2 "$T/home")" -eq 3
check "/: every card has its range bar" test "$(line 3 "$T/home")" -eq 3
check "/: the prices with their currency" sh -c "line() { sed -n \"\$1p\" \"\$2\"; };
    line 4 '$T/home' | grep -q '45.12 USD +3.20%|160.00 USD +6.67%|80.00 USD +14.29%'"
check "/: the note <script>alert(1)</script> shown as text" test \
    "$(line 5 "$T/home")" = "\"$NOTE\""
check "/: no script but the page's own" test "$(line 6 "$T/home")" -eq 1
check "/: its style applied (the CSP lets /style.css in)" test \
    "$(line 7 "$T/home")" = '"solid"'
check "/: the nearest rule and how far" sh -c \
    "curl -s '$URL/' | grep -q '<p class=\"near\">[0-9.]*% below above 500</p>'"

# --- /symbol/CALX: the chart and the alert marked ---
$BROWSER "$URL/symbol/CALX" 390 'document.documentElement.scrollWidth' \
    'document.querySelectorAll("svg.chart").length' \
    'document.querySelector("svg.chart circle.alert title").textContent' \
    'document.querySelectorAll("svg.chart line.thr").length' \
    'document.querySelector("table tr:not(.h) td[data-l=State]").textContent' \
    > "$T/sym" 2>"$T/sym.err"
check "/symbol/CALX: no sideways scroll at 390 px" test \
    "$(line 1 "$T/sym")" -le 390
check "/symbol/CALX: an SVG chart" test "$(line 2 "$T/sym")" -eq 1
check "/symbol/CALX: the alert marked, its title its rule and price" sh -c \
    "sed -n 3p '$T/sym' | grep -q '^\"above 45 at 45.12 USD on 20[0-9-]*\"\$'"
check "/symbol/CALX: the rules' thresholds drawn" test "$(line 4 "$T/sym")" -eq 2
check "/symbol/CALX: the rule's state" test "$(line 5 "$T/sym")" = '"fired"'
check "/symbol/NOPE: 404" test "$(curl -s -o /dev/null -w '%{http_code}' \
    "$URL/symbol/NOPE")" = 404

# --- /review ---
$BROWSER "$URL/review?symbol=CALX" 390 'document.documentElement.scrollWidth' \
    'document.querySelectorAll("table")[0].querySelectorAll("tr:not(.h)").length' \
    > "$T/rev" 2>"$T/rev.err"
check "/review: no sideways scroll at 390 px" test "$(line 1 "$T/rev")" -le 390
check "/review?symbol=CALX: its alert" test "$(line 2 "$T/rev")" -eq 1
$BROWSER "$URL/" 1280 'document.documentElement.scrollWidth' > "$T/wide" 2>&1
check "/: at 1280 px no sideways scroll either" test "$(line 1 "$T/wide")" -le 1280

# --- what protects it ---
curl -s -D "$T/headers" -o /dev/null "$URL/"
check "CSP: scripts from the page's origin only, nothing inline" sh -c \
    "grep -qi \"^Content-Security-Policy: default-src 'none'; script-src 'self'\" '$T/headers' &&
    ! grep -qi 'unsafe-inline' '$T/headers'"
check "without JavaScript: a refresh" sh -c "curl -s '$URL/' | grep -q \
    '<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>'"
check "read-only: POST is 405" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -X POST "$URL/")" = 405
big=$($PY -c 'print("x" * 20000)')
check "a 20 kB header is refused" sh -c "test \"\$(curl -s -o /dev/null -w \
    '%{http_code}' -H 'X-Big: $big' '$URL/')\" != 200"
timeout 4 curl -s -N "$URL/events" > "$T/events" 2>/dev/null
check "live: Server-Sent Events say a change" grep -q '^event: change' \
    "$T/events"
check "still serving after all that" sh -c "curl -s '$URL/' | grep -q card"

# --- the tables and usages a person reads (issue 36) ---
COLUMNS=80 "$TICKERCTL" -s "$T/ctl.sock" quotes > "$T/q80"
check "tickerctl quotes at COLUMNS=80: no line over 80 columns" \
    test "$(awk '{ n = length($0); if (n > m) m = n } END { print m + 0 }' \
    "$T/q80")" -le 80
check "... and every symbol in it, with its price" sh -c \
    "grep -q '^CALX .*45.12 USD' '$T/q80' && grep -q '^QCOM ' '$T/q80' &&
    grep -q '^AMBA ' '$T/q80'"
"$TICKERCTL" -s "$T/ctl.sock" quotes > "$T/qfull"
check "tickerctl quotes to a pipe: whole lines, the note uncut" grep -q \
    'a note long enough to wrap on a phone.s narrow screen$' "$T/qfull"
check "tickerctl quotes: ages as a person reads them" grep -q \
    '^CALX .* [0-9]*s ' "$T/qfull"
check "tickerd --help: stdout, exit 0" sh -c \
    "'$TICKERD' --help > '$T/h1' 2>/dev/null && grep -q '^usage: tickerd' '$T/h1' &&
    grep -q -- '--fetch-history' '$T/h1'"
check "tickerctl --help: stdout, exit 0, every option" sh -c \
    "'$TICKERCTL' --help > '$T/h2' 2>/dev/null && grep -q -- '-j, --json' '$T/h2' &&
    grep -q -- '--socket' '$T/h2' && grep -q -- '-V' '$T/h2'"
stop_tickerd

# --- a token, and one listener with metrics ---
cat > "$T/t.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
poll 1s
state-dir memory
control none
metrics "127.0.0.1:$PORT"
dashboard "127.0.0.1:$PORT" token-file "$T/token"
watch CALX { above 45 }
END
start_tickerd "$T/t.conf" "$T/t.err"
wait_for 10 sh -c "curl -s '$URL/metrics' | grep -q tickerd_" ||
    fail "no metrics on $URL"
check "one listener: /metrics beside the pages" grep -q \
    'dashboard: serving http://127.0.0.1:[0-9]*/ beside /metrics' "$T/t.err"
check "token: none, 401" test "$(curl -s -o /dev/null -w '%{http_code}' \
    "$URL/")" = 401
check "token: Bearer, 200" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer s3cret-token-42' "$URL/")" = 200
check "token: a wrong one, 401" test "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer s3cret-token-43' "$URL/")" = 401
curl -s -D "$T/th" -o /dev/null "$URL/?token=s3cret-token-42"
check "token: ?token= once sets a cookie" grep -qi \
    '^Set-Cookie: tickerd_token=s3cret-token-42; Path=/; HttpOnly; SameSite=Strict' \
    "$T/th"
check "token: the cookie lets the browser in" test "$(curl -s -o /dev/null \
    -w '%{http_code}' -H 'Cookie: tickerd_token=s3cret-token-42' \
    "$URL/symbol/CALX")" = 200
stop_tickerd
finish
