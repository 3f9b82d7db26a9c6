#!/bin/sh
# One-time set-up on Debian 12: install dependencies, configure and build into build/.
#
# Installing needs root, building does not. Run with sudo (`sudo tests/setup.sh`)
# and the packages are installed as root, then the tree is configured and built
# as the user who ran sudo (SUDO_USER, through runuser(1)), so a later `make` as
# that user can write build/. Run as root without sudo (CI) and it builds as
# root. Or install as root (`sudo tests/deps.sh`) and run this as yourself.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" != --build-only ]; then
	"$top/tests/deps.sh"
	if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
		echo "setup.sh: packages installed; building as $SUDO_USER (SUDO_USER)"
		exec runuser -u "$SUDO_USER" -- "$top/tests/setup.sh" --build-only
	fi
fi
cd "$top"
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
mkdir -p build && cd build
[ -f Makefile ] || "$top/configure" -q
make -s -j"$(nproc 2>/dev/null || echo 2)"
echo "netsift built: $top/build/netsift"
