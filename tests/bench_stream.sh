#!/bin/sh
# Benchmark, not a test: streamed trades to alerts and mail, and the CPU
# at 100, 1,000 and 10,000 trades a second, for tickerd, the Python
# script a user would write, and a bare client (the floor); see
# tests/bench/bench_stream.py.  Prints figures; asserts nothing.
#
#   make bench            or   sh tests/bench_stream.sh [SAMPLES]
. "${top_srcdir:-.}/tests/lib.sh"

$PY -c 'import websockets, aiosmtpd' 2>/dev/null ||
    skip "python3-websockets and python3-aiosmtpd are needed"
$PY "$SRCDIR/tests/bench/bench_stream.py" "$TICKERD" "$T/bench" "${1:-300}"
