"""HVM guests on AMD SVM with nested paging: hvm-selftest as a PVH dom0 on
xen-lite and on Debian's Xen 4.17 under the same QEMU command (EPYC, which
has SVM with NPT), and what happens to a guest that touches memory it does
not have.  The same under Bochs: Intel VMX with EPT (corei7_skylake_x, in
make test), and for make test-bochs AMD SVM with NPT and NRIP save (ryzen)
and Xen 4.17 on VMX."""

from xltest import scenario
from xlhvm import (BOCHS_SELFTEST_CMDLINE, COMMON_CHECKS, CPU, PVH_DOM0, SMP_CHECKS,
                   WAKEUP_CHECKS, WAKEUP_SMP_CHECKS, XEN_LITE_CHECKS, expect_checks,
                   expect_unpopulated_gfn_crash, selftest)

WAKEUP_ALL = WAKEUP_CHECKS + WAKEUP_SMP_CHECKS

HYPERVISORS = {"xen_lite": "xen-lite", "xen_417": "xen-4.17"}


@scenario("hvm_selftest_pvh_dom0_smp2_{on}", on=list(HYPERVISORS))
def selftest_passes_as_pvh_dom0(t, on):
    r = t.boot(hypervisor=HYPERVISORS[on], dom0=selftest(t), cpu=CPU, smp=2,
               xen_append=PVH_DOM0, timeout=120)
    if on == "xen_lite":    # QEMU's TCG: instruction lengths from the table
        t.expect(r, r"^\(XEN\) SVM: \d+ guest ASIDs, no NRIP save \(instruction "
                    r"lengths decoded\)$")
    expect_pvh_dom0_passes(t, r, on)


# Bochs's CPU models: back end -> model.
BOCHS_CPUS = {"vmx": "corei7_skylake_x", "svm": "ryzen"}
# The wake-up stress is too much for Bochs's instruction rate (wakeups.c).
BOCHS = dict(emulator="bochs", smp=2, mem=256, xen_append=PVH_DOM0,
             dom0_cmdline=BOCHS_SELFTEST_CMDLINE, timeout=600)


@scenario("bochs_hvm_selftest_pvh_dom0_smp2_vmx")
def selftest_passes_on_vmx(t):
    r = t.boot(dom0=selftest(t), cpu=BOCHS_CPUS["vmx"], **BOCHS)
    t.expect(r, r"^\(XEN\) HVM: VMX with nested paging, p2m entries up to 1 GiB$")
    expect_pvh_dom0_passes(t, r, "xen_lite", bochs=True)


@scenario("bochs_hvm_selftest_pvh_dom0_smp2_{on}", long=True,
          on=["svm", "xen_417"])
def selftest_passes_on_bochs(t, on):
    """SVM with NPT and NRIP save (ryzen); Xen 4.17 on VMX with EPT."""
    cpu = BOCHS_CPUS["svm" if on == "svm" else "vmx"]
    hv = "xen_417" if on == "xen_417" else "xen_lite"
    r = t.boot(hypervisor=HYPERVISORS[hv], dom0=selftest(t), cpu=cpu, **BOCHS)
    if on == "svm":
        t.expect(r, r"^\(XEN\) SVM: \d+ guest ASIDs, NRIP save$")
        t.expect(r, r"^\(XEN\) HVM: SVM with nested paging")
    expect_pvh_dom0_passes(t, r, hv, bochs=True)


@scenario("bochs_hvm_selftest_ept_4k_entries_only", long=True)
def selftest_passes_on_4k_ept(t):
    """hap_2mb=0: the p2m, and so EPT, in 4 KiB entries only; the balloon
    checks remove and add single entries."""
    r = t.boot(dom0=selftest(t), cpu=BOCHS_CPUS["vmx"],
               **dict(BOCHS, xen_append=PVH_DOM0 + " hap_2mb=0"))
    expect_pvh_dom0_passes(t, r, "xen_lite", bochs=True)


def expect_pvh_dom0_passes(t, r, on, bochs=False):
    t.expect_status(r, 0)
    t.expect(r, r"^hvm-selftest: dom0, 2 vCPUs, \d+ MiB")
    t.expect(r, r"^exit status 0$")
    t.expect_not(r, r"FAILED")
    names = COMMON_CHECKS + SMP_CHECKS
    if on == "xen_lite":
        names += [n for n in XEN_LITE_CHECKS if not (bochs and n in WAKEUP_ALL)]
        t.expect(r, r"^\(XEN\) \*\*\* Building a PVH Dom0 \*\*\*")
        t.expect(r, r"^\(XEN\)  Dom0 alloc\.: .* paging HAP")
        # Port 0xe9 prints on the hypervisor console, a line at a time.
        t.expect(r, r"^hvm-selftest: hello through port 0xe9$")
    expect_checks(t, r, names)


@scenario("hvm_unpopulated_gfn_crashes_the_domain_naming_it")
def unpopulated_gfn_crashes(t):
    r = t.boot(dom0=selftest(t), dom0_cmdline="crash=gfn", cpu=CPU,
               xen_append=PVH_DOM0)
    expect_unpopulated_gfn_crash(t, r)


@scenario("bochs_hvm_unpopulated_gfn_crashes_the_domain_naming_it", long=True)
def unpopulated_gfn_crashes_on_vmx(t):
    r = t.boot(dom0=selftest(t), **dict(BOCHS, smp=1, dom0_cmdline="crash=gfn"))
    expect_unpopulated_gfn_crash(t, r)
