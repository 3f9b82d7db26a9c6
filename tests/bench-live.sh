#!/bin/sh
# Measurements for `netsift trace` (not part of `make check`; root needed):
#   A. events/s sustained with zero drops: UDP at fixed packet rates from a
#      traced sender (tests/bench/udpblast: sendmmsg, paced; iperf3 -u cannot
#      send 200k packets/s here), `trace -o json >/dev/null`, drops read from
#      stderr. A_RATES, A_SECS (default 5) choose the rates and the length.
#   B. iperf3 TCP throughput over veth, untraced vs traced (-o json to
#      /dev/null, and -w to a pcapng file), with veth offloads on (default) and
#      off (wire-sized segments). Runs alternate; a round is one untraced run
#      and the traced ones right after (odd rounds: before) it, and the loss is taken per round
#      (paired), because the untraced rate itself drifts by a percent or two
#      between runs on a shared machine. ROUNDS (default 7) rounds of 5 s.
#   C. the eBPF programs' own run time per packet (kernel.bpf_stats_enabled),
#      which a loaded machine does not blur. PARTS="A B C" selects.
# Usage: tests/bench-live.sh [NETSIFT]   (default ./netsift). Bounded in time
# (about 5 minutes with the default ROUNDS).
set -eu
NETSIFT=${1:-${NETSIFT:-$(pwd)/netsift}}
TRACE_OPTS=${TRACE_OPTS:-}   # e.g. "-B 65536" for a 64 MiB ring
PARTS=${PARTS:-A B C}        # which measurements
UDPBLAST=${UDPBLAST:-$(dirname "$NETSIFT")/tests/bench/udpblast}   # make tests/bench/udpblast
A_SECS=${A_SECS:-5}
ME=bench-live.sh
TMP=$(mktemp -d /tmp/lv-bench.XXXXXX)
. "$(dirname "$0")/netns.sh"
NC=lv-bc$$ NS=lv-bs$$ VC=lv-bvc$$ VS=lv-bvs$$
SRV= SINK=
STATS0=
ns_on_exit() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	[ -n "$SINK" ] && kill "$SINK" 2>/dev/null
	[ -n "$STATS0" ] && sysctl -qw kernel.bpf_stats_enabled="$STATS0"
}
ns_trap
ns_need iperf3 ethtool python3 timeout
case " $PARTS " in *" A "*)
	[ -x "$UDPBLAST" ] || { echo "$ME: $UDPBLAST not built (make tests/bench/udpblast)"; exit 99; } ;;
esac
ns_need_live
ns_pair "$NC" "$NS" "$VC" "$VS" 10.78.0.1 10.78.0.2

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

case " $PARTS " in *" A "*)
echo "== A. sustained events/s (UDP 64-byte payload from tests/bench/udpblast, sendmmsg paced; traced sender, -o json >/dev/null; 2 events per packet)"
ip netns exec "$NS" "$UDPBLAST" sink 9000 600 >"$TMP/sink" &
SINK=$!
sleep 0.3
for rate in ${A_RATES:-20000 50000 100000 200000 300000}; do
	# what the sender reaches untraced right now: on a shared machine
	# the generator, not the tracer, may be what falls short
	untraced=$(ip netns exec "$NC" "$UDPBLAST" send 10.78.0.2 9000 "$rate" "$A_SECS" |
		awk '{ printf "%.0f", $2 / $4 }')
	timeout 60 "$NETSIFT" trace -o json $TRACE_OPTS -- \
		ip netns exec "$NC" "$UDPBLAST" send 10.78.0.2 9000 "$rate" "$A_SECS" \
		>/dev/null 2>"$TMP/trace.err" || true
	# the sender's line went to /dev/null with the events: count from the trace
	python3 - "$TMP/trace.err" "$rate" "$untraced" "$A_SECS" <<'PY'
import re, sys
err = open(sys.argv[1]).read()
m = re.search(r"(\d+) packets captured, \d+ selected, (\d+) dropped", err)
cap, drops = (int(m.group(1)), m.group(2)) if m else (0, "?")
secs = float(sys.argv[4])
print("target %6s pkts/s (untraced just before: %s pkts/s): captured %d = %.0f pkts/s, kernel-side drops %s" % (
    sys.argv[2], sys.argv[3], cap, cap / secs, drops))
PY
done
kill "$SINK" 2>/dev/null; wait "$SINK" 2>/dev/null || true
;; esac

ROUNDS=${ROUNDS:-7}
offloads() { ns_offloads tso "$1" gso "$1" gro "$1" tx "$1" rx "$1"; }
case " $PARTS " in *" B "*)
echo "== B. iperf3 TCP over veth, 5 s runs; $ROUNDS rounds of: untraced, traced -o json, traced -w pcapng"
for offl in on off; do
	offloads $offl
	base= json= pcapng= errs=
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		# untraced first in even rounds, last in odd ones: a drift of the
		# machine's load within a round does not always favour one side
		if [ $((r % 2)) = 0 ]; then
			client 0 -t 5
			base="$base $(gbps)"
		fi
		client 1 -t 5
		json="$json $(gbps)"
		errs="$errs|$(tail -1 "$TMP/trace.err")"
		client w -t 5
		pcapng="$pcapng $(gbps)"
		errs="$errs|$(tail -1 "$TMP/trace.err")"
		if [ $((r % 2)) = 1 ]; then
			client 0 -t 5
			base="$base $(gbps)"
		fi
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
;; esac

# C. What the kernel side costs per packet, measured in the kernel: run time
# of each program (kernel.bpf_stats_enabled) over a traced iperf3 run, per
# run and per packet the cgroup hooks saw. Unlike throughput, this does not
# depend on what else the machine is doing. bpftool runs inside the traced
# command, while the programs are still loaded; its parent is the tracer.
case " $PARTS " in *" C "*)
command -v bpftool >/dev/null 2>&1 || skip "bpftool not installed"
STATS0=$(sysctl -n kernel.bpf_stats_enabled)
echo "== C. kernel-side cost, ns per run (kernel.bpf_stats_enabled), traced iperf3 -t 5, -o json"
for offl in ${C_OFFLOADS:-on off}; do
	offloads $offl
	sysctl -qw kernel.bpf_stats_enabled=1
	timeout 60 "$NETSIFT" trace -o json $TRACE_OPTS -- sh -c \
		"ip netns exec $NC iperf3 -c 10.78.0.2 -t ${C_SECS:-5} >/dev/null; cat /proc/\$PPID/fdinfo/* >$TMP/tracer 2>/dev/null; cat /proc/\$PPID/stat >$TMP/tracer.stat; bpftool prog show -j >$TMP/progs.json" \
		>/dev/null 2>"$TMP/trace.err"
	sysctl -qw kernel.bpf_stats_enabled="$STATS0"
	restart_server
	python3 - "$offl" "$TMP/progs.json" "$TMP/tracer" "$TMP/tracer.stat" "$(tail -1 "$TMP/trace.err")" <<'PY'
import json, os, re, sys
offl, path, fdinfo, stat, summary = sys.argv[1:]
# ours: the programs the tracer holds open (another tracer may be running)
ids = {int(x) for x in re.findall(r"^prog_id:\s*(\d+)", open(fdinfo).read(), re.M)}
progs = [p for p in json.load(open(path)) if p["id"] in ids and p.get("run_cnt")]
pkts = sum(p["run_cnt"] for p in progs if p["name"] in ("ns_ingress", "ns_egress"))
total = sum(p["run_time_ns"] for p in progs)
for p in sorted(progs, key=lambda p: p["name"]):
    print("offloads %-3s %-16s %9d runs %6.0f ns/run" % (
        offl, p["name"], p["run_cnt"], p["run_time_ns"] / p["run_cnt"]))
print("offloads %-3s all programs: %.0f ns per packet of the cgroup hooks (%d packets)" % (
    offl, total / max(pkts, 1), pkts))
# the reader's own CPU time (utime, stime: after the ")" of comm, fields 12, 13)
f = open(stat).read().rsplit(")", 1)[1].split()
hz = os.sysconf("SC_CLK_TCK")
print("offloads %-3s tracer (reader) CPU: %.0f ms user + %.0f ms system for the whole run" % (
    offl, int(f[11]) * 1000 / hz, int(f[12]) * 1000 / hz))
print("    " + summary)
PY
done
;; esac
