#!/bin/sh
# Robustness over other projects' test captures (tcpdump's, Suricata's,
# scapy's: many deliberately malformed), run under ASan+UBSan by check-asan:
# `netsift read -o json` and `netsift analyze -o json` on every capture under
# $SHARED_DIR/pcaps must
#  - never die from a signal or hang (timeout 30 s per file),
#  - exit 0, or exit 1 with exactly one error line on stderr,
#  - print only valid JSON lines with the envelope keys in the contract's order.
# Prints a summary; skips (77) only if the corpus is absent.
set -u
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
corpus=$SHARED_DIR/pcaps
if [ ! -d "$corpus" ]; then
	echo "SKIP: corpus $corpus not found (set SHARED_DIR)"
	exit 77
fi

files=0 ok=0 errs=0 fail=0 stderr_lines=0 events=0 analyzed=0
find "$corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort >"$tmp/list"
while IFS= read -r f; do
	files=$((files + 1))
	b=$(echo "${f#"$corpus"/}" | tr / _)
	# analyze: the same rules for its exit status; its output must be JSON
	timeout 30 "$NETSIFT" analyze -o json "$f" >"$tmp/$b.an" 2>"$tmp/err"
	rc=$?
	case $rc in
	0|1) [ "$rc" = 1 ] && [ "$(grep -vc '^netsift: stats: ' "$tmp/err")" -ne 1 ] && {
		echo "FAIL: $b: analyze exit 1 without exactly one error line:"; cat "$tmp/err"; fail=1; }
	     analyzed=$((analyzed + 1)) ;;
	124) echo "FAIL: $b: analyze timed out"; fail=1 ;;
	*) echo "FAIL: $b: analyze exit status $rc (signal or unexpected)"; cat "$tmp/err"; fail=1 ;;
	esac
	timeout 30 "$NETSIFT" read -o json "$f" >"$tmp/$b.out" 2>"$tmp/err"
	rc=$?
	n=$(wc -l <"$tmp/err")
	stderr_lines=$((stderr_lines + n))
	case $rc in
	0)
		ok=$((ok + 1))
		# only the end-of-run summary may appear on success
		if grep -v '^netsift: stats: ' "$tmp/err" | grep -q .; then
			echo "FAIL: $b: exit 0 but unexpected stderr:"; cat "$tmp/err"; fail=1
		fi
		;;
	1)
		errs=$((errs + 1))
		if [ "$n" -ne 1 ]; then
			echo "FAIL: $b: exit 1 with $n stderr lines (want exactly 1):"; cat "$tmp/err"; fail=1
		else
			echo "  error (expected one line): $(cat "$tmp/err")"
		fi
		;;
	124)
		echo "FAIL: $b: timed out"; fail=1 ;;
	*)
		echo "FAIL: $b: exit status $rc (signal or unexpected)"; cat "$tmp/err"; fail=1 ;;
	esac
	events=$((events + $(wc -l <"$tmp/$b.out")))
done <"$tmp/list"
[ "$files" -gt 0 ] || { echo "FAIL: no captures under $corpus"; fail=1; }

# Every output line is JSON with the envelope keys in order.
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp" <<'EOF' || fail=1
import json, os, sys
keys = ["timestamp", "eventName", "processId", "threadId", "processName",
        "cgroupId", "userId", "frame", "argsNum", "args"]
bad = 0
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if not name.endswith(".out"):
        continue
    with open(os.path.join(d, name), "rb") as fh:
        for i, line in enumerate(fh, 1):
            try:
                ev = json.loads(line)
                assert list(ev) == keys, "key order %s" % list(ev)
                assert ev["argsNum"] == len(ev["args"]), "argsNum"
                for a in ev["args"]:
                    assert list(a) == ["name", "type", "value"], "arg keys"
            except Exception as e:
                bad += 1
                if bad <= 10:
                    print("FAIL: %s line %d: %s" % (name[:-4], i, e))
for name in sorted(os.listdir(d)):
    if not name.endswith(".an"):
        continue
    with open(os.path.join(d, name), "rb") as fh:
        for i, line in enumerate(fh, 1):
            try:
                json.loads(line)
            except Exception as e:
                bad += 1
                if bad <= 10:
                    print("FAIL: %s analyze line %d: %s" % (name[:-3], i, e))
sys.exit(1 if bad else 0)
EOF
fi

echo "corpus: $files files: $ok read completely, $errs rejected with one error line," \
	"$events events, $stderr_lines stderr lines, $analyzed analyzed;" \
	"$([ $fail -eq 0 ] && echo PASS || echo FAIL)"
exit $fail
