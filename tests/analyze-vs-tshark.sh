#!/bin/sh
# Differential test: `netsift analyze` counts against tshark's tcp.analysis.*
# flags and `tcptrace -l -r`, over testdata/ and ../shared/pcaps/tcpdump.
# Explained differences live in tests/analyze-allowlist.txt. Never skips: a
# missing tshark, tcptrace, python3 or corpus is a hard error (exit 99), and a
# tool exiting non-zero on a capture is a failure.
: "${NETSIFT:=./netsift}" "${TOP_SRCDIR:=.}" "${SHARED_DIR:=$TOP_SRCDIR/../shared}"
fail() {
	echo "analyze-vs-tshark: FAIL: $*" >&2
	exit 99
}
for t in tshark tcptrace python3; do
	command -v $t >/dev/null 2>&1 || fail "$t not found; this test needs it"
done
[ -x "$NETSIFT" ] || fail "netsift not built: $NETSIFT"
set --
for f in "$TOP_SRCDIR"/testdata/*.pcap "$TOP_SRCDIR"/testdata/*.pcapng \
	 "$SHARED_DIR"/pcaps/tcpdump/*.pcap "$SHARED_DIR"/pcaps/tcpdump/*.pcapng; do
	[ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || fail "no captures under $TOP_SRCDIR/testdata and $SHARED_DIR/pcaps/tcpdump"
# The corpus today: 18 captures in testdata/ and 130 in shared/pcaps/tcpdump,
# 134 of them compared (14 have a link type netsift does not decode), 49
# connections.
exec timeout 900 python3 "$TOP_SRCDIR/tests/analyze-vs-tshark.py" --table \
	--expect-min-captures 134 --expect-min-connections 49 "$NETSIFT" \
	"$TOP_SRCDIR/tests/analyze-allowlist.txt" "$@"
