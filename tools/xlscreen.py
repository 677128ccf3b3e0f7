"""Reading what the hypervisor's screen console shows, from outside the
machine: the VGA text buffer (saved with QMP's pmemsave) or a screendump of
the framebuffer (PPM), decoded cell by cell with the hypervisor's own font
(xen-lite/common/font.c) and the geometry it logs:

    (XEN) Console: framebuffer 1280x800, 32 bpp at 0xc0000000, 106x36
          characters of 12x22 pixels

Both give the screen as a list of text rows (trailing blanks removed).
"""

import ast
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT_C = os.path.join(ROOT, "xen-lite", "common", "font.c")
FONT_WIDTH, FONT_HEIGHT = 5, 9
CELL_W, CELL_H = FONT_WIDTH + 1, FONT_HEIGHT + 2
UNKNOWN = "\ufffd"                  # a cell that is no glyph of the font

VGA_TEXT_BUFFER = 0xb8000
GEOMETRY_RE = re.compile(r"Console: framebuffer (\d+)x(\d+), (\d+) bpp at "
                         r"(0x[0-9a-f]+), (\d+)x(\d+) characters of "
                         r"(\d+)x(\d+) pixels")
VGA_RE = re.compile(r"Console: VGA text (\d+)x(\d+)")


class ScreenError(Exception):
    """The picture or buffer cannot be read as the console's screen."""


def load_font(path=FONT_C):
    """{ink pattern (FONT_HEIGHT*FONT_WIDTH chars of '#' and '.'): char}
    read from the C source, where each glyph is its rows as strings."""
    src = open(path).read()
    macros = {"_____": '"....."', "NO_DESCENT": '"....." "....."'}
    font = {}
    for m in re.finditer(r"\[('(?:\\.|[^'])') - FONT_FIRST\] = ([^\n]*),",
                         src):
        rows = m.group(2)
        for name, text in macros.items():
            rows = re.sub(rf"\b{name}\b", text, rows)
        glyph = "".join(re.findall(r'"([.#]*)"', rows))
        if len(glyph) != FONT_WIDTH * FONT_HEIGHT:
            raise ScreenError(f"font.c: glyph {m.group(1)} has "
                              f"{len(glyph)} dots")
        font[glyph] = ast.literal_eval(m.group(1))
    return font


def read_ppm(path):
    """(width, height, bytes of RGB triples) of a binary PPM (P6)."""
    data = open(path, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    if not m or int(m.group(3)) != 255:
        raise ScreenError(f"{path}: not an 8-bit binary PPM")
    w, h = int(m.group(1)), int(m.group(2))
    pixels = data[m.end():m.end() + 3 * w * h]
    if len(pixels) != 3 * w * h:
        raise ScreenError(f"{path}: truncated")
    return w, h, pixels


def geometry(log):
    """(cols, rows, cell width, cell height) from the console's line."""
    m = GEOMETRY_RE.search(log)
    if not m:
        raise ScreenError("no 'Console: framebuffer' line in the log")
    return tuple(int(m.group(i)) for i in (5, 6, 7, 8))


def decode_framebuffer(ppm, log, font=None):
    """The framebuffer's cells as text rows."""
    font = font or load_font()
    w, h, px = read_ppm(ppm)
    cols, rows, cw, ch = geometry(log)
    scale = cw // CELL_W
    if scale < 1 or cw != CELL_W * scale or ch != CELL_H * scale or \
            cols * cw > w or rows * ch > h:
        raise ScreenError(f"{cols}x{rows} cells of {cw}x{ch} do not fit "
                          f"a {w}x{h} picture")

    def ink(x, y):
        i = 3 * (y * w + x)
        return max(px[i], px[i + 1], px[i + 2]) > 0x55

    lines = []
    for row in range(rows):
        text = []
        for col in range(cols):
            dots = "".join(
                "#" if ink(col * cw + gx * scale + scale // 2,
                           row * ch + (gy + 1) * scale + scale // 2) else "."
                for gy in range(FONT_HEIGHT) for gx in range(FONT_WIDTH))
            text.append(font.get(dots, UNKNOWN))
        lines.append("".join(text).rstrip())
    return lines


def decode_vga_text(buf, cols=80, rows=25):
    """VGA text memory (character, attribute pairs) as text rows."""
    if len(buf) < 2 * cols * rows:
        raise ScreenError("VGA text buffer too short")
    return ["".join(chr(buf[2 * (r * cols + c)]) if 0x20 <= buf[
        2 * (r * cols + c)] < 0x7f else " " for c in range(cols)).rstrip()
        for r in range(rows)]


def vga_geometry(log):
    """From the console's line; 80x25 (a BIOS's mode) without one."""
    m = VGA_RE.search(log)
    return (int(m.group(1)), int(m.group(2))) if m else (80, 25)


def columns(log):
    """How wide the screen is, from the console's line."""
    m = GEOMETRY_RE.search(log)
    return int(m.group(5)) if m else vga_geometry(log)[0]


def wrap_rows(lines, cols):
    """Text lines as the screen shows them: tabs expanded, long lines
    continued on the next row."""
    rows = []
    for line in lines:
        line = line.expandtabs(8)
        rows += [line[i:i + cols].rstrip()
                 for i in range(0, max(len(line), 1), cols)]
    return rows


def diff(got, want):
    """The rows that differ, for a failure message."""
    return [f"row {i}: screen {g!r} serial {w!r}"
            for i, (g, w) in enumerate(zip(got, want)) if g != w][:5]


def read_screen(live, log=""):
    """What the screen of a running boot (xlmonitor.LiveBoot) shows now,
    as text rows; log is the serial log so far (for the geometry; without
    one, VGA text 80x25)."""
    if GEOMETRY_RE.search(log):
        path = live.path("screen.ppm")
        live.qmp.screendump(path)
        return decode_framebuffer(path, log)
    cols, rows = vga_geometry(log)
    path = live.path("vga.bin")
    live.qmp.pmemsave(VGA_TEXT_BUFFER, 2 * cols * rows, path)
    return decode_vga_text(open(path, "rb").read(), cols, rows)
