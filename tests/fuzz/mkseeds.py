#!/usr/bin/env python3
"""Write the hand-made seeds of tests/fuzz/corpus/ (small, valid inputs in
each harness's format, so that fuzzing starts past the first checks):

    tests/fuzz/mkseeds.py                 (re)write the tree's seeds
    tests/fuzz/mkseeds.py --bzimage ELF OUT
                                          a bzImage holding ELF (the build's
                                          seed for the bzImage harness)

Layouts: Multiboot2 specification §3.6; ACPI 6.4 §5.2 (the harness's own
record format is described in tests/fuzz/fuzz_acpi.c); xenstore's wire
format (hypercalls/xenstore.h); Linux's Documentation/x86/boot.rst."""

import lzma
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- Multiboot2 ------------------------------------------------------------

def mb2_tag(typ, payload):
    t = struct.pack("<II", typ, 8 + len(payload)) + payload
    return t + b"\0" * (-len(t) % 8)


def multiboot2():
    mmap = struct.pack("<II", 24, 0) + b"".join(
        struct.pack("<QQII", base, length, typ, 0)
        for base, length, typ in ((0, 0x9fc00, 1), (0x9fc00, 0x400, 2),
                                  (0x100000, 0x1ff00000, 1)))
    tags = (mb2_tag(1, b"console=com1 loglvl=all\0") +
            mb2_tag(2, b"GRUB 2.06\0") +
            mb2_tag(3, struct.pack("<II", 0x200000, 0x300000) + b"dom0\0") +
            mb2_tag(6, mmap) +
            mb2_tag(14, b"RSD PTR " + b"\0" * 12) +
            mb2_tag(0, b""))
    info = struct.pack("<II", 8 + len(tags), 0) + tags
    write("multiboot2", "grub-bios", info)


# ---- ACPI (the harness's records) ----------------------------------------

TABLE_PA = [0x10000 * (i + 1) for i in range(8)]


def sdt(sig, body, rev=1):
    """A table; the harness sets length and checksum."""
    return sig + struct.pack("<IBB6s8sI4sI", 36 + len(body), rev, 0, b"FUZZ  ",
                             b"FUZZTBL ", 1, b"FUZZ", 1) + body


def record(table):
    return struct.pack("<H", len(table)) + table


def acpi():
    # FADT (rev 1, 116 bytes): DSDT at offset 40, PM1a_CNT_BLK at 64.
    fadt_body = bytearray(116 - 36)
    struct.pack_into("<I", fadt_body, 40 - 36, TABLE_PA[1])
    struct.pack_into("<I", fadt_body, 64 - 36, 0x604)
    fadt_body[89 - 36] = 2                          # PM1_CNT_LEN
    # DSDT: Name(_S5_, Package(){5, 5}) in AML.
    s5 = b"\x08_S5_\x12\x06\x02\x0a\x05\x0a\x05"
    dsdt = sdt(b"DSDT", s5, rev=2)
    # MADT: local APIC address, flags, two local APICs, an I/O APIC.
    madt_body = struct.pack("<II", 0xfee00000, 1)
    madt_body += struct.pack("<BBBBI", 0, 8, 0, 0, 1)
    madt_body += struct.pack("<BBBBI", 0, 8, 1, 1, 1)
    madt_body += struct.pack("<BBBBII", 1, 12, 2, 0, 0xfec00000, 0)
    madt_body += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    hpet_body = struct.pack("<I", 0x8086a201) + struct.pack("<BBBBQ", 0, 64, 0, 0,
                                                           0xfed00000) + b"\0\0\0"
    tables = [sdt(b"FACP", bytes(fadt_body)), dsdt, sdt(b"APIC", madt_body),
              sdt(b"HPET", hpet_body)]
    for flags, name in ((0, "rsdt"), (1, "xsdt")):
        write("acpi", name, bytes([flags]) + b"".join(record(t) for t in tables))


# ---- xenstore (the harness's records) -----------------------------------

XS = {"directory": 1, "read": 2, "watch": 4, "unwatch": 5, "tx_start": 6,
      "tx_end": 7, "write": 11, "mkdir": 12, "rm": 13, "set_perms": 14,
      "get_perms": 3, "get_domain_path": 10}


def xs_msg(typ, *args, req=1, tx=0):
    payload = b"".join(a + b"\0" for a in args)
    return struct.pack("<IIII", XS[typ], req, tx, len(payload)) + payload


def xs_record(sel, data):
    return struct.pack("<BH", sel, len(data)) + data


def xenstore():
    # A write's value is not NUL-terminated.
    d1 = struct.pack("<IIII", XS["write"], 1, 0, len(b"data/x\0hello")) + b"data/x\0hello"
    seq = [xs_record(1, d1),
           xs_record(1, xs_msg("read", b"data/x", req=2)),
           xs_record(1, xs_msg("watch", b"data", b"tok", req=3)),
           xs_record(0, xs_msg("directory", b"/local/domain", req=4)),
           xs_record(2, xs_msg("tx_start", b"", req=5)),
           xs_record(1, xs_msg("set_perms", b"data/x", b"n1", b"r2", req=6)),
           xs_record(2, xs_msg("read", b"/local/domain/1/data/x", req=7)),
           xs_record(1, xs_msg("rm", b"data", req=8)),
           xs_record(4, b""),
           xs_record(0, xs_msg("get_domain_path", b"2", req=9))]
    write("xenstore", "session", b"".join(seq))


# ---- page types (the harness's operations) ----------------------------

def page_type():
    E = 0x27                                       # P RW US A
    ops = [
        (1, 0, 1, 0, 0, 0),          # pin frame 0 as an L2 (empty)
        (0, 1, 0, 0, 2, E),          # frame 1[0] = frame 2 (a plain write)
        (1, 1, 0, 0, 0, 0),          # pin frame 1 as an L1
        (0, 0, 0, 0, 1, E),          # L2 frame 0 [0] = L1 frame 1
        (0, 0, 1, 0, 1, E),          # and [1]
        (3, 0, 2, 0, 0, 0),          # preempt every 2nd check
        (2, 1, 0, 0, 0, 0),          # unpin the L1
        (0, 0, 0, 0, 0, 0),          # clear [0]
        (1, 3, 3, 0, 0, 0),          # an L4
        (2, 0, 0, 0, 0, 0),
    ]
    write("page_type", "tree", b"".join(struct.pack("<6B2x", *o) for o in ops))


def bzimage(elf_path, out):
    """Setup of 2 sectors, protocol 2.15, an XZ payload (CRC32, as Linux
    builds it) followed by the uncompressed size."""
    with open(elf_path, "rb") as f:
        elf = f.read()
    xz = lzma.compress(elf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
    payload = xz + struct.pack("<I", len(elf))
    setup = bytearray(2 * 512)
    setup[0x1f1] = 1
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, 0x20f)
    struct.pack_into("<II", setup, 0x248, 0, len(payload))
    with open(out, "wb") as f:
        f.write(bytes(setup) + payload)


def main(argv):
    if argv[:1] == ["--bzimage"]:
        bzimage(argv[1], argv[2])
        return 0
    multiboot2()
    acpi()
    xenstore()
    page_type()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
