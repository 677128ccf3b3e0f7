"""The boot runner under Bochs (corei7_skylake_x: Intel VMX with EPT).

Bochs exits with status 1 whatever happened, so the runner reads the same
exit statuses off the serial log: dom0's status, a hypervisor panic (Bochs
keeps running after it: the runner ends it), a clean power-off.  The longer
runs (the platform self-test on 4 CPUs, a PV domU through xl) are for make
test-bochs."""

import re

from xltest import scenario

BOCHS = dict(emulator="bochs", mem=128, timeout=300)


@scenario("bochs_dom0_status_is_the_runs_status")
def dom0_status_is_the_runs_status(t):
    r = t.boot(run="xl list; poweroff 7", xen_append="dom0_mem=64M", **BOCHS)
    t.expect_status(r, 7)
    t.expect(r, r"^Domain-0 +0 +64 +1 ")
    t.expect(r, r"^\(XEN\) Powering off \(status 7\)$")


@scenario("bochs_hypervisor_panic_is_125")
def hypervisor_panic_is_125(t):
    r = t.boot(no_dom0=True, **BOCHS)
    t.expect_status(r, 125)
    t.check("No dom0 kernel" in r.reason,
            f"the reason does not quote the panic: {r.reason}")
    t.expect(r, r"Panic on CPU 0:")


@scenario("bochs_selftest_smp_4", long=True)
def selftest_on_four_cpus(t):
    r = t.boot(xen_append="selftest", smp=4, **BOCHS)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) Brought up 4 CPUs$")
    m = t.expect(r, r"\(XEN\) selftest: (\d+) passed, 0 failed")
    t.check(int(m.group(1)) > 0, "the self-test ran no test")


@scenario("bochs_xl_create_pv_domu", long=True)
def pv_domu_through_xl(t):
    r = t.boot(run="xl create -c /etc/xen/hello.cfg; xl list",
               xen_append="dom0_mem=64M", smp=2,
               **dict(BOCHS, mem=256))
    t.expect_status(r, 0)
    t.expect(r, r"^hello: greetings from a PV guest \(domU\)$")
    t.expect(r, r"^hello: done$")
    t.check(re.search(r"^hello +\d+ ", r.log, re.M) is None,
            "the guest is still listed after it powered off")


VMX_CHECKS = ["vmx_every_cpu_in_vmx_operation", "vmx_vmread_vmwrite",
              "vmx_pvh_start_enters_guest", "vmx_bad_guest_field_named",
              "vmx_bad_control_named", "vmx_bad_host_field_named"]


@scenario("bochs_vmx_selftest_names_failed_entry_fields")
def vmx_selftest(t):
    """VMX on both CPUs; a PVH start state enters the guest and exits on
    EPT at its entry point; entries broken on purpose fail on the CPU and
    are reported with the field the checklist names."""
    r = t.boot(xen_append="selftest", smp=2, **BOCHS)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) VMX: revision 0x[0-9a-f]+, EPT 4-level WB 2M 1G .*"
                r"VPID INVVPID-single.*, unrestricted guest$")
    t.expect(r, r"^\(XEN\) HVM: VMX with nested paging, p2m entries up to 1 GiB$")
    for name in VMX_CHECKS:
        t.expect(r, rf"^\(XEN\) selftest: {name}: ok$")
    t.expect(r, r"selftest: VM entry failed: exit reason 0x80000021 \(invalid "
                r"guest state\), exit qualification 0$")
    t.expect(r, r"selftest: VMCS field GUEST_CR0 = 0x80000020: ")
    t.expect(r, r"selftest: VM entry failed: VM-instruction error 7 ")
    t.expect(r, r"selftest: VMCS field PIN_BASED_VM_EXEC_CONTROL = ")
    t.expect(r, r"selftest: VM entry failed: VM-instruction error 8 ")
    t.expect(r, r"selftest: VMCS field HOST_CR4 = ")
    t.expect(r, r"\(XEN\) selftest: \d+ passed, 0 failed")


@scenario("bochs_no_unrestricted_guest_means_shadow_paging")
def no_unrestricted_guest(t):
    """A Nehalem (EPT, no unrestricted guest) says why it has no nested
    paging, offers HVM on shadow paging (shadow.py runs the HVM self-test
    there) and runs PV guests as before."""
    r = t.boot(cpu="corei5_lynnfield_750", xen_append="dom0_mem=32M",
               dom0=f"{t.build}/guests/hello", **BOCHS)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) VMX: .*, no unrestricted guest$")
    t.expect(r, r"^\(XEN\) VMX: no nested paging: this CPU has no "
                r"unrestricted guest$")
    t.expect(r, r"^\(XEN\) HVM: VMX without nested paging: shadow paging$")
    t.expect(r, r"^hello: done$")


@scenario("bochs_vmx_without_pat_controls_is_not_used", long=True)
def vmx_not_used_on_core2(t):
    r = t.boot(cpu="core2_penryn_t9600", xen_append="selftest", **BOCHS)
    t.expect_status(r, 0)
    t.expect(r, r"^\(XEN\) HVM: VMX lacks saving IA32_PAT: PV guests only$")
    t.expect_not(r, r"selftest: vmx_")
    t.expect(r, r"\(XEN\) selftest: \d+ passed, 0 failed")


@scenario("bochs_xen417_runs_pv_hello", long=True)
def xen417_under_bochs(t):
    """The reference hypervisor boots under the same Bochs configuration,
    with VMX and HAP, and runs a PV dom0."""
    r = t.boot(hypervisor="xen-4.17", dom0=f"{t.build}/guests/hello", smp=2,
               **dict(BOCHS, mem=512))
    t.expect_status(r, 0)
    t.expect(r, r"HVM: VMX enabled")
    t.expect(r, r"HVM: Hardware Assisted Paging \(HAP\) detected")
    t.expect(r, r"^hello: hypervisor version 4\.17")
    t.expect(r, r"^hello: 100 event round trips between vcpu0 and vcpu1$")
    t.expect(r, r"^hello: done$")
