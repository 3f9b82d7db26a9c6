#!/bin/sh
# The test command: install dependencies, build out of tree, run the whole suite,
# then the whole suite again under ASan + UBSan.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh"
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
build="$top/build"
mkdir -p "$build"
cd "$build"
"$top/configure" -q
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs"
make -s -j"$jobs" check || { cat tests/*.log tests/*/*.log 2>/dev/null | tail -200; exit 1; }
make -s check-asan || { cat _asan/tests/*.log _asan/tests/*/*.log 2>/dev/null | tail -200; exit 1; }
# One closing line with the totals of both runs (automake's test-suite.log headers).
sum() { sed -n "s/^# $1: *//p" test-suite.log _asan/test-suite.log | awk '{n += $1} END {print n + 0}'; }
echo "tests/ci.sh: plain and ASan+UBSan runs:"
echo "$(sum PASS) passed, $(sum FAIL) failed, $(sum SKIP) skipped"
