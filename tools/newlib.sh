#!/bin/sh
# Build newlib for dom0: freestanding x86-64, no multilib, linked at the top
# 2 GiB like every PV kernel (-mcmodel=kernel).
#
#     tools/newlib.sh TARBALL OUTDIR
#
# Installs headers and libc.a/libm.a under OUTDIR/x86_64-elf/ and touches
# OUTDIR/stamp when done; the build's output goes to OUTDIR/build.log, shown
# only if the build fails.  The source and object trees are removed after
# a successful install (the log and the install remain).
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 TARBALL OUTDIR" >&2
	exit 2
fi
tarball=$1
out=$2

TARGET=x86_64-elf
TARGET_CFLAGS="-O2 -g -ffreestanding -fno-pie -fno-pic -mno-red-zone \
-fno-stack-protector -mcmodel=kernel"
CONFIGURE_FLAGS="--target=$TARGET --disable-multilib
--enable-newlib-io-long-long --enable-newlib-io-c99-formats
--disable-libgloss --disable-nls"

if [ ! -f "$tarball" ]; then
	echo "newlib: $tarball not found (make deps installs newlib-source)" >&2
	exit 1
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/build.log
work=$out/work
rm -rf "$work" "$out/$TARGET" "$out/stamp"
mkdir -p "$work/build"
: >"$log"

fail() {
	tail -n 60 "$log" >&2
	echo "newlib: $1 failed; the whole log is $log" >&2
	exit 1
}

# A make above us must not lend its jobserver or flags to newlib's build.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES || true
jobs=$(nproc 2>/dev/null || echo 2)

tar -xJf "$tarball" -C "$work" >>"$log" 2>&1 || fail "unpacking"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'newlib-*' | head -n 1)
[ -n "$src" ] || fail "finding the source tree"

cd "$work/build"
# shellcheck disable=SC2086
"$src/configure" --prefix="$out" $CONFIGURE_FLAGS \
	CC_FOR_TARGET=gcc AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib \
	AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
	CFLAGS_FOR_TARGET="$TARGET_CFLAGS" >>"$log" 2>&1 || fail "configure"
make -j"$jobs" all-target-newlib >>"$log" 2>&1 || fail "make"
make install-target-newlib >>"$log" 2>&1 || fail "make install"

for f in "$out/$TARGET/lib/libc.a" "$out/$TARGET/lib/libm.a" \
	"$out/$TARGET/include/stdio.h"; do
	[ -f "$f" ] || fail "installing ($f is missing)"
done
cd "$out"
rm -rf "$work"
touch "$out/stamp"
