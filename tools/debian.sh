#!/bin/sh
# Fetch Debian packages the Linux and PV GRUB scenarios use, once per
# machine, into a cache under $BUILD/debian (kept by `make clean`):
#
#   tools/debian.sh linux      -> $BUILD/debian/linux/vmlinuz (Debian's bzImage)
#   tools/debian.sh busybox    -> $BUILD/debian/busybox/busybox (static)
#   tools/debian.sh grub-xen   -> $BUILD/debian/grub-xen/ (grub-xen-bin's x86_64-xen modules)
#   tools/debian.sh xz-source  -> $BUILD/debian/xz/xz-utils_*.orig.tar.* (xz-utils' source)
#
# Binary packages come with `apt-get download`, sources with `apt-get
# source --download-only` (tools/deps.sh adds the deb-src entry that needs).
# Each prints the path it made.  Nothing here is ever committed.
set -eu

BUILD=${BUILD:-build}
CACHE=$BUILD/debian
what=${1:-}

log=$(mktemp)
tmp=$(mktemp -d)
trap 'rm -rf "$log" "$tmp"' EXIT

# One fetch at a time: scenarios run in parallel and share the cache.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

quiet() {
	if ! "$@" >"$log" 2>&1; then
		cat "$log" >&2
		echo "debian.sh: failed: $*" >&2
		exit 1
	fi
}

# apt-get download in $tmp; retried once after apt-get update (a stale list).
download() {
	if ! (cd "$tmp" && apt-get download -q "$@") >"$log" 2>&1; then
		quiet apt-get update -q
		quiet sh -c "cd '$tmp' && apt-get download -q $*"
	fi
}

# The package a metapackage such as linux-image-amd64 stands for.
depends_on() {
	apt-cache depends "$1" 2>/dev/null | awk '$1 == "Depends:" { print $2; exit }'
}

unpack() {
	quiet dpkg -x "$tmp"/"$1"_*.deb "$tmp/root"
}

fetch_linux() {
	out=$CACHE/linux/vmlinuz
	if [ ! -s "$out" ]; then
		pkg=$(depends_on linux-image-amd64)
		if [ -z "$pkg" ]; then
			quiet apt-get update -q
			pkg=$(depends_on linux-image-amd64)
		fi
		[ -n "$pkg" ] || { echo "debian.sh: linux-image-amd64 not found" >&2; exit 1; }
		download "$pkg"
		unpack "$pkg"
		mkdir -p "$CACHE/linux"
		cp "$tmp"/root/boot/vmlinuz-* "$out.tmp"
		cp "$tmp"/root/boot/config-* "$CACHE/linux/config"
		echo "${pkg#linux-image-}" > "$CACHE/linux/version"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

fetch_busybox() {
	out=$CACHE/busybox/busybox
	if [ ! -s "$out" ]; then
		download busybox-static
		unpack busybox-static
		mkdir -p "$CACHE/busybox"
		cp "$tmp/root/bin/busybox" "$out.tmp"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

fetch_grub_xen() {
	out=$CACHE/grub-xen
	if [ ! -s "$out/x86_64-xen/kernel.img" ]; then
		download grub-xen-bin
		unpack grub-xen-bin
		rm -rf "$out.tmp" && mkdir -p "$out.tmp"
		cp -R "$tmp/root/usr/lib/grub/x86_64-xen" "$out.tmp/"
		rm -rf "$out" && mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# apt-get source needs a deb-src entry; Debian 12's default has none.
SRC_LIST=/etc/apt/sources.list.d/xen-lite-src.sources
add_deb_src() {
	SUDO=
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
	if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" \
			"Suites: bookworm" "Components: main" \
			"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
			$SUDO tee "$SRC_LIST" >/dev/null
	fi
	quiet $SUDO apt-get update -q
}

fetch_xz_source() {
	dir=$CACHE/xz
	if ! ls "$dir"/xz-utils_*.debian.tar.* >/dev/null 2>&1; then
		mkdir -p "$tmp/src"
		if ! (cd "$tmp/src" && apt-get source -q --download-only xz-utils) >"$log" 2>&1; then
			add_deb_src
			quiet sh -c "cd '$tmp/src' && apt-get source -q --download-only xz-utils"
		fi
		mkdir -p "$dir"
		cp "$tmp"/src/xz-utils_*.orig.tar.* "$tmp"/src/xz-utils_*.debian.tar.* \
			"$tmp"/src/xz-utils_*.dsc "$dir/"
	fi
	ls "$dir"/xz-utils_*.orig.tar.* | grep -v '\.asc$' | head -n 1
}

case "$what" in
linux) fetch_linux ;;
busybox) fetch_busybox ;;
grub-xen) fetch_grub_xen ;;
xz-source) fetch_xz_source ;;
*) echo "usage: tools/debian.sh linux|busybox|grub-xen|xz-source" >&2; exit 2 ;;
esac
