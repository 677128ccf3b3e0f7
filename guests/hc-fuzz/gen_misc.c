/*
 * Generators for the rest: multicall (random batches of the other
 * generators' calls), domctl and sysctl (dom0's; refused to a domU),
 * physdev_op, hypercalls with the common "(cmd, struct, count)" shape
 * named in one table (grant_table_op, hvm_op, ...), the numbers Xen
 * reserves, and any number at all.
 *
 * A new hypercall of that common shape is one line of struct_ops[]; one
 * with more to it gets a generator of its own and a line in main.c's
 * table.
 */
#include "domctl.h"
#include "physdev.h"
#include "sysctl.h"
#include "xenlite.h"
#include "fuzz.h"

/* ---- multicall ---------------------------------------------------------- */

#define MC_MAX 8

static struct call mc_calls[MC_MAX];

/* What an entry's result field holds until the hypervisor runs it. */
#define MC_NOT_RUN 0x5a5a5a5a5a5a5a5aull

/* Each entry's bookkeeping, with the result the hypervisor stored: also
 * after a short count or a fault part-way, the entries that did run
 * changed our state and are counted (those that did not, are not). */
static void multicall_post(const struct call *c, long rc)
{
    const struct multicall_entry *e = (const void *)c->ctx[0];
    unsigned int n = (unsigned int)c->ctx[1];

    for (unsigned int i = 0; i < n; i++) {
        if (e[i].result == MC_NOT_RUN)
            continue;
        if (mc_calls[i].post)
            mc_calls[i].post(&mc_calls[i], (long)e[i].result);
        tally(&mc_calls[i], (long)e[i].result);
    }
}

void gen_multicall(struct call *c)
{
    unsigned int n = 1 + (unsigned int)rnd_below(MC_MAX);
    struct multicall_entry *e = arena_tail(n * sizeof(*e));
    unsigned int used;
    bool bad;

    c->nr = __HYPERVISOR_multicall;
    c->name = "multicall";
    for (unsigned int i = 0; i < n; i++) {
        memset(&mc_calls[i], 0, sizeof(mc_calls[i]));
        generate(&mc_calls[i], true);
        e[i].op = mc_calls[i].nr;
        memcpy(e[i].args, mc_calls[i].arg, sizeof(e[i].args));
        e[i].result = MC_NOT_RUN;
        c->dirty |= mc_calls[i].dirty;
        if (iteration >= cfg.trace_from)
            trace_call(&mc_calls[i], true);
    }
    /* The count is an unsigned int: the hypervisor reads that many
     * entries (32-bit), so a pointer is bad only if those do not fit. */
    c->arg[1] = chance(85) ? n : count_any();
    used = (uint32_t)c->arg[1] < n ? (uint32_t)c->arg[1] : n;
    c->arg[0] = ptr_to(e, (used ? used : 1) * sizeof(*e), PTR_WRITE, &bad);
    c->must_fail = bad && (uint32_t)c->arg[1];
    if (c->arg[0] == (uint64_t)e) {
        c->post = multicall_post;
        c->ctx[0] = (uint64_t)e;
        c->ctx[1] = n;
    }
}

/* ---- domctl and sysctl -------------------------------------------------- */

static void domctl_post(const struct call *c, long rc)
{
    const struct xen_domctl *op = (const void *)c->ctx[0];

    if (rc == 0 && c->sub == XEN_DOMCTL_createdomain) {
        victim_remember(op->domain);
        if (op->domain < DOMID_FIRST_RESERVED && op->domain > env.last_created)
            env.last_created = op->domain;
    }
    if (rc == 0 && c->sub == XEN_DOMCTL_destroydomain)
        victim_forget(op->domain);
}

/* The domain a domctl names: mostly one the calls made (dom0), never
 * ourselves for what could stop or starve us. */
static domid_t domctl_target(unsigned int cmd)
{
    domid_t d = domid_any();
    bool harmful = cmd == XEN_DOMCTL_destroydomain || cmd == XEN_DOMCTL_pausedomain ||
                   cmd == XEN_DOMCTL_scheduler_op || cmd == XEN_DOMCTL_max_mem ||
                   cmd == XEN_DOMCTL_setvcpuaffinity || cmd == XEN_DOMCTL_max_vcpus;

    return harmful && (domid_is_self(d) || d == 0) ? DOMID_INVALID : d;
}

void gen_domctl(struct call *c)
{
    static const uint64_t cmds[] = {
        XEN_DOMCTL_createdomain, XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain,
        XEN_DOMCTL_unpausedomain, XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_setvcpuaffinity,
        XEN_DOMCTL_max_mem, XEN_DOMCTL_setvcpucontext, XEN_DOMCTL_getvcpucontext,
        XEN_DOMCTL_getvcpuinfo, XEN_DOMCTL_max_vcpus, XEN_DOMCTL_scheduler_op,
        XEN_DOMCTL_setdomainhandle, XEN_DOMCTL_hypercall_init, XEN_DOMCTL_getvcpuaffinity,
        0, 99, 0xffffffff,
    };
    struct xen_domctl *op = arena_alloc(sizeof(*op));
    unsigned int cmd = (unsigned int)pick(cmds, G_ARRAY_SIZE(cmds));
    bool bad;

    fill_random(&op->u, sizeof(op->u));
    op->cmd = cmd;
    op->interface_version = chance(90) ? XEN_DOMCTL_INTERFACE_VERSION : (uint32_t)u32_any();
    op->domain = domctl_target(cmd);
    if (cmd == XEN_DOMCTL_createdomain) {
        memset(&op->u, 0, sizeof(op->u));
        op->u.createdomain.max_vcpus = (uint32_t)PICK(1, 2, 0, 33, u32_any());
        op->u.createdomain.flags = (uint32_t)(chance(80) ? 0 : u32_any());
        op->domain = 0;
    }
    if (cmd == XEN_DOMCTL_getvcpucontext || cmd == XEN_DOMCTL_setvcpucontext)
        op->u.vcpucontext.ctxt = ptr_any(sizeof(struct vcpu_guest_context), PTR_WRITE, &bad);
    c->nr = __HYPERVISOR_domctl;
    c->name = "domctl";
    c->sub = cmd;
    c->arg[0] = ptr_to(op, sizeof(*op), PTR_WRITE, &bad);
    c->must_fail = bad && cfg.dom0;
    if (!bad) {
        c->post = domctl_post;
        c->ctx[0] = (uint64_t)op;
    }
}

void gen_sysctl(struct call *c)
{
    /* The audit is run by main.c at the end, not a million times. */
    static const uint64_t cmds[] = {
        XEN_SYSCTL_readconsole, XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id,
        XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_tbuf_op, XEN_SYSCTL_getcpuinfo,
        XEN_SYSCTL_scheduler_op, 0, 0x101, 0xffffffff,
    };
    struct xen_sysctl *op = arena_alloc(sizeof(*op));
    bool bad;

    fill_random(&op->u, sizeof(op->u));
    op->cmd = (uint32_t)pick(cmds, G_ARRAY_SIZE(cmds));
    op->interface_version = chance(90) ? XEN_SYSCTL_INTERFACE_VERSION : (uint32_t)u32_any();
    if (op->cmd == XEN_SYSCTL_readconsole) {
        op->u.readconsole.buffer = ptr_to(arena_alloc(256), 256, PTR_WRITE, &bad);
        op->u.readconsole.count = (uint32_t)(chance(80) ? rnd_below(256) : u32_any());
        op->u.readconsole.clear = 0;
    }
    if (op->cmd == XEN_SYSCTL_getdomaininfolist) {
        op->u.getdomaininfolist.buffer = ptr_to(arena_alloc(1024), 1024, PTR_WRITE, &bad);
        op->u.getdomaininfolist.max_domains = (uint32_t)(chance(80) ? rnd_below(8) : u32_any());
    }
    c->nr = __HYPERVISOR_sysctl;
    c->name = "sysctl";
    c->sub = op->cmd;
    c->arg[0] = ptr_to(op, sizeof(*op), PTR_WRITE, &bad);
    c->must_fail = bad && cfg.dom0;
}

/* ---- physdev_op --------------------------------------------------------- */

void gen_physdev_op(struct call *c)
{
    uint8_t *a = arena_alloc(64);
    bool bad;

    fill_random(a, 64);
    c->nr = __HYPERVISOR_physdev_op;
    c->name = "physdev_op";
    c->sub = (uint32_t)(chance(85) ? rnd_below(32) : u32_any());
    if (c->sub == PHYSDEVOP_set_iopl)
        ((struct physdev_set_iopl *)a)->iopl = (uint32_t)PICK(0, 1, 3, 4, u32_any());
    if (c->sub == PHYSDEVOP_set_iobitmap) {
        struct physdev_set_iobitmap *b = (void *)a;
        b->bitmap = ptr_any(8192, PTR_READ, &bad);
        b->nr_ports = (uint32_t)PICK(0, 1, 65535, 65536, 65537, u32_any());
    }
    c->arg[0] = c->sub;
    c->arg[1] = ptr_to(a, 64, PTR_WRITE, &bad);
    c->dirty = DIRTY_IOPL;
}

/* ---- hypercalls of the common shape -------------------------------------- */

/* (cmd, pointer to a structure, count): a table entry is all one needs. */
struct struct_op {
    uint64_t nr;
    const char *name;
    unsigned int nr_cmds;               /* sub-ops worth trying */
    unsigned int size;                  /* bytes of argument structure */
};

static const struct struct_op struct_ops[] = {
    { __HYPERVISOR_grant_table_op, "grant_table_op", 16, 64 },
    { __HYPERVISOR_hvm_op, "hvm_op", 32, 64 },
    { __HYPERVISOR_xenpmu_op, "xenpmu_op", 12, 64 },
    { __HYPERVISOR_dm_op, "dm_op", 4, 64 },
    { __HYPERVISOR_hypfs_op, "hypfs_op", 8, 64 },
    { __HYPERVISOR_argo_op, "argo_op", 8, 64 },
    { __HYPERVISOR_xsm_op, "xsm_op", 4, 64 },
    { __HYPERVISOR_kexec_op, "kexec_op", 8, 64 },
    { __HYPERVISOR_platform_op, "platform_op", 64, 64 },
};

void gen_struct_op(struct call *c)
{
    const struct struct_op *s = &struct_ops[rnd_below(G_ARRAY_SIZE(struct_ops))];
    uint8_t *a = arena_alloc(s->size);
    bool bad;

    fill_random(a, s->size);
    c->nr = s->nr;
    c->name = s->name;
    c->sub = (uint32_t)(chance(85) ? rnd_below(s->nr_cmds) : u32_any());
    c->arg[0] = c->sub;
    c->arg[1] = ptr_to(a, s->size, PTR_WRITE, &bad);
    c->arg[2] = count_small(4);
}

/* ---- numbers -------------------------------------------------------------- */

void gen_unimplemented(struct call *c)
{
    static const uint64_t reserved[] = { 6, 11, 16, 19, 31, 37, 38, 42, 43, 44, 45,
                                         46, 47, 48, 49, 50, 55, 56, 63 };

    c->nr = pick(reserved, G_ARRAY_SIZE(reserved));
    c->name = "reserved";
    for (int i = 0; i < 6; i++)
        c->arg[i] = u64_any();
}

void gen_any_number(struct call *c)
{
    static const uint64_t nrs[] = { 64, 65, 127, 128, 255, 256, 0x7fffffff,
                                    0x80000000, 0xffffffff, 1ull << 32, 1ull << 63,
                                    ~0ull };

    c->nr = chance(70) ? pick(nrs, G_ARRAY_SIZE(nrs)) : rnd();
    if (c->nr == __HYPERVISOR_iret || c->nr < 64)
        c->nr = 64 + rnd_below(1ull << 20);     /* the named ones have generators */
    c->name = "any_number";
    for (int i = 0; i < 6; i++)
        c->arg[i] = u64_any();
}
