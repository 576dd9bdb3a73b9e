#!/bin/sh
# SMTP with TLS and AUTH against a real server (aiosmtpd) with a
# certificate made here: STARTTLS required and offered, smtps://, AUTH
# with a password file, certificate verification on, and the failures
# (no STARTTLS offered, an unknown certificate, a wrong password, a
# password file readable by others) named without the password.
. "${top_srcdir:-.}/tests/lib.sh"

command -v openssl >/dev/null || skip "openssl is not installed"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
    -out "$T/cert.pem" 2>/dev/null || { fail "openssl req"; finish; }

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
printf 's3cr3t-pw\n' > "$T/smtp.pass"
chmod 600 "$T/smtp.pass"

# conf NAME URL EXTRA: a configuration delivering through URL
conf() {
	cat > "$T/$1.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "$1.state"
notifier mail "me" {
    to "alice@example.com"
    from "tickerd <tickerd@example.com>"
    smtp "$2"
    $3
}
notify "me"
watch CALX { above 44.53 }
END
}

# run NAME: one --once run; its exit status in RC, stderr in NAME.err
run() {
	"$TICKERD" -d --once -f "$T/$1.conf" 2>"$T/$1.err"
	RC=$?
}

# STARTTLS (required) + AUTH, verified against our certificate
mkdir -p "$T/m1"
start_smtpd "$T/m1" "" --starttls --cert "$T/cert.pem" --key "$T/key.pem" --auth alice:s3cr3t-pw
conf starttls "smtp://127.0.0.1:$SPORT" "starttls required ca-file \"cert.pem\" user \"alice\" password-file \"smtp.pass\""
check "-n accepts starttls, ca-file, user and password-file" "$TICKERD" -n -f "$T/starttls.conf"
run starttls
check "STARTTLS + AUTH: delivered, exit 0 (got $RC)" test "$RC" -eq 0
check "STARTTLS: the server saw TLS" grep -qx 'tls yes' "$T/m1/new/1.env"
check "AUTH: the server saw alice log in" grep -qx 'auth alice' "$T/m1/new/1.env"
check "STARTTLS: strict format" mailcheck "$T/m1/new/1.eml" --to alice@example.com

# a wrong password: not delivered, not leaked
printf 'wrong-pw\n' > "$T/smtp.pass"
conf badpw "smtp://127.0.0.1:$SPORT" "starttls required ca-file \"cert.pem\" user \"alice\" password-file \"smtp.pass\""
run badpw
check "wrong password: exit 2 (got $RC)" test "$RC" -eq 2
check "wrong password: the failure is named" grep -q 'not delivered: Login denied' "$T/badpw.err"
check "wrong password: never logged" sh -c "! grep -q -e wrong-pw -e s3cr3t '$T/badpw.err'"
check "wrong password: kept in the outbox" test "$(ls "$T/badpw.state/outbox" | grep -c json)" -eq 1

# a password file others can read is refused, naming the file, not the password
chmod 644 "$T/smtp.pass"
"$TICKERD" -n -f "$T/badpw.conf" >"$T/perm.out" 2>&1
check "-n refuses a world-readable password file" test $? -ne 0
check "the refusal names the file" grep -q "smtp.pass: secret file is accessible by others" "$T/perm.out"
check "the refusal does not print the password" sh -c "! grep -q wrong-pw '$T/perm.out'"
chmod 600 "$T/smtp.pass"

# certificate verification is on: without our CA the server is not trusted
conf noca "smtp://127.0.0.1:$SPORT" "starttls required"
run noca
check "unknown certificate: exit 2 (got $RC)" test "$RC" -eq 2
check "unknown certificate: named" grep -qi 'not delivered: .*certificate' "$T/noca.err"
stop_smtpd

# a server that offers no STARTTLS: refused when required ...
mkdir -p "$T/m2"
start_smtpd "$T/m2"
conf plain "smtp://127.0.0.1:$SPORT" "starttls required"
run plain
check "no STARTTLS offered, required: exit 2 (got $RC)" test "$RC" -eq 2
check "no STARTTLS offered, required: nothing sent" test "$(mail_count "$T/m2")" -eq 0
check "no STARTTLS offered, required: named" grep -q 'not delivered: .*SSL\|TLS' "$T/plain.err"
# ... and delivered in clear when only optional (the default)
conf plainok "smtp://127.0.0.1:$SPORT" ""
run plainok
check "no STARTTLS offered, optional: delivered (got $RC)" test "$RC" -eq 0
check "no STARTTLS offered, optional: in clear" grep -qx 'tls no' "$T/m2/new/1.env"
stop_smtpd

# smtps://: TLS from the first byte
mkdir -p "$T/m3"
start_smtpd "$T/m3" "" --smtps --cert "$T/cert.pem" --key "$T/key.pem"
conf smtps "smtps://127.0.0.1:$SPORT" "ca-file \"cert.pem\""
run smtps
check "smtps: delivered, exit 0 (got $RC)" test "$RC" -eq 0
check "smtps: one message" test "$(mail_count "$T/m3")" -eq 1
check "smtps: strict format" mailcheck "$T/m3/new/1.eml"
finish
