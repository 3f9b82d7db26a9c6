#!/bin/sh
# The test command: install dependencies, build out of tree, run the whole suite,
# then the whole suite again under ASan + UBSan, then make distcheck.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh"
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
build="$top/build"
mkdir -p "$build"
cd "$build"
# CI's machines have everything: the live backend is required (configure fails
# without its dependencies) and no test may skip.
"$top/configure" -q --enable-live
export NETSIFT_NO_SKIP=1
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs"
make -s -j"$jobs" check || { cat tests/*.log tests/*/*.log 2>/dev/null | tail -200; exit 1; }
make -s check-asan || { cat _asan/tests/*.log _asan/tests/*/*.log 2>/dev/null | tail -200; exit 1; }
# The release tarball builds and passes the suite outside this tree.
make -s distcheck >distcheck.log 2>&1 || { tail -100 distcheck.log; \
	cat netsift-*/_build/sub/tests/*.log 2>/dev/null | tail -100; exit 1; }
# Every fuzz harness for a short, bounded time under ASan + UBSan with
# exact-size allocations (tests/fuzz/, builds _fuzz/ with clang): a crash
# fails CI and leaves its input in _fuzz/crashes/.
make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}" || { tail -50 _fuzz/logs/*.log 2>/dev/null; exit 1; }
# One closing line with the totals of both runs (automake's test-suite.log headers).
sum() { sed -n "s/^# $1: *//p" test-suite.log _asan/test-suite.log | awk '{n += $1} END {print n + 0}'; }
echo "tests/ci.sh: plain and ASan+UBSan runs:"
echo "$(sum PASS) passed, $(sum FAIL) failed, $(sum SKIP) skipped"
if [ "$(sum SKIP)" != 0 ]; then
	grep -h "SKIP" tests/*.log _asan/tests/*.log 2>/dev/null | head -20
	echo "tests/ci.sh: a test skipped; on CI every test must run"
	exit 1
fi
