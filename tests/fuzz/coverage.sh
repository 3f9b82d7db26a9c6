#!/bin/sh
# make fuzz-coverage: line coverage of what the fuzz corpora reach.
# usage: coverage.sh SRCDIR BUILDDIR [CONFIGURE-ARGS...]
# Configures BUILDDIR/_fuzzcov (clang, -fprofile-instr-generate
# -fcoverage-mapping, no sanitizers, the harnesses' main from standalone.c),
# builds the harnesses there, replays each harness's inputs through it:
# BUILDDIR/_fuzz/corpus/HARNESS (what `make fuzz` grew), _fuzz/seeds/HARNESS
# and tests/fuzz/regressions/HARNESS; then prints, per harness and for all of
# them together, the line coverage of each source directory (llvm-cov
# report; a harness's row counts the files linked into it, the "all" row
# every file of any harness). Profiles and reports stay in _fuzzcov/cov/.
# Environment: FUZZ_CC (clang), LLVM_PROFDATA, LLVM_COV, FUZZ_HARNESSES (the
# harness names, default every tests/fuzz/fuzz_*.c that the tree builds).
set -u
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
shift 2
cc=${FUZZ_CC:-clang}
profdata=${LLVM_PROFDATA:-llvm-profdata}
llvmcov=${LLVM_COV:-llvm-cov}
dir=$build/_fuzzcov
fz=$build/_fuzz
out=$dir/cov
flags="-O1 -g -fprofile-instr-generate -fcoverage-mapping"
mkdir -p "$dir"
if [ ! -f "$dir/Makefile" ]; then
	(cd "$dir" && "$src/configure" -q "$@" CC="$cc" CFLAGS="$flags" \
		LDFLAGS=-fprofile-instr-generate >/dev/null) || exit 1
fi
harnesses=${FUZZ_HARNESSES:-$(cd "$src/tests/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}
built=
for h in $harnesses; do
	# fuzz_ring only exists in a live build
	grep -q "^[^#]*tests/fuzz/$h\$(EXEEXT)" "$dir/Makefile" 2>/dev/null &&
		built="$built $h"
done
(cd "$dir" && make -s $(for h in $built; do printf 'tests/fuzz/%s ' "$h"; done)) || exit 1
rm -rf "$out" && mkdir -p "$out"
# the directories reported (the live ring reader as its own row)
dirs="dissect src/reader src/flow src/analyze src/output src/live/ringread.c src/live/live.c"
# "covered/total pct" of the lines of the files under directory (or file) $2
# in llvm-cov report $1 (file names relative to where each was compiled or
# to their common directory: matched on the path's tail)
line_cov() {
	awk -v d="$2" '
		NF >= 10 && $1 != "TOTAL" && $1 != "Filename" {
			f = $1; sub(/^(\.\.\/)+/, "", f)
			tail = substr(f, length(f) - length(d))
			if (f == d || index(f, d "/") == 1 || index(f, "/" d "/") > 0 || tail == "/" d)
				{ n += $8; m += $9 }
		}
		END { if (n) printf "%d/%d %.1f%%", n - m, n, 100 * (n - m) / n; else printf "-" }' "$1"
}
objs=
printf '%-15s %9s' harness inputs
for d in $dirs; do printf ' %21s' "$d"; done
printf '\n'
for h in $built; do
	bin=$dir/tests/fuzz/$h
	set --
	for d in "$fz/corpus/$h" "$fz/seeds/$h" "$src/tests/fuzz/regressions/$h"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	n=0
	[ $# -gt 0 ] && n=$(find "$@" -type f | wc -l)
	if [ $# -gt 0 ]; then
		(cd "$out" && LLVM_PROFILE_FILE="$out/$h-%p.profraw" "$bin" "$@" >/dev/null 2>&1) ||
			echo "coverage.sh: $h: replaying its corpus failed" >&2
	fi
	ls "$out/$h"-*.profraw >/dev/null 2>&1 || { printf '%-15s %9s  (no inputs)\n' "$h" "$n"; continue; }
	"$profdata" merge -sparse "$out/$h"-*.profraw -o "$out/$h.profdata" || exit 1
	objs="$objs -object $bin"
	"$llvmcov" report -instr-profile="$out/$h.profdata" "$bin" >"$out/$h.report.txt" 2>/dev/null
	printf '%-15s %9s' "$h" "$n"
	for d in $dirs; do
		printf ' %21s' "$(line_cov "$out/$h.report.txt" "$d")"
	done
	printf '\n'
done
[ -n "$objs" ] || exit 1
"$profdata" merge -sparse "$out"/*.profraw -o "$out/all.profdata" || exit 1
# shellcheck disable=SC2086
"$llvmcov" report -instr-profile="$out/all.profdata" $objs >"$out/all.report.txt" 2>/dev/null
printf '%-15s %9s' all '-'
for d in $dirs; do
	printf ' %21s' "$(line_cov "$out/all.report.txt" "$d")"
done
printf '\n'
echo "per-file reports: $out/*.report.txt"
