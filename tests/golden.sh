#!/bin/sh
# Golden regression for `netsift read`: for every capture testdata/NAME.pcap or
# testdata/NAME.pcapng with an expected output beside it, run
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
	if [ ! -e "$exp" ] && [ "$mode" != create ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	golden_run "$(basename "$cap") -o $fmt" "$NETSIFT" read -o "$fmt" $args "$cap" || return 0
	golden_compare "$exp" "$(basename "$cap") -o $fmt differs from $(basename "$exp")"
}

for cap in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -f "$cap" ] || continue
	run_one "$cap" json json
	run_one "$cap" table txt
done

if [ "$mode" = check ]; then
	if [ $checked -eq 0 ]; then
		echo "SKIP: no expected outputs in $dir (make them with $0 --create)"
		exit 77
	fi
	echo "golden: $checked comparisons, $([ $fail -eq 0 ] && echo all equal || echo FAILURES)"
fi
exit $fail
