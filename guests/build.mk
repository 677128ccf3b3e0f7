# Guests: the guest library (PV, and its HVM flavour) and every guest built on it.
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

# The HVM (PVH) flavour: guests/hvm-* link with lib-hvm.a, which has the
# library's common sources and guests/lib/hvm/ in place of the PV ones.
GUEST_LIB_PV_ONLY := $(addprefix $(GUEST_LIBDIR)/,entry.S start.c mm.c traps.c smp_pv.c \
	irq.c physmap.c)
GUEST_HVM_LIBDIR := $(GUEST_LIBDIR)/hvm
GUEST_HVM_LIB_SRCS := $(filter-out $(GUEST_LIB_PV_ONLY),$(GUEST_LIB_SRCS)) \
	$(filter-out $(GUEST_HVM_LIBDIR)/head.S,$(wildcard $(GUEST_HVM_LIBDIR)/*.c \
	$(GUEST_HVM_LIBDIR)/*.S))
GUEST_HVM_LIB  := $(GUEST_OUT)/lib-hvm.a
GUEST_HVM_HEAD := $(GUEST_OBJ)/lib/hvm/head.o
GUEST_HVM_LDFLAGS := $(filter-out -T $(GUEST_LIBDIR)/guest.lds,$(GUEST_LDFLAGS)) \
	-T $(GUEST_HVM_LIBDIR)/hvm.lds

# A guest may take sources of another: hvm-memvirt is memvirt's workloads
# on the PVH platform (its pvh.c in place of memvirt's pv.c).
GUEST_SHARED_hvm-memvirt := $(filter-out guests/memvirt/pv.c,$(wildcard guests/memvirt/*.c))
GUEST_SRCS   = $(wildcard guests/$(1)/*.c guests/$(1)/*.S) $(GUEST_SHARED_$(1))
GUEST_DIRS  := $(filter-out lib,$(patsubst guests/%/,%,$(wildcard guests/*/)))
GUEST_NAMES := $(foreach g,$(GUEST_DIRS),$(if $(call GUEST_SRCS,$(g)),$(g)))
GUEST_HVM_NAMES := $(filter hvm-%,$(GUEST_NAMES))
GUEST_PV_NAMES  := $(filter-out hvm-%,$(GUEST_NAMES))
# PV guests whose code uses only the library's common interface are also
# built as PVH guests, <name>-pvh, from the same objects.
GUEST_ALSO_PVH  := balloon-worker
GUEST_BINS  := $(addprefix $(GUEST_OUT)/,$(GUEST_NAMES) $(addsuffix -pvh,$(GUEST_ALSO_PVH)))

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

$(GUEST_HVM_LIB): $(call guest_objs,$(GUEST_HVM_LIB_SRCS))
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# guest_rule BINARY SOURCE-DIR HEAD LIB LDFLAGS LDSCRIPT
define guest_rule
$(GUEST_OUT)/$(1): $(call guest_objs,$(call GUEST_SRCS,$(2))) $(3) $(4) $(GUEST_LIBC) $(6)
	@echo "  LD      $$@"
	$$(Q)$$(LD) $(5) -o $$@ $(3) \
		$(call guest_objs,$(call GUEST_SRCS,$(2))) $(4) $(GUEST_LIBC)
endef
$(foreach g,$(GUEST_PV_NAMES),$(eval $(call guest_rule,$(g),$(g),$(GUEST_HEAD),$(GUEST_LIB),\
	$$(GUEST_LDFLAGS),$(GUEST_LIBDIR)/guest.lds)))
$(foreach g,$(GUEST_HVM_NAMES),$(eval $(call guest_rule,$(g),$(g),$(GUEST_HVM_HEAD),\
	$(GUEST_HVM_LIB),$$(GUEST_HVM_LDFLAGS),$(GUEST_HVM_LIBDIR)/hvm.lds)))
$(foreach g,$(GUEST_ALSO_PVH),$(eval $(call guest_rule,$(g)-pvh,$(g),$(GUEST_HVM_HEAD),\
	$(GUEST_HVM_LIB),$$(GUEST_HVM_LDFLAGS),$(GUEST_HVM_LIBDIR)/hvm.lds)))

GUEST_ALL_SRCS := $(wildcard guests/*/*.c guests/*/*.S guests/lib/hvm/*.c guests/lib/hvm/*.S)
-include $(patsubst %.o,%.d,$(call guest_objs,$(GUEST_ALL_SRCS)))
