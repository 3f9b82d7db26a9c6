#!/bin/sh
# Golden regression for `netsift analyze`: for every capture
# testdata/NAME.pcap (or .pcapng),
#   NAME.analyze.json: netsift analyze -o json NAME.pcap
#   NAME.analyze.txt:  netsift analyze -o text NAME.pcap
# compared byte for byte (run from testdata/, so file names are relative).
# A .pcapng whose NAME is shared with a .pcap uses NAME.pcapng.analyze.*.
# NAME.acks.json / NAME.acks.txt: the same with --acks.
# A capture without TCP needs no expected file (its output is empty or "No TCP
# connections."); one with TCP must have both, or the check fails; the number
# of comparisons must be 2 per capture found (--acks comparisons come on top).
#
#   tests/analyze-golden.sh            check
#   tests/analyze-golden.sh --update   rewrite the expected files that exist
#   tests/analyze-golden.sh --create   also create missing ones for captures
#                                      with TCP (review them!)
set -u
# shellcheck source=tests/golden-lib.sh
. "$(dirname "$0")/golden-lib.sh"
golden_init "$@"
cd "$TOP_SRCDIR/testdata" || exit 99

# Every capture is analysed: none may fail.
ncap=0
for cap in *.pcap *.pcapng; do
	[ -f "$cap" ] || continue
	ncap=$((ncap + 1))
	for fmt in json txt; do
		exp=$(golden_expected "$cap" "analyze.$fmt")
		o=$fmt; [ $fmt = txt ] && o=text
		golden_run "netsift analyze -o $o $cap" "$NETSIFT" analyze -o $o "$cap" || continue
		golden_compare "$exp" "$exp differs" absent-ok
	done
done
golden_count "analyze golden" "$ncap" 2
nmain=$checked
# --acks (every advancing ACK, the frames it covers, its RTT): where an
# expected NAME.acks.txt / NAME.acks.json exists (--create does not make them).
for cap in *.pcap; do
	for fmt in json txt; do
		exp=$(golden_expected "$cap" "acks.$fmt")
		[ -e "$exp" ] || continue
		o=$fmt; [ $fmt = txt ] && o=text
		golden_run "netsift analyze --acks -o $o $cap" \
			"$NETSIFT" analyze --acks -o $o "$cap" || continue
		golden_compare "$exp" "$exp differs"
	done
done
echo "analyze golden: $((checked - nmain)) --acks comparisons"
exit $fail
