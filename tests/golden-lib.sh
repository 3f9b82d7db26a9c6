# shellcheck shell=sh disable=SC2034  # (variables for the sourcing test)
# Shared by the golden tests (golden.sh, flows-golden.sh, analyze-golden.sh),
# which run netsift on every capture in testdata/ and compare its output byte
# for byte with an expected file beside the capture. Source it, then call
# golden_init "$@". The tests keep their own loops: what they run and which
# expected files they make differ.
#
# Sourcing it sources tests/common.sh (TOP_SRCDIR, NETSIFT, the binary check,
# tmp removed at exit, fail). golden_init sets mode (check, update or create)
# and checked (0; the functions below update it and fail). Their own
# variables start with g_.

# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"

# golden_init [--update|--create]
golden_init() {
	# the table's time is local time: the expected files are in UTC
	TZ=UTC0
	export TZ
	mode=check
	case "${1:-}" in
	--update) mode=update ;;
	--create) mode=create ;;
	"") ;;
	*) echo "usage: $0 [--update|--create]" >&2; exit 2 ;;
	esac
	checked=0
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

# golden_nothing: is $tmp/out "nothing to show"? Empty, or the one line
# `netsift analyze -o text` prints for a capture without TCP.
golden_nothing() {
	[ ! -s "$tmp/out" ] || [ "$(cat "$tmp/out")" = "No TCP connections." ]
}

# golden_compare EXPECTED WHAT [absent-ok]: $tmp/out against the file EXPECTED,
# counted in $checked. check mode: on a difference, "FAIL: WHAT:" and the start
# of the diff (40 lines, 20 kB at most: JSON lines are long); --update and
# --create: write the output to EXPECTED if it differs.
# A missing EXPECTED is a failure (a new capture must come with its expected
# outputs: --create makes them), except with absent-ok when the output is
# nothing (golden_nothing): then the missing file stands for "no output", and
# --create does not make it.
golden_compare() {
	g_exp=$1 g_what=$2 g_absent_ok=${3:-}
	checked=$((checked + 1))
	if [ ! -e "$g_exp" ]; then
		[ "$g_absent_ok" = absent-ok ] && golden_nothing && return 0
		if [ "$mode" = create ]; then
			cp "$tmp/out" "$g_exp" && echo "created $(basename "$g_exp")"
			return 0
		fi
		echo "FAIL: expected file $(basename "$g_exp") is missing" \
			"(make it with $0 --create, review it, commit it)"
		fail=1
		return 0
	fi
	cmp -s "$tmp/out" "$g_exp" 2>/dev/null && return 0
	if [ "$mode" = check ]; then
		echo "FAIL: $g_what:"
		diff -u "$g_exp" "$tmp/out" | head -n 40 | head -c 20000
		fail=1
	else
		cp "$tmp/out" "$g_exp" && echo "wrote $(basename "$g_exp")"
	fi
}

# golden_count NAME CAPTURES PER_CAPTURE: print how many captures were found
# and comparisons made; fail (set $fail) unless there was at least one capture
# and $checked is exactly CAPTURES * PER_CAPTURE (a capture whose run failed
# made no comparison: no silent zero, no silently skipped capture).
golden_count() {
	g_want=$(($2 * $3))
	echo "$1: $2 captures, $checked of $g_want comparisons made"
	if [ "$2" -eq 0 ]; then
		echo "FAIL: $1: no captures found in $TOP_SRCDIR/testdata"
		fail=1
	elif [ "$checked" -ne "$g_want" ]; then
		echo "FAIL: $1: $checked comparisons, want $g_want ($3 per capture)"
		fail=1
	fi
}
