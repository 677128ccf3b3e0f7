"""Firmware interfaces on pc and q35: power-off into ACPI S5 through the
FADT's PM1 control block and the DSDT's \\_S5 values, reset through the
FADT's reset register or the fallbacks, a MADT with more CPUs than maxcpus
allows, and a local APIC that firmware left in x2APIC mode (under Bochs,
whose CPUs have x2APIC; QEMU's TCG has none)."""

import os

from xltest import scenario

S5 = r"\(XEN\) ACPI: entering S5 \(PM1a_CNT 0x604 <- 0x2000\)"
RESET = {
    # q35's FADT (revision 3) has a reset register; pc's (ACPI 1.0) has
    # none, so the PCI reset control register does it.
    "q35": [r"\(XEN\) ACPI: reset register \(I/O 0xcf9 <- 0xf\)"],
    "pc": [r"\(XEN\) ACPI: no reset register",
           r"\(XEN\) Reset: through the PCI reset control register "
           r"\(I/O 0xcf9\)"],
}


@scenario("acpi_s5_powers_off_{machine}_with_maxcpus", machine=["pc", "q35"])
def acpi_s5_powers_off(t, machine):
    """Four CPUs in the MADT, maxcpus=2: two come up, two are reported
    offline; the power-off goes through S5 (QEMU exits by itself)."""
    r = t.boot(machine=machine, smp=4, xen_append="maxcpus=2",
               dom0=os.path.join(t.build, "guests", "hello"))
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) ACPI: RSDP rev 0 \(BOCHS \), 4 CPUs")
    t.expect(r, r"\(XEN\) Brought up 2 CPUs")
    t.expect(r, r"\(XEN\) 2 CPUs left offline \(maxcpus=2")
    t.expect(r, S5)
    t.expect_not(r, r"Power-off failed")


@scenario("acpi_reboot_resets_{machine}", machine=["pc", "q35"])
def acpi_reboot_resets(t, machine):
    """dom0's reboot resets the machine (QEMU, run with -no-reboot, exits
    0 on a reset) through the way the firmware's tables offer."""
    r = t.boot(machine=machine, run="reboot")
    t.check(r.qemu_status == 0, f"QEMU exit {r.qemu_status} ({r.reason})")
    t.expect(r, r"\(XEN\) Resetting the machine")
    for line in RESET[machine]:
        t.expect(r, line)
    t.expect_not(r, r"Reset: through the keyboard controller|Powering off")


# IA32_APIC_BASE (MSR 0x1b): the default base, BSP, enabled, x2APIC mode,
# as firmware leaves it on machines with APIC IDs above 254.
X2APIC_ON = "wrmsr 0x1b 0xfee00d00"


@scenario("bochs_x2apic_left_on_by_firmware_stays_on", long=True)
def x2apic_left_on_by_firmware(t):
    """GRUB turns x2APIC mode on before the hypervisor starts; asked for
    xAPIC mode (x2apic=0), the hypervisor keeps x2APIC mode, the only way
    back being through a disabled APIC, and its timer, IPIs and the other
    CPU work (the self-test)."""
    r = t.boot(emulator="bochs", smp=2, grub_cmds=[X2APIC_ON],
               xen_append="x2apic=0 selftest", timeout=300)
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) Local APIC: x2APIC mode \(left on by firmware; "
             r"x2apic=0 ignored\)")
    t.expect(r, r"\(XEN\) Brought up 2 CPUs")
    t.expect(r, r"\(XEN\) selftest: \d+ passed, 0 failed")
