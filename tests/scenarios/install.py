"""Installing on a real machine: make install into a scratch root, the
GRUB script it installs (/etc/grub.d/20_xen-lite, as update-grub runs it),
a disk image made from that root booted under QEMU; and make usb's image,
booted as a USB stick under a BIOS and as a SATA disk under UEFI, its menu
driven from the keyboard."""

import os
import re
import shutil
import subprocess
import threading

import xlmonitor
from xltest import scenario

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
VERSION = re.search(r'#define XEN_LITE_VERSION "(.*)"', open(os.path.join(
    ROOT, "xen-lite", "include", "xen", "setup.h")).read()).group(1)
V = re.escape(VERSION)
BOOT = "/boot/xen-lite"
USB_MENU = rf"xen-lite {V} \(self-test\)"


def run(t, argv, **kw):
    """Run a command from the top of the tree; its output, or a failure
    naming it."""
    p = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, **kw)
    t.check(p.returncode == 0, f"{' '.join(argv)}: exit {p.returncode}: "
            f"{p.stdout.strip()[-300:]}")
    return p.stdout


def make(t, *args):
    return run(t, ["make", "-s", f"BUILD={t.build}", *args])


def grub_d(t, root, env):
    """What the installed grub.d script writes for the scratch root."""
    return run(t, [os.path.join(root, "etc/grub.d/20_xen-lite")],
               env=dict(env, XEN_LITE_ROOT=root))


@scenario("install_into_a_root_and_boot_its_grub_entry")
def install_into_a_root(t):
    root = os.path.abspath(os.path.join(t.build, "test-logs",
                                        "install-root"))
    shutil.rmtree(root, ignore_errors=True)
    make(t, "install", f"DESTDIR={root}", "PREFIX=/usr")
    for path in (f"{BOOT}/xen-lite-{VERSION}", f"{BOOT}/dom0-{VERSION}",
                 f"{BOOT}/dom0-{VERSION}.cpio", "/etc/grub.d/20_xen-lite",
                 "/usr/share/doc/xen-lite/README.md"):
        t.check(os.path.isfile(root + path), f"make install left no {path}")
    grub_env = dict(os.environ, GRUB_CMDLINE_XEN_DEFAULT="loglvl=all",
                    GRUB_CMDLINE_XEN="maxcpus=4")
    out = grub_d(t, root, grub_env)
    t.expect(out, rf"^menuentry 'xen-lite {V}' --class xen .*\{{$")
    t.expect(out, rf"^\tmultiboot2\t{BOOT}/xen-lite-{V} console=vga,com1 "
             r"com1=115200,8n1 dom0_mem=256M loglvl=all maxcpus=4$")
    t.expect(out, rf"^\tmodule2\t{BOOT}/dom0-{V}$")
    t.expect(out, rf"^\tmodule2\t--nounzip {BOOT}/dom0-{V}\.cpio$")
    t.expect(out, rf"^\tmultiboot2\t{BOOT}/xen-lite-{V} console=vga,com1 "
             r"com1=115200,8n1 dom0_mem=256M maxcpus=4 selftest$")
    t.expect_count(out, r"^menuentry ", 2)
    image = os.path.join(t.build, "test-logs", "install-root.img")
    run(t, ["python3", "tools/mkusb", "--root", root, "-o", image,
            "--timeout", "0"], env=grub_env)
    r = t.boot(disk=f"sata:{image}", until="xen-lite# ")
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) Command line: console=vga,com1 com1=115200,8n1 "
             r"dom0_mem=256M loglvl=all maxcpus=4$")
    t.expect(r, r"\(XEN\) Console: VGA text 80x25")
    t.expect(r, r"^xen-lite dom0: 256 MiB")
    make(t, "uninstall", f"DESTDIR={root}", "PREFIX=/usr")
    t.check(not os.path.exists(root + BOOT), "make uninstall left " + BOOT)


_usb_lock = threading.Lock()


def usb_image(t):
    """make usb, once for the scenarios that boot it."""
    with _usb_lock:
        make(t, "usb")
    return os.path.join(t.build, "xen-lite-usb.img")


USB_BOOTS = {
    "bios_as_a_usb_stick": dict(firmware="bios", machine="pc", bus="usb"),
    "uefi_as_a_sata_disk": dict(firmware="uefi", machine="q35", bus="sata"),
}


@scenario("usb_image_boots_{how}", how=list(USB_BOOTS))
def usb_image_boots(t, how):
    """GRUB's menu comes up (on COM1 too); Down and Enter on the keyboard
    pick the self-test entry, which runs and powers the machine off."""
    how = USB_BOOTS[how]
    image = usb_image(t)
    with xlmonitor.LiveBoot(t.boot, disk=f"{how['bus']}:{image}",
                            firmware=how["firmware"],
                            machine=how["machine"], timeout=90) as live:
        try:
            live.wait_text(USB_MENU, timeout=60)
        except TimeoutError as e:
            t.fail(f"GRUB's menu: {e}")
        live.qmp.send_key("down")
        live.qmp.send_key("ret")
    r = live.result
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) Command line: console=vga,com1 com1=115200,8n1 "
             r"dom0_mem=256M selftest$")
    t.expect(r, r"\(XEN\) selftest: \d+ passed, 0 failed")
    t.expect(r, r"\(XEN\) Console: (VGA text|framebuffer)")
