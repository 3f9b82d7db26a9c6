#!/bin/sh
# make check: differential test of `netsift read -o json` against tshark over
# every capture in ../shared/pcaps and testdata/ (see tests/tshark_diff.py).
# Never skips: a missing tshark, python3 or corpus is a hard error (exit 99).
set -u
: "${NETSIFT:?NETSIFT not set (run through make check)}"
: "${TOP_SRCDIR:?TOP_SRCDIR not set (run through make check)}"
: "${SHARED_DIR:?SHARED_DIR not set (run through make check)}"

fail() {
	echo "tshark-diff: FAIL: $*" >&2
	exit 99
}

command -v tshark >/dev/null 2>&1 ||
	fail "tshark not found; this test needs it (Debian: apt-get install tshark; CI installs it)"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"
[ -x "$NETSIFT" ] || fail "netsift not built: $NETSIFT"
[ -d "$SHARED_DIR/pcaps" ] || fail "capture corpus missing: $SHARED_DIR/pcaps"
[ -d "$TOP_SRCDIR/testdata" ] || fail "testdata missing: $TOP_SRCDIR/testdata"

# Bounded in time: the whole corpus takes ~15 s on 2 idle cores.
# The corpus today: 306 captures (shared/pcaps: tcpdump 130, suricata-verify
# 126, scapy 32; testdata/ 18), 292 of them compared (14 skipped for their
# link type), 7094 frames with IP; --synthetic adds one generated capture of 6
# frames. Fewer means captures went missing or are skipped: a failure, not a
# smaller pass.
exec timeout 600 python3 "$TOP_SRCDIR/tests/tshark_diff.py" \
	--netsift "$NETSIFT" \
	--allowlist "$TOP_SRCDIR/tests/tshark-allowlist.txt" \
	--synthetic --expect-min-captures 293 --expect-min-frames 7100 \
	"$SHARED_DIR/pcaps" "$TOP_SRCDIR/testdata"
