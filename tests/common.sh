# shellcheck shell=sh disable=SC2034  # (variables for the sourcing test)
# The start the test scripts share. Sourced (". "), not run, first thing
# after `set -u`:
#   . "$(dirname "$0")/common.sh"
# $0 is the test script: make check runs it by its path in the source tree
# (tests/x.sh in-tree, ../tests/x.sh from a VPATH build directory such as
# build/ or distcheck's, whose source tree is read-only; nothing is written
# beside this file), so the path holds in each case.
#
# Sets, unless already set (tests/local.mk sets them under make check):
#   TOP_SRCDIR  the source tree (default: the parent of the script's directory)
#   NETSIFT     the binary (default: $TOP_SRCDIR/build/netsift)
#   SHARED_DIR  other projects' captures (default: $TOP_SRCDIR/../shared)
# Then exits 99 (hard error) if $NETSIFT is not an executable, unless the
# script set needs_netsift=no before sourcing (it does not run netsift), and
# sets:
#   tmp         a new temporary directory, removed at exit
#   pass fail   0; ok counts a passed check, bad WHAT a failed one (and
#               prints "FAIL: WHAT")
#   summary WHAT  prints "WHAT P passed, F failed"; returns 0 when nothing
#               failed, else 1: a script ends with it
# One EXIT trap: it runs the script's function on_exit if there is one (to
# kill what the script started, unmount...), then removes $tmp, and exits
# with the script's status. INT and TERM exit (1) through it. A script must
# not set a trap of its own (it would replace this one); tests/netns.sh does
# the same for the live tests with ns_on_exit.

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${NETSIFT:=$TOP_SRCDIR/build/netsift}"
: "${SHARED_DIR:=$TOP_SRCDIR/../shared}"
if [ "${needs_netsift:-yes}" != no ] && [ ! -x "$NETSIFT" ]; then
	echo "ERROR: $NETSIFT not built"
	exit 99
fi

tmp=$(mktemp -d) || exit 99
common_exit() {
	common_rc=$?
	set +e
	if command -v on_exit >/dev/null 2>&1; then on_exit; fi
	rm -rf "$tmp"
	exit "$common_rc"
}
trap common_exit EXIT
trap 'exit 1' INT TERM

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
summary() {  # WHAT
	echo "$* $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# same_threads SUB ARGS...: netsift SUB with --threads 1 and with 2, 3 and 4
# (after the subcommand) gives the same standard output, standard error and
# exit status (tests/threads.sh, tests/read-threads.sh). On the first
# difference: its diff, a FAIL line, exit 1. Adds the threaded runs to $runs.
same_threads() {
	st_sub=$1
	shift
	"$NETSIFT" "$st_sub" --threads 1 "$@" >"$tmp/one" 2>"$tmp/one.err"
	st_rc1=$?
	for st_n in 2 3 4; do
		"$NETSIFT" "$st_sub" --threads "$st_n" "$@" >"$tmp/many" 2>"$tmp/many.err"
		st_rcn=$?
		runs=$((runs + 1))
		st_what="netsift $st_sub --threads $st_n $*"
		if ! cmp -s "$tmp/one" "$tmp/many"; then
			diff "$tmp/one" "$tmp/many" | head -20
			echo "FAIL: $st_what differs from --threads 1"
			exit 1
		fi
		if [ "$st_rc1" != "$st_rcn" ]; then
			echo "FAIL: $st_what: exit $st_rcn, not $st_rc1"
			exit 1
		fi
		if ! cmp -s "$tmp/one.err" "$tmp/many.err"; then
			diff "$tmp/one.err" "$tmp/many.err" | head -10
			echo "FAIL: $st_what: standard error differs"
			exit 1
		fi
	done
}
