/*
 * The page-type auditor (mm/audit.c): checks that every frame's reference
 * and type counts equal what the page tables and other holders imply.
 */
#ifndef XEN_AUDIT_H
#define XEN_AUDIT_H

#include "xen/types.h"

#define DOMID_FIRST_RESERVED_   0x7FF0

/* A reference held outside the frame table (a vCPU's CR3, its vcpu_info). */
struct audit_ref {
    unsigned long mfn;
    unsigned long type;                 /* non-zero: a type reference too */
};

struct audit_result {
    unsigned long frames;               /* domain frames checked */
    unsigned long tables;               /* page tables walked */
    unsigned long problems;
};

typedef void (*audit_problem_fn)(unsigned long mfn, const char *what,
                                 uint64_t expected, uint64_t actual, void *ctx);

/* Returns 0, or -1 if it could not allocate its scratch space. */
int audit_frames(const struct audit_ref *extra, unsigned int nr_extra,
                 audit_problem_fn report, void *ctx, struct audit_result *res);

/* Hypervisor: pause, audit every domain, print the result; returns the
 * problems found, or -XEN_ENOMEM if there was no memory to run it. */
long audit_all_domains(void);

#endif
