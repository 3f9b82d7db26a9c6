#!/bin/sh
# The analysis diagnoses (man netsift, "Diagnoses (analyze)"):
# 1. each dx-* fixture's first verdict sentence names its diagnosis, side and
#    evidence frames (the full text and JSON are checked by analyze-golden.sh);
# 2. no false alarms: no diagnosis on a connection tshark's expert info calls
#    healthy, over testdata/ and ../shared/pcaps (tests/analyze-diagnose.py).
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
command -v tshark >/dev/null || { echo "ERROR: tshark missing"; exit 1; }
cd "$TOP_SRCDIR/testdata" || exit 99

# capture | the verdict's first sentence starts with
while IFS='|' read -r cap want; do
	[ -n "$cap" ] || continue
	got=$("$NETSIFT" analyze -o text "$cap" | sed -n 's/^  verdict: //p' | head -1)
	case $got in
	"$want"*) echo "ok   $cap: $want" ;;
	*) echo "FAIL $cap: first sentence is not '$want...': $got"; fail=1 ;;
	esac
done <<'LIST'
dx-one-way-loss.pcap|One-way loss, client to server, past the capture point: nothing the client sent after its SYN (frame 1
dx-mtu-blackhole.pcap|Path MTU black hole, client to server: the client's 1500-byte packet (seq 101 (1448 bytes), DF set) was sent 6 times
dx-syn-filtered.pcap|No answer to the SYN, port 9000 filtered or host down: the client sent its SYN 6 times (first at frame 1
dx-unreachable.pcap|Host unreachable: DestinationUnreachable(Host) from 10.99.0.2 at frame 2 answered the client's SYN (frame 1
refused.pcap|Connection refused: the server answered the client's SYN (frame
dx-recv-stall.pcap|Receiver stall at the server: its window has been zero since frame 9
dx-slow-app.pcap|Slow application at the server: the client's request (last segment frame 4
dx-middlebox-rst.pcap|Reset by a middlebox, not by the server: the RST at frame 6
rto-giveup.pcap|One-way loss, client to server, past the capture point: the client's seq 101 (1448 bytes) was sent 6 times from frame 8
zero-window.pcap|The server's application paused reading: its window was zero from frame 11 to frame 17
LIST

shared=$TOP_SRCDIR/../shared/pcaps
[ -d "$shared" ] || shared=/work/shared/pcaps
caps=$(ls ./*.pcap ./*.pcapng)
[ -d "$shared" ] && caps="$caps $(find "$shared" -name '*.pcap' -o -name '*.pcapng' | sort)"
# shellcheck disable=SC2086
python3 "$TOP_SRCDIR/tests/analyze-diagnose.py" "$NETSIFT" $caps || fail=1
exit $fail
