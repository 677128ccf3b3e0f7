/*
 * The same PVH kernel started by a Multiboot2 loader with no hypervisor
 * (GRUB's multiboot2 command, as on Bochs, where nothing loads a PVH ELF
 * directly): head.S's Multiboot2 entry keeps the boot information's
 * address, and this makes from it the hvm_start_info the rest of the
 * library reads -- the command line and the memory map (Multiboot2
 * specification §3.6).  Everything is copied into the image before the
 * page allocator can hand out the frames the loader left it in.
 */
#include <guest/guest.h>
#include <guest/hvm.h>

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1           /* §3.6.3 */
#define MB2_TAG_MMAP        6           /* §3.6.8 */
#define MB2_TAG_ALIGN       8
#define MB2_MMAP_MAX        32

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_mmap_entry {
    uint64_t addr, len;
    uint32_t type, reserved;            /* type 1: RAM, as E820 and hvm_memmap */
};

static struct hvm_start_info info;
static struct hvm_memmap_table_entry map[MB2_MMAP_MAX];
static char cmdline[1024];

static uint64_t phys(const void *p)
{
    return (uint64_t)p - G_VIRT_BASE;
}

static void read_cmdline(const struct mb2_tag *t)
{
    const char *s = (const char *)(t + 1);
    size_t n = strnlen(s, t->size - sizeof(*t));

    n = n < sizeof(cmdline) - 1 ? n : sizeof(cmdline) - 1;
    memcpy(cmdline, s, n);
    info.cmdline_paddr = phys(cmdline);
}

static void read_mmap(const struct mb2_tag *t)
{
    const uint32_t *hdr = (const uint32_t *)(t + 1);    /* entry_size, version */
    const uint8_t *e = (const uint8_t *)(hdr + 2), *end = (const uint8_t *)t + t->size;

    if (hdr[0] < sizeof(struct mb2_mmap_entry))
        return;
    for (; e + hdr[0] <= end && info.memmap_entries < MB2_MMAP_MAX; e += hdr[0]) {
        const struct mb2_mmap_entry *m = (const void *)e;

        map[info.memmap_entries++] = (struct hvm_memmap_table_entry){
            .addr = m->addr, .size = m->len, .type = m->type };
    }
    info.memmap_paddr = phys(map);
}

/* The physical address of an hvm_start_info made from the boot information. */
uint64_t g_hvm_multiboot2_start_info(void)
{
    const uint8_t *mbi = (const uint8_t *)(uint64_t)g_multiboot2_info;
    const uint8_t *p = mbi + MB2_TAG_ALIGN, *end = mbi + *(const uint32_t *)mbi;

    info = (struct hvm_start_info){ .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *t = (const void *)p;

        if (t->type == MB2_TAG_END || t->size < sizeof(*t))
            break;
        if (t->type == MB2_TAG_CMDLINE)
            read_cmdline(t);
        else if (t->type == MB2_TAG_MMAP)
            read_mmap(t);
        p += G_ALIGN_UP(t->size, MB2_TAG_ALIGN);
    }
    return phys(&info);
}
