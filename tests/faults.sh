#!/bin/sh
# Fault injection (issue 17). Each fault must give one clear error line on
# standard error (or none, where the fault is no error), the documented exit
# status (0, or 1 when an input or the output failed), no crash, and a -w
# file that is valid up to its last complete block:
#  1. allocation failure at every allocation site a small run passes
#     through: tests/faults/failmalloc.so fails the Nth malloc/calloc/realloc,
#     for N = 1 .. every call of the run (read with every event, --analysis
#     and -w; analyze --acks, its diagnoses, --threads 2 (text and JSON)
#     and -o html; read of a fragmented capture; --analysis flags;
#     flows in a tunnel; read --threads 2 and its batches);
#  2. a full disk while writing -w (a 64 KiB tmpfs; root, needs mount);
#  3. standard output closed early (| head -1) for read and analyze;
#  4. a capture cut short while being read, for analyze (tests/errors.sh does
#     read).
set -u
: "${TOP_BUILDDIR:?}"
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
mnt=
# run at exit by common.sh's trap, before $tmp (which holds the mount point) goes
on_exit() { [ -z "${mnt:-}" ] || umount "$mnt" 2>/dev/null; }
td=$TOP_SRCDIR/testdata
events=net_packet_ipv4,net_packet_ipv6,net_packet_tcp,net_packet_udp,net_packet_icmp,net_packet_icmpv6,net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns

# pcapng blocks: every complete block has matching lengths and is
# well-formed; a cut last block is allowed. Prints "complete_epbs cut_bytes".
check_pcapng() {
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
off, epbs = 0, 0
while off + 12 <= len(d):
    bt, bl = struct.unpack("<II", d[off:off + 8])
    if bl < 12 or bl % 4 or off + bl > len(d):
        break
    if struct.unpack("<I", d[off + bl - 4:off + bl])[0] != bl:
        sys.exit("bad block at %d" % off)
    epbs += bt == 6
    off += bl
print(epbs, len(d) - off)
PY
}

# ---- 1. allocation failure at each site ----
if ldd "$NETSIFT" 2>/dev/null | grep -q 'libasan\|libubsan' || nm "$NETSIFT" 2>/dev/null | grep -q __asan_init; then
	# ASan brings its own malloc: the preloaded failer cannot go in front of
	# it. The plain build's make check runs this part.
	echo "ok: allocation failure: run by the build without sanitizers"
else
	so=$TOP_BUILDDIR/tests/faults/failmalloc.so
	[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
	alloc_loop() {   # name, then the netsift arguments
		name=$1
		shift
		"$NETSIFT" "$@" >"$tmp/ref.out" 2>"$tmp/ref.err"
		refrc=$?
		LD_PRELOAD=$so NS_FAIL_ALLOC=0 NS_ALLOC_COUNT_FILE=$tmp/count \
			"$NETSIFT" "$@" >/dev/null 2>&1
		total=$(cat "$tmp/count" 2>/dev/null || echo 0)
		[ "$total" -gt 0 ] || { bad "$name: no allocation counted"; return; }
		errs=0 okruns=0 counted=0 lines= before=$fail
		n=1
		while [ "$n" -le "$total" ]; do
			LD_PRELOAD=$so NS_FAIL_ALLOC=$n "$NETSIFT" "$@" >"$tmp/out" 2>"$tmp/err"
			rc=$?
			if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
			   grep -q '^netsift\( [a-z]*\)\{0,1\}: ' "$tmp/err"; then
				errs=$((errs + 1))
				lines="$lines$(sed 's/^netsift\( [a-z]*\)\{0,1\}: //' "$tmp/err")
"
			elif [ "$rc" = "$refrc" ] && cmp -s "$tmp/out" "$tmp/ref.out" &&
			     cmp -s "$tmp/err" "$tmp/ref.err"; then
				okruns=$((okruns + 1))   # a failure it could do without, output intact
			elif [ "$rc" = 0 ] && grep -q '^netsift: stats: .* dropped=[1-9]' "$tmp/err"; then
				counted=$((counted + 1)) # a datagram dropped, and counted as such
			else
				bad "$name: allocation $n of $total failed: exit $rc, stderr:"
				head -5 "$tmp/err"
				[ "$rc" = 0 ] && echo "  (exit 0 but the output differs: data lost silently)"
			fi
			n=$((n + 1))
		done
		[ "$fail" = "$before" ] || return
		echo "ok: $name: $total allocations, each failed once: $errs clear errors (exit 1), $counted counted drops, $okruns runs unaffected"
		printf '%s' "$lines" | sed "s|$tmp|TMP|g; s|$td|testdata|g" | sort | uniq -c | sed 's/^/    /'
		ok
	}
	alloc_loop "read" read -o json -e "$events" --analysis -w "$tmp/alloc.pcapng" "$td/http-graceful.pcapng"
	alloc_loop "analyze" analyze -o json --acks "$td/http-graceful.pcap"
	# the diagnoses' own records (retransmission series, zero-window
	# probes, answers after a reset) and their sentences: a failure there
	# once made a report with less in it, exit 0
	alloc_loop "analyze diagnoses" analyze -o json "$td/dx-recv-stall.pcap" "$td/reset-midtransfer.pcap" "$td/zero-window.pcap"
	# the one-way-loss sentence, which the vantage point is read from: a
	# failure to make it once crashed the run
	alloc_loop "analyze one-way loss" analyze -o json --threads 1 "$td/dx-one-way-loss.pcap" "$td/dx-mtu-blackhole.pcap"
	# analyze --threads: rendered connections held by each worker and
	# handed over in batches (a JSON buffer that cannot grow once crashed
	# the run), and the heap of those that wait for their stream number
	alloc_loop "analyze --threads 2 -o text" analyze -o text --threads 2 "$td/http-graceful.pcap" "$td/reset-midtransfer.pcap" "$td/zero-window.pcap"
	alloc_loop "analyze --threads 2 -o json" analyze -o json --threads 2 "$td/parallel.pcap" "$td/refused.pcap"
	# the HTML report: its rows, verdicts and graphs are made in memory
	# streams, whose failure once left a row or a verdict out, exit 0
	alloc_loop "analyze -o html" analyze -o html "$td/http-graceful.pcap" "$td/reset-midtransfer.pcap"
	alloc_loop "read fragments" read -o table -e "$events" "$td/dns-frag.pcap"
	# flagged packets (--analysis) and flows inside a tunnel (their encap
	# list): a failure there once lost flags or the tunnel silently, exit 0
	alloc_loop "read --analysis flags" read -o json -e net_tcp_analysis,net_flow_tcp_begin --analysis "$td/fast-retransmit.pcap"
	alloc_loop "read tunnel flows" read -o json -e net_flow_tcp_begin,net_flow_tcp_end "$td/tunnel-vxlan.pcap"
	# read --threads: its batches, workers and the growth of a batch's
	# copied bytes past 512 KiB (24 frames of 60 KB, as GRO hands to a
	# capture); a frame that cannot be copied is rendered by the reader in
	# its place, so that failure leaves the output intact
	python3 - "$tmp/jumbo.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
seq = 1000
for i in range(24):
    pay = bytes([i]) * 60000
    tcp = struct.pack("!HHIIBBHHH", 40000, 80, seq, 1, 5 << 4, 0x18, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40 + len(pay), i, 0x4000, 64, 6, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    frame = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00" + ip + tcp + pay
    out.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)))
    out.write(frame)
    seq += len(pay)
PY
	alloc_loop "read --threads 2" read -o json --threads 2 "$tmp/jumbo.pcap"
fi

# ---- 2. a full disk under -w ----
big=$tmp/big.pcap
python3 - "$td/http-graceful.pcap" "$big" <<'PY'
import sys
src = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
out.write(src)
for _ in range(300):
    out.write(src[24:])
PY
if [ "$(id -u)" = 0 ] && mkdir -p "$tmp/mnt" && mount -t tmpfs -o size=64k netsift-faults "$tmp/mnt" 2>"$tmp/mnterr"; then
	mnt=$tmp/mnt
	"$NETSIFT" read -o json -w "$mnt/out.pcapng" "$big" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	   grep -q "out.pcapng: .*No space left on device" "$tmp/err"; then
		ok
	else
		bad "-w on a full disk: exit $rc, stderr: $(cat "$tmp/err")"
	fi
	if res=$(check_pcapng "$mnt/out.pcapng"); then
		epbs=${res% *}
		# tshark reads every complete packet (and complains of the cut one)
		got=$(tshark -r "$mnt/out.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
		if [ "$epbs" -gt 100 ] && [ "$got" = "$epbs" ]; then
			echo "ok: -w full disk: $(cat "$tmp/err"); file: $epbs complete packets (tshark reads $got), $(echo "$res" | cut -d' ' -f2) bytes of a cut block"
			ok
		else
			bad "-w full disk: $epbs complete packet blocks, tshark read $got"
		fi
	else
		bad "-w full disk: the file is not valid up to its last block: $res"
	fi
	umount "$mnt" && mnt=
else
	[ "${NETSIFT_NO_SKIP:-}" = 1 ] && { echo "FAIL: cannot mount a tmpfs: $(cat "$tmp/mnterr" 2>/dev/null)"; exit 1; }
	echo "SKIP: not root or no tmpfs mount: $(cat "$tmp/mnterr" 2>/dev/null)"
	exit 77
fi
# -w to a device that is always full
"$NETSIFT" read -w /dev/full "$td/http-graceful.pcap" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'No space left on device' "$tmp/err" && ok ||
	bad "-w /dev/full: exit $rc, stderr: $(cat "$tmp/err")"

# ---- 3. standard output closed early: no error, exit 0 ----
for cmd in "read -o json" "read -o table" "analyze -o json" "analyze"; do
	# shellcheck disable=SC2086
	{ "$NETSIFT" $cmd "$big" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -1 >/dev/null
	[ "$(cat "$tmp/rc")" = 0 ] && [ ! -s "$tmp/err" ] && ok ||
		bad "$cmd | head -1: exit $(cat "$tmp/rc"), stderr: $(cat "$tmp/err")"
done
# ... also while -w writes: reading stops there, and the recording holds
# whole blocks only, each packet readable by tshark
{ "$NETSIFT" read -o json -w "$tmp/w.pcapng" "$big" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -1 >/dev/null
res=$(check_pcapng "$tmp/w.pcapng")
got=$(tshark -r "$tmp/w.pcapng" 2>/dev/null | wc -l)
[ "$(cat "$tmp/rc")" = 0 ] && [ ! -s "$tmp/err" ] && [ "${res#* }" = 0 ] && [ "${res% *}" -ge 1 ] &&
	[ "$got" = "${res% *}" ] && ok ||
	bad "-w with stdout closed: exit $(cat "$tmp/rc"), file: $res, tshark: $got"

# ---- 4. a capture cut while analyze reads it ----
cp "$big" "$tmp/cut.pcap"
rm -f "$tmp/fifo"
mkfifo "$tmp/fifo"
"$NETSIFT" analyze --acks "$tmp/cut.pcap" >"$tmp/fifo" 2>"$tmp/err" &
pid=$!
exec 3<"$tmp/fifo"
sleep 1        # analyze writes its report at the end: the cut happens mid-read or before
truncate -s 30000 "$tmp/cut.pcap"
cat <&3 >/dev/null
exec 3<&-
wait $pid
rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
   grep -q 'cut.pcap: \(file shrank while being read\|truncated\)' "$tmp/err"; then
	ok
elif [ "$rc" = 0 ] && [ ! -s "$tmp/err" ]; then
	ok         # read whole before the cut: nothing to report
else
	bad "analyze of a file cut while read: exit $rc, stderr: $(cat "$tmp/err")"
fi
summary faults:
