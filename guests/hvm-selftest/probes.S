/*
 * Instructions that must fault, one small function each: the fault
 * handler of the check resumes at the function's *_resume label, where it
 * returns 1; without a fault the function returns 0.
 */
        .text

.macro PROBE name
        .globl  probe_\name, probe_\name\()_fault, probe_\name\()_resume
probe_\name:
        xor     %eax, %eax
.endm

.macro PROBE_END name
        ret
probe_\name\()_resume:
        mov     $1, %eax
        ret
.endm

/* int probe_rdmsr(uint32_t msr) */
        PROBE rdmsr
        mov     %edi, %ecx
probe_rdmsr_fault:
        rdmsr
        xor     %eax, %eax
        PROBE_END rdmsr

/* int probe_wrmsr(uint32_t msr, uint64_t value) */
        PROBE wrmsr
        mov     %edi, %ecx
        mov     %rsi, %rax
        mov     %rsi, %rdx
        shr     $32, %rdx
probe_wrmsr_fault:
        wrmsr
        xor     %eax, %eax
        PROBE_END wrmsr

/* int probe_write_cr4(uint64_t value) */
        PROBE write_cr4
probe_write_cr4_fault:
        mov     %rdi, %cr4
        PROBE_END write_cr4

/* int probe_write_cr0(uint64_t value) */
        PROBE write_cr0
probe_write_cr0_fault:
        mov     %rdi, %cr0
        PROBE_END write_cr0

/* int probe_vmload(void) */
        PROBE vmload
probe_vmload_fault:
        vmload  %rax
        PROBE_END vmload

/* int probe_stgi(void) */
        PROBE stgi
probe_stgi_fault:
        stgi
        PROBE_END stgi

/* int probe_vmxon(void): VMX instructions exit in VMX non-root operation
   (Intel SDM vol. 3C 25.1.2) and #UD on AMD: never run for the guest. */
        PROBE vmxon
probe_vmxon_fault:
        vmxon   (%rsp)
        PROBE_END vmxon

/* int probe_vmread(void) */
        PROBE vmread
probe_vmread_fault:
        vmread  %rax, %rcx
        PROBE_END vmread

/* int probe_invept(void) */
        PROBE invept
probe_invept_fault:
        invept  (%rsp), %rax
        PROBE_END invept

/* void probe_triple_fault(void): no IDT at all, then #UD: #GP, #DF, shutdown. */
        .globl  probe_triple_fault
probe_triple_fault:
        cli
        sub     $16, %rsp
        movw    $0, (%rsp)
        movq    $0, 2(%rsp)
        lidt    (%rsp)
        ud2

/* uint64_t probe_read(const volatile void *p): a fault is the guest's end. */
        .globl  probe_read
probe_read:
        mov     (%rdi), %rax
        ret

        .section .note.GNU-stack, "", @progbits
