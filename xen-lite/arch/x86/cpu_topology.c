/*
 * Which local APIC mode to run in and which CPUs to start: decisions from
 * what the CPU offers, the MADT, the command line and the state firmware
 * left the APIC in, kept apart from the hardware so the unit tests can
 * run them over captured tables.
 *
 * x2APIC mode (Intel SDM vol. 3 §10.12): once firmware has enabled it, the
 * only way back to xAPIC mode is through disabling the APIC (§10.12.5,
 * Figure 10-27), which firmware that enables x2APIC does for a reason
 * (APIC IDs above 254, interrupt remapping): such a machine stays in
 * x2APIC mode even with x2apic=0.  In xAPIC mode an APIC ID above 254
 * cannot be addressed, so such a CPU is left offline.
 */
#include "asm/apic.h"
#include "asm/msr.h"
#include "xen/lib.h"

#define XAPIC_MAX_ID    0xfe            /* 0xff is the broadcast ID */

bool apic_choose_x2apic(bool cpu_has_x2apic, bool opt_x2apic,
                        uint64_t apic_base, const char **why)
{
    bool fw_on = (apic_base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) ==
                 (APIC_BASE_ENABLE | APIC_BASE_X2APIC);

    *why = NULL;
    if (fw_on) {
        if (!opt_x2apic)
            *why = "left on by firmware; x2apic=0 ignored";
        else
            *why = "left on by firmware";
        return true;
    }
    if (!cpu_has_x2apic)
        return false;
    if (!opt_x2apic)
        *why = "off (x2apic=0)";
    return opt_x2apic;
}

unsigned int smp_choose_cpus(const uint32_t *apic_ids, unsigned int nr,
                             uint32_t bsp, unsigned int max, bool x2apic,
                             uint32_t *out, struct cpu_choice_counts *c)
{
    unsigned int n = 0;

    *c = (struct cpu_choice_counts){ 0 };
    for (unsigned int i = 0; i < nr; i++) {
        if (apic_ids[i] == bsp)
            continue;
        if (!x2apic && apic_ids[i] > XAPIC_MAX_ID)
            c->need_x2apic++;
        else if (n + 1 >= max)
            c->over_max++;
        else
            out[n++] = apic_ids[i];
    }
    return n;
}
