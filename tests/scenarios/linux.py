"""Debian's Linux 6.1 as an unmodified PV domU: linux-image-amd64's own
bzImage (decompressed in dom0 with liblzma) and the vmlinux inside it,
each with a busybox initramfs, fetched once from Debian's archive
(tools/debian.sh) and never committed.  Linux reaches its init with two
vCPUs, its xen-balloon driver follows xl mem-set down and up again, xl
shutdown powers it off through control/shutdown, xl reboot restarts it,
xl destroy gives every page back, and the auditor finds nothing wrong.

Linux's markers come from its /etc/rc through /dev/kmsg at an error level,
which `quiet` still prints, and earlyprintk=xen sends them to the
hypervisor console with a (dN) prefix.  The boots use q35: GRUB reads the
kernel and initramfs from the ISO under TCG several times faster there
than on pc."""

import os
import re
import tempfile

import xldebian
from xltest import scenario

INITTAB = """::sysinit:/etc/rc
hvc0::respawn:/bin/sh
::shutdown:/bin/sh -c 'echo "<3>linux-init: going down" > /dev/kmsg'
"""

RC = """#!/bin/busybox sh
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "<3>linux-init: $*" > /dev/kmsg; }
say "cpus $(grep -c ^processor /proc/cpuinfo)"
say "$(dmesg | grep -o 'Checked W+X mappings: [a-z]*')"
say "events: $(dmesg | grep -o 'Using [A-Za-z0-9-]* ABI')"
say "up"
kb=/sys/devices/system/xen_memory/xen_memory0/info/current_kb
( last=; while :; do c=$(cat $kb); [ "$c" != "$last" ] && say "current_kb $c"; last=$c; sleep 1; done ) &
"""

CMDLINE = "console=hvc0 earlyprintk=xen keep_bootcon quiet"


def materials(t, kernel, cmdline=CMDLINE):
    """Ramdisk files: the kernel at /boot/linux, the initramfs, the cfg."""
    try:
        image = xldebian.bzimage(t.build) if kernel == "bzimage" \
            else xldebian.vmlinux(t.build)
        initrd = xldebian.initramfs(t.build, {"/etc/rc": RC, "/etc/inittab": INITTAB})
    except xldebian.DebianError as e:
        t.fail(str(e))
    tmp = tempfile.mkdtemp(prefix="xen-lite-linux.")
    cfg = os.path.join(tmp, "linux.cfg")
    with open(cfg, "w") as f:
        f.write('name = "linux"\ntype = "pv"\nkernel = "/boot/linux"\n'
                'ramdisk = "/boot/linux-initrd"\nmemory = 256\nmaxmem = 256\n'
                'memory_min = 64\nvcpus = 2\n'
                f'extra = "{cmdline}"\non_poweroff = "destroy"\n'
                'on_reboot = "restart"\non_crash = "destroy"\n')
    return [f"{image}:/boot/linux", f"{initrd}:/boot/linux-initrd",
            f"{cfg}:/etc/xen/linux.cfg"]


def boot(t, kernel, script, timeout, extra=(), cmdline=CMDLINE, **opts):
    r = t.boot(files=materials(t, kernel, cmdline) + list(extra), run=script, smp=2, mem=1024,
               machine="q35", timeout=timeout, **opts)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) audit: \d+ frames, \d+ page tables checked, 0 problems$")
    t.expect_not(r, r"\(d\d+\) .*(Kernel panic|BUG:|Oops|WARNING: CPU)")
    return r


def free_mib(t, r, marker):
    m = t.expect(r, rf"^@@{marker}\n(?:.*\n)*?free_memory +: (\d+)$")
    return int(m.group(1))


def list_mem(t, r, marker):
    m = t.expect(r, rf"^@@{marker}\n(?:.*\n)*?linux +\d+ +(\d+) +2 ")
    return int(m.group(1))


@scenario("linux_bzimage_smp2_balloons_and_powers_off")
def linux_bzimage(t):
    script = ("echo @@before; xl info; time xl create /etc/xen/linux.cfg; "
              "echo @@console; xl console linux; echo @@detached; "
              "xl mem-set linux 128m; xl balloon-status -w; sleep 3; echo @@small; "
              "xl list linux; xl balloon-status; xl mem-set linux 256m; "
              "xl balloon-status -w; sleep 3; echo @@big; "
              "xl list linux; echo @@stats; xl hypercall-stats linux; "
              "xl shutdown -w linux; echo @@after; xl list; xl info")
    # At the console once init is up (the hypervisor's copy of its kernel
    # messages says so): a fresh prompt, a command typed there, Ctrl-].
    typed = [r"linux-init: up$=>\r",
             r"^/ # $=>echo typed-$((6*7)) on $(grep -c ^processor /proc/cpuinfo) cpus\r",
             r"^typed-42 on 2 cpus=>\x1d"]
    r = boot(t, "bzimage", script, timeout=150, type=typed)
    t.expect(r, r"^typed-42 on 2 cpus\r?$")
    # Linux's own check of its kernel mappings (CONFIG_DEBUG_WX).
    t.expect(r, r"linux-init: Checked W\+X mappings: passed$")
    # Event channels through the FIFO ABI, as Linux picks on Xen 4.17.
    t.expect(r, r"linux-init: events: Using FIFO-based ABI$")
    t.expect(r, r"^@@detached$")
    # Guest lines printed while dom0 prints too may be cut into pieces on
    # the shared serial line: look for the markers anywhere in a line.
    t.expect(r, r"linux-init: current_kb 131072$")
    sizes = [int(m.group(1)) for m in t.expect_all(r, r"linux-init: current_kb (\d+)$")]
    t.check(sizes[-1] > 200 * 1024, f"memory did not come back: {sizes}")
    t.check(list_mem(t, r, "small") == 128, "xl list does not show 128 MiB")
    t.check(list_mem(t, r, "big") == 256, "xl list does not show 256 MiB")
    t.expect(r, r"^linux +\d+ +128 +128 .* ok ")
    t.expect(r, r"linux-init: going down$")
    t.expect(r, r"^\(XEN\) Domain 1 shut down \(reason 0\)")
    t.check(free_mib(t, r, "after") == free_mib(t, r, "before"),
            "free memory is not back to what it was before the guest")
    m = t.expect(r, r"^real\t0m(\d+\.\d+)s$")
    t.note(f"xl create of the bzImage (decompressed in dom0): {float(m.group(1)):.1f} s")
    for name in ("mmu_update", "mmuext_op", "update_va_mapping", "multicall"):
        t.expect(r, rf"^{name} +\d+ +\d+$")
    m = t.expect(r, r"^writable page-table writes emulated: (\d+)$")
    t.check(int(m.group(1)) > 0, "no page-table write was emulated")


def corrupt_bzimage(t):
    """Debian's bzImage with bytes of its XZ payload overwritten, and an
    xl.cfg that names it."""
    with open(xldebian.bzimage(t.build), "rb") as f:
        data = bytearray(f.read())
    start = data.find(xldebian.XZ_MAGIC)
    data[start + 4096:start + 4160] = b"\x55" * 64
    tmp = tempfile.mkdtemp(prefix="xen-lite-linux.")
    bad, cfg = os.path.join(tmp, "bad-vmlinuz"), os.path.join(tmp, "bad.cfg")
    with open(bad, "wb") as f:
        f.write(data)
    with open(cfg, "w") as f:
        f.write('name = "bad"\nkernel = "/boot/bad-vmlinuz"\nmemory = 128\n')
    return [f"{bad}:/boot/bad-vmlinuz", f"{cfg}:/etc/xen/bad.cfg"]


@scenario("linux_vmlinux_reboots_and_is_destroyed_corrupt_bzimage_refused")
def linux_vmlinux(t):
    # Each `xl console` waits for init to come up; the runner detaches it.
    script = ("echo @@before; xl info; -xl create /etc/xen/bad.cfg; echo @@bad; xl list; "
              "xl create /etc/xen/linux.cfg; xl console linux; "
              "xl reboot -w linux; xl console linux; echo @@rebooted; xl list; "
              "xl destroy linux; echo @@after; xl list; xl info")
    # Linux's messages go to its console only (no earlyprintk=xen): each
    # marker shows once, while `xl console` is attached.
    up = ["linux-init: up$=>\\x1d", "linux-init: up$=>\\x1d"]
    r = boot(t, "vmlinux", script, timeout=150, extra=corrupt_bzimage(t), type=up,
             cmdline="console=hvc0 quiet")
    t.expect(r, r"^/boot/bad-vmlinuz: bzImage payload: corrupt XZ data$")
    t.expect_not(r, r"^bad +\d+ ")
    # The refused kernel created no domain: Linux is domain 1, then 2.
    t.expect_not(r, r"^@@before\n(?:.*\n)*?\(XEN\) Domain \d+ created(?:.*\n)*?@@bad$")
    t.expect_count(r, r"linux-init: up$", 2)
    t.expect_count(r, r"linux-init: cpus 2$", 2)
    t.expect_count(r, r"linux-init: Checked W\+X mappings: passed$", 2)
    t.expect_count(r, r"linux-init: events: Using FIFO-based ABI$", 2)
    t.expect(r, r"^\(XEN\) Domain 1 shut down \(reason 1\)$")
    t.expect(r, r"^Domain 1 restarted as domain 2$")
    t.expect(r, r"^\(XEN\) Domain 2 destroyed$")
    t.check(free_mib(t, r, "after") == free_mib(t, r, "before"),
            "free memory is not back to what it was before the guest")


def pvgrub_boot(t, image, memory, **opts):
    """xl create -c of a PV GRUB image in a domain of `memory` MiB, until
    what opts say; the run must end there."""
    tmp = tempfile.mkdtemp(prefix="xen-lite-pvgrub.")
    cfg = os.path.join(tmp, "pvgrub.cfg")
    with open(cfg, "w") as f:
        f.write('name = "pvgrub"\ntype = "pv"\nkernel = "/boot/pvgrub.elf"\n'
                f'memory = {memory}\non_poweroff = "destroy"\non_crash = "destroy"\n')
    r = t.boot(files=[f"{image}:/boot/pvgrub.elf", f"{cfg}:/etc/xen/pvgrub.cfg"],
               run="xl create -c /etc/xen/pvgrub.cfg", **opts)
    t.expect_status(r, 0)
    return r


GRUB_CFG = """echo "pvgrub: memdisk grub.cfg running"
ls
echo "pvgrub: done"
"""


@scenario("pvgrub_reaches_its_prompt_after_its_memdisk_grub_cfg")
def pvgrub_prompt(t):
    """Debian's PV GRUB as a domU: its console is the xencons ring, which
    xl create -c shows; it needs grant tables (set_version, setup_table
    with real frames) to get there."""
    try:
        image = xldebian.pvgrub(t.build, GRUB_CFG)
    except xldebian.DebianError as e:
        t.fail(str(e))
    r = pvgrub_boot(t, image, 64, until=r"grub> ", timeout=60)
    t.expect(r, r"^Welcome to GRUB!")
    t.expect(r, r"^pvgrub: memdisk grub.cfg running$")
    t.expect(r, r"^\(memdisk\)")
    t.expect(r, r"^pvgrub: done$")
    t.expect(r, r"GNU GRUB +version 2\.06")
    t.expect_not(r, r"\(XEN\) Domain 1 .*crashed")


BOOT_LINUX_CFG = f"""echo "pvgrub: loading Linux from the memdisk"
linux (memdisk)/boot/vmlinuz {CMDLINE}
initrd (memdisk)/boot/initrd.gz
boot
"""


@scenario("pvgrub_boots_debian_linux_from_its_memdisk")
def pvgrub_boots_linux(t):
    """PV GRUB's linux and initrd commands load Debian's bzImage and the
    busybox initramfs from its memdisk and boot them, as Xen users boot
    their guests: Linux reaches its init in the domain PV GRUB was."""
    try:
        image = xldebian.pvgrub(t.build, BOOT_LINUX_CFG, {
            "/boot/vmlinuz": xldebian.bzimage(t.build),
            "/boot/initrd.gz": xldebian.initramfs(
                t.build, {"/etc/rc": RC, "/etc/inittab": INITTAB})})
    except xldebian.DebianError as e:
        t.fail(str(e))
    r = pvgrub_boot(t, image, 256, until=r"linux-init: up", machine="q35",
                    mem=1024, timeout=150)
    t.expect(r, r"^pvgrub: loading Linux from the memdisk$")
    t.expect(r, r"Linux version 6\.1")
    t.expect(r, r"linux-init: cpus 1$")
    t.expect_not(r, r"\(XEN\) Domain 1 .*crashed")
