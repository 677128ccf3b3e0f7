/* SMP: bringing up CPUs and running functions on them. */
#ifndef XEN_SMP_H
#define XEN_SMP_H

#include "xen/types.h"

void smp_prepare_boot_cpu(void);
void smp_boot_cpus(unsigned int max_cpus);
void smp_ipi_init(void);
/* Run fn(data) on every online CPU in mask (bit n = CPU n) and wait. */
void on_selected_cpus(uint64_t mask, void (*fn)(void *), void *data);
void on_each_cpu(void (*fn)(void *), void *data);
uint64_t cpu_online_mask(void);
void flush_tlb_mask(uint64_t mask);
void cpu_idle_loop(void) __attribute__((noreturn));
/* Let idle CPUs zero free memory from now on (once dom0 is built: before,
 * under an emulator, a busy idle vCPU only slows the boot down). */
void idle_scrub_start(void);
extern void (*idle_loop_hook)(void);

#endif
