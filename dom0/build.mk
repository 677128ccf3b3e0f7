# dom0: newlib, the dom0 kernel and its ramdisk.
#
# newlib is built once from Debian's newlib-source tarball into
# $(BUILD)/newlib (tools/newlib.sh; about a minute) and kept until
# `make clean-all`: its stamp file has no prerequisites, so it is rebuilt
# only when missing.  dom0 ($(BUILD)/dom0/dom0) is a PV kernel like the
# guests -- guests/lib's head.o and lib.a -- linked with newlib's libc and
# libm instead of libc_min.o, and compiled with SSE (newlib's printf uses
# it).  The ramdisk ($(BUILD)/dom0/ramdisk.cpio, a newc cpio archive) holds
# dom0/rootfs/ and every guest kernel as /boot/<name> (without its debugging
# sections: the boot loader reads the whole archive).

NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_DIR     := $(BUILD)/newlib
NEWLIB_STAMP   := $(NEWLIB_DIR)/stamp
NEWLIB_SYSROOT := $(NEWLIB_DIR)/x86_64-elf

# liblzma's decoder (bzImage kernels), built once from Debian's xz-utils
# source (fetched by tools/debian.sh) into $(BUILD)/liblzma, kept like newlib.
LIBLZMA_DIR   := $(BUILD)/liblzma
LIBLZMA_STAMP := $(LIBLZMA_DIR)/stamp

DOM0_OUT     := $(BUILD)/dom0
DOM0_OBJ     := $(DOM0_OUT)/obj
DOM0_KERNEL  := $(DOM0_OUT)/dom0
DOM0_RAMDISK := $(DOM0_OUT)/ramdisk.cpio

DOM0_SRCS := $(wildcard dom0/*.c)
DOM0_OBJS := $(patsubst dom0/%.c,$(DOM0_OBJ)/%.o,$(DOM0_SRCS))
# One copy of the ELF/notes checks and of the start-of-day layout, shared
# with the hypervisor's dom0 builder.
DOM0_SHARED := libelf layout dom0_mem
DOM0_OBJS += $(patsubst %,$(DOM0_OBJ)/shared/%.o,$(DOM0_SHARED))

# newlib's headers first, then the compiler's own (stddef.h, stdarg.h).
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
DOM0_CFLAGS := $(filter-out -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-builtin-printf,$(BARE_CFLAGS)) \
	-nostdinc -isystem $(NEWLIB_SYSROOT)/include -isystem $(GCC_INCLUDE) \
	-isystem $(LIBLZMA_DIR)/include \
	-fno-pie -fno-pic -mcmodel=kernel -Ihypercalls -I$(GUEST_LIBDIR)/include \
	-iquote xen-lite/include

# Code that runs inside event handlers must leave SSE registers alone (the
# upcall path does not save them).
DOM0_GENERAL_REGS_ONLY := syscalls

DOM0_LIBS := $(LIBLZMA_DIR)/liblzma.a $(NEWLIB_SYSROOT)/lib/libc.a $(NEWLIB_SYSROOT)/lib/libm.a \
	$(shell $(CC) -print-libgcc-file-name)

ALL_EXTRA   += $(DOM0_KERNEL) $(DOM0_RAMDISK)
ISO_MODULES += $(DOM0_KERNEL) $(DOM0_RAMDISK)
ISO_ARGS    += --module $(DOM0_KERNEL) --module $(DOM0_RAMDISK)

.PHONY: dom0 newlib
## dom0       build newlib (once), dom0 and its ramdisk (BUILD/dom0/)
dom0: $(DOM0_KERNEL) $(DOM0_RAMDISK)
newlib: $(NEWLIB_STAMP)

$(NEWLIB_STAMP):
	$(Q)if [ ! -f $(NEWLIB_TARBALL) ]; then tools/deps.sh; fi
	@echo "  NEWLIB  $(NEWLIB_DIR) (once; about a minute, log: $(NEWLIB_DIR)/build.log)"
	$(Q)tools/newlib.sh $(NEWLIB_TARBALL) $(NEWLIB_DIR)

$(LIBLZMA_STAMP): | $(NEWLIB_STAMP)
	@echo "  LIBLZMA $(LIBLZMA_DIR) (once, from Debian's xz-utils source)"
	$(Q)BUILD=$(BUILD) tools/liblzma.sh $(NEWLIB_SYSROOT)/include $(LIBLZMA_DIR)

$(DOM0_OBJ)/%.o: dom0/%.c | $(NEWLIB_STAMP) $(LIBLZMA_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DOM0_CFLAGS) $(if $(filter $(DOM0_GENERAL_REGS_ONLY),$*), \
		-mgeneral-regs-only) -c -o $@ $<

$(DOM0_OBJ)/shared/%.o: xen-lite/common/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DOM0_CFLAGS) -c -o $@ $<

$(DOM0_OBJ)/shared/%.o: xen-lite/arch/x86/pv/%.c | $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(DOM0_CFLAGS) -c -o $@ $<

$(DOM0_KERNEL): $(GUEST_HEAD) $(DOM0_OBJS) $(GUEST_LIB) $(NEWLIB_STAMP) $(LIBLZMA_STAMP) \
		$(GUEST_LIBDIR)/guest.lds
	@echo "  LD      $@"
	$(Q)$(LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_HEAD) $(DOM0_OBJS) \
		--start-group $(GUEST_LIB) $(DOM0_LIBS) --end-group

# The ramdisk: sorted, owned by root, with fixed times (-reproducible), so
# the same inputs give the same archive.
DOM0_ROOTFS_FILES := $(shell find dom0/rootfs -type f 2>/dev/null)

$(DOM0_RAMDISK): $(DOM0_ROOTFS_FILES) $(GUEST_BINS) dom0/build.mk
	@echo "  CPIO    $@"
	$(Q)rm -rf $@.root && mkdir -p $@.root/boot $@.root/tmp
	$(Q)cp -R dom0/rootfs/. $@.root/
	$(Q)for g in $(GUEST_BINS); do strip --strip-debug -o $@.root/boot/$$(basename $$g) $$g; done
	$(Q)cd $@.root && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --reproducible --quiet > ../$(notdir $@).tmp
	$(Q)rm -rf $@.root && mv $@.tmp $@

-include $(patsubst %.o,%.d,$(DOM0_OBJS))
