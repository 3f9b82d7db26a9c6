#!/bin/sh
# The fuzz harnesses (tests/fuzz/, built by make check with standalone.c as
# their main) replay every input that ever crashed one of them
# (tests/fuzz/regressions/HARNESS/) and seeds made from testdata/ (a few
# hundred frames per packet harness): each must run to the end without a
# crash or, in make check-asan, a sanitizer report.
set -u
: "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
needs_netsift=no   # it runs the fuzz harnesses
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
MKSEEDS_MAX_PACKETS=300 ${PYTHON3:-python3} "$TOP_SRCDIR/tests/fuzz/mkseeds.py" \
	"$TOP_SRCDIR" "$tmp/seeds" "$TOP_SRCDIR/testdata" || { echo "FAIL: mkseeds.py"; exit 1; }
for bin in "$TOP_BUILDDIR"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	case $bin in *.o|*.log|*.trs) continue ;; esac
	h=$(basename "$bin")
	set --
	[ -d "$tmp/seeds/$h" ] && set -- "$@" "$tmp/seeds/$h"
	[ -d "$TOP_SRCDIR/tests/fuzz/regressions/$h" ] && set -- "$@" "$TOP_SRCDIR/tests/fuzz/regressions/$h"
	if [ $# = 0 ]; then
		bad "$h: no input to replay"
		continue
	fi
	if out=$("$bin" "$@" 2>"$tmp/err"); then
		echo "ok: $h: ${out##*: }"
		ok
	else
		bad "$h (exit $?):"
		tail -30 "$tmp/err"
	fi
done
# every harness of tests/local.mk was built and ran
[ "$pass" -ge 8 ] || bad "only $pass harnesses ran"
summary fuzz-regress:
