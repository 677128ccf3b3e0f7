/*
 * Descriptor tables and exception handling: the per-CPU GDT (Xen's
 * selectors) and TSS with IST stacks, one shared IDT, fix-ups for
 * instructions that may fault, and register dumps for the fatal rest.
 */
#include "asm/current.h"
#include "asm/desc.h"
#include "asm/page.h"
#include "asm/processor.h"
#include "asm/pv.h"
#include "asm/traps.h"
#include "xen/lib.h"
#include "xen/mm.h"
#include "xen/percpu.h"
#include "xen/console.h"
#include "xen/shutdown.h"

extern const char vector_stubs[];
extern const struct exception_table_entry __start_ex_table[], __stop_ex_table[];

static struct idt_entry idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];
static struct fault_info last_fault[NR_CPUS];
static void *zero_gdt_page;
void (*guest_trap_hook)(struct cpu_user_regs *regs, unsigned int vector);

static const char *const exception_names[32] = {
    "DIVIDE ERROR", "DEBUG", "NMI", "INT3", "OVERFLOW", "BOUNDS",
    "INVALID OPCODE", "DEVICE NOT AVAILABLE", "DOUBLE FAULT",
    "COPROCESSOR SEGMENT OVERRUN", "INVALID TSS", "SEGMENT NOT PRESENT",
    "STACK ERROR", "GENERAL PROTECTION FAULT", "PAGE FAULT", "RESERVED",
    "FPU ERROR", "ALIGNMENT CHECK", "MACHINE CHECK", "SIMD ERROR",
    "VIRTUALISATION EXCEPTION", "CONTROL PROTECTION",
};

/* Flat descriptors (SDM vol. 3 §3.4.5): DPL, code/data type, L and D/B. */
#define DESC(dpl, type, l_bit, db_bit) \
    (0x000f00000000ffffULL | ((uint64_t)(type) << SEG_DESC_TYPE_SHIFT) | SEG_DESC_S | \
     ((uint64_t)(dpl) << SEG_DESC_DPL_SHIFT) | SEG_DESC_P | ((l_bit) ? SEG_DESC_L : 0) | \
     ((db_bit) ? SEG_DESC_DB : 0) | SEG_DESC_G)
#define TYPE_CODE_RA (SEG_TYPE_CODE | SEG_TYPE_READABLE | SEG_TYPE_ACCESSED)
#define TYPE_DATA_WA (SEG_TYPE_WRITABLE | SEG_TYPE_ACCESSED)

static void fill_gdt_page(uint64_t *g, struct tss64 *tss, unsigned int cpu)
{
    unsigned long base = (unsigned long)tss;
    unsigned int i = 0;

    g[i++] = 0;                                         /* 0xe000 */
    g[i++] = DESC(0, TYPE_CODE_RA, 1, 0);               /* 0xe008 */
    g[i++] = DESC(0, TYPE_DATA_WA, 0, 1);               /* 0xe010 */
    g[i++] = 0;                                         /* 0xe018 */
    g[i++] = DESC(3, TYPE_CODE_RA, 0, 1);               /* 0xe020 */
    g[i++] = DESC(3, TYPE_DATA_WA, 0, 1);               /* 0xe028 */
    g[i++] = DESC(3, TYPE_CODE_RA, 1, 0);               /* 0xe030 */
    g[i++] = DESC(0, TYPE_CODE_RA, 0, 1);               /* 0xe038 */
    /* 0xe040: available 64-bit TSS, 16 bytes (SDM vol. 3 §7.2.3). */
    g[i++] = (sizeof(*tss) - 1) | ((base & 0xffffff) << 16) |
             ((uint64_t)SEG_TYPE_TSS_AVAIL << SEG_DESC_TYPE_SHIFT) | SEG_DESC_P |
             ((base >> 24 & 0xff) << 56);
    g[i++] = base >> 32;
    g[i++] = 0;                                         /* 0xe050: LDT */
    g[i++] = 0;
    /* 0xe060: a descriptor whose limit is the CPU number (lsl finds it). */
    g[i++] = (cpu & 0xffff) | SEG_DESC_P | SEG_DESC_DPL_MASK | SEG_DESC_S |
             ((uint64_t)SEG_TYPE_WRITABLE << SEG_DESC_TYPE_SHIFT);
}

/*
 * Map this CPU's 16-page GDT window (guest pages, then our page, then a
 * zero page) and its 16-page LDT window (empty), and keep pointers to
 * their L1 entries: a context switch rewrites the guest's part
 * (arch/x86/pv/descriptors.c).
 */
static void map_gdt(struct percpu *pc)
{
    unsigned long va = GDT_VIRT_START + (unsigned long)pc->cpu * GDT_PAGES * PAGE_SIZE;
    unsigned long ldt = LDT_VIRT_START + (unsigned long)pc->cpu * LDT_PAGES * PAGE_SIZE;

    _Static_assert(LDT_VIRT_START - GDT_VIRT_START >= NR_CPUS * GDT_PAGES * PAGE_SIZE,
                   "the LDT windows follow the GDT windows");
    for (unsigned int p = 0; p < GDT_PAGES; p++) {
        void *page = p == FIRST_RESERVED_GDT_PAGE ? (void *)pc->gdt_page : zero_gdt_page;
        uint64_t flags = _PAGE_PRESENT | pte_nx() | (page == zero_gdt_page ? 0 : _PAGE_RW);
        map_pages_to_xen(va + p * PAGE_SIZE, virt_to_mfn(page), 1, flags);
    }
    for (unsigned int p = 0; p < LDT_PAGES; p++)
        map_pages_to_xen(ldt + p * PAGE_SIZE, virt_to_mfn(zero_gdt_page), 1,
                         _PAGE_PRESENT | pte_nx());
    pc->gdt_va = va;
    pc->gdt_l1e = xen_l1e_ptr(va);
    pc->ldt_l1e = xen_l1e_ptr(ldt);
}

/* The entry of a window page that holds no guest descriptors. */
uint64_t desc_window_empty_pte(void)
{
    return virt_to_maddr(zero_gdt_page) | _PAGE_PRESENT | pte_nx();
}

void load_gdt_and_tss(unsigned int cpu)
{
    struct percpu *pc = per_cpu(cpu);
    struct desc_ptr gdtr = { GDT_LIMIT, pc->gdt_va };
    struct desc_ptr idtr = { sizeof(idt) - 1, (unsigned long)idt };

    __asm__ __volatile__(
        "lgdt %0\n\t"
        "lidt %1\n\t"
        "pushq %2\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "mov %3, %%ss\n\t"
        "xor %%eax, %%eax\n\t"
        "mov %%eax, %%ds\n\t"
        "mov %%eax, %%es\n\t"
        "mov %%eax, %%fs\n\t"
        "mov %%eax, %%gs\n\t"
        "ltr %w4\n\t"
        "lldt %%ax"                     /* null: guests get no LDT */
        :: "m"(gdtr), "m"(idtr), "i"(__HYPERVISOR_CS), "r"(__HYPERVISOR_DS),
           "r"(TSS_SELECTOR) : "rax", "memory");
}

void percpu_traps_init(unsigned int cpu)
{
    struct percpu *pc = per_cpu(cpu);
    char *stack = pc->stack;

    pc->tss.rsp0 = cpu_info_rsp0(stack_cpu_info(stack));
    pc->tss.ist[IST_DF - 1] = (unsigned long)stack + (IST_DF_PAGE + 1) * PAGE_SIZE;
    pc->tss.ist[IST_NMI - 1] = (unsigned long)stack + (IST_NMI_PAGE + 1) * PAGE_SIZE;
    pc->tss.ist[IST_MCE - 1] = (unsigned long)stack + (IST_MCE_PAGE + 1) * PAGE_SIZE;
    pc->tss.iomap_base = sizeof(pc->tss);               /* no I/O bitmap */
    pc->gdt_page = alloc_xenheap_pages(0, 0);
    if (!pc->gdt_page)
        panic("CPU%u: no memory for the GDT", cpu);
    fill_gdt_page(pc->gdt_page, &pc->tss, cpu);
    map_gdt(pc);
}

static void set_gate(unsigned int vec, const void *handler, unsigned int dpl,
                     unsigned int ist)
{
    unsigned long a = (unsigned long)handler;

    idt[vec] = (struct idt_entry){
        .offset_lo = a & 0xffff, .selector = __HYPERVISOR_CS, .ist = ist,
        .type_attr = 0x8e | (dpl << 5),                 /* present, interrupt gate */
        .offset_mid = (a >> 16) & 0xffff, .offset_hi = a >> 32 };
}

void set_idt_gate_dpl(unsigned int vec, unsigned int dpl)
{
    idt[vec].type_attr = (idt[vec].type_attr & ~0x60) | (dpl << 5);
}

void trap_init(void)
{
    zero_gdt_page = alloc_xenheap_pages(0, 0);
    if (!zero_gdt_page)
        panic("no memory for the GDT");
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, vector_stubs + 16 * v, 0, 0);
    /* int3 and into may be used from guest context directly. */
    set_gate(TRAP_int3, vector_stubs + 16 * TRAP_int3, 3, 0);
    set_gate(TRAP_overflow, vector_stubs + 16 * TRAP_overflow, 3, 0);
    set_gate(TRAP_double_fault, vector_stubs + 16 * TRAP_double_fault, 0, IST_DF);
    set_gate(TRAP_nmi, vector_stubs + 16 * TRAP_nmi, 0, IST_NMI);
    set_gate(TRAP_machine_check, vector_stubs + 16 * TRAP_machine_check, 0, IST_MCE);
}

void set_irq_handler(unsigned int vector, irq_handler_t fn)
{
    irq_handlers[vector] = fn;
}

unsigned long search_exception_table(unsigned long addr)
{
    for (const struct exception_table_entry *e = __start_ex_table;
         e < __stop_ex_table; e++)
        if (e->insn == addr)
            return e->fixup;
    return 0;
}

struct fault_info *this_cpu_last_fault(void)
{
    return &last_fault[smp_processor_id()];
}

static __noreturn void fatal_trap(struct cpu_user_regs *regs, unsigned int vec)
{
    unsigned long cr2 = read_cr2();

    console_force_unlock();
    show_registers(regs);
    show_stack_trace(regs);
    if (vec == TRAP_page_fault)
        panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]\n"
              "Faulting linear address: %016lx", vec, exception_names[vec],
              regs->error_code, cr2);
    panic("FATAL TRAP: vector = %u (%s)\n[error_code=%04x]", vec,
          vec < 32 && exception_names[vec] ? exception_names[vec] : "?",
          regs->error_code);
}

/*
 * An NMI that arrived while the hypervisor ran (a watchdog, a platform
 * error, a stray IPI): nothing here asked for it, so it is counted, never
 * fatal.  It runs on its own IST stack, and may have interrupted anything
 * -- the console lock's holder too: it does not print.
 */
static unsigned long nmis_in_hypervisor[NR_CPUS];

unsigned long hypervisor_nmi_count(unsigned int cpu)
{
    return READ_ONCE(nmis_in_hypervisor[cpu]);
}

static void hypervisor_nmi(const struct cpu_user_regs *regs)
{
    nmis_in_hypervisor[smp_processor_id()]++;
}

static void do_exception(struct cpu_user_regs *regs, unsigned int vec)
{
    unsigned long fixup;

    if (vec == TRAP_nmi && machine_halting()) {
        machine_halt_this_cpu();
    }
    if (vec == TRAP_nmi && regs_ring(regs) == 0) {
        hypervisor_nmi(regs);
        return;
    }
    if (regs_ring(regs) == 3 && guest_trap_hook) {
        guest_trap_hook(regs, vec);
        return;
    }
    if (vec == TRAP_debug && regs_ring(regs) == 0) {
        pv_debug_in_hypervisor();       /* a guest's breakpoint on its memory */
        return;
    }
    fixup = regs_ring(regs) == 0 ? search_exception_table(regs->rip) : 0;
    if (fixup && vec != TRAP_double_fault && vec != TRAP_machine_check) {
        struct fault_info *fi = this_cpu_last_fault();
        fi->vector = vec;
        fi->error_code = regs->error_code;
        fi->cr2 = vec == TRAP_page_fault ? read_cr2() : 0;
        regs->rip = fixup;
        return;
    }
    fatal_trap(regs, vec);
}

void handle_trap(struct cpu_user_regs *regs)
{
    unsigned int vec = regs->entry_vector;

    if (vec < 32) {
        do_exception(regs, vec);
        return;
    }
    this_cpu()->irq_count++;
    if (irq_handlers[vec])
        irq_handlers[vec](regs);
    else if (regs_ring(regs) == 3 && guest_trap_hook)
        guest_trap_hook(regs, vec);
    else
        printk(XENLOG_WARNING "CPU%u: unexpected interrupt vector %#x\n",
               smp_processor_id(), vec);
}
