#!/bin/sh
# Runs inside the systemd-nspawn container (as systemtest.service) and
# checks tickerd under its unit as the package ships it: enabled and
# started at boot, active after READY=1, a
# dynamic user, writes only its state and runtime folders, tickerctl,
# systemctl reload, a watchdog restart, systemctl stop.  Writes "ok: ..."
# and "FAIL: ..." lines to /srv/results, then powers the container off.
R=/srv/results
: > $R.tmp
ok() { echo "ok: $*" >> $R.tmp; }
bad() { echo "FAIL: $*" >> $R.tmp; }
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
wait_for() {
	limit=$1
	shift
	n=0
	while [ $n -lt $((limit * 5)) ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.2
		n=$((n + 1))
	done
	return 1
}
MBOX=/var/lib/private/tickerd/alerts.mbox
mainpid() { systemctl show -p MainPID --value tickerd; }

check "installed from the package: enabled" sh -c '[ "$(systemctl is-enabled tickerd)" = enabled ]'
check "installed from the package: started at boot, active" wait_for 20 sh -c '[ "$(systemctl is-active tickerd)" = active ]'
systemctl start fakequote
touch /srv/stamp
sleep 1
check "tickerd -n accepts the configuration" /usr/sbin/tickerd -n -f /etc/tickerd/tickerd.conf
systemctl start tickerd
check "systemctl start returns after READY=1: active" sh -c '[ "$(systemctl is-active tickerd)" = active ]'
pid=$(mainpid)
uid=$(stat -c %u /proc/$pid)
check "runs as a dynamic user (uid $uid)" sh -c "[ $uid -ge 61184 ] && [ $uid -le 65519 ]"
check "no capabilities" sh -c "grep -q '^CapEff:[[:space:]]*0000000000000000' /proc/$pid/status"
check "the first alert is mailed into the state folder" wait_for 20 grep -q 'Subject: \[tickerd\] CALX 45.12 USD crossed above 44.53' $MBOX
check "tickerctl status over the control socket" sh -c '/usr/bin/tickerctl status | grep -q "watching *1 symbols"'
check "tickerctl quotes" sh -c '/usr/bin/tickerctl quotes | grep -q "^CALX *NASDAQ [a-z]* *45.12 USD"'

# reload: a new watch alerts, the old rule does not fire again
echo 'watch QCOM { move 5% }' > /etc/tickerd/watchlist.d/b.conf
check "systemctl reload succeeds" systemctl reload tickerd
check "reload: the new watch alerts" wait_for 20 grep -q 'Subject: \[tickerd\] QCOM' $MBOX
check "reload: active and the same process" sh -c "[ \$(systemctl show -p MainPID --value tickerd) = $pid ]"
check "reload: CALX mailed once" sh -c "[ \$(grep -c 'Subject: \[tickerd\] CALX' $MBOX) -eq 1 ]"

# a broken watchlist: reload fails loudly, the daemon runs on
echo 'watch PLTR { above' > /etc/tickerd/watchlist.d/c.conf
check "broken reload: systemctl reload fails" sh -c '! systemctl reload tickerd'
sleep 1
check "broken reload: systemctl status names the file" sh -c "systemctl status tickerd --no-pager -l | grep -q 'c.conf:2'"
check "broken reload: still active" sh -c '[ "$(systemctl is-active tickerd)" = active ]'
check "broken reload: the journal names the file" sh -c "journalctl -u tickerd --no-pager | grep -q '/etc/tickerd/watchlist.d/c.conf:2'"
rm -f /etc/tickerd/watchlist.d/c.conf

# what did it write?  Only the state and runtime folders.
others=$(find / -xdev \( -path /proc -o -path /sys \) -prune -o -newer /srv/stamp -user $uid -print 2>/dev/null | grep -v -e '^/var/lib/private/tickerd' -e '^/run/tickerd' | head -5)
check "writes only its state and runtime folders${others:+: $others}" test -z "$others"

# the watchdog: a stopped process gets no pings and is restarted
kill -STOP $pid
check "watchdog: restarted with a new process" wait_for 40 sh -c "p=\$(systemctl show -p MainPID --value tickerd); [ \"\$p\" != 0 ] && [ \"\$p\" != $pid ] && [ \"\$(systemctl is-active tickerd)\" = active ]"
check "watchdog: the journal says so" sh -c "journalctl -u tickerd --no-pager | grep -qi 'watchdog timeout'"
sleep 2
check "watchdog: no alert repeated after the restart" sh -c "[ \$(grep -c 'Subject: \[tickerd\] CALX' $MBOX) -eq 1 ]"

# stop
systemctl stop tickerd
check "systemctl stop: exit status 0" sh -c '[ "$(systemctl show -p ExecMainStatus --value tickerd)" = 0 ]'
check "systemctl stop: result success" sh -c '[ "$(systemctl show -p Result --value tickerd)" = success ]'
check "systemctl stop: the journal shows a clean stop" sh -c "journalctl -u tickerd --no-pager | grep -q 'received SIGTERM, stopping'"

journalctl -u tickerd --no-pager > /srv/journal.txt 2>&1

# purging the package removes it, its configuration and its state
dpkg --purge tickerd > /srv/purge.log 2>&1
check "purge: the package is gone" sh -c '! dpkg -s tickerd >/dev/null 2>&1'
check "purge: the state is removed" sh -c '[ ! -e /var/lib/private/tickerd ] && [ ! -e /var/lib/tickerd ]'
check "purge: the configuration is removed" test ! -e /etc/tickerd/tickerd.conf
mv $R.tmp $R
systemctl poweroff
