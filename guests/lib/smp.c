/*
 * Secondary vCPUs: bring-up with VCPUOP_initialise/VCPUOP_up (the start
 * context is the flavour's: smp_pv.c, hvm/smp.c), an idle loop, and
 * running work on another vCPU.
 */
#include <guest/guest.h>

struct g_cpu g_cpus[G_MAX_CPUS];

static uint8_t cpu_stacks[G_MAX_CPUS][G_CPU_STACK_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

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
        rc = g_cpu_boot(c);
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

/* A new vCPU, once the flavour has set it up (smp_pv.c, hvm/smp.c). */
G_NORETURN void g_ap_online(struct g_cpu *c)
{
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

void g_cpu_run_all(unsigned int n, g_cpu_fn_t fn, void *args, size_t size,
                   uint64_t timeout_ns, const char *who)
{
    char *arg = args;

    for (unsigned int i = 1; i < n; i++)
        if (g_cpu_up(i) < 0 || g_cpu_call(i, fn, arg + i * size) < 0)
            g_panic("%s: cannot start vcpu %u", who, i);
    fn(arg);
    for (unsigned int i = 1; i < n; i++)
        if (g_cpu_wait(i, timeout_ns) < 0)
            g_panic("%s: vcpu %u did not finish", who, i);
}
