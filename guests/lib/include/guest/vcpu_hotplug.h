/*
 * vCPU hotplug as Xen's PV guests do it: the toolstack (xl vcpu-set)
 * writes "online" or "offline" to cpu/<N>/availability in the guest's
 * xenstore directory, and the guest brings its own vCPUs up and down.
 * vCPU 0 always stays up.
 *
 * g_idle() follows those nodes for every guest built on guests/lib;
 * dom0, which is its own xenstored, calls g_vcpu_set_online (guest/smp.h)
 * directly.
 */
#ifndef GUEST_VCPU_HOTPLUG_H
#define GUEST_VCPU_HOTPLUG_H

#include <stdbool.h>

/* Watch cpu/ (0, or -XEN_E* without a store); then, whenever
 * g_vcpu_hotplug_pending(), g_vcpu_hotplug_poll() reads every
 * cpu/<N>/availability and acts on it. */
int g_vcpu_hotplug_start(void);
bool g_vcpu_hotplug_pending(void);
void g_vcpu_hotplug_poll(void);

#endif /* GUEST_VCPU_HOTPLUG_H */
