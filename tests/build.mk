# Host unit tests (make unit).
#
# Every tests/unit/test_<x>.c becomes $(BUILD)/unit/test_<x>, built with
# HOST_CFLAGS (sanitizers) and -DUNIT_TEST, and linked with the framework's
# runner (tests/unit/unit_main.c) and the sources listed in
# UNIT_SRCS_test_<x>.  Adding a test is the test file plus one line here:
#
#     UNIT_SRCS_test_cmdline := xen-lite/common/cmdline.c

UNIT_SRCS_test_unit :=
UNIT_SRCS_test_cmdline := xen-lite/common/cmdline.c xen-lite/lib/strtoull.c
UNIT_SRCS_test_multiboot2 := xen-lite/arch/x86/multiboot.c
UNIT_SRCS_test_bootmem := xen-lite/mm/bootmem.c
UNIT_SRCS_test_page_alloc := xen-lite/mm/page_alloc.c
UNIT_SRCS_test_acpi := xen-lite/arch/x86/acpi.c tests/unit/copies.c
UNIT_SRCS_test_firmware := xen-lite/arch/x86/multiboot.c xen-lite/arch/x86/acpi.c \
	xen-lite/arch/x86/cpu_topology.c xen-lite/mm/bootmem.c tests/unit/copies.c
UNIT_SRCS_test_screen := xen-lite/common/screen.c
UNIT_SRCS_test_keymap := xen-lite/common/keymap.c
UNIT_SRCS_test_fbcon := xen-lite/common/fbcon.c xen-lite/common/screen.c xen-lite/common/font.c
UNIT_SRCS_test_vmx_caps := xen-lite/hvm/vmx/vmx_caps.c
UNIT_SRCS_test_vmx_exit := xen-lite/hvm/vmx/vmx_exit_info.c
UNIT_SRCS_test_vmx_check := xen-lite/hvm/vmx/vmx_caps.c xen-lite/hvm/vmx/vmx_check.c \
	xen-lite/hvm/vmx/vmx_check_guest.c xen-lite/hvm/vmx/vmcs_state.c xen-lite/hvm/vmx/vmcs_fields.c
UNIT_SRCS_test_timer_heap := xen-lite/common/timer.c
UNIT_SRCS_test_nospec :=
UNIT_SRCS_test_xlargs := dom0/xlargs.c dom0/xlargs_cmds.c tests/unit/sink.c
UNIT_SRCS_test_xlcfg := dom0/xlcfg.c dom0/xlcfg_syntax.c dom0/xlcfg_keys.c dom0/xlargs.c dom0/xlfmt.c \
	tests/unit/xlcfg_util.c tests/unit/sink.c
UNIT_SRCS_test_xlcfg_print := $(UNIT_SRCS_test_xlcfg)
UNIT_SRCS_test_xlfmt := dom0/xlfmt.c dom0/xlcfg.c dom0/xlcfg_syntax.c dom0/xlcfg_keys.c dom0/xlargs.c \
	tests/unit/sink.c
UNIT_SRCS_test_xlstate := dom0/xlstate.c dom0/xlfmt.c dom0/xlcfg.c dom0/xlcfg_syntax.c dom0/xlcfg_keys.c dom0/xlargs.c \
	tests/unit/sink.c
UNIT_SRCS_test_balloon_policy := dom0/balloon_policy.c
SHADOW_SRCS := $(wildcard xen-lite/hvm/shadow/*.c) xen-lite/arch/x86/ptwr_insn.c \
	tests/unit/fake_p2m.c tests/unit/fake_frames.c xen-lite/mm/page_type.c xen-lite/mm/audit.c \
	xen-lite/arch/x86/pv/desc_check.c
UNIT_SRCS_test_shadow_fill := $(SHADOW_SRCS)
UNIT_SRCS_test_shadow_emulate := $(SHADOW_SRCS)
UNIT_SRCS_test_shadow_cache := $(SHADOW_SRCS)
UNIT_SRCS_test_shadow_rmap := $(SHADOW_SRCS)
UNIT_SRCS_test_pv_layout := xen-lite/arch/x86/pv/layout.c
UNIT_SRCS_test_pt_walk :=
UNIT_SRCS_test_p2m := xen-lite/mm/p2m.c
UNIT_SRCS_test_page_type := xen-lite/mm/page_type.c xen-lite/mm/audit.c tests/unit/fake_frames.c \
	xen-lite/arch/x86/pv/desc_check.c
UNIT_SRCS_test_audit := xen-lite/mm/audit.c xen-lite/mm/page_type.c tests/unit/fake_frames.c \
	xen-lite/arch/x86/pv/desc_check.c
UNIT_SRCS_test_libelf := xen-lite/common/libelf.c
UNIT_SRCS_test_ptwr_insn := xen-lite/arch/x86/ptwr_insn.c
UNIT_SRCS_test_cpuid_policy := xen-lite/arch/x86/pv/cpuid_policy.c
UNIT_SRCS_test_descriptors := xen-lite/arch/x86/pv/desc_check.c xen-lite/mm/page_type.c \
	xen-lite/mm/audit.c tests/unit/fake_frames.c
UNIT_SRCS_test_xljson := dom0/xljson.c dom0/xlcfg.c dom0/xlcfg_syntax.c dom0/xlcfg_keys.c dom0/xlargs.c \
	tests/unit/sink.c
UNIT_SRCS_test_dom0_mem := xen-lite/common/dom0_mem.c
UNIT_SRCS_test_textmatch := dom0/textmatch.c
XS_CORE_SRCS := dom0/xs_map.c dom0/xs_node.c dom0/xs_store.c dom0/xs_ops.c \
	dom0/xs_watch.c dom0/xs_conn.c dom0/xs_proto.c dom0/xs_ring.c
UNIT_SRCS_test_xs_proto := $(XS_CORE_SRCS) tests/unit/xs_client.c
UNIT_SRCS_test_xs_store := $(XS_CORE_SRCS) tests/unit/xs_client.c
# test_vsnprintf includes lib/vsnprintf.c itself, under other names.
UNIT_SRCS_test_vsnprintf :=

UNIT_CPPFLAGS := -Ihypercalls -Ixen-lite/include -Itests/unit -DUNIT_TEST
UNIT_OBJDIR   := $(BUILD)/unit/obj
UNIT_TESTS    := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS     := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

unit_obj = $(patsubst %.c,$(UNIT_OBJDIR)/%.o,$(1))

# One object per source file, shared by every test that links it.
$(UNIT_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) $(UNIT_CPPFLAGS) -c -o $@ $<

define unit_test_rule
$(BUILD)/unit/$(1): $(call unit_obj,tests/unit/$(1).c tests/unit/unit_main.c $(UNIT_SRCS_$(1)))
	@echo "  HOSTLD  $$@"
	$$(Q)$$(CC) $$(HOST_CFLAGS) -o $$@ $$^
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

UNIT_ALL_SRCS := tests/unit/unit_main.c $(addprefix tests/unit/,$(addsuffix .c,$(UNIT_TESTS))) \
	$(foreach t,$(UNIT_TESTS),$(UNIT_SRCS_$(t)))
-include $(patsubst %.c,$(UNIT_OBJDIR)/%.d,$(sort $(UNIT_ALL_SRCS)))

# make test runs the unit tests too.
test: $(UNIT_BINS)
