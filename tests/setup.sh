#!/bin/sh
# One-time set-up on Debian 12: install dependencies, configure and build into build/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh"
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
mkdir -p build && cd build
[ -f Makefile ] || "$top/configure" -q
make -s -j"$(nproc 2>/dev/null || echo 2)"
echo "netsift built: $top/build/netsift"
