/* The shared 4-level page-table walker (Intel SDM vol. 3 §4.5). */
#include "asm/page.h"
#include "xen/pt_walk.h"

bool pt_walk(unsigned long root_mfn, unsigned long va, unsigned int stop_level,
             uint64_t *(*map)(unsigned long mfn), struct pt_walk *w)
{
    unsigned long mfn = root_mfn;

    if (stop_level < 1)
        stop_level = 1;
    w->flags_and = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
    for (unsigned int level = 4; ; level--) {
        uint64_t *t = map(mfn);
        unsigned int slot = pt_index(va, level);

        w->level = level;
        w->table_mfn = mfn;
        w->slot = slot;
        w->entry = t[slot];
        w->flags_and &= w->entry | _PAGE_NX;
        if (level == stop_level)
            return true;                /* the entry itself may be empty */
        if (!(w->entry & _PAGE_PRESENT))
            return false;
        if (level > 1 && level < 4 && (w->entry & _PAGE_PSE))
            return true;                /* a large page above stop_level */
        mfn = pte_mfn(w->entry);
    }
}
