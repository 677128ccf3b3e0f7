/* Stopping the machine: panic, power-off, reset, halt. */
#ifndef XEN_SHUTDOWN_H
#define XEN_SHUTDOWN_H

#include "xen/types.h"

/*
 * Values written to QEMU's isa-debug-exit port (0xf4); QEMU then exits with
 * status (v << 1) | 1.  1..111 carry dom0's (or the self-test's) non-zero
 * exit status; the rest are the hypervisor's own.  tools/boot decodes them.
 */
#define DEBUG_EXIT_PORT         0xf4
#define DEBUG_EXIT_STATUS_MAX   111
#define DEBUG_EXIT_PANIC        0x70
#define DEBUG_EXIT_DOM0_CRASH   0x71
#define DEBUG_EXIT_AUDIT        0x72    /* the page-type audit failed */
#define DEBUG_EXIT_HAZARD       0x73    /* a ring-0 fault was averted */

extern bool opt_noreboot;

__noreturn void machine_power_off(int status);
__noreturn void machine_restart(void);
__noreturn void machine_halt(int debug_exit);
__noreturn void machine_halt_this_cpu(void);
bool machine_halting(void);

#endif
