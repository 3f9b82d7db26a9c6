#!/bin/sh
# `--schema tracee`: netsift's events in the exact shape of Tracee's JSON.
#  1. golden: `netsift read --schema tracee` on a few captures against
#     testdata/tracee/NAME.json, byte for byte;
#  2. jq filters written for Tracee's JSON (the layout of aquasecurity/tracee
#     types/trace/trace.go and network_trace.go, argument names of
#     pkg/events/core.go) select what they should: counts checked against
#     tshark on the same capture;
#  3. every event has Tracee's envelope keys in Tracee's order and with
#     Tracee's JSON types, and every argument value has the type its
#     "type" names (as Tracee's Argument.UnmarshalJSON reads it).
#
#   tests/tracee-schema.sh            check
#   tests/tracee-schema.sh --update   rewrite the expected files
#   tests/tracee-schema.sh --create   also create missing ones (review them!)
set -u
# shellcheck source=tests/golden-lib.sh
. "$(dirname "$0")/golden-lib.sh"
golden_init "$@"
dir=$TOP_SRCDIR/testdata
command -v jq >/dev/null || { echo "FAIL: jq is not installed (tests/deps.sh)"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark is not installed (tests/deps.sh)"; exit 1; }

# NAME and its extra options
cases="http-graceful.pcap:
dns-connect.pcap:--local 10.99.0.1
http-ipv6.pcap:--local fd00:99::1
ping.pcap:
udp-unreach.pcap:"

ncases=0
echo "$cases" | {
while IFS=: read -r cap args; do
	ncases=$((ncases + 1))
	# shellcheck disable=SC2086
	golden_run "$cap --schema tracee" "$NETSIFT" read --schema tracee $args "$dir/$cap" || continue
	golden_compare "$dir/tracee/${cap%.*}.json" "$cap --schema tracee differs"
done
[ "$checked" -eq "$ncases" ] || { echo "FAIL: $ncases cases, $checked compared"; fail=1; }
exit $fail
} || fail=1

n=0
check() {   # check WHAT GOT WANT
	n=$((n + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: got '$2', want '$3'"
		fail=1
	fi
}

# ---- 2. Tracee-style jq filters ----
all=$tmp/all.json
for f in http-graceful.pcap parallel.pcap fast-retransmit.pcap; do
	"$NETSIFT" read --schema tracee "$dir/$f" >"$tmp/$f.json" || { echo "FAIL: read $f"; fail=1; }
done
cat "$tmp"/*.pcap.json >"$all"

for f in http-graceful.pcap parallel.pcap fast-retransmit.pcap; do
	got=$(jq -c 'select(.eventName=="net_packet_tcp" and
		(.args[]|select(.name=="proto_tcp")|.value.SYN==1))' "$tmp/$f.json" | wc -l)
	want=$(tshark -r "$dir/$f" -Y 'tcp.flags.syn==1' 2>/dev/null | wc -l)
	check "$f: SYN packets via .args[].proto_tcp.value.SYN==1" "$got" "$want"
	got=$(jq -c 'select(.eventName=="net_packet_tcp" and
		(.args[]|select(.name=="proto_tcp")|.value.FIN==1 and .value.ACK==1))' \
		"$tmp/$f.json" | wc -l)
	want=$(tshark -r "$dir/$f" -Y 'tcp.flags.fin==1 && tcp.flags.ack==1' 2>/dev/null | wc -l)
	check "$f: FIN+ACK packets" "$got" "$want"
	got=$(jq -r 'select(.eventName=="net_packet_tcp")|.args[]|select(.name=="dst_port")|.value' \
		"$tmp/$f.json" | sort -n | uniq | tr '\n' ' ')
	want=$(tshark -r "$dir/$f" -Y tcp -T fields -e tcp.dstport 2>/dev/null | sort -n | uniq | tr '\n' ' ')
	check "$f: dst_port values" "$got" "$want"
	got=$(jq -r 'select(.eventName=="net_packet_ipv4")|.args[]|select(.name=="proto_ipv4")|.value.protocol' \
		"$tmp/$f.json" | sort -u | tr '\n' ' ')
	check "$f: proto_ipv4.protocol is gopacket's name" "$got" "TCP "
done

# the event ids, as strings, and the names they go with (pkg/events/core.go)
"$NETSIFT" read --schema tracee -e net_packet_dns,net_packet_udp,net_packet_ipv4,net_flow_tcp_begin,net_flow_tcp_end \
	--local 10.99.0.1 "$dir/dns-connect.pcap" >"$tmp/dns.json" || { echo "FAIL: read dns-connect"; fail=1; }
"$NETSIFT" read --schema tracee "$dir/http-ipv6.pcap" "$dir/ping.pcap" "$dir/udp-unreach.pcap" >"$tmp/more.json" ||
	{ echo "FAIL: read ipv6/icmp"; fail=1; }
got=$(cat "$all" "$tmp/dns.json" "$tmp/more.json" | jq -r '[.eventId, .eventName]|join(" ")' | sort -u | tr '\n' ';')
check "eventId per eventName" "$got" "2000 net_packet_ipv4;2001 net_packet_ipv6;2002 net_packet_tcp;2003 net_packet_udp;2004 net_packet_icmp;2005 net_packet_icmpv6;2006 net_packet_dns;2013 net_flow_tcp_begin;2014 net_flow_tcp_end;"

# a Tracee flow consumer: outgoing connections and the names of their servers
got=$(jq -r 'select(.eventName=="net_flow_tcp_begin")
	| (.args|map({(.name): .value})|add)
	| select(.conn_direction=="outgoing")
	| "\(.dst):\(.dst_port) \(.dst_dns|join(","))"' "$tmp/dns.json")
want=$(tshark -r "$dir/dns-connect.pcap" -Y 'tcp.flags.syn==1 && tcp.flags.ack==0' \
	-T fields -e ip.dst -e tcp.dstport 2>/dev/null | sed 's/\t/:/' | sed 's/$/ alias.example.test,web.example.test/')
check "net_flow_tcp_begin: conn_direction, dst, dst_port, dst_dns" "$got" "$want"
got=$(jq -c 'select(.eventName=="net_flow_tcp_end")|.args|map(.name)' "$tmp/dns.json" | sort -u)
check "net_flow_tcp_end argument names" "$got" '["conn_direction","src","dst","src_port","dst_port","src_dns","dst_dns"]'
got=$(jq -r 'select(.eventName=="net_packet_dns")|.args[]|select(.name=="proto_dns")|.value
	| select(.QR==1)|.answers[]|select(.type=="A")|.IP' "$tmp/dns.json" | sort -u)
want=$(tshark -r "$dir/dns-connect.pcap" -Y 'dns.flags.response==1 && dns.a' -T fields \
	-e dns.a 2>/dev/null | tr ',' '\n' | sort -u)
check "net_packet_dns answers (.proto_dns.answers[].IP)" "$got" "$want"
got=$(jq -r 'select(.eventName=="net_packet_icmp")|.args[]|select(.name=="proto_icmp")|.value.typeCode' \
	"$tmp/more.json" | sort -u | tr '\n' ' ')
check "ICMP typeCode (gopacket names)" "$got" "DestinationUnreachable(Port) EchoReply EchoRequest "
got=$(jq -r 'select(.eventName=="net_packet_ipv6")|.args[]|select(.name=="proto_ipv6")|.value.nextHeader' \
	"$tmp/more.json" | sort -u | tr '\n' ' ')
check "proto_ipv6.nextHeader is a string" "$got" "ICMPv6 TCP UDP "

# ---- 3. the envelope and argument types of every event ----
keys='["timestamp","threadStartTime","processorId","processId","cgroupId","threadId","parentProcessId","hostProcessId","hostThreadId","hostParentProcessId","userId","mountNamespace","pidNamespace","processName","executable","hostName","containerId","container","kubernetes","eventId","eventName","argsNum","returnValue","syscall","stackAddresses","contextFlags","threadEntityId","processEntityId","parentEntityId","args"]'
bad=$(cat "$all" "$tmp/dns.json" "$tmp/more.json" | jq -c --argjson k "$keys" '
	select(keys_unsorted != $k
	  or (.timestamp|type) != "number" or (.eventId|type) != "string"
	  or (.processName|type) != "string" or (.executable.path|type) != "string"
	  or (.container|type) != "object" or (.kubernetes|type) != "object"
	  or (.stackAddresses|type) != "array" or (.contextFlags.isCompat|type) != "boolean"
	  or .argsNum != (.args|length)
	  or any(.args[]; (keys_unsorted != ["name","type","value"])
	    or (.type == "const char*" and (.value|type) != "string")
	    or (.type == "const char **" and (.value|type) != "array")
	    or (.type == "u16" and ((.value|type) != "number" or .value > 65535))
	    or (.type == "trace.PacketMetadata" and (.value.direction|type) != "number")
	    or (.type == "trace.ProtoTCP" and any(.value|(.FIN,.SYN,.RST,.PSH,.ACK,.URG,.ECE,.CWR,.NS); . != 0 and . != 1))
	    or (.type == "trace.ProtoIPv4" and (.value.protocol|type) != "string")))
	| .eventName' | sort | uniq -c)
check "envelope keys, order and types; argument types" "$bad" ""
nev=$(cat "$all" "$tmp/dns.json" "$tmp/more.json" | wc -l)
[ "$nev" -gt 100 ] || { echo "FAIL: only $nev events checked"; fail=1; }

# the default schema is netsift's own
got=$("$NETSIFT" read -o json -e net_packet_tcp "$dir/http-graceful.pcap" | head -1 |
	jq -c '[has("frame"), (.args[]|select(.name=="proto_tcp")|.value.SYN)]')
check "default schema unchanged" "$got" '[true,true]'
# usage errors
"$NETSIFT" read --schema tracee -o table "$dir/ping.pcap" >/dev/null 2>"$tmp/err"
check "--schema tracee -o table is a usage error" "$?" 2
"$NETSIFT" read --schema zeek "$dir/ping.pcap" >/dev/null 2>"$tmp/err"
check "--schema zeek is a usage error" "$?" 2
# netsift trace takes the option too: it writes through the same module; here
# only its option handling (tracing needs root)
"$NETSIFT" trace --schema tracee -o table >/dev/null 2>"$tmp/err"
check "trace --schema tracee -o table is refused" "$(grep -c 'schema of -o json' "$tmp/err")" 1
"$NETSIFT" trace --help | grep -q -- '--schema NAME'
check "trace --help lists --schema" "$?" 0

[ "$n" -ge 20 ] || { echo "FAIL: only $n checks"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: tracee schema ($n checks, $nev events)"
exit $fail
