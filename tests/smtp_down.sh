#!/bin/sh
# An unreachable SMTP server: the alert is still logged, the failure is
# named, and --once exits with status 2.
. "${top_srcdir:-.}/tests/lib.sh"

cat > "$T/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
END
start_fakequote "$T/scenario"
# a port nobody listens on: bind one, then let it go
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$T/tickerd.conf" <<END
provider yahoo { url "http://127.0.0.1:$QPORT" }
state-dir "state"
notifier mail "me" { to "a@example.com" smtp "smtp://127.0.0.1:$port" }
notify "me"
watch CALX { above 44.53 }
END
"$TICKERD" -d --once -f "$T/tickerd.conf" 2>"$T/err"
rc=$?
cat "$T/err"
check "exit status 2 (got $rc)" test "$rc" -eq 2
check "alert still logged" grep -q '^alert CALX above 44.53' "$T/err"
check "failure named" grep -q '^mail me: "CALX 45.12 USD crossed above 44.53" not delivered: Couldn.t connect to server' "$T/err"
finish
