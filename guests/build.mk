# PV guests: the guest library and every guest built on it.
#
# guests/lib/ becomes $(BUILD)/guests/lib.a; every other directory
# guests/<name>/ (all its .c and .S files) becomes the ELF kernel
# $(BUILD)/guests/<name>, linked at VIRT_BASE with guests/lib/guest.lds.
# head.o (entry point, ELF notes, hypercall page) is linked explicitly
# because nothing references it; libc_min.o (memset, memcpy, ...) is kept
# out of lib.a so that a guest with a real C library can leave it out.

GUEST_OUT  := $(BUILD)/guests
GUEST_OBJ  := $(GUEST_OUT)/obj
GUEST_LIBDIR := guests/lib

GUEST_CFLAGS := $(BARE_CFLAGS) -fno-pie -fno-pic -mcmodel=kernel \
	-mgeneral-regs-only -fno-tree-loop-distribute-patterns \
	-Ihypercalls -I$(GUEST_LIBDIR)/include
GUEST_AFLAGS := -D__ASSEMBLY__ -Ihypercalls -I$(GUEST_LIBDIR)/include -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments -T $(GUEST_LIBDIR)/guest.lds

guest_objs = $(patsubst guests/%,$(GUEST_OBJ)/%.o,$(basename $(1)))

GUEST_LIB_SRCS := $(filter-out $(GUEST_LIBDIR)/head.S $(GUEST_LIBDIR)/libc_min.c, \
	$(wildcard $(GUEST_LIBDIR)/*.c $(GUEST_LIBDIR)/*.S))
GUEST_LIB      := $(GUEST_OUT)/lib.a
GUEST_HEAD     := $(GUEST_OBJ)/lib/head.o
GUEST_LIBC     := $(GUEST_OBJ)/lib/libc_min.o

GUEST_SRCS   = $(wildcard guests/$(1)/*.c guests/$(1)/*.S)
GUEST_DIRS  := $(filter-out lib,$(patsubst guests/%/,%,$(wildcard guests/*/)))
GUEST_NAMES := $(foreach g,$(GUEST_DIRS),$(if $(call GUEST_SRCS,$(g)),$(g)))
GUEST_BINS  := $(addprefix $(GUEST_OUT)/,$(GUEST_NAMES))

ALL_EXTRA += $(GUEST_BINS)

.PHONY: guests
## guests     build the PV guest library and test guests (BUILD/guests/<name>)
guests: $(GUEST_BINS)

$(GUEST_OBJ)/%.o: guests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OBJ)/%.o: guests/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_AFLAGS) -c -o $@ $<

$(GUEST_LIB): $(call guest_objs,$(GUEST_LIB_SRCS))
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

define guest_rule
$(GUEST_OUT)/$(1): $(call guest_objs,$(call GUEST_SRCS,$(1))) $(GUEST_HEAD) \
		$(GUEST_LIB) $(GUEST_LIBC) $(GUEST_LIBDIR)/guest.lds
	@echo "  LD      $$@"
	$$(Q)$$(LD) $$(GUEST_LDFLAGS) -o $$@ $(GUEST_HEAD) \
		$(call guest_objs,$(call GUEST_SRCS,$(1))) $(GUEST_LIB) $(GUEST_LIBC)
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rule,$(g))))

GUEST_ALL_SRCS := $(wildcard guests/*/*.c guests/*/*.S)
-include $(patsubst %.o,%.d,$(call guest_objs,$(GUEST_ALL_SRCS)))
