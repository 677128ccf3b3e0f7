/*
 * xen_version: the hypervisor's version, build facts and feature bits.
 * xen-lite implements Xen 4.17's ABI and says so (4.17), with its own name
 * in the extra version string.
 */
#include "asm/config.h"
#include "asm/guest_access.h"
#include "asm/traps.h"
#include "xen/hypercall.h"
#include "xen/lib.h"
#include "xen/sched.h"
#include "xen/setup.h"
#include "xen/version.h"
#include "version.h"
#include "xen.h"
#include "xenlite.h"
#include "xen_errno.h"

/*
 * XENFEAT_* bits of submap 0, as Xen 4.17 reports them to a 64-bit PV
 * guest, each backed by what it promises: memory_op takes XENMEMF_vnode
 * (a domain without vNUMA gets no node constraint, as on Xen), pae_pgdir_above_4gb
 * follows the pae_extended_cr3 assist, MMU_PT_UPDATE_PRESERVE_AD and
 * MMUEXT_{CLEAR,COPY}_PAGE exist, grant mappings keep the PTE bits a
 * guest has for its own use (gnttab_map_avail_bits), and frames are
 * machine frames (direct_mapped: PV guests are not translated).
 */
static uint32_t features_submap0(const struct domain *d)
{
    uint32_t f = (1U << XENFEAT_memory_op_vnode_supported) |
                 (1U << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1U << XENFEAT_highmem_assist) |
                 (1U << XENFEAT_gnttab_map_avail_bits) |
                 (1U << XENFEAT_direct_mapped);

    if (d->vm_assist & (1UL << VMASST_TYPE_pae_extended_cr3))
        f |= 1U << XENFEAT_pae_pgdir_above_4gb;
    if (d->is_privileged)
        f |= 1U << XENFEAT_dom0;
    return f;
}

static long copy_string(unsigned long arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size) ? -XEN_EFAULT : 0;
}

static long version_info(int cmd, unsigned long arg);

/* The linker's build id (ld --build-id): an ELF note whose descriptor
 * follows its header and the name "GNU\0" (xen.lds.S places it). */
extern const char __note_gnu_build_id_start[], __note_gnu_build_id_end[];

struct elf_note {
    uint32_t namesz, descsz, type;
};

#define NT_GNU_BUILD_ID 3

static long build_id(unsigned long arg)
{
    const struct elf_note *n = (const void *)__note_gnu_build_id_start;
    const char *desc = (const char *)(n + 1) + ((n->namesz + 3) & ~3u);
    uint32_t len;

    if ((size_t)(__note_gnu_build_id_end - __note_gnu_build_id_start) <
            sizeof(*n) || n->type != NT_GNU_BUILD_ID)
        return -XEN_ENODATA;
    if (!arg)
        return n->descsz;
    if (copy_from_guest(&len, arg, sizeof(len)))
        return -XEN_EFAULT;
    if (!len)
        return -XEN_EINVAL;
    if (len < n->descsz)
        return -XEN_ENOBUFS;
    if (copy_to_guest(arg + sizeof(len), desc, n->descsz))
        return -XEN_EFAULT;
    return n->descsz;
}

/* The commonest call of all (a guest's "null" hypercall): kept short. */
long do_xen_version(int cmd, unsigned long arg)
{
    if (cmd == XENVER_version)
        return (XEN_LITE_ABI_MAJOR << 16) | XEN_LITE_ABI_MINOR;
    return version_info(cmd, arg);
}

static __attribute__((noinline)) long version_info(int cmd, unsigned long arg)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case XENVER_extraversion:
        return copy_string(arg, XEN_LITE_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string(arg, XEN_LITE_CAPABILITIES, sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string(arg, "xen-lite " XEN_LITE_VERSION, sizeof(xen_changeset_info_t));
    case XENVER_compile_info: {
        struct xen_compile_info ci;
        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc " __VERSION__, sizeof(ci.compiler));
        strlcpy(ci.compile_by, "xen-lite", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "xen-lite", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(ci.compile_date));
        return copy_to_guest_obj(arg, &ci) ? -XEN_EFAULT : 0;
    }
    case XENVER_platform_parameters: {
        struct xen_platform_parameters pp = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest_obj(arg, &pp) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest_obj(&fi, arg))
            return -XEN_EFAULT;
        if (fi.submap_idx != 0)
            return -XEN_EINVAL;         /* Xen has one submap */
        fi.submap = features_submap0(d);
        return copy_to_guest_obj(arg, &fi) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_to_guest(arg, d->handle, sizeof(d->handle)) ? -XEN_EFAULT : 0;
    case XENVER_build_id:               /* dom0's only, as in Xen's XSM */
        return d->is_privileged ? build_id(arg) : -XEN_EPERM;
    case XENVER_commandline:
        if (!d->is_privileged)
            return -XEN_EPERM;
        return copy_string(arg, xen_cmdline, sizeof(xen_commandline_t));
    case XENVER_xenlite_hazards:
        return ring0_hazard_count();
    }
    return -XEN_ENOSYS;
}
