# shellcheck shell=sh disable=SC2034  # (variables for the sourcing test)
# Shared by the golden tests (golden.sh, flows-golden.sh, analyze-golden.sh),
# which run netsift on every capture in testdata/ and compare its output byte
# for byte with an expected file beside the capture. Source it, then call
# golden_init "$@". The tests keep their own loops: what they run and which
# expected files they make differ.
#
# Sets: TOP_SRCDIR, NETSIFT, mode (check, update or create), tmp (removed at
# exit), fail and checked (0; the functions below update them). Their own
# variables start with g_.

# golden_init [--update|--create]
golden_init() {
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
	fail=0 checked=0
}

# golden_expected CAPTURE EXT: the expected-output file of CAPTURE for EXT
# (json, flows.txt, ...), which may not exist yet: CAPTURE.EXT if it exists
# or if CAPTURE is a .pcapng sharing its NAME with a .pcap (so both can have
# their own), else NAME.EXT.
golden_expected() {
	g_cap=$1 g_ext=$2
	g_name=${g_cap%.*}
	if [ -e "$g_cap.$g_ext" ]; then
		echo "$g_cap.$g_ext"
	elif [ "${g_cap##*.}" = pcapng ] && [ -e "$g_name.pcap" ]; then
		echo "$g_cap.$g_ext"
	else
		echo "$g_name.$g_ext"
	fi
}

# golden_run WHAT COMMAND...: run COMMAND (60 s at most), output to $tmp/out.
# Returns 1 after "FAIL: WHAT: exit status N" and its stderr if it failed.
golden_run() {
	g_what=$1
	shift
	timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
	g_rc=$?
	if [ $g_rc -ne 0 ]; then
		echo "FAIL: $g_what: exit status $g_rc"
		cat "$tmp/err"
		fail=1
		return 1
	fi
	return 0
}

# golden_compare EXPECTED WHAT: $tmp/out against the file EXPECTED, counted in
# $checked. check mode: on a difference, "FAIL: WHAT:" and the start of the
# diff (40 lines, 20 kB at most: JSON lines are long); --update and --create:
# write the output to EXPECTED if it differs.
golden_compare() {
	g_exp=$1 g_what=$2
	checked=$((checked + 1))
	cmp -s "$tmp/out" "$g_exp" 2>/dev/null && return 0
	if [ "$mode" = check ]; then
		echo "FAIL: $g_what:"
		diff -u "$g_exp" "$tmp/out" | head -n 40 | head -c 20000
		fail=1
	else
		cp "$tmp/out" "$g_exp" && echo "wrote $(basename "$g_exp")"
	fi
}
