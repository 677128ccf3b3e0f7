/*
 * Domains and vCPUs: creation, reference counting, pausing, shutdown,
 * crash and destruction.  A domain's memory and other resources are
 * released exactly once, by domain_kill(); the structure itself goes when
 * the last reference is dropped.
 */
#include "asm/atomic.h"
#include "xen/console.h"
#include "xen/event.h"
#include "xen/audit.h"
#include "xen/lib.h"
#include "xen/param.h"
#include "xen/percpu.h"
#include "xen/pv_mm.h"
#include "xen/sched.h"
#include "xen/shutdown.h"
#include "xen/softirq.h"
#include "asm/traps.h"
#include "sched_op.h"
#include "xen_errno.h"

#include "hvm/hvm.h"

struct domain *domain_list;
DEFINE_SPINLOCK(domlist_lock);
struct domain *dom0;
struct domain *idle_domain;
static domid_t next_domid = 1;
static bool opt_audit = true;
boolean_param("audit", opt_audit);
static struct domain **domain_table;    /* [DOMID_FIRST_RESERVED] */

struct domain *domain_from_id_noref(domid_t domid)
{
    return domid < DOMID_FIRST_RESERVED
           ? READ_ONCE(domain_table[array_index_nospec(domid, DOMID_FIRST_RESERVED)])
           : NULL;
}

struct domain *get_domain_of_page(const struct page_info *pg)
{
    return domain_from_id_noref(pg->owner);
}

static void domlist_insert(struct domain *d)
{
    struct domain **pp;
    unsigned long f = spin_lock_irqsave(&domlist_lock);

    if (d->domain_id < DOMID_FIRST_RESERVED)
        domain_table[d->domain_id] = d;

    for (pp = &domain_list; *pp && (*pp)->domain_id < d->domain_id;
         pp = &(*pp)->next_in_list)
        ;
    d->next_in_list = *pp;
    *pp = d;
    spin_unlock_irqrestore(&domlist_lock, f);
}

static void domlist_remove(struct domain *d)
{
    unsigned long f = spin_lock_irqsave(&domlist_lock);

    if (d->domain_id < DOMID_FIRST_RESERVED)
        domain_table[d->domain_id] = NULL;
    for (struct domain **pp = &domain_list; *pp; pp = &(*pp)->next_in_list)
        if (*pp == d) {
            *pp = d->next_in_list;
            break;
        }
    spin_unlock_irqrestore(&domlist_lock, f);
}

/* Domain ids only increase, as in Xen; ids are not reused. */
domid_t domid_alloc(void)
{
    unsigned long f = spin_lock_irqsave(&domlist_lock);
    domid_t id = next_domid < DOMID_FIRST_RESERVED ? next_domid++ : DOMID_INVALID;

    spin_unlock_irqrestore(&domlist_lock, f);
    return id;
}

struct domain *get_domain_by_id(domid_t domid)
{
    struct domain *found = NULL;
    unsigned long f = spin_lock_irqsave(&domlist_lock);

    for_each_domain(d)
        if (d->domain_id == domid && get_domain(d)) {
            found = d;
            break;
        }
    spin_unlock_irqrestore(&domlist_lock, f);
    return found;
}

bool get_domain(struct domain *d)
{
    int old = __atomic_load_n(&d->refcnt, __ATOMIC_RELAXED);

    do {
        if (old <= 0)
            return false;
    } while (!__atomic_compare_exchange_n(&d->refcnt, &old, old + 1, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
    return true;
}

static void domain_free(struct domain *d)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        sched_destroy_vcpu(v);
        arch_vcpu_destroy(v);
        xfree(v);
    }
    xfree(d->vcpu);
    sched_destroy_domain(d);
    arch_domain_destroy(d);
    grant_table_destroy(d);
    if (d->shared_info)
        free_shared_page(d, d->shared_info);
    xfree(d);
}

void put_domain(struct domain *d)
{
    if (__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_SEQ_CST) == 0)
        domain_free(d);
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id)
{
    struct vcpu *v;

    if (vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id])
        return NULL;
    v = xzalloc(struct vcpu);
    if (!v)
        return NULL;
    v->vcpu_id = vcpu_id;
    v->domain = d;
    v->context_saved = true;
    v->pause_flags = is_idle_domain(d) ? 0 : VPF_down;
    v->affinity = v->soft_affinity = ~0ULL;
    if (d->shared_info)
        v->vcpu_info = &d->shared_info->vcpu_info[vcpu_id];
    if (sched_init_vcpu(v, is_idle_domain(d) ? vcpu_id : vcpu_id % nr_cpus_online) ||
        arch_vcpu_create(v)) {
        sched_destroy_vcpu(v);
        xfree(v);
        return NULL;
    }
    d->vcpu[vcpu_id] = v;
    return v;
}

struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             unsigned int flags, int *err)
{
    struct domain *d;

    *err = -XEN_EINVAL;
    if (!max_vcpus || max_vcpus > (domid == DOMID_IDLE ? NR_CPUS : MAX_VIRT_CPUS))
        return NULL;
    *err = -XEN_ENOMEM;
    if (!(d = xzalloc(struct domain)))
        return NULL;
    if (!(d->vcpu = xzalloc_array(struct vcpu *, max_vcpus))) {
        xfree(d);
        return NULL;
    }
    d->domain_id = domid;
    d->refcnt = 1;
    d->max_vcpus = max_vcpus;
    d->is_privileged = flags & DOMCRF_privileged;
    d->create_time = NOW();
    spin_lock_init(&d->page_alloc_lock);
    spin_lock_init(&d->domain_lock);
    page_list_init(&d->page_list);
    snprintf(d->name, sizeof(d->name), domid == 0 ? "Domain-0" : "d%u", domid);
    if (domid != DOMID_IDLE) {
        d->shared_info = alloc_shared_page(d);
        if (!d->shared_info || (*err = grant_table_init(d)) || (*err = evtchn_init(d)) ||
            (*err = sched_init_domain(d)) || (*err = arch_domain_create(d, flags))) {
            if (!*err)
                *err = -XEN_ENOMEM;
            evtchn_destroy(d);
            put_domain(d);
            return NULL;
        }
        /* Guests start with event delivery masked on every vCPU. */
        for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
            d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
        domlist_insert(d);
    } else if ((*err = sched_init_domain(d))) {
        xfree(d->vcpu);
        xfree(d);
        return NULL;
    }
    *err = 0;
    return d;
}

bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return !(v->pause_flags | v->pause_count | d->controller_pause_count |
             d->pause_count_internal) && d->state == DOMSTATE_alive;
}

void vcpu_pause_nosync(struct vcpu *v)
{
    __atomic_add_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST);
    vcpu_sleep_nosync(v);
}

void vcpu_pause(struct vcpu *v)
{
    ASSERT(v != current);
    vcpu_pause_nosync(v);
    vcpu_sleep_sync(v);
}

void vcpu_unpause(struct vcpu *v)
{
    if (__atomic_sub_fetch(&v->pause_count, 1, __ATOMIC_SEQ_CST) == 0)
        vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
    __atomic_add_fetch(&d->pause_count_internal, 1, __ATOMIC_SEQ_CST);
    for_each_vcpu(d, v) {
        vcpu_sleep_nosync(v);
        if (v != current)
            vcpu_sleep_sync(v);
    }
}

void domain_unpause(struct domain *d)
{
    if (__atomic_sub_fetch(&d->pause_count_internal, 1, __ATOMIC_SEQ_CST) == 0)
        for_each_vcpu(d, v)
            vcpu_wake(v);
}

bool domain_is_paused(const struct domain *d)
{
    return d->controller_pause_count > 0;
}

int domain_pause_by_controller(struct domain *d)
{
    if (d == current->domain || d->state != DOMSTATE_alive)
        return -XEN_EINVAL;
    d->controller_pause_count++;
    for_each_vcpu(d, v) {
        vcpu_sleep_nosync(v);
        vcpu_sleep_sync(v);
    }
    return 0;
}

int domain_unpause_by_controller(struct domain *d)
{
    if (d->controller_pause_count == 0)
        return -XEN_EINVAL;
    if (--d->controller_pause_count == 0)
        for_each_vcpu(d, v)
            vcpu_wake(v);
    return 0;
}

void vcpu_mark_down(struct vcpu *v)
{
    set_bit(_VPF_down, &v->pause_flags);
    vcpu_sleep_nosync(v);
}

/* The machine's fate follows dom0's, as Xen's hardware domain. */
static __noreturn void hardware_domain_shutdown(struct domain *d, uint8_t reason)
{
    /* Every run ends with a check of the page-type invariants. */
    if (opt_audit && audit_all_domains() > 0) {
        printk("Hardware Dom0 shut down, but the page-type audit failed\n");
        machine_halt(DEBUG_EXIT_AUDIT);
    }
    if (opt_audit && hvm_paging_audit_all()) {
        printk("Hardware Dom0 shut down, but the shadow audit failed\n");
        machine_halt(DEBUG_EXIT_AUDIT);
    }
    /* ... and with none of the faults hardware would have taken in ring 0. */
    if (ring0_hazard_count()) {
        printk("Hardware Dom0 shut down, but %lu ring-0 hazard(s) were caught\n",
               ring0_hazard_count());
        machine_halt(DEBUG_EXIT_HAZARD);
    }
    switch (reason) {
    case SHUTDOWN_poweroff:
        printk("Hardware Dom0 halted: halting machine (exit status %d)\n", d->exit_status);
        machine_power_off(d->exit_status);
    case SHUTDOWN_reboot:
        printk("Hardware Dom0 shutdown: rebooting machine\n");
        machine_restart();
    case SHUTDOWN_crash:
        printk("Hardware Dom0 crashed: halting machine\n");
        machine_halt(DEBUG_EXIT_DOM0_CRASH);
    default:
        printk("Hardware Dom0 shutdown (reason %u): halting machine\n", reason);
        machine_halt(DEBUG_EXIT_DOM0_CRASH);
    }
}

void domain_shutdown(struct domain *d, uint8_t reason)
{
    if (d == dom0)
        hardware_domain_shutdown(d, reason);
    if (__atomic_exchange_n(&d->is_shutting_down, true, __ATOMIC_SEQ_CST))
        return;
    d->shutdown_code = reason;
    for_each_vcpu(d, v)
        vcpu_pause_nosync(v);
    d->is_shut_down = true;
    printk("Domain %u shut down (reason %u)\n", d->domain_id, reason);
    send_guest_global_virq(dom0, VIRQ_DOM_EXC);
}

void domain_crash(struct domain *d, const char *why)
{
    struct vcpu *v = current;

    if (v->domain == d) {
        printk(XENLOG_ERR "Domain %u (vcpu#%u) crashed: %s\n", d->domain_id,
               v->vcpu_id, why);
        if (is_hvm_vcpu(v))
            hvm_show_state(v);
        else
            show_registers(guest_cpu_user_regs());
        show_guest_stack(guest_cpu_user_regs());
    } else {
        printk(XENLOG_ERR "Domain %u crashed: %s\n", d->domain_id, why);
    }
    domain_shutdown(d, SHUTDOWN_crash);
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* Release everything the domain holds; it stays listed until freed. */
int domain_kill(struct domain *d)
{
    if (d == dom0 || d->state != DOMSTATE_alive)
        return -XEN_EINVAL;
    d->state = DOMSTATE_dying;
    domain_pause(d);
    /* Nothing of the domain's may fire once its channels and pages go. */
    for_each_vcpu(d, v)
        vcpu_timers_kill(v);
    evtchn_destroy(d);
    for_each_vcpu(d, v)
        d->arch.ops->relinquish(v);
    arch_domain_relinquish(d);
    domain_relinquish_memory(d);
    d->state = DOMSTATE_dead;
    domlist_remove(d);
    printk(XENLOG_DEBUG "Domain %u destroyed\n", d->domain_id);
    send_guest_global_virq(dom0, VIRQ_DOM_EXC);
    put_domain(d);
    return 0;
}

void domain_init(void)
{
    int err;

    domain_table = xzalloc_array(struct domain *, DOMID_FIRST_RESERVED);
    if (!domain_table)
        panic("no memory for the domain table");
    idle_domain = domain_create(DOMID_IDLE, NR_CPUS, 0, &err);
    if (!idle_domain)
        panic("cannot create the idle domain (%d)", err);
    strlcpy(idle_domain->name, "idle", sizeof(idle_domain->name));
}
