#!/bin/sh
# Error paths and plumbing of `netsift read`: every broken input gives exactly one
# clear stderr line and a non-zero exit, after the events that came before it;
# plus stdin, multiple files, -c, -f, -e, --local, -w round trips and the
# pcapng process options.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
td=$TOP_SRCDIR/testdata
corpus=$SHARED_DIR/pcaps/tcpdump

ns() { timeout 60 "$NETSIFT" "$@"; }

# expect_err NAME RC PATTERN -- ARGS...: exit status RC, one stderr line matching PATTERN.
expect_err() {
	name=$1 want_rc=$2 pat=$3
	shift 4
	ns "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit status $rc, want $want_rc"; cat "$tmp/err"; return
	fi
	if [ "$lines" -ne 1 ]; then
		bad "$name: $lines stderr lines, want 1"; cat "$tmp/err"; return
	fi
	if ! grep -q -- "$pat" "$tmp/err"; then
		bad "$name: stderr '$(cat "$tmp/err")' does not match '$pat'"; return
	fi
	echo "ok: $name: $(cat "$tmp/err")"
	ok
}

# frames FILE: distinct frame numbers in JSON output
frames() { grep -o '"frame":[0-9]*' "$1" | sort -u | wc -l; }

pcap=$td/http-graceful.pcap
pcapng=$td/http-graceful.pcapng
[ -f "$pcap" ] || pcap=$corpus/tcp-handshake-nano.pcap
if [ ! -f "$pcap" ]; then
	echo "SKIP: no capture to test with"
	exit 77
fi

# ---- broken inputs ----
# a file that is not there (or not a file) is a usage error, before anything is read
expect_err "nonexistent file" 2 "$tmp/nope.pcap: No such file or directory" -- read -o json "$tmp/nope.pcap"
expect_err "nonexistent after a good file" 2 "nope.pcap: No such file or directory" -- read -o json "$pcap" "$tmp/nope.pcap"
[ -s "$tmp/out" ] && bad "a missing second file: the first was read before the usage error"
expect_err "nonexistent -r file" 1 "netsift read: $tmp/nope.pcap: No such file or directory" -- read -o json -r "$tmp/nope.pcap"
: >"$tmp/empty.pcap"
expect_err "empty file" 1 "empty.pcap: empty file" -- read -o json "$tmp/empty.pcap"
printf 'hello, world, not a capture\n' >"$tmp/text.pcap"
expect_err "bad magic" 1 "text.pcap: not a pcap or pcapng file" -- read -o json "$tmp/text.pcap"
expect_err "directory" 2 "is a directory" -- read -o json "$tmp"
# analyze: an unreadable file gives its error line and no (empty) report
for fmt in text json; do
	expect_err "analyze -o $fmt nonexistent" 2 "nope.pcap: No such file or directory" -- analyze -o $fmt "$tmp/nope.pcap"
	[ -s "$tmp/out" ] && bad "analyze -o $fmt of a missing file printed a report: $(head -c 200 "$tmp/out")"
done
head -c 20 "$pcap" >"$tmp/hdr.pcap"
expect_err "truncated file header" 1 "hdr.pcap: truncated dump file" -- read -o json "$tmp/hdr.pcap"

# truncated pcap: cut in the middle of the last record; the frames before are printed
total=$(ns read -o json "$pcap" | grep -o '"frame":[0-9]*' | sort -u | wc -l)
size=$(wc -c <"$pcap")
head -c $((size - 10)) "$pcap" >"$tmp/cut.pcap"
lastframe=$(ns read -o table "$pcap" | tail -1 | cut -d' ' -f1)
expect_err "truncated pcap record" 1 "cut.pcap: frame $lastframe: truncated dump file" -- read -o json "$tmp/cut.pcap"
got=$(frames "$tmp/out")
[ "$got" -eq $((total - 1)) ] || bad "truncated pcap: $got frames printed before the error, want $((total - 1))"

if [ -f "$pcapng" ]; then
	size=$(wc -c <"$pcapng")
	head -c $((size - 50)) "$pcapng" >"$tmp/cut.pcapng"
	expect_err "truncated pcapng block" 1 "cut.pcapng: offset [0-9]*: truncated block" -- read -o json "$tmp/cut.pcapng"
	[ "$(frames "$tmp/out")" -gt 0 ] || bad "truncated pcapng: no events before the error"
fi

# pcapng with lying and misaligned block lengths (python builds them)
python3 - "$tmp" <<'EOF' || bad "python pcapng builder failed"
import struct, sys
d = sys.argv[1]
def block(t, body):
    n = 12 + len(body)
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
def opt(code, val):
    pad = b"\0" * (-len(val) % 4)
    return struct.pack("<HH", code, len(val)) + val + pad
shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb = block(1, struct.pack("<HHI", 101, 0, 65535) + opt(2, b"veth-x") + opt(9, b"\x09") + opt(0, b""))
ip = bytes.fromhex("4500001c000100004011f97e0a0000010a000002")  # IPv4/UDP, 28 bytes
udp = bytes.fromhex("1f9000350008" "0000")
pkt = ip + udp
def epb(ts, data, opts=b""):
    body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data))
    body += data + b"\0" * (-len(data) % 4) + opts
    return block(6, body)
proc = opt(8, struct.pack("<II", 4242, 4243))
proc += opt(2989, struct.pack("<I", 32473) + b"NSP1" + struct.pack("<IQ", 1000, 77) + b"curl".ljust(16, b"\0"))
good = shb + idb + epb(1700000000000000001, pkt, opt(2, struct.pack("<I", 2)) + proc + opt(0, b""))
good += epb(1700000000000000002, pkt, opt(2, struct.pack("<I", 1)) + opt(0, b""))
open(d + "/opts.pcapng", "wb").write(good)
# big-endian section with the same content
def blockbe(t, body):
    n = 12 + len(body)
    return struct.pack(">II", t, n) + body + struct.pack(">I", n)
def optbe(code, val):
    return struct.pack(">HH", code, len(val)) + val + b"\0" * (-len(val) % 4)
shbbe = blockbe(0x0A0D0D0A, struct.pack(">IHHq", 0x1A2B3C4D, 1, 0, -1))
idbbe = blockbe(1, struct.pack(">HHI", 101, 0, 65535) + optbe(2, b"veth-x") + optbe(9, b"\x09") + optbe(0, b""))
procbe = optbe(8, struct.pack(">II", 4242, 4243))
procbe += optbe(2989, struct.pack(">I", 32473) + b"NSP1" + struct.pack(">IQ", 1000, 77) + b"curl".ljust(16, b"\0"))
def epbbe(ts, data, opts=b""):
    body = struct.pack(">IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data))
    body += data + b"\0" * (-len(data) % 4) + opts
    return blockbe(6, body)
be = shbbe + idbbe + epbbe(1700000000000000001, pkt, optbe(2, struct.pack(">I", 2)) + procbe + optbe(0, b""))
be += epbbe(1700000000000000002, pkt, optbe(2, struct.pack(">I", 1)) + optbe(0, b""))
open(d + "/opts-be.pcapng", "wb").write(be)
# lying length: the second EPB says 4096 bytes
e2 = bytearray(epb(2, pkt))
struct.pack_into("<I", e2, 4, 4096)
open(d + "/lying.pcapng", "wb").write(shb + idb + epb(1, pkt) + bytes(e2))
# misaligned length
e3 = bytearray(epb(2, pkt))
struct.pack_into("<I", e3, 4, len(e3) - 2)
open(d + "/odd.pcapng", "wb").write(shb + idb + epb(1, pkt) + bytes(e3))
# a packet for an interface that was never described
open(d + "/noif.pcapng", "wb").write(shb + epb(1, pkt))
EOF
off=$(( $(wc -c <"$tmp/opts.pcapng") ))
expect_err "lying block length" 1 "lying.pcapng: offset [0-9]*: truncated block: type 0x00000006 says 4096 bytes" -- read -o json "$tmp/lying.pcapng"
[ "$(frames "$tmp/out")" -eq 1 ] || bad "lying block length: the first packet was not printed"
expect_err "block length not a multiple of 4" 1 "odd.pcapng: offset [0-9]*: .*not a multiple of 4" -- read -o json "$tmp/odd.pcapng"
expect_err "undefined interface" 1 "noif.pcapng: offset 28: packet refers to interface 0" -- read -o json "$tmp/noif.pcapng"

# A link type netsift does not decode (Juniper's, 200): one line, exit 1.
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\310\000\000\000' >"$tmp/juniper.pcap"
expect_err "unsupported link type" 1 "juniper.pcap: unsupported link type JUNIPER_ST (200)" -- read -o json "$tmp/juniper.pcap"
expect_err "bad filter" 2 "bad filter expression 'tcp port': " -- read -o json -f "tcp port" "$pcap"
expect_err "unknown event" 2 "unknown event 'net_packet_foo' (valid: net_packet_ipv4," -- read -e net_packet_tcp,net_packet_foo "$pcap"
expect_err "bad output format" 2 "unknown output format 'xml'" -- read -o xml "$pcap"
expect_err "bad --local" 2 "bad --local network '10.0.0.0/33'" -- read --local 10.0.0.0/33 "$pcap"
expect_err "bad count" 2 "bad count 'x'" -- read -c x "$pcap"
expect_err "no input" 2 "no input file" -- read
expect_err "unknown command" 2 "unknown command 'frobnicate'" -- frobnicate

# output errors: a full disk is an error, a closed pipe is not
ns read -o json "$pcap" >/dev/full 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "write error: No space left on device" "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
	ok
else
	bad "/dev/full: rc $rc, stderr: $(cat "$tmp/err")"
fi
big=$tmp/big.pcap
python3 - "$pcap" "$big" <<'EOF'
import sys
src = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
out.write(src)
recs = src[24:]
for _ in range(2000):
    out.write(recs)
EOF
{ ns read -o json "$big" 2>"$tmp/err"; echo $? >"$tmp/rc"; } | head -1 >/dev/null
if [ "$(cat "$tmp/rc")" -eq 0 ] && [ ! -s "$tmp/err" ]; then ok; else bad "EPIPE: rc $(cat "$tmp/rc"), stderr $(cat "$tmp/err")"; fi

# ---- plumbing ----
ns read -o json "$pcap" >"$tmp/ref.json" 2>/dev/null || bad "reading $pcap failed"
ns read -o json - <"$pcap" >"$tmp/stdin.json" 2>&1 && cmp -s "$tmp/ref.json" "$tmp/stdin.json" && ok || bad "stdin (file) differs"
cat "$pcap" | ns read -o json - >"$tmp/pipe.json" 2>&1 && cmp -s "$tmp/ref.json" "$tmp/pipe.json" && ok || bad "stdin (pipe) differs"
if [ -f "$pcapng" ]; then
	ns read -o json "$pcapng" >"$tmp/refng.json"
	cat "$pcapng" | ns read -o json - >"$tmp/pipeng.json" && cmp -s "$tmp/refng.json" "$tmp/pipeng.json" && ok || bad "pcapng from a pipe differs"
fi

# multiple files are one capture: frame numbers go on (so frame 1 is once);
# a bad file in the middle is reported, the rest read (tests/inputs.sh: more)
pe=net_packet_ipv4,net_packet_ipv6,net_packet_tcp,net_packet_udp,net_packet_icmp,net_packet_icmpv6
ns read -o json -e $pe "$pcap" >"$tmp/refp.json"
ns read -o json -e $pe "$pcap" "$tmp/text.pcap" "$pcap" >"$tmp/multi.json" 2>"$tmp/err"
rc=$?
c1=$(grep -c '"frame":1,' "$tmp/refp.json")
c2=$(grep -c '"frame":1,' "$tmp/multi.json")
if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^netsift read: .*text.pcap: not a pcap" "$tmp/err" &&
	[ "$c2" -eq "$c1" ] && [ "$(frames "$tmp/multi.json")" -eq $((2 * $(frames "$tmp/refp.json"))) ] &&
	[ "$(wc -l <"$tmp/multi.json")" -eq $((2 * $(wc -l <"$tmp/refp.json"))) ]; then ok
else bad "multiple files: rc $rc, frame-1 events $c2 (want $c1), stderr $(cat "$tmp/err")"; fi

# -c counts frames that passed the filter (IP or not, like tcpdump -c)
# (packet events only: flows still open when -c stops end there, with capture_end)
pkt_events=net_packet_ipv4,net_packet_ipv6,net_packet_tcp,net_packet_udp,net_packet_icmp,net_packet_icmpv6
ns read -o table -e $pkt_events -c 5 "$pcap" >"$tmp/c5.txt"
ns read -o table -e $pkt_events "$pcap" | awk '$1 <= 5' >"$tmp/h5.txt"
[ -s "$tmp/c5.txt" ] && cmp -s "$tmp/c5.txt" "$tmp/h5.txt" && ok || bad "-c 5 differs from frames 1-5"
ns read -o json -c 2 -f "tcp[tcpflags] & tcp-fin != 0" "$pcap" >"$tmp/fin.json"
nfin=$(grep -c '"eventName":"net_packet_tcp"' "$tmp/fin.json")
[ "$nfin" -eq 2 ] && ! grep -q '"FIN":false' "$tmp/fin.json" && ok || bad "-f fin -c 2: $nfin tcp events"

# -e selects events
ns read -o json -e net_packet_tcp "$pcap" >"$tmp/tcp.json"
if [ -s "$tmp/tcp.json" ] && ! grep -v -q '"eventName":"net_packet_tcp"' "$tmp/tcp.json"; then ok; else bad "-e net_packet_tcp"; fi

# --local gives direction when the capture does not
ns read -o json --local 10.99.0.1/32 --local fd00:99::1 "$pcap" >"$tmp/local.json"
if grep -q '"direction":"egress"' "$tmp/local.json" && grep -q '"direction":"ingress"' "$tmp/local.json"; then ok
else bad "--local: no egress/ingress directions"; fi

# -w round trip: read -> write pcapng -> read gives the same JSON (testdata and corpus)
rt=0
for f in "$td"/*.pcap "$td"/*.pcapng "$tmp/opts.pcapng" "$tmp/opts-be.pcapng"; do
	[ -f "$f" ] || continue
	ns read -o json --local 10.99.0.0/24 "$f" >"$tmp/a.json" 2>/dev/null
	ns read -w "$tmp/rt.pcapng" --local 10.99.0.0/24 "$f" >"$tmp/w.out" 2>/dev/null
	[ -s "$tmp/w.out" ] && bad "-w without -o printed events"
	ns read -o json "$tmp/rt.pcapng" >"$tmp/b.json" 2>/dev/null
	if cmp -s "$tmp/a.json" "$tmp/b.json"; then rt=$((rt + 1)); else bad "-w round trip differs for $(basename "$f")"; diff "$tmp/a.json" "$tmp/b.json" | head -5; fi
done
echo "ok: -w round trip identical for $rt captures"
ok
# -w with -o: both
ns read -o table -w "$tmp/both.pcapng" "$pcap" >"$tmp/both.txt"
[ -s "$tmp/both.txt" ] && [ -s "$tmp/both.pcapng" ] && ok || bad "-w with -o"

# pcapng options: direction from epb_flags, process from epb_processid_threadid and
# netsift's custom option, iface from if_name; both byte orders alike
for f in opts opts-be; do
	ns read -o json "$tmp/$f.pcapng" >"$tmp/$f.json" || bad "$f.pcapng unreadable"
	python3 - "$tmp/$f.json" <<'EOF' && ok || bad "$f.pcapng: fields"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert [e["eventName"] for e in ev] == ["net_packet_ipv4", "net_packet_udp"] * 2, ev
e = ev[0]
assert (e["timestamp"], e["processId"], e["threadId"], e["processName"], e["cgroupId"], e["userId"], e["frame"]) == \
       (1700000000000000001, 4242, 4243, "curl", 77, 1000, 1), e
md = e["args"][2]["value"]
assert md["iface"] == "veth-x" and md["direction"] == "egress", md
assert ev[2]["processId"] == 0 and ev[2]["args"][2]["value"]["direction"] == "ingress"
EOF
done
cmp -s "$tmp/opts.json" "$tmp/opts-be.json" && ok || bad "big- and little-endian pcapng differ"
if command -v tshark >/dev/null 2>&1; then
	# our writer's output is readable by Wireshark's reader, with the options
	ns read -w "$tmp/w.pcapng" "$tmp/opts.pcapng"
	tshark -r "$tmp/w.pcapng" -T fields -e frame.interface_name -e frame.p2p_dir >"$tmp/ts.txt" 2>/dev/null
	if grep -q "veth-x" "$tmp/ts.txt"; then ok; else bad "tshark cannot read our pcapng: $(cat "$tmp/ts.txt")"; fi
fi

# ---- a capture that shrinks while it is read ----
# The readers map regular files: truncating one under them used to kill the
# process with SIGBUS. Made deterministic with a FIFO: netsift's output goes to
# a pipe nobody reads yet, so it stops in write(2) with most of the capture
# unread; then the capture is cut and the pipe drained. Expected: the events
# read before, each complete, then one error line and exit status 1.
python3 - "$tmp/shrink.pcap" "$tmp/shrink.pcapng" <<'EOF'
import struct, sys
def pkt(i):
    udp = struct.pack('!HHHH', 40000 + i % 1000, 53, 72, 0) + bytes(64)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 92, i & 0xffff, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return b'\x02' * 6 + b'\x04' * 6 + b'\x08\x00' + ip + udp
n = 20000
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        f.write(struct.pack('<IIII', 1700000000 + i // 1000, i % 1000 * 1000, 106, 106) + pkt(i))
def blk(t, body):
    body += b'\0' * (-len(body) % 4)
    return struct.pack('<II', t, len(body) + 12) + body + struct.pack('<I', len(body) + 12)
with open(sys.argv[2], 'wb') as f:
    f.write(blk(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1)))
    f.write(blk(1, struct.pack('<HHI', 1, 0, 65535)))
    for i in range(n):
        ts = 1700000000000000 + i
        f.write(blk(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, 106, 106) + pkt(i)))
EOF
# proc_state PID: the state letter of a process ("S": sleeping, in write(2) here)
proc_state() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1; }
for f in shrink.pcap shrink.pcapng; do
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo" || { bad "mkfifo"; break; }
	"$NETSIFT" read -o json "$tmp/$f" >"$tmp/fifo" 2>"$tmp/err" &
	pid=$!
	exec 3<"$tmp/fifo"
	blocked=0
	for i in $(seq 1 200); do       # at most 10 s
		if [ "$(proc_state $pid)" = S ]; then
			sleep 0.1
			[ "$(proc_state $pid)" = S ] && { blocked=1; break; }
		fi
		sleep 0.05
	done
	truncate -s 60000 "$tmp/$f"
	timeout 60 cat <&3 >"$tmp/out"
	exec 3<&-
	kill $pid 2>/dev/null
	wait $pid
	rc=$?
	if [ $blocked -eq 0 ]; then
		bad "$f: netsift never blocked on the full pipe"
	elif [ $rc -ne 1 ]; then
		bad "$f shrinking: exit status $rc, want 1 ($(cat "$tmp/err"))"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ] ||
	     ! grep -q "$f: file shrank while being read" "$tmp/err"; then
		bad "$f shrinking: stderr '$(cat "$tmp/err")'"
	elif ! python3 -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$tmp/out"; then
		bad "$f shrinking: an incomplete event in the output"
	elif [ "$(frames "$tmp/out")" -lt 100 ]; then
		bad "$f shrinking: only $(frames "$tmp/out") frames before the error"
	else
		echo "ok: $f shrinking while read: $(frames "$tmp/out") frames, then: $(cat "$tmp/err")"
		ok
	fi
done

# --stats: one summary line; help and version
ns read -o json -v "$pcap" 2>"$tmp/err" >/dev/null
grep -q '^netsift: stats: frames=[0-9]* emitted=' "$tmp/err" && ok || bad "--stats line missing"
ns read --help | grep -q "Usage: netsift read" && ok || bad "read --help"
ns --help | grep -q "read" && ok || bad "--help"
ns --version | grep -q "^netsift [0-9]" && ok || bad "--version"

summary errors:
