#!/bin/sh
# Measurements for `netsift trace` (not part of `make check`; root needed):
#   A. events/s sustained with zero drops: UDP at fixed packet rates (iperf3 -u)
#      from a traced client, `trace -o json >/dev/null`, drops read from stderr.
#   B. iperf3 TCP throughput over veth, untraced vs traced (-o json to
#      /dev/null, and -w to a pcapng file), with veth offloads on (default) and
#      off (wire-sized segments). Runs alternate; a round is one untraced run
#      and the traced ones right after it, and the loss is taken per round
#      (paired), because the untraced rate itself drifts by a percent or two
#      between runs on a shared machine. ROUNDS (default 7) rounds of 5 s.
# Usage: tests/bench-live.sh [NETSIFT]   (default ./netsift). Bounded in time
# (about 5 minutes with the default ROUNDS).
set -eu
NETSIFT=${1:-${NETSIFT:-$(pwd)/netsift}}
TRACE_OPTS=${TRACE_OPTS:-}   # e.g. "-B 65536" for a 64 MiB ring
NC=lv-bc$$ NS=lv-bs$$ VC=lv-bvc$$ VS=lv-bvs$$
TMP=$(mktemp -d /tmp/lv-bench.XXXXXX)
SRV=
cleanup() {
	set +e
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	ip netns del "$NC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "bench-live.sh: needs root"; exit 77; }

ip netns add "$NC"
ip netns add "$NS"
ip link add "$VC" netns "$NC" type veth peer name "$VS" netns "$NS"
ip -n "$NC" addr add 10.78.0.1/24 dev "$VC"
ip -n "$NS" addr add 10.78.0.2/24 dev "$VS"
for n in "$NC" "$NS"; do ip -n "$n" link set lo up; done
ip -n "$NC" link set "$VC" up
ip -n "$NS" link set "$VS" up
timeout 10 ip netns exec "$NC" ping -c1 -W2 10.78.0.2 >/dev/null

timeout 300 ip netns exec "$NS" iperf3 -s -1 >/dev/null 2>&1 &
SRV=$!
restart_server() {
	wait "$SRV" 2>/dev/null || true
	timeout 300 ip netns exec "$NS" iperf3 -s -1 >/dev/null 2>&1 &
	SRV=$!
	sleep 0.3
}
sleep 0.5

# iperf3 client, traced (wrapped in netsift trace) or not; prints the receiver's Gbit/s
client() {  # MODE (0 untraced, 1 -o json, w -w pcapng) ARGS...
	case $1 in
	1) out="-o json" ;;
	w) out="-w $TMP/rec.pcapng" ;;
	*) out= ;;
	esac
	shift
	rm -f "$TMP/iperf.json" "$TMP/rec.pcapng"
	if [ -n "$out" ]; then
		timeout 60 "$NETSIFT" trace $out $TRACE_OPTS -- \
			ip netns exec "$NC" iperf3 -J --logfile "$TMP/iperf.json" \
			-c 10.78.0.2 "$@" >/dev/null 2>"$TMP/trace.err"
	else
		timeout 60 ip netns exec "$NC" iperf3 -J --logfile "$TMP/iperf.json" \
			-c 10.78.0.2 "$@"
		: >"$TMP/trace.err"
	fi
	restart_server
}

gbps() {  # "nan" when the run failed (busy server, timeout)
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    print("%.2f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))
except Exception:
    print("nan")' "$TMP/iperf.json"
}
udp_report() {  # prints "sent lost% captured drops"
	python3 - "$TMP/iperf.json" "$TMP/trace.err" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
s = d["end"]["sum"]
err = open(sys.argv[2]).read()
m = re.search(r"(\d+) packets captured, \d+ selected, (\d+) dropped", err)
cap, drops = (m.group(1), m.group(2)) if m else ("?", "?")
secs = s["seconds"]
print("%8d pkts in %.1fs = %7.0f pkts/s sent; captured %s, kernel-side drops %s" % (
    s["packets"], secs, s["packets"] / secs, cap, drops))
PY
}

echo "== A. sustained events/s (UDP 64-byte payload, traced client, -o json >/dev/null; 2 events per packet)"
for rate in 20000 50000 100000 200000; do
	bw=$((rate * 64 * 8))
	client 1 -u -b "$bw" -l 64 -t 5
	printf "target %6d pkts/s: " "$rate"
	udp_report
done

ROUNDS=${ROUNDS:-7}
echo "== B. iperf3 TCP over veth, 5 s runs; $ROUNDS rounds of: untraced, traced -o json, traced -w pcapng"
for offl in on off; do
	for d in "$VC:$NC" "$VS:$NS"; do
		ip netns exec "${d#*:}" ethtool -K "${d%%:*}" tso $offl gso $offl gro $offl tx $offl rx $offl >/dev/null 2>&1 || true
	done
	base= json= pcapng= errs=
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		client 0 -t 5
		base="$base $(gbps)"
		client 1 -t 5
		json="$json $(gbps)"
		errs="$errs|$(tail -1 "$TMP/trace.err")"
		client w -t 5
		pcapng="$pcapng $(gbps)"
		errs="$errs|$(tail -1 "$TMP/trace.err")"
		r=$((r + 1))
	done
	python3 - "$offl" "$base" "$json" "$pcapng" "$errs" <<'PY'
import re, statistics, sys
offl, base, json_, pcapng, errs = sys.argv[1:]
def vals(s):
    return [float(x) if x != "nan" else None for x in s.split()]
b, runs = vals(base), {"-o json": vals(json_), "-w pcapng": vals(pcapng)}
print("offloads %-3s untraced   median %6.2f Gbit/s %s" % (
    offl, statistics.median([x for x in b if x]), [x for x in b]))
for name, t in runs.items():
    pairs = [(x, y) for x, y in zip(b, t) if x and y]
    loss = sorted((y - x) / x * 100 for x, y in pairs)
    print("offloads %-3s %-10s median %6.2f Gbit/s %s: loss per round median %+.1f%% (%+.1f%% .. %+.1f%%)" % (
        offl, name, statistics.median([y for _, y in pairs]), [y for y in t],
        statistics.median(loss), loss[0], loss[-1]))
drops = [int(m.group(1)) for m in re.finditer(r"(\d+) dropped by the kernel side", errs)]
print("    traced runs: %d, kernel-side drops in all of them: %d" % (len(drops), sum(drops)))
PY
done
