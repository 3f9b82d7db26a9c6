#!/bin/sh
# netsift trace -- COMMAND follows the whole process tree, and the ends of a
# trace (root, network namespaces):
#   1. a child the command leaves running in the background keeps the trace
#      going and its packets are traced (two pings, one backgrounded for 1 s)
#   2. SIGINT reaches every process of the cgroup; one that ignores it is
#      killed (cgroup.kill) after the grace period: nothing is left running
#   3. exit status: the command's; 127 not found; 126 not executable; 2 for
#      `trace --` without a command
#   4. --pid ends when every listed process has exited (flows ended, summary
#      printed); --follow does not
#   5. empty netsift-PID-N cgroups of tracers that are gone (kill -9) are
#      removed at start; a populated one and a live tracer's are left alone
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
NC=lt-c$$ NS=lt-s$$ VC=lt-vc$$ VS=lt-vs$$
IP4C=10.79.0.1 IP4S=10.79.0.2
T=15

ME=live-tree.sh
TMP=$(mktemp -d /tmp/lt-test.XXXXXX)
. "$(dirname "$0")/netns.sh"
CG=
STALE=
# the stale cgroups of part 5: their processes go back to the root, then
# they go
ns_on_exit() {
	for d in $STALE; do
		[ -d "$d" ] || continue
		for p in $(cat "$d/cgroup.procs"); do echo "$p" >"$CG/cgroup.procs"; kill -9 "$p"; done
		rmdir "$d"
	done
}
ns_trap
ns_need python3 ping timeout
ns_need_live
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG" ] || skip "no cgroup2 mount"
ns_probe_live $T

ns_pair "$NC" "$NS" "$VC" "$VS" $IP4C $IP4S

now_ms() { date +%s%3N; }

# ---- 1. background child: traced, and the trace waits for it ----
log "1: a backgrounded child keeps the trace going"
t0=$(now_ms)
timeout $T "$NETSIFT" trace -o json -e net_packet_icmp -- ip netns exec "$NC" sh -c \
	"(sleep 1; exec ping -c 1 -W 2 $IP4S >/dev/null) & exec ping -c 1 -W 2 $IP4S >/dev/null" \
	>"$TMP/t1.json" 2>"$TMP/t1.err" || die "trace 1 failed: $(cat "$TMP/t1.err")"
t1=$(now_ms)
[ $((t1 - t0)) -ge 1000 ] || die "1: the trace ended after $((t1 - t0)) ms, before the background ping"
python3 - "$TMP/t1.json" <<'PY' || die "1: background ping not traced"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
pids = {e["processId"] for e in evs if e["processName"] == "ping"}
if len(evs) != 4 or len(pids) != 2:
    sys.exit("%d ICMP events of %d ping processes, want 4 of 2" % (len(evs), len(pids)))
print("check: 4 echo events of 2 ping processes %s" % sorted(pids))
PY

# ---- 2. SIGINT: every process signalled, survivors killed ----
log "2: SIGINT reaches the whole cgroup; a process that ignores it is killed"
timeout $T "$NETSIFT" trace -v -o json -- sh -c \
	'sh -c "trap \"\" INT TERM; echo \$\$ >'"$TMP"'/t2.pid; while :; do sleep 0.1; done" & wait' \
	>"$TMP/t2.json" 2>"$TMP/t2.err" &
TR=$!
BG="$BG $TR"
i=0
while [ ! -s "$TMP/t2.pid" ]; do i=$((i + 1)); [ $i -le 100 ] || die "2: no pid"; sleep 0.1; done
IGN=$(cat "$TMP/t2.pid")
t0=$(now_ms)
kill -INT "$TR"
rc=0
wait "$TR" || rc=$?
t1=$(now_ms)
[ $((t1 - t0)) -lt 6000 ] || die "2: took $((t1 - t0)) ms"
[ "$rc" = 130 ] || die "2: exit $rc, want 130 (the command died of SIGINT)"
# (a zombie not yet reaped by init is no running process)
state=$(awk '{ print $3 }' "/proc/$IGN/stat" 2>/dev/null || true)
[ -z "$state" ] || [ "$state" = Z ] || die "2: process $IGN that ignored SIGINT still runs ($state)"
log "2: exit $rc after $((t1 - t0)) ms, the SIGINT-ignoring process is gone"

# ---- 3. exit statuses ----
log "3: exit statuses"
st() { rc=0; timeout $T "$NETSIFT" trace -o json "$@" >/dev/null 2>"$TMP/t3.err" || rc=$?; echo $rc; }
[ "$(st -- sh -c 'exit 7')" = 7 ] || die "3: command's status not passed on"
[ "$(st -- /nonexistent/netsift-no-such-command)" = 127 ] || die "3: not found is not 127"
[ "$(st -- /etc/passwd)" = 126 ] || die "3: not executable is not 126"
[ "$(st --)" = 2 ] || die "3: trace -- without a command is not 2"
grep -q "no command" "$TMP/t3.err" || die "3: no message for trace --"

# ---- 4. --pid ends with its processes ----
log "4: --pid ends when the processes exit"
ip netns exec "$NC" sh -c "sleep 1; ping -c 1 -W 2 $IP4S >/dev/null" &
P1=$!
sleep 1.5 &
P2=$!
BG="$BG $P1 $P2"
t0=$(now_ms)
timeout $T "$NETSIFT" trace -o json --pid "$P1,$P2" >"$TMP/t4.json" 2>"$TMP/t4.err" ||
	die "4: trace failed: $(cat "$TMP/t4.err")"
t1=$(now_ms)
[ $((t1 - t0)) -lt 5000 ] || die "4: --pid trace went on $((t1 - t0)) ms"
grep -q "packets captured" "$TMP/t4.err" || die "4: no summary"
log "4: ended after $((t1 - t0)) ms"
sleep 0.2 &
P3=$!
rc=0
timeout 2 "$NETSIFT" trace -o json --pid "$P3" --follow >/dev/null 2>"$TMP/t4f.err" || rc=$?
[ "$rc" = 124 ] || die "4: --follow ended by itself (exit $rc)"

# ---- 5. stale cgroups ----
log "5: stale cgroups of dead tracers"
# alone among tracers from here on (see ns_trace_lock)
ns_trace_lock -x
# a pid that is no process now
DEAD=$(python3 -c 'import os
p = 4000000
while True:
    try:
        os.kill(p, 0)
    except ProcessLookupError:
        print(p); break
    except PermissionError:
        pass
    p -= 1')
STALE="$CG/netsift-$DEAD-0 $CG/netsift-$DEAD-1 $CG/netsift-$$-0"
for d in $STALE; do mkdir "$d"; done
sleep 30 &
SL=$!
BG="$BG $SL"
echo $SL >"$CG/netsift-$DEAD-1/cgroup.procs"
timeout $T "$NETSIFT" trace -v -o json -- true >/dev/null 2>"$TMP/t5.err" || die "5: trace failed"
[ -d "$CG/netsift-$DEAD-0" ] && die "5: empty stale cgroup not removed"
[ -d "$CG/netsift-$DEAD-1" ] || die "5: populated cgroup removed"
[ -d "$CG/netsift-$$-0" ] || die "5: cgroup of a live pid removed"
grep -q "removed 1 empty cgroup" "$TMP/t5.err" || die "5: not reported: $(cat "$TMP/t5.err")"
log "5: $(grep removed "$TMP/t5.err")"

log "all process-tree tests passed"
