/* Hypercall constants shared with entry.S. */
#ifndef XEN_HYPERCALL_ASM_H
#define XEN_HYPERCALL_ASM_H

#define NR_HYPERCALLS       64
/* Page-table entries a hypercall may (de)validate before it yields. */
#define HYPERCALL_BUDGET    8192

#endif
