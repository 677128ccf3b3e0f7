/*
 * Attacks on what a guest may do to the host through ordinary calls: a
 * switch of page-table base that drops the last reference to the table
 * the CPU still runs on, and console output meant to flood the console
 * or drive the terminal.
 */
#include <guest/control.h>
#include "edge.h"

static struct g_pt_queue q;

/* A copy of our L4 (not pinned): switched to, then away from. */
static void new_baseptr_away_from_unpinned_l4(struct outcome *o)
{
    uint64_t home = g_pt_current_l4(), copy = g_pt_alloc_table();
    struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };
    long rc;

    if (!copy) {
        succeeded(o, "no frame for the L4");
        return;
    }
    for (unsigned int slot = 0; slot < 512; slot++) {
        uint64_t e = g_pt_read(home, slot);
        if ((slot < 256 || slot > 271) && (e & G_PTE_P))
            g_pt_set(&q, copy, slot, e);
    }
    if (g_pt_flush(&q) < 0) {
        g_pt_clear_error(&q);
        succeeded(o, "could not fill the L4");
        return;
    }
    op.arg1.mfn = copy;
    if ((rc = hc_mmuext_op(&op, 1, NULL, DOMID_SELF)) < 0) {
        succeeded(o, "switching to the copy: %s", err_name(rc));
        return;
    }
    /* Back home: the copy's only type reference was the base's. */
    op.arg1.mfn = home;
    if ((rc = hc_mmuext_op(&op, 1, NULL, DOMID_SELF)) < 0) {
        succeeded(o, "switching back: %s", err_name(rc));
        return;
    }
    if ((rc = g_pt_free_table(copy)) < 0)
        succeeded(o, "the copy is still a table afterwards: %s", err_name(rc));
    else
        refused(o, "the copy was let go after CR3 left it");
}

#define FLOOD_BYTES (256 * 1024)

/*
 * console_io is the hypervisor's own console: a domU writes a flood of
 * lines full of terminal controls.  The test reads the console: at most
 * the rate limit's worth printed, none of the control bytes, and a line
 * saying how much was dropped.
 */
static void console_flood(struct outcome *o)
{
    static char buf[2048];
    size_t len = 0;
    unsigned long sent = 0, line = 0;
    long rc;

    size_t only_len;

    if (g_is_dom0()) {
        skipped(o, "dom0's console output is not limited");
        return;
    }
    /* Its lines would run into the other attacks' on the console. */
    if (!g_cmdline_value("only", &only_len)) {
        skipped(o, "runs alone, with only=console_flood_with_terminal_controls");
        return;
    }
    while (sent < FLOOD_BYTES) {
        len = 0;
        while (len + 64 < sizeof(buf))
            len += g_snprintf(buf + len, sizeof(buf) - len,
                              "edge-attack flood %lu \x1b[2J\x07\x08\x9b\r\n", line++);
        if ((rc = hc_console_io(CONSOLEIO_write, len, buf)) < 0) {
            succeeded(o, "console_io write: %s", err_name(rc));
            return;
        }
        sent += len;
    }
    refused(o, "%lu bytes in %lu lines sent; the console shows what was let through",
            sent, line);
}

const struct attack misc_attacks[] = {
    { "new_baseptr_away_from_unpinned_l4", new_baseptr_away_from_unpinned_l4 },
    { "console_flood_with_terminal_controls", console_flood },
    { NULL, NULL },
};
