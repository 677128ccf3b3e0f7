"""Platform: boot on pc and q35, BIOS and UEFI, SMP bring-up, RAM sizes,
the hypervisor's self-test, and what a panic looks like."""

from xltest import scenario

SELFTEST = r"\(XEN\) selftest: (\d+) passed, 0 failed"
POWEROFF = r"\(XEN\) Powering off"
BROUGHT_UP = r"\(XEN\) Brought up (\d+) CPUs"
SYSTEM_RAM = r"\(XEN\) System RAM: (\d+)MB"
HIGH_FRAMES = r"\(XEN\) selftest: allocator covered (\d+) frames above 4GiB"


def boot_selftest(t, **opts):
    """Boot with the self-test; it must pass and power off cleanly."""
    r = t.boot(xen_append="selftest", **opts)
    t.expect_status(r, 0)
    m = t.expect(r, SELFTEST)
    t.check(int(m.group(1)) > 0, "the self-test ran no test")
    t.expect(r, POWEROFF)
    return r


@scenario("selftest_{machine}", machine=["pc", "q35"])
def selftest_passes(t, machine):
    boot_selftest(t, machine=machine)


@scenario("selftest_uefi")
def selftest_passes_under_uefi(t):
    boot_selftest(t, firmware="uefi")


@scenario("smp_{smp}_cpus_come_up", smp=[1, 2, 4])
def smp_cpus_come_up(t, smp):
    r = boot_selftest(t, smp=smp)
    cpus = int(t.expect(r, BROUGHT_UP).group(1))
    t.check(cpus == smp, f"Brought up {cpus} CPUs, expected {smp}")
    if smp == 4:
        t.note(f"QEMU start -> 'Brought up 4 CPUs': "
               f"{r.time_of(BROUGHT_UP):.2f} s")


@scenario("mem_{mib}_mib_is_seen", mib=[128, 1024, 6144])
def mem_is_seen(t, mib):
    # The allocator check stamps every frame: an emulator on a busy host
    # needs about 35 s for 6 GiB, past the default 60 s when loaded more.
    r = boot_selftest(t, mem=mib, timeout=max(60, mib // 32))
    seen = int(t.expect(r, SYSTEM_RAM).group(1))
    t.check(abs(seen - mib) <= mib * 0.02,
            f"System RAM {seen}MB is not within 2% of {mib} MiB")
    if mib > 4096:
        frames = int(t.expect(r, HIGH_FRAMES).group(1))
        t.check(frames > 0, "the allocator covered no frame above 4 GiB")


@scenario("no_dom0_kernel_panics")
def no_dom0_kernel_panics(t):
    r = t.boot(no_dom0=True)
    t.expect_status(r, 125)
    t.expect(r, r"No dom0 kernel")
    t.expect(r, r"Panic on CPU")


@scenario("unhandled_fault_dumps_registers")
def unhandled_fault_dumps_registers(t):
    r = t.boot(xen_append="selftest=fault")
    t.expect_status(r, 125)
    for line in (r"RIP:", r"RSP:", r"Xen call trace", r"Panic on CPU"):
        t.expect(r, line)
