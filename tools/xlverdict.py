"""Reading a boot's serial log and turning the run's end into a verdict.

The exit-status contract of the boot runner (tools/boot, xlboot.boot):

    0        clean power-off: QEMU exit 0 and '(XEN) Powering off' logged
             (or the runner stopped QEMU where --until matched)
    1..111   dom0 (or the hypervisor's self-test) exited with that status;
             xen-lite writes it to the isa-debug-exit port 0xf4
    124      timeout
    125      hypervisor panic (debug-exit value 0x70, or 'Panic on CPU')
    126      anything else: dom0 crashed (0x71), the page-type audit at
             shutdown found problems (0x72), the hypervisor caught a
             state that faults in ring 0 on hardware (0x73), no
             power-off line, QEMU error, triple fault...

Under Debian's Xen 4.17 QEMU never exits by itself: the runner watches the
log for Xen's final lines (see XEN417_END) and takes the guest's status from
the last 'exit status N' line the guest printed.

Under Bochs there is no debug-exit port and Bochs exits with status 1 in
every case, so the same statuses come from xen-lite's last lines instead
(judge_bochs): '(XEN) Powering off (status N)' followed by Bochs ending on
the ACPI power-off, a panic, dom0's crash or a failed audit.  After a line
that halts the machine (XEN_LITE_HALT) the runner ends Bochs itself.
"""

import re

import xlbochs

EXIT_OK = 0
EXIT_TIMEOUT = 124
EXIT_PANIC = 125
EXIT_FAIL = 126

DEBUG_EXIT_PANIC = 0x70
DEBUG_EXIT_CRASH = 0x71
DEBUG_EXIT_AUDIT = 0x72
DEBUG_EXIT_HAZARD = 0x73
DEBUG_EXIT_MAX_STATUS = 111

POWEROFF_RE = re.compile(r"\(XEN\) Powering off")
POWEROFF_STATUS_RE = re.compile(r"\(XEN\) Powering off \(status (-?\d+)\)")
PANIC_RE = re.compile(r"Panic on CPU")
EXIT_STATUS_RE = re.compile(r"exit status (\d+)")

# xen-lite's lines before it halts the machine (QEMU exits through the
# debug-exit port; Bochs does not), each with the debug-exit value it means.
XEN_LITE_HALT = [
    (PANIC_RE, DEBUG_EXIT_PANIC),
    (re.compile(r"page-type audit failed"), DEBUG_EXIT_AUDIT),
    (re.compile(r"Hardware Dom0 (crashed|shutdown \(reason)"),
     DEBUG_EXIT_CRASH),
]
XEN_LITE_HALT_RE = re.compile("|".join(r.pattern for r, _ in XEN_LITE_HALT)
                              + r"|Power-off failed|Resetting the machine")

# Lines after which Xen 4.17 halts or hangs; the runner then ends QEMU.
XEN417_END = re.compile(r"Hardware Dom0 (halted|shutdown|crashed)"
                        r"|Panic on CPU")

# ANSI/VT100 escapes (CSI sequences, charset selection, single-character
# escapes) and the control characters firmware writes around its text.
_ESCAPE_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_line(raw):
    """One raw serial line (bytes, without its LF) as plain text."""
    text = raw.decode("utf-8", errors="replace")
    return _CONTROL_RE.sub("", _ESCAPE_RE.sub("", text))


class SerialLog:
    """Accumulates serial output: the raw bytes, and complete lines (as
    plain text) with the time each one ended, relative to QEMU's start."""

    def __init__(self):
        self.raw = bytearray()
        self.lines = []         # [(seconds, text)]
        self._partial = b""

    def feed(self, data, when):
        """Add a chunk; returns the lines it completed."""
        self.raw += data
        parts = (self._partial + data).split(b"\n")
        self._partial = parts.pop()
        new = [(when, clean_line(p)) for p in parts]
        self.lines += new
        return new

    def finish(self, when):
        """End of output: a last unterminated line counts too."""
        if not self._partial:
            return []
        new = [(when, clean_line(self._partial))]
        self._partial = b""
        self.lines += new
        return new

    @property
    def partial(self):
        """The line being written (no LF yet), as plain text."""
        return clean_line(self._partial)

    @property
    def text(self):
        return "".join(line + "\n" for _, line in self.lines)


def panic_reason(lines):
    """The message after Xen's 'Panic on CPU N:' line."""
    texts = [t for _, t in lines]
    for i, text in enumerate(texts):
        if PANIC_RE.search(text):
            for follow in texts[i + 1:]:
                msg = re.sub(r"^\(XEN\)\s*(\[[ 0-9a-f.]+\]\s*)?", "",
                             follow).strip()
                if msg and not msg.startswith("****"):
                    return f"hypervisor panic: {msg}"
            return "hypervisor panic"
    return "hypervisor panic (no 'Panic on CPU' line in the log)"


def last_exit_status(lines):
    status = None
    for _, text in lines:
        m = EXIT_STATUS_RE.search(text)
        if m:
            status = int(m.group(1))
    return status


def _guest_status(v):
    if v == 0:
        return EXIT_OK, ""
    if v >= EXIT_TIMEOUT:
        return EXIT_FAIL, f"dom0 exited with status {v} (out of range)"
    return v, f"dom0 exited with status {v}"


def judge_xen_lite(qemu_status, lines, stderr):
    """Verdict for a run of xen-lite that ended with QEMU's exit."""
    text = "".join(t + "\n" for _, t in lines)
    panicked = PANIC_RE.search(text) is not None
    if qemu_status == 0 and POWEROFF_RE.search(text):
        return EXIT_OK, ""
    if panicked:
        return EXIT_PANIC, panic_reason(lines)
    if qemu_status == 0:
        return EXIT_FAIL, ("no power-off (QEMU exit 0 without "
                           "'(XEN) Powering off')")
    if qemu_status == 1:
        return EXIT_FAIL, ("QEMU exit 1 (debug-exit value 0, or a QEMU "
                           "error" + _stderr_hint(stderr) + ")")
    if qemu_status is not None and 1 < qemu_status <= 255 and qemu_status & 1:
        return _debug_exit(qemu_status >> 1, lines)
    if qemu_status is not None and qemu_status < 0:
        return EXIT_FAIL, f"QEMU killed by signal {-qemu_status}"
    return EXIT_FAIL, f"QEMU exit {qemu_status}" + _stderr_hint(stderr)


def judge_native(qemu_status, stderr):
    """Verdict for a guest run with no hypervisor (QEMU -kernel): it ends
    by writing its exit status to isa-debug-exit, which QEMU exits with
    as status * 2 + 1."""
    if qemu_status is not None and 0 < qemu_status <= 255 and qemu_status & 1:
        v = qemu_status >> 1
        return (EXIT_OK, "") if v == 0 else _guest_status(v)
    return EXIT_FAIL, f"QEMU exit {qemu_status}" + _stderr_hint(stderr)


def judge_native_bochs(lines, bochs_output):
    """Verdict for a guest run under Bochs with no hypervisor: it prints
    'exit status N' and ends Bochs through its shutdown port."""
    m = None
    for _, text in lines:
        m = EXIT_STATUS_RE.search(text) or m
    why = xlbochs.exit_message(bochs_output) or "no exit message"
    if m is None:
        return EXIT_FAIL, f"no exit status line (Bochs: {why})"
    if xlbochs.exit_message(bochs_output) != xlbochs.SHUTDOWN_MESSAGE:
        return EXIT_FAIL, f"the guest's shutdown did not end Bochs (Bochs: {why})"
    return _guest_status(int(m.group(1)))


def _debug_exit(v, lines):
    if 1 <= v <= DEBUG_EXIT_MAX_STATUS:
        return _guest_status(v)
    if v == DEBUG_EXIT_PANIC:
        return EXIT_PANIC, panic_reason(lines)
    if v == DEBUG_EXIT_CRASH:
        return EXIT_FAIL, "dom0 crashed"
    if v == DEBUG_EXIT_AUDIT:
        return EXIT_FAIL, "the page-type audit found problems"
    if v == DEBUG_EXIT_HAZARD:
        return EXIT_FAIL, ("the hypervisor caught states that fault in "
                           "ring 0 on hardware ('ring-0 hazard' lines)")
    return EXIT_FAIL, f"unexpected debug-exit value {v:#x}"


def judge_bochs(lines, bochs_output):
    """Verdict for a run of xen-lite under Bochs, from the serial log and
    what Bochs printed (its exit message)."""
    text = "".join(t + "\n" for _, t in lines)
    for regex, value in XEN_LITE_HALT:
        if regex.search(text):
            return _debug_exit(value, lines)
    m = POWEROFF_STATUS_RE.search(text)
    if m and xlbochs.powered_off(bochs_output):
        status = int(m.group(1))
        if status == 0:
            return EXIT_OK, ""
        if status < 0:
            status = DEBUG_EXIT_MAX_STATUS
        return _debug_exit(min(status, DEBUG_EXIT_MAX_STATUS), lines)
    why = xlbochs.exit_message(bochs_output) or "no exit message"
    if m:
        return EXIT_FAIL, f"power-off did not end Bochs (Bochs: {why})"
    return EXIT_FAIL, f"no power-off (Bochs: {why})"


def judge_xen417(end_line, qemu_status, lines, stderr, bochs=False):
    """Verdict for a run of Xen 4.17: end_line is the line that made the
    runner stop the emulator (None if it exited by itself); stderr is what
    the emulator printed (Bochs: its stdout)."""
    if end_line is None:
        if PANIC_RE.search("".join(t for _, t in lines)):
            return EXIT_PANIC, panic_reason(lines)
        if bochs:
            why = xlbochs.exit_message(stderr) or "no exit message"
            return EXIT_FAIL, f"Bochs ended before dom0 halted: {why}"
        return EXIT_FAIL, (f"QEMU exit {qemu_status} before dom0 halted"
                           + _stderr_hint(stderr))
    if PANIC_RE.search(end_line):
        return EXIT_PANIC, panic_reason(lines)
    if "crashed" in end_line:
        return EXIT_FAIL, "dom0 crashed"
    status = last_exit_status(lines)
    if status is not None:
        return _guest_status(status)
    if "halted" in end_line:
        return EXIT_OK, ""
    return EXIT_FAIL, "dom0 shut down without an 'exit status' line"


def _stderr_hint(stderr):
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return f": {lines[-1]}" if lines else ""
