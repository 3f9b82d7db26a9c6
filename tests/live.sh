#!/bin/sh
# Live tracing end to end (netsift trace): two network namespaces joined by a
# veth pair, traced and untraced endpoints, tcpdump alongside for comparison.
#   1. traced client, untraced server: every packet of the client carries its
#      pid and comm, nothing of the server's; the events equal those of
#      `netsift read` over a tcpdump capture of the same traffic (header fields,
#      direction, order within a direction; the traced veth as interface);
#      `netsift read` of the -w recording gives the live events byte for byte.
#   2. traced server (accepting), untraced client: the same three checks.
#   3. --pid of a server that was listening before netsift started (/proc
#      attribution, inherited by the connection it accepts).
#   4. ping and ping -6 are attributed (request egress, reply ingress).
#   5. a RST from a closed port is labelled [kernel] (whole-system trace).
#   6. a reader that does not read: the kernel drops and counts, never blocks,
#      and the count is reported.
#   7. not root: one error line, non-zero exit.
# Skips (77) only when not root or when the kernel cannot attach cgroup eBPF.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
HERE="$TOP_SRCDIR/tests/live"
PEER="python3 $HERE/peer.py"
CHECK="python3 $HERE/check.py"
# names carry our pid: concurrent runs (plain and ASan builds) must not meet
NC=lv-c$$ NS=lv-s$$ VC=lv-vc$$ VS=lv-vs$$
IP4C=10.77.0.1 IP4S=10.77.0.2 IP6C=fd00:77::1 IP6S=fd00:77::2
T=10   # seconds: bound for each step

ME=live.sh
TMP=$(mktemp -d /tmp/lv-test.XXXXXX)
. "$TOP_SRCDIR/tests/netns.sh"
ns_trap
ns_need tcpdump python3 ping ethtool timeout setpriv
ns_need_live
ns_probe_live $T

# ---- namespaces ----
ns_pair "$NC" "$NS" "$VC" "$VS" $IP4C $IP4S $IP6C $IP6S
# wire-sized segments, checksums filled in by the stack
ns_offloads tso off gso off gro off tx off rx off

wait_file() {  # FILE: wait until it exists (bounded)
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

# tcpdump in a namespace; 14 bytes of Ethernet + 128 of IP = netsift's snaplen
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

# ---- 1. traced client, untraced server ----
log "1: traced client, untraced server"
timeout 30 ip netns exec "$NS" $PEER server 7001 --ready "$TMP/s1.ready" &
BG="$BG $!"
wait_file "$TMP/s1.ready"
cap_start "$NC" "$VC" "$TMP/c1.pcap" "tcp port 7001"
timeout $T "$NETSIFT" trace -o json -w "$TMP/c1.pcapng" -- \
	ip netns exec "$NC" $PEER client $IP4S 7001 --count 5 --size 300 \
	--pidfile "$TMP/c1.pid" >"$TMP/c1.json" 2>"$TMP/c1.err" || die "trace 1 failed"
cap_stop
grep -q "0 dropped" "$TMP/c1.err" || die "trace 1: drops: $(cat "$TMP/c1.err")"
$CHECK attrib "$TMP/c1.json" "$(cat "$TMP/c1.pid")" python3
$CHECK count "$TMP/c1.json" net_packet_tcp 12
# the traced side is local, as the live hooks know: same context, same events
timeout $T "$NETSIFT" read -o json --local $IP4C "$TMP/c1.pcap" >"$TMP/c1.read.json"
$CHECK same "$TMP/c1.json" "$TMP/c1.read.json" "$VC"
timeout $T "$NETSIFT" read -o json "$TMP/c1.pcapng" >"$TMP/c1.replay.json"
cmp "$TMP/c1.json" "$TMP/c1.replay.json" || die "replay of -w differs from the live events"
log "1: -w replay identical ($(wc -l <"$TMP/c1.json") events)"

# ---- 2. traced server that accepts, untraced client (IPv6) ----
log "2: traced server (accept), untraced client, IPv6"
cap_start "$NS" "$VS" "$TMP/s2.pcap" "tcp port 7002"
timeout $T "$NETSIFT" trace -o json -w "$TMP/s2.pcapng" -- \
	ip netns exec "$NS" $PEER server 7002 --once --ready "$TMP/s2.ready" \
	--pidfile "$TMP/s2.pid" >"$TMP/s2.json" 2>"$TMP/s2.err" &
TR=$!
BG="$BG $TR"
wait_file "$TMP/s2.ready"
timeout $T ip netns exec "$NC" $PEER client $IP6S 7002 --count 4 --size 200 ||
	die "client 2 failed"
wait "$TR" || die "trace 2 failed: $(cat "$TMP/s2.err")"
cap_stop
$CHECK attrib "$TMP/s2.json" "$(cat "$TMP/s2.pid")" python3
$CHECK count "$TMP/s2.json" net_packet_tcp 10
timeout $T "$NETSIFT" read -o json --local $IP6S "$TMP/s2.pcap" >"$TMP/s2.read.json"
$CHECK same "$TMP/s2.json" "$TMP/s2.read.json" "$VS"
timeout $T "$NETSIFT" read -o json "$TMP/s2.pcapng" >"$TMP/s2.replay.json"
cmp "$TMP/s2.json" "$TMP/s2.replay.json" || die "replay of -w differs from the live events"
log "2: -w replay identical"

# ---- 3. --pid of a server older than the trace ----
log "3: --pid of a server that existed before netsift"
timeout 30 ip netns exec "$NS" $PEER server 7003 --ready "$TMP/s3.ready" \
	--pidfile "$TMP/s3.pid" &
BG="$BG $!"
wait_file "$TMP/s3.ready"
SPID=$(cat "$TMP/s3.pid")
timeout 20 "$NETSIFT" trace -v -o json --pid "$SPID" -f "tcp port 7003" \
	>"$TMP/s3.json" 2>"$TMP/s3.err" &
TR=$!
BG="$BG $TR"
wait_grep "tracing cgroup" "$TMP/s3.err"
timeout $T ip netns exec "$NC" $PEER client $IP4S 7003 --count 2 || die "client 3 failed"
sleep 0.5
kill -INT "$TR"
wait "$TR" || die "trace 3 failed: $(cat "$TMP/s3.err")"
$CHECK attrib "$TMP/s3.json" "$SPID" python3
$CHECK count "$TMP/s3.json" net_packet_tcp 8

# ---- 4. ping, ping -6 ----
log "4: ICMP and ICMPv6 echo"
# (the command's own output would mix with the events on stdout)
timeout $T "$NETSIFT" trace -o json -- ip netns exec "$NC" \
	sh -c "exec ping -c 2 -i 0.2 -W 2 $IP4S >/dev/null" \
	>"$TMP/p4.json" 2>"$TMP/p4.err" || die "ping failed: $(cat "$TMP/p4.err")"
$CHECK icmp "$TMP/p4.json" ping net_packet_icmp
timeout $T "$NETSIFT" trace -o json -- ip netns exec "$NC" \
	sh -c "exec ping -6 -c 2 -i 0.2 -W 2 $IP6S >/dev/null" \
	>"$TMP/p6.json" 2>"$TMP/p6.err" || die "ping -6 failed: $(cat "$TMP/p6.err")"
$CHECK icmp "$TMP/p6.json" ping net_packet_icmpv6

# ---- 5. RST from a closed port: the kernel's ----
log "5: RST from a closed port is labelled [kernel]"
timeout 20 "$NETSIFT" trace -v -o json -f "tcp port 7999" >"$TMP/r5.json" 2>"$TMP/r5.err" &
TR=$!
BG="$BG $TR"
wait_grep "tracing cgroup" "$TMP/r5.err"
timeout $T ip netns exec "$NC" $PEER refused $IP4S 7999 || die "refused client failed"
sleep 0.5
kill -TERM "$TR"
wait "$TR" || die "trace 5 failed: $(cat "$TMP/r5.err")"
$CHECK kernel-rst "$TMP/r5.json"
grep -q "dropped by the kernel side" "$TMP/r5.err" || die "no drop report on SIGTERM"

# ---- 6. a stalled reader: drops are counted, the kernel side never waits ----
log "6: stalled output: drop and count"
mkfifo "$TMP/fifo"
timeout 20 "$NETSIFT" trace -v -B 64 -o json -f "udp port 7006" >"$TMP/fifo" 2>"$TMP/d6.err" &
TR=$!
BG="$BG $TR"
exec 3<"$TMP/fifo"   # open, never read: the pipe fills, netsift blocks in write
wait_grep "tracing cgroup" "$TMP/d6.err"
timeout $T ip netns exec "$NC" $PEER udpflood $IP4S 7006 20000 ||
	die "the flood was slowed down by the stalled trace"
kill -TERM "$TR"
exec 3<&-            # EPIPE lets it finish
wait "$TR" || true
grep -q "dropped by the kernel side (ring buffer full" "$TMP/d6.err" ||
	die "no drops reported: $(cat "$TMP/d6.err")"
log "6: $(tail -1 "$TMP/d6.err")"

# ---- 7. not root ----
log "7: not root"
if timeout $T setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$NETSIFT" trace -- true >"$TMP/u7.out" 2>"$TMP/u7.err"; then
	die "trace as an unprivileged user succeeded"
fi
[ "$(wc -l <"$TMP/u7.err")" = 1 ] || die "not one error line: $(cat "$TMP/u7.err")"
log "7: $(cat "$TMP/u7.err")"

# ---- 8a. events arrive while tracing, not only at exit ----
# (the kernel side wakes the reader per batch; below a batch, its poll timeout
# must still deliver them promptly)
log "8a: low-rate events are delivered while the trace runs"
timeout $T "$NETSIFT" trace -o json --comm ping >"$TMP/l8.json" 2>"$TMP/l8.err" &
TR=$!
BG="$BG $TR"
sleep 1
timeout $T ip netns exec "$NC" ping -c 2 -i 0.2 -W 2 $IP4S >/dev/null || die "ping 8a failed"
sleep 0.5
got=$(grep -c '"eventName":"net_packet_icmp"' "$TMP/l8.json" || true)
kill -TERM "$TR" 2>/dev/null || true
wait "$TR" 2>/dev/null || true
[ "$got" -ge 4 ] || die "8a: $got ICMP events 0.5 s after the pings, want >= 4 before the trace ends"
log "8a: $got ICMP events delivered during the trace"

# ---- 8. a cgroup or a pid that does not exist ----
log "8: missing cgroup, missing pid"
for args in "--cgroup /netsift-no-such-cgroup" "--pid 2147483647"; do
	rc=0
	# shellcheck disable=SC2086
	timeout $T "$NETSIFT" trace $args >"$TMP/e8.out" 2>"$TMP/e8.err" || rc=$?
	[ "$rc" = 1 ] || die "trace $args: exit $rc, want 1"
	[ "$(wc -l <"$TMP/e8.err")" = 1 ] || die "trace $args: not one error line: $(cat "$TMP/e8.err")"
	log "8: $(cat "$TMP/e8.err")"
done

log "all live tests passed"
