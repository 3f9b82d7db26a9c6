#!/bin/sh
# Golden regression for the flow and DNS events: for every capture
# testdata/NAME.pcap or testdata/NAME.pcapng with an expected file beside it,
#   NAME.flows.json: netsift read -o json -e net_flow_tcp_begin,net_flow_tcp_end CAPTURE
#   NAME.dns.json:   netsift read -o json -e net_packet_dns CAPTURE
#   NAME.flows.txt:  netsift read -o table -e net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns CAPTURE
# compared byte for byte. Naming as in tests/golden.sh: CAPTURE.flows.json
# (e.g. http-graceful.pcapng.flows.json) is used when it exists or when a
# pcapng shares its NAME with a .pcap. testdata/NAME.args (extra options, e.g.
# --local) applies here too.
#
# Then the same captures are cross-checked against tshark (tests/flows_check.py):
# every TCP conversation must give exactly one begin and one end with the
# initiator, reason and terminating side that the packets show.
#
#   tests/flows-golden.sh            check
#   tests/flows-golden.sh --update   rewrite the expected files that exist
#   tests/flows-golden.sh --create   also create missing ones (review them!)
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NETSIFT:=$TOP_SRCDIR/build/netsift}"
[ -x "$NETSIFT" ] || { echo "ERROR: $NETSIFT not built"; exit 99; }
mode=check
case "${1:-}" in
--update) mode=update ;;
--create) mode=create ;;
"") ;;
*) echo "usage: $0 [--update|--create]" >&2; exit 2 ;;
esac

dir=$TOP_SRCDIR/testdata
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0 checked=0

expected() {
	cap=$1 ext=$2
	name=${cap%.*}
	if [ -e "$cap.$ext" ]; then
		echo "$cap.$ext"
	elif [ -e "$name.$ext" ]; then
		echo "$name.$ext"
	elif [ "${cap##*.}" = pcapng ] && [ -e "$name.pcap" ]; then
		echo "$cap.$ext"
	else
		echo "$name.$ext"
	fi
}

run_one() {
	cap=$1 fmt=$2 events=$3 ext=$4
	exp=$(expected "$cap" "$ext")
	args=
	[ -f "${cap%.*}.args" ] && args=$(cat "${cap%.*}.args")
	if [ ! -e "$exp" ] && [ "$mode" != create ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	timeout 60 "$NETSIFT" read -o "$fmt" -e "$events" $args "$cap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $(basename "$cap") $ext: exit status $rc"
		cat "$tmp/err"
		fail=1
		return 0
	fi
	checked=$((checked + 1))
	if [ "$mode" != check ]; then
		cp "$tmp/out" "$exp"
		echo "wrote $(basename "$exp")"
	elif ! cmp -s "$tmp/out" "$exp"; then
		echo "FAIL: $(basename "$cap") differs from $(basename "$exp"):"
		diff -u "$exp" "$tmp/out" | head -40
		fail=1
	fi
}

for cap in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -e "$cap" ] || continue
	run_one "$cap" json net_flow_tcp_begin,net_flow_tcp_end flows.json
	run_one "$cap" json net_packet_dns dns.json
	run_one "$cap" table net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns flows.txt
done
echo "flows-golden: $checked outputs compared"
[ "$mode" = check ] || exit 0
[ $fail -eq 0 ] || exit 1

# Cross-check with tshark (the fixture captures only: real traffic, small).
if ! command -v tshark >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "flows-golden: tshark or python3 missing, tshark cross-check skipped"
	exit 0
fi
timeout 300 python3 "$TOP_SRCDIR/tests/flows_check.py" "$NETSIFT" --quiet \
	"$dir"/*.pcap "$dir"/*.pcapng || exit 1
exit 0
