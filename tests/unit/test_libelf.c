/*
 * The kernel checks both domain builders share (xen-lite/common/libelf.c):
 * a FEATURES note's required features against what xen-lite offers,
 * Linux's own list accepted, a missing feature refused by name.
 */
#include <stdint.h>
#include <string.h>

#include "elfnote.h"
#include "version.h"
#include "xen/libelf.h"
#include "xen_errno.h"
#include "unit.h"

#define VBASE   0xffffffff80000000ull

static uint8_t image[4096];

static size_t note(uint8_t *p, uint32_t type, const void *desc, uint32_t len)
{
    uint32_t hdr[3] = { 4, len, type };

    memcpy(p, hdr, sizeof(hdr));
    memcpy(p + 12, "Xen", 4);
    memcpy(p + 16, desc, len);
    return 16 + ((len + 3) & ~3u);
}

/* A minimal ELF64 executable: one PT_LOAD of the whole file, one PT_NOTE. */
static size_t make_kernel(const char *features)
{
    uint8_t *p = image;
    uint64_t entry = VBASE + 0x1000;
    size_t n = 0x200, notes;
    struct { uint32_t type, flags; uint64_t off, vaddr, paddr, filesz, memsz, align; } ph[2];

    memset(image, 0, sizeof(image));
    memcpy(p, "\177ELF\2\1\1", 7);
    p[16] = 2;                          /* ET_EXEC */
    p[18] = 62;                         /* EM_X86_64 */
    p[20] = 1;
    memcpy(p + 24, &entry, 8);
    p[32] = 64;                         /* e_phoff */
    p[52] = 64;                         /* e_ehsize */
    p[54] = 56;                         /* e_phentsize */
    p[56] = 2;                          /* e_phnum */
    notes = n;
    n += note(p + n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
    n += note(p + n, XEN_ELFNOTE_GUEST_OS, "linux", 6);
    n += note(p + n, XEN_ELFNOTE_VIRT_BASE, &(uint64_t){ VBASE }, 8);
    n += note(p + n, XEN_ELFNOTE_PADDR_OFFSET, &(uint64_t){ 0 }, 8);
    n += note(p + n, XEN_ELFNOTE_ENTRY, &entry, 8);
    if (features)
        n += note(p + n, XEN_ELFNOTE_FEATURES, features, (uint32_t)strlen(features) + 1);
    ph[0] = (typeof(ph[0])){ 1, 7, 0, VBASE, 0, sizeof(image), sizeof(image) + 0x1000, 4096 };
    ph[1] = (typeof(ph[1])){ 4, 4, notes, VBASE + notes, notes, n - notes, n - notes, 4 };
    memcpy(p + 64, ph, sizeof(ph));
    return sizeof(image);
}

TEST(linux_features_accepted)
{
    struct elf_image img;
    size_t len = make_kernel("!writable_page_tables|pae_pgdir_above_4gb");

    CHECK(elf_parse(image, len, ELF_FEATURES_SUPPORTED, &img) == NULL);
    CHECK_EQ(img.features_required[0], 1u << XENFEAT_writable_page_tables);
    CHECK_EQ(img.entry, VBASE + 0x1000);
}

TEST(missing_feature_refused_by_name)
{
    struct elf_image img;
    size_t len = make_kernel("writable_page_tables|!auto_translated_physmap");
    const char *why = elf_parse(image, len, ELF_FEATURES_SUPPORTED, &img);

    CHECK(why != NULL);
    CHECK_STR(why, "FEATURES note requires auto_translated_physmap, which this "
                   "hypervisor lacks");
    len = make_kernel("!supervisor_mode_kernel");
    CHECK_STR(elf_parse(image, len, ELF_FEATURES_SUPPORTED, &img),
              "FEATURES note requires supervisor_mode_kernel, which this hypervisor lacks");
    len = make_kernel("!no_such_thing");
    CHECK_STR(elf_parse(image, len, ELF_FEATURES_SUPPORTED, &img),
              "FEATURES note requires an unknown feature");
}

TEST(without_writable_page_tables_in_the_list_it_would_be_refused)
{
    struct elf_image img;
    size_t len = make_kernel("!writable_page_tables");

    CHECK_STR(elf_parse(image, len, ELF_FEATURES_SUPPORTED &
                        ~(1u << XENFEAT_writable_page_tables), &img),
              "FEATURES note requires writable_page_tables, which this hypervisor lacks");
}
