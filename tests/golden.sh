#!/bin/sh
# Golden regression for `netsift read`: for every capture testdata/NAME.pcap or
# testdata/NAME.pcapng (each must have both expected outputs beside it), run
#   netsift read -o json CAPTURE   and compare with the .json file,
#   netsift read -o table CAPTURE  and compare with the .txt file,
# byte for byte, printing the diff.
#
# Expected files: CAPTURE.json / CAPTURE.txt if present (e.g. ping-sll2.pcapng.json),
# else NAME.json / NAME.txt. A pcapng that shares its NAME with a .pcap uses the
# first form, so both can have their own outputs. testdata/NAME.args, if present,
# holds extra options (e.g. --local 10.99.0.0/24) for both runs.
#
#   tests/golden.sh            check
#   tests/golden.sh --update   rewrite the expected files that exist
#   tests/golden.sh --create   also create missing ones (review them before committing!)
# A capture without its expected files fails the check; so does any difference
# between the number of captures found and the comparisons made.
set -u
# shellcheck source=tests/golden-lib.sh
. "$(dirname "$0")/golden-lib.sh"
golden_init "$@"
dir=$TOP_SRCDIR/testdata

run_one() {
	cap=$1 fmt=$2 ext=$3
	exp=$(golden_expected "$cap" "$ext")
	args=
	[ -f "${cap%.*}.args" ] && args=$(cat "${cap%.*}.args")
	# shellcheck disable=SC2086
	golden_run "$(basename "$cap") -o $fmt" "$NETSIFT" read -o "$fmt" $args "$cap" || return 0
	golden_compare "$exp" "$(basename "$cap") -o $fmt differs from $(basename "$exp")"
}

ncap=0
for cap in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -f "$cap" ] || continue
	ncap=$((ncap + 1))
	run_one "$cap" json json
	run_one "$cap" table txt
done

golden_count golden "$ncap" 2
echo "golden: $([ $fail -eq 0 ] && echo all equal || echo FAILURES)"
exit $fail
