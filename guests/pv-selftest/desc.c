/*
 * The guest's own descriptor tables: set_gdt with a frame of descriptors
 * (DPL raised to 3 as the kernel runs in ring 3), selectors from it and
 * from an LDT loaded into segment registers, the frame kept read-only
 * while in use, update_descriptor, and what both refuse.
 */
#include "selftest.h"

/* 8-byte descriptors (Intel SDM vol. 3, 3.4.5): flat, present, 4 KiB units. */
#define D_FLAT      0x00cf00000000ffffull   /* G, D/B, limit 0xfffff */
#define D_PRESENT   (1ull << 47)
#define D_S         (1ull << 44)
#define D_DPL3      (3ull << 45)
#define D_LONG      (1ull << 53)
#define D_TYPE(t)   ((uint64_t)(t) << 40)
#define T_DATA_RW   0x2
#define T_CODE_RX   0xa
#define T_LDT       0x2                     /* system */
#define T_TSS       0x9                     /* system */
#define DATA_DPL0   (D_FLAT | D_PRESENT | D_S | D_TYPE(T_DATA_RW))
#define CODE64_DPL0 ((D_FLAT & ~(1ull << 54)) | D_LONG | D_PRESENT | D_S | D_TYPE(T_CODE_RX))

/* Selectors: index << 3 | TI (LDT) << 2 | RPL. */
#define SEL(index, ldt) ((uint16_t)((index) << 3 | (ldt) << 2 | 3))

static uint16_t read_es(void)
{
    uint16_t s;

    __asm__ volatile("mov %%es, %0" : "=r"(s));
    return s;
}

static void load_es(uint16_t s)
{
    __asm__ volatile("mov %0, %%es" :: "r"((uint32_t)s) : "memory");
}

/* A page of descriptors, mapped read-only (as a descriptor page must be). */
static uint64_t *desc_page(const uint64_t *descs, unsigned int n)
{
    uint64_t *p = g_page_alloc_mapped();

    if (!p)
        return NULL;
    memcpy(p, descs, n * sizeof(*descs));
    if (g_set_page_writable(p, false) < 0) {
        g_page_free_mapped(p);
        return NULL;
    }
    return p;
}

static void free_desc_page(uint64_t *p)
{
    if (g_set_page_writable(p, true) == 0)
        g_page_free_mapped(p);
}

static const char *gdt_loads_selectors(void)
{
    const uint64_t descs[3] = { 0, CODE64_DPL0, DATA_DPL0 };
    uint64_t *p = desc_page(descs, 3), mfn;
    const char *r = NULL;
    long rc;

    if (!p)
        return why("no page");
    mfn = g_virt_to_mfn(p);
    if ((rc = hc_set_gdt(&mfn, 3)))
        r = why("set_gdt returned %ld", rc);
    else if ((p[1] & D_DPL3) != D_DPL3 || (p[2] & D_DPL3) != D_DPL3)
        r = why("DPL not raised: %016lx %016lx", p[1], p[2]);
    else if (g_set_page_writable(p, true) == 0)
        r = why("a live GDT page could be mapped writable");
    if (!r) {
        /* Blocking switches this vCPU out and back in: es must survive. */
        load_es(SEL(2, 0));
        g_sleep_ns(2000000);
        if (read_es() != SEL(2, 0))
            r = why("es reads 0x%x after a sleep", read_es());
        load_es(0);
    }
    if ((rc = hc_set_gdt(NULL, 0)) && !r)
        r = why("set_gdt(0 entries) returned %ld", rc);
    if (!r && g_set_page_writable(p, true) != 0)
        r = why("the old GDT page stayed read-only");
    free_desc_page(p);
    return r;
}

/* A frame mapped writable, or holding a system descriptor, is refused. */
static const char *set_gdt_refuses(void)
{
    const uint64_t tss = D_PRESENT | D_TYPE(T_TSS) | 0x67;
    uint64_t *p = g_page_alloc_mapped(), mfn;
    const char *r = NULL;
    long rc;

    if (!p)
        return why("no page");
    mfn = g_virt_to_mfn(p);
    if ((rc = hc_set_gdt(&mfn, 1)) != -XEN_EINVAL)
        r = why("writable frame: %ld", rc);
    p[1] = tss;
    if (!r && g_set_page_writable(p, false) == 0 &&
        (rc = hc_set_gdt(&mfn, 2)) != -XEN_EINVAL)
        r = why("TSS descriptor: %ld", rc);
    if (!r && (rc = hc_set_gdt(&mfn, FIRST_RESERVED_GDT_ENTRY + 1)) != -XEN_EINVAL)
        r = why("%u entries: %ld", FIRST_RESERVED_GDT_ENTRY + 1, rc);
    hc_set_gdt(NULL, 0);
    free_desc_page(p);
    return r;
}

static const char *update_descriptor_checks(void)
{
    uint64_t *p = g_page_alloc_mapped(), ma, mfn;
    const char *r = NULL;
    long rc;

    if (!p)
        return why("no page");
    mfn = g_virt_to_mfn(p);
    ma = mfn << 12;
    /* An ordinary page first: checked, written, DPL raised. */
    if ((rc = hc_update_descriptor(ma + 8, DATA_DPL0)))
        r = why("plain page: %ld", rc);
    else if (p[1] != (DATA_DPL0 | D_DPL3))
        r = why("read back %016lx", p[1]);
    else if ((rc = hc_update_descriptor(ma + 4, DATA_DPL0)) != -XEN_EINVAL)
        r = why("unaligned address: %ld", rc);
    else if ((rc = hc_update_descriptor(ma + 16, D_PRESENT | D_TYPE(T_LDT))) != -XEN_EINVAL)
        r = why("LDT descriptor: %ld", rc);
    if (r || g_set_page_writable(p, false) || (rc = hc_set_gdt(&mfn, 4))) {
        free_desc_page(p);
        return r ? r : why("installing the GDT failed");
    }
    /* A live GDT entry changes through it, and loads. */
    if ((rc = hc_update_descriptor(ma + 24, DATA_DPL0)))
        r = why("live GDT: %ld", rc);
    else if (p[3] != (DATA_DPL0 | D_DPL3))
        r = why("live entry read back %016lx", p[3]);
    if (!r) {
        load_es(SEL(3, 0));
        if (read_es() != SEL(3, 0))
            r = why("es reads 0x%x", read_es());
        load_es(0);
    }
    hc_set_gdt(NULL, 0);
    free_desc_page(p);
    return r;
}

static long set_ldt(const void *base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = (uint64_t)base,
                            .arg2.nr_ents = ents };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static const char *ldt_loads_selectors(void)
{
    const uint64_t descs[2] = { 0, DATA_DPL0 };
    uint64_t *p = desc_page(descs, 2);
    const char *r = NULL;
    long rc;

    if (!p)
        return why("no page");
    if ((rc = set_ldt((char *)p + 8, 2)) != -XEN_EINVAL)
        r = why("unaligned base: %ld", rc);
    else if ((rc = set_ldt(p, 2)))
        r = why("SET_LDT returned %ld", rc);
    if (!r) {
        load_es(SEL(1, 1));
        if (read_es() != SEL(1, 1))
            r = why("es reads 0x%x", read_es());
        load_es(0);
    }
    if ((rc = set_ldt(NULL, 0)) && !r)
        r = why("SET_LDT(0 entries) returned %ld", rc);
    free_desc_page(p);
    return r;
}

static bool on_xen_lite(void)
{
    xen_extraversion_t extra;

    memset(extra, 0, sizeof(extra));
    hc_xen_version(XENVER_extraversion, extra);
    for (unsigned int i = 0; i + 8 <= sizeof(extra); i++)
        if (!memcmp(extra + i, "xen-lite", 8))
            return true;
    return false;
}

static long set_failsafe(void (*entry)(void), uint16_t flags)
{
    struct callback_register cb = { .type = CALLBACKTYPE_failsafe, .flags = flags,
                                    .address = (uint64_t)entry };

    return hc_callback_op(CALLBACKOP_register, &cb);
}

/*
 * ES holds an LDT selector when the LDT goes away; the next time the vCPU
 * is switched in, the selector no longer loads: the failsafe callback
 * gets Xen's frame with the selector as it was, and ES is null after.
 */
static const char *failsafe_frame_for_vanished_selector(void)
{
    const uint64_t descs[2] = { 0, DATA_DPL0 };
    uint64_t *p;
    const char *r = NULL;
    long rc;

    /* Xen 4.17 switches lazily: a vCPU that blocks and wakes on the same
     * CPU with nothing run in between keeps its segment registers. */
    if (!on_xen_lite())
        return SKIP("Xen reloads segments only after another vCPU ran on the CPU");
    if (!(p = desc_page(descs, 2)))
        return why("no page");
    if ((rc = set_failsafe(failsafe_entry, 0)) || (rc = set_ldt(p, 2))) {
        free_desc_page(p);
        return why("registering the callback or SET_LDT: %ld", rc);
    }
    load_es(SEL(1, 1));
    set_ldt(NULL, 0);
    failsafe_hits = 0;
    for (unsigned int i = 0; i < 5 && !failsafe_hits; i++)
        g_sleep_ns(2000000);            /* switched out, then back in */
    if (failsafe_hits != 1)
        r = why("failsafe callback ran %lu times", (unsigned long)failsafe_hits);
    else if (failsafe_frame[3] != SEL(1, 1) || read_es() != 0)
        r = why("frame's es 0x%lx, es now 0x%x", (unsigned long)failsafe_frame[3], read_es());
    else if ((failsafe_frame[7] & 0xffff) != (FLAT_KERNEL_CS & ~3) ||
             failsafe_frame[10] != FLAT_KERNEL_SS || !failsafe_frame[6])
        r = why("frame cs 0x%lx ss 0x%lx rip 0x%lx", (unsigned long)failsafe_frame[7],
                (unsigned long)failsafe_frame[10], (unsigned long)failsafe_frame[6]);
    load_es(0);
    set_failsafe(g_failsafe_entry, CALLBACKF_mask_events);
    free_desc_page(p);
    return r;
}

const struct check desc_checks[] = {
    { "gdt_selectors_load_with_dpl_raised", gdt_loads_selectors },
    { "set_gdt_refuses_writable_or_system_descriptors", set_gdt_refuses },
    { "update_descriptor_checks_and_writes", update_descriptor_checks },
    { "ldt_selectors_load", ldt_loads_selectors },
    { "failsafe_frame_for_a_vanished_selector", failsafe_frame_for_vanished_selector },
    { NULL, NULL },
};
