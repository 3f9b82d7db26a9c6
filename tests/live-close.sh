#!/bin/sh
# Live tracing of connection teardown (netsift trace): no packet of a closing
# connection goes unreported. Two network namespaces joined by a veth pair;
# the side whose socket ends in TIME_WAIT is traced (`trace -- CMD`), tcpdump
# captures its veth at the same time, and the events must equal those of
# `netsift read --local` over the capture, packet for packet, all of them
# attributed to the traced process (packets of the TIME_WAIT socket by the
# socket cookie it keeps from the full socket). For IPv4 and IPv6:
#   client-first  the client close()s right after its last echo: its socket
#                 becomes a TIME_WAIT socket (FIN_WAIT2 substate) that gets the
#                 server's FIN and sends the last ACK
#   server-first  the server close()s first; the client reads EOF, then closes
#   simultaneous  both send a FIN before either arrives (the client's first FIN
#                 is dropped by nftables in its own output chain, before any
#                 hook or capture point; its retransmission reaches the
#                 server's TIME_WAIT socket)
# The -w recordings name the process in each packet's comment (tshark
# frame.comment) and netsift in shb_userappl (capinfos).
# Then a whole-system trace (no command) of a client-first connection: the
# packets of a TIME_WAIT socket whose owner it knows carry that owner, and
# a SYN to a closed port (no socket: the cgroup hooks never run) appears as
# [kernel], ingress.
# Skips (77) only when not root or when the kernel cannot attach cgroup eBPF.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
HERE="$TOP_SRCDIR/tests/live"
PEER="python3 $HERE/peer.py"
CHECK="python3 $HERE/check.py"
NC=lc-c$$ NS=lc-s$$ VC=lc-vc$$ VS=lc-vs$$
IP4C=10.78.0.1 IP4S=10.78.0.2 IP6C=fd00:78::1 IP6S=fd00:78::2
T=15

ME=live-close.sh
TMP=$(mktemp -d /tmp/lc-test.XXXXXX)
. "$TOP_SRCDIR/tests/netns.sh"
ns_trap
ns_need tcpdump python3 ethtool timeout nft tshark capinfos
ns_need_live
ns_probe_live $T

ns_pair "$NC" "$NS" "$VC" "$VS" $IP4C $IP4S $IP6C $IP6S
ns_offloads tso off gso off gro off tx off rx off

wait_file() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || die "timed out waiting for $1"
		sleep 0.1
	done
}
wait_grep() {
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || die "timed out waiting for '$1' in $2"
		sleep 0.1
	done
}
cap_start() {  # NETNS DEV FILE FILTER
	timeout 30 ip netns exec "$1" tcpdump -i "$2" -s 142 -U --immediate-mode -n -w "$3" "$4" \
		2>"$3.err" &
	CAP=$!
	BG="$BG $CAP"
	wait_grep "listening on" "$3.err"
}
cap_stop() {
	sleep 0.3
	kill -INT "$CAP" 2>/dev/null || true
	wait "$CAP" 2>/dev/null || true
}
# FILE.json (live) vs FILE.pcap (tcpdump): same packets, all of PID's, and
# at least two (the peer's FIN or its retransmission, our ACK) of a TIME_WAIT
# socket, which the cgroup hooks never see
compare() {  # NAME PIDFILE LOCALIP IFACE MIN_EVENTS MIN_TIMEWAIT
	$CHECK attrib "$TMP/$1.json" "$(cat "$TMP/$2")" python3
	$CHECK count "$TMP/$1.json" net_packet_tcp "$5"
	timeout $T "$NETSIFT" read -o json --local "$3" "$TMP/$1.pcap" >"$TMP/$1.read.json"
	$CHECK same "$TMP/$1.json" "$TMP/$1.read.json" "$4"
	timeout $T "$NETSIFT" read -o json "$TMP/$1.pcapng" >"$TMP/$1.replay.json"
	cmp "$TMP/$1.json" "$TMP/$1.replay.json" || die "$1: replay of -w differs from the live events"
	# Wireshark shows the process: every packet's comment names it
	tshark -r "$TMP/$1.pcapng" -T fields -e frame.comment 2>/dev/null | sort | uniq -c \
		>"$TMP/$1.comments"
	[ "$(wc -l <"$TMP/$1.comments")" = 1 ] &&
		grep -q " python3\[$(cat "$TMP/$2")\] tid=[0-9]* uid=0 cgroup=[0-9]* ppid=[0-9]* nspid=[0-9]* nstid=[0-9]* nsppid=[0-9]* pidns=[0-9]* mntns=[0-9]* exe=/[^ ]* cgpath=/[^ ]*\$" "$TMP/$1.comments" ||
		die "$1: packet comments: $(cat "$TMP/$1.comments")"
	capinfos "$TMP/$1.pcapng" 2>/dev/null | grep -q "Capture application: *netsift" ||
		die "$1: no shb_userappl"
	tw=$(sed -n 's/.*; \([0-9]*\) of TIME_WAIT sockets.*/\1/p' "$TMP/$1.err")
	[ "${tw:-0}" -ge "$6" ] || die "$1: ${tw:-0} packets of TIME_WAIT sockets: $(cat "$TMP/$1.err")"
	log "$1: $(tail -1 "$TMP/$1.err")"
}

port=7100
for fam in 4 6; do
	if [ $fam = 4 ]; then SIP=$IP4S CIP=$IP4C; else SIP=$IP6S CIP=$IP6C; fi

	# ---- client closes first: the client's TIME_WAIT socket ----
	port=$((port + 1)); n=cf$fam
	log "$n: client closes first, IPv$fam"
	timeout 30 ip netns exec "$NS" $PEER server $port --once --eof-delay 0.2 \
		--ready "$TMP/$n.ready" &
	BG="$BG $!"
	wait_file "$TMP/$n.ready"
	cap_start "$NC" "$VC" "$TMP/$n.pcap" "tcp port $port"
	timeout $T "$NETSIFT" trace -o json -w "$TMP/$n.pcapng" -- \
		ip netns exec "$NC" $PEER client $SIP $port --count 3 --size 100 --close \
		--exit-delay 0.5 --pidfile "$TMP/$n.pid" >"$TMP/$n.json" 2>"$TMP/$n.err" ||
		die "$n: trace failed"
	cap_stop
	compare $n $n.pid $CIP "$VC" 10 2

	# ---- server closes first: the server's TIME_WAIT socket ----
	port=$((port + 1)); n=sf$fam
	log "$n: server closes first, IPv$fam"
	cap_start "$NS" "$VS" "$TMP/$n.pcap" "tcp port $port"
	timeout $T "$NETSIFT" trace -o json -w "$TMP/$n.pcapng" -- \
		ip netns exec "$NS" $PEER server $port --once --close-after 300 --exit-delay 0.5 \
		--ready "$TMP/$n.ready" --pidfile "$TMP/$n.pid" >"$TMP/$n.json" 2>"$TMP/$n.err" &
	TR=$!
	BG="$BG $TR"
	wait_file "$TMP/$n.ready"
	timeout $T ip netns exec "$NC" $PEER client $SIP $port --count 3 --size 100 --wait-eof \
		--eof-delay 0.2 ||
		die "$n: client failed"
	wait "$TR" || die "$n: trace failed"
	cap_stop
	compare $n $n.pid $SIP "$VS" 10 2

	# ---- simultaneous close: both sockets in TIME_WAIT ----
	port=$((port + 1)); n=sim$fam
	log "$n: simultaneous close, IPv$fam"
	# the client's first FIN (and only that: quota) never leaves its namespace
	ip netns exec "$NC" nft -f - <<NFT
table inet lcsim {
	chain out {
		type filter hook output priority 0;
		tcp dport $port tcp flags & fin == fin quota until 100 bytes drop
	}
}
NFT
	cap_start "$NS" "$VS" "$TMP/$n.pcap" "tcp port $port"
	timeout $T "$NETSIFT" trace -o json -w "$TMP/$n.pcapng" -- \
		ip netns exec "$NS" $PEER server $port --once --close-after 300 --close-delay 0.1 \
		--exit-delay 1.5 --ready "$TMP/$n.ready" --pidfile "$TMP/$n.pid" \
		>"$TMP/$n.json" 2>"$TMP/$n.err" &
	TR=$!
	BG="$BG $TR"
	wait_file "$TMP/$n.ready"
	timeout $T ip netns exec "$NC" $PEER client $SIP $port --count 3 --size 100 --close \
		--exit-delay 1.5 || die "$n: client failed"
	wait "$TR" || die "$n: trace failed"
	cap_stop
	ip netns exec "$NC" nft list table inet lcsim | grep -q "used [1-9]" ||
		die "$n: the client's first FIN was not dropped"
	ip netns exec "$NC" nft delete table inet lcsim
	# (both end in TIME_WAIT only after their last packet: none to see there)
	compare $n $n.pid $SIP "$VS" 10 0
	# the server's FIN went out before the client's (retransmitted) FIN came
	python3 - "$TMP/$n.json" <<'PY' || die "$n: not a simultaneous close"
import json, sys
fins = {"egress": 0, "ingress": 0}
for line in open(sys.argv[1]):
    e = json.loads(line)
    for a in e["args"]:
        if a["name"] == "proto_tcp" and a["value"]["FIN"]:
            d = [x for x in e["args"] if x["name"] == "metadata"][0]["value"]["direction"]
            fins[d] += 1
if fins["egress"] != 1 or fins["ingress"] != 1:
    sys.exit("FINs %s" % fins)
print("check: FINs", fins)
PY
done

# ---- whole-system trace: TIME_WAIT owner known, no-socket SYN as [kernel] ----
log "ws: whole-system trace of a client-first close and a SYN to a closed port"
port=$((port + 1))
timeout 30 "$NETSIFT" trace -v -o json -f "tcp port $port or tcp port 7199" \
	>"$TMP/ws.json" 2>"$TMP/ws.err" &
TR=$!
BG="$BG $TR"
wait_grep "tracing cgroup" "$TMP/ws.err"
timeout 30 ip netns exec "$NS" $PEER server $port --once --eof-delay 0.2 \
	--ready "$TMP/ws.ready" &
BG="$BG $!"
wait_file "$TMP/ws.ready"
cap_start "$NC" "$VC" "$TMP/ws.pcap" "tcp port $port"
timeout $T ip netns exec "$NC" $PEER client $IP4S $port --count 2 --size 100 --close \
	--exit-delay 0.5 --pidfile "$TMP/ws.pid" || die "ws: client failed"
timeout $T ip netns exec "$NC" $PEER refused $IP4S 7199 || die "ws: refused client failed"
cap_stop
sleep 0.3
kill -INT "$TR"
wait "$TR" || die "ws: trace failed"
# the client's side of the connection: what tcpdump saw on its veth
python3 - "$TMP/ws.json" "$VC" "$port" >"$TMP/wsc.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    md = [a["value"] for a in e["args"] if a["name"] == "metadata"]
    tcp = [a["value"] for a in e["args"] if a["name"] == "proto_tcp"]
    if md and md[0].get("iface") == sys.argv[2] and tcp and \
            int(sys.argv[3]) in (tcp[0]["srcPort"], tcp[0]["dstPort"]):
        print(line, end="")
PY
$CHECK attrib "$TMP/wsc.json" "$(cat "$TMP/ws.pid")" python3 net_packet_tcp
timeout $T "$NETSIFT" read -o json -e net_packet_tcp --local $IP4C "$TMP/ws.pcap" >"$TMP/ws.read.json"
python3 - "$TMP/wsc.json" <<'PY' >"$TMP/wsc.tcp.json"
import json, sys
for line in open(sys.argv[1]):
    if json.loads(line)["eventName"] == "net_packet_tcp":
        print(line, end="")
PY
$CHECK same "$TMP/wsc.tcp.json" "$TMP/ws.read.json" "$VC"
python3 - "$TMP/ws.json" "$VS" <<'PY' || die "ws: no [kernel] ingress SYN to the closed port"
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    md = [a["value"] for a in e["args"] if a["name"] == "metadata"]
    tcp = [a["value"] for a in e["args"] if a["name"] == "proto_tcp"]
    if tcp and tcp[0]["dstPort"] == 7199 and tcp[0]["SYN"] and \
            md[0]["direction"] == "ingress" and md[0]["iface"] == sys.argv[2]:
        if e["processName"] != "[kernel]" or e["processId"] != 0:
            sys.exit("SYN to a closed port attributed to %r" % e["processName"])
        n += 1
if not n:
    sys.exit("no ingress SYN to port 7199 on %s" % sys.argv[2])
print("check: %d ingress SYN to a closed port, [kernel]" % n)
PY
grep -q "that found no socket" "$TMP/ws.err" || die "ws: no count of packets without a socket: $(tail -1 "$TMP/ws.err")"
log "ws: $(tail -1 "$TMP/ws.err")"

log "all teardown tests passed"
