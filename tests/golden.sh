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

# expected FILE EXT: which expected-output file a capture uses (may not exist yet)
expected() {
	cap=$1 ext=$2
	name=${cap%.*}
	if [ -e "$cap.$ext" ]; then
		echo "$cap.$ext"
	elif [ "${cap##*.}" = pcapng ] && [ -e "$name.pcap" ]; then
		echo "$cap.$ext"
	else
		echo "$name.$ext"
	fi
}

run_one() {
	cap=$1 fmt=$2 ext=$3
	exp=$(expected "$cap" "$ext")
	args=
	[ -f "${cap%.*}.args" ] && args=$(cat "${cap%.*}.args")
	if [ ! -e "$exp" ] && [ "$mode" != create ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	timeout 60 "$NETSIFT" read -o "$fmt" $args "$cap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: $(basename "$cap") -o $fmt: exit status $rc"
		cat "$tmp/err"
		fail=1
		return 0
	fi
	if [ "$mode" != check ]; then
		if ! cmp -s "$tmp/out" "$exp" 2>/dev/null; then
			cp "$tmp/out" "$exp"
			echo "wrote $(basename "$exp")"
		fi
		return 0
	fi
	checked=$((checked + 1))
	if ! diff -u "$exp" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL: $(basename "$cap") -o $fmt differs from $(basename "$exp"):"
		head -c 20000 "$tmp/diff"
		fail=1
	fi
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
