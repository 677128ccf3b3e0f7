"""Shadow paging: HVM guests on a CPU without nested paging (QEMU's EPYC
with -npt), or told not to use it (hap=0 on the hypervisor's command line,
dom0=pvh,shadow), run hvm-selftest and hvm-churn as they do on NPT; every
run ends with the shadow auditor's verdict on every shadow entry.  The
same on Intel VMX under Bochs: corei7_skylake_x with hap=0 (the self-test
in make test), and with dom0=pvh,shadow, corei5_lynnfield_750 (EPT but no
unrestricted guest, so no nested paging) and hvm-churn in make test-bochs;
hvm-churn on Bochs's EPT runs in make test (14 s and 28 s on an idle host)."""

import os

import xlhvm as hvm
from xltest import scenario

NO_NPT = "EPYC,-monitor,-npt"
PVH = "dom0=pvh dom0-iommu=none"
AUDIT_OK = r"^\(XEN\) d0: shadow audit at dom0's shutdown: 0 problems$"
STATS = (r"^\(XEN\) d0: shadow: (\d+) faults fixed, (\d+) the guest's, (\d+) writes "
         r"emulated, (\d+) unshadowed, (\d+) CR3 loads \((\d+) cached\), (\d+) 2 MiB "
         r"entries, (\d+) split, (\d+) entries dropped for the p2m, (\d+) evictions, "
         r"(\d+) blowups, (\d+) flushes, pool (\d+) pages \((\d+) at most used\)$")


def guest(t, name):
    return os.path.join(t.build, "guests", name)


def stats(t, r):
    """The shadow counters dom0's shutdown printed, by name."""
    m = t.expect(r, STATS)
    names = ("fixed", "guest", "emulated", "unshadowed", "cr3", "cached", "large",
             "split", "dropped", "evictions", "blowups", "flushes", "pool", "peak")
    return dict(zip(names, (int(x) for x in m.groups())))


# (name, cpu, hypervisor command line): the three ways to get shadow paging.
WAYS = {
    "no_npt": (NO_NPT, f"{PVH} dom0_mem=64M",
               r"^\(XEN\) HVM: SVM without nested paging: shadow paging$"),
    "hap0": (hvm.CPU, f"{PVH} dom0_mem=64M hap=0",
             r"^\(XEN\) HVM: SVM, nested paging off \(hap=0\): shadow paging$"),
    "dom0_shadow": (hvm.CPU, "dom0=pvh,shadow dom0-iommu=none dom0_mem=64M",
                    r"^\(XEN\) HVM: SVM with nested paging"),
}


# The same on Intel VMX under Bochs: (cpu, command line, banner).
SKYLAKE, LYNNFIELD = "corei7_skylake_x", "corei5_lynnfield_750"
# 40 M emulated instructions a second: the guests' timers wait less wall time.
BOCHS = dict(emulator="bochs", mem=256, ips=40000000, timeout=600)
VMX_WAYS = {
    "vmx_hap0": (SKYLAKE, f"{PVH} dom0_mem=64M hap=0",
                 r"^\(XEN\) HVM: VMX, nested paging off \(hap=0\): shadow paging$"),
    "vmx_no_unrestricted_guest": (
        LYNNFIELD, f"{PVH} dom0_mem=64M",
        r"^\(XEN\) VMX: no nested paging: this CPU has no unrestricted guest\n"
        r"\(XEN\) HVM: VMX without nested paging: shadow paging$"),
    "vmx_dom0_shadow": (SKYLAKE, "dom0=pvh,shadow dom0-iommu=none dom0_mem=64M",
                        r"^\(XEN\) HVM: VMX with nested paging"),
}


@scenario("shadow_hvm_selftest_passes_{way}", way=list(WAYS))
@scenario("bochs_shadow_hvm_selftest_passes_{way}", way=["vmx_hap0"])
@scenario("bochs_shadow_hvm_selftest_passes_{way}", long=True,
          way=["vmx_no_unrestricted_guest", "vmx_dom0_shadow"])
def selftest_passes_on_shadow(t, way):
    if way in VMX_WAYS:
        cpu, cmdline, banner = VMX_WAYS[way]
        r = t.boot(dom0=hvm.selftest(t), cpu=cpu, smp=2, xen_append=cmdline, **BOCHS)
    else:
        cpu, cmdline, banner = WAYS[way]
        r = t.boot(dom0=hvm.selftest(t), cpu=cpu, smp=2, xen_append=cmdline, timeout=180)
    t.expect_status(r, 0)
    t.expect(r, banner)
    t.expect(r, r"^\(XEN\)  Dom0 alloc\.: .* paging shadow$")
    t.expect_not(r, r"FAILED")
    hvm.expect_checks(t, r, hvm.COMMON_CHECKS + hvm.SMP_CHECKS + hvm.XEN_LITE_CHECKS)
    t.expect(r, AUDIT_OK)
    s = stats(t, r)
    t.check(s["fixed"] > 0, "no shadow fault was filled: is the guest on shadows at all?")
    t.check(s["dropped"] > 0, "ballooning dropped no shadow entry of the frames it gave back")
    t.check(s["peak"] <= s["pool"], "the pool limit did not hold")


@scenario("shadow_unpopulated_gfn_crashes_the_domain_naming_it")
def unpopulated_gfn_crashes_on_shadow(t):
    r = t.boot(dom0=hvm.selftest(t), dom0_cmdline="crash=gfn", cpu=NO_NPT,
               xen_append=f"{PVH} dom0_mem=64M")
    hvm.expect_unpopulated_gfn_crash(t, r)


@scenario("shadow_vcpu_context_with_32bit_paging_is_refused_{on}", on=["svm"])
@scenario("bochs_shadow_vcpu_context_with_32bit_paging_is_refused_{on}", long=True,
          on=["vmx"])
def context_shadow_cannot_run_refused(t, on):
    """Shadow paging runs no guest with 32-bit paging: VCPUOP_initialise
    of such a context is -EINVAL; taking it would leave the vCPU to run
    with no shadow, CR3 0: machine frame 0 as its page table."""
    if on == "vmx":
        r = t.boot(dom0=hvm.selftest(t), dom0_cmdline="paging32", cpu=SKYLAKE, smp=2,
                   xen_append=f"{PVH} dom0_mem=64M hap=0", **BOCHS)
    else:
        r = t.boot(dom0=hvm.selftest(t), dom0_cmdline="paging32", cpu=NO_NPT, smp=2,
                   xen_append=f"{PVH} dom0_mem=64M", timeout=120)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\)  Dom0 alloc\.: .* paging shadow$")
    t.expect(r, r"^hvm-selftest: VCPUOP_initialise of vCPU 1 with 32-bit paging: -22$")
    t.expect_not(r, r"crashed")


@scenario("hvm_churn_{paging}_smp{smp}", paging=["shadow", "npt"], smp=[1, 2])
@scenario("bochs_hvm_churn_{paging}_smp{smp}", paging=["vmx_ept"], smp=[1, 2])
@scenario("bochs_hvm_churn_{paging}_smp{smp}", long=True, paging=["vmx_shadow"],
          smp=[1, 2])
def churn_keeps_memory_right(t, paging, smp):
    if paging.startswith("vmx_"):
        hap = "hap=0" if paging == "vmx_shadow" else ""
        r = t.boot(dom0=guest(t, "hvm-churn"), cpu=SKYLAKE, smp=smp,
                   xen_append=f"{PVH} dom0_mem=128M {hap}".rstrip(),
                   **dict(BOCHS, mem=384))
        paging = paging[len("vmx_"):]
    else:
        cpu = NO_NPT if paging == "shadow" else hvm.CPU
        # 4 GiB: the hypervisor's heap (and so the shadow pool) starts above
        # 4 GiB, where a PAE root of the unpaged map must not be.
        r = t.boot(dom0=guest(t, "hvm-churn"), cpu=cpu, smp=smp, mem=4096,
                   xen_append=f"{PVH} dom0_mem=128M", timeout=300)
    t.expect_status(r, 0)
    t.expect(r, rf"^\(XEN\)  Dom0 alloc\.: .* paging {'shadow' if paging == 'shadow' else 'HAP'}$")
    t.expect(r, rf"^hvm-churn: {smp} worker\(s\), ")
    t.expect_not(r, r"FAILED")
    m = t.expect(r, r"^hvm-churn: (\d+) rounds ok$")
    t.check(int(m.group(1)) == 16 * smp, f"{m.group(1)} rounds, not {16 * smp}")
    t.expect_count(r, r"^hvm-churn: worker \d: round 16 ok ", smp)
    t.expect(r, r"^hvm-churn: pool pressure: 81920 pages through 160 tables read twice ok$")
    if paging == "shadow":
        t.expect(r, AUDIT_OK)
        s = stats(t, r)
        t.check(s["emulated"] > 0, "no page-table write was emulated")
        t.check(s["cached"] > 0, "no CR3 switch found its shadow in the cache")
        t.check(s["unshadowed"] > 0, "no table was ever let go")
    else:
        t.expect_not(r, r"shadow audit")


@scenario("shadow_small_pool_reclaims_and_holds_its_limit")
def small_pool_reclaims(t):
    """dom0_shadow_memory=1M (256 pages) is less than hvm-churn's flood of
    page tables needs (160 L1s): the pool reclaims (cached top levels
    first, then everything) and the guest's memory stays right."""
    r = t.boot(dom0=guest(t, "hvm-churn"), cpu=NO_NPT, smp=1,
               xen_append=f"{PVH} dom0_mem=128M dom0_shadow_memory=1M", timeout=300)
    t.expect_status(r, 0)
    t.expect_not(r, r"FAILED")
    t.expect(r, r"^hvm-churn: 16 rounds ok$")
    t.expect(r, r"^hvm-churn: pool pressure: 81920 pages through 160 tables read twice ok$")
    t.expect(r, AUDIT_OK)
    s = stats(t, r)
    t.check(s["pool"] == 256, f"the pool has {s['pool']} pages, not dom0_shadow_memory's 256")
    t.check(s["peak"] <= s["pool"], "the pool limit did not hold")
    t.check(s["evictions"] + s["blowups"] > 0, "a 1 MiB pool never had to reclaim")


@scenario("shadow_xl_info_and_list_say_the_paging_mode_{cpu}", cpu=["npt", "no_npt"])
def xl_says_paging_mode(t, cpu):
    r = t.boot(cpu=hvm.CPU if cpu == "npt" else NO_NPT, mem=512,
               run="xl info virt_caps; xl list -v")
    t.expect_status(r, 0)
    t.expect(r, rf"^pv hvm {'hap ' if cpu == 'npt' else ''}shadow$")
    t.expect(r, r"^Name +ID +Mem VCPUs\tState\tTime\(s\) +UUID +Reason-Code\tSecurity Label"
                r"  Paging$")
    t.expect(r, r"^Domain-0 +0 .* -  pv$")
