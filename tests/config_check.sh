#!/bin/sh
# tickerd -n: "configuration OK" for the shipped configurations; for a bad
# one, FILE:LINE: message on stderr and exit status 1.
. "${top_srcdir:-.}/tests/lib.sh"

out=$("$TICKERD" -n -f "$SRCDIR/conf/tickerd.conf" 2>&1)
check "example configuration is OK (exit 0)" test $? -eq 0
check "example configuration prints 'configuration OK'" test "$out" = "configuration OK"
out=$("$TICKERD" -n -f "$SRCDIR/conf/demo/tickerd.conf" 2>&1)
check "demo configuration is OK" test "$out" = "configuration OK"

# expect_error NAME LINE-REGEX: tickerd -n on $T/NAME exits 1 and prints
# a line matching the regex.
expect_error() {
	"$TICKERD" -n -f "$T/$1" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "$1: exit status $rc, expected 1"
		return
	fi
	if grep -q "$2" "$T/err"; then
		pass "$1: $(head -n 1 "$T/err")"
	else
		fail "$1: expected '$2', got: $(cat "$T/err")"
	fi
	if grep -q 'configuration OK' "$T/out"; then
		fail "$1: printed configuration OK"
	fi
}

printf 'poll 60s\nfrobnicate yes\n' > "$T/unknown.conf"
expect_error unknown.conf "^$T/unknown.conf:2: unknown keyword \"frobnicate\"$"

printf 'watch CALX {\n  above\n  below 27.73\n}\n' > "$T/missing.conf"
expect_error missing.conf "^$T/missing.conf:2: above: missing value"

printf 'watch CALX { above 4x.5 }\n' > "$T/badnum.conf"
expect_error badnum.conf "^$T/badnum.conf:1: above: invalid price \"4x.5\""

printf 'poll 60\n' > "$T/dur.conf"
expect_error dur.conf "^$T/dur.conf:1: poll: invalid duration \"60\""

printf 'watch CALX { move 5 }\n' > "$T/pct.conf"
expect_error pct.conf "^$T/pct.conf:1: move: invalid percentage"

printf 'notifier syslog "a" { }\nnotifier syslog "a" { }\n' > "$T/dupn.conf"
expect_error dupn.conf "^$T/dupn.conf:2: notifier \"a\": duplicate name (first at $T/dupn.conf:1)"

printf 'watch CALX { above 1 }\n\nwatch QCOM, calx { below 2 }\n' > "$T/dupw.conf"
expect_error dupw.conf "^$T/dupw.conf:3: watch CALX: duplicate watch"

printf 'watch CALX { note "a\\qb" above 1 }\n' > "$T/esc.conf"
expect_error esc.conf "^$T/esc.conf:1: invalid escape \\\\q in string"

printf 'watch CALX {\n note "unterminated\n above 1\n}\n' > "$T/unterm.conf"
expect_error unterm.conf "^$T/unterm.conf:2: unterminated string"

printf 'include "nonexistent.conf"\n' > "$T/inc.conf"
expect_error inc.conf "^$T/inc.conf:1: include $T/nonexistent.conf: No such file or directory"

printf 'notify "nobody"\n' > "$T/ref.conf"
expect_error ref.conf "^$T/ref.conf:1: notify: no notifier named \"nobody\""

printf 'watch CALX {\n above 1\n' > "$T/brace.conf"
expect_error brace.conf "^$T/brace.conf:3: watch: missing '}' for the block opened at line 1"

printf 'provider finnhub { key-file "k" }\n' > "$T/later.conf"
expect_error later.conf "^$T/later.conf:1: provider finnhub: key-file $T/k: No such file or directory"

printf 'notifier mail "m" { to "a@b" }\n' > "$T/mail.conf"
expect_error mail.conf "^$T/mail.conf:1: notifier mail \"m\": one of smtp, sendmail or mbox is required"

printf 'watch BAD$SYM { above 1 }\n' > "$T/sym.conf"
expect_error sym.conf "^$T/sym.conf:1: watch: invalid symbol"

# An error in an included file names that file and its line; errors in
# several places are all reported.
mkdir -p "$T/w.d"
printf 'watch CALX { above 1 }\n' > "$T/w.d/a.conf"
printf '\n\nwatch QCOM { sideways 3%% }\n' > "$T/w.d/b.conf"
printf 'include "w.d/*.conf"\npoll 0s\n' > "$T/glob.conf"
expect_error glob.conf "^$T/w.d/b.conf:3: watch: unknown keyword \"sideways\""
check "second error reported too" grep -q "^$T/glob.conf:2: poll: must be at least 1s" "$T/err"

# A password file readable by others is refused, without printing it.
printf 'hunter2-secret\n' > "$T/smtp.pass"
chmod 644 "$T/smtp.pass"
cat > "$T/pass.conf" <<END
notifier mail "m" {
    to "a@example.com"
    smtp "smtp://127.0.0.1:25"
    user "alice"
    password-file "smtp.pass"
}
END
expect_error pass.conf "^$T/pass.conf:1: .*smtp.pass: secret file is accessible by others"
check "the secret is never printed" sh -c "! grep -q hunter2 '$T/err'"
chmod 600 "$T/smtp.pass"
out=$("$TICKERD" -n -f "$T/pass.conf" 2>&1)
check "a private password file is accepted" test "$out" = "configuration OK"

# The spec's examples parse.
cat > "$T/spec.conf" <<'END'
provider yahoo                              # default; see Providers
poll 60s                                    # interval between polls of a symbol
timeout 10s                                 # per HTTP request
notifier mail "demo" { to "alice@example.com" mbox "demo.mbox" }
notifier syslog "log" { facility daemon priority notice }
notify "demo", "log"
watch CALX {
    note "BEAD rural buildouts, Calix One ARR; 23% AR concentration"
    above 44.53                 # price rises to or above 44.53
    below 27.73                 # price falls to or below 27.73
    move 5%                     # |price - previous close| / previous close >= 5%
    within 2% of 52w-high       # price within 2% below the 52-week high
    within 2% of 52w-low
    new 52w-high                # price exceeds the 52-week high known before this session
    new 52w-low
    target 50                   # alias of `above` shown as "price target reached"
    notify "log"                # overrides the default notifiers for this watch
    cooldown 4h                 # at most one message per rule per 4 hours
}

watch QCOM, AMBA, PLTR { move 7%  new 52w-low }
watch BRK-B { below 400 once }  # `once`: fire one time, then stay disarmed
END
out=$("$TICKERD" -n -f "$T/spec.conf" 2>&1)
check "the spec's example watchlist parses" test "$out" = "configuration OK"
[ "$out" = "configuration OK" ] || echo "$out"

out=$("$TICKERD" -V)
check "-V prints the version" sh -c "echo '$out' | grep -q '^tickerd [0-9]'"
"$TICKERD" -x >/dev/null 2>&1
check "a bad flag is a usage error (exit 1)" test $? -eq 1
finish
