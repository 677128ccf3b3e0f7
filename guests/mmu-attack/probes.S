/*
 * Instructions that an attack expects to fault: each names the faulting
 * instruction (*_fault) and where the handler resumes (*_resume).
 */
        .text

/* void probe_store(volatile uint64_t *va, uint64_t val) */
        .globl  probe_store, probe_store_fault, probe_store_resume
probe_store:
probe_store_fault:
        movq    %rsi, (%rdi)
probe_store_resume:
        ret

/* void probe_load_fs(uint64_t selector) */
        .globl  probe_load_fs, probe_load_fs_fault, probe_load_fs_resume
probe_load_fs:
probe_load_fs_fault:
        mov     %di, %fs
probe_load_fs_resume:
        ret
