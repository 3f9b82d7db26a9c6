#!/bin/sh
# make fuzz-coverage: line coverage of what the fuzz corpora reach.
# usage: coverage.sh SRCDIR BUILDDIR [CONFIGURE-ARGS...]
# Configures BUILDDIR/_fuzzcov (clang, -fprofile-instr-generate
# -fcoverage-mapping, no sanitizers, the harnesses' main from standalone.c),
# builds the harnesses there, replays each harness's inputs through it:
# BUILDDIR/_fuzz/corpus/HARNESS (what `make fuzz` grew), _fuzz/seeds/HARNESS
# and tests/fuzz/regressions/HARNESS; then prints, per harness and for all of
# them together, the line coverage of each source directory (llvm-cov
# report). Profiles and reports stay in _fuzzcov/cov/.
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
line_cov() {   # profdata, then the binaries (-object), then a path: "covered/total pct"
	p=$1
	shift
	"$llvmcov" report -instr-profile="$p" "$@" 2>/dev/null |
		awk '$1 == "TOTAL" { printf "%d/%d %.1f%%", $8 - $9, $8, $8 ? 100 * ($8 - $9) / $8 : 0 }
		     END { if (NR == 0) printf "-" }'
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
	printf '%-15s %9s' "$h" "$n"
	for d in $dirs; do
		printf ' %21s' "$(line_cov "$out/$h.profdata" "$bin" "$src/$d")"
	done
	printf '\n'
	"$llvmcov" report -instr-profile="$out/$h.profdata" "$bin" >"$out/$h.report.txt" 2>/dev/null
done
[ -n "$objs" ] || exit 1
"$profdata" merge -sparse "$out"/*.profraw -o "$out/all.profdata" || exit 1
printf '%-15s %9s' all '-'
# shellcheck disable=SC2086
for d in $dirs; do
	printf ' %21s' "$(line_cov "$out/all.profdata" $objs "$src/$d")"
done
printf '\n'
# shellcheck disable=SC2086
"$llvmcov" report -instr-profile="$out/all.profdata" $objs >"$out/all.report.txt" 2>/dev/null
echo "per-file reports: $out/*.report.txt"
