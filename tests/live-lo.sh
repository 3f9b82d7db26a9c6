#!/bin/sh
# Loopback (root, a network namespace): a TCP connection
# between two traced processes over lo passes each one's hooks, the sender's
# egress and the receiver's ingress, but is one packet on lo. The trace must
# give each packet once, like tcpdump -i lo at the same time (same TCP
# segments: ports, seq, ack, flags, lengths), and the flow summary must count
# the packets tcpdump counts.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
PEER="python3 $TOP_SRCDIR/tests/live/peer.py"
NN=ll-n$$
T=15

ME=live-lo.sh
TMP=$(mktemp -d /tmp/ll-test.XXXXXX)
. "$TOP_SRCDIR/tests/netns.sh"
ns_trap
ns_need tcpdump python3 timeout
ns_need_live

ns_one "$NN"

timeout 30 ip netns exec "$NN" tcpdump -i lo -s 200 -U --immediate-mode -n -w "$TMP/lo.pcap" \
	"tcp port 7300" 2>"$TMP/lo.pcap.err" &
CAP=$!
BG="$BG $CAP"
i=0
while ! grep -q "listening on" "$TMP/lo.pcap.err" 2>/dev/null; do
	i=$((i + 1)); [ $i -le 100 ] || die "tcpdump did not start"; sleep 0.1
done
log "server and client over lo, both traced"
timeout $T "$NETSIFT" trace -o json -s 200 -e net_packet_tcp,net_flow_tcp_end -- \
	ip netns exec "$NN" sh -c "$PEER server 7300 --once --ready $TMP/ready & \
	while [ ! -s $TMP/ready ]; do sleep 0.05; done; \
	$PEER client 127.0.0.1 7300 --count 4 --size 300; wait" \
	>"$TMP/lo.json" 2>"$TMP/lo.err" || die "trace failed: $(cat "$TMP/lo.err")"
sleep 0.3
kill -INT "$CAP"
wait "$CAP" || true
log "$(tail -1 "$TMP/lo.err")"
timeout $T "$NETSIFT" read -o json -e net_packet_tcp,net_flow_tcp_end "$TMP/lo.pcap" >"$TMP/read.json"
python3 - "$TMP/lo.json" "$TMP/read.json" <<'PY'
import collections, json, sys

def load(p):
    return [json.loads(l) for l in open(p) if l.strip()]

def arg(e, n):
    for a in e["args"]:
        if a["name"] == n:
            return a["value"]

def segs(evs):
    out = []
    for e in evs:
        if e["eventName"] != "net_packet_tcp":
            continue
        t = arg(e, "proto_tcp")
        out.append(json.dumps({k: v for k, v in t.items() if k != "checksum"}, sort_keys=True))
    return out

live, cap = load(sys.argv[1]), load(sys.argv[2])
a, b = segs(live), segs(cap)
if collections.Counter(a) != collections.Counter(b) or not a:
    sys.exit("FAIL: %d TCP segments traced, %d captured on lo; only traced: %s; only captured: %s" % (
        len(a), len(b), list((collections.Counter(a) - collections.Counter(b)).elements())[:2],
        list((collections.Counter(b) - collections.Counter(a)).elements())[:2]))
if a != b:
    sys.exit("FAIL: the same segments in another order")
def flow_packets(evs):
    n = [e for e in evs if e["eventName"] == "net_flow_tcp_end"]
    if len(n) != 1:
        sys.exit("FAIL: %d flow ends" % len(n))
    v = {x["name"]: x["value"] for x in n[0]["args"]}
    return {k: v[k] for k in v if "ackets" in k or "ytes" in k}
fl, fc = flow_packets(live), flow_packets(cap)
if fl != fc:
    sys.exit("FAIL: flow counts traced %s, captured %s" % (fl, fc))
print("check: %d segments, each once, as on lo; flow counts %s" % (len(a), fl))
PY
grep -q "loopback arrivals merged" "$TMP/lo.err" || die "no merge count: $(tail -1 "$TMP/lo.err")"
log "all loopback tests passed"
