#!/bin/sh
# Make the benchmark capture from real kernel traffic: two namespaces over veth with
# offloads off; many short TCP connections over IPv4 and IPv6, bulk transfers with a
# little random loss (retransmissions), pings. Writes OUT.pcap (full) and
# OUT-s128.pcap (cut to 128 bytes). Usage: mkcapture.sh OUTDIR [CONNECTIONS] [BULK_MB]
set -eu
out=${1:?usage: mkcapture.sh OUTDIR [CONNECTIONS] [BULK_MB]}
conns=${2:-6000}
bulk_mb=${3:-300}
A=nsbench-a B=nsbench-b
mkdir -p "$out"
ME=$(basename "$0")
. "$(dirname "$0")/../netns.sh"
ns_on_exit() {
	if [ -n "${tdpid:-}" ]; then kill "$tdpid" 2>/dev/null || true; wait "$tdpid" 2>/dev/null || true; fi
	if [ -n "${srvpid:-}" ]; then kill "$srvpid" 2>/dev/null || true; fi
	ip netns pids $B 2>/dev/null | xargs -r kill 2>/dev/null || true
}
ns_trap
ns_on_exit   # what a killed earlier run left in $B
ns_pair $A $B nsb-a nsb-b 10.77.0.1 10.77.0.2
ip -n $A addr add fd00:77::1/64 dev nsb-a nodad; ip -n $B addr add fd00:77::2/64 dev nsb-b nodad
ns_offloads tso off gso off gro off tx off rx off
# A little loss on the bulk port only, so retransmissions appear (0.3%).
ip netns exec $B nft -f - <<'NFT'
table inet nsbench {
	chain in { type filter hook input priority 0; tcp dport 5201 numgen random mod 1000 < 3 drop; }
}
NFT
ip netns exec $A tcpdump -q -n -i nsb-a -s 0 -B 65536 -w "$out/bench.pcap" 2>"$out/tcpdump.log" &
tdpid=$!
sleep 1
# Server: echo a small response per connection, v4 and v6.
ip netns exec $B python3 - <<'PY' &
import socket, threading
def serve(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080)); s.listen(512)
    while True:
        c, _ = s.accept()
        try:
            c.recv(4096); c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 600\r\n\r\n" + b"x" * 600)
        finally:
            c.close()
for fam, addr in ((socket.AF_INET, "10.77.0.2"), (socket.AF_INET6, "fd00:77::2")):
    threading.Thread(target=serve, args=(fam, addr), daemon=True).start()
threading.Event().wait(600)
PY
srvpid=$!
ip netns exec $B iperf3 -s -D -1 >/dev/null 2>&1 || true
sleep 1
ip netns exec $A ping -c 200 -i 0.002 -q 10.77.0.2 >/dev/null 2>&1 || true
ip netns exec $A ping -6 -c 200 -i 0.002 -q fd00:77::2 >/dev/null 2>&1 || true
ip netns exec $A python3 - "$conns" <<'PY'
import socket, sys
n = int(sys.argv[1])
for i in range(n):
    fam, addr = (socket.AF_INET, "10.77.0.2") if i % 2 == 0 else (socket.AF_INET6, "fd00:77::2")
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect((addr, 8080))
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    while s.recv(4096):
        pass
    s.close()
PY
# Paced: unpaced bulk over veth outruns tcpdump, and a capture with the
# capturer's own drops in it would show losses that never happened.
ip netns exec $A timeout 120 iperf3 -c 10.77.0.2 -n "${bulk_mb}M" -M 1400 -b 1500M >/dev/null 2>&1 || true
sleep 1
kill "$tdpid"; wait "$tdpid" 2>/dev/null || true
tdpid=
cat "$out/tcpdump.log" >&2
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$out/tcpdump.log")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$out/tcpdump.log")
if [ "${captured:-0}" -lt 500000 ]; then
	echo "mkcapture.sh: only ${captured:-0} packets captured (want >= 500000): raise CONNECTIONS or BULK_MB" >&2
	rm -f "$out/bench.pcap"
	exit 1
fi
[ "${dropped:-0}" = 0 ] || echo "mkcapture.sh: warning: tcpdump dropped $dropped packets while capturing" >&2
editcap -s 128 "$out/bench.pcap" "$out/bench-s128.pcap"
