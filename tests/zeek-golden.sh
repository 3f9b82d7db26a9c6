#!/bin/sh
# Zeek conn.log output (netsift analyze -o zeek / zeek-json):
#  1. golden: for each capture in FIXTURES, NAME.zeek.log (-o zeek) and
#     NAME.zeek.json (-o zeek-json), byte for byte (run from testdata/);
#  2. the log works with zeek-cut (tests/zeek-cut, a stand-in that follows
#     zeek-cut's documented behaviour): every column it cuts equals the
#     zeek-json record's field (unset "-" = absent key);
#  3. sqlite3 imports the TSV (.mode tabs, .import) and its row count and
#     packet sums equal the log's;
#  4. the community_id of the logged connections are the Community IDs that
#     tshark's communityid dissector gives their packets (TCP, UDP, ICMP,
#     ICMPv6; captures without tunnels: tshark hashes the outer header).
#
#   tests/zeek-golden.sh            check
#   tests/zeek-golden.sh --update   rewrite the expected files
#   tests/zeek-golden.sh --create   also create missing ones (review them!)
set -u
# shellcheck source=tests/golden-lib.sh
. "$(dirname "$0")/golden-lib.sh"
golden_init "$@"
cd "$TOP_SRCDIR/testdata" || exit 99
CUT=$TOP_SRCDIR/tests/zeek-cut

FIXTURES="abort.pcap analyze-lossy.pcap dns-connect.pcap dns-frag.pcap http-ipv6.pcap
parallel.pcap ping.pcap refused.pcap reset-midtransfer.pcap rto-giveup.pcap
udp-unreach.pcap zero-window.pcap tunnel-vxlan-tenants.pcap"

ncap=0
for cap in $FIXTURES; do
	ncap=$((ncap + 1))
	for fmt in log json; do
		o=zeek; [ $fmt = json ] && o=zeek-json
		exp=$(golden_expected "$cap" "zeek.$fmt")
		golden_run "netsift analyze -o $o $cap" "$NETSIFT" analyze -o $o "$cap" || continue
		golden_compare "$exp" "$exp differs"
	done
done
golden_count "zeek golden" "$ncap" 2
[ "$mode" = check ] || exit $fail

command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 not installed (tests/deps.sh)"; exit 1; }
command -v tshark >/dev/null || { echo "FAIL: tshark not installed (tests/deps.sh)"; exit 1; }
FIELDS="ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration orig_bytes
resp_bytes conn_state local_orig local_resp missed_bytes history orig_pkts orig_ip_bytes
resp_pkts resp_ip_bytes tunnel_parents community_id"
ncut=0 nsql=0 ncid=0
for cap in $FIXTURES; do
	"$NETSIFT" analyze -o zeek "$cap" >"$tmp/log" &&
	"$NETSIFT" analyze -o zeek-json "$cap" >"$tmp/json" || { echo "FAIL: $cap: netsift"; fail=1; continue; }
	# 2. zeek-cut against the JSON records
	# shellcheck disable=SC2086
	"$CUT" $FIELDS <"$tmp/log" >"$tmp/cut"
	python3 - "$tmp/cut" "$tmp/json" "$FIELDS" <<'PY' || { echo "FAIL: $cap: zeek-cut columns differ from zeek-json"; fail=1; }
import json, sys
fields = sys.argv[3].split()
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
recs = [json.loads(l) for l in open(sys.argv[2])]
ok = len(rows) == len(recs) and len(rows) > 0
for row, rec in zip(rows, recs):
    for name, val in zip(fields, row):
        want = rec.get(name)
        if want is None:
            ok &= val == "-"
        elif isinstance(want, str):
            ok &= val == want
        else:
            ok &= abs(float(val) - float(want)) < 1e-6
        if not ok:
            print("  %s: TSV %r, JSON %r" % (name, val, want))
            break
sys.exit(0 if ok else 1)
PY
	ncut=$((ncut + 1))
	# 3. sqlite3: the #fields line as the header row, the records as rows
	{ grep '^#fields' "$tmp/log" | cut -f2-; grep -v '^#' "$tmp/log"; } >"$tmp/tsv"
	got=$(sqlite3 :memory: ".mode tabs" ".import $tmp/tsv conn" \
		'SELECT count(*), sum(orig_pkts), sum(resp_pkts), count(DISTINCT uid) FROM conn;')
	want=$(grep -v '^#' "$tmp/log" | awk -F'\t' '{n++; o += $17; r += $19; u[$2] = 1}
		END {k = 0; for (x in u) k++; printf "%d\t%d\t%d\t%d\n", n, o, r, k}')
	if [ "$got" != "$want" ]; then
		echo "FAIL: $cap: sqlite3 import gives '$got', the log '$want'"; fail=1
	fi
	nsql=$((nsql + 1))
	# 4. Community ID of the connections = tshark's for their packets
	case $cap in tunnel-*) continue ;; esac
	"$CUT" community_id <"$tmp/log" | sort -u >"$tmp/ours"
	tshark -r "$cap" --enable-protocol communityid -Y "tcp or udp or icmp or icmpv6" -T fields \
		-e communityid 2>/dev/null | sort -u >"$tmp/theirs"
	if ! cmp -s "$tmp/ours" "$tmp/theirs"; then
		echo "FAIL: $cap: community_id differs from tshark's communityid:"
		diff "$tmp/theirs" "$tmp/ours" | head -10; fail=1
	fi
	ncid=$((ncid + 1))
done
# 5. read --community-id: every packet event's communityId is tshark's for
#    that frame, with seed 0 and with --community-id-seed 1 (tshark's
#    communityid.seed); analyze -o zeek --community-id-seed 1 agrees too.
npk=0
# (no fragmented captures: tshark hashes a first fragment without its ports
# and the reassembling one with them, netsift the first fragment with its
# ports and the others not at all)
for cap in abort.pcap dns-connect.pcap http-ipv6.pcap ping.pcap udp-unreach.pcap refused.pcap; do
	for seed in 0 1; do
		"$NETSIFT" read -o json --community-id --community-id-seed $seed "$cap" |
			python3 -c '
import json, sys
for l in sys.stdin:
    j = json.loads(l)
    if "communityId" in j and j["communityId"]:
        print("%d\t%s" % (j["frame"], j["communityId"]))' | sort -u >"$tmp/ours"
		tshark -r "$cap" --enable-protocol communityid -o communityid.seed:$seed \
			-T fields -e frame.number -e communityid 2>/dev/null |
			awk -F'\t' '$2 != ""' | sort -u >"$tmp/theirs"
		if [ ! -s "$tmp/ours" ] || ! cmp -s "$tmp/ours" "$tmp/theirs"; then
			echo "FAIL: $cap seed $seed: packet communityId differs from tshark's:"
			diff "$tmp/theirs" "$tmp/ours" | head -10; fail=1
		fi
		npk=$((npk + 1))
	done
	"$NETSIFT" analyze -o zeek --community-id-seed 1 "$cap" | "$CUT" community_id | sort -u >"$tmp/ours"
	cut -f2 "$tmp/theirs" | sort -u >"$tmp/theirs1"
	if ! cmp -s "$tmp/ours" "$tmp/theirs1"; then
		echo "FAIL: $cap: conn.log community_id with seed 1 differs from tshark's"; fail=1
	fi
done
# a seed out of range is a usage error
"$NETSIFT" analyze -o zeek --community-id-seed 65536 ping.pcap >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: --community-id-seed 65536 accepted"; fail=1; }
"$NETSIFT" read --community-id-seed x ping.pcap >/dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL: read --community-id-seed x accepted"; fail=1; }
echo "zeek-cut: $ncut logs, sqlite3: $nsql imports, Community ID vs tshark: $ncid captures, $npk packet comparisons"
[ "$ncut" -gt 0 ] && [ "$nsql" -gt 0 ] && [ "$ncid" -gt 0 ] || fail=1
exit $fail
