/*
 * Link the hypervisor at XEN_VIRT_START + its physical load address, so that
 * virtual = physical + XEN_VIRT_START for the whole image.  GRUB loads the
 * segments at their physical (LMA) addresses.
 */
#include "asm/config.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start)

PHDRS
{
    text PT_LOAD FLAGS(5);
    data PT_LOAD FLAGS(6);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_LOAD_ADDR;
    __image_start = .;

    .text : AT(ADDR(.text) - XEN_VIRT_START) {
        *(.text.head)
        *(.text .text.*)
        *(.fixup.text)
        *(.init.text)
        . = ALIGN(PAGE_SIZE);
        *(.stubs)                       /* code written at boot */
        . = ALIGN(PAGE_SIZE);
        _etext = .;
    } :text

    /* Text, read-only data and data each start a page: they differ in
     * their mappings (protect_xen_image). */
    .rodata : AT(ADDR(.rodata) - XEN_VIRT_START) {
        __rodata_start = .;
        *(.rodata .rodata.*)
        . = ALIGN(8);
        __start_ex_table = .;
        *(.ex_table)
        __stop_ex_table = .;
        . = ALIGN(4);
        __note_gnu_build_id_start = .;  /* ld --build-id: xl info's build_id */
        *(.note.gnu.build-id)
        __note_gnu_build_id_end = .;
        . = ALIGN(8);
        __start_smap_stac = .;
        *(.smap_stac)
        __stop_smap_stac = .;
        __start_smap_clac = .;
        *(.smap_clac)
        __stop_smap_clac = .;
        . = ALIGN(8);
        __symbols_start = .;
        *(.symbols)
        __symbols_end = .;
    } :text

    . = ALIGN(PAGE_SIZE);
    .data : AT(ADDR(.data) - XEN_VIRT_START) {
        __data_start = .;
        *(.data.page_aligned)
        . = ALIGN(8);
        __param_start = .;
        *(.data.param)
        __param_end = .;
        *(.data .data.*)
    } :data

    . = ALIGN(PAGE_SIZE);
    .bss : AT(ADDR(.bss) - XEN_VIRT_START) {
        __bss_start = .;
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
        . = ALIGN(PAGE_SIZE);
        __bss_end = .;
    } :data

    __image_end = .;

    /DISCARD/ : {
        *(.comment) *(.note.*) *(.eh_frame) *(.discard)
    }
}
