#!/bin/sh
# Nothing dropped without a count (issue 17): a capture made here with many
# half-open connections (SYNs never answered) overflows the flow table
# (--max-flows) and analyze's connection limit (--max-conns). Every
# replacement is counted on standard error, with -v and without it, and each
# connection analyze ends early says so in its record (JSON and text).
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"

# SYNs from 10.1.x.y:port to 10.2.0.1:80, raw IP, 1 ms apart (never idle out)
${PYTHON3:-python3} - "$tmp/half.pcap" 3000 <<'PY' || { echo "FAIL: capture"; exit 1; }
import struct, sys
n = int(sys.argv[2])
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
for i in range(n):
    src = bytes([10, 1, (i >> 8) & 255, i & 255])
    tcp = struct.pack("!HHIIBBHHH", 10000 + i % 50000, 80, 1000 + i, 0, 5 << 4, 0x02, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0, src, bytes([10, 2, 0, 1]))
    out.write(struct.pack("<IIII", 1000 + i // 1000, (i % 1000) * 1000, 40, 40) + ip + tcp)
PY

# read: 3000 half-open entries in a table of 1000: 2000 replaced, counted
"$NETSIFT" read -e net_flow_tcp_begin,net_flow_tcp_end --max-flows 1000 "$tmp/half.pcap" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "read exit $rc"
[ ! -s "$tmp/out" ] && ok || bad "read: events for connections that never began"
grep -q '^netsift: flow stats: .* evicted_full=0 evicted_halfopen=2000 evicted_closed=0 ' "$tmp/err" \
	&& ok || { bad "read: half-open replacements not counted without -v"; cat "$tmp/err"; }
"$NETSIFT" read -v -e net_flow_tcp_begin --max-flows 1000 "$tmp/half.pcap" >/dev/null 2>"$tmp/err"
[ "$(grep -c '^netsift: flow stats: .* evicted_halfopen=2000 ' "$tmp/err")" = 1 ] && ok ||
	{ bad "read -v: flow stats line missing or twice"; cat "$tmp/err"; }
# within the table: the counters stay 0 and the line is only printed with -v
"$NETSIFT" read -e net_flow_tcp_begin "$tmp/half.pcap" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok || { bad "read: stderr without drops"; cat "$tmp/err"; }
"$NETSIFT" read -v -e net_flow_tcp_begin "$tmp/half.pcap" >/dev/null 2>"$tmp/err"
grep -q '^netsift: flow stats: .* evicted_halfopen=0 evicted_closed=0 .* dns_evicted=0$' "$tmp/err" \
	&& ok || { bad "read -v: zero counters not shown"; cat "$tmp/err"; }

# analyze: 3000 connections, at most 100 held: 2900 ended early, each says so
"$NETSIFT" analyze -o json --max-conns 100 "$tmp/half.pcap" >"$tmp/json" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && ok || bad "analyze exit $rc"
[ "$(wc -l <"$tmp/json")" = 3000 ] && ok || bad "analyze: $(wc -l <"$tmp/json") records, want 3000"
[ "$(grep -c '"endedBy":"max_conns"' "$tmp/json")" = 2900 ] && ok ||
	bad "analyze: $(grep -c '"endedBy":"max_conns"' "$tmp/json") records marked, want 2900"
grep -q '^netsift: stats: analyze connections_evicted=2900 max_conns=100$' "$tmp/err" && ok ||
	{ bad "analyze: eviction count missing"; cat "$tmp/err"; }
# the first connection (idle longest) went first; the last 100 ran to the end
head -1 "$tmp/json" | grep -q '"stream":0,.*"captureEnd":false,"endedBy":"max_conns"' && ok ||
	bad "analyze: first record not the first connection ended early"
tail -1 "$tmp/json" | grep -q '"captureEnd":true}' && ok || bad "analyze: last record not capture end"
"$NETSIFT" analyze --max-conns 100 "$tmp/half.pcap" >"$tmp/text" 2>/dev/null
[ "$(grep -c '^  note: ended early, still open: --max-conns' "$tmp/text")" = 2900 ] && ok ||
	bad "analyze text: note missing"
grep -q 'Its analysis ended early: the connection limit (--max-conns) was reached' "$tmp/text" &&
	ok || bad "analyze text: verdict does not say it"
# the default limit is far above this capture; 0 means none
"$NETSIFT" analyze -o json "$tmp/half.pcap" >"$tmp/json" 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ! grep -q endedBy "$tmp/json" && ok || bad "analyze: default limit evicted"
"$NETSIFT" analyze -o json --max-conns 0 "$tmp/half.pcap" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok || bad "analyze --max-conns 0 printed something"
for v in -1 x 1073741825 ''; do
	"$NETSIFT" analyze --max-conns "$v" "$tmp/half.pcap" >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && ok || bad "--max-conns '$v': exit $rc"
done
"$NETSIFT" analyze --help | grep -q -- '--max-conns N' && ok || bad "--max-conns not in --help"

summary limits:
