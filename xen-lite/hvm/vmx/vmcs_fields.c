/* The SDM's names of the VMCS fields, for failure reports (asm/vmcs.h). */
#include "asm/vmcs.h"
#include "xen/lib.h"

static const struct {
    uint32_t encoding;
    const char *name;
} fields[] = {
#define VMCS_NAME(name, enc) { enc, #name },
    VMCS_FIELDS(VMCS_NAME)
#undef VMCS_NAME
};

const char *vmcs_field_name(uint32_t field)
{
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
        if (fields[i].encoding == field)
            return fields[i].name;
    return NULL;
}
