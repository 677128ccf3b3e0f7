/*
 * The host and the hypervisor: xl info and xl dmesg.
 *
 *   xl info [-n] [KEY]
 *   xl dmesg [-c]
 *
 * info's figures come from physinfo (sysctl), the scheduler's id and the
 * xen_version hypercalls; host/release/version/machine describe dom0.
 */
#include <newlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>
#include <guest/hypercall.h>

#include "cmd_common.h"
#include "version.h"
#include "xen_errno.h"
#include "xl_cmds.h"
#include "xlfmt.h"

/* Everything info prints that lives in buffers. */
struct info_text {
    xen_extraversion_t extra;
    xen_capabilities_info_t caps;
    xen_changeset_info_t changeset;
    xen_commandline_t cmdline;
    struct xen_compile_info cc;
    char virt_caps[128];
    char build_id[2 * 64 + 1];
};

/* A xen_version string; empty if the hypervisor will not say. */
static void version_string(unsigned int cmd, char *buf, size_t size)
{
    memset(buf, 0, size);
    if (hc_xen_version(cmd, buf) < 0)
        buf[0] = '\0';
    buf[size - 1] = '\0';
}

/* physinfo's capability bits as xl names them. */
static void virt_caps(uint32_t caps, char *buf, size_t size)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { XEN_SYSCTL_PHYSCAP_pv, "pv" }, { XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
        { XEN_SYSCTL_PHYSCAP_hap, "hap" },
        { XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
        { XEN_SYSCTL_PHYSCAP_directio, "hvm_directio" },
        { XEN_SYSCTL_PHYSCAP_vmtrace, "vmtrace" },
        { XEN_SYSCTL_PHYSCAP_vpmu, "vpmu" },
        { XEN_SYSCTL_PHYSCAP_gnttab_v1, "gnttab-v1" },
        { XEN_SYSCTL_PHYSCAP_gnttab_v2, "gnttab-v2" },
    };

    buf[0] = '\0';
    for (size_t i = 0; i < G_ARRAY_SIZE(names); i++)
        if (caps & names[i].bit)
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                     buf[0] ? " " : "", names[i].name);
}

/* The build id as hex, or "" when the hypervisor has none. */
static void build_id(char *hex, size_t size)
{
    struct { struct xen_build_id h; unsigned char buf[64]; } id;
    long n;

    hex[0] = '\0';
    id.h.len = sizeof(id.buf);
    n = hc_xen_version(XENVER_build_id, &id);
    for (long i = 0; i < n && (size_t)(2 * i + 2) < size; i++)
        snprintf(hex + 2 * i, 3, "%02x", id.buf[i]);
}

static void host_facts(struct xl_info *i, const struct xen_sysctl_physinfo *pi,
                       struct info_text *t)
{
    uint64_t pages_per_mib = (1 << 20) / G_PAGE_SIZE;

    i->host = "(none)";
    i->release = "xen-lite dom0";
    i->version = "newlib " _NEWLIB_VERSION;
    i->machine = "x86_64";
    i->nr_cpus = pi->nr_cpus;
    i->max_cpu_id = pi->max_cpu_id;
    i->nr_nodes = pi->nr_nodes;
    i->cores_per_socket = pi->cores_per_socket;
    i->threads_per_core = pi->threads_per_core;
    i->cpu_khz = pi->cpu_khz;
    memcpy(i->hw_caps, pi->hw_cap, sizeof(i->hw_caps));
    virt_caps(pi->capabilities, t->virt_caps, sizeof(t->virt_caps));
    i->virt_caps = t->virt_caps;
    i->total_memory = pi->total_pages / pages_per_mib;
    i->free_memory = (pi->free_pages - pi->outstanding_pages) / pages_per_mib;
    i->outstanding_claims = pi->outstanding_pages / pages_per_mib;
    i->free_cpus = 0;                   /* every CPU is in Pool-0 */
}

static void xen_facts(struct xl_info *i, struct info_text *t)
{
    struct xen_platform_parameters pp = { 0 };
    long v = hc_xen_version(XENVER_version, NULL);

    i->xen_major = v < 0 ? 0 : (unsigned int)(v >> 16);
    i->xen_minor = v < 0 ? 0 : (unsigned int)(v & 0xffff);
    version_string(XENVER_extraversion, t->extra, sizeof(t->extra));
    version_string(XENVER_capabilities, t->caps, sizeof(t->caps));
    version_string(XENVER_changeset, t->changeset, sizeof(t->changeset));
    version_string(XENVER_commandline, t->cmdline, sizeof(t->cmdline));
    memset(&t->cc, 0, sizeof(t->cc));
    hc_xen_version(XENVER_compile_info, &t->cc);
    hc_xen_version(XENVER_platform_parameters, &pp);
    build_id(t->build_id, sizeof(t->build_id));
    i->xen_extra = t->extra;
    i->xen_caps = t->caps;
    i->xen_scheduler = xl_scheduler_name(xc_sched_id());
    i->xen_pagesize = (unsigned long)hc_xen_version(XENVER_pagesize, NULL);
    i->virt_start = pp.virt_start;
    i->xen_changeset = t->changeset;
    i->xen_commandline = t->cmdline;
    i->cc_compiler = t->cc.compiler;
    i->cc_compile_by = t->cc.compile_by;
    i->cc_compile_domain = t->cc.compile_domain;
    i->cc_compile_date = t->cc.compile_date;
    i->build_id = t->build_id;
}

int main_info(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "numa", false, 'n' }, { NULL, false, 0 },
    };
    struct xen_sysctl_physinfo pi;
    struct info_text *t;
    struct xl_info info = { 0 };
    struct xl_opts o;
    int rc = xl_scan(argc, argv, "n", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if ((rc = xc_physinfo(&pi))) {
        fprintf(stderr, "libxl_physinfo failed (%s).\n", xl_errname(rc));
        return 1;
    }
    if (!(t = malloc(sizeof(*t))))
        return 1;
    host_facts(&info, &pi, t);
    xen_facts(&info, t);
    t->cc.compiler[sizeof(t->cc.compiler) - 1] = '\0';
    xlfmt_info(stdout, &info, !o.seen['n'] && o.nargs ? o.args[0] : NULL);
    free(t);
    return 0;
}

/* ---- xl dmesg ---- */

/*
 * Copy the hypervisor's console ring to stdout as it is now.  In one
 * piece: what we print goes to the ring too, so reading on while
 * printing would never catch up.  0 or a hypervisor error.
 */
static int print_ring(void)
{
    uint32_t size = 64 * 1024, len;
    char *buf = NULL, *bigger;
    int rc;

    for (;;) {
        if (!(bigger = realloc(buf, size))) {
            free(buf);
            return -XEN_ENOMEM;
        }
        buf = bigger;
        len = size;
        if ((rc = xc_readconsole(buf, &len, false)) || len < size)
            break;
        size *= 2;                      /* it may hold more: read again */
    }
    if (!rc)
        fwrite(buf, 1, len, stdout);
    free(buf);
    return rc;
}

int main_dmesg(int argc, char **argv)
{
    static const struct xl_longopt longopts[] = {
        { "clear", false, 'c' }, { NULL, false, 0 },
    };
    struct xl_opts o;
    uint32_t none = 0;
    int rc = xl_scan(argc, argv, "c", longopts, 0, &o);

    if (rc >= 0)
        return rc;
    if ((rc = print_ring()) == 0 && o.seen['c'])
        rc = xc_readconsole(NULL, &none, true);
    if (rc) {
        fprintf(stderr, "xl: cannot read the hypervisor console: %s\n",
                xl_errname(rc));
        return 1;
    }
    return 0;
}
