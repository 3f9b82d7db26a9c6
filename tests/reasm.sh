#!/bin/sh
# IP reassembly end to end: flows, DNS and analysis see the datagrams that
# fragments make, while packet events stay one per fragment.
#  - testdata/dns-frag.pcap: DNS answers fragmented over IPv4 and IPv6 name
#    the connection that follows (its golden files are in flows-golden.sh).
#  - testdata/fragments.pcap: 6 datagrams from 18 fragments, none dropped.
#  - suricata-verify defrag__bug-6887: a TCP SYN split across IPv4 fragments
#    (8 bytes of TCP header in the first) makes a connection in `analyze`;
#    an IPv6 TCP segment in fragments makes a flow.
#  - suricata-verify ipv6-evasion: overlapping fragments drop the datagram,
#    counted, and the count is printed at exit without -v.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
td=$TOP_SRCDIR/testdata
sv=$SHARED_DIR/pcaps/suricata-verify

# dns-frag: the fragmented answers are decoded and cached
"$NETSIFT" read -o table -e net_packet_dns,net_flow_tcp_begin "$td/dns-frag.pcap" >"$tmp/out" 2>"$tmp/err"
grep -q '^5 .*DNS response id=4369 A big.example.test -> CNAME' "$tmp/out" && ok ||
	bad "dns-frag: IPv4 answer (frame 5) not decoded"
grep -q '^10 .*DNS response id=8738 AAAA big.example.test -> CNAME' "$tmp/out" && ok ||
	bad "dns-frag: IPv6 answer (frame 10) not decoded"
grep -q 'FLOW begin .* dst=big.example.test' "$tmp/out" && ok ||
	bad "dns-frag: the flow is not named from the fragmented answer"
# packet events stay per fragment
"$NETSIFT" read -o json -e net_packet_ipv4,net_packet_ipv6 "$td/dns-frag.pcap" >"$tmp/out" 2>/dev/null
[ "$(grep -c '"frame":4,' "$tmp/out")" -eq 1 ] && [ "$(grep -c '"frame":5,' "$tmp/out")" -eq 1 ] && ok ||
	bad "dns-frag: not one IP event per fragment"
"$NETSIFT" read -v -o json "$td/dns-frag.pcap" >/dev/null 2>"$tmp/err"
grep -q '^netsift: stats: reassembly fragments=4 reassembled=2 .* dropped=0 ' "$tmp/err" && ok ||
	bad "dns-frag: reassembly counters: $(cat "$tmp/err")"

# fragments.pcap: everything reassembles; nothing printed at exit without -v
"$NETSIFT" read -v -o json "$td/fragments.pcap" >/dev/null 2>"$tmp/err"
grep -q '^netsift: stats: reassembly fragments=18 reassembled=6 .* dropped=0 ' "$tmp/err" && ok ||
	bad "fragments.pcap: reassembly counters: $(cat "$tmp/err")"
"$NETSIFT" read -o json "$td/fragments.pcap" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok || bad "fragments.pcap: stderr without -v: $(cat "$tmp/err")"

if [ ! -d "$sv" ]; then
	summary "reasm (suricata-verify captures not found, skipped):"
	exit
fi

syn4=$sv/defrag__bug-6887-defrag-ipv4-tcp-syn__frag-ip-tcp-syn.pcap
"$NETSIFT" analyze -o json "$syn4" >"$tmp/out" 2>"$tmp/err"
grep -q '"initiator":{"ip":"1.1.1.1","port":12345,.*"responder":{"ip":"2.2.2.2","port":8080,.*"firstFrame":3,' \
	"$tmp/out" && ok ||
	bad "defrag ipv4 SYN: no connection in analyze: $(cat "$tmp/out" "$tmp/err")"
"$NETSIFT" analyze "$syn4" >"$tmp/out" 2>&1
grep -q 'handshake: SYN frame 3' "$tmp/out" && ok ||
	bad "defrag ipv4 SYN: the SYN is not the reassembled datagram (frame 3)"
for f in "$sv"/defrag__bug-6887-defrag-*ipv6-tcp*.pcap; do
	"$NETSIFT" read -o table -e net_flow_tcp_begin "$f" >"$tmp/out" 2>"$tmp/err"
	grep -q '^3 .*\[::1\]:12345 -> \[::1\]:8080 FLOW begin' "$tmp/out" && ok ||
		bad "$(basename "$f"): no flow from the reassembled segment"
done

# overlaps: dropped, counted, and said at exit without -v
ov=$sv/ipv6-evasion__ipv6-malformed-fragments-6__frag-6.pcap
"$NETSIFT" read -o json "$ov" >/dev/null 2>"$tmp/err"
grep -q '^netsift: stats: reassembly .* overlap=1 ' "$tmp/err" && ok ||
	bad "frag-6: overlap not counted at exit: $(cat "$tmp/err")"
"$NETSIFT" analyze "$ov" >/dev/null 2>"$tmp/err"
grep -q '^netsift: stats: reassembly .* overlap=1 ' "$tmp/err" && ok ||
	bad "frag-6: analyze does not report the dropped datagram: $(cat "$tmp/err")"

summary reasm:
