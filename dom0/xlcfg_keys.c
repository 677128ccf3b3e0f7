/*
 * What the xl.cfg reader says about a key xen-lite does not use (see
 * xlcfg.h): one that Xen's xl knows is "not supported by xen-lite"; any
 * other is "unknown", with the nearest key xen-lite uses when it looks
 * like a typo of one.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "xlcfg_int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)    ((a) < (b) ? (a) : (b))

/*
 * Keys Xen 4.17's xl reads (tools/xl/xl_parse.c) that xen-lite does not
 * use: devices it does not emulate, HVM and device-model settings,
 * scheduler and platform tuning.  They are "not supported", not
 * "unknown".
 */
static const char *const xl_only_keys[] = {
    "acpi", "acpi_firmware", "acpi_laptop_slate", "acpi_s3", "acpi_s4",
    "altp2m", "altp2mhvm", "apic", "bios", "bios_path_override", "boot",
    "bootloader", "bootloader_args", "channel", "cpuid", "device_model", "device_model_args",
    "device_model_args_hvm", "device_model_args_pv",
    "device_model_override", "device_model_stubdomain_override",
    "device_model_stubdomain_seclabel", "device_model_user",
    "device_model_version", "device_tree", "disk", "dm_restrict",
    "driver_domain", "dtdev", "e820_host", "extratime", "firmware",
    "firmware_override", "gfx_passthru", "gic_version", "hdtype", "hpet",
    "init_seclabel", "iomem", "ioports", "irqs", "keymap", "latency",
    "localtime", "max_event_channels", "max_grant_frames",
    "max_grant_version", "max_maptrack_frames", "mca_caps", "mmio_hole",
    "ms_vm_genid", "msr_relaxed", "nestedhvm", "nographic", "nomigrate",
    "nx", "on_soft_reset", "on_watchdog", "oos", "opengl", "p9", "pae",
    "passthrough", "pci", "pci_msitranslate", "pci_permissive",
    "pci_power_mgmt", "pci_seize", "period", "pool", "pvcalls", "pvshim",
    "pvshim_cmdline", "pvshim_extra", "pvshim_path", "rdm",
    "rdm_mem_boundary", "rtc_timeoffset", "sdl", "seclabel", "serial",
    "slice", "smbios_firmware", "soundhw", "spice",
    "spice_clipboard_sharing", "spice_image_compression",
    "spice_streaming_video", "spiceagent_mouse", "spicedisable_ticketing",
    "spicehost", "spicepasswd", "spiceport", "spicetls_port",
    "spiceusbredirection", "spicevdagent", "stdvga", "stubdomain_cmdline",
    "stubdomain_kernel", "stubdomain_memory", "stubdomain_ramdisk", "tee",
    "timer_mode", "tsc_mode", "usb", "usbctrl", "usbdev", "usbdevice",
    "usbversion", "vdispl", "vendor_device", "vfb",
    "vga", "videoram", "vif", "viridian", "vkb", "vkb_device",
    "vmtrace_buf_kb", "vnc", "vncdisplay", "vnclisten", "vncpasswd",
    "vncunused", "vncviewer", "vnuma", "vpmu", "vpt_align", "vsnd", "vtpm",
    "vuart", "xauthority", "xen_platform_pci", "xend_suspend_evtchn_compat",
};

static bool xl_only(const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(xl_only_keys); i++)
        if (!strcmp(xl_only_keys[i], key))
            return true;
    return false;
}

/* Edits (insert, delete, change, swap two neighbours) from a to b, or
 * more than max if there are more. */
static size_t distance(const char *a, const char *b, size_t max)
{
    size_t la = strlen(a), lb = strlen(b), d[3][33];

    if (la > 32 || lb > 32 || (la > lb ? la - lb : lb - la) > max)
        return max + 1;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t *row = d[i % 3], *up = d[(i - 1) % 3], *up2 = d[(i + 1) % 3];

        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t c = up[j - 1] + (tolower((unsigned char)a[i - 1]) !=
                                    tolower((unsigned char)b[j - 1]));

            c = MIN(c, MIN(up[j], row[j - 1]) + 1);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                c = MIN(c, up2[j - 2] + 1);
            row[j] = c;
        }
    }
    return d[la % 3][lb];
}

/* The key xen-lite uses that key is most likely a typo of, or NULL. */
static const char *nearest_key(const char *key)
{
    size_t best = strlen(key) > 4 ? 2 : 1, d;
    const char *found = NULL, *known;

    for (size_t i = 0; (known = xlcfg_rule_key(i)); i++)
        if ((d = distance(key, known, best)) <= best && (!found || d < best))
            found = known, best = d;
    return found;
}

void xlcfg_report_key(FILE *err, const char *source, int line,
                      const char *key)
{
    const char *near;

    if (xl_only(key))
        xlcfg_report(err, source, line, "'%s' is not supported by xen-lite "
                     "(ignored)", key);
    else if ((near = nearest_key(key)))
        xlcfg_report(err, source, line, "unknown key '%s' (did you mean "
                     "'%s'?)", key, near);
    else
        xlcfg_report(err, source, line, "unknown key '%s'", key);
}
