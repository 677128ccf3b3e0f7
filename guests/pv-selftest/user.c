/*
 * Guest user mode: a separate user page table (MMUEXT_NEW_USER_BASEPTR),
 * iret to CS RPL 3, `syscall` back into the kernel through the syscall
 * callback on the stack given by stack_switch, iret (VGCF_in_syscall) to
 * user mode again, and a second syscall that returns to the kernel code
 * that started it all.
 *
 * User address space: the code page at USER_CODE_VA (read-only) and one
 * stack page above it, through one L4/L3/L2/L1 chain of our own.
 */
#include "selftest.h"

#define USER_CODE_VA  0x400000ull
#define USER_STACK_VA (USER_CODE_VA + G_PAGE_SIZE)
#define USER_RSP      (USER_STACK_VA + G_PAGE_SIZE)
#define KSTACK_SIZE   8192

static uint8_t kstack[KSTACK_SIZE] __attribute__((aligned(16)));
#define KSTACK_TOP ((uint64_t)kstack + KSTACK_SIZE)

/* Page-table pages (L1..L4) and the user stack page. */
static uint64_t *tables[5];
static struct user_jmp jmp;

/* What the syscall handler saw on each call. */
static struct seen {
    uint64_t rax, rip, cs, rsp, frame_rip_addr;
    uint64_t user_cs, user_ss;          /* what user mode had loaded */
    unsigned int upcall_mask;
} seen[2];
static unsigned int nr_syscalls;

static void on_syscall(struct g_frame *f)
{
    struct seen *s = &seen[nr_syscalls < 2 ? nr_syscalls : 1];

    s->rax = f->rax;
    s->rip = f->rip;
    s->cs = f->cs;
    s->rsp = f->rsp;
    s->user_cs = (uint16_t)f->rdx;
    s->user_ss = (uint16_t)f->rbx;
    s->frame_rip_addr = (uint64_t)&f->rip;
    s->upcall_mask = g_this_vcpu_info()->evtchn_upcall_mask;
    nr_syscalls++;
    if (f->rax == USER_MAGIC_FIRST) {
        f->rax = USER_RETURN_VALUE;     /* resume user mode */
        return;
    }
    user_leave(&jmp);                   /* back to the kernel */
}

static uint64_t mfn_of(const void *va)
{
    return g_virt_to_mfn(va);
}

/* Build the chain L4 -> L3 -> L2 -> L1 that maps the user pages. */
static const char *build_tables(void)
{
    uint64_t *l1, *l2, *l3, *l4;
    int i, rc;

    for (i = 0; i < 5; i++)
        if (!(tables[i] = g_page_alloc_mapped()))
            return why("out of pages");
    l1 = tables[0], l2 = tables[1], l3 = tables[2], l4 = tables[3];
    l1[g_pt_index(USER_CODE_VA, 1)] = (mfn_of(user_code_page) << 12) |
                                       G_PTE_P | G_PTE_US | G_PTE_A;
    l1[g_pt_index(USER_STACK_VA, 1)] = (mfn_of(tables[4]) << 12) |
                                        G_PTE_P | G_PTE_RW | G_PTE_US |
                                        G_PTE_A | G_PTE_D;
    l2[g_pt_index(USER_CODE_VA, 2)] = (mfn_of(l1) << 12) | G_PTE_TABLE;
    l3[g_pt_index(USER_CODE_VA, 3)] = (mfn_of(l2) << 12) | G_PTE_TABLE;
    l4[g_pt_index(USER_CODE_VA, 4)] = (mfn_of(l3) << 12) | G_PTE_TABLE;
    /* A frame may become a page table only while nothing maps it
     * writable. */
    for (i = 0; i < 4; i++)
        if ((rc = g_set_page_writable(tables[i], false)) < 0)
            return why("remapping a table read-only: %d", rc);
    return NULL;
}

static int set_user_baseptr(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR,
                            .arg1.mfn = mfn };

    return (int)hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void teardown(void)
{
    int i;

    set_user_baseptr(0);
    for (i = 0; i < 5; i++) {
        if (!tables[i])
            continue;
        if (i < 4 && g_set_page_writable(tables[i], true) < 0)
            continue;           /* still typed as a page table: leak it */
        g_page_free_mapped(tables[i]);
        tables[i] = NULL;
    }
}

static const char *judge_first(const struct seen *s, uint16_t cs, uint16_t ss)
{
    uint64_t expect_rip = USER_CODE_VA +
                          (user_code_after_first - user_code_page);

    if (s->rax != USER_MAGIC_FIRST)
        return why("first syscall rax 0x%lx", s->rax);
    if ((uint16_t)s->cs != FLAT_USER_CS)
        return why("syscall frame cs 0x%x, expected 0x%x",
                   (unsigned int)(uint16_t)s->cs, FLAT_USER_CS);
    if (s->rip != expect_rip)
        return why("syscall frame rip 0x%lx, expected 0x%lx", s->rip,
                   expect_rip);
    if (s->rsp != USER_RSP)
        return why("syscall frame rsp 0x%lx, expected 0x%lx", s->rsp,
                   (uint64_t)USER_RSP);
    if (s->upcall_mask != 1)
        return why("events not masked in the syscall callback");
    if (s->user_cs != cs || s->user_ss != ss)
        return why("user mode ran with cs 0x%lx ss 0x%lx, expected 0x%x 0x%x",
                   s->user_cs, s->user_ss, cs, ss);
    return NULL;
}

static const char *run_user(uint16_t cs, uint16_t ss)
{
    const char *r;
    int rc;

    if ((r = build_tables()))
        return r;
    if ((rc = set_user_baseptr(mfn_of(tables[3]))) < 0)
        return why("MMUEXT_NEW_USER_BASEPTR returned %d", rc);
    if ((rc = (int)hc_stack_switch(FLAT_KERNEL_SS, KSTACK_TOP)) < 0)
        return why("stack_switch returned %d", rc);
    if ((rc = g_set_syscall_handler(on_syscall)) < 0)
        return why("callback_op(syscall) returned %d", rc);
    nr_syscalls = 0;
    if (user_enter(USER_CODE_VA, USER_RSP, &jmp, cs, ss) != 1)
        return why("came back the wrong way");
    g_irq_enable();             /* the syscall callback masked events */
    if (nr_syscalls != 2)
        return why("%u syscalls, expected 2", nr_syscalls);
    if ((r = judge_first(&seen[0], cs, ss)))
        return r;
    if (seen[1].rax != USER_MAGIC_SECOND)
        return why("user mode saw rax != 0x%x after the first syscall "
                   "(second syscall rax 0x%lx)", USER_RETURN_VALUE,
                   seen[1].rax);
    return NULL;
}

static bool user_ran;
static const char *user_result;

static const char *user_roundtrip(void)
{
    user_result = run_user(FLAT_USER_CS, FLAT_USER_SS);
    user_ran = true;
    teardown();
    return user_result;
}

/* The syscall callback's frame must sit at the top of the stack given to
 * stack_switch: Xen aligns the stack to 16 bytes and puts RIP 40 bytes
 * below it (RIP, CS, RFLAGS, RSP, SS). */
static const char *stack_switch_used(void)
{
    if (!user_ran || user_result)
        return why("the user-mode round trip failed");
    if (seen[0].frame_rip_addr != KSTACK_TOP - 40)
        return why("frame RIP at 0x%lx, expected 0x%lx",
                   seen[0].frame_rip_addr, KSTACK_TOP - 40);
    return NULL;
}

/*
 * iret to user mode with selectors of the guest's own GDT, laid out as
 * Linux's (user data 0x2b, 64-bit user code 0x33), as Linux returns to
 * its processes.
 */
static const char *user_guest_gdt(void)
{
    const uint64_t data = 0x00cff2000000ffffull, code64 = 0x00affa000000ffffull;
    uint64_t *gdt = g_page_alloc_mapped(), mfn;
    const char *r;
    long rc;

    if (!gdt)
        return why("no page");
    gdt[5] = data;
    gdt[6] = code64;
    mfn = g_virt_to_mfn(gdt);
    if (g_set_page_writable(gdt, false) || (rc = hc_set_gdt(&mfn, 7))) {
        g_set_page_writable(gdt, true);
        g_page_free_mapped(gdt);
        return why("set_gdt failed");
    }
    r = run_user(0x33, 0x2b);
    teardown();
    hc_set_gdt(NULL, 0);
    if (g_set_page_writable(gdt, true) == 0)
        g_page_free_mapped(gdt);
    return r;
}

const struct check user_checks[] = {
    { "user_mode_syscall_roundtrip", user_roundtrip },
    { "stack_switch_kernel_stack", stack_switch_used },
    { "user_mode_guest_gdt_selectors", user_guest_gdt },
    { NULL, NULL },
};
