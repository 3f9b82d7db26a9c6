#!/bin/sh
# --threads: the output of several threads is byte for byte that of one.
# For every capture in testdata/ and in $SHARED_DIR/pcaps/tcpdump, run
#   netsift analyze -o json, -o text and -o text --acks
# with --threads 1 and with --threads 2, 3 and 4, and compare output, standard
# error and exit status; also several files read as one capture, a filter,
# standard input, and the option's usage errors. Exit 1 on the first difference, with its diff.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
fail() { echo "FAIL: $*"; exit 1; }
runs=0

# same CMD...: --threads 1 against 2, 3 and 4 (tests/common.sh)
same() { same_threads "$@"; }

ncap=0
for cap in "$TOP_SRCDIR"/testdata/*.pcap "$TOP_SRCDIR"/testdata/*.pcapng \
	   "$SHARED_DIR"/pcaps/tcpdump/*.pcap "$SHARED_DIR"/pcaps/tcpdump/*.pcapng; do
	[ -f "$cap" ] || continue
	ncap=$((ncap + 1))
	same analyze -q -o json "$cap"
	same analyze -q -o text "$cap"
	same analyze -q -o text --acks "$cap"
done
[ "$ncap" -gt 100 ] || fail "only $ncap captures found under $TOP_SRCDIR/testdata and $SHARED_DIR"

# several files are one capture; a filter; a --max-conns no worker reaches
set -- "$TOP_SRCDIR"/testdata/*.pcap
same analyze -q -o json "$@"
same analyze -q -o text "$@"
same analyze -q -o json --max-conns 100000 -f tcp "$@"

# from a pipe (the reader waits for input while workers write the report)
cap=$(ls "$TOP_SRCDIR"/testdata/*.pcap | head -1)
"$NETSIFT" analyze --threads 1 -o json - <"$cap" >"$tmp/p1" || fail "analyze - (one thread)"
"$NETSIFT" analyze --threads 2 -o json - <"$cap" >"$tmp/p2" || fail "analyze - (two threads)"
cmp -s "$tmp/p1" "$tmp/p2" || fail "analyze --threads 2 - differs from --threads 1"

# the default is one thread; 0 is the CPUs available (a number that starts
# workers on any machine with two or more): both give --threads 1's bytes
"$NETSIFT" analyze --threads 1 -o json "$cap" >"$tmp/f1" || fail "analyze --threads 1"
"$NETSIFT" analyze -o json "$cap" >"$tmp/d" || fail "analyze without --threads"
cmp -s "$tmp/f1" "$tmp/d" || fail "analyze without --threads differs from --threads 1"
"$NETSIFT" analyze --threads 0 -o json "$cap" >"$tmp/d" || fail "analyze --threads 0"
cmp -s "$tmp/f1" "$tmp/d" || fail "analyze --threads 0 differs from --threads 1"

# usage: 0 to 64
for bad in -1 65 x ""; do
	"$NETSIFT" analyze --threads "$bad" "$TOP_SRCDIR/testdata/$(ls "$TOP_SRCDIR/testdata" | grep -m1 '\.pcap$')" \
		>/dev/null 2>"$tmp/err"
	[ $? = 2 ] || fail "--threads '$bad' is not a usage error"
	grep -q -- "--threads" "$tmp/err" || fail "--threads '$bad': no message naming it"
done
"$NETSIFT" analyze --help | grep -q -- "--threads N" || fail "analyze --help does not list --threads"

echo "PASS: $runs threaded runs over $ncap captures equal to --threads 1"
