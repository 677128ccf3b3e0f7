"""The memory-virtualization workloads (guests/memvirt, and its PVH build
guests/hvm-memvirt) do the work they claim and count what they claim:
the page-table churn on PV, on nested paging and with no hypervisor at
all (QEMU's -kernel), each checking every page its children map.  The
figures themselves are make bench's (its memvirt section)."""

import os

from xltest import scenario

NPT = "EPYC,-monitor"
CHURN_PTES = 65536
# (guest, how it boots, the platform it says it runs on)
WAYS = {
    "native": ("hvm-memvirt", dict(kernel=True), "native"),
    "pv": ("memvirt", dict(xen_append="dom0_mem=256M"), "pv"),
    "npt": ("hvm-memvirt", dict(xen_append="dom0=pvh dom0-iommu=none dom0_mem=256M"),
            "pvh"),
}
COUNTS = (r"^bench: counts churn ptes=(\d+) exits=(\S+) hypercalls=(\d+) "
          r"emulations=(\S+)$")


@scenario("memvirt_churn_runs_and_counts_{way}", way=list(WAYS))
def churn_runs_and_counts(t, way):
    name, opts, platform = WAYS[way]
    guest = os.path.join(t.build, "guests", name)
    if opts.pop("kernel", False):
        opts["kernel"] = guest
    else:
        opts["dom0"] = guest
    r = t.boot(cpu=NPT, mem=512, dom0_cmdline="only=churn", timeout=180, **opts)
    t.expect_status(r, 0)
    t.expect(r, rf"^bench: memvirt on {platform}$")
    t.expect(r, r"^bench: churn min=\S+ median=\S+ iters=65536 reps=5 ")
    t.expect(r, r"^bench: done$")
    m = t.expect(r, COUNTS)
    ptes, exits, calls, emul = m.groups()
    t.check(int(ptes) == CHURN_PTES, f"{ptes} PTE writes counted, not {CHURN_PTES}")
    if way == "native":
        t.expect(r, r"^bench: hypervisor none$")
        t.check(exits == "-" and calls == "0", "a native run counted exits or hypercalls")
    elif way == "pv":
        # one multicall per round (128) and per 512 PTE writes at most
        t.check(0 < int(calls) <= 2 * CHURN_PTES // 1000,
                f"{calls} hypercalls for {CHURN_PTES} PTE writes (batch 1,024)")
    else:
        # nested paging: the guest's own table writes never exit; the
        # only exits are the counting sysctl's and a timer tick or two
        t.check(exits != "-" and int(exits) < 8, f"{exits} VM exits on NPT")
        t.check(emul == "0", f"{emul} page-table writes emulated on NPT")


@scenario("memvirt_churn_runs_natively_on_bochs")
def churn_runs_natively_on_bochs(t):
    """Bochs has no -kernel: GRUB starts the PVH kernel by its Multiboot2
    header from an ISO, with no hypervisor, and the kernel's command line
    and memory map come from the Multiboot2 boot information; the run's
    status is the 'exit status' line, Bochs ended by its shutdown port."""
    guest = os.path.join(t.build, "guests", "hvm-memvirt")
    r = t.boot(emulator="bochs", cpu="corei7_skylake_x", mem=256, kernel=guest,
               dom0_cmdline="only=churn", timeout=300)
    t.expect_status(r, 0)
    t.expect(r, r"^bench: hypervisor none$")
    t.expect(r, r"^bench: memvirt on native$")
    t.expect(r, r"^bench: churn min=\S+ median=\S+ iters=65536 reps=5 ")
    m = t.expect(r, COUNTS)
    t.check(int(m.group(1)) == CHURN_PTES and m.group(2) == "-",
            f"native churn counted {m.group(1)} PTE writes, exits {m.group(2)}")
    t.check("tlb_" not in r.log, "only=churn was not on the command line")
    t.expect(r, r"^exit status 0$")
