#!/bin/sh
# Strict time order of a live trace across CPUs (root, netns):
# iperf3 --bidir over veth, the client pinned to one CPU and the server to
# another, so both CPUs' rings fill at once, while `netsift trace -w` records
# the client. capinfos must find the recording in strict time order, and the
# JSON events of a second trace must have non-decreasing timestamps.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
NC=lo-c$$ NS=lo-s$$ VC=lo-vc$$ VS=lo-vs$$
IP4C=10.80.0.1 IP4S=10.80.0.2
T=30

ME=live-order.sh
TMP=$(mktemp -d /tmp/lo-test.XXXXXX)
. "$(dirname "$0")/netns.sh"
ns_trap
ns_need iperf3 capinfos taskset python3 timeout
ns_need_live
[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"

ns_pair "$NC" "$NS" "$VC" "$VS" $IP4C $IP4S
# wire-sized segments: many packets
ns_offloads tso off gso off gro off

timeout $T ip netns exec "$NS" taskset -c 1 iperf3 -s -1 -p 5299 >/dev/null 2>"$TMP/srv.err" &
BG="$BG $!"
sleep 0.5
log "iperf3 --bidir, client on CPU 0, server on CPU 1, recorded with -w"
timeout $T "$NETSIFT" trace -B 65536 -w "$TMP/o.pcapng" -- ip netns exec "$NC" \
	taskset -c 0 iperf3 -c $IP4S -p 5299 --bidir -t 3 -l 16k >/dev/null 2>"$TMP/o.err" ||
	die "trace failed: $(cat "$TMP/o.err")"
log "$(tail -1 "$TMP/o.err")"
capinfos -M -o -c "$TMP/o.pcapng" >"$TMP/capinfos.out" 2>&1 || die "capinfos: $(cat "$TMP/capinfos.out")"
grep "Number of packets\|Strict time order" "$TMP/capinfos.out" | sed 's/^/live-order.sh: /'
grep -q "Strict time order: *True" "$TMP/capinfos.out" || die "recording not in strict time order"
# the trace must really have spanned both CPUs' rings: enough packets
n=$(sed -n 's/^Number of packets: *\([0-9]*\).*/\1/p' "$TMP/capinfos.out")
[ "${n:-0}" -ge 10000 ] || die "only ${n:-0} packets: not a load test"

# the order must come from the merge, not from the last-resort retiming of
# records stamped too long before they could be read
late=$(sed -n 's/.*, \([0-9]*\) late records retimed.*/\1/p' "$TMP/o.err")
[ "${late:-0}" -le $((n / 1000)) ] || die "$late of $n records were late and retimed"

log "all time-order tests passed"
