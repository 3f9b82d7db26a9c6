#!/bin/sh
# Differential test: `netsift analyze` counts against tshark's tcp.analysis.*
# flags and `tcptrace -l -r`, over testdata/ and ../shared/pcaps. Explained
# differences live in tests/analyze-allowlist.txt. Skips (77) without tshark.
: "${NETSIFT:=./netsift}" "${TOP_SRCDIR:=.}" "${SHARED_DIR:=$TOP_SRCDIR/../shared}"
command -v tshark >/dev/null 2>&1 || { echo "tshark not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 not installed"; exit 77; }
set --
for f in "$TOP_SRCDIR"/testdata/*.pcap "$TOP_SRCDIR"/testdata/*.pcapng \
	 "$SHARED_DIR"/pcaps/tcpdump/*.pcap "$SHARED_DIR"/pcaps/tcpdump/*.pcapng; do
	[ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || { echo "no captures"; exit 77; }
exec timeout 900 python3 "$TOP_SRCDIR/tests/analyze-vs-tshark.py" --table "$NETSIFT" \
	"$TOP_SRCDIR/tests/analyze-allowlist.txt" "$@"
