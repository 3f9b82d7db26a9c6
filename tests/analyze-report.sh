#!/bin/sh
# `netsift analyze` report details:
#  - IPv6 endpoints as [addr]:port in the text report and its summary table;
#  - the summary column of payload bytes says so;
#  - a truncated input: connections still open say "incomplete: the capture
#    ends at frame N" (N checked against tshark on the same cut file), not ok;
#  - each record names its input by the path as given on the command line;
#  - uniqueBytes equals tcptrace's "unique bytes sent" (tcptrace -l) for every
#    connection of the TCP captures in testdata/.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
for t in tshark tcptrace jq python3; do
	command -v $t >/dev/null || { echo "FAIL: $t is not installed (tests/deps.sh)"; exit 1; }
done
n=0
check() {   # check WHAT GOT WANT
	n=$((n + 1))
	if [ "$2" != "$3" ]; then
		echo "FAIL: $1: got '$2', want '$3'"
		fail=1
	fi
}
td=$TOP_SRCDIR/testdata

# ---- IPv6 endpoints and the payload column ----
"$NETSIFT" analyze "$td/http-ipv6.pcap" >"$tmp/v6.txt"
got=$(grep -c '^0 *\[fd00:99::1\]:56814>\[fd00:99::2\]:80 ' "$tmp/v6.txt")
check "IPv6 [addr]:port in the summary table" "$got" 1
got=$(grep -c '^Connection 0: \[fd00:99::1\]:56814 -> \[fd00:99::2\]:80 ' "$tmp/v6.txt")
check "IPv6 [addr]:port in the connection header" "$got" 1
got=$(grep -E -c '[0-9a-f]:[0-9a-f]*:[0-9]+>' "$tmp/v6.txt")
check "no bare IPv6 address:port anywhere" "$got" 0
got=$(grep '^stream connection' "$tmp/v6.txt" | awk '{print $7}')
check "summary column of payload bytes" "$got" payload
# the column is the payload: the sum of tcp.len as tshark counts it
got=$(awk '$1 == "0" {print $7}' "$tmp/v6.txt")
want=$(tshark -r "$td/http-ipv6.pcap" -Y 'tcp.stream==0' -T fields -e tcp.len 2>/dev/null |
	awk '{s += $1} END {print s}')
check "payload column = sum of tshark's tcp.len" "$got" "$want"

# ---- a truncated capture ----
head -c 1000 "$td/http-graceful.pcap" >"$tmp/cut.pcap"
frames=$(tshark -r "$tmp/cut.pcap" 2>/dev/null | wc -l)
[ "$frames" -gt 5 ] || { echo "FAIL: tshark read only $frames frames of the cut file"; fail=1; }
"$NETSIFT" analyze "$tmp/cut.pcap" >"$tmp/cut.txt" 2>"$tmp/err"
check "analyze of a truncated file exits 1" "$?" 1
got=$(head -1 "$tmp/cut.txt" | awk '{print $NF}')
check "truncated: the connection's status" "$got" incomplete
got=$(grep -c "Incomplete: the capture ends at frame $frames (the file is cut short)" "$tmp/cut.txt")
check "truncated: verdict names the last frame (tshark: $frames)" "$got" 1
got=$(grep -c "No problems found" "$tmp/cut.txt")
check "truncated: no 'No problems found'" "$got" 0
"$NETSIFT" analyze -o json "$tmp/cut.pcap" 2>/dev/null >"$tmp/cut.json"
got=$(jq -r '.verdict' "$tmp/cut.json" | grep -c "Incomplete: the capture ends at frame $frames")
check "truncated: JSON verdict" "$got" 1
# the same connection, read whole, is ok
got=$("$NETSIFT" analyze "$td/http-graceful.pcap" | head -1 | awk '{print $NF}')
check "complete file: ok" "$got" ok

# ---- the input's path as given ----
cd "$TOP_SRCDIR" || exit 99
got=$("$NETSIFT" analyze -o json testdata/http-graceful.pcap ./testdata/ping.pcap testdata/http-ipv6.pcap |
	jq -r '.file' | sort -u | tr '\n' ' ')
check "JSON file is the path as given" "$got" "testdata/http-graceful.pcap testdata/http-ipv6.pcap "
got=$("$NETSIFT" analyze testdata/http-graceful.pcap ./testdata/ping.pcap | grep '^== ' | tr '\n' ' ')
check "text report names each input as given" "$got" "== testdata/http-graceful.pcap == == ./testdata/ping.pcap == "
# another capture under the same basename: several inputs are one capture, so
# the same file twice would be one connection seen twice
cp "$td/http-ipv6.pcap" "$tmp/http-graceful.pcap"
got=$("$NETSIFT" analyze -o json "$td/http-graceful.pcap" "$tmp/http-graceful.pcap" | jq -r '.file' | sort -u | wc -l)
check "two inputs with one basename stay apart" "$got" 2

# ---- unique bytes as tcptrace's "unique bytes sent" ----
cat >"$tmp/uniq.py" <<'EOF'
import ipaddress, json, re, subprocess, sys
netsift, caps = sys.argv[1], sys.argv[2:]
def ep(s):
    a, p = s.rsplit(":", 1)
    return str(ipaddress.ip_address(a)), int(p)
same = diff = 0
for f in caps:
    tt = subprocess.run(["tcptrace", "-l", "-n", f], capture_output=True, text=True,
                        timeout=120, check=True).stdout
    ns = {}
    out = subprocess.run([netsift, "analyze", "-o", "json", f], capture_output=True,
                         text=True, timeout=120).stdout
    for line in out.splitlines():
        o = json.loads(line)
        k = ((o["initiator"]["ip"], o["initiator"]["port"]),
             (o["responder"]["ip"], o["responder"]["port"]))
        ns.setdefault(k, []).append((o["initiatorStats"]["uniqueBytes"],
                                     o["responderStats"]["uniqueBytes"]))
    for blk in tt.split("================================"):
        h = re.findall(r"host \w+:\s+(\S+)", blk)
        u = re.findall(r"unique bytes sent:\s+(\d+)", blk)
        if len(h) != 2 or len(u) != 2:
            continue
        a, b = ep(h[0]), ep(h[1])
        if ns.get((a, b)) and len(ns[(a, b)]) == 1:
            got, want = ns[(a, b)][0], (int(u[0]), int(u[1]))
        elif ns.get((b, a)) and len(ns[(b, a)]) == 1:
            got, want = ns[(b, a)][0], (int(u[1]), int(u[0]))
        else:
            print("FAIL: %s %s-%s: no single netsift connection" % (f, a, b))
            diff += 1
            continue
        if got == want:
            same += 1
        else:
            diff += 1
            print("FAIL: %s %s-%s: uniqueBytes %s, tcptrace %s" % (f, a, b, got, want))
print("%d %d" % (same, diff))
EOF
# the TCP captures on link types tcptrace reads (it reads no NFLOG, and does
# not look inside tunnels)
set --
for c in abort analyze-lossy dns-connect dns-tcp fast-retransmit http-graceful \
	http-ipv6 parallel refused reset-midtransfer rto-giveup zero-window; do
	set -- "$@" "$td/$c.pcap"
done
res=$(python3 "$tmp/uniq.py" "$NETSIFT" "$@") || { echo "FAIL: uniq.py"; fail=1; }
echo "$res" | grep '^FAIL' && fail=1
same=$(echo "$res" | tail -1 | cut -d' ' -f1)
[ "${same:-0}" -ge 20 ] || { echo "FAIL: only ${same:-0} connections compared with tcptrace"; fail=1; }

[ "$n" -ge 14 ] || { echo "FAIL: only $n checks"; fail=1; }
[ $fail -eq 0 ] && echo "PASS: analyze report ($n checks, uniqueBytes = tcptrace on $same connections)"
exit $fail
