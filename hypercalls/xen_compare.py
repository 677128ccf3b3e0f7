#!/usr/bin/env python3
"""Compare the xen-lite ABI headers with a real Xen's public headers.

Builds two small programs, one against hypercalls/ and one against Xen's
headers (Debian: libxen-dev, under /usr/include/xen), that print every
constant defined here and the size and key offsets of every structure,
then reports each value that differs.  Names only xen-lite defines are
not compared.

    python3 hypercalls/xen_compare.py [--xen-include DIR] [--cc CC]

Exit status: 0 all compared values agree (or no Xen headers: skipped),
1 a mismatch, 2 a build failure.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Structures and the fields whose offsets are checked (sizes always are).
LAYOUT = """
mmu_update: ptr val
mmuext_op: arg1 arg2
multicall_entry: args
vcpu_time_info: tsc_timestamp system_time tsc_to_system_mul tsc_shift
                flags
arch_vcpu_info:
vcpu_info: evtchn_upcall_mask evtchn_pending_sel arch time
arch_shared_info: p2m_cr3 p2m_generation
shared_info: evtchn_pending evtchn_mask wc_version wc_sec wc_nsec
             wc_sec_hi arch
start_info: nr_pages shared_info flags store_mfn store_evtchn console
            console.domU.evtchn console.dom0.info_size pt_base
            nr_pt_frames mfn_list mod_start mod_len cmd_line
            first_p2m_pfn nr_p2m_frames
trap_info: cs address
iret_context: flags ss
cpu_user_regs: rbp rax rdi error_code entry_vector rip cs
               saved_upcall_mask rflags rsp ss es ds fs gs
vcpu_guest_context: flags user_regs trap_ctxt ldt_base gdt_frames
                    gdt_ents kernel_ss kernel_sp ctrlreg debugreg
                    event_callback_eip failsafe_callback_eip
                    syscall_callback_eip vm_assist fs_base
                    gs_base_kernel gs_base_user
evtchn_alloc_unbound: remote_dom port
evtchn_bind_interdomain: remote_port local_port
evtchn_bind_virq: vcpu port
evtchn_bind_pirq: port
evtchn_bind_ipi: port
evtchn_close:
evtchn_send:
evtchn_unmask:
evtchn_reset:
evtchn_status: port status vcpu u u.interdomain.port u.virq
evtchn_bind_vcpu: vcpu
sched_shutdown:
sched_poll: nr_ports timeout
sched_remote_shutdown: reason
sched_watchdog:
sched_pin_override:
vcpu_runstate_info: state_entry_time time
vcpu_register_runstate_memory_area:
vcpu_set_periodic_timer:
vcpu_set_singleshot_timer: flags
vcpu_register_vcpu_info: offset rsvd
vcpu_get_physid:
vcpu_register_time_memory_area:
xen_compile_info: compile_date
xen_platform_parameters:
xen_feature_info: submap
xen_build_id:
xencons_interface: out in_cons in_prod out_cons out_prod
callback_register: flags address
callback_unregister:
xen_memory_reservation: nr_extents extent_order mem_flags domid
xen_memory_exchange: out nr_exchanged
xen_machphys_mfn_list: extent_start nr_extents
xen_machphys_mapping: max_mfn
xen_add_to_physmap: size space idx gpfn
xen_remove_from_physmap: gpfn
xen_memory_map: buffer
xen_foreign_memory_map: map
xsd_sockmsg: len
xenstore_domain_interface: rsp req_cons req_prod rsp_cons rsp_prod
                           server_features connection error
xenctl_bitmap: nr_bits
xen_arch_domainconfig: misc_flags
xen_domctl_createdomain: handle flags iommu_opts max_vcpus
                         max_evtchn_port max_grant_frames
                         max_maptrack_frames grant_opts vmtrace_size
                         cpupool_id arch
xen_domctl_getdomaininfo: flags tot_pages max_pages outstanding_pages
                          shr_pages paged_pages shared_info_frame
                          cpu_time nr_online_vcpus max_vcpu_id ssidref
                          handle cpupool gpaddr_bits arch_config
xen_domctl_max_mem:
xen_domctl_vcpucontext: ctxt
xen_domctl_getvcpuinfo: online blocked running cpu_time cpu
xen_domctl_vcpuaffinity: flags cpumap_hard cpumap_soft
xen_domctl_max_vcpus:
xen_domctl_sched_credit: cap
xen_domctl_sched_rtds:
xen_domctl_schedparam_vcpu: vcpuid
xen_domctl_scheduler_op: cmd u u.v.nr_vcpus
xen_domctl: interface_version domain u
xen_sysctl_readconsole: incremental index buffer count
xen_sysctl_physinfo: cpu_khz capabilities arch_capabilities total_pages
                     free_pages max_mfn hw_cap
xen_sysctl_sched_id:
xen_sysctl_getdomaininfolist: max_domains buffer num_domains
xen_sysctl: interface_version u
"""

XEN_HEADERS = """event_channel.h sched.h vcpu.h version.h callback.h memory.h
elfnote.h io/console.h io/xs_wire.h domctl.h sysctl.h""".split()

# Xen defines these as enum constants, not macros: print them unguarded.
ENUM_NAMES = re.compile(r"XEN_E[A-Z0-9]+$|XS_[A-Z_]+$")
NOT_VALUES = {"XEN_MK_ULONG", "XEN_EMULATE_PREFIX", "XEN_CPUID",
              "XS_WRITE_NONE", "XS_WRITE_CREATE", "XS_WRITE_CREATE_EXCL",
              "XEN_ELFNOTE_NAME", "XSD_ERROR_LIST", "XS_DEBUG",
              "XS_WATCH_PATH", "XS_WATCH_TOKEN", "XEN_EINTR", "XEN_ERESTART"}


def our_constants():
    names = set()
    for f in sorted(os.listdir(HERE)):
        if not f.endswith(".h"):
            continue
        for line in open(os.path.join(HERE, f)):
            m = re.match(r"#define\s+([A-Za-z_]\w*)(\s|$)", line)
            if m and not m.group(1).startswith(("XENLITE_HYPERCALLS",
                                                "XEN_GUEST_HANDLE")):
                names.add(m.group(1))
    return sorted(names - NOT_VALUES)


def layout():
    structs, cur = [], None
    for line in LAYOUT.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            name, rest = line.split(":", 1)
            cur = (name.strip(), [])
            structs.append(cur)
            line = rest
        cur[1].extend(line.split())
    return structs


def program(prologue, consts, theirs):
    out = [prologue, "#include <stdio.h>",
           '#define P(n) printf("%s %lld\\n", #n, (long long)(n))',
           "int main(void)", "{"]
    for n in consts:
        if theirs and ENUM_NAMES.match(n) and not n.startswith("XEN_ELF"):
            out.append("    P(%s);" % n)
        else:
            out.append("#ifdef %s\n    P(%s);\n#endif" % (n, n))
    for s, fields in layout():
        out.append('    printf("sizeof %s %%zu\\n", sizeof(struct %s));'
                   % (s, s))
        for f in fields:
            out.append('    printf("offsetof %s.%s %%zu\\n", '
                       'offsetof(struct %s, %s));' % (s, f, s, f))
    out += ["    return 0;", "}", ""]
    return "\n".join(out)


def run(cc, src, incdir, tmp, tag):
    c, exe = os.path.join(tmp, tag + ".c"), os.path.join(tmp, tag)
    with open(c, "w") as fh:
        fh.write(src)
    subprocess.run([cc, "-w", "-I", incdir, "-o", exe, c], check=True)
    res = subprocess.run([exe], check=True, capture_output=True, text=True)
    return dict(line.rsplit(" ", 1) for line in res.stdout.splitlines())


def names_in_xen(incdir):
    """Every identifier that appears in Xen's headers (to skip ours)."""
    words = set()
    for dirpath, _, files in os.walk(os.path.join(incdir, "xen")):
        for f in files:
            if f.endswith(".h"):
                with open(os.path.join(dirpath, f), errors="replace") as fh:
                    words.update(re.findall(r"\b[A-Za-z_]\w*\b", fh.read()))
    return words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xen-include", default="/usr/include")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    args = ap.parse_args()
    if not os.path.exists(os.path.join(args.xen_include, "xen", "xen.h")):
        print("xen-compare: skipped, no Xen headers in %s" % args.xen_include)
        return 0
    consts = our_constants()
    ours_pro = '#include "hypercalls/abi_check.c"'
    xen_pro = "\n".join(["#define __XEN_TOOLS__ 1", "#include <stddef.h>",
                         "#include <stdint.h>", "#include <xen/xen.h>",
                         "#include <xen/errno.h>"] +
                        ["#include <xen/%s>" % h for h in XEN_HEADERS])
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ours = run(args.cc, program(ours_pro, consts, False), ROOT,
                       tmp, "ours")
            known = names_in_xen(args.xen_include)
            shared = [c for c in consts if c in known]
            xen = run(args.cc, program(xen_pro, shared, True),
                      args.xen_include, tmp, "xen")
        except subprocess.CalledProcessError as e:
            print("xen-compare: build failed: %s" % e)
            return 2
    bad = [k for k in xen if ours.get(k) != xen[k]]
    for k in bad:
        print("xen-compare: %s: xen-lite %s, Xen %s" % (k, ours.get(k),
                                                       xen[k]))
    print("xen-compare: %d values compared, %d differ" % (len(xen),
                                                         len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
