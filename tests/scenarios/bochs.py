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
