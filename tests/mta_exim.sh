#!/bin/sh
# Delivery through a real MTA, Debian's exim4, as in production: its SMTP
# daemon on a loopback port (STARTTLS required, verified against a
# certificate made here) and its sendmail interface.  Both must accept
# the message ("<=" in exim's log) and deliver it to a maildir, where it
# still passes the strict format checks.
. "${top_srcdir:-.}/tests/lib.sh"

EXIM=/usr/sbin/exim4
[ -x "$EXIM" ] || skip "exim4 is not installed (apt-get install exim4-daemon-light)"
[ "$(id -u)" -eq 0 ] || skip "exim -C with a private spool needs root"
id Debian-exim >/dev/null 2>&1 || skip "no Debian-exim user"
command -v openssl >/dev/null || skip "openssl is not installed"

E=$T/exim
mkdir -p "$E/spool" "$E/log" "$E/maildir"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$E/key.pem" \
    -out "$E/cert.pem" 2>/dev/null || { fail "openssl req"; finish; }
cp "$E/cert.pem" "$T/ca.pem"
chown -R Debian-exim:Debian-exim "$E"
chmod 755 "$T"
port=$(free_port)
cat > "$E/exim.conf" <<END
primary_hostname = tickerd-test.invalid
local_interfaces = 127.0.0.1
spool_directory = $E/spool
log_file_path = $E/log/%slog
log_selector = +received_recipients
never_users =
tls_certificate = $E/cert.pem
tls_privatekey = $E/key.pem
tls_advertise_hosts = *
acl_smtp_rcpt = acl_rcpt
begin acl
acl_rcpt:
  accept hosts = 127.0.0.1
  accept hosts = :
  deny
begin routers
all:
  driver = accept
  transport = to_maildir
begin transports
to_maildir:
  driver = appendfile
  directory = $E/maildir
  maildir_format
  user = Debian-exim
END
"$EXIM" -C "$E/exim.conf" -bdf -oX "$port" -odi >"$T/exim.out" 2>&1 &
PIDS="$PIDS $!"
check "exim listens" wait_for 10 grep -q 'daemon started' "$E/log/mainlog"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
cat > "$T/sendmail" <<END
#!/bin/sh
exec $EXIM -C $E/exim.conf -odi "\$@"
END
chmod 755 "$T/sendmail"
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
notifier mail "smtp" {
    to "alice@example.com"
    from "tickerd <tickerd@example.com>"
    smtp "smtp://127.0.0.1:$port"
    starttls required
    ca-file "ca.pem"
}
notifier mail "local" {
    to "bob@example.com"
    from "tickerd <tickerd@example.com>"
    sendmail "$T/sendmail"
}
notify "smtp", "local"
watch CALX { note "BEAD rural buildouts" above 44.53 }
END

"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err"
rc=$?
cat "$T/err"
check "--once: both delivered, exit 0 (got $rc)" test "$rc" -eq 0
check "exim accepted the SMTP message over TLS" \
    wait_for 10 grep -q '<= tickerd@example.com H=.*127.0.0.1.* P=esmtps X=TLS.*for alice@example.com' "$E/log/mainlog"
check "exim accepted the sendmail message" \
    wait_for 10 grep -q '<= .* U=.* P=local .*for bob@example.com' "$E/log/mainlog"
check "exim delivered both" wait_for 10 sh -c "[ \$(ls '$E/maildir/new' | wc -l) -eq 2 ]"
check "no rejections in exim's log" sh -c "! grep -q -e rejected -e '\*\*' '$E/log/mainlog'"
for f in "$E"/maildir/new/*; do
	check "strict format after exim: $(basename "$f")" mailcheck "$f" \
	    --stored --subject "[tickerd] CALX 45.12 USD crossed above 44.53" --text "BEAD rural buildouts"
done
finish
