# xen-lite: one Makefile drives everything.  `make help` lists the targets.
#
# Each part of the tree contributes a fragment (xen-lite/build.mk,
# guests/build.mk, dom0/build.mk, tests/build.mk); this file holds only the
# shared settings and the user-facing targets.

BUILD    ?= build
PYTHON   ?= python3
V        ?= 0

ifeq ($(V),0)
Q := @
else
Q :=
endif

CC       := gcc
LD       := ld
OBJCOPY  := objcopy
NM       := nm

# Flags common to everything that runs on the bare machine (hypervisor and
# guests): freestanding, no red zone (interrupts land on the same stack), no
# implicit stack protector or PIC/PLT helpers from the host toolchain.
BARE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
	-ffreestanding -fno-builtin-printf -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -mno-red-zone -fno-common \
	-fcf-protection=none -MMD -MP

# Host-side unit tests: the same strict warnings plus sanitizers.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow \
	-Wno-unused-parameter -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP

.DEFAULT_GOAL := all

include xen-lite/build.mk
-include guests/build.mk
-include dom0/build.mk
include tests/build.mk
include tests/fuzz/build.mk

.PHONY: all iso deps run test test-bochs fuzz fuzz-hc soak unit scenarios matrix bench install \
	uninstall usb clean help

## all        build the hypervisor, guests, dom0 and the boot ISO (default)
all: $(BUILD)/xen-lite $(BUILD)/xen-lite.iso $(ALL_EXTRA)

## iso        build build/xen-lite.iso (GRUB, Multiboot2, timeout 0)
iso: $(BUILD)/xen-lite.iso

$(BUILD)/xen-lite.iso: $(BUILD)/xen-lite $(ISO_MODULES) tools/mkiso tools/xliso.py
	@echo "  ISO     $@"
	$(Q)$(PYTHON) tools/mkiso -o $@ --xen $(BUILD)/xen-lite $(ISO_ARGS)

## deps       install every Debian package the project needs (idempotent)
deps:
	$(Q)tools/deps.sh

## run        install deps, build, and boot xen-lite in QEMU on this terminal
run: deps all
	$(Q)$(PYTHON) tools/boot --interactive --mem 1024 $(RUN_ARGS)

## test       everything CI runs: unit tests and boot scenarios, one summary
test: all
	$(Q)$(PYTHON) tools/testall --build $(BUILD)

## test-bochs every scenario under Bochs (Intel VMX), the long ones too
test-bochs: all
	$(Q)$(PYTHON) tools/testall --build $(BUILD) --only scenarios --long -k 'bochs_*'

## fuzz       the fuzzers, for as long as they take: fuzz-hc, then fuzz-parsers
fuzz: fuzz-hc fuzz-parsers

## fuzz-hc    hc-fuzz's long streams, as a domU beside a checked one and as dom0 (HC_FUZZ_SEED, HC_FUZZ_CALLS: 10^6)
fuzz-hc: all
	$(Q)HC_FUZZ_SEED=$(HC_FUZZ_SEED) HC_FUZZ_CALLS=$(HC_FUZZ_CALLS) \
		$(PYTHON) tools/testall --build $(BUILD) --only scenarios --long -k 'hc_fuzz_long*'

## soak       1,000 create/destroy cycles of mixed guests give every frame back (SOAK_CYCLES)
soak: all
	$(Q)SOAK_CYCLES=$(SOAK_CYCLES) \
		$(PYTHON) tools/testall --build $(BUILD) --only scenarios --long -k 'soak_mixed*'

## unit       host-compiled unit tests (ASan + UBSan)
unit: $(UNIT_BINS)
	$(Q)$(PYTHON) tools/testall --build $(BUILD) --only unit

## scenarios  booted scenarios under QEMU (tests/scenarios)
scenarios: all
	$(Q)$(PYTHON) tools/testall --build $(BUILD) --only scenarios

## matrix     boot the matrix of configurations (tools/boot-matrix; MATRIX_ARGS)
matrix: all
	$(Q)$(PYTHON) tools/boot-matrix --build $(BUILD) -j 2 $(MATRIX_ARGS)

## bench      benchmarks against Xen 4.17 in the same emulator
bench: all
	$(Q)$(PYTHON) tools/bench --build $(BUILD)

# Installation (GNU conventions: DESTDIR stages, PREFIX places the
# documentation).  GRUB reads /etc/grub.d and the boot files from /boot
# whatever PREFIX is, so those two have their own variables.
VERSION    := $(shell sed -n 's/^\#define XEN_LITE_VERSION "\(.*\)"/\1/p' \
	xen-lite/include/xen/setup.h)
PREFIX     ?= /usr/local
BOOTDIR    ?= /boot
SYSCONFDIR ?= /etc
DOCDIR     ?= $(PREFIX)/share/doc/xen-lite
GRUB_D     := tools/grub.d/20_xen-lite.in
INSTALLED  := xen-lite-$(VERSION) dom0-$(VERSION) dom0-$(VERSION).cpio

# $(call install_into,ROOT): the hypervisor and dom0 (without debugging
# sections) and dom0's ramdisk in BOOTDIR/xen-lite, the GRUB script, the
# README.
define install_into
	$(Q)install -d $(1)$(BOOTDIR)/xen-lite $(1)$(SYSCONFDIR)/grub.d $(1)$(DOCDIR)
	$(Q)strip --strip-debug -o $(1)$(BOOTDIR)/xen-lite/xen-lite-$(VERSION) $(BUILD)/xen-lite
	$(Q)strip --strip-debug -o $(1)$(BOOTDIR)/xen-lite/dom0-$(VERSION) $(BUILD)/dom0/dom0
	$(Q)chmod 644 $(1)$(BOOTDIR)/xen-lite/xen-lite-$(VERSION) $(1)$(BOOTDIR)/xen-lite/dom0-$(VERSION)
	$(Q)install -m 644 $(BUILD)/dom0/ramdisk.cpio $(1)$(BOOTDIR)/xen-lite/dom0-$(VERSION).cpio
	$(Q)sed 's|@BOOTDIR@|$(BOOTDIR)|g' $(GRUB_D) > $(1)$(SYSCONFDIR)/grub.d/20_xen-lite
	$(Q)chmod 755 $(1)$(SYSCONFDIR)/grub.d/20_xen-lite
	$(Q)install -m 644 README.md $(1)$(DOCDIR)/README.md
endef

## install    install into DESTDIR (PREFIX, BOOTDIR, SYSCONFDIR); then update-grub
install: all
	@echo "  INSTALL $(DESTDIR)$(BOOTDIR)/xen-lite, $(DESTDIR)$(SYSCONFDIR)/grub.d/20_xen-lite"
	$(call install_into,$(DESTDIR))

## uninstall  remove what make install put there
uninstall:
	$(Q)rm -f $(addprefix $(DESTDIR)$(BOOTDIR)/xen-lite/,$(INSTALLED)) \
		$(DESTDIR)$(SYSCONFDIR)/grub.d/20_xen-lite $(DESTDIR)$(DOCDIR)/README.md
	$(Q)rmdir $(DESTDIR)$(BOOTDIR)/xen-lite $(DESTDIR)$(DOCDIR) 2>/dev/null || true

## usb        build/xen-lite-usb.img: boots BIOS and UEFI from a USB stick or disk
usb: $(BUILD)/xen-lite-usb.img

USB_ROOT := $(BUILD)/usb-root

$(BUILD)/xen-lite-usb.img: $(BUILD)/xen-lite $(ISO_MODULES) $(GRUB_D) README.md \
		tools/mkusb tools/xliso.py
	@echo "  USB     $@"
	$(Q)rm -rf $(USB_ROOT)
	$(call install_into,$(USB_ROOT))
	$(Q)$(PYTHON) tools/mkusb --root $(USB_ROOT) -o $@

## clean      remove build/ (the cached newlib, liblzma, Xen 4.17 and Debian packages survive: clean-all)
clean:
	$(Q)find $(BUILD) -mindepth 1 -maxdepth 1 ! -name newlib ! -name xen-4.17 ! -name liblzma \
		! -name debian -exec rm -rf {} + 2>/dev/null || true

clean-all:
	rm -rf $(BUILD)

## help       this list
help:
	@sed -n 's/^## /  make /p' $(MAKEFILE_LIST)
