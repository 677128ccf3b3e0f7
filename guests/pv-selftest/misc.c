/*
 * The rest: CPUID leaves, version, hypercall error values, console_io,
 * segment bases, vCPU queries and single-page mappings.
 */
#include "selftest.h"

#define XEN_CPUID_BASE 0x40000000

/* Forced-emulation CPUID: the hypervisor's leaves with the "XenVMMXenVMM"
 * signature and at least leaves up to base + 2. */
static const char *cpuid_signature(void)
{
    uint32_t r[4];
    char sig[13];

    xen_cpuid(XEN_CPUID_BASE, r);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    sig[12] = '\0';
    if (strcmp(sig, "XenVMMXenVMM"))
        return why("signature '%s'", sig);
    if (r[0] < XEN_CPUID_BASE + 2)
        return why("max leaf 0x%x", r[0]);
    return NULL;
}

static const char *cpuid_version(void)
{
    uint32_t r[4];
    long v = hc_xen_version(XENVER_version, NULL);

    xen_cpuid(XEN_CPUID_BASE + 1, r);
    if (v < 0 || r[0] != (uint32_t)v)
        return why("leaf 0x40000001 eax 0x%x, xen_version 0x%lx", r[0], v);
    return NULL;
}

/* eax: number of hypercall pages; ebx: the MSR that installs them. */
static const char *cpuid_hypercall_pages(void)
{
    uint32_t r[4];

    xen_cpuid(XEN_CPUID_BASE + 2, r);
    if (r[0] < 1 || r[1] != XEN_CPUID_BASE)
        return why("eax %u ebx 0x%x", r[0], r[1]);
    return NULL;
}

static const char *version(void)
{
    xen_capabilities_info_t caps;
    xen_extraversion_t extra;
    long v = hc_xen_version(XENVER_version, NULL);
    long rc;

    if (v <= 0)
        return why("XENVER_version returned %ld", v);
    if ((rc = hc_xen_version(XENVER_extraversion, extra)) != 0)
        return why("XENVER_extraversion returned %ld", rc);
    if ((rc = hc_xen_version(XENVER_pagesize, NULL)) != 4096)
        return why("XENVER_pagesize returned %ld", rc);
    memset(caps, 0, sizeof(caps));
    if ((rc = hc_xen_version(XENVER_capabilities, caps)) != 0)
        return why("XENVER_capabilities returned %ld", rc);
    caps[sizeof(caps) - 1] = '\0';
    info("version %ld.%ld%.16s, capabilities '%s'", v >> 16, v & 0xffff,
         extra, caps);
    if (strncmp(caps, "xen-3.0-x86_64", 14))
        return why("capabilities '%s' lack xen-3.0-x86_64 first", caps);
    if ((rc = hc_xen_version(99, NULL)) != -XEN_ENOSYS)
        return why("unknown command returned %ld", rc);
    return NULL;
}

/*
 * The XENFEAT bits of submap 0 are Xen 4.17's for a 64-bit PV guest: no
 * writable or auto-translated page tables (the guest did not ask for
 * pae_extended_cr3), MMU_PT_UPDATE_PRESERVE_AD, highmem_assist,
 * gnttab_map_avail_bits (Linux panics without it), vNUMA flags,
 * direct_mapped, and dom0 for dom0 only.  There is no other submap.
 */
static const char *get_features(void)
{
    const uint32_t expect = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                            (1u << XENFEAT_highmem_assist) |
                            (1u << XENFEAT_gnttab_map_avail_bits) |
                            (1u << XENFEAT_memory_op_vnode_supported) |
                            (1u << XENFEAT_direct_mapped) |
                            (g_is_dom0() ? 1u << XENFEAT_dom0 : 0);
    struct xen_feature_info fi = { .submap_idx = 0 };
    long rc = hc_xen_version(XENVER_get_features, &fi);

    if (rc || fi.submap != expect)
        return why("returned %ld, submap 0x%x, expected 0x%x", rc, fi.submap, expect);
    fi.submap_idx = 1;
    if ((rc = hc_xen_version(XENVER_get_features, &fi)) != -XEN_EINVAL)
        return why("submap 1: returned %ld", rc);
    return NULL;
}

static const char *bad_hypercall_number(void)
{
    static const unsigned int numbers[] = { 11, 60, 99, 127 };
    unsigned int i;

    for (i = 0; i < G_ARRAY_SIZE(numbers); i++) {
        long rc = g_hypercall_raw(numbers[i], 0, 0, 0, 0, 0);

        if (rc != -XEN_ENOSYS)
            return why("hypercall %u returned %ld", numbers[i], rc);
    }
    return NULL;
}

static const char *unknown_sched_op(void)
{
    long rc = hc_sched_op(99, NULL);

    if (rc != -XEN_ENOSYS)
        return why("returned %ld, expected %d", rc, -XEN_ENOSYS);
    return NULL;
}

/* Nothing is mapped at 4 KiB in the kernel's address space. */
static const char *console_bad_pointer(void)
{
    long rc = hc_console_io(CONSOLEIO_write, 4, (const void *)0x1000);

    if (rc != -XEN_EFAULT)
        return why("returned %ld, expected %d", rc, -XEN_EFAULT);
    return NULL;
}

static const char *console_read(void)
{
    char buf[64];
    long rc;

    if (!g_is_dom0())
        return SKIP("dom0 only");
    rc = hc_console_io(CONSOLEIO_read, sizeof(buf), buf);
    if (rc < 0 || rc > (long)sizeof(buf))
        return why("returned %ld", rc);
    return NULL;
}

static const char *segment_base_fs(void)
{
    static volatile uint64_t cell = 0x0123456789abcdefull;
    uint64_t got;
    long rc = hc_set_segment_base(SEGBASE_FS, (uint64_t)&cell);

    if (rc < 0)
        return why("set_segment_base returned %ld", rc);
    __asm__ volatile("mov %%fs:0, %0" : "=r"(got));
    hc_set_segment_base(SEGBASE_FS, 0);
    if (got != cell)
        return why("%%fs:0 read 0x%lx", got);
    return NULL;
}

static const char *vcpu_is_up(void)
{
    long rc0 = hc_vcpu_op(VCPUOP_is_up, 0, NULL);
    long rcn = hc_vcpu_op(VCPUOP_is_up, XEN_LEGACY_MAX_VCPUS - 1, NULL);

    if (rc0 != 1)
        return why("vcpu0: %ld, expected 1", rc0);
    if (g_nr_cpus() < XEN_LEGACY_MAX_VCPUS && rcn != -XEN_ENOENT)
        return why("vcpu %u: %ld, expected %d", XEN_LEGACY_MAX_VCPUS - 1,
                   rcn, -XEN_ENOENT);
    return NULL;
}

/* Map a frame from the allocator at a second VA and see the same bytes. */
static const char *map_unmap_page(void)
{
    uint8_t *page = g_page_alloc_mapped();
    volatile uint8_t *alias;
    const char *r = NULL;

    if (!page)
        return why("out of pages");
    page[100] = 0x5a;
    alias = g_kmap(g_virt_to_mfn(page));
    if (!alias)
        r = why("g_kmap failed");
    else if (alias[100] != 0x5a || (alias[200] = 0xa5, page[200] != 0xa5))
        r = why("the alias does not show the page");
    if (alias)
        g_kunmap((void *)alias);
    if (!r && (g_lookup_pte((uint64_t)alias) & G_PTE_P))
        r = why("still mapped after unmap");
    g_page_free_mapped(page);
    return r;
}

/* #NM from an x87 instruction while the virtual TS is set: clear it. */
static volatile int nm_seen;

static bool nm_handler(struct g_frame *f)
{
    nm_seen++;
    hc_fpu_taskswitch(0);
    return true;                        /* the instruction runs again */
}

/*
 * fpu_taskswitch(1) sets the virtual CR0.TS; it must survive the vCPU
 * being switched out (blocked, the pCPU idle) and in again, and the next
 * FPU instruction must give the guest #NM -- never fault in the
 * hypervisor, which saves the FPU image on the way out.
 */
static const char *fpu_taskswitch_across_switch(void)
{
    g_trap_handler_t old = g_set_trap_handler(7, nm_handler);
    long rc;

    nm_seen = 0;
    if ((rc = hc_fpu_taskswitch(1)) < 0) {
        g_set_trap_handler(7, old);
        return why("fpu_taskswitch(1) returned %ld", rc);
    }
    g_sleep_ns(2000000);                /* blocks: switched out and back */
    __asm__ volatile("fnop");
    g_set_trap_handler(7, old);
    if (nm_seen != 1)
        return why("%d #NM after the switch, expected 1", nm_seen);
    return NULL;
}

const struct check misc_checks[] = {
    { "xen_version_features_as_xen_pv", get_features },
    { "cpuid_xen_signature", cpuid_signature },
    { "cpuid_version_leaf", cpuid_version },
    { "cpuid_hypercall_page_leaf", cpuid_hypercall_pages },
    { "xen_version", version },
    { "hypercall_bad_number_enosys", bad_hypercall_number },
    { "sched_op_unknown_enosys", unknown_sched_op },
    { "console_io_bad_pointer_efault", console_bad_pointer },
    { "console_io_read_dom0", console_read },
    { "set_segment_base_fs", segment_base_fs },
    { "vcpu_op_is_up", vcpu_is_up },
    { "update_va_mapping_alias", map_unmap_page },
    { "fpu_taskswitch_across_a_switch", fpu_taskswitch_across_switch },
    { NULL, NULL },
};
