/*
 * Catching the faults an attack provokes on purpose: #PF and #GP at the
 * probe instructions of probes.S resume after them; anything else is not
 * ours and falls through to the library's register dump.
 */
#include "attack.h"

static struct fault *armed;
static uint64_t armed_rip, armed_resume;

static bool on_fault(struct g_frame *f)
{
    if (!armed || f->rip != armed_rip)
        return false;
    armed->hit = true;
    armed->vector = (unsigned int)f->vector;
    armed->error_code = f->error_code;
    armed->cr2 = f->vector == G_VEC_PF ? g_fault_cr2() : 0;
    f->rip = armed_resume;
    return true;
}

static void arm(struct fault *f, const char *rip, const char *resume)
{
    memset(f, 0, sizeof(*f));
    armed = f;
    armed_rip = (uint64_t)rip;
    armed_resume = (uint64_t)resume;
    g_set_trap_handler(G_VEC_PF, on_fault);
    g_set_trap_handler(G_VEC_GP, on_fault);
}

static void disarm(void)
{
    g_set_trap_handler(G_VEC_PF, NULL);
    g_set_trap_handler(G_VEC_GP, NULL);
    armed = NULL;
}

void try_store(volatile uint64_t *va, uint64_t val, struct fault *f)
{
    arm(f, probe_store_fault, probe_store_resume);
    probe_store(va, val);
    disarm();
}

void try_load_fs(uint16_t sel, struct fault *f)
{
    arm(f, probe_load_fs_fault, probe_load_fs_resume);
    probe_load_fs(sel);
    disarm();
}

const char *fault_name(const struct fault *f)
{
    if (!f->hit)
        return "no fault";
    return f->vector == G_VEC_PF ? "#PF" : f->vector == G_VEC_GP ? "#GP"
                                                                  : "fault";
}
