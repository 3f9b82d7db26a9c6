#!/bin/sh
# Inputs as tcpdump and tshark users give them (issue 14): -r FILE and a
# trailing filter expression, -n/-q/-v/--version, several files as one capture
# (frame numbers, flows and analysis go on; --merge as mergecap), gzip/zstd/lz4
# captures from files and pipes, streaming pipes (each event out as soon as
# its packet is in: tests/stream_latency.py), and the progress line (a pty
# from script(1)).
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
td=$TOP_SRCDIR/testdata

ns() { timeout 120 "$NETSIFT" "$@"; }
# common.sh's ok, printing what passed when told
ok() { pass=$((pass + 1)); [ $# -eq 0 ] || echo "ok: $*"; }
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "${NETSIFT_NO_SKIP:-0}" = 1 ]; then bad "$1 is not installed (tests/deps.sh)"; else echo "SKIP: no $1"; fi
	return 1
}
# drop the "file" member of JSON events (a multi-file read adds it)
nofile() { python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l); e.pop("file", None); print(json.dumps(e, sort_keys=True))'; }
sorted_json() { python3 -c '
import json, sys
for l in sys.stdin: print(json.dumps(json.loads(l), sort_keys=True))'; }

pcap=$td/http-graceful.pcap
big=$td/parallel.pcap
pe=net_packet_ipv4,net_packet_ipv6,net_packet_tcp,net_packet_udp,net_packet_icmp,net_packet_icmpv6

# ---- -r FILE and the filter after the options, as tcpdump ----
ns read -o json -f 'tcp port 80' "$pcap" >"$tmp/f.json"
ns read -o json -r "$pcap" tcp port 80 >"$tmp/r.json"
[ -s "$tmp/f.json" ] && cmp -s "$tmp/f.json" "$tmp/r.json" && ok "read -r FILE tcp port 80 = -f 'tcp port 80'" || bad "read -r FILE EXPR differs from -f EXPR"
ns read -o json -r "$pcap" -n tcp port 80 >"$tmp/rn.json" && cmp -s "$tmp/f.json" "$tmp/rn.json" && ok "-n accepted" || bad "-n"
ns read -o json -r "$pcap" -r "$pcap" >"$tmp/rr.json" && [ "$(grep -c . "$tmp/rr.json")" -gt "$(grep -c . "$tmp/f.json")" ] && ok "-r twice" || bad "-r twice"
ns analyze -o json -f 'tcp port 80' "$pcap" >"$tmp/af.json"
ns analyze -o json -r "$pcap" tcp port 80 >"$tmp/ar.json"
[ -s "$tmp/af.json" ] && cmp -s "$tmp/af.json" "$tmp/ar.json" && ok "analyze -r FILE EXPR" || bad "analyze -r FILE EXPR differs from -f"

# expect_usage NAME PATTERN -- ARGS: exit 2, one stderr line "netsift CMD: ..." matching, nothing on stdout
expect_usage() {
	name=$1 pat=$2
	shift 3
	ns "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q -- "$pat" "$tmp/err" || [ -s "$tmp/out" ]; then
		bad "$name: rc $rc, stdout $(wc -c <"$tmp/out") bytes, stderr: $(cat "$tmp/err")"
	else
		ok "$name: $(cat "$tmp/err")"
	fi
}
for cmd in read analyze; do
	expect_usage "$cmd FILE EXPR" "^netsift $cmd: tcp: No such file or directory; did you mean -r FILE and a filter: 'netsift $cmd -r $pcap tcp port 80'" -- $cmd "$pcap" tcp port 80
	expect_usage "$cmd FILE FILE EXPR" "'netsift $cmd -r $pcap -r $pcap host 10.0.0.1'" -- $cmd "$pcap" "$pcap" host 10.0.0.1
	expect_usage "$cmd -f twice" "^netsift $cmd: -f given twice" -- $cmd -f icmp -f tcp "$pcap"
	expect_usage "$cmd -f and a trailing filter" "^netsift $cmd: a filter both with -f and after the options" -- $cmd -f icmp -r "$pcap" tcp
	expect_usage "$cmd -vv" "^netsift $cmd: -v given twice" -- $cmd -vv "$pcap"
	expect_usage "$cmd unknown option" "^netsift $cmd: unknown option or missing value: -Z" -- $cmd -Z "$pcap"
	expect_usage "$cmd no input" "^netsift $cmd: no input file" -- $cmd
	ns $cmd -q "$pcap" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok "$cmd -q" || bad "$cmd -q"
done
expect_usage "read bad filter after -r" "^netsift read: bad filter expression 'tcp port'" -- read -r "$pcap" tcp port
for cmd in read analyze trace; do
	ns $cmd --version | grep -q "^netsift [0-9]" && ok "$cmd --version" || bad "$cmd --version"
done
ns read -o json "$pcap" --version | grep -q "^netsift [0-9]" && ok "read FILE --version" || bad "read FILE --version"
ns analyze -v "$pcap" 2>"$tmp/err" >/dev/null && grep -q "^netsift: stats: frames=[1-9]" "$tmp/err" && ok "analyze -v: counts" || bad "analyze -v: $(cat "$tmp/err")"
if ns trace --help >/dev/null 2>&1; then
	expect_usage "trace -vv" "^netsift trace: -v given twice" -- trace -vv true
	expect_usage "trace -e net_tcp_analysis" "^netsift trace: net_tcp_analysis is not available with trace" -- trace -e net_tcp_analysis true
fi
# -e net_tcp_analysis is --analysis with those events only
ns read -o json --analysis "$td/fast-retransmit.pcap" | grep '"net_tcp_analysis"' >"$tmp/an1.json"
ns read -o json -e net_tcp_analysis "$td/fast-retransmit.pcap" >"$tmp/an2.json"
[ -s "$tmp/an1.json" ] && cmp -s "$tmp/an1.json" "$tmp/an2.json" && ok "-e net_tcp_analysis" || bad "-e net_tcp_analysis differs from --analysis"

# ---- several files: one capture ----
# A capture cut in two (editcap -c) reads as the whole: the same events, the
# same frame numbers, the same flows; each event names its file.
if need editcap; then
	editcap -c 30 "$big" "$tmp/part.pcap" >/dev/null
	parts=$(ls "$tmp"/part_*.pcap)
	nparts=$(echo "$parts" | wc -l)
	ns read -o json "$big" | sorted_json >"$tmp/whole.json"
	# shellcheck disable=SC2086
	ns read -o json $parts >"$tmp/parts.raw.json"
	nofile <"$tmp/parts.raw.json" >"$tmp/parts.json"
	if [ "$nparts" -ge 2 ] && cmp -s "$tmp/whole.json" "$tmp/parts.json"; then
		ok "$nparts rotated files read as the whole capture (frames, flows)"
	else
		bad "$nparts parts differ from the whole"; diff "$tmp/whole.json" "$tmp/parts.json" | head -5
	fi
	first=$(echo "$parts" | head -1)
	python3 - "$tmp/parts.raw.json" "$first" <<'PY' && ok "events name their file" || bad "the file field"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
pk = [e for e in ev if e["eventName"].startswith("net_packet_")]
assert all("file" in e for e in pk), "a packet event without file"
assert pk[0]["file"] == sys.argv[2], pk[0]["file"]
assert len({e["file"] for e in pk}) > 1
PY
	ns read -o json "$big" | grep -q '"file"' && bad "one file: events have a file field" || ok "one file: no file field"
	ns read -o table $parts | grep -c '^==> ' >"$tmp/hdrs"
	[ "$(cat "$tmp/hdrs")" -eq "$nparts" ] && ok "table: a ==> FILE <== line per file" || bad "table file lines: $(cat "$tmp/hdrs")"
	# analyze: a connection goes on across the files
	ns analyze -o json "$big" | python3 -c '
import json, sys
for l in sys.stdin:
    c = json.loads(l); c.pop("file", None); print(json.dumps(c, sort_keys=True))' >"$tmp/awhole.json"
	# shellcheck disable=SC2086
	ns analyze -o json $parts | python3 -c '
import json, sys
for l in sys.stdin:
    c = json.loads(l); c.pop("file", None); print(json.dumps(c, sort_keys=True))' >"$tmp/aparts.json"
	[ -s "$tmp/awhole.json" ] && cmp -s "$tmp/awhole.json" "$tmp/aparts.json" && ok "analyze: rotated files = the whole" || bad "analyze of the parts differs from the whole"
	ns read -o json --analysis "$big" | sorted_json >"$tmp/anw.json"
	# shellcheck disable=SC2086
	ns read -o json --analysis $parts | nofile >"$tmp/anp.json"
	cmp -s "$tmp/anw.json" "$tmp/anp.json" && ok "read --analysis across files" || bad "read --analysis across files differs"
fi

# --merge interleaves by timestamp as mergecap: odd and even frames of one
# capture in two files, merged, give mergecap's order
if need editcap && need mergecap; then
	total=$(ns read -o json -e net_packet_ipv4,net_packet_ipv6 "$big" | wc -l)
	odd= even=
	i=1
	while [ $i -le "$total" ]; do
		odd="$odd $i"; even="$even $((i + 1))"; i=$((i + 2))
	done
	# shellcheck disable=SC2086
	editcap -r "$big" "$tmp/odd.pcap" $odd >/dev/null 2>&1
	# shellcheck disable=SC2086
	editcap -r "$big" "$tmp/even.pcap" $even >/dev/null 2>&1
	mergecap -F pcap -w "$tmp/merged.pcap" "$tmp/even.pcap" "$tmp/odd.pcap"
	ns read -o json -e $pe "$tmp/merged.pcap" | sorted_json >"$tmp/mc.json"
	ns read -o json -e $pe --merge "$tmp/even.pcap" "$tmp/odd.pcap" | nofile >"$tmp/nm.json"
	if [ -s "$tmp/mc.json" ] && cmp -s "$tmp/mc.json" "$tmp/nm.json"; then ok "--merge = mergecap ($total frames)"
	else bad "--merge differs from mergecap"; diff "$tmp/mc.json" "$tmp/nm.json" | head -5; fi
	ns read -o json -e $pe "$tmp/even.pcap" "$tmp/odd.pcap" | nofile >"$tmp/seq.json"
	cmp -s "$tmp/mc.json" "$tmp/seq.json" && bad "without --merge the files were interleaved" || ok "without --merge: one after the other"
	ns analyze -o json --merge "$tmp/even.pcap" "$tmp/odd.pcap" | python3 -c '
import json, sys
for l in sys.stdin:
    c = json.loads(l); c.pop("file", None); print(json.dumps(c, sort_keys=True))' >"$tmp/am.json"
	ns analyze -o json "$tmp/merged.pcap" | python3 -c '
import json, sys
for l in sys.stdin:
    c = json.loads(l); c.pop("file", None); print(json.dumps(c, sort_keys=True))' >"$tmp/amc.json"
	[ -s "$tmp/am.json" ] && cmp -s "$tmp/am.json" "$tmp/amc.json" && ok "analyze --merge = analyze of mergecap's file" || bad "analyze --merge"
fi

# a longer capture: parallel.pcap's records 60 times over (~500 kB)
python3 - "$big" "$tmp/long.pcap" <<'PY'
import sys
src = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as out:
    out.write(src)
    for _ in range(60):
        out.write(src[24:])
PY

# ---- compressed captures ----
for z in gzip zstd lz4; do
	need $z || continue
	for f in "$pcap" "$td/http-graceful.pcapng" "$big"; do
		b=$(basename "$f")
		ns read -o json "$f" >"$tmp/plain.json"
		$z -c <"$f" >"$tmp/$b.$z"
		ns read -o json "$tmp/$b.$z" >"$tmp/z.json" 2>"$tmp/err" && cmp -s "$tmp/plain.json" "$tmp/z.json" && [ ! -s "$tmp/err" ] ||
			{ bad "$z file $b differs: $(cat "$tmp/err")"; continue; }
		$z -c <"$f" | ns read -o json - >"$tmp/zp.json" 2>"$tmp/err" && cmp -s "$tmp/plain.json" "$tmp/zp.json" ||
			{ bad "$z from a pipe $b differs: $(cat "$tmp/err")"; continue; }
		ok "$z: $b from a file and a pipe reads as uncompressed"
	done
	ns analyze -o json "$tmp/$(basename "$big").$z" >"$tmp/za.json"
	ns analyze -o json "$big" >"$tmp/pa.json"
	sed 's/"file":"[^"]*"//' "$tmp/za.json" | cmp -s - "$(sed 's/"file":"[^"]*"//' "$tmp/pa.json" >"$tmp/pa2.json"; echo "$tmp/pa2.json")" && ok "$z: analyze" || bad "$z: analyze differs"
	# cut near its end: one clear error, the events before it kept
	# (lz4 in 64 kB blocks so that blocks before the cut decode)
	case $z in
	lz4) lz4 -q -B4 -c <"$tmp/long.pcap" >"$tmp/blk.$z" ;;   # 64 kB blocks
	*) $z -c <"$tmp/long.pcap" >"$tmp/blk.$z" ;;
	esac
	size=$(wc -c <"$tmp/blk.$z")
	head -c $((size - 16)) "$tmp/blk.$z" >"$tmp/cut.$z"
	ns read -o json "$tmp/cut.$z" >"$tmp/cut.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   grep -q "^netsift read: $tmp/cut.$z: .*$z data ends early: the compressed file is truncated" "$tmp/err" &&
	   [ "$(wc -l <"$tmp/cut.json")" -gt 0 ] &&
	   python3 -c 'import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$tmp/cut.json"; then
		ok "$z truncated: $(wc -l <"$tmp/cut.json") events, then: $(cat "$tmp/err")"
	else
		bad "$z truncated: rc $rc, $(wc -l <"$tmp/cut.json") events, stderr: $(cat "$tmp/err")"
	fi
done
printf '\037\213garbage, not deflate data at all' >"$tmp/bad.gz"
ns read -o json "$tmp/bad.gz" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^netsift read: $tmp/bad.gz: gzip: " "$tmp/err" && ok "corrupt gzip: $(cat "$tmp/err")" || bad "corrupt gzip: $(cat "$tmp/err")"
gzip -c <"$td/README.md" >"$tmp/text.gz"
ns read -o json "$tmp/text.gz" >/dev/null 2>"$tmp/err"
grep -q "not a pcap or pcapng file (after gzip decompression)" "$tmp/err" && ok "gzip of a text file" || bad "gzip of a text: $(cat "$tmp/err")"

# ---- streaming: an event as soon as its packet is in the pipe ----
for f in pcap pcapng pcap-gzip pcap-zstd pcap-lz4 pcap-w; do
	if out=$(timeout 120 python3 "$TOP_SRCDIR/tests/stream_latency.py" "$NETSIFT" $f 20); then ok "$out"; else bad "$out"; fi
done
# a FIFO streams as a pipe does: the event is out while the writer, having
# written its packet, still holds the FIFO open (markers: no fixed sleeps
# for a loaded machine to miss)
mkfifo "$tmp/fifo"
python3 - "$tmp/fifo" "$tmp/written" "$tmp/closed" <<'PY' &
import struct, sys, time
f = open(sys.argv[1], "wb", buffering=0)
f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
pkt = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + struct.pack("!HHHH", 1, 2, 8, 0)
f.write(struct.pack("<IIII", 1700000000, 0, len(pkt), len(pkt)) + pkt)
open(sys.argv[2], "w").close()
time.sleep(10)
open(sys.argv[3], "w").close()
f.close()
PY
wpid=$!
ns read -o json -e net_packet_udp "$tmp/fifo" >"$tmp/fifo.out" &
rpid=$!
i=0
while [ ! -f "$tmp/written" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
i=0
while [ "$(wc -l <"$tmp/fifo.out")" -lt 1 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(wc -l <"$tmp/fifo.out")" -eq 1 ] && [ ! -f "$tmp/closed" ]; then ok "FIFO: the event is out while the writer still writes"
else bad "FIFO: $(wc -l <"$tmp/fifo.out") events 2 s after the packet was written"; fi
wait $rpid
wait $wpid

# ---- progress on a terminal (script(1) gives a pty) ----
if need script; then
	# stdout to a file, stderr the pty: the progress line goes to the pty only
	NETSIFT_PROGRESS_DELAY_MS=0 script -qec "'$NETSIFT' read -o json '$tmp/long.pcap' >'$tmp/long.json'" /dev/null >"$tmp/tty.out" 2>&1
	ns read -o json "$tmp/long.pcap" >"$tmp/long.ref"
	if grep -q "netsift read: .* read, [0-9]* packets, .*/s" "$tmp/tty.out" && cmp -s "$tmp/long.json" "$tmp/long.ref"; then
		ok "progress on a terminal: $(tr '\r' '\n' <"$tmp/tty.out" | grep -a 'packets' | tail -1 | sed 's/\x1b\[K//')"
	else
		bad "progress line: $(head -c 300 "$tmp/tty.out")"
	fi
	NETSIFT_PROGRESS_DELAY_MS=0 script -qec "'$NETSIFT' read -q -o json '$tmp/long.pcap' >/dev/null" /dev/null >"$tmp/tty.out" 2>&1
	[ ! -s "$tmp/tty.out" ] && ok "-q: no progress line" || bad "-q: $(head -c 200 "$tmp/tty.out")"
	NETSIFT_PROGRESS_DELAY_MS=0 script -qec "'$NETSIFT' analyze '$tmp/long.pcap' >/dev/null" /dev/null >"$tmp/tty.out" 2>&1
	grep -q "netsift analyze: .* packets" "$tmp/tty.out" && ok "analyze: progress" || bad "analyze progress: $(head -c 200 "$tmp/tty.out")"
	# stdout on the terminal too: the events are the progress
	NETSIFT_PROGRESS_DELAY_MS=0 script -qec "'$NETSIFT' read -o json -c 3000 '$tmp/long.pcap'" /dev/null >"$tmp/tty.out" 2>&1
	grep -q "packets, .*/s" "$tmp/tty.out" && bad "progress with stdout a terminal" || ok "no progress line when stdout is the terminal"
fi
NETSIFT_PROGRESS_DELAY_MS=0 ns read -o json "$tmp/long.pcap" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "stderr not a terminal: no progress" || bad "progress to a file: $(head -c 200 "$tmp/err")"

summary inputs:
