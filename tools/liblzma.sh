#!/bin/sh
# Build liblzma's .xz decoder for dom0 from Debian's xz-utils source
# package (fetched once by tools/debian.sh xz-source), with Debian's
# patches applied, the way newlib is built: freestanding x86-64 over
# newlib's headers, linked at the top 2 GiB (-mcmodel=kernel).
#
#     tools/liblzma.sh NEWLIB_INCLUDE OUTDIR
#
# Installs OUTDIR/liblzma.a and OUTDIR/include/lzma.h (+ lzma/) and touches
# OUTDIR/stamp.  Only the decoder is built: LZMA1/2 with the x86 BCJ and
# delta filters and the CRC32/CRC64/SHA-256 checks, single-threaded.  The
# configure script does not run for a freestanding target: config.h is
# written here.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 NEWLIB_INCLUDE OUTDIR" >&2
	exit 2
fi
newlib_inc=$1
out=$2
CC=${CC:-gcc}

tarball=$(tools/debian.sh xz-source)
src_dir=$(dirname "$tarball")
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$out/work
rm -rf "$work" "$out/stamp" "$out/liblzma.a" "$out/include"
mkdir -p "$work/obj" "$out/include"

tar -xf "$tarball" -C "$work"
tar -xf "$src_dir"/xz-utils_*.debian.tar.* -C "$work"
top=$(ls -d "$work"/xz-*/ | head -n 1)
for p in $(grep -v '^#' "$work/debian/patches/series"); do
	patch -s -p1 -d "$top" < "$work/debian/patches/$p"
done

cat > "$work/config.h" <<'CONF'
/* liblzma's decoder for dom0 (tools/liblzma.sh): newlib, one thread. */
#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define HAVE_STDINT_H 1
#define HAVE_INTTYPES_H 1
#define HAVE_STRING_H 1
#define HAVE_STDLIB_H 1
#define HAVE_LIMITS_H 1
#define SIZEOF_SIZE_T 8
#define HAVE_DECODERS 1
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86 1
#define HAVE_DECODER_DELTA 1
#define HAVE_CHECK_CRC32 1
#define HAVE_CHECK_CRC64 1
#define HAVE_CHECK_SHA256 1
#define TUKLIB_FAST_UNALIGNED_ACCESS 1
#define ASSUME_RAM 128
#define NDEBUG 1
#define PACKAGE "xz"
#define PACKAGE_NAME "XZ Utils"
#define PACKAGE_URL ""
CONF

L=$top/src/liblzma
SRCS="common/common.c common/block_decoder.c common/block_header_decoder.c
common/block_util.c common/filter_common.c common/filter_decoder.c
common/filter_flags_decoder.c common/index.c common/index_hash.c
common/stream_decoder.c common/stream_flags_common.c
common/stream_flags_decoder.c common/vli_decoder.c common/vli_size.c
common/stream_buffer_decoder.c check/check.c check/crc32_fast.c
check/crc32_table.c check/crc64_fast.c check/crc64_table.c check/sha256.c
lz/lz_decoder.c lzma/lzma_decoder.c lzma/lzma2_decoder.c
delta/delta_common.c delta/delta_decoder.c simple/simple_coder.c
simple/simple_decoder.c simple/x86.c"
GCC_INC=$($CC -print-file-name=include)
CFLAGS="-std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem $newlib_inc
-isystem $GCC_INC -fno-stack-protector -fno-pie -fno-pic -mcmodel=kernel
-mno-red-zone -fno-common -fcf-protection=none -DHAVE_CONFIG_H -I$work
-I$L/api -I$L/common -I$L/check -I$L/lz -I$L/lzma -I$L/rangecoder -I$L/delta
-I$L/simple -I$top/src/common"
for f in $SRCS; do
	# shellcheck disable=SC2086
	$CC $CFLAGS -c -o "$work/obj/$(echo "$f" | tr / _ | sed 's/\.c$/.o/')" "$L/$f"
done
ar rcs "$out/liblzma.a" "$work"/obj/*.o
cp -R "$L/api/lzma.h" "$L/api/lzma" "$out/include/"
rm -rf "$work"
touch "$out/stamp"
