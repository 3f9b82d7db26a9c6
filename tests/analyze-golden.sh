#!/bin/sh
# Golden regression for `netsift analyze`: for every capture
# testdata/NAME.pcap (or .pcapng) with an expected file beside it,
#   NAME.analyze.json: netsift analyze -o json NAME.pcap
#   NAME.analyze.txt:  netsift analyze -o text NAME.pcap
# compared byte for byte (run from testdata/, so file names are relative).
# A .pcapng whose NAME is shared with a .pcap uses NAME.pcapng.analyze.*.
#
#   tests/analyze-golden.sh            check
#   tests/analyze-golden.sh --update   rewrite the expected files that exist
#   tests/analyze-golden.sh --create   also create missing ones for captures
#                                      with TCP (review them!)
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
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$TOP_SRCDIR/testdata" || exit 99
fail=0 checked=0

for cap in *.pcap *.pcapng; do
	[ -f "$cap" ] || continue
	name=${cap%.*}
	case $cap in *.pcapng) [ -f "$name.pcap" ] && name=$cap ;; esac
	for fmt in json txt; do
		exp=$name.analyze.$fmt
		o=$fmt; [ $fmt = txt ] && o=text
		timeout 60 "$NETSIFT" analyze -o $o "$cap" >"$tmp/out" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ]; then
			echo "FAIL: netsift analyze -o $o $cap exited $rc: $(cat "$tmp/err")"
			fail=1
			continue
		fi
		if [ ! -e "$exp" ]; then
			if [ $mode = create ] && ! grep -q "^No TCP connections" "$tmp/out" && [ -s "$tmp/out" ]; then
				cp "$tmp/out" "$exp" && echo "created $exp"
			fi
			continue
		fi
		checked=$((checked + 1))
		if ! cmp -s "$tmp/out" "$exp"; then
			if [ $mode = check ]; then
				echo "FAIL: $exp differs:"
				diff -u "$exp" "$tmp/out" | head -40
				fail=1
			else
				cp "$tmp/out" "$exp" && echo "updated $exp"
			fi
		fi
	done
done
echo "analyze golden: $checked files checked"
[ $checked -gt 0 ] || { echo "no expected files"; exit 77; }
exit $fail
