#!/bin/sh
# -w rotation (root, network namespaces): -C (size), -G
# (time), -W (ring of N files). Every file is a pcapng of its own (capinfos
# reads it; each has its section header and interface blocks), and `netsift
# read` of the files in order gives the live events, frame numbers included
# (files read together are one capture), each event naming its file.
set -eu

NETSIFT=${NETSIFT:-$(pwd)/netsift}
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
PEER="python3 $TOP_SRCDIR/tests/live/peer.py"
NC=lr-c$$ NS=lr-s$$ VC=lr-vc$$ VS=lr-vs$$
IP4C=10.81.0.1 IP4S=10.81.0.2
T=30

ME=live-rotate.sh
TMP=$(mktemp -d /tmp/lr-test.XXXXXX)
. "$TOP_SRCDIR/tests/netns.sh"
ns_trap
ns_need python3 capinfos timeout
ns_need_live

ns_pair "$NC" "$NS" "$VC" "$VS" $IP4C $IP4S

# the same events, frame numbers included: `read` of several files numbers
# the packets across them as the live trace does; only `read` names the file
same_events() {  # LIVE READ
	python3 - "$1" "$2" <<'PY' || die "read of the files differs from the live events"
import json, sys
def load(p):
    out = []
    for line in open(p):
        e = json.loads(line)
        e.pop("file", None)
        out.append(json.dumps(e, sort_keys=True))
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
if a != b:
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    sys.exit("event %d of %d/%d: %s | %s" % (i + 1, len(a), len(b),
             a[i][:200] if i < len(a) else None, b[i][:200] if i < len(b) else None))
print("check: %d events alike" % len(a))
PY
}

# each file: valid on its own; returns the packets of all
check_files() {  # FILE...
	total=0
	for f in "$@"; do
		capinfos -M -c "$f" >"$TMP/ci.out" 2>&1 || die "capinfos $f: $(cat "$TMP/ci.out")"
		n=$(sed -n 's/^Number of packets: *\([0-9]*\).*/\1/p' "$TMP/ci.out")
		[ "${n:-0}" -gt 0 ] || die "$f: no packets"
		total=$((total + n))
	done
	echo $total
}

log "-C 1: a new file every 1 MB"
timeout $T "$NETSIFT" trace -o json -s 1400 -w "$TMP/c.pcapng" -C 1 -- ip netns exec "$NC" \
	$PEER udpflood $IP4S 7400 4000 1000 >"$TMP/c.json" 2>"$TMP/c.err" ||
	die "trace -C failed: $(cat "$TMP/c.err")"
set -- "$TMP"/c.*.pcapng
[ $# -ge 2 ] || die "-C 1: $# files"
for f in "$@"; do
	sz=$(stat -c %s "$f")
	# a file ends at the first packet past the size
	[ "$sz" -le 1100000 ] || die "$f: $sz bytes for -C 1"
done
total=$(check_files "$@")
timeout $T "$NETSIFT" read -o json "$@" >"$TMP/c.read.json"
same_events "$TMP/c.json" "$TMP/c.read.json"
log "-C 1: $# files, $total packets, read in order = live events"

log "-C 1 -W 3: a ring of 3 files"
timeout $T "$NETSIFT" trace -s 1400 -w "$TMP/w.pcapng" -C 1 -W 3 -- ip netns exec "$NC" \
	$PEER udpflood $IP4S 7400 8000 1000 >/dev/null 2>"$TMP/w.err" ||
	die "trace -W failed: $(cat "$TMP/w.err")"
set -- "$TMP"/w.*.pcapng
[ $# = 3 ] || die "-W 3: $# files: $*"
check_files "$@" >/dev/null

log "-G 1: a new file every second"
timeout $T "$NETSIFT" trace -o json -w "$TMP/g" -G 1 -- ip netns exec "$NC" \
	sh -c "exec ping -c 6 -i 0.5 $IP4S >/dev/null" >"$TMP/g.json" 2>"$TMP/g.err" ||
	die "trace -G failed: $(cat "$TMP/g.err")"
set -- "$TMP"/g.0*
[ $# -ge 2 ] && [ $# -le 4 ] || die "-G 1 over 2.5 s: $# files"
check_files "$@" >/dev/null
timeout $T "$NETSIFT" read -o json "$@" >"$TMP/g.read.json"
same_events "$TMP/g.json" "$TMP/g.read.json"
log "-G 1: $# files"

rc=0
"$NETSIFT" trace -C 1 -- true >/dev/null 2>"$TMP/e.err" || rc=$?
[ $rc = 2 ] || die "-C without -w: exit $rc"
rc=0
"$NETSIFT" trace -w "$TMP/x" -W 3 -- true >/dev/null 2>"$TMP/e.err" || rc=$?
[ $rc = 2 ] || die "-W without -C/-G: exit $rc"

log "all rotation tests passed"
