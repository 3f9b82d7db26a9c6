#!/bin/sh
# The HTML report (`netsift analyze --report`, -o html, --plot) in real
# headless Chromium (Debian's chromium; tests/deps.sh installs it): every
# capture of testdata/ with TCP connections is rendered and checked by
# tests/html_report.py (no console errors, no request, one graph per selected
# connection, as many retransmission marks as the analysis found, the
# zero-window episode drawn), screenshots left in $TOP_BUILDDIR/html-report/
# (NAME.png: the first graph section; NAME-top.png: the top of the page).
# Then the options: -o html is --report's page, --plot's SVG, usage errors.
set -u
: "${NETSIFT:?}" "${TOP_SRCDIR:?}" "${TOP_BUILDDIR:?}"
PY=${PYTHON3:-python3}
out=$TOP_BUILDDIR/html-report
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROMIUM" ]; then
	echo "html-report: no chromium (install it: tests/deps.sh)" >&2
	[ "${NETSIFT_NO_SKIP:-}" = 1 ] && exit 1
	exit 77
fi
rm -rf "$out" && mkdir -p "$out" || exit 99
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

specs=
for exp in "$TOP_SRCDIR"/testdata/*.analyze.json; do
	name=$(basename "$exp" .analyze.json)
	cap=$TOP_SRCDIR/testdata/$name
	[ -f "$cap" ] || cap=$cap.pcap
	# the analysis of this build, not the golden file: the page must agree
	# with what the same binary says
	"$NETSIFT" analyze -o json "$cap" >"$out/$name.json" || fail "$name: analyze -o json"
	"$NETSIFT" analyze --report "$out/$name.html" "$cap" || fail "$name: analyze --report"
	specs="$specs $out/$name.html:$out/$name.json"
done
# --report-top: fewer graphs of the connections without problems
cap=$TOP_SRCDIR/testdata/parallel.pcap
"$NETSIFT" analyze --report-top 1 -o html "$cap" >"$out/parallel-top1.html" || fail "--report-top 1"
specs="$specs $out/parallel-top1.html:$out/parallel.json:1"
"$NETSIFT" analyze --report-top 0 --report "$out/parallel-top0.html" "$cap" || fail "--report-top 0"
specs="$specs $out/parallel-top0.html:$out/parallel.json:0"
# several files in one report (streams restart per file: the page checks only)
"$NETSIFT" analyze --report "$out/two-files.html" "$cap" "$TOP_SRCDIR/testdata/zero-window.pcap" ||
	fail "--report with two files"
grep -q 'zero-window.pcap' "$out/two-files.html" || fail "two files: the second is not named"
specs="$specs $out/two-files.html:-"

# shellcheck disable=SC2086
"$PY" "$TOP_SRCDIR/tests/html_report.py" --chromium "$CHROMIUM" --outdir "$out" \
	--expect-zw zero-window $specs || fail "html_report.py"
for n in rto-giveup fast-retransmit zero-window reset-midtransfer; do
	[ -s "$out/$n.png" ] || fail "no screenshot $out/$n.png"
done

# -o html to stdout is the same page as --report FILE
zw=$TOP_SRCDIR/testdata/zero-window.pcap
"$NETSIFT" analyze -o html "$zw" | cmp -s - "$out/zero-window.html" || fail "-o html differs from --report"
# --plot: one standalone SVG (well-formed XML) with the zero-window band
"$NETSIFT" analyze --plot 0 "$zw" >"$out/zero-window-plot.svg" || fail "--plot 0"
"$PY" - "$out/zero-window-plot.svg" <<'EOF' || fail "--plot: not a standalone SVG with the graph"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg" and "tseq" in root.get("class"), root.tag
assert root.find(ns + "style") is not None
zw = [r for r in root.iter(ns + "rect") if r.get("class") == "zw"]
assert len(zw) == 1, len(zw)
EOF
"$NETSIFT" analyze --plot 7 "$zw" >/dev/null 2>"$out/err"
[ $? = 1 ] && grep -q "no TCP connection with stream 7" "$out/err" || fail "--plot of a missing stream: exit 1 with a message"
usage() {
	"$NETSIFT" analyze "$@" >/dev/null 2>&1
	[ $? = 2 ] || fail "analyze $*: not a usage error"
}
usage --plot 0 "$zw" "$zw"
usage --plot x "$zw"
usage --report-top 3 "$zw"
usage --report-top -1 -o html "$zw"
usage --report "$out/x.html" -o json "$zw"
usage --plot 0 -o html "$zw"
"$NETSIFT" analyze --report /nonexistent/dir/r.html "$zw" 2>/dev/null
[ $? = 1 ] || fail "--report to an unwritable path: exit 1"
"$NETSIFT" analyze --help | grep -q -- '--report FILE' || fail "--help: --report"

[ $fails = 0 ] || exit 1
echo "html-report: ok (screenshots in $out)"
