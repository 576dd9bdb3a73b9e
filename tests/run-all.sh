#!/bin/sh
# Install the build and test dependencies (Debian 12), build with every
# warning an error, run the whole test suite under AddressSanitizer and
# UBSan, and print "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq build-essential autoconf automake libtool \
    pkg-config libcurl4-openssl-dev libjansson-dev libevent-dev zlib1g-dev libxml2-dev \
    libwebsockets-dev libprotobuf-c-dev protobuf-c-compiler \
    libsystemd-dev check python3-aiosmtpd python3-websockets rsyslog exim4-daemon-light \
    openssl chromium python3-pil nghttp2-server faketime tzdata prometheus >/dev/null || {
	echo "apt-get install failed"; exit 2; }

# Builds happen in folders of their own (this one in _check, the demo's
# in _build); a tree configured in place would stop them, so it is
# cleaned first.
if [ -f config.status ]; then
	echo "the source tree was configured in place; make distclean first"
	make distclean >/dev/null 2>&1 || rm -f config.status
fi
autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 2; }
mkdir -p _check && cd _check || exit 2
../configure --enable-werror --enable-sanitizers -q || exit 2
make -j"$(nproc)" >/dev/null || { make; exit 2; }
make -j"$(nproc)" check
rc=$?

# automake's harness counts, as one plain line
pass=$(sed -n 's/^# PASS: *//p' test-suite.log | head -n 1)
fail=$(sed -n 's/^# FAIL: *//p' test-suite.log | head -n 1)
xfail=$(sed -n 's/^# XPASS: *//p;s/^# ERROR: *//p' test-suite.log | awk '{s+=$1} END {print s+0}')
skip=$(sed -n 's/^# SKIP: *//p' test-suite.log | head -n 1)
[ "$rc" -ne 0 ] && cat test-suite.log
echo "${pass:-0} passed, $(( ${fail:-0} + xfail )) failed, ${skip:-0} skipped"
exit $rc
