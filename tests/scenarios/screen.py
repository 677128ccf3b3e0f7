"""The console on the screen and the PS/2 keyboard (console=vga,com1):
VGA text under a BIOS, the framebuffer with the built-in font under UEFI,
read from outside the machine (QMP pmemsave, screendump) and compared with
the serial log; keys typed with QMP's send-key."""

import re

import xlmonitor
import xlscreen
from xltest import scenario

PROMPT = "xen-lite#"
READY = r"^Type 'help' for the commands"
TYPED = "echo PS2 Keys: ABC xyz 0123456789 -_=+[]{}:,./@%^~!"


def wait_ready(live):
    """Until the serial line has everything up to dom0's prompt (the
    blank line after READY), so that it can be compared with the screen."""
    live.wait_line(r"^$", after=live.wait_line(READY) + 1)


def wait_prompt(t, live, log=""):
    """The screen once its last text row is dom0's prompt."""
    def probe():
        rows = xlscreen.read_screen(live, log)
        while rows and not rows[-1].strip():
            rows.pop()
        return rows if rows and rows[-1] == PROMPT else None
    try:
        return live.wait_for(probe, "the prompt on the screen")
    except TimeoutError as e:
        t.fail(f"{e}: screen shows {xlscreen.read_screen(live, log)[-3:]}")


def expect_screen_is_serial(t, live, screen):
    """The screen's rows above the prompt are the serial log's last lines,
    wrapped at the screen's width."""
    want = xlscreen.wrap_rows(live.lines,
                              xlscreen.columns("\n".join(live.lines)))
    body = screen[:-1]
    while body and not body[0].strip():
        body = body[1:]
    t.check(len(body) >= 10, f"the screen shows only {len(body)} rows")
    t.check(body == want[-len(body):], "screen and serial differ:\n"
            + "\n".join(xlscreen.diff(body, want[-len(body):])))


def type_line(t, live, text, expect):
    """Type text and Enter on the keyboard; wait for dom0's output line."""
    mark = len(live.lines)
    try:
        live.type(text + "\n")
        live.wait_line(expect, timeout=30, after=mark)
    except TimeoutError as e:
        t.fail(f"typed {text!r}: {e}")


@scenario("screen_vga_text_mirrors_serial_and_takes_keys")
def screen_vga_text(t):
    """BIOS: VGA text mode shows what the serial line shows; typed keys
    (Shift, Ctrl-U erasing a line) reach dom0's shell."""
    with xlmonitor.LiveBoot(t.boot, xen_append="console=vga,com1") as live:
        wait_ready(live)
        screen = wait_prompt(t, live, "\n".join(live.lines))
        expect_screen_is_serial(t, live, screen)
        live.type("rubbish")
        live.qmp.send_key("ctrl", "u")      # erases the line typed so far
        type_line(t, live, TYPED, "^" + re.escape(TYPED[5:]) + "$")
        screen = wait_prompt(t, live, "\n".join(live.lines))
        t.check(screen[-3:-1] == [f"{PROMPT} {TYPED}", TYPED[5:]],
                f"the screen shows {screen[-3:]}")
        live.type("poweroff\n")
    r = live.result
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) Console: VGA text 80x25")
    t.expect(r, r"\(XEN\) Keyboard: PS/2 \(i8042\)")
    t.expect(r, "^" + re.escape(TYPED[5:]) + "$")
    t.expect_not(r, r"rubbishecho|unknown command")


@scenario("screen_framebuffer_uefi_and_ctrl_bracket_detaches")
def screen_framebuffer_uefi(t):
    """UEFI: the framebuffer, drawn with the built-in font, shows what the
    serial line shows; Ctrl-] typed on the keyboard leaves xl console."""
    with xlmonitor.LiveBoot(t.boot, firmware="uefi", machine="q35",
                            xen_append="console=vga,com1") as live:
        wait_ready(live)
        screen = wait_prompt(t, live, "\n".join(live.lines))
        expect_screen_is_serial(t, live, screen)
        type_line(t, live, "xl create -c /etc/xen/idle.cfg",
                  r"^hello: done")
        live.qmp.send_key("ctrl", "bracket_right")
        type_line(t, live, "xl list", r"^idle +\d+ ")
        type_line(t, live, "xl destroy idle", r"Domain \d+ destroyed")
        live.type("poweroff\n")
    r = live.result
    t.expect_status(r, 0)
    t.expect(r, r"\(XEN\) Console: framebuffer \d+x\d+, \d+ bpp")
    t.expect(r, r"^xen-lite# xl list")


@scenario("screen_only_console_without_a_serial_port")
def screen_without_serial(t):
    """No serial port at all (console=vga): the boot and dom0's shell are
    on the screen, and the keyboard powers the machine off."""
    with xlmonitor.LiveBoot(t.boot, xen_append="console=vga",
                            qemu_args=["-serial", "none"]) as live:
        screen = wait_prompt(t, live)
        text = "\n".join(screen)
        t.expect(text, r"^\(XEN\) Dom0 has maximum 1 VCPUs")
        t.expect(text, READY)
        live.type("poweroff\n", echoed=lambda typed: any(
            row.endswith(typed) for row in xlscreen.read_screen(live)[-2:]))
        try:
            live.wait_for(lambda: not live.running(), "power-off", 30)
        except TimeoutError as e:
            t.fail(f"{e}; the screen ends {xlscreen.read_screen(live)[-4:]}")
    r = live.result
    t.check(r.qemu_status == 0, f"QEMU exit {r.qemu_status} after poweroff")
    t.expect_not(r, r"\(XEN\)")
