# libFuzzer harnesses for the parsers that take what a guest, a boot loader,
# firmware or a user hands over (make fuzz-parsers).
#
# Every tests/fuzz/fuzz_<x>.c becomes $(BUILD)/fuzz/fuzz_<x>, built with
# clang's -fsanitize=fuzzer plus ASan and UBSan and linked with the sources
# listed in FUZZ_SRCS_fuzz_<x> (compiled for the host as the unit tests
# are, -DUNIT_TEST).  tools/fuzz-parsers runs each for FUZZ_SECONDS over
# its corpus (tests/fuzz/corpus/<x>/, and what the build offers as seeds).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wshadow \
	-Wno-unused-parameter -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -MMD -MP
FUZZ_CPPFLAGS := $(UNIT_CPPFLAGS)
FUZZ_OBJDIR  := $(BUILD)/fuzz/obj

FUZZ_SRCS_fuzz_xlcfg     := dom0/xlcfg.c dom0/xlcfg_syntax.c dom0/xlcfg_keys.c \
	dom0/xlargs.c dom0/xlfmt.c
FUZZ_SRCS_fuzz_xenstore  := $(XS_CORE_SRCS)
FUZZ_SRCS_fuzz_elf       := xen-lite/common/libelf.c
FUZZ_SRCS_fuzz_bzimage   := dom0/kernel_image.c xen-lite/common/libelf.c
FUZZ_LIBS_fuzz_bzimage   := -llzma
FUZZ_SRCS_fuzz_multiboot2 := xen-lite/arch/x86/multiboot.c
FUZZ_SRCS_fuzz_acpi      := xen-lite/arch/x86/acpi.c tests/unit/copies.c
FUZZ_SRCS_fuzz_page_type := xen-lite/mm/page_type.c xen-lite/mm/audit.c \
	tests/unit/fake_frames.c xen-lite/arch/x86/pv/desc_check.c

FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS      := $(addprefix $(BUILD)/fuzz/,$(FUZZ_HARNESSES))

fuzz_obj = $(patsubst %.c,$(FUZZ_OBJDIR)/%.o,$(1))

# Coverage instrumentation everywhere; libFuzzer's main only at the link.
$(FUZZ_OBJDIR)/%.o: %.c
	@mkdir -p $(@D)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_CPPFLAGS) -c -o $@ $<

define fuzz_rule
$(BUILD)/fuzz/$(1): $(call fuzz_obj,tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)))
	@echo "  FUZZLD  $$@"
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -o $$@ $$^ $(FUZZ_LIBS_$(1))
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_rule,$(h))))

-include $(patsubst %.c,$(FUZZ_OBJDIR)/%.d,$(sort $(addprefix tests/fuzz/,\
	$(addsuffix .c,$(FUZZ_HARNESSES))) $(foreach h,$(FUZZ_HARNESSES),$(FUZZ_SRCS_$(h)))))

.PHONY: fuzz-parsers fuzz-parsers-build
## fuzz-parsers  every libFuzzer harness for FUZZ_SECONDS (60) with ASan+UBSan (FUZZ_ONLY=xlcfg,...)
fuzz-parsers: $(FUZZ_BINS) all
	$(Q)$(PYTHON) tools/fuzz-parsers --build $(BUILD) --seconds $(FUZZ_SECONDS) $(if $(FUZZ_ONLY),--only $(FUZZ_ONLY))

fuzz-parsers-build: $(FUZZ_BINS)

# make test (and make unit) replay every harness's corpus once.
test unit: $(FUZZ_BINS)
