/*
 * Generators for the hypercalls that set a PV vCPU's CPU state: the trap
 * table, kernel stack, callbacks, segment bases, the virtual TS bit,
 * descriptor tables, debug registers, VM assists, vcpu_op and (wild mode
 * only) iret with made-up frames.  What they change of our own vCPU is
 * put back after each call (restore.c).
 *
 * A second vCPU, if the domain has one, may be given a hostile context
 * (VCPUOP_initialise): every field the hypervisor must check or carry
 * through a context switch is fair game.  It is brought up only if the
 * fields that would make the guest itself fail were left good (its entry
 * point, page tables, kernel mode, no single-stepping); it then polls
 * for ever (fuzz_victim_entry in call.S).
 */
#include "fuzz.h"

extern char fuzz_victim_entry[], fuzz_iret_back[];
extern uint64_t fuzz_iret_rsp;

static bool victim_runnable;            /* vCPU 1 holds a runnable context */

/* ---- traps, stacks, callbacks, segments --------------------------------- */

void gen_set_trap_table(struct call *c)
{
    unsigned int n = (unsigned int)rnd_below(6);
    struct trap_info *t = arena_tail((n + 1) * sizeof(*t));
    bool bad;

    for (unsigned int i = 0; i < n; i++) {
        t[i].vector = (uint8_t)(chance(50) ? rnd_below(32) : rnd());
        t[i].flags = (uint8_t)(chance(70) ? PICK(0, 3, 4, 7) : rnd());
        t[i].cs = (uint16_t)(chance(70) ? FLAT_KERNEL_CS : rnd());
        t[i].address = canonical_any();
    }
    if (chance(20))
        t[n].address = rnd();           /* no terminator where it belongs */
    c->nr = __HYPERVISOR_set_trap_table;
    c->name = "set_trap_table";
    c->arg[0] = chance(8) ? 0 : ptr_to(t, (n + 1) * sizeof(*t), PTR_READ, &bad);
    c->must_fail = bad && c->arg[0];
    c->dirty = DIRTY_TRAPS;
}

void gen_stack_switch(struct call *c)
{
    c->nr = __HYPERVISOR_stack_switch;
    c->name = "stack_switch";
    c->arg[0] = PICK(FLAT_KERNEL_SS, 0, 3, FLAT_RING3_CS64, 0xe010, 0xffff,
                     u64_any());
    c->arg[1] = canonical_any();
    c->dirty = DIRTY_STACK;
}

void gen_set_callbacks(struct call *c)
{
    c->nr = __HYPERVISOR_set_callbacks;
    c->name = "set_callbacks";
    for (int i = 0; i < 3; i++)
        c->arg[i] = chance(30) ? (uint64_t)g_event_entry : canonical_any();
    c->dirty = DIRTY_CALLBACKS;
}

void gen_callback_op(struct call *c)
{
    struct callback_register *r = arena_alloc(sizeof(*r));
    bool bad;

    r->type = (uint16_t)(chance(80) ? rnd_below(9) : rnd());
    r->flags = (uint16_t)(chance(70) ? PICK(0, CALLBACKF_mask_events) : rnd());
    r->address = canonical_any();
    c->nr = __HYPERVISOR_callback_op;
    c->name = "callback_op";
    c->sub = (uint32_t)(chance(85) ? PICK(CALLBACKOP_register,
                                          CALLBACKOP_unregister) : u32_any());
    c->arg[0] = c->sub;
    c->arg[1] = ptr_to(r, sizeof(*r), PTR_READ, &bad);
    c->must_fail = bad && c->sub <= CALLBACKOP_unregister;
    c->dirty = DIRTY_CALLBACKS;
}

void gen_set_segment_base(struct call *c)
{
    c->nr = __HYPERVISOR_set_segment_base;
    c->name = "set_segment_base";
    c->sub = (uint32_t)(chance(85) ? rnd_below(4) : u32_any());
    c->arg[0] = c->sub;
    if (c->sub == SEGBASE_GS_USER_SEL && chance(80))
        c->arg[1] = PICK(0, 3, FLAT_RING3_DS32, FLAT_RING3_CS64,
                         FLAT_RING3_CS32, 0xe008, 0xe010, 0xe018, 0xe038,
                         0xe040, 0xe048, 0xe050, 0xe060, 0xe068, 0xfff8,
                         4, 7, 0x1000, rnd() & 0xffff, rnd());
    else
        c->arg[1] = canonical_any();
    c->dirty = DIRTY_SEGBASE;
}

void gen_fpu_taskswitch(struct call *c)
{
    c->nr = __HYPERVISOR_fpu_taskswitch;
    c->name = "fpu_taskswitch";
    c->arg[0] = PICK(0, 1, 1, 2, 0x80000000, u64_any());
    c->dirty = DIRTY_FPU;
}

void gen_descriptors(struct call *c)
{
    uint64_t *frames = arena_alloc(16 * sizeof(*frames));
    bool bad;

    for (unsigned int i = 0; i < 16; i++)
        frames[i] = mfn_harmless();
    if (chance(50)) {
        c->nr = __HYPERVISOR_set_gdt;
        c->name = "set_gdt";
        c->arg[0] = ptr_to(frames, 16 * sizeof(*frames), PTR_READ, &bad);
        c->arg[1] = PICK(0, 0, 1, 512, 7167, 7168, 8192, 0xffffffff,
                         u64_any());
    } else {
        c->nr = __HYPERVISOR_update_descriptor;
        c->name = "update_descriptor";
        c->arg[0] = (mfn_harmless() << G_PAGE_SHIFT) +
                    (chance(80) ? rnd_below(512) * 8 : rnd_below(4096));
        c->arg[1] = PICK(0, 0x00cf9a000000ffffull, 0x00af9b000000ffffull,
                         0x00cff3000000ffffull, rnd());
    }
}

void gen_debugreg(struct call *c)
{
    bool set = chance(50);

    c->nr = set ? __HYPERVISOR_set_debugreg : __HYPERVISOR_get_debugreg;
    c->name = set ? "set_debugreg" : "get_debugreg";
    c->arg[0] = PICK(0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, u64_any());
    c->arg[1] = u64_any();
    /* Breakpoints that fire would end the stream on a hypervisor that
     * takes them: DR7 stays clear. */
    if (set && (c->arg[0] & 0xffffffff) == 7)
        c->arg[1] = 0;
}

void gen_vm_assist(struct call *c)
{
    c->nr = __HYPERVISOR_vm_assist;
    c->name = "vm_assist";
    c->sub = (uint32_t)PICK(VMASST_CMD_enable, VMASST_CMD_disable, 2,
                            u32_any());
    c->arg[0] = c->sub;
    c->arg[1] = chance(80) ? rnd_below(34) : u64_any();
    c->dirty = DIRTY_VMASST;
}

/* ---- vcpu_op ------------------------------------------------------------ */

/* A context for vCPU 1: good where the guest needs it, hostile elsewhere;
 * *runnable says whether the guest could survive running it. */
static void victim_context(struct vcpu_guest_context *ctx, bool *runnable)
{
    bool good_rip = true, good_cr3 = true;

    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | (chance(50) ? VGCF_i387_valid : 0) |
                 (chance(10) ? rnd() & ~(uint64_t)VGCF_in_kernel : 0);
    ctx->user_regs.rip = (uint64_t)fuzz_victim_entry;
    ctx->user_regs.rsp = canonical_any();
    ctx->user_regs.rflags = chance(70) ? 0x202 : (rnd() & ~0x100ull);
    ctx->user_regs.cs = (uint16_t)(chance(70) ? FLAT_KERNEL_CS : rnd());
    ctx->user_regs.ss = (uint16_t)(chance(70) ? FLAT_KERNEL_SS : rnd());
    ctx->ctrlreg[3] = xen_pfn_to_cr3(env.l4);
    ctx->kernel_ss = chance(70) ? FLAT_KERNEL_SS : rnd();
    ctx->kernel_sp = canonical_any();
    ctx->event_callback_eip = canonical_any();
    ctx->failsafe_callback_eip = canonical_any();
    ctx->syscall_callback_eip = canonical_any();
    ctx->fs_base = chance(50) ? canonical_any() : 0;
    ctx->gs_base_kernel = chance(50) ? canonical_any() : 0;
    ctx->gs_base_user = chance(50) ? canonical_any() : 0;
    ctx->vm_assist = chance(80) ? 0 : rnd();
    if (ctx->flags & VGCF_i387_valid) {
        uint32_t mxcsr = chance(50) ? 0x1f80 : (uint32_t)u32_any();
        fill_random(ctx->fpu_ctxt, chance(50) ? 32 : sizeof(ctx->fpu_ctxt));
        memcpy(ctx->fpu_ctxt + 24, &mxcsr, sizeof(mxcsr));
    }
    for (unsigned int i = 0, n = (unsigned int)rnd_below(8); i < n; i++) {
        struct trap_info *t = &ctx->trap_ctxt[rnd_below(256)];
        t->flags = (uint8_t)rnd();
        t->cs = (uint16_t)rnd();
        t->address = canonical_any();
    }
    if (chance(15)) {
        ctx->gdt_ents = PICK(1, 8192, rnd());
        ctx->ldt_ents = PICK(0, 1, rnd());
    }
    if (chance(15)) {
        ctx->user_regs.rip = canonical_any();
        good_rip = ctx->user_regs.rip == (uint64_t)fuzz_victim_entry;
    }
    if (chance(15)) {
        uint64_t mfn = PICK(env.l3, env.l1, env.hv_mfn, env.image_mfn,
                            env.max_page, 0);
        ctx->ctrlreg[3] = chance(80) ? xen_pfn_to_cr3(mfn) : rnd();
        good_cr3 = false;
    }
    if (chance(30))
        ctx->ctrlreg[1] = xen_pfn_to_cr3(chance(50) ? env.l4 : mfn_any());
    *runnable = good_rip && good_cr3 && (ctx->flags & VGCF_in_kernel);
}

static void initialise_post(const struct call *c, long rc)
{
    if (rc == 0 && (uint32_t)c->arg[1] == 1)
        victim_runnable = c->ctx[0];
}

static void vcpu_info_post(const struct call *c, long rc)
{
    const struct vcpu_register_vcpu_info *info = (const void *)c->ctx[0];
    uint32_t id = (uint32_t)c->arg[1];

    if (rc == 0 && id < G_MAX_CPUS)
        g_cpus[id].vi = (struct vcpu_info *)(env.vinfo_va + info->offset);
}

static void vcpu_op_arg(struct call *c, unsigned int cmd, uint32_t id)
{
    void *a = arena_alloc(sizeof(struct vcpu_guest_context));
    size_t size = 32;
    int use = PTR_WRITE;
    bool bad = false, runnable, fixed = false;

    switch (cmd) {
    case VCPUOP_initialise:
        victim_context(a, &runnable);
        size = sizeof(struct vcpu_guest_context);
        c->post = initialise_post;
        c->ctx[0] = runnable;
        fixed = true;                   /* a shifted one would run garbage */
        break;
    case VCPUOP_set_periodic_timer:      /* read only, 8 bytes */
        *(uint64_t *)a = PICK(0, 1, 999999, 1000000, 10000000,
                              3600000000000ull, 3600000000001ull, ~0ull,
                              rnd());
        size = sizeof(struct vcpu_set_periodic_timer);
        use = PTR_READ;
        break;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer *t = a;
        uint64_t now = g_now_ns();
        t->timeout_abs_ns = PICK(0, 1, now - 1000, now + 100000,
                                 now + 5000000, ~0ull, 1ull << 63, rnd());
        t->flags = (uint32_t)PICK(0, VCPU_SSHOTTMR_future, u32_any());
        size = sizeof(*t);
        use = PTR_READ;
        break;
    }
    case VCPUOP_register_vcpu_info: {
        /* Our vcpu_info moves only to the page kept for it (the library
         * follows it there); other frames must be refused. */
        struct vcpu_register_vcpu_info *info = a;
        info->mfn = chance(60) ? env.vinfo_mfn
                               : PICK(env.l1, env.hv_mfn, env.m2p_mfn, env.max_page, 0);
        /* Each vCPU its own 128 bytes of the page: two vcpu_infos that
         * overlap would corrupt each other (the guest's doing); offsets
         * outside a slot are ones the hypervisor must refuse. */
        info->offset = chance(70) ? 128 * (id % 32) + (uint32_t)PICK(0, 8, 64)
                                  : (uint32_t)PICK(1, 4033, 4095, 4096, 0x80000000, ~0u);
        info->rsvd = (uint32_t)(chance(85) ? 0 : u32_any());
        if (info->mfn == env.vinfo_mfn) {
            c->post = vcpu_info_post;
            c->ctx[0] = (uint64_t)info;
        }
        fixed = true;
        break;
    }
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area:
        /* The hypervisor writes there at every switch: only into bytes
         * that are ours to lose, or where nothing can be written. */
        *(uint64_t *)a = chance(60) ? env.randbuf + (rnd_below(G_PAGE_SIZE) & ~7ull)
                                    : unmappable_ptr();
        fixed = true;
        break;
    case VCPUOP_get_runstate_info:
        size = sizeof(struct vcpu_runstate_info);
        break;
    default:                            /* physid, time area... */
        fill_random(a, size);
    }
    /* Arguments the hypervisor keeps are given exactly, or unreadable. */
    if (fixed) {
        c->arg[2] = ptr_exact(a, &bad);
    } else {
        c->arg[2] = chance(10) ? 0 : ptr_to(a, size, use, &bad);
    }
    c->must_fail = bad && id < env.nr_vcpus &&
                   (cmd == VCPUOP_initialise || cmd == VCPUOP_get_runstate_info ||
                    cmd == VCPUOP_set_periodic_timer ||
                    cmd == VCPUOP_register_vcpu_info);
    if (cmd == VCPUOP_initialise && id == 0)
        c->must_fail = false;           /* EEXIST may come first */
}

void gen_vcpu_op(struct call *c)
{
    unsigned int cmd = chance(90) ? (unsigned int)rnd_below(14)
                                  : (unsigned int)u32_any();
    uint32_t id = vcpu_any();

    /* Never down ourselves; run vCPU 1 only with a context it survives;
     * an NMI would need a handler we do not have. */
    if ((cmd == VCPUOP_down && (id == 0 || id >= env.nr_vcpus ||
                                (watchdog_vcpu && id == watchdog_vcpu))) ||
        (cmd == VCPUOP_up && id == 1 && !victim_runnable && !cfg.wild) ||
        cmd == VCPUOP_send_nmi)
        id = (uint32_t)PICK(env.nr_vcpus, 32, 0xffffffff);
    c->nr = __HYPERVISOR_vcpu_op;
    c->name = "vcpu_op";
    c->sub = cmd;
    c->arg[0] = cmd;
    c->arg[1] = chance(95) ? id : (rnd() << 32 | id);
    vcpu_op_arg(c, cmd, id);
    if (cmd == VCPUOP_set_periodic_timer && id == 0)
        c->dirty = DIRTY_PERIODIC;
}

/* ---- iret (wild mode) -------------------------------------------------- */

void gen_iret(struct call *c)
{
    struct iret_context *f = arena_alloc(sizeof(*f));
    uint64_t sp = (uint64_t)__builtin_frame_address(0) - 4096;

    f->rax = rnd();
    f->r11 = rnd();
    f->rcx = rnd();
    f->flags = PICK(0, VGCF_in_syscall, rnd());
    f->rip = chance(70) ? (uint64_t)fuzz_iret_back : canonical_any();
    f->cs = PICK(FLAT_KERNEL_CS, FLAT_KERNEL_CS & ~3u, FLAT_RING3_CS32,
                 FLAT_RING3_CS64 | (rnd() << 32), rnd());
    f->rflags = PICK(0x202, 0x2, 0x246, 0x3202, 0x40202, 0x4202, rnd());
    f->rsp = chance(70) ? sp : canonical_any();
    f->ss = PICK(FLAT_KERNEL_SS, 0, rnd());
    c->nr = __HYPERVISOR_iret;
    c->name = "iret";
    c->arg[0] = (uint64_t)f;
    c->dirty = DIRTY_EVENTS;
}
