/*
 * dom0: the control plane as a PV kernel.  It mounts the ramdisk (module
 * 2), then either runs the script named by `run=<path>` on its command
 * line and powers off with the script's status, or greets and prompts.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest.h>

#include "dom.h"
#include "ramfs.h"
#include "shell.h"

/* The 16 KiB boot stack is small for newlib's printf and for xl; the
 * shell runs on one of these from the heap, 16-byte aligned. */
#define MAIN_STACK_SIZE (256 * 1024)
#define RUN_ARG         "run="

static char script[RAMFS_PATH_MAX];

/* The ramdisk as the builder placed it: a VA, or with SIF_MOD_START_PFN a
 * frame number (Xen does that when it lies outside the initial mapping). */
static const void *ramdisk_base(void)
{
    const struct start_info *si = g_start_info;
    uint64_t pfn, pages;

    if (!(si->flags & SIF_MOD_START_PFN))
        return (const void *)si->mod_start;
    pfn = si->mod_start;
    pages = G_ALIGN_UP(si->mod_len, G_PAGE_SIZE) >> G_PAGE_SHIFT;
    if (pfn + pages > g_mapped_pfns())
        return NULL;
    return g_pfn_to_virt(pfn);
}

static int mount_ramdisk(void)
{
    const void *base;

    if (g_start_info->mod_start == 0 || g_start_info->mod_len == 0) {
        printf("dom0: no ramdisk (module 2): the file system is empty\n");
        return 0;
    }
    base = ramdisk_base();
    if (!base) {
        printf("dom0: the ramdisk is not mapped; ignoring it\n");
        return 0;
    }
    return ramfs_mount(base, g_start_info->mod_len);
}

/* Find run=<path> among the words of dom0's command line. */
static void parse_cmdline(void)
{
    const char *p = (const char *)g_start_info->cmd_line;
    size_t max = sizeof(g_start_info->cmd_line);

    while (max && *p) {
        size_t len = strnlen(p, max), word = strcspn(p, " ");

        word = word < len ? word : len;
        if (word > strlen(RUN_ARG) && !strncmp(p, RUN_ARG, strlen(RUN_ARG)) &&
            word - strlen(RUN_ARG) < sizeof(script)) {
            memcpy(script, p + strlen(RUN_ARG), word - strlen(RUN_ARG));
            script[word - strlen(RUN_ARG)] = '\0';
        }
        p += word;
        max -= word;
        while (max && *p == ' ')
            p++, max--;
    }
}

static int dom0_main(void)
{
    int files = mount_ramdisk();

    dom_init();
    parse_cmdline();
    if (script[0])
        return shell_run_script(script);
    printf("\nxen-lite dom0: %lu MiB, %d entries in the ramdisk.\n"
           "Type 'help' for the commands, 'xl help' for xl.\n\n",
           (unsigned long)(g_nr_pages() >> (20 - G_PAGE_SHIFT)),
           files < 0 ? 0 : files);
    shell_interactive();
    return 0;
}

/* Call fn on the stack that ends at top (16-byte aligned). */
static int call_on_stack(int (*fn)(void), void *top)
{
    int ret;

    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "mov %[top], %%rsp\n\t"
                     "call *%[fn]\n\t"
                     "mov %%rbx, %%rsp"
                     : "=a"(ret)
                     : [top] "r"(top), [fn] "r"(fn)
                     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                       "r11", "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3",
                       "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return ret;
}

int g_main(void)
{
    char *stack;

    if (dom0_syscalls_init() < 0)
        g_panic("dom0: cannot bind VIRQ_CONSOLE");
    /* One console write per line on stderr too (stdout is a tty). */
    setvbuf(stderr, NULL, _IOLBF, BUFSIZ);
    stack = memalign(16, MAIN_STACK_SIZE);
    if (!stack)
        g_panic("dom0: no memory for the main stack");
    exit(call_on_stack(dom0_main, stack + MAIN_STACK_SIZE));
}
