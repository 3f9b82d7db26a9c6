#!/bin/sh
# Process and container context of live events (root, network namespaces,
# cgroups): a TCP client in its own pid and mount namespace inside a cgroup
# named like Docker's (docker-<64 hex>.scope), and one on the host in a cgroup
# named like a systemd session scope, both under one cgroup that is traced.
# Checks, on the live -o json events:
#   - the contained client: processId (host) differs from nsProcessId, which
#     is the pid the process sees (os.getpid()); nsParentProcessId is 1 (the
#     shell that is its namespace's init); pidNamespace and mountNamespace are
#     the inodes the process sees; executable is python3's real path;
#     cgroupPath the cgroup, cgroupId its inode; containerId the 64 hex
#     digits, containerRuntime "docker";
#   - the session client: namespace ids equal the host ids, the host's pid
#     namespace, no container;
# then that `read -o json` of the -w recording gives the same events byte for
# byte, `read --schema tracee` Tracee's fields (processId = namespace pid,
# hostProcessId, container.id ...), and that Wireshark's frame.comment shows
# the context.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
PEER="$TOP_SRCDIR/tests/live/peer.py"
NC=lx-c$$ NS=lx-s$$ VC=lx-vc$$ VS=lx-vs$$
IP4C=10.83.0.1 IP4S=10.83.0.2
T=30

skip() {
	[ "${NETSIFT_NO_SKIP:-0}" = 1 ] && { echo "live-ctx.sh: FAIL (no skip allowed): $*"; exit 1; }
	echo "live-ctx.sh: SKIP: $*"; exit 77
}
die() { echo "live-ctx.sh: FAIL: $*"; exit 1; }
log() { echo "live-ctx.sh: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (eBPF, namespaces, cgroups)"
[ -x "$NETSIFT" ] || die "no netsift binary at $NETSIFT"
for tool in ip python3 unshare tshark timeout sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
done
if "$NETSIFT" trace --help 2>&1 | grep -q "without the live"; then
	skip "netsift built without the live backend"
fi
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$CG" ] || skip "no cgroup2 mount"

HEX=$(printf 'netsift-live-ctx-%s' $$ | sha256sum | cut -c1-64)
TOPCG=nsctx$$.slice
DCG=$CG/$TOPCG/docker-$HEX.scope
SCG=$CG/$TOPCG/session-$$.scope
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')

TMP=$(mktemp -d /tmp/lx-test.XXXXXX)
BG=""
cleanup() {
	rc=$?
	set +e
	for p in $BG; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	for d in "$DCG" "$SCG"; do
		[ -d "$d" ] || continue
		for p in $(cat "$d/cgroup.procs"); do kill -9 "$p"; done
		sleep 0.2
		rmdir "$d"
	done
	rmdir "$CG/$TOPCG" 2>/dev/null
	ip netns del "$NC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		for f in "$TMP"/*.err; do
			[ -s "$f" ] && { echo "--- $f"; tail -5 "$f"; }
		done
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

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

mkdir "$CG/$TOPCG" "$DCG" "$SCG"
ip netns add "$NC"
ip netns add "$NS"
for n in "$NC" "$NS"; do ip -n "$n" link set lo up; done
ip link add "$VC" netns "$NC" type veth peer name "$VS" netns "$NS"
ip -n "$NC" addr add $IP4C/24 dev "$VC"
ip -n "$NS" addr add $IP4S/24 dev "$VS"
ip -n "$NC" link set "$VC" up
ip -n "$NS" link set "$VS" up
timeout 10 ip netns exec "$NC" ping -c1 -W2 $IP4S >/dev/null || die "veth not up"

timeout $T ip netns exec "$NS" python3 "$PEER" server 7500 --ready "$TMP/srv.ready" &
BG="$BG $!"
wait_file "$TMP/srv.ready"

timeout $T "$NETSIFT" trace -v --cgroup "$TOPCG" -o json -w "$TMP/ctx.pcapng" \
	-f "tcp port 7500" >"$TMP/live.json" 2>"$TMP/trace.err" &
TR=$!
BG="$BG $TR"
wait_grep "tracing cgroup" "$TMP/trace.err"

# In the container: the shell is pid 1 of a new pid namespace (with its own
# /proc, so a new mount namespace too), python3 its child. It stays 1 s after
# the connection so that the tracer reads its /proc entry while it lives.
timeout $T sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$DCG" \
	ip netns exec "$NC" unshare -p -f --mount-proc sh -c '
		readlink /proc/self/ns/pid >"$1/c.pidns"
		readlink /proc/self/ns/mnt >"$1/c.mntns"
		python3 "$2" client "$3" 7500 --count 2 --size 100 --pidfile "$1/c.pid" --exit-delay 1
		true' sh "$TMP" "$PEER" $IP4S || die "container client failed"
timeout $T sh -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$SCG" \
	ip netns exec "$NC" python3 "$PEER" client $IP4S 7500 --count 2 --size 100 \
	--pidfile "$TMP/s.pid" --exit-delay 1 || die "session client failed"
sleep 0.3
kill -INT "$TR"
wait "$TR" || die "trace failed: $(cat "$TMP/trace.err")"
log "$(tail -1 "$TMP/trace.err")"
grep -q "without process context" "$TMP/trace.err" && die "threads without context: $(tail -1 "$TMP/trace.err")"

HOSTPIDNS=$(stat -L -c %i /proc/self/ns/pid)
python3 - "$TMP" "$HEX" "$(stat -c %i "$DCG")" "$(stat -c %i "$SCG")" "$PY" \
	"/$TOPCG/docker-$HEX.scope" "/$TOPCG/session-$$.scope" "$HOSTPIDNS" <<'PY' || die "live events"
import json, re, sys
tmp, hexid, dcgid, scgid, exe, dpath, spath, hostpidns = sys.argv[1:9]
ino = lambda f: int(re.search(r"\[(\d+)\]", open(tmp + "/" + f).read()).group(1))
ev = [json.loads(l) for l in open(tmp + "/live.json")]
cont = [e for e in ev if e.get("cgroupId") == int(dcgid)]
sess = [e for e in ev if e.get("cgroupId") == int(scgid)]
if len(cont) < 8 or len(sess) < 8:
    sys.exit("too few events: %d in the container, %d in the session of %d" % (len(cont), len(sess), len(ev)))
want_c = {"nsProcessId": int(open(tmp + "/c.pid").read()), "nsParentProcessId": 1,
          "pidNamespace": ino("c.pidns"), "mountNamespace": ino("c.mntns"),
          "executable": exe, "cgroupPath": dpath, "containerId": hexid,
          "containerRuntime": "docker", "processName": "python3"}
spid = int(open(tmp + "/s.pid").read())
want_s = {"processId": spid, "nsProcessId": spid, "pidNamespace": int(hostpidns),
          "executable": exe, "cgroupPath": spath, "containerId": "", "containerRuntime": ""}
for name, evs, want in (("container", cont, want_c), ("session", sess, want_s)):
    for e in evs:
        for k, v in want.items():
            if e.get(k) != v:
                sys.exit("%s event %s: %s = %r, want %r" % (name, e["eventName"], k, e.get(k), v))
        if e["nsThreadId"] != e["nsProcessId"] or e["parentProcessId"] == 0:
            sys.exit("%s: nsThreadId %d, parentProcessId %d" % (name, e["nsThreadId"], e["parentProcessId"]))
if cont[0]["processId"] == cont[0]["nsProcessId"]:
    sys.exit("container: host pid equals namespace pid %d" % cont[0]["processId"])
if cont[0]["pidNamespace"] == int(hostpidns):
    sys.exit("container: host pid namespace")
print("live-ctx.sh: live: %d container events (host pid %d = pid %d in pid:[%d]), %d session events"
      % (len(cont), cont[0]["processId"], cont[0]["nsProcessId"], cont[0]["pidNamespace"], len(sess)))
PY

# the recording restores it all
timeout $T "$NETSIFT" read -o json "$TMP/ctx.pcapng" >"$TMP/read.json"
cmp "$TMP/live.json" "$TMP/read.json" || die "read of -w differs from the live events"
timeout $T "$NETSIFT" read --schema tracee "$TMP/ctx.pcapng" >"$TMP/tracee.json"
python3 - "$TMP" "$HEX" "$(stat -c %i "$DCG")" "$(stat -c %i "$SCG")" "$PY" <<'PY' || die "tracee schema"
import json, sys
tmp, hexid, dcgid, scgid, exe = sys.argv[1:6]
live = [json.loads(l) for l in open(tmp + "/live.json")]
tr = [json.loads(l) for l in open(tmp + "/tracee.json")]
if len(live) != len(tr):
    sys.exit("%d live events, %d tracee events" % (len(live), len(tr)))
n = 0
for a, b in zip(live, tr):
    if a["cgroupId"] not in (int(dcgid), int(scgid)):
        continue
    want = {"processId": a["nsProcessId"], "threadId": a["nsThreadId"],
            "parentProcessId": a["nsParentProcessId"], "hostProcessId": a["processId"],
            "hostThreadId": a["threadId"], "hostParentProcessId": a["parentProcessId"],
            "pidNamespace": a["pidNamespace"], "mountNamespace": a["mountNamespace"],
            "executable": {"path": exe}, "containerId": a["containerId"],
            "container": {"id": hexid} if a["containerId"] else {}}
    for k, v in want.items():
        if b.get(k) != v:
            sys.exit("tracee %s: %s = %r, want %r" % (b["eventName"], k, b.get(k), v))
    n += 1
print("live-ctx.sh: tracee schema: %d events with Tracee's process fields" % n)
PY
tshark -r "$TMP/ctx.pcapng" -T fields -e frame.comment 2>/dev/null | sort -u >"$TMP/comments"
grep -q "^python3\[[0-9]*\] tid=[0-9]* uid=0 cgroup=[0-9]* ppid=[0-9]* nspid=$(cat "$TMP/c.pid") nstid=[0-9]* nsppid=1 .* exe=$PY cgpath=/$TOPCG/docker-$HEX.scope\$" \
	"$TMP/comments" || die "frame.comment: $(cat "$TMP/comments")"
log "all context tests passed"
