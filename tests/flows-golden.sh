#!/bin/sh
# Golden regression for the flow and DNS events: for every capture
# testdata/NAME.pcap or testdata/NAME.pcapng,
#   NAME.flows.json: netsift read -o json -e net_flow_tcp_begin,net_flow_tcp_end CAPTURE
#   NAME.dns.json:   netsift read -o json -e net_packet_dns CAPTURE
#   NAME.flows.txt:  netsift read -o table -e net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns CAPTURE
# compared byte for byte. Naming as in tests/golden.sh: CAPTURE.flows.json
# (e.g. http-graceful.pcapng.flows.json) is used when it exists or when a
# pcapng shares its NAME with a .pcap. testdata/NAME.args (extra options, e.g.
# --local) applies here too. A missing expected file stands for "no such
# events" (--create does not make empty ones): a capture whose output is not
# empty must have its file, or the check fails; the number of comparisons must
# be 3 per capture found.
#
# Then the same captures are cross-checked against tshark (tests/flows_check.py):
# every TCP conversation must give exactly one begin and one end with the
# initiator, reason and terminating side that the packets show.
#
#   tests/flows-golden.sh            check
#   tests/flows-golden.sh --update   rewrite the expected files that exist
#   tests/flows-golden.sh --create   also create missing ones (review them!)
set -u
# shellcheck source=tests/golden-lib.sh
. "$(dirname "$0")/golden-lib.sh"
golden_init "$@"
dir=$TOP_SRCDIR/testdata

run_one() {
	cap=$1 fmt=$2 events=$3 ext=$4
	exp=$(golden_expected "$cap" "$ext")
	args=
	[ -f "${cap%.*}.args" ] && args=$(cat "${cap%.*}.args")
	# shellcheck disable=SC2086
	golden_run "$(basename "$cap") $ext" "$NETSIFT" read -o "$fmt" -e "$events" $args "$cap" ||
		return 0
	golden_compare "$exp" "$(basename "$cap") differs from $(basename "$exp")" absent-ok
}

ncap=0
for cap in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -e "$cap" ] || continue
	ncap=$((ncap + 1))
	run_one "$cap" json net_flow_tcp_begin,net_flow_tcp_end flows.json
	run_one "$cap" json net_packet_dns dns.json
	run_one "$cap" table net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns flows.txt
done
golden_count flows-golden "$ncap" 3
[ "$mode" = check ] || exit $fail
[ $fail -eq 0 ] || exit 1

# Cross-check with tshark (the fixture captures only: real traffic, small).
if ! command -v tshark >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
	echo "flows-golden: tshark or python3 missing, tshark cross-check skipped"
	exit 0
fi
timeout 300 python3 "$TOP_SRCDIR/tests/flows_check.py" "$NETSIFT" --quiet \
	"$dir"/*.pcap "$dir"/*.pcapng || exit 1
exit 0
