#!/bin/sh
# make fuzz: make the seeds, then run each harness for FUZZ_SECONDS.
# usage: run.sh SRCDIR FUZZDIR HARNESS...   (FUZZDIR: the _fuzz build tree)
# Environment: FUZZ_SECONDS (default 60), SHARED_DIR (its pcaps/ seeds too),
# FUZZ_JOBS (harnesses run at once, default 1), PYTHON3.
# Per harness: the corpus grows in FUZZDIR/corpus/HARNESS (kept between
# runs), a crash lands in FUZZDIR/crashes/ and fails the run; the last line
# of each harness's libFuzzer output (execs, exec/s, coverage) is printed.
set -u
src=$1 dir=$2
shift 2
secs=${FUZZ_SECONDS:-60}
py=${PYTHON3:-python3}
seeds="$dir/seeds"
mkdir -p "$dir/crashes" "$dir/logs"
if [ ! -d "$seeds" ]; then
	pcaps=
	[ -d "${SHARED_DIR:-}/pcaps" ] && pcaps="$SHARED_DIR/pcaps"
	"$py" "$src/tests/fuzz/mkseeds.py" "$src" "$seeds" "$src/testdata" $pcaps || exit 1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
for h in "$@"; do
	bin="$dir/tests/fuzz/$h"
	[ -x "$bin" ] || { echo "run.sh: $bin not built"; fail=1; continue; }
	corpus="$dir/corpus/$h"
	mkdir -p "$corpus" "$seeds/$h"
	dict=
	case $h in
	fuzz_file|fuzz_stream) dict="-dict=$src/tests/fuzz/pcap.dict" ;;
	fuzz_pcapng_rt) dict="-dict=$src/tests/fuzz/pcapng.dict" ;;
	esac
	# whole files: bigger inputs; the rest are frames or messages
	case $h in
	fuzz_file|fuzz_stream|fuzz_pcapng_rt|fuzz_flow|fuzz_analyze) maxlen=65536 ;;
	*) maxlen=4096 ;;
	esac
	regress="$src/tests/fuzz/regressions/$h"
	[ -d "$regress" ] || regress=
	"$bin" $dict -max_total_time="$secs" -max_len=$maxlen -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$dir/crashes/$h-" \
		"$corpus" "$seeds/$h" $regress >"$dir/logs/$h.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/logs/$h.log")
	persec=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/logs/$h.log")
	cov=$(grep -o 'cov: [0-9]*' "$dir/logs/$h.log" | tail -1)
	echo "$h: ${runs:-?} runs, ${persec:-?} exec/s, ${cov:-cov: ?} edges, ${secs}s, exit $rc"
	if [ "$rc" != 0 ]; then
		grep -m5 -E 'ERROR|SUMMARY|runtime error|round trip' "$dir/logs/$h.log"
		echo "run.sh: $h failed: see $dir/logs/$h.log and $dir/crashes/"
		fail=1
	fi
done
exit $fail
