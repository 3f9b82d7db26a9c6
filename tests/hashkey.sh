#!/bin/sh
# The hash key (NETSIFT_HASH_KEY, else random per run; see netsift(1)
# ENVIRONMENT) must not change any output: bucket order is never output order.
# Runs the read and analyze goldens under two keys, then diffs, key A against
# key B, the flow/DNS events and the analysis of every capture in testdata/ and
# in $SHARED_DIR/pcaps (the corpus), and checks that a malformed key is a usage
# error. The closing line counts the comparisons.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
KA=00000000000000000000000000000000
KB=9e3779b97f4a7c15f39cc0605cedc834

for t in golden.sh analyze-golden.sh; do
	for k in $KA $KB; do
		if NETSIFT_HASH_KEY=$k NETSIFT=$NETSIFT TOP_SRCDIR=$TOP_SRCDIR \
			sh "$TOP_SRCDIR/tests/$t" >"$tmp/log" 2>&1; then ok
		else bad "$t with NETSIFT_HASH_KEY=$k:"; tail -5 "$tmp/log"; fi
	done
done

# Same output and exit status under both keys.
same() {
	what=$1; shift
	NETSIFT_HASH_KEY=$KA "$@" >"$tmp/a" 2>&1; ra=$?
	NETSIFT_HASH_KEY=$KB "$@" >"$tmp/b" 2>&1; rb=$?
	if [ $ra = $rb ] && cmp -s "$tmp/a" "$tmp/b"; then ok
	else bad "$what differs between hash keys (exit $ra vs $rb)"; diff "$tmp/a" "$tmp/b" | head -5; fi
}
{
	find "$TOP_SRCDIR/testdata" -type f \( -name '*.pcap' -o -name '*.pcapng' \)
	[ -d "$SHARED_DIR/pcaps" ] && find "$SHARED_DIR/pcaps" -type f \
		\( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \)
} | sort >"$tmp/list"
ncap=$(wc -l <"$tmp/list")
[ "$ncap" -gt 30 ] || bad "only $ncap captures found"
while IFS= read -r cap; do
	same "read flows+dns $cap" "$NETSIFT" read -o json \
		-e net_flow_tcp_begin,net_flow_tcp_end,net_packet_dns "$cap"
	same "analyze $cap" "$NETSIFT" analyze -o json --acks "$cap"
done <"$tmp/list"

NETSIFT_HASH_KEY=xyz "$NETSIFT" read "$TOP_SRCDIR/testdata/http-graceful.pcap" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 2 ] && grep -q NETSIFT_HASH_KEY "$tmp/err"; then ok
else bad "malformed NETSIFT_HASH_KEY: exit $rc, want 2 and a message"; fi

summary "hashkey: $ncap captures;"
