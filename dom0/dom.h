/*
 * dom0's table of the domains it built: each one's name, configuration,
 * console and lifecycle (on_poweroff / on_reboot / on_crash), as xl keeps
 * them.  Domain-0 itself is entry 0.
 */
#ifndef DOM0_DOM_H
#define DOM0_DOM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xen.h"
#include "xlcfg.h"

#define DOM_NAME_MAX    (XLCFG_NAME_MAX + 1)
#define DOM_MAX         256

struct dom_console;

struct dom {
    domid_t domid;
    char name[DOM_NAME_MAX];
    struct xlcfg *cfg;                  /* owned; NULL for Domain-0 */
    uint64_t created_ns;                /* system time at creation */
    struct dom_console *console;        /* NULL for Domain-0 */
    bool shutdown_handled;              /* its on_* action has been done */
    bool restarted;                     /* created by an on_* restart */
};

/* Build and start a domain from a parsed, checked configuration.  On any
 * failure everything built is destroyed and a message goes to err. */
int dom_create(struct xlcfg *cfg, bool paused, domid_t *domid, FILE *err);
/* Destroy a domain (not Domain-0): unmap, close, destroy, forget. */
int dom_destroy(domid_t domid, FILE *err);

struct dom *dom_find(domid_t domid);
struct dom *dom_find_name(const char *name);
/* A domain id from "3" or a name; -1 if none (message in xl's style). */
int dom_lookup(const char *id, FILE *err);
int dom_rename(domid_t domid, const char *name, FILE *err);
/* A random (version 4) UUID, as a new domain's handle. */
void dom_new_uuid(uint8_t u[16]);
/* Every known domain, in id order: calls fn for each. */
void dom_for_each(void (*fn)(struct dom *d, void *ctx), void *ctx);

/* Background work between commands and keystrokes: drain consoles, act on
 * domains that shut down.  Called from dom0's idle loop; never blocks. */
void dom_background(void);
/* When background work that runs on a clock is next due (system time in
 * ns; 0: none). */
uint64_t dom_background_due(void);
void dom_init(void);

/* dom0/syscalls.c: the idle loop.  An event handler for backend ports
 * (it only sets a flag, so it may run in the upcall); dom0_kick asks for a
 * dom_background run from normal code; dom0_idle waits until deadline_ns
 * (0: console input), running dom_background whenever signalled. */
struct g_frame;
void dom0_event_kick(uint32_t port, void *data, struct g_frame *f);
void dom0_kick(void);
void dom0_idle(uint64_t deadline_ns);
void dom0_idle_any(void);      /* until console input or any backend work */

/* `xl console`: connect the terminal to the domain's console until
 * Ctrl-] (or the domain dies).  Returns 0, or -1 if it has none. */
int dom_console_attach(domid_t domid, FILE *err);
/* Output the domain's console has produced so far (for tests/xl). */
size_t dom_console_read(domid_t domid, char *buf, size_t len);

#endif
