#!/bin/sh
# Install what netsift needs to build and test on Debian 12 (needs root; skips what is there).
set -eu
PKGS="autoconf automake libtool make gcc pkg-config libpcap-dev libcmocka-dev
      libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool
      tshark tcpdump tcptrace python3 man-db iproute2 nftables ethtool
      iputils-ping netcat-openbsd dnsmasq-base curl iperf3
      nettle-dev sqlite3 chromium jq
      libzstd-dev liblz4-dev zstd lz4 gzip util-linux"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
