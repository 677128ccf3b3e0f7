/*
 * Secondary vCPUs: bring-up with VCPUOP_initialise/VCPUOP_up, an idle
 * loop, and running work on another vCPU.
 */
#include <guest/guest.h>

struct g_cpu g_cpus[G_MAX_CPUS];

static uint8_t cpu_stacks[G_MAX_CPUS][G_CPU_STACK_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

/* One context at a time: bring-up is serialised by the caller (vCPU 0). */
static struct vcpu_guest_context boot_ctxt;

void g_smp_init(void)
{
    g_cpus[0].stack_top = (uint64_t)g_boot_stack_top;
}

unsigned int g_nr_cpus(void)
{
    unsigned int n = 0;

    while (n < G_MAX_CPUS && n < XEN_LEGACY_MAX_VCPUS &&
           hc_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
        n++;
    return n;
}

static void wake(evtchn_port_t port, void *data, struct g_frame *f)
{
    /* Nothing to do: the event only ends the idle loop's block. */
}

/* What a new vCPU starts with: our kernel page tables, a fresh stack,
 * the same virtual IDT and callbacks, and its g_cpu as kernel GS base. */
static void fill_context(struct vcpu_guest_context *ctx, struct g_cpu *c)
{
    const struct trap_info *t;
    uint64_t l4_mfn = g_virt_to_mfn((const void *)g_start_info->pt_base);

    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | VGCF_failsafe_disables_events |
                 VGCF_syscall_disables_events;
    ctx->user_regs.rip = (uint64_t)g_ap_entry;
    ctx->user_regs.rsp = c->stack_top;
    ctx->user_regs.rdi = c->id;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->user_regs.rflags = G_RFLAGS_IF | 2;    /* bit 1 always reads 1 */
    for (t = g_trap_table; t->address; t++)
        ctx->trap_ctxt[t->vector] = *t;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->kernel_sp = c->stack_top;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(l4_mfn);
    ctx->event_callback_eip = (uint64_t)g_event_entry;
    ctx->failsafe_callback_eip = (uint64_t)g_failsafe_entry;
    ctx->syscall_callback_eip = (uint64_t)g_syscall_entry;
    ctx->gs_base_kernel = (uint64_t)c;
}

static int prepare_cpu(unsigned int id)
{
    struct g_cpu *c = &g_cpus[id];
    int rc;

    c->self = c;
    c->id = id;
    c->vi = &g_shared_info->vcpu_info[id];
    c->stack_top = (uint64_t)cpu_stacks[id] + G_CPU_STACK_SIZE;
    c->timer_port = -1;
    rc = g_evtchn_bind_ipi(id);
    if (rc < 0)
        return rc;
    c->wake_port = rc;
    g_evtchn_set_handler((evtchn_port_t)rc, wake, NULL);
    return g_time_init_cpu(id);
}

int g_cpu_up(unsigned int id)
{
    struct g_cpu *c;
    uint64_t deadline;
    int rc;

    if (id == 0 || id >= G_MAX_CPUS || id >= g_nr_cpus())
        return -XEN_EINVAL;
    c = &g_cpus[id];
    if (c->online)
        return 0;
    if (!c->started) {
        rc = prepare_cpu(id);
        if (rc < 0)
            return rc;
        fill_context(&boot_ctxt, c);
        rc = (int)hc_vcpu_op(VCPUOP_initialise, id, &boot_ctxt);
        if (rc < 0)
            return rc;
        c->started = true;
    }
    rc = (int)hc_vcpu_op(VCPUOP_up, id, NULL);
    if (rc < 0)
        return rc;
    deadline = g_now_ns() + 5 * G_NS_PER_SEC;
    while (!c->online && g_now_ns() < deadline)
        hc_sched_op(SCHEDOP_yield, NULL);
    return c->online ? 0 : -XEN_ETIMEDOUT;
}

/* The idle loop: run handed-over work, otherwise block. */
static G_NORETURN void idle_loop(struct g_cpu *c)
{
    for (;;) {
        g_cpu_fn_t fn;

        g_irq_disable();
        fn = __atomic_exchange_n(&c->work_fn, NULL, __ATOMIC_ACQUIRE);
        if (!fn) {
            g_block();
            continue;
        }
        g_irq_enable();
        fn(c->work_arg);
        __atomic_fetch_add(&c->work_done, 1, __ATOMIC_RELEASE);
    }
}

/* C side of a new vCPU: GS base, trap table, callbacks and time come from
 * the context VCPUOP_initialise gave it. */
void g_ap_start(unsigned int id)
{
    struct g_cpu *c = g_this_cpu();

    if (c != &g_cpus[id])
        g_panic("vcpu %u: kernel GS base not set up", id);
    g_periodic_stop();
    c->online = true;
    idle_loop(c);
}

/* Runs on the vCPU going down; returns once it is up again. */
static void go_down(void *arg)
{
    struct g_cpu *c = g_this_cpu();

    c->online = false;
    hc_vcpu_op(VCPUOP_down, c->id, NULL);
    c->online = true;
}

int g_cpu_down(unsigned int id)
{
    uint64_t deadline = g_now_ns() + 5 * G_NS_PER_SEC;
    int rc;

    if (id == 0 || id >= G_MAX_CPUS || !g_cpus[id].online)
        return id && id < G_MAX_CPUS ? 0 : -XEN_EINVAL;
    if ((rc = g_cpu_call(id, go_down, NULL)) < 0)
        return rc;
    while (hc_vcpu_op(VCPUOP_is_up, id, NULL) > 0 && g_now_ns() < deadline)
        hc_sched_op(SCHEDOP_yield, NULL);
    return hc_vcpu_op(VCPUOP_is_up, id, NULL) > 0 ? -XEN_ETIMEDOUT : 0;
}

int g_vcpu_set_online(unsigned int id, bool online)
{
    int rc = online ? g_cpu_up(id) : g_cpu_down(id);

    if (rc < 0)
        g_printf("vcpu-hotplug: cannot bring vcpu%u %s (%d)\n", id,
                 online ? "up" : "down", rc);
    else
        g_printf("vcpu-hotplug: vcpu%u %s\n", id, online ? "up" : "down");
    return rc;
}

int g_cpu_call(unsigned int id, g_cpu_fn_t fn, void *arg)
{
    struct g_cpu *c;

    if (id >= G_MAX_CPUS || !g_cpus[id].online || id == g_this_cpu()->id)
        return -XEN_EINVAL;
    c = &g_cpus[id];
    if (c->work_fn)
        return -XEN_EBUSY;
    c->work_arg = arg;
    c->work_started++;
    __atomic_store_n(&c->work_fn, fn, __ATOMIC_RELEASE);
    return g_evtchn_send((evtchn_port_t)c->wake_port);
}

int g_cpu_wait(unsigned int id, uint64_t timeout_ns)
{
    struct g_cpu *c = &g_cpus[id];
    uint64_t deadline = g_now_ns() + timeout_ns;

    while (c->work_done < c->work_started) {
        if (g_now_ns() >= deadline)
            return -XEN_ETIMEDOUT;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    return 0;
}
