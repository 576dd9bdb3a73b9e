#!/bin/sh
# tickerd -d --once against a local Yahoo-shaped server and a real SMTP
# server: alert lines on stderr, one mail per alert with the symbol in the
# Subject and the note in the body, an unknown symbol reported while the
# others still alert, and the exit status.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
END
start_fakequote "$T/scenario"
mkdir -p "$T/mail"
start_smtpd "$T/mail"

cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
notifier mail "me" {
    to "alice@example.com"
    from "tickerd <tickerd@example.com>"
    smtp "smtp://127.0.0.1:$SPORT"
}
notify "me"
include "watch.d/*.conf"
END
mkdir -p "$T/watch.d"
cat > "$T/watch.d/a.conf" <<'END'
watch CALX {
    note "BEAD rural buildouts, Calix One ARR"
    above 44.53
    below 27.73
}
watch QCOM { move 5% }
watch GONE { above 1 }
END

check "-n accepts the configuration" sh -c "'$TICKERD' -n -f '$T/tickerd.conf' | grep -qx 'configuration OK'"

"$TICKERD" -d --once -f "$T/tickerd.conf" >"$T/out" 2>"$T/err"
rc=$?
cat "$T/err"
check "exit status 2 when a symbol was not quoted" test "$rc" -eq 2
check "CALX alert line on stderr" \
    grep -qx 'alert CALX above 44.53: price 45.12 USD (+3.2% today), 52w 27.73-44.53' "$T/err"
check "QCOM move alert line on stderr" \
    grep -q '^alert QCOM move 5%: price 150.00 USD (-6.2% today)' "$T/err"
check "below rule did not fire" sh -c "! grep -q 'alert CALX below' '$T/err'"
check "unknown symbol reported" grep -q 'GONE: unknown or delisted symbol' "$T/err"
check "no alert for the unknown symbol" sh -c "! grep -q '^alert GONE' '$T/err'"
check "two mails delivered" test "$(mail_count "$T/mail")" -eq 2
check "tickerd's own User-Agent, not a browser's" \
    grep -q "^CALX	tickerd/$VERSION	" "$QLOG"

# Read the mails the way a mail reader does.
for f in "$T"/mail/new/*.eml; do
	$PY - "$f" >>"$T/parsed" <<'END'
import email, sys
from email import policy
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
print("SUBJECT:", m["Subject"])
print("TO:", m["To"])
print("BODY:", m.get_body(preferencelist=("plain",)).get_content().replace("\n", " "))
END
done
check "Subject names the symbol" grep -qx 'SUBJECT: \[tickerd\] CALX 45.12 USD crossed above 44.53' "$T/parsed"
check "body carries the note" grep -q 'BODY: .*Note: *BEAD rural buildouts, Calix One ARR' "$T/parsed"
check "envelope recipient" grep -qx 'rcpt alice@example.com' "$T"/mail/new/1.env

# Every symbol quoted: exit 0.
sed -i '/GONE/d' "$T/watch.d/a.conf"
"$TICKERD" -d --once -f "$T/tickerd.conf" >"$T/out2" 2>"$T/err2"
check "exit status 0 when every symbol was quoted" test $? -eq 0
check "a second run repeats no alert" sh -c "! grep -q '^alert' '$T/err2'"
check "a second run sends no mail" test "$(mail_count "$T/mail")" -eq 2
check "history has the two alerts" test "$(wc -l < "$T/state/history.jsonl")" -eq 2
check "outbox empty" test -z "$(ls "$T/state/outbox" | grep -v failed)"

# user-agent in the provider block is what every request says.
sed -i 's|^provider yahoo {|provider yahoo { user-agent "Portfolio-Bot/2.1 (ops@example.com)"|' \
    "$T/tickerd.conf"
: > "$QLOG"
"$TICKERD" -d --once -f "$T/tickerd.conf" >"$T/out3" 2>"$T/err3"
check "user-agent: every request says it" \
    sh -c "cut -f2 '$QLOG' | sort -u | grep -qx 'Portfolio-Bot/2.1 (ops@example.com)' &&
        test \$(cut -f2 '$QLOG' | sort -u | wc -l) -eq 1"
finish
