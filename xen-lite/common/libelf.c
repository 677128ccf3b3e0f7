/*
 * ELF64 PV kernel parsing and Xen note checks (ELF-64 Object File Format;
 * Xen's public elfnote.h for the notes).  Every offset and size is checked
 * against the buffer before use; a kernel with missing or contradictory
 * notes is refused with a message naming the problem.
 */
#ifdef __XEN_HYPERVISOR__
#include "xen/lib.h"
#else
#include <stdio.h>
#include <string.h>
#endif
#include "elfnote.h"
#include "version.h"
#include "xen/libelf.h"

#define EI_CLASS        4
#define EI_DATA         5
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_X86_64       62
#define PT_LOAD         1
#define PT_NOTE         4

struct elf64_ehdr {
    uint8_t e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

struct elf64_nhdr {
    uint32_t namesz, descsz, type;
};

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist] = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs] = "hvm_pirqs",
    [XENFEAT_dom0] = "dom0",
};

static void copy_str(char *dst, size_t size, const uint8_t *src, size_t len)
{
    size_t n = len < size - 1 ? len : size - 1;

    memcpy(dst, src, n);
    dst[n] = '\0';
}

static uint64_t note_number(const uint8_t *desc, uint32_t len)
{
    uint64_t v = 0;

    if (len == 4 || len == 8)
        memcpy(&v, desc, len);
    return v;
}

/* "a|!b|c": set bits for known names, '!' ones also required. */
static const char *parse_features(struct elf_image *img)
{
    const char *p = img->features;

    while (*p) {
        bool required = *p == '!';
        size_t len, i;

        p += required;
        len = strcspn(p, "|");
        for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
            if (feature_names[i] && strlen(feature_names[i]) == len &&
                !strncmp(p, feature_names[i], len))
                break;
        if (i < 32 && i < sizeof(feature_names) / sizeof(feature_names[0])) {
            img->features_supported[0] |= 1U << i;
            if (required)
                img->features_required[0] |= 1U << i;
        } else if (required) {
            return "FEATURES note requires an unknown feature";
        }
        p += len + (p[len] == '|');
    }
    return NULL;
}

static void take_note(struct elf_image *img, uint32_t type, const uint8_t *desc, uint32_t len)
{
    if (type < 32)
        img->notes_seen |= 1U << type;
    switch (type) {
    case XEN_ELFNOTE_ENTRY:          img->entry = note_number(desc, len); break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: img->hypercall_page = note_number(desc, len); break;
    case XEN_ELFNOTE_VIRT_BASE:      img->virt_base = note_number(desc, len); break;
    case XEN_ELFNOTE_PADDR_OFFSET:   img->paddr_offset = note_number(desc, len); break;
    case XEN_ELFNOTE_INIT_P2M:       img->init_p2m = note_number(desc, len); break;
    case XEN_ELFNOTE_PHYS32_ENTRY:   img->phys32_entry = note_number(desc, len); break;
    case XEN_ELFNOTE_XEN_VERSION:    copy_str(img->xen_version, sizeof(img->xen_version), desc, len); break;
    case XEN_ELFNOTE_GUEST_OS:       copy_str(img->guest_os, sizeof(img->guest_os), desc, len); break;
    case XEN_ELFNOTE_GUEST_VERSION:  copy_str(img->guest_version, sizeof(img->guest_version), desc, len); break;
    case XEN_ELFNOTE_LOADER:         copy_str(img->loader, sizeof(img->loader), desc, len); break;
    case XEN_ELFNOTE_FEATURES:       copy_str(img->features, sizeof(img->features), desc, len); break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        img->features_supported[0] |= (uint32_t)note_number(desc, len);
        break;
    }
}

/* Walk the notes in one PT_NOTE segment. */
static const char *scan_notes(struct elf_image *img, uint64_t off, uint64_t size)
{
    uint64_t end = off + size;

    if (end < off || end > img->size)
        return "PT_NOTE segment outside the file";
    while (off + sizeof(struct elf64_nhdr) <= end) {
        struct elf64_nhdr n;
        uint64_t name, desc, next;

        memcpy(&n, img->data + off, sizeof(n));
        name = off + sizeof(n);
        desc = name + ((n.namesz + 3) & ~3U);
        next = desc + ((n.descsz + 3ULL) & ~3ULL);
        if (next > end || desc > end)
            return "malformed ELF note";
        if (n.namesz == 4 && !memcmp(img->data + name, "Xen", 4))
            take_note(img, n.type, img->data + desc, n.descsz);
        off = next;
    }
    return NULL;
}

static const char *read_phdrs(struct elf_image *img, const struct elf64_ehdr *eh)
{
    const char *err;

    if (eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
        eh->e_phoff > img->size ||
        (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > img->size - eh->e_phoff)
        return "bad program headers";
    for (unsigned int i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;

        memcpy(&ph, img->data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_NOTE && (err = scan_notes(img, ph.p_offset, ph.p_filesz)))
            return err;
        if (ph.p_type != PT_LOAD || !ph.p_memsz)
            continue;
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > img->size ||
            ph.p_filesz > img->size - ph.p_offset)
            return "loadable segment outside the file";
        if (img->nr_segments == ELF_MAX_LOAD)
            return "too many loadable segments";
        /* Keep the physical address for now; the notes say how to move it. */
        img->seg[img->nr_segments++] = (struct elf_segment){
            ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
    }
    return img->nr_segments ? NULL : "no loadable segments";
}

/* Place the segments and check the notes agree with the image. */
static const char *check_layout(struct elf_image *img, uint64_t e_entry)
{
    uint64_t pstart = UINT64_MAX, pend = 0, offset;

    if (!(img->notes_seen & (1U << XEN_ELFNOTE_VIRT_BASE)))
        img->virt_base = 0;
    if (!(img->notes_seen & (1U << XEN_ELFNOTE_PADDR_OFFSET)))
        img->paddr_offset = img->virt_base;
    offset = img->virt_base - img->paddr_offset;
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        struct elf_segment *s = &img->seg[i];
        if (s->vaddr + s->memsz < s->vaddr)
            return "loadable segment wraps around";
        pstart = s->vaddr < pstart ? s->vaddr : pstart;
        pend = s->vaddr + s->memsz > pend ? s->vaddr + s->memsz : pend;
        s->vaddr += offset;
    }
    img->virt_kstart = pstart + offset;
    img->virt_kend = pend + offset;
    if (img->virt_kend < img->virt_kstart)
        return "PADDR_OFFSET moves the image out of the address space";
    if (img->virt_base > img->virt_kstart)
        return "VIRT_BASE is above the start of the image";
    if (!(img->notes_seen & (1U << XEN_ELFNOTE_ENTRY)))
        img->entry = e_entry;
    if (img->entry < img->virt_kstart || img->entry >= img->virt_kend)
        return "entry point outside the image";
    if (img->hypercall_page &&
        (img->hypercall_page < img->virt_kstart ||
         img->hypercall_page + 4096 > img->virt_kend || (img->hypercall_page & 4095)))
        return "HYPERCALL_PAGE outside the image or not page aligned";
    return NULL;
}

/* The ELF header and program headers, notes taken. */
static const char *read_image(const void *data, size_t size, struct elf_image *img,
                              struct elf64_ehdr *eh)
{
    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    if (size < sizeof(*eh))
        return "not an ELF image (too small)";
    memcpy(eh, data, sizeof(*eh));
    if (memcmp(eh->e_ident, "\177ELF", 4))
        return "not an ELF image";
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_X86_64 || eh->e_type != ET_EXEC)
        return "not a 64-bit x86 executable ELF image";
    return read_phdrs(img, eh);
}

/*
 * A PVH kernel: only XEN_ELFNOTE_PHYS32_ENTRY is needed (as on Xen); the
 * segments go to their physical addresses, all below 4 GiB, and the entry
 * is a 32-bit physical address inside them.
 */
const char *elf_parse_pvh(const void *data, size_t size, struct elf_image *img)
{
    uint64_t start = UINT64_MAX, end = 0;
    struct elf64_ehdr eh;
    const char *err;

    if ((err = read_image(data, size, img, &eh)))
        return err;
    if (!(img->notes_seen & (1U << XEN_ELFNOTE_PHYS32_ENTRY)))
        return "no XEN_ELFNOTE_PHYS32_ENTRY note (not a PVH kernel)";
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->vaddr + s->memsz < s->vaddr || s->vaddr + s->memsz > (1ULL << 32))
            return "a loadable segment does not fit below 4 GiB";
        start = s->vaddr < start ? s->vaddr : start;
        end = s->vaddr + s->memsz > end ? s->vaddr + s->memsz : end;
    }
    img->virt_kstart = start;
    img->virt_kend = end;
    img->entry = img->phys32_entry;
    if (img->entry < start || img->entry >= end)
        return "PHYS32_ENTRY outside the image";
    return NULL;
}

const char *elf_parse(const void *data, size_t size, uint32_t supported_features,
                      struct elf_image *img)
{
    struct elf64_ehdr eh;
    const char *err;

    if ((err = read_image(data, size, img, &eh)))
        return err;
    if (!img->notes_seen)
        return "no Xen ELF notes (not a PV kernel)";
    if (!(img->notes_seen & (1U << XEN_ELFNOTE_XEN_VERSION)) ||
        strncmp(img->xen_version, "xen-3.0", 7))
        return "XEN_VERSION note missing or not xen-3.0";
    if (!(img->notes_seen & (1U << XEN_ELFNOTE_GUEST_OS)))
        return "GUEST_OS note missing";
    if ((img->notes_seen & (1U << XEN_ELFNOTE_LOADER)) &&
        strcmp(img->loader, "generic") && strcmp(img->guest_os, "linux"))
        return "LOADER note is not \"generic\"";
    if ((err = parse_features(img)))
        return err;
    if (img->features_required[0] & ~supported_features) {
        unsigned int bit = __builtin_ctz(img->features_required[0] & ~supported_features);
        snprintf(img->why, sizeof(img->why),
                 "FEATURES note requires %s, which this hypervisor lacks",
                 bit < sizeof(feature_names) / sizeof(feature_names[0]) && feature_names[bit]
                 ? feature_names[bit] : "an unknown feature");
        return img->why;
    }
    return check_layout(img, eh.e_entry);
}

int elf_load(const struct elf_image *img,
             int (*put)(uint64_t vaddr, const void *src, size_t len, void *ctx),
             void *ctx)
{
    for (unsigned int i = 0; i < img->nr_segments; i++) {
        const struct elf_segment *s = &img->seg[i];
        int rc = put(s->vaddr, img->data + s->offset, s->filesz, ctx);
        if (!rc && s->memsz > s->filesz)
            rc = put(s->vaddr + s->filesz, NULL, s->memsz - s->filesz, ctx);
        if (rc)
            return rc;
    }
    return 0;
}
