#!/bin/sh
# Mutation check (`make mutation`, not part of make check): each line of
# tests/mutations.txt is one source edit that the test suite must catch. The
# source tree (the files git knows, or a release tarball's) is copied and built out of tree once; for
# each line: apply the edit to the copy (it must apply exactly once), rebuild
# (make rebuilds what depends on the file), run the tests the line names (all
# of them belong to `make check`), restore the file. The mutation is "caught"
# when the build or that run fails, or when the run does not end within
# MUTATION_TIMEOUT seconds (default 600: a mutation may loop forever). Prints a
# table and exits 1 if any mutation survived or could not be applied, or if
# the unmutated copy fails to build or fails (or skips) one of the named tests.
#
# Line format (fields separated by " ||| "):
#   FILE ||| TEXT ||| REPLACEMENT ||| TESTS (space-separated, as for make check TESTS=)
# Lines starting with # and empty lines are ignored.
set -u
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
list=${1:-$top/tests/mutations.txt}
work=$(mktemp -d /tmp/ns-mutation.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
jobs=$(nproc 2>/dev/null || echo 2)
limit=${MUTATION_TIMEOUT:-600}
caught=0 survived=0 broken=0 n=0
src="$work/src" build="$work/build"
shared=${SHARED_DIR:-$top/../shared}

mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$top" ls-files -z | (cd "$top" && xargs -0 tar cf - --) | tar xf - -C "$src"
else	# a release tarball: its files, without a build made inside it
	(cd "$top" && tar cf - --exclude=./build --exclude=./_build --exclude='*.o' .) | tar xf - -C "$src"
fi
mkdir -p "$build"
if ! (cd "$src" && autoreconf -fi >/dev/null 2>&1 && cd "$build" && "$src/configure" -q SHARED_DIR="$shared" >/dev/null 2>&1 \
      && make -s -j"$jobs" >/dev/null 2>&1 && make -s -j"$jobs" check TESTS= >/dev/null 2>&1); then
	echo "mutation: the unmutated tree does not build"
	exit 1
fi

# The tests named in the list must pass, not skip, on the unmutated tree: a
# test that fails or skips already would "catch" every mutation.
all_tests=$(grep -v '^#' "$list" | awk -F' \\|\\|\\| ' 'NF >= 4 {print $4}' | tr ' ' '\n' | sort -u | tr '\n' ' ')
if ! (cd "$build" && timeout -k 10 $((limit * 3)) make -s check TESTS="$all_tests" SHARED_DIR="$shared" \
      >"$work/baseline.out" 2>&1) || grep -q '^SKIP:' "$work/baseline.out"; then
	echo "mutation: on the unmutated tree, these tests do not pass:"
	grep -E '^(FAIL|ERROR|SKIP|XPASS):' "$work/baseline.out" || tail -20 "$work/baseline.out"
	exit 1
fi
echo "mutation: baseline: $(echo "$all_tests" | wc -w) tests pass on the unmutated tree"

printf '%-4s %-14s %-34s %s\n' "#" "result" "file" "mutation"
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	file=$(printf '%s' "$line" | awk -F' \\|\\|\\| ' '{print $1}')
	from=$(printf '%s' "$line" | awk -F' \\|\\|\\| ' '{print $2}')
	to=$(printf '%s' "$line" | awk -F' \\|\\|\\| ' '{print $3}')
	tests=$(printf '%s' "$line" | awk -F' \\|\\|\\| ' '{print $4}')
	count=$(FROM="$from" python3 -c 'import os,sys; print(open(sys.argv[1]).read().count(os.environ["FROM"]))' "$src/$file" 2>/dev/null)
	if [ "$count" != 1 ]; then
		printf '%-4s %-14s %-34s %s (text found %s times)\n' "$n" "BROKEN" "$file" "$from" "$count"
		broken=$((broken + 1))
		continue
	fi
	cp -p "$src/$file" "$work/orig"
	FROM="$from" TO="$to" python3 -c 'import os,sys; p=sys.argv[1]; s=open(p).read(); open(p,"w").write(s.replace(os.environ["FROM"], os.environ["TO"], 1))' "$src/$file"
	if ! (cd "$build" && make -s -j"$jobs" >/dev/null 2>&1 && make -s -j"$jobs" check TESTS= >/dev/null 2>&1); then
		result="caught-build"
		caught=$((caught + 1))
	else
		rc=0
		(cd "$build" && exec timeout -k 10 "$limit" make -s check TESTS="$tests" SHARED_DIR="$shared" \
			>/dev/null 2>&1) || rc=$?
		case $rc in
		0) result=SURVIVED; survived=$((survived + 1)) ;;
		124|137) result="caught-timeout"; caught=$((caught + 1)) ;;
		*) result=caught; caught=$((caught + 1)) ;;
		esac
	fi
	# back to the original text, newer than every object built from the
	# mutant, so the next build recompiles it
	cat "$work/orig" >"$src/$file"
	printf '%-4s %-14s %-34s %s -> %s  [%s]\n' "$n" "$result" "$file" "$from" "$to" "$tests"
done < "$list"
echo "mutation: $n mutations: $caught caught, $survived survived, $broken could not be applied"
[ "$survived" = 0 ] && [ "$broken" = 0 ]
