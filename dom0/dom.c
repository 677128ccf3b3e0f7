/*
 * dom0's domain table: creating domains from xl configurations, destroying
 * them without leaving anything behind, their consoles, and the lifecycle
 * actions (on_poweroff / on_reboot / on_crash) when they shut down.
 */
#include <stdlib.h>
#include <string.h>

#include <guest/events.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/time.h>

#include "balloon.h"
#include "build.h"
#include "consback.h"
#include "dom.h"
#include "xc.h"
#include "xsd.h"
#include "sched_op.h"
#include "xen_errno.h"

/* A domain that crashes sooner than this after an on_* action restarted
 * it is destroyed, not restarted again: it would only crash again, in a
 * loop that keeps a CPU and dom0 busy.  (xend refused the same way, within
 * 60 s; xl instead waits 2 s before every restart, forever.  Our guests
 * boot in milliseconds.) */
#define RESTART_MIN_NS  (10 * G_NS_PER_SEC)

static struct dom *doms[DOM_MAX];
static unsigned int nr_doms;
static struct dom dom0_entry = { .domid = 0, .name = "Domain-0" };

void dom_init(void)
{
    int port = g_evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    uint64_t sec;
    uint32_t nsec;

    if (port >= 0)
        g_evtchn_set_handler((evtchn_port_t)port, dom0_event_kick, NULL);
    doms[nr_doms++] = &dom0_entry;
    if (xsd_init() < 0)
        printf("dom0: no memory for xenstored\n");
    balloon_manager_init();
    /* Domain UUIDs come from rand(): seed it so they differ between boots. */
    g_wallclock(&sec, &nsec);
    srand((unsigned int)(g_rdtsc() ^ (g_rdtsc() >> 32) ^ sec ^ nsec));
}

struct dom *dom_find(domid_t domid)
{
    for (unsigned int i = 0; i < nr_doms; i++)
        if (doms[i]->domid == domid)
            return doms[i];
    return NULL;
}

struct dom *dom_find_name(const char *name)
{
    for (unsigned int i = 0; i < nr_doms; i++)
        if (!strcmp(doms[i]->name, name))
            return doms[i];
    return NULL;
}

int dom_lookup(const char *id, FILE *err)
{
    bool digits = *id && strspn(id, "0123456789") == strlen(id);
    unsigned long n = digits ? strtoul(id, NULL, 10) : 0;
    struct dom *d;

    /* As in xl, all digits is always a domain id, never a name. */
    if (digits && n < DOMID_FIRST_RESERVED && dom_find((domid_t)n))
        return (int)n;
    if (!digits && (d = dom_find_name(id)))
        return d->domid;
    if (err)
        fprintf(err, "%s is an invalid domain identifier (rc=-6)\n", id);
    return -1;
}

int dom_rename(domid_t domid, const char *name, FILE *err)
{
    struct dom *d = dom_find(domid);

    if (!d || domid == 0) {
        fprintf(err, "cannot rename domain %u\n", domid);
        return -1;
    }
    if (dom_find_name(name)) {
        fprintf(err, "Domain with name \"%s\" already exists.\n", name);
        return -1;
    }
    if (xlcfg_name_problem(name)) {
        fprintf(err, "Domain name \"%s\" %s\n", name,
                xlcfg_name_problem(name));
        return -1;
    }
    strcpy(d->name, name);
    xsd_domain_write(domid, "name", name);
    return 0;
}

void dom_for_each(void (*fn)(struct dom *d, void *ctx), void *ctx)
{
    for (unsigned int i = 0; i < nr_doms; i++)
        fn(doms[i], ctx);
}

/* The console `xl console` shows, and how much of it has been shown. */
static struct {
    struct dom *d;
    uint64_t pos;
} attached;

/* Print what the attached domain's console has produced since last time. */
static void show_attached(void)
{
    struct dom_console *c = attached.d ? attached.d->console : NULL;
    char buf[256];
    size_t n;

    if (!c)
        return;
    console_drain(c);
    while ((n = console_history(c, buf, sizeof(buf), &attached.pos)))
        fwrite(buf, 1, n, stdout);
    fflush(stdout);
}

/* Close d's console; one being watched shows its last output first. */
static void close_console(struct dom *d)
{
    if (attached.d == d) {
        show_attached();
        attached.d = NULL;
    }
    console_disconnect(d->console);
    d->console = NULL;
}

static void forget(struct dom *d)
{
    for (unsigned int i = 0; i < nr_doms; i++)
        if (doms[i] == d) {
            memmove(&doms[i], &doms[i + 1], (nr_doms - i - 1) * sizeof(doms[0]));
            nr_doms--;
            break;
        }
    close_console(d);
    xsd_domain_remove(d->domid);
    balloon_remove(d->domid);
    if (d->cfg) {
        xlcfg_free(d->cfg);
        free(d->cfg);
    }
    free(d);
}

/* cpus=, cpus_soft=, cpu_weight= and cap=: checked before the domain was
 * built (xl create), so nothing here can fail for want of a CPU. */
static void set_scheduling(domid_t domid, const struct xlcfg *cfg)
{
    struct xen_sysctl_physinfo pi;
    unsigned int weight, cap;

    if ((cfg->cpus || cfg->cpus_soft) && !xc_physinfo(&pi))
        for (unsigned int v = 0; v < cfg->maxvcpus; v++) {
            struct xl_cpumap hard, soft;
            bool h = xlcfg_vcpu_affinity(cfg, v, pi.nr_cpus, &hard, NULL) == 1;
            bool s = xlcfg_vcpu_soft_affinity(cfg, v, pi.nr_cpus, &soft,
                                              NULL) == 1;

            if (h || s)
                xc_vcpu_set_affinity(domid, v, h ? &hard.bits[0] : NULL,
                                     s ? &soft.bits[0] : NULL);
        }
    if ((cfg->cpu_weight || xlcfg_find(cfg, "cap")) &&
        !xc_sched_credit_get(domid, &weight, &cap))
        xc_sched_credit_set(domid, cfg->cpu_weight ? cfg->cpu_weight : weight,
                            xlcfg_find(cfg, "cap") ? cfg->cap : cap);
}

void dom_new_uuid(uint8_t u[16])
{
    for (unsigned int i = 0; i < 16; i++)
        u[i] = (uint8_t)rand();
    u[6] = (u[6] & 0x0f) | 0x40;        /* version 4 (RFC 4122) */
    u[8] = (u[8] & 0x3f) | 0x80;        /* its variant */
}

/* shadow_memory, or libxl's rule: 1 MiB per vCPU and 8 KiB per MiB of maxmem. */
static unsigned long shadow_pool_mib(const struct xlcfg *cfg)
{
    return cfg->shadow_memory_mb ? cfg->shadow_memory_mb
                                 : cfg->maxvcpus + (cfg->maxmem_mb * 8 + 1023) / 1024;
}

/* A shadow-paged domain's pool, set before it runs (a HAP domain has none). */
static int shadow_pool(const struct xlcfg *cfg, domid_t domid)
{
    int rc = xc_paging_mempool_set(domid, (uint64_t)shadow_pool_mib(cfg) << 20);

    return rc == -XEN_EOPNOTSUPP ? 0 : rc;
}

/* Create the domain itself and build it; -1 after a message on failure. */
static int build(struct xlcfg *cfg, domid_t *domid, struct dom_build *db, FILE *err)
{
    uint8_t handle[16];
    bool pvh = cfg->type == XLCFG_PVH;
    int rc;

    if ((pvh ? pvh_kernel_check(cfg->kernel, err) : pv_kernel_check(cfg->kernel, err)) ||
        balloon_make_room(cfg->memory_mb * 256, cfg->name, err))
        return -1;
    if (cfg->has_uuid)
        memcpy(handle, cfg->uuid, sizeof(handle));
    else
        dom_new_uuid(handle);
    if ((rc = xc_domain_create(cfg->maxvcpus, handle,
                               pvh ? XEN_DOMCTL_CDF_hvm | (cfg->hap ? XEN_DOMCTL_CDF_hap : 0)
                                   : 0,
                               domid))) {
        fprintf(err, "cannot create domain: %s\n", xc_strerror(rc));
        return -1;
    }
    if (pvh && (rc = shadow_pool(cfg, *domid))) {
        fprintf(err, "cannot give domain %u a shadow pool of %lu MiB: %s\n", *domid,
                shadow_pool_mib(cfg), xc_strerror(rc));
        xc_domain_destroy(*domid);
        return -1;
    }
    *db = (struct dom_build){ .domid = *domid, .kernel = cfg->kernel,
                              .ramdisk = cfg->ramdisk, .cmdline = cfg->cmdline,
                              .nr_pages = cfg->memory_mb * 256 };
    if ((rc = xc_domain_max_mem(*domid, cfg->maxmem_mb * 1024 +
                                        BALLOON_MAXMEM_SLACK_KB)) ||
        (rc = xc_domain_set_memmap_limit(*domid, cfg->maxmem_mb * 1024)) ||
        (rc = pvh ? build_pvh_domain(db, err) : build_pv_domain(db, err))) {
        if (rc != -XEN_ENOENT && rc != -XEN_ENOEXEC && rc != -XEN_ENOMEM)
            fprintf(err, "building domain %u failed: %s\n", *domid, xc_strerror(rc));
        xc_domain_destroy(*domid);
        return -1;
    }
    return 0;
}

/* Its nodes in xenstore and its ring; it runs without if that fails. */
static void add_to_store(const struct dom *d, const struct dom_build *db,
                         FILE *err)
{
    struct xsd_domain x = {
        .domid = d->domid, .name = d->name,
        .target_kib = d->cfg->memory_mb * 1024,
        .max_kib = d->cfg->maxmem_mb * 1024,
        .store_mfn = db->store_mfn, .store_port = db->store_port,
        .console_mfn = db->console_mfn, .console_port = db->console_port,
    };
    int rc = xsd_domain_add(&x);

    if (rc == 0)
        rc = xsd_vcpu_availability(d->domid, d->cfg->maxvcpus, d->cfg->vcpus);
    if (rc < 0)
        fprintf(err, "domain %u has no xenstore connection: %s\n", d->domid,
                xsd_strerror(rc));
}

int dom_create(struct xlcfg *cfg, bool paused, domid_t *domid, FILE *err)
{
    struct dom_build db;
    struct dom *d;
    int rc;

    if (cfg->name && dom_find_name(cfg->name)) {
        fprintf(err, "Domain with name \"%s\" already exists.\n", cfg->name);
        return -1;
    }
    if (nr_doms == DOM_MAX || !(d = calloc(1, sizeof(*d)))) {
        fprintf(err, "too many domains\n");
        return -1;
    }
    rc = build(cfg, domid, &db, err);
    balloon_room_done();
    if (rc) {
        free(d);
        return -1;
    }
    d->domid = *domid;
    snprintf(d->name, sizeof(d->name), "%s", cfg->name);
    d->cfg = cfg;
    d->created_ns = g_now_ns();
    d->console = console_connect(*domid, db.console_mfn, db.console_port);
    add_to_store(d, &db, err);
    balloon_add(*domid, cfg);
    doms[nr_doms++] = d;
    set_scheduling(*domid, cfg);
    if (!paused)
        xc_domain_unpause(*domid);
    return 0;
}

int dom_destroy(domid_t domid, FILE *err)
{
    struct dom *d = dom_find(domid);
    int rc;

    if (domid == 0) {
        fprintf(err, "xl: Domain-0 is the hardware domain and the toolstack "
                "here: it cannot be destroyed\n");
        return -1;
    }
    if (d)
        close_console(d);       /* our mappings and ports first, so its
                                   memory can go */
    xsd_domain_remove(domid);
    rc = xc_domain_destroy(domid);
    if (d)
        forget(d);
    if (rc && rc != -XEN_ESRCH) {
        fprintf(err, "destroying domain %u failed: %s\n", domid, xc_strerror(rc));
        return -1;
    }
    return 0;
}

/* Whether d crashed so soon after an on_* action restarted it that a
 * restart would only loop; says so if it did. */
static bool crash_loop(const struct dom *d, unsigned int reason)
{
    uint64_t ran = g_now_ns() - d->created_ns;

    if (reason != SHUTDOWN_crash || !d->restarted || ran >= RESTART_MIN_NS)
        return false;
    printf("Domain %u (%s) crashed %llu ms after it was restarted: "
           "destroying it instead of restarting it again\n", d->domid,
           d->name, (unsigned long long)(ran / G_NS_PER_MS));
    return true;
}

/* A domain shut down: do what its configuration says. */
static void act_on_shutdown(struct dom *d, unsigned int reason)
{
    struct xlcfg *cfg = d->cfg;
    enum xlcfg_action a = reason == SHUTDOWN_poweroff ? cfg->on_poweroff :
                          reason == SHUTDOWN_reboot ? cfg->on_reboot : cfg->on_crash;
    bool restart = a == XLCFG_RESTART || a == XLCFG_RENAME_RESTART ||
                   a == XLCFG_COREDUMP_RESTART;
    domid_t domid = d->domid, newid;

    d->shutdown_handled = true;
    if (reason == SHUTDOWN_crash)
        printf("Domain %u (%s) crashed\n", domid, d->name);
    if (a == XLCFG_PRESERVE)
        return;
    if (!restart || crash_loop(d, reason)) {
        dom_destroy(domid, stderr);
        return;
    }
    d->cfg = NULL;                      /* keep it for the new domain */
    dom_destroy(domid, stderr);
    if (dom_create(cfg, false, &newid, stderr) == 0) {
        dom_find(newid)->restarted = true;
        printf("Domain %u restarted as domain %u\n", domid, newid);
    } else {
        xlcfg_free(cfg);
        free(cfg);
    }
}

uint64_t dom_background_due(void)
{
    return balloon_due();
}

void dom_background(void)
{
    xsd_service();
    balloon_background();
    for (unsigned int i = 0; i < nr_doms; i++) {
        struct dom *d = doms[i];
        xc_dominfo_t info;

        if (d->console)
            console_drain(d->console);
        if (d->domid == 0 || d->shutdown_handled)
            continue;
        if (xc_domain_info(d->domid, &info) || info.domain != d->domid) {
            forget(d);                  /* gone behind our back */
            i--;
            continue;
        }
        if (info.flags & XEN_DOMINF_shutdown) {
            act_on_shutdown(d, (info.flags >> XEN_DOMINF_shutdownshift) &
                               XEN_DOMINF_shutdownmask);
            /* The table changed: look again on the next round, after the
             * idle loop has checked its deadline and input -- a domain
             * restarted on crash may crash again at once, and starting
             * over here would never return. */
            dom0_kick();
            return;
        }
    }
}

size_t dom_console_read(domid_t domid, char *buf, size_t len)
{
    struct dom *d = dom_find(domid);
    uint64_t pos = 0;

    if (!d || !d->console)
        return 0;
    console_drain(d->console);
    return console_history(d->console, buf, len, &pos);
}

/* ---- xl console ---- */

#define CTRL_RIGHT_BRACKET  0x1d            /* detaches, as in xl */

/* Forward typed input to the guest; false once Ctrl-] is typed. */
static bool forward_input(struct dom_console *c)
{
    char buf[128];
    long n = hc_console_io(CONSOLEIO_read, sizeof(buf), buf);
    char *stop;

    if (n <= 0)
        return true;
    stop = memchr(buf, CTRL_RIGHT_BRACKET, (size_t)n);
    console_input(c, buf, stop ? (size_t)(stop - buf) : (size_t)n);
    return !stop;
}

int dom_console_attach(domid_t domid, FILE *err)
{
    struct dom *d = dom_find(domid);

    if (!d || !d->console) {
        fprintf(err, "domain %u has no console\n", domid);
        return -1;
    }
    attached.d = d;
    attached.pos = 0;
    for (;;) {
        show_attached();
        if (!forward_input(d->console) || d->shutdown_handled)
            break;
        dom0_idle_any();
        /* Background work may have destroyed it (after showing the
         * rest of its output). */
        if (attached.d != d)
            break;
    }
    attached.d = NULL;
    return 0;
}
