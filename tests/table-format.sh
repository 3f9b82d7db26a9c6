#!/bin/sh
# The table output against tcpdump (-n -r), on testdata/ and on captures the
# test builds by hand:
#  - all nine TCP flags with tcpdump's letters ([S], [S.], [SEW], [none], ...;
#    AE, the former NS bit, is "e" as in current tcpdump; older tcpdumps do not
#    print it, so it is checked against tshark's tcp.flags.ae / tcp.flags.ns);
#  - the time column for -t, -tt, -ttt, -tttt, -ttttt, with
#    --time-precision=nano, in local time (a zone with an offset) and --utc;
#  - the interface and direction, and the process on packet and flow lines.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
for t in tcpdump tshark python3; do
	command -v $t >/dev/null || { echo "FAIL: $t is not installed (tests/deps.sh)"; exit 1; }
done
n=0
check() {   # check WHAT GOT WANT
	n=$((n + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1:"
		printf 'got:  %s\nwant: %s\n' "$2" "$3" | head -20
		fail=1
	fi
}
td=$TOP_SRCDIR/testdata
pkts=net_packet_ipv4,net_packet_ipv6,net_packet_tcp,net_packet_udp,net_packet_icmp,net_packet_icmpv6

# ---- hand-built captures ----
python3 - "$tmp" <<'EOF' || { echo "FAIL: python capture builder"; exit 1; }
import struct, sys
d = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
def tcp4(sport, dport, seq, ack, ns, flags, payload=b""):
    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    if sport == 80:
        src, dst = dst, src
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (5 << 4) | ns, flags, 1024, 0, 0) + payload
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(t)) + t)
    t = t[:16] + struct.pack("!H", c) + t[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(t), 1, 0, 64, 6, 0, src, dst)
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:] + t
# every flag alone and in the combinations ECN negotiation uses (raw IP pcap)
combos = [(0, 0x02), (0, 0xc2), (0, 0x52), (0, 0x12), (0, 0x10), (0, 0x90), (0, 0x50),
          (1, 0x10), (1, 0xff), (0, 0x00), (0, 0x20), (0, 0x18), (0, 0x11), (0, 0x04),
          (0, 0x14), (1, 0x02), (0, 0x01), (0, 0x40), (0, 0x80), (1, 0x00)]
with open(d + "/flags.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for i, (ns, fl) in enumerate(combos):
        p = tcp4(40000 + i, 80, 1000 + i, 2000 if fl & 0x10 else 0, ns, fl, b"x" * (i % 3))
        # times across a day boundary and more than an hour apart
        f.write(struct.pack("<IIII", 1700006390 + 1000 * i, 1000 * i + 7, len(p), len(p)) + p)
# pcapng: interface name, direction (epb_flags) and process (epb_processid_threadid
# and netsift's custom option), nanosecond times
def block(t, body):
    return struct.pack("<II", t, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
def opt(code, val):
    return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)
def epb(ts, data, opts):
    body = struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, len(data), len(data))
    return block(6, body + data + b"\0" * (-len(data) % 4) + opts + opt(0, b""))
proc = opt(8, struct.pack("<II", 4242, 4243))
proc += opt(2989, struct.pack("<I", 32473) + b"NSP1" + struct.pack("<IQ", 1000, 77) + b"curl".ljust(16, b"\0"))
out, inb = opt(2, struct.pack("<I", 2)), opt(2, struct.pack("<I", 1))
t0 = 1700000000123456789
with open(d + "/proc.pcapng", "wb") as f:
    f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    f.write(block(1, struct.pack("<HHI", 101, 0, 65535) + opt(2, b"veth-x") + opt(9, b"\x09") + opt(0, b"")))
    f.write(epb(t0, tcp4(40000, 80, 100, 0, 0, 0x02), out + proc))
    f.write(epb(t0 + 1001, tcp4(80, 40000, 500, 101, 0, 0x12), inb))
    f.write(epb(t0 + 2002, tcp4(40000, 80, 101, 501, 0, 0x10), out + proc))
EOF

# ---- TCP flags against tcpdump, frame by frame ----
# netsift: "FRAME [FLAGS]" of TCP lines; tcpdump: line number = frame
ns_flags() {
	"$NETSIFT" read -o table -t -e net_packet_tcp "$1" |
		sed -n 's/^\([0-9]*\) .* TCP \(\[[^]]*\]\).*/\1 \2/p'
}
td_flags() {
	tcpdump -n -r "$1" 2>/dev/null | awk '{n++} /Flags \[/ {
		match($0, /Flags \[[^]]*\]/); print n, substr($0, RSTART + 6, RLENGTH - 6)}'
}
nflag=0
for f in "$tmp/flags.pcap" "$td/http-graceful.pcap" "$td/fast-retransmit.pcap" \
	"$td/reset-midtransfer.pcap" "$td/refused.pcap" "$td/http-ipv6.pcap" "$td/zero-window.pcap"; do
	# tcpdump 4.99.3 has no letter for AE: compare without it, AE below
	got=$(ns_flags "$f" | sed 's/\[none\]/[NONE]/; s/e\]/]/; s/\[\]/[none]/; s/\[NONE\]/[none]/')
	want=$(td_flags "$f")
	check "$(basename "$f"): TCP flags as tcpdump prints them" "$got" "$want"
	nflag=$((nflag + $(echo "$want" | wc -l)))
done
got=$(ns_flags "$tmp/flags.pcap" | awk '$2 ~ /[^n]e\]|\[e\]/ {print $1}' | tr '\n' ' ')
# the field is tcp.flags.ae in Wireshark 4.x (tcp.flags.ns before)
want=$(tshark -r "$tmp/flags.pcap" -T fields -e frame.number -e tcp.flags.ae 2>/dev/null |
	awk '$2 == 1 || $2 == "True" {print $1}' | tr '\n' ' ')
check "AE (NS) as 'e' on the frames tshark says have it" "$got" "$want"
got=$(ns_flags "$tmp/flags.pcap" | sed -n 9p)
check "all nine flags" "$got" "9 [FSRP.UEWe]"

# ---- the time column against tcpdump ----
# netsift's packet lines only (no flow lines), against tcpdump's IP packets;
# tcpdump's deltas are " HH:MM:SS.frac" (a sign column), ours without it.
ns_time() {   # ns_time CAPTURE OPTIONS...: the time column of every line
	cap=$1
	shift
	"$NETSIFT" read -o table -e $pkts "$@" "$cap" | awk '{
		if ($2 ~ /^[0-9]{4}-/) print $2, $3; else print $2 }'
}
td_time() {   # td_time CAPTURE OPTIONS...
	cap=$1
	shift
	tcpdump -n "$@" -r "$cap" 'ip or ip6' 2>/dev/null | awk '{
		if ($1 ~ /^[0-9]{4}-/) print $1, $2; else print $1 }'
}
for zone in UTC0 America/New_York Asia/Kolkata; do
	for f in "$tmp/flags.pcap" "$td/http-graceful.pcap" "$td/dns-connect.pcap" "$tmp/proc.pcapng"; do
		for t in "" -tt -ttt -tttt -ttttt; do
			got=$(TZ=$zone ns_time "$f" $t)
			want=$(TZ=$zone td_time "$f" $t)
			check "$(basename "$f") TZ=$zone time ${t:-(default)}" "$got" "$want"
			got=$(TZ=$zone ns_time "$f" $t --time-precision=nano)
			want=$(TZ=$zone td_time "$f" $t --time-stamp-precision=nano)
			check "$(basename "$f") TZ=$zone time ${t:-(default)} nano" "$got" "$want"
		done
	done
	# --utc: tcpdump's times in UTC
	got=$(TZ=$zone ns_time "$tmp/flags.pcap" -tttt --utc)
	want=$(TZ=UTC0 td_time "$tmp/flags.pcap" -tttt)
	check "TZ=$zone --utc" "$got" "$want"
done
got=$("$NETSIFT" read -o table -t "$td/ping.pcap" | head -1 | cut -d' ' -f2)
want=$(tshark -r "$td/ping.pcap" -T fields -e ip.src -Y ip 2>/dev/null | head -1)
check "-t: no time column" "$got" "$want"
got=$(TZ=UTC0 "$NETSIFT" read -o table -tt --time-precision=nano "$tmp/proc.pcapng" | head -1 | cut -d' ' -f2)
check "nanoseconds of a pcapng" "$got" "1700000000.123456789"
got=$("$NETSIFT" read -o json "$tmp/proc.pcapng" -tttt --utc | head -1 | sed 's/,.*//')
check "JSON keeps nanoseconds since the epoch" "$got" '{"timestamp":1700000000123456789'
"$NETSIFT" read -tttttt "$td/ping.pcap" >/dev/null 2>&1
check "-tttttt is a usage error" "$?" 2
"$NETSIFT" read --time-precision=pico "$td/ping.pcap" >/dev/null 2>&1
check "--time-precision=pico is a usage error" "$?" 2

# ---- interface, direction, process ----
got=$("$NETSIFT" read -o table -t -e net_packet_tcp,net_flow_tcp_begin "$tmp/proc.pcapng" | cut -d' ' -f1-6)
want="1 veth-x Out curl[4242] 10.0.0.1:40000 ->
2 veth-x In 10.0.0.2:80 -> 10.0.0.1:40000
2 curl[4242] 10.0.0.1:40000 -> 10.0.0.2:80 FLOW
3 veth-x Out curl[4242] 10.0.0.1:40000 ->"
check "interface, direction and process on packet and flow lines" "$got" "$want"
# direction from a Linux cooked capture: Out exactly where tshark's sll.pkttype is 4
got=$("$NETSIFT" read -o table -t -e $pkts "$td/ping-sll2.pcapng" | awk '$3 == "Out" {print $1}' | tr '\n' ' ')
want=$(tshark -r "$td/ping-sll2.pcapng" -Y 'ip or ipv6' -T fields -e frame.number -e sll.pkttype 2>/dev/null |
	awk '$2 == 4 {print $1}' | tr '\n' ' ')
check "ping-sll2: Out where tshark's sll.pkttype is outgoing" "$got" "$want"
got=$("$NETSIFT" read -o table -t "$td/http-graceful.pcap" | awk '$2 == "In" || $2 == "Out"' | wc -l)
check "no direction where the capture has none" "$got" 0

[ "$nflag" -ge 50 ] || { echo "FAIL: only $nflag TCP flag fields compared"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: table format ($n checks, $nflag TCP flag fields against tcpdump)"
exit $fail
