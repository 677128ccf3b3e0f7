/*
 * Batched page-table updates and page-table reading (see guest/pt.h).
 */
#include <guest/guest.h>
#include <guest/pt.h>

/* Per vCPU: the L4 it runs on, and a read-only window onto one frame. */
static uint64_t current_l4[G_MAX_CPUS];
static uint64_t window_mfn[G_MAX_CPUS];
static uint8_t window[G_MAX_CPUS][G_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static void record(struct g_pt_error *e, const char *op, int rc,
                   unsigned int index, unsigned int n, uint64_t a, uint64_t b)
{
    e->rc = rc;
    e->op = op;
    e->index = index;
    e->not_applied = index < n ? n - index - 1 : 0;
    e->a = a;
    e->b = b;
}

/* ---- sending ------------------------------------------------------------ */

static int send_mmu(struct g_pt_queue *q)
{
    unsigned int n = q->nr_mmu, done = 0;
    long rc;

    if (!n)
        return 0;
    rc = hc_mmu_update(q->mmu, n, &done, DOMID_SELF);
    q->batches++;
    q->nr_mmu = 0;
    if (rc >= 0 && done == n)
        return 0;
    if (rc >= 0)
        rc = -XEN_EIO;                  /* a short batch without an error */
    if (done >= n)
        done = 0;
    record(&q->err, "mmu_update", (int)rc, done, n, q->mmu[done].ptr,
           q->mmu[done].val);
    return (int)rc;
}

/* The NEW_BASEPTRs among the first `done` ops took effect. */
static void note_new_base(const struct mmuext_op *ops, unsigned int done)
{
    for (unsigned int i = 0; i < done; i++)
        if (ops[i].cmd == MMUEXT_NEW_BASEPTR)
            current_l4[g_this_cpu()->id] = ops[i].arg1.mfn;
}

static int send_ext(struct g_pt_queue *q)
{
    unsigned int n = q->nr_ext, done = 0;
    long rc;

    if (!n)
        return 0;
    rc = hc_mmuext_op(q->ext, n, &done, DOMID_SELF);
    q->batches++;
    q->nr_ext = 0;
    if (done > n)
        done = 0;
    note_new_base(q->ext, done);
    if (rc >= 0 && done == n)
        return 0;
    if (rc >= 0)
        rc = -XEN_EIO;
    record(&q->err, "mmuext_op", (int)rc, done, n, q->ext[done].cmd,
           q->ext[done].arg1.mfn);
    return (int)rc;
}

int g_pt_flush(struct g_pt_queue *q)
{
    if (q->err.rc)
        return q->err.rc;
    if (q->nr_ext)
        return send_ext(q);
    return send_mmu(q);
}

void g_pt_clear_error(struct g_pt_queue *q)
{
    q->nr_mmu = q->nr_ext = 0;
    memset(&q->err, 0, sizeof(q->err));
}

/* ---- queuing ------------------------------------------------------------ */

int g_pt_mmu_raw(struct g_pt_queue *q, uint64_t ptr, uint64_t val)
{
    int rc;

    if (q->err.rc)
        return q->err.rc;
    if (q->nr_ext && (rc = send_ext(q)))
        return rc;
    if (q->nr_mmu == G_PT_BATCH && (rc = send_mmu(q)))
        return rc;
    q->mmu[q->nr_mmu].ptr = ptr;
    q->mmu[q->nr_mmu].val = val;
    q->nr_mmu++;
    return 0;
}

int g_pt_ext_raw(struct g_pt_queue *q, const struct mmuext_op *op)
{
    int rc;

    if (q->err.rc)
        return q->err.rc;
    if (q->nr_mmu && (rc = send_mmu(q)))
        return rc;
    if (q->nr_ext == G_PT_BATCH && (rc = send_ext(q)))
        return rc;
    q->ext[q->nr_ext++] = *op;
    return 0;
}

static uint64_t entry_ptr(uint64_t table_mfn, unsigned int slot)
{
    return (table_mfn << G_PAGE_SHIFT) + ((uint64_t)(slot & 511) << 3);
}

int g_pt_set(struct g_pt_queue *q, uint64_t table_mfn, unsigned int slot,
             uint64_t val)
{
    return g_pt_mmu_raw(q, entry_ptr(table_mfn, slot) | MMU_NORMAL_PT_UPDATE,
                        val);
}

int g_pt_set_keep_ad(struct g_pt_queue *q, uint64_t table_mfn,
                     unsigned int slot, uint64_t val)
{
    return g_pt_mmu_raw(q, entry_ptr(table_mfn, slot) |
                        MMU_PT_UPDATE_PRESERVE_AD, val);
}

int g_pt_set_va(struct g_pt_queue *q, uint64_t l4_mfn, uint64_t va,
                uint64_t val)
{
    uint64_t l1 = g_pt_table_of(l4_mfn, va, 1);

    if (!l1)
        return -XEN_EINVAL;
    return g_pt_set(q, l1, g_pt_index(va, 1), val);
}

static int ext(struct g_pt_queue *q, unsigned int cmd, uint64_t arg1,
               uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return g_pt_ext_raw(q, &op);
}

int g_pt_pin(struct g_pt_queue *q, unsigned int level, uint64_t mfn)
{
    if (level < 1 || level > 4)
        return -XEN_EINVAL;
    return ext(q, MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0);
}

int g_pt_unpin(struct g_pt_queue *q, uint64_t mfn)
{
    return ext(q, MMUEXT_UNPIN_TABLE, mfn, 0);
}

int g_pt_new_baseptr(struct g_pt_queue *q, uint64_t l4_mfn)
{
    return ext(q, MMUEXT_NEW_BASEPTR, l4_mfn, 0);
}

int g_pt_clear_page(struct g_pt_queue *q, uint64_t mfn)
{
    return ext(q, MMUEXT_CLEAR_PAGE, mfn, 0);
}

int g_pt_copy_page(struct g_pt_queue *q, uint64_t dst_mfn, uint64_t src_mfn)
{
    return ext(q, MMUEXT_COPY_PAGE, dst_mfn, src_mfn);
}

int g_pt_flush_tlb(struct g_pt_queue *q)
{
    return ext(q, MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

int g_pt_invlpg(struct g_pt_queue *q, uint64_t va)
{
    return ext(q, MMUEXT_INVLPG_LOCAL, va, 0);
}

/* ---- multicall ---------------------------------------------------------- */

/* The first failing entry; how many others failed goes in not_applied. */
static int check_results(struct g_mc_queue *q, unsigned int n)
{
    unsigned int i, failed = 0, first = 0;

    for (i = 0; i < n; i++) {
        if ((long)q->mc[i].result >= 0)
            continue;
        if (!failed++)
            first = i;
    }
    if (!failed)
        return 0;
    record(&q->err, "multicall", (int)(long)q->mc[first].result, first, n,
           q->mc[first].args[0], q->mc[first].args[1]);
    q->err.not_applied = failed - 1;
    return q->err.rc;
}

int g_mc_flush(struct g_mc_queue *q)
{
    unsigned int n = q->nr;
    long rc;

    if (q->err.rc || !n)
        return q->err.rc;
    rc = hc_multicall(q->mc, n);
    q->batches++;
    q->nr = 0;
    if (rc < 0) {
        record(&q->err, "multicall", (int)rc, 0, n, 0, 0);
        q->err.not_applied = n;         /* unknown: assume none applied */
        return (int)rc;
    }
    return check_results(q, n);
}

int g_mc_update_va(struct g_mc_queue *q, uint64_t va, uint64_t pte,
                   uint64_t flags)
{
    struct multicall_entry *e;
    int rc;

    if (q->err.rc)
        return q->err.rc;
    if (q->nr == G_PT_BATCH && (rc = g_mc_flush(q)))
        return rc;
    e = &q->mc[q->nr++];
    memset(e, 0, sizeof(*e));
    e->op = __HYPERVISOR_update_va_mapping;
    e->args[0] = va;
    e->args[1] = pte;
    e->args[2] = flags;
    return 0;
}

void g_mc_clear_error(struct g_mc_queue *q)
{
    q->nr = 0;
    memset(&q->err, 0, sizeof(q->err));
}

/* ---- reading ------------------------------------------------------------ */

uint64_t g_pt_current_l4(void)
{
    unsigned int cpu = g_this_cpu()->id;

    if (!current_l4[cpu])
        current_l4[cpu] = g_virt_to_mfn((const void *)g_start_info->pt_base);
    return current_l4[cpu];
}

uint64_t g_pt_read(uint64_t table_mfn, unsigned int slot)
{
    unsigned int cpu = g_this_cpu()->id;
    uint64_t pfn = g_mfn_to_pfn(table_mfn);
    const uint64_t *t = NULL;

    if (pfn < g_mapped_pfns() && g_pfn_to_mfn(pfn) == table_mfn)
        t = g_pfn_to_virt(pfn);
    if (!t) {
        if (window_mfn[cpu] != table_mfn) {
            if (g_map_page((uint64_t)window[cpu], table_mfn,
                           G_PTE_KERNEL_RO) < 0)
                return 0;
            window_mfn[cpu] = table_mfn;
        }
        t = (const uint64_t *)window[cpu];
    }
    return __atomic_load_n(&t[slot & 511], __ATOMIC_RELAXED);
}

void g_pt_read_done(void)
{
    unsigned int cpu = g_this_cpu()->id;

    if (window_mfn[cpu]) {
        g_unmap_page((uint64_t)window[cpu]);
        window_mfn[cpu] = 0;
    }
}

uint64_t g_pt_table_of(uint64_t l4_mfn, uint64_t va, int level)
{
    uint64_t t = l4_mfn ? l4_mfn : g_pt_current_l4();

    for (int lvl = 4; lvl > level; lvl--) {
        uint64_t e = g_pt_read(t, g_pt_index(va, lvl));

        if (!(e & G_PTE_P) || (e & G_PTE_PS))
            return 0;
        t = g_pte_mfn(e);
    }
    return t;
}

/* ---- messages ----------------------------------------------------------- */

static const struct { int nr; const char *name; } errnos[] = {
    { XEN_EPERM, "EPERM" }, { XEN_ENOENT, "ENOENT" }, { XEN_ESRCH, "ESRCH" },
    { XEN_EINTR, "EINTR" }, { XEN_EIO, "EIO" }, { XEN_ENXIO, "ENXIO" },
    { XEN_E2BIG, "E2BIG" }, { XEN_EBADF, "EBADF" }, { XEN_EAGAIN, "EAGAIN" },
    { XEN_ENOMEM, "ENOMEM" }, { XEN_EACCES, "EACCES" },
    { XEN_EFAULT, "EFAULT" }, { XEN_EBUSY, "EBUSY" }, { XEN_EEXIST, "EEXIST" },
    { XEN_EXDEV, "EXDEV" }, { XEN_ENODEV, "ENODEV" }, { XEN_EINVAL, "EINVAL" },
    { XEN_ENOSPC, "ENOSPC" }, { XEN_EROFS, "EROFS" }, { XEN_EDOM, "EDOM" },
    { XEN_ERANGE, "ERANGE" }, { XEN_EDEADLK, "EDEADLK" },
    { XEN_ENOSYS, "ENOSYS" }, { XEN_ENODATA, "ENODATA" },
    { XEN_EOVERFLOW, "EOVERFLOW" }, { XEN_EILSEQ, "EILSEQ" },
    { XEN_ERESTART, "ERESTART" }, { XEN_EOPNOTSUPP, "EOPNOTSUPP" },
    { XEN_ENOBUFS, "ENOBUFS" },
};

const char *g_errno_name(int rc)
{
    int nr = rc < 0 ? -rc : rc;

    for (unsigned int i = 0; i < G_ARRAY_SIZE(errnos); i++)
        if (errnos[i].nr == nr)
            return errnos[i].name;
    return NULL;
}

void g_pt_print_error(const struct g_pt_queue *q, const char *prefix)
{
    const struct g_pt_error *e = &q->err;
    const char *name = g_errno_name(e->rc);

    g_printf("%s: %s element %u failed (%s%s, %d), %u not applied "
             "[0x%lx 0x%lx]\n", prefix, e->op ? e->op : "?", e->index,
             name ? "-" : "", name ? name : "error", e->rc, e->not_applied,
             e->a, e->b);
}

/* ---- frames for page tables -------------------------------------------- */

static long clear_frame(uint64_t mfn)
{
    struct mmuext_op op = { .cmd = MMUEXT_CLEAR_PAGE };

    op.arg1.mfn = mfn;
    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

uint64_t g_pt_alloc_table(void)
{
    uint64_t pfn = g_page_alloc(), mfn;
    void *va;

    if (pfn == G_INVALID_PFN)
        return 0;
    mfn = g_pfn_to_mfn(pfn);
    va = g_pfn_to_virt(pfn);
    if (va) {
        memset(va, 0, G_PAGE_SIZE);
        if (g_set_page_writable(va, false) < 0)
            goto fail;
    } else if (clear_frame(mfn) < 0) {
        goto fail;
    }
    return mfn;
fail:
    g_page_free(pfn);
    return 0;
}

int g_pt_free_table(uint64_t mfn)
{
    uint64_t pfn = g_mfn_to_pfn(mfn);
    void *va = g_pfn_to_virt(pfn);
    long rc;

    if (g_pfn_to_mfn(pfn) != mfn)
        return -XEN_EINVAL;
    /* Making it writable, or clearing it, fails while it is a table. */
    rc = va ? g_set_page_writable(va, true) : clear_frame(mfn);
    if (rc < 0)
        return (int)rc;
    g_page_free(pfn);
    return 0;
}
