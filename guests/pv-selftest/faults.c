/*
 * Trap bounces: the hypervisor must deliver #PF, #GP, #UD, #DE and int3
 * to our virtual IDT with the right frame, and iret must resume the
 * interrupted context exactly.
 */
#include "selftest.h"

/* What the armed handler expects, and what it saw. */
static struct {
    unsigned int vector;
    uint64_t fault_rip, resume_rip;
    bool hit;
    uint64_t rip, cs, rflags, rsp, error_code, cr2;
} ex;

static bool on_fault(struct g_frame *f)
{
    if (f->vector != ex.vector || ex.hit)
        return false;           /* not ours: dump and exit */
    ex.hit = true;
    ex.rip = f->rip;
    ex.cs = f->cs;
    ex.rflags = f->rflags;
    ex.rsp = f->rsp;
    ex.error_code = f->error_code;
    ex.cr2 = f->vector == G_VEC_PF ? g_fault_cr2() : 0;
    f->rip = ex.resume_rip;
    return true;
}

static void arm(unsigned int vector, const void *fault, const void *resume)
{
    memset(&ex, 0, sizeof(ex));
    ex.vector = vector;
    ex.fault_rip = (uint64_t)fault;
    ex.resume_rip = (uint64_t)resume;
    g_set_trap_handler(vector, on_fault);
}

static const char *disarm(void)
{
    g_set_trap_handler(ex.vector, NULL);
    if (!ex.hit)
        return why("no %s was delivered", g_trap_name(ex.vector));
    if (ex.rip != ex.fault_rip)
        return why("rip 0x%lx, expected 0x%lx", ex.rip, ex.fault_rip);
    return NULL;
}

/* A page of our own whose mapping the #PF checks change. */
static uint8_t pf_page[G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));
#define PF_OFFSET 0x123

static const char *pf_check(bool write, uint64_t pte_flags,
                            uint32_t expect_error)
{
    volatile uint8_t *va = pf_page + PF_OFFSET;
    uint64_t mfn = g_virt_to_mfn(pf_page);
    const char *r;
    int rc = pte_flags ? g_map_page((uint64_t)pf_page, mfn, pte_flags)
                       : g_unmap_page((uint64_t)pf_page);

    if (rc < 0)
        return why("update_va_mapping returned %d", rc);
    if (write) {
        arm(G_VEC_PF, probe_write_fault, probe_write_resume);
        probe_write(va);
    } else {
        arm(G_VEC_PF, probe_read_fault, probe_read_resume);
        probe_read(va);
    }
    r = disarm();
    g_map_page((uint64_t)pf_page, mfn, G_PTE_KERNEL_RW);
    if (r)
        return r;
    if (ex.cr2 != (uint64_t)va)
        return why("cr2 0x%lx, expected 0x%lx", ex.cr2, (uint64_t)va);
    if (ex.error_code != expect_error)
        return why("error code 0x%lx, expected 0x%x", ex.error_code,
                   expect_error);
    return NULL;
}

static const char *pf_read_unmapped(void)
{
    return pf_check(false, 0, 0);
}

static const char *pf_write_unmapped(void)
{
    return pf_check(true, 0, G_PF_WRITE);
}

static const char *pf_write_readonly(void)
{
    return pf_check(true, G_PTE_KERNEL_RO, G_PF_PRESENT | G_PF_WRITE);
}

static const char *gp_noncanonical(void)
{
    const char *r;

    arm(G_VEC_GP, probe_noncanonical_fault, probe_noncanonical_resume);
    probe_noncanonical();
    if ((r = disarm()))
        return r;
    if (ex.error_code != 0)
        return why("error code 0x%lx, expected 0", ex.error_code);
    return NULL;
}

static const char *ud_ud2(void)
{
    arm(G_VEC_UD, probe_ud_fault, probe_ud_resume);
    probe_ud();
    return disarm();
}

static const char *de_divide(void)
{
    arm(G_VEC_DE, probe_div0_fault, probe_div0_resume);
    probe_div0();
    return disarm();
}

static const char *bp_int3(void)
{
    /* A trap: the frame's rip is the instruction after int3. */
    arm(G_VEC_BP, probe_int3_resume, probe_int3_resume);
    probe_int3();
    return disarm();
}

/* The frame of a fault in kernel mode: CS is the flat kernel selector with
 * RPL 0 (Xen's way of saying "kernel context"), the saved upcall mask in
 * CS bits 32..39 and RFLAGS.IF mirror the virtual interrupt flag, RSP is
 * the stack pointer at the fault. */
static const char *check_frame(unsigned int mask)
{
    uint16_t cs = (uint16_t)ex.cs;
    unsigned int saved_mask = (unsigned int)(ex.cs >> 32) & 0xff;
    bool iflag = (ex.rflags & G_RFLAGS_IF) != 0;

    if (cs != (FLAT_KERNEL_CS & ~3))
        return why("cs 0x%x, expected 0x%x", cs, FLAT_KERNEL_CS & ~3);
    if (saved_mask != mask || iflag != !mask)
        return why("saved upcall mask %u, IF %d with events %s", saved_mask,
                   iflag, mask ? "masked" : "enabled");
    if (ex.rsp != probe_regs_rsp)
        return why("rsp 0x%lx, expected 0x%lx", ex.rsp, probe_regs_rsp);
    return NULL;
}

static const char *check_regs(void)
{
    unsigned int i;

    for (i = 0; i < PROBE_NREGS; i++)
        if (probe_regs_out[i] != probe_regs_in[i])
            return why("register %u is 0x%lx, expected 0x%lx", i,
                       probe_regs_out[i], probe_regs_in[i]);
    if (probe_regs_out[PROBE_NREGS] != 1)
        return why("CF lost");
    return NULL;
}

/* Fault with every register loaded, once with events enabled and once
 * masked; iret must restore all registers, CF and the upcall mask. */
static const char *iret_restores_context(void)
{
    unsigned int mask;
    const char *r;

    for (mask = 0; mask <= 1; mask++) {
        memset(probe_regs_out, 0, sizeof(probe_regs_out));
        if (mask)
            g_irq_disable();
        arm(G_VEC_UD, probe_regs_fault, probe_regs_resume);
        probe_regs();
        r = disarm();
        if (!r && g_this_vcpu_info()->evtchn_upcall_mask != mask)
            r = why("upcall mask %u after iret, expected %u",
                    g_this_vcpu_info()->evtchn_upcall_mask, mask);
        g_irq_enable();
        if (r || (r = check_frame(mask)) || (r = check_regs()))
            return r;
    }
    return NULL;
}

const struct check fault_checks[] = {
    { "trap_pf_read_unmapped", pf_read_unmapped },
    { "trap_pf_write_unmapped", pf_write_unmapped },
    { "trap_pf_write_readonly", pf_write_readonly },
    { "trap_gp_noncanonical_address", gp_noncanonical },
    { "trap_ud_ud2", ud_ud2 },
    { "trap_de_divide_by_zero", de_divide },
    { "trap_bp_int3", bp_int3 },
    { "iret_restores_context", iret_restores_context },
    { NULL, NULL },
};
