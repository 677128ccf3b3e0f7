/*
 * The guest library: a small 64-bit PV kernel runtime for test guests and
 * dom0.  Include this one header for all of it.
 *
 * Start of day (head.S, start.c): the hypervisor enters g_start with
 * start_info in rsi; the library clears .bss, switches to its own stack,
 * maps shared_info, sets up the console, traps, events, time and the page
 * allocator, unmasks events and calls the guest's g_main().  Its return
 * value becomes the exit status (g_exit).
 *
 * Names: library functions and types are g_* / G_*; raw hypercalls are
 * hc_* (guest/hypercall.h).  The C-runtime helpers the compiler needs
 * (memset, memcpy, ...) keep their standard names and live in libc_min.c,
 * which a guest linked with a real C library leaves out.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <guest/hypercall.h>
#include <guest/string.h>
#include <guest/traps.h>
#include <guest/events.h>
#include <guest/time.h>
#include <guest/mm.h>
#include <guest/smp.h>

#define G_ARRAY_SIZE(a)  (sizeof(a) / sizeof((a)[0]))
#define G_ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define G_NORETURN       __attribute__((noreturn))
#define G_PRINTF(f, a)   __attribute__((format(printf, f, a)))

/* Exit status for an exception nobody handled (see traps.c). */
#define G_EXIT_UNHANDLED_TRAP  99

/* The guest's entry point, called with events enabled on vCPU 0. */
int g_main(void);

/* start_info as the hypervisor gave it (mapped in the initial region). */
extern const struct start_info *g_start_info;
/* The shared_info page, mapped by start.c. */
extern struct shared_info *g_shared_info;

static inline bool g_is_dom0(void)
{
    return (g_start_info->flags & SIF_INITDOMAIN) != 0;
}

/* ---- Console (console.c, printf.c) -------------------------------------- */
/* dom0 writes through console_io; a domU through its console ring.
 * One g_printf call prints at most 255 characters. */
void g_console_init(void);
void g_console_use_com1(void);                  /* PVH: write to COM1 */
void g_console_com1_setup(void);                /* no hypervisor: 115200 8N1 */
void g_console_com1_drain(void);                /* until COM1 has sent all */
void g_console_write(const char *buf, size_t len);
int g_puts(const char *s);                      /* appends a newline */
int g_printf(const char *fmt, ...) G_PRINTF(1, 2);
int g_vprintf(const char *fmt, va_list ap);
int g_snprintf(char *buf, size_t size, const char *fmt, ...) G_PRINTF(3, 4);
int g_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- Ending (shutdown.c) ------------------------------------------------- */
/* Print "exit status <code>", record it (xen-lite's exit-status call;
 * Xen answers -XEN_ENOSYS, which is fine) and power off. */
G_NORETURN void g_exit(int code);
/* Set by a PVH guest running with no hypervisor: how it powers off. */
extern void (*g_native_exit)(int code);
/* Shut down with SHUTDOWN_crash. */
G_NORETURN void g_crash(void);
/* Print "panic: <message>" and crash. */
G_NORETURN void g_panic(const char *fmt, ...) G_PRINTF(1, 2);

#define G_ASSERT(cond) do {                                             \
    if (!(cond))                                                        \
        g_panic("%s:%d: assertion '%s' failed", __FILE__, __LINE__,     \
                #cond);                                                 \
} while (0)

/* ---- dom0's view of the host (audit.c) ----------------------------------- */
/* Problems xen-lite's page-type audit found, or -1 where there is no
 * auditor (Xen), the caller may not run it (a domU) or it could not run. */
long g_audit_page_types(void);
struct xen_domctl;
/* A domctl on dom with op's arguments (cmd, version, domain filled in). */
long g_domctl(uint32_t cmd, domid_t dom, struct xen_domctl *op);
/* The host's free pages (physinfo), or 0 if the caller may not ask. */
uint64_t g_host_free_pages(void);

/* ---- Small helpers ------------------------------------------------------- */
static inline void g_barrier(void)
{
    __asm__ volatile("" ::: "memory");
}

static inline void g_cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* Internal start-of-day steps, in the order start.c runs them. */
void g_mm_init(uint64_t boot_stack_top);
void g_traps_init(void);
void g_events_init(void);
void g_time_init(void);
void g_smp_init(void);
void g_c_start(const struct start_info *si, uint64_t boot_rsp);
/* physmap.c tells mm.c how many PFNs the physmap covers. */
void g_mm_set_physmap(uint64_t pfns);
/* alloc.c: the allocator covers PFNs [0, pfns), none free until freed. */
void g_alloc_init(uint64_t pfns);
void g_alloc_grow(uint64_t pfns);
/* Memory is translated (HVM: a PFN is a guest frame, mapped 1:1). */
bool g_translated(void);

#endif /* GUEST_GUEST_H */
