/*
 * Register dumps and call traces for fatal faults and panics, symbolised
 * from the table the build links into .symbols (see xen-lite/build.mk).
 */
#include "asm/current.h"
#include "asm/guest_access.h"
#include "asm/processor.h"
#include "asm/traps.h"
#include "xen/lib.h"

struct symbol {
    unsigned long addr;
    const char *name;
};

/* .symbols: a count, then that many {address, name} pairs sorted by address. */
extern const unsigned long __symbols_start[];

const char *symbol_lookup(unsigned long addr, unsigned long *off,
                          unsigned long *size)
{
    unsigned long n = __symbols_start[0];
    const struct symbol *s = (const void *)&__symbols_start[1];
    unsigned long lo = 0, hi = n;

    if (!n || addr < s[0].addr)
        return NULL;
    while (hi - lo > 1) {
        unsigned long mid = (lo + hi) / 2;
        if (s[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (lo + 1 == n)
        return NULL;                    /* past the last text symbol */
    *off = addr - s[lo].addr;
    *size = s[lo + 1].addr - s[lo].addr;
    return s[lo].name;
}

static void print_symbol(const char *prefix, unsigned long addr)
{
    unsigned long off, size;
    const char *name = symbol_lookup(addr, &off, &size);

    if (name)
        printk("%s[<%016lx>] %s+%#lx/%#lx\n", prefix, addr, name, off, size);
    else
        printk("%s[<%016lx>] ???\n", prefix, addr);
}

void show_registers(const struct cpu_user_regs *r)
{
    bool guest = regs_ring(r) == 3;

    printk("----[ xen-lite x86_64 ]----\n");
    printk("CPU:    %u\n", smp_processor_id());
    if (guest) {
        printk("RIP:    %04x:[<%016lx>]\n", r->cs, r->rip);
    } else {
        unsigned long off, size;
        const char *name = symbol_lookup(r->rip, &off, &size);
        printk("RIP:    %04x:[<%016lx>] %s+%#lx/%#lx\n", r->cs, r->rip,
               name ? name : "???", name ? off : 0, name ? size : 0);
    }
    printk("RFLAGS: %016lx   CONTEXT: %s\n", r->rflags, guest ? "guest" : "hypervisor");
    printk("RSP:    %04x:%016lx\n", r->ss, r->rsp);
    printk("rax: %016lx   rbx: %016lx   rcx: %016lx\n", r->rax, r->rbx, r->rcx);
    printk("rdx: %016lx   rsi: %016lx   rdi: %016lx\n", r->rdx, r->rsi, r->rdi);
    printk("rbp: %016lx   rsp: %016lx   r8:  %016lx\n", r->rbp, r->rsp, r->r8);
    printk("r9:  %016lx   r10: %016lx   r11: %016lx\n", r->r9, r->r10, r->r11);
    printk("r12: %016lx   r13: %016lx   r14: %016lx\n", r->r12, r->r13, r->r14);
    printk("r15: %016lx   cr0: %016lx   cr4: %016lx\n", r->r15, read_cr0(), read_cr4());
    printk("cr3: %016lx   cr2: %016lx\n", read_cr3(), read_cr2());
}

/* Follow the frame-pointer chain while it stays on this CPU's stack. */
void show_stack_trace(const struct cpu_user_regs *regs)
{
    unsigned long lo = (unsigned long)get_cpu_info() & ~(STACK_SIZE - 1);
    unsigned long hi = lo + STACK_SIZE;
    unsigned long fp = regs->rbp;

    printk("Xen call trace:\n");
    if (regs_ring(regs) == 3) {
        printk("   (guest context)\n");
        return;
    }
    print_symbol("   ", regs->rip);
    for (int depth = 0; depth < 32; depth++) {
        const unsigned long *frame = (const unsigned long *)fp;
        if (fp < lo || fp + 16 > hi || fp & 7)
            break;
        print_symbol("   ", frame[1]);
        fp = frame[0];
    }
}

/*
 * The words at a guest's stack pointer, as Xen prints them for a crashed
 * guest: what a guest's developer needs to find the caller.  Read through
 * the checked accessor, so an unmapped stack just ends the dump.
 */
void show_guest_stack(const struct cpu_user_regs *regs)
{
    unsigned long sp = regs->rsp;

    printk("Guest stack trace from rsp=%016lx:\n", sp);
    for (unsigned int line = 0; line < 6; line++) {
        uint64_t w[4];

        if (copy_from_guest(w, sp + line * sizeof(w), sizeof(w))) {
            printk("   Fault while accessing guest memory.\n");
            return;
        }
        printk("   %016lx %016lx %016lx %016lx\n", w[0], w[1], w[2], w[3]);
    }
}
