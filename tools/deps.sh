#!/bin/sh
# Install the Debian 12 packages the project needs and fetch Debian's Xen 4.17
# hypervisor (unpacked, never installed) for side-by-side runs.
# Idempotent and quiet: with everything present it only checks and returns.
set -eu

PKGS="qemu-system-x86 qemu-utils grub-pc-bin grub-common grub-efi-amd64-bin
xorriso mtools ovmf bochs bochsbios vgabios bochs-term newlib-source cpio
patch python3-matplotlib clang libclang-rt-14-dev liblzma-dev"
XEN_PKG=xen-hypervisor-4.17-amd64
XEN_FILE=boot/xen-4.17-amd64.gz
BUILD=${BUILD:-build}
XEN_GZ=$BUILD/xen-4.17/xen.gz

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi

log=$(mktemp)
tmp=
cleanup() {
	rm -f "$log"
	if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Run a command with its output kept aside; show it only if the command fails.
quiet() {
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		echo "deps: failed: $*" >&2
		exit 1
	fi
}

# Packages dpkg does not report as installed.
missing_packages() {
	# shellcheck disable=SC2086
	dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
		awk '$NF == "installed" { ok[$1] = 1 }
		     END { n = split(pkgs, p, /[ \n]+/)
		           for (i = 1; i <= n; i++) if (p[i] != "" && !ok[p[i]]) print p[i] }' \
		    pkgs="$PKGS"
}

apt_updated=0
apt_update() {
	if [ $apt_updated -eq 0 ]; then
		quiet $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
		apt_updated=1
	fi
}

did=""

missing=$(missing_packages)
if [ -n "$missing" ]; then
	apt_update
	# shellcheck disable=SC2086
	quiet $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing
	# shellcheck disable=SC2086
	set -- $missing
	did="installed $# package(s)"
fi

if [ ! -s "$XEN_GZ" ]; then
	tmp=$(mktemp -d)
	if ! (cd "$tmp" && apt-get download -q "$XEN_PKG") >"$log" 2>&1; then
		apt_update
		quiet sh -c "cd '$tmp' && apt-get download -q $XEN_PKG"
	fi
	quiet dpkg -x "$tmp"/"$XEN_PKG"_*.deb "$tmp/root"
	mkdir -p "$(dirname "$XEN_GZ")"
	cp "$tmp/root/$XEN_FILE" "$XEN_GZ.tmp"
	mv "$XEN_GZ.tmp" "$XEN_GZ"
	did="${did:+$did, }fetched Xen 4.17 into $XEN_GZ"
fi

# Sources dom0's liblzma is built from (tools/liblzma.sh), fetched once.
if ! ls "$BUILD"/debian/xz/xz-utils_*.debian.tar.* >/dev/null 2>&1; then
	quiet env BUILD="$BUILD" tools/debian.sh xz-source
	did="${did:+$did, }fetched xz-utils' source"
fi

echo "deps: ${did:-all present}"
