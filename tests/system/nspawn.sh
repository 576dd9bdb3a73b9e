#!/bin/sh
# The system test: tickerd under real systemd, installed as a user would.
# Builds the Debian package (dpkg-buildpackage, checked by lintian),
# installs it with dpkg into a Debian tree made by debootstrap, with a
# fake quote server (tests/fakequote) as another unit, boots the tree with
# systemd-nspawn --private-network, and lets tests/system/inside.sh check
# the service as the package ships it, then purge the package.
#
#   sh tests/system/nspawn.sh        (as root; `make check-system')
#
# The Debian tree is cached in $TICKERD_SYSTEM_ROOT (default
# /var/tmp/tickerd-system-root).  Prints "N passed, N failed".
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
ROOT=${TICKERD_SYSTEM_ROOT:-/var/tmp/tickerd-system-root}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
W=$(mktemp -d "${TMPDIR:-/tmp}/tickerd-system.XXXXXX")
NSPID=

finish() {
	[ -n "$NSPID" ] && kill "$NSPID" 2>/dev/null
	rm -rf "$W"
}
trap finish EXIT

die() {
	echo "system test: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root"
for t in systemd-nspawn debootstrap dpkg-buildpackage dh; do
	command -v $t >/dev/null || die "$t is not installed (apt-get install systemd-container debootstrap dpkg-dev debhelper)"
done

# 1. the Debian tree, once
if [ ! -x "$ROOT/lib/systemd/systemd" ] || [ ! -x "$ROOT/bin/kill" ] ||
    [ ! -f "$ROOT/usr/share/zoneinfo/Asia/Tokyo" ] ||
    ! ls "$ROOT"/usr/lib/*/libwebsockets.so.17 >/dev/null 2>&1 ||
    ! ls "$ROOT"/usr/lib/*/libxml2.so.2 >/dev/null 2>&1; then
	rm -rf "$ROOT.new"
	echo "debootstrap bookworm into $ROOT (once)"
	debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,procps,tzdata,libcurl4,libjansson4,libevent-2.1-7,libwebsockets17,libprotobuf-c1,libxml2,libsystemd0 \
	    bookworm "$ROOT.new" "$MIRROR" >"$W/debootstrap.log" 2>&1 ||
	    { tail -20 "$W/debootstrap.log"; die "debootstrap failed"; }
	rm -rf "$ROOT"
	mv "$ROOT.new" "$ROOT"
fi
# every run starts from the same tree
rm -rf "$W/root"
cp -a "$ROOT" "$W/root" || die "copying the tree"
R=$W/root

# 2. the package, built from a copy of the tree, and installed with dpkg
mkdir -p "$W/deb/tickerd" "$W/build"
tar -C "$SRC" --exclude=./_build --exclude=./_check --exclude=./.git \
    --exclude=./autom4te.cache -cf - . | tar -C "$W/deb/tickerd" -xf - ||
    die "copying the source"
(cd "$W/deb/tickerd" && dpkg-buildpackage -us -uc -b) >"$W/deb.log" 2>&1 ||
    { tail -30 "$W/deb.log"; die "dpkg-buildpackage failed"; }
DEB=$(ls "$W"/deb/tickerd_*.deb | head -n 1)
echo "built $(basename "$DEB")"
if command -v lintian >/dev/null; then
	lintian --fail-on error "$DEB" 2>&1 | grep -v 'root privileges' |
	    sed 's/^/lintian: /'
	lintian --fail-on error "$DEB" >/dev/null 2>&1 ||
	    die "lintian reports errors in the package"
	echo "lintian: no errors"
fi
cp "$DEB" "$R/tmp/tickerd.deb"
chroot "$R" dpkg -i /tmp/tickerd.deb >"$W/dpkg.log" 2>&1 ||
    { cat "$W/dpkg.log"; die "dpkg -i failed"; }
rm -f "$R/tmp/tickerd.deb"
[ -f "$R/lib/systemd/system/tickerd.service" ] || die "the package did not install the unit"
[ -f "$R/etc/tickerd/tickerd.conf" ] || die "the package did not install the example configuration"
# the fake quote server, built here
(cd "$W/build" && "$SRC/configure" -q && make -j"$(nproc)" tests/fakequote \
    >/dev/null) || die "building fakequote failed"
cp "$W/build/tests/fakequote" "$R/usr/local/bin/fakequote"

# 3. the test's configuration, the quote server, the driver
rm -f "$R"/etc/tickerd/watchlist.d/*.conf
cat > "$R/etc/tickerd/tickerd.conf" <<'END'
provider yahoo { url "http://127.0.0.1:8099" }
poll 1s
notifier mail "me" { to "alice@example.com" mbox "/var/lib/tickerd/alerts.mbox" }
notify "me"
include "watchlist.d/*.conf"
END
echo 'watch CALX { above 44.53 }' > "$R/etc/tickerd/watchlist.d/a.conf"
mkdir -p "$R/srv"
cat > "$R/srv/scenario" <<'END'
CALX price=45.12 prev=43.72 high=44.53 low=27.73
QCOM price=150.00 prev=160.00 high=230.63 low=120.80
END
cat > "$R/etc/systemd/system/fakequote.service" <<'END'
[Unit]
Before=tickerd.service
[Service]
ExecStart=/usr/local/bin/fakequote -s /srv/scenario -p /run/fakequote.port -P 8099
[Install]
WantedBy=multi-user.target
END
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/fakequote.service \
    "$R/etc/systemd/system/multi-user.target.wants/fakequote.service"
# the watchdog test should not take the shipped 30s: only the timings change
mkdir -p "$R/etc/systemd/system/tickerd.service.d"
cat > "$R/etc/systemd/system/tickerd.service.d/test-timings.conf" <<'END'
[Service]
WatchdogSec=3s
TimeoutAbortSec=2s
RestartSec=1s
END
install -m 755 "$SRC/tests/system/inside.sh" "$R/usr/local/bin/systemtest"
cat > "$R/etc/systemd/system/systemtest.service" <<'END'
[Unit]
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/bin/systemtest
END
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/systemtest.service \
    "$R/etc/systemd/system/multi-user.target.wants/systemtest.service"
rm -f "$R/srv/results"

# 4. boot it; inside.sh powers it off when done
echo "booting the container"
systemd-nspawn -q --register=no --keep-unit --private-network -D "$R" -b \
    >"$W/console.log" 2>&1 </dev/null &
NSPID=$!
i=0
while kill -0 "$NSPID" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 1
	i=$((i + 1))
done
if kill -0 "$NSPID" 2>/dev/null; then
	kill "$NSPID"
	echo "the container did not finish within 300s"
fi
wait "$NSPID" 2>/dev/null
NSPID=
if [ ! -f "$R/srv/results" ]; then
	tail -30 "$W/console.log"
	[ -f "$R/srv/results.tmp" ] && cat "$R/srv/results.tmp"
	die "no results from inside the container"
fi
cat "$R/srv/results"
if grep -q '^FAIL' "$R/srv/results"; then
	echo "--- tickerd's journal"
	cat "$R/srv/journal.txt"
fi
pass=$(grep -c '^ok' "$R/srv/results")
fail=$(grep -c '^FAIL' "$R/srv/results")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
