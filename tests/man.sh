#!/bin/sh
# The manual pages render without a single groff/man warning at 80 columns:
# man -l --warnings (groff -ww) on netsift(1) and netsift-events(7).
# Rendered in the C locale (ASCII) so line lengths count characters.
set -u
needs_netsift=no   # it renders the man pages only
# shellcheck source=tests/common.sh
. "$(dirname "$0")/common.sh"
if ! command -v man >/dev/null 2>&1; then
	echo "SKIP: man (man-db) not installed"
	exit 77
fi
for page in netsift.1 netsift-events.7; do
	src=$TOP_SRCDIR/man/$page
	if [ ! -f "$src" ]; then
		echo "FAIL: $src missing"; fail=1; continue
	fi
	MANWIDTH=80 LC_ALL=C MAN_KEEP_STDERR=1 timeout 60 \
		man --warnings -l "$src" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
		echo "FAIL: $page (exit $rc):"; cat "$tmp/err"; fail=1
	elif [ "$(wc -l <"$tmp/out")" -lt 50 ]; then
		echo "FAIL: $page rendered to only $(wc -l <"$tmp/out") lines"; fail=1
	else
		# no rendered line may exceed the 80 columns
		long=$(awk 'length > 80' "$tmp/out" | wc -l)
		if [ "$long" -ne 0 ]; then
			echo "FAIL: $page has $long lines over 80 columns:"; awk 'length > 80' "$tmp/out"; fail=1
		else
			echo "ok: $page ($(wc -l <"$tmp/out") lines, no warnings)"
		fi
	fi
done
exit $fail
