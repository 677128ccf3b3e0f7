/*
 * Guest memory the hypervisor keeps current for a PV vCPU: its runstate
 * area (VCPUOP_register_runstate_memory_area; Linux BUG()s without it)
 * and a second copy of its time info (VCPUOP_register_vcpu_time_memory_area,
 * for a vDSO).  Both are guest virtual addresses in the kernel's address
 * space, written whenever the vCPU is switched to or from a pCPU -- while
 * its kernel page tables are loaded; a vCPU switched in while in user mode
 * gets them when it next enters its kernel, as on Xen.
 *
 * With VMASST_TYPE_runstate_update_flag, XEN_RUNSTATE_UPDATE is set in
 * state_entry_time while an update is under way.
 */
#include "asm/guest_access.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "vcpu.h"
#include "xen_errno.h"

#define ENTRY_TIME_OFFSET offsetof(struct vcpu_runstate_info, state_entry_time)

static void write_runstate(struct vcpu *v)
{
    unsigned long area = v->arch.pv.runstate_area;
    bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);
    struct vcpu_runstate_info r = { .state = v->runstate,
                                    .state_entry_time = v->runstate_entry };

    for (unsigned int i = 0; i < 4; i++)
        r.time[i] = v->runstate_time[i];
    if (flag) {
        r.state_entry_time |= XEN_RUNSTATE_UPDATE;
        put_guest_u64(area + ENTRY_TIME_OFFSET, r.state_entry_time);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    (void)copy_to_guest_obj(area, &r);
    if (flag) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        put_guest_u64(area + ENTRY_TIME_OFFSET, r.state_entry_time & ~XEN_RUNSTATE_UPDATE);
    }
}

/* The time info, with an odd version while the copy is under way. */
static void write_time(struct vcpu *v)
{
    unsigned long area = v->arch.pv.time_area;
    struct vcpu_time_info t = v->vcpu_info->time;
    uint32_t odd = t.version | 1;

    (void)copy_to_guest(area, &odd, sizeof(odd));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t.version = odd;
    (void)copy_to_guest_obj(area, &t);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    (void)copy_to_guest(area, &v->vcpu_info->time.version, sizeof(odd));
}

/* v is current and its kernel page tables are loaded: write what is due. */
static void write_due(struct vcpu *v, bool runstate, bool time)
{
    if (runstate && v->arch.pv.runstate_area)
        write_runstate(v);
    if (time && v->arch.pv.time_area)
        write_time(v);
}

/* Runstate (and time) after a switch to or from v, on v's page tables. */
void pv_areas_switched(struct vcpu *v)
{
    if (!v->arch.pv.runstate_area && !v->arch.pv.time_area)
        return;
    if (v->arch.pv.kernel_mode)
        write_due(v, true, true);
    else
        v->arch.pv.areas_due = true;
}

/* The time info changed (update_vcpu_system_time). */
void pv_time_area_changed(struct vcpu *v)
{
    if (!v->arch.pv.time_area)
        return;
    if (v == current && v->arch.pv.kernel_mode)
        write_time(v);
    else
        v->arch.pv.areas_due = true;
}

/* v enters its kernel: updates it missed in user mode. */
void pv_areas_kernel_entry(struct vcpu *v)
{
    if (v->arch.pv.areas_due) {
        v->arch.pv.areas_due = false;
        write_due(v, true, true);
    }
}

long pv_register_runstate_area(struct vcpu *v, unsigned long arg)
{
    struct vcpu_register_runstate_memory_area a;

    if (copy_from_guest_obj(&a, arg))
        return -XEN_EFAULT;
    if (!guest_range_ok(a.addr, sizeof(struct vcpu_runstate_info)))
        return -XEN_EFAULT;
    v->arch.pv.runstate_area = a.addr;
    if (a.addr)
        write_runstate(v);              /* through the caller's page tables */
    return 0;
}

long pv_register_time_area(struct vcpu *v, unsigned long arg)
{
    struct vcpu_register_time_memory_area a;

    if (copy_from_guest_obj(&a, arg))
        return -XEN_EFAULT;
    if (!guest_range_ok(a.addr, sizeof(struct vcpu_time_info)))
        return -XEN_EFAULT;
    v->arch.pv.time_area = a.addr;
    if (a.addr)
        write_time(v);
    return 0;
}
