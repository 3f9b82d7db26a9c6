#!/bin/sh
# read --threads: the output of several threads is byte for byte that of one.
# For every capture in testdata/ and in $SHARED_DIR/pcaps/tcpdump, run
#   netsift read -v -o json        (and with --community-id --local)
# with --threads 1 and with --threads 2, 3 and 4, and compare standard output,
# standard error (-v: the frame and flow counts) and exit status; then -e
# selections, a filter, --analysis, -c, several files as one capture (many
# batches), a broken input after good ones, output closed early (| head -1)
# or failing (/dev/full),
# the formats and inputs that stay on one thread, and the option's usage
# errors. Exit 1 on the first difference, with its diff.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
fail() { echo "FAIL: $*"; exit 1; }
runs=0

# same ARGS...: netsift read with --threads 1 against 2, 3 and 4: the same
# bytes, standard error and exit status (tests/common.sh)
same() { same_threads read "$@"; }

ncap=0
for cap in "$TOP_SRCDIR"/testdata/*.pcap "$TOP_SRCDIR"/testdata/*.pcapng \
	   "$SHARED_DIR"/pcaps/tcpdump/*.pcap "$SHARED_DIR"/pcaps/tcpdump/*.pcapng; do
	[ -f "$cap" ] || continue
	ncap=$((ncap + 1))
	same -q -v -o json "$cap"
	same -q -v -o json --community-id --local 10.0.0.0/8 --local fd00::/8 "$cap"
done
[ "$ncap" -gt 100 ] || fail "only $ncap captures found under $TOP_SRCDIR/testdata and $SHARED_DIR"

# Every capture as one: thousands of frames, so many batches, with flow and
# DNS events (written by the reader) between the packet events.
set -- "$TOP_SRCDIR"/testdata/*.pcap "$TOP_SRCDIR"/testdata/*.pcapng \
	"$SHARED_DIR"/pcaps/tcpdump/*.pcap
same -q -v -o json "$@"
same -q -v -o json --merge "$@"
same -q -v -o json --analysis "$@"
same -q -v -o json -e net_packet_tcp,net_flow_tcp_begin,net_flow_tcp_end "$@"
same -q -v -o json -e net_packet_ipv4,net_packet_ipv6,net_packet_dns "$@"
same -q -v -o json -e net_flow_tcp_begin,net_flow_tcp_end "$@"
same -q -v -o json -f tcp "$@"
same -q -v -o json -f "udp or icmp" --community-id "$@"
same -q -v -o json -c 3000 "$@"
same -q -v -o json --analysis -e net_packet_tcp,net_tcp_analysis "$@"
[ "$(wc -l <"$tmp/one")" -gt 1000 ] || fail "the capture of every capture gave few events"
# Eight times over: long enough for the workers to fall behind at times,
# when the reader renders frames itself between those it hands over.
same -q -v -o json --community-id "$@" "$@" "$@" "$@" "$@" "$@" "$@" "$@"

# A broken input after good ones: the error line comes after their events
# (standard output and error on one file), and the exit status is 1.
cap=$(ls "$TOP_SRCDIR"/testdata/*.pcap | head -1)
head -c 100 "$cap" >"$tmp/cut.pcap" || fail "cannot make a cut capture"
"$NETSIFT" read --threads 1 -q -o json "$@" "$tmp/cut.pcap" "$cap" >"$tmp/m1" 2>&1
rc1=$?
"$NETSIFT" read --threads 2 -q -o json "$@" "$tmp/cut.pcap" "$cap" >"$tmp/m2" 2>&1
rc2=$?
[ "$rc1" = "$rc2" ] || fail "cut input: exit $rc2 with two threads, $rc1 with one"
cmp -s "$tmp/m1" "$tmp/m2" || fail "cut input: output and errors differ with two threads"

# Output closed early: both stop quietly (exit 0, nothing on standard error)
# with the same first line.
for n in 1 2 3; do
	{ "$NETSIFT" read --threads "$n" -q -o json "$@" 2>"$tmp/h$n.err"; echo $? >"$tmp/h$n.rc"; } |
		head -1 >"$tmp/h$n"
	[ "$(cat "$tmp/h$n.rc")" = 0 ] || fail "read --threads $n | head -1: exit $(cat "$tmp/h$n.rc")"
	[ -s "$tmp/h$n.err" ] && fail "read --threads $n | head -1: $(cat "$tmp/h$n.err")"
	cmp -s "$tmp/h1" "$tmp/h$n" || fail "read --threads $n | head -1 differs"
done

# A failed write (a full disk): the same message and exit status 1.
for n in 1 2 3; do
	"$NETSIFT" read --threads "$n" -q -o json "$@" >/dev/full 2>"$tmp/full$n.err"
	rc=$?
	[ "$rc" = 1 ] || fail "read --threads $n >/dev/full: exit $rc, not 1"
	grep -q "write error: No space left on device" "$tmp/full$n.err" ||
		fail "read --threads $n >/dev/full: $(cat "$tmp/full$n.err")"
done

# What stays on one thread gives the same output too: the table (its -ttt
# times depend on the previous line), --schema tracee, standard input, -w.
same -q -o table -ttt "$@"
same -q -o json --schema tracee "$@"
"$NETSIFT" read --threads 1 -q -o json - <"$cap" >"$tmp/p1" || fail "read - (one thread)"
"$NETSIFT" read --threads 2 -q -o json - <"$cap" >"$tmp/p2" || fail "read - (two threads)"
cmp -s "$tmp/p1" "$tmp/p2" || fail "read --threads 2 - differs from --threads 1"
"$NETSIFT" read --threads 2 -q -w "$tmp/w.pcapng" "$cap" >"$tmp/w.out" || fail "read --threads 2 -w"
[ -s "$tmp/w.out" ] && fail "read --threads 2 -w printed events"
same -q -v -o json "$tmp/w.pcapng"

# the default is one thread; 0 is the CPUs available: both give --threads 1's bytes
"$NETSIFT" read -q -o json "$cap" >"$tmp/d1" || fail "read without --threads"
"$NETSIFT" read --threads 1 -q -o json "$cap" >"$tmp/d2" || fail "read --threads 1"
cmp -s "$tmp/d1" "$tmp/d2" || fail "read without --threads differs from --threads 1"
"$NETSIFT" read --threads 0 -q -o json "$cap" >"$tmp/d1" || fail "read --threads 0"
cmp -s "$tmp/d1" "$tmp/d2" || fail "read --threads 0 differs from --threads 1"

# usage: 0 to 64
for bad in -1 65 x ""; do
	"$NETSIFT" read --threads "$bad" "$cap" >/dev/null 2>"$tmp/err"
	[ $? = 2 ] || fail "read --threads '$bad' is not a usage error"
	grep -q -- "--threads" "$tmp/err" || fail "read --threads '$bad': no message naming it"
done
"$NETSIFT" read --help | grep -q -- "--threads N" || fail "read --help does not list --threads"

echo "PASS: $runs threaded runs of read over $ncap captures equal to --threads 1"
