#!/bin/sh
# Make the many-connections benchmark capture from real kernel traffic: two
# namespaces over veth with offloads off; CONNECTIONS short TCP connections
# (half IPv4, half IPv6; a request and a 16 KB response each, 32 at a time),
# 0.5% random loss on every TCP packet in both directions (retransmissions of
# SYNs, data and FINs), captured with snaplen 128. Writes OUTDIR/conns-s128.pcap.
# Usage: mkconns.sh OUTDIR [CONNECTIONS]   (root; run under
# flock /tmp/netsift-netns.lock, as make bench does)
set -eu
out=${1:?usage: mkconns.sh OUTDIR [CONNECTIONS]}
conns=${2:-20000}
A=nsbconn-a B=nsbconn-b
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
ns_pair $A $B nsbc-a nsbc-b 10.78.0.1 10.78.0.2
ip -n $A addr add fd00:78::1/64 dev nsbc-a nodad; ip -n $B addr add fd00:78::2/64 dev nsbc-b nodad
ns_offloads tso off gso off gro off tx off rx off
# 0.5% loss each way, dropped on input after the capture point of A's side
# (tcpdump in A sees A's packets leave and B's arrive: B's dropped on A's input
# are captured once and then retransmitted, A's dropped on B's input too).
for ns in $A $B; do
	ip netns exec $ns nft -f - <<'NFT'
table inet nsbconn {
	chain in { type filter hook input priority 0; meta l4proto tcp numgen random mod 1000 < 5 drop; }
}
NFT
done
ip netns exec $A tcpdump -q -n -i nsbc-a -s 128 -B 65536 -w "$out/conns-s128.pcap" 2>"$out/conns-tcpdump.log" &
tdpid=$!
sleep 1
ip netns exec $B python3 - <<'PY' &
import socket, threading
BODY = b"HTTP/1.0 200 OK\r\nContent-Length: 16000\r\n\r\n" + b"x" * 16000
def handle(c):
    try:
        c.recv(4096); c.sendall(BODY)
    except OSError:
        pass
    finally:
        c.close()
def serve(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 8080)); s.listen(1024)
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()
for fam, addr in ((socket.AF_INET, "10.78.0.2"), (socket.AF_INET6, "fd00:78::2")):
    threading.Thread(target=serve, args=(fam, addr), daemon=True).start()
threading.Event().wait(900)
PY
srvpid=$!
sleep 1
ip netns exec $A python3 - "$conns" <<'PY'
import socket, sys, threading
n = int(sys.argv[1])
nxt = iter(range(n))
lock = threading.Lock()
def worker():
    while True:
        with lock:
            i = next(nxt, None)
        if i is None:
            return
        fam, addr = (socket.AF_INET, "10.78.0.2") if i % 2 == 0 else (socket.AF_INET6, "fd00:78::2")
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(30)
        try:
            s.connect((addr, 8080))
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            while s.recv(65536):
                pass
        except OSError:
            pass
        finally:
            s.close()
ts = [threading.Thread(target=worker) for _ in range(32)]
for t in ts: t.start()
for t in ts: t.join()
PY
sleep 2
kill "$tdpid"; wait "$tdpid" 2>/dev/null || true
tdpid=
cat "$out/conns-tcpdump.log" >&2
captured=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$out/conns-tcpdump.log")
dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$out/conns-tcpdump.log")
if [ "${captured:-0}" -lt $((conns * 20)) ]; then
	echo "mkconns.sh: only ${captured:-0} packets captured (want >= $((conns * 20)))" >&2
	rm -f "$out/conns-s128.pcap"
	exit 1
fi
[ "${dropped:-0}" = 0 ] || echo "mkconns.sh: warning: tcpdump dropped $dropped packets while capturing" >&2
