# Shared by the live tests (tests/live*.sh), tests/bench-live.sh and the
# benchmark capture generators (tests/bench/mk*.sh): two network namespaces
# joined by a veth pair, the checks before, the cleanup after. Sourced (". "),
# not run. The sourcing script sets ME (its name for messages, default the
# script's file name) and may set, before its first ns_* call:
#   TMP   a temporary directory: its *.err files are shown when the script
#         fails, and it is removed at exit (kept when KEEP is set)
#   BG    background pids, killed and waited for at exit
#   ns_on_exit   a function run at exit before the namespaces go
# Names given to ns_pair should carry the script's pid (or be unique to the
# script): concurrent runs must not meet.

ME=${ME:-$(basename "$0")}
TMP=${TMP:-}
BG=${BG:-}
NS_NAMES=          # namespaces deleted at exit
NS_C= NS_S= NS_VC= NS_VS=

# CI sets NETSIFT_NO_SKIP=1: on its machines every feature is there, so a
# reason to skip is a failure.
skip() {
	[ "${NETSIFT_NO_SKIP:-0}" = 1 ] && { echo "$ME: FAIL (no skip allowed): $*"; exit 1; }
	echo "$ME: SKIP: $*"; exit 77
}
die() { echo "$ME: FAIL: $*"; exit 1; }
log() { echo "$ME: $*"; }

# Root, and these tools installed.
ns_need() {  # TOOL...
	[ "$(id -u)" = 0 ] || skip "needs root (eBPF, network namespaces)"
	for tool in ip "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip "$tool not installed"
	done
}

# A netsift at $NETSIFT built with the live backend; from here on the test
# holds the tracers' lock shared (ns_trace_lock).
ns_need_live() {
	[ -x "$NETSIFT" ] || die "no netsift binary at $NETSIFT"
	if "$NETSIFT" trace --help 2>&1 | grep -q "without the live"; then
		skip "netsift built without the live backend"
	fi
	ns_trace_lock -s
}

# Every tracer removes, at its start, the empty netsift-PID-N cgroups of
# tracers that are gone, whichever test made them (cg_remove_stale in
# src/live/cgroup.c). Tests that trace hold this lock shared (fd 8, from
# ns_need_live on, to their end); the test of that cleanup (live-tree.sh,
# part 5) takes it exclusively, so that no tracer of a test running beside
# it (make -j) removes its stale cgroups first.
# The file is opened once: the test's children inherit fd 8, and a lock
# taken again on a second open would wait for them.
NS_TRACE_LOCK=/tmp/netsift-trace.lock
NS_TRACE_FD=
ns_trace_lock() {  # -s | -x
	if [ -z "$NS_TRACE_FD" ]; then
		exec 8>>"$NS_TRACE_LOCK"
		NS_TRACE_FD=8
	fi
	flock -w 900 "$1" 8 || die "could not take $NS_TRACE_LOCK ($1) in 900 s"
}

# Can we attach cgroup programs at all? Only a kernel built without cgroup
# BPF (no cgroup2 mount with BPF, ENOSYS/EOPNOTSUPP from the kernel) is a
# reason to skip; a program the verifier rejects is a bug, so is any other
# failure. Needs TMP.
ns_probe_live() {  # TIMEOUT
	if ! timeout "$1" "$NETSIFT" trace -c 1 -o json -- true >"$TMP/probe.out" 2>"$TMP/probe.err"; then
		if grep -q "Function not implemented\|Operation not supported\|no cgroup v2" "$TMP/probe.err"; then
			skip "kernel lacks BPF cgroup support: $(head -1 "$TMP/probe.err")"
		fi
		die "netsift trace -- true failed: $(cat "$TMP/probe.err")"
	fi
}

ns_cleanup() {
	rc=$?
	set +e
	for p in $BG; do kill "$p" 2>/dev/null; done
	for p in $BG; do wait "$p" 2>/dev/null; done
	if command -v ns_on_exit >/dev/null 2>&1; then ns_on_exit; fi
	for n in $NS_NAMES; do ip netns del "$n" 2>/dev/null; done
	if [ -n "$TMP" ] && [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		for f in "$TMP"/*.err; do
			[ -s "$f" ] && { echo "--- $f"; tail -5 "$f"; }
		done
	fi
	[ -z "$TMP" ] || [ -n "${KEEP:-}" ] || rm -rf "$TMP"
	exit "$rc"
}

# Install ns_cleanup as the exit trap; INT and TERM exit through it.
ns_trap() {
	trap ns_cleanup EXIT
	trap 'exit 1' INT TERM
}

# Wait (at most 10 s) until FILE is not empty, or until FILE has a line
# matching PATTERN: a background server's ready file, a tracer's log line.
wait_file() {  # FILE
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || die "timed out waiting for $1"
		sleep 0.1
	done
}
wait_grep() {  # PATTERN FILE
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || die "timed out waiting for '$1' in $2"
		sleep 0.1
	done
}

# Make namespaces NC and NS joined by veth VC (in NC) - VS (in NS), lo up in
# both, IPv4 IP4C/24 on VC and IP4S/24 on VS, and with IP6C IP6S also
# IPv6 /64 addresses (no duplicate address detection, no router
# solicitations: no stray packets, addresses usable at once). Links up,
# then one ping must go through. Stale namespaces of the same names are
# deleted first; both are deleted at exit (ns_cleanup).
ns_pair() {  # NC NS VC VS IP4C IP4S [IP6C IP6S]
	NS_C=$1 NS_S=$2 NS_VC=$3 NS_VS=$4
	NS_NAMES="$NS_NAMES $1 $2"
	for n in "$1" "$2"; do
		ip netns del "$n" 2>/dev/null || true
		ip netns add "$n"
		if [ -n "${7:-}" ]; then
			ip netns exec "$n" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
				net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.accept_dad=0
		fi
		ip -n "$n" link set lo up
	done
	ip link add "$3" netns "$1" type veth peer name "$4" netns "$2"
	ip -n "$1" addr add "$5/24" dev "$3"
	ip -n "$2" addr add "$6/24" dev "$4"
	if [ -n "${7:-}" ]; then
		ip -n "$1" addr add "$7/64" dev "$3" nodad
		ip -n "$2" addr add "$8/64" dev "$4" nodad
	fi
	ip -n "$1" link set "$3" up
	ip -n "$2" link set "$4" up
	timeout 10 ip netns exec "$1" ping -c1 -W2 "$6" >/dev/null || die "veth not up"
}

# One namespace NAME with lo up, deleted at exit.
ns_one() {  # NAME
	NS_NAMES="$NS_NAMES $1"
	ip netns del "$1" 2>/dev/null || true
	ip netns add "$1"
	ip -n "$1" link set lo up
}

# Set ethtool features on both ends of the pair, e.g. "tso off gso off gro
# off" for wire-sized segments. A feature veth lacks is not an error.
ns_offloads() {  # FEATURE on|off ...
	ip netns exec "$NS_C" ethtool -K "$NS_VC" "$@" >/dev/null 2>&1 || true
	ip netns exec "$NS_S" ethtool -K "$NS_VS" "$@" >/dev/null 2>&1 || true
}
