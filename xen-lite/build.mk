# The hypervisor: build/xen-lite, a Multiboot2 ELF linked at
# XEN_VIRT_START + 2 MiB.  Linked twice: the second link carries a symbol
# table (for call traces) generated from the first.

XEN_DIR   := xen-lite
XEN_OUT   := $(BUILD)/xen-lite.d

XEN_SRCS  := $(wildcard $(XEN_DIR)/arch/x86/*.c $(XEN_DIR)/arch/x86/*.S \
	$(XEN_DIR)/mm/*.c $(XEN_DIR)/common/*.c $(XEN_DIR)/lib/*.c \
	$(XEN_DIR)/hvm/*.c $(XEN_DIR)/hvm/*/*.c $(XEN_DIR)/hvm/*/*.S \
	$(XEN_DIR)/arch/x86/pv/*.c)
XEN_OBJS  := $(patsubst $(XEN_DIR)/%,$(XEN_OUT)/%.o,$(basename $(XEN_SRCS)))

XEN_CFLAGS := $(BARE_CFLAGS) -D__XEN_HYPERVISOR__ -fpie -include $(XEN_DIR)/include/xen/visibility.h -mgeneral-regs-only -mpreferred-stack-boundary=3 \
	-I$(XEN_DIR)/include -Ihypercalls -I$(XEN_OUT)/include
XEN_AFLAGS := -D__ASSEMBLY__ -I$(XEN_DIR)/include -Ihypercalls -I$(XEN_OUT)/include -MMD -MP
XEN_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=sha1 \
	--no-warn-rwx-segments

ASM_OFFSETS := $(XEN_OUT)/include/asm/asm-offsets.h

# Its .d names the header itself, so a change to any structure it measures
# (struct vcpu embeds timers, struct domain locks...) regenerates it.
$(ASM_OFFSETS): $(XEN_DIR)/asm-offsets.c $(wildcard $(XEN_DIR)/include/asm/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(XEN_CFLAGS) -MT $@ -MF $@.d -S -o $@.s $<
	$(Q)sed -n 's/.*->\([A-Za-z_0-9]*\) \$$\{0,1\}\([-0-9]*\).*/#define \1 \2/p' $@.s > $@.tmp
	$(Q)mv $@.tmp $@

$(XEN_OUT)/%.o: $(XEN_DIR)/%.c | $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(XEN_CFLAGS) -c -o $@ $<

$(XEN_OUT)/%.o: $(XEN_DIR)/%.S $(ASM_OFFSETS)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(XEN_AFLAGS) -c -o $@ $<

$(XEN_OUT)/xen.lds: $(XEN_DIR)/xen.lds.S $(XEN_DIR)/include/asm/config.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -D__ASSEMBLY__ -I$(XEN_DIR)/include -x c -o $@ $<

$(XEN_OUT)/nosyms.o:
	@mkdir -p $(dir $@)
	$(Q)printf '.section .symbols, "a"\n.balign 8\n.quad 0\n' | $(CC) -c -x assembler -o $@ -

$(XEN_OUT)/xen-syms.0: $(XEN_OBJS) $(XEN_OUT)/nosyms.o $(XEN_OUT)/xen.lds
	$(Q)$(LD) $(XEN_LDFLAGS) -T $(XEN_OUT)/xen.lds -o $@ $(XEN_OBJS) $(XEN_OUT)/nosyms.o

$(XEN_OUT)/symbols.o: $(XEN_OUT)/xen-syms.0 tools/gensyms
	$(Q)$(NM) -n $< | $(PYTHON) tools/gensyms > $(XEN_OUT)/symbols.S
	$(Q)$(CC) -c -o $@ $(XEN_OUT)/symbols.S

$(BUILD)/xen-lite: $(XEN_OUT)/symbols.o
	@echo "  LD      $@"
	$(Q)$(LD) $(XEN_LDFLAGS) -T $(XEN_OUT)/xen.lds -o $@ $(XEN_OBJS) $(XEN_OUT)/symbols.o

-include $(XEN_OBJS:.o=.d) $(ASM_OFFSETS).d

# Flags live here: a change to this file rebuilds the hypervisor.
$(XEN_OBJS) $(ASM_OFFSETS): $(XEN_DIR)/build.mk
