/*
 * Being told to shut down, as a PV guest is: the toolstack writes
 * "poweroff", "reboot" or "halt" to the domain's control/shutdown in
 * xenstore (xl shutdown / xl reboot); the guest acknowledges by writing
 * "" back and shuts itself down with that reason.  A guest advertises
 * that it listens by writing control/feature-poweroff and
 * control/feature-reboot = "1", as Linux does.
 *
 * Every guest does this while it idles: in g_idle(), and after g_main()
 * returns 0 when its command line has the word "idle" (the guest then
 * stays up until it is told to go).  While idle it also follows its
 * memory/target with the balloon driver (guest/balloon.h).
 */
#ifndef GUEST_CONTROL_H
#define GUEST_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Advertise the features and watch control/shutdown (once; later calls
 * return the first result).  0, or -XEN_E* (no xenstore: -XEN_ENODEV). */
int g_control_init(void);

/* Sleep until deadline_ns (0: for ever), running xenstore watch
 * callbacks (xs_poll) whenever xenstored sends something, ballooning
 * toward memory/target, and shutting down when control/shutdown asks
 * for it. */
void g_idle(uint64_t deadline_ns);

/* Called with the reason when control/shutdown asks this guest to go,
 * just before it does (a last report, say). */
void g_set_shutdown_hook(void (*hook)(unsigned int reason));

/* SCHEDOP_shutdown with reason (SHUTDOWN_*); does not return. */
__attribute__((noreturn)) void g_shutdown(unsigned int reason);

/* Is `word` one of the space-separated words of the command line? */
bool g_cmdline_has(const char *word);
/* The value of a "key=value" word of the command line (*len bytes, not
 * NUL-terminated), or NULL. */
const char *g_cmdline_value(const char *key, size_t *len);

#endif /* GUEST_CONTROL_H */
