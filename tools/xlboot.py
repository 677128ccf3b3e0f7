"""The boot runner: boot a hypervisor ISO headless under QEMU TCG (or Bochs,
for Intel VMX) and judge the run by the emulator's exit and the serial log.

In-process use (scenarios, benchmarks, the boot matrix):

    import xlboot
    r = xlboot.boot(smp=4, xen_append="selftest", timeout=60)
    r.status, r.reason, r.log, r.wall, r.time_of(r"Brought up")

tools/boot is the same thing on the command line; every field of
BootOptions is one of its options.  The exit-status contract is described
in xlverdict.py.
"""

import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, fields

import xlbochs
import xliso
import xlverdict as verdict

QEMU = "qemu-system-x86_64"
QEMU_CPU = "qemu64"
OVMF = "/usr/share/ovmf/OVMF.fd"

XEN_LITE_CMDLINE = xliso.XEN_LITE_CMDLINE
XEN417_CMDLINE = ("loglvl=all guest_loglvl=all console=com1 com1=115200,8n1 "
                  "noreboot console_timestamps=boot dom0=verbose")

# Where --run puts its script in dom0's ramdisk.
RUN_SCRIPT = "/run/script"

# After Xen 4.17's last line, or a xen-lite panic that QEMU does not end by
# itself, wait this long for the rest of the message before ending QEMU.
XEN417_GRACE = 0.5
PANIC_GRACE = 3.0


def _opt(default, help, metavar=None, choices=None, flag=None):
    meta = {"help": help, "metavar": metavar, "choices": choices,
            "flag": flag}
    if isinstance(default, list):
        return field(default_factory=list, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class BootOptions:
    """One boot.  Each field is also a tools/boot option (--field-name)."""
    hypervisor: str = _opt("xen-lite", "which hypervisor to boot",
                           choices=("xen-lite", "xen-4.17"))
    emulator: str = _opt("qemu", "emulator: qemu (TCG) or bochs (Intel VMX "
                         "with EPT; pc machine, BIOS only, the same "
                         "statuses judged from the serial log)",
                         choices=("qemu", "bochs"))
    xen: str = _opt(None, "hypervisor image (default: $BUILD/xen-lite, or "
                    "$BUILD/xen-4.17/xen.gz)", "PATH")
    xen_cmdline: str = _opt(None, "hypervisor command line (default: "
                            f"'{XEN_LITE_CMDLINE}'; Xen 4.17: its test "
                            "command line)", "STR")
    xen_append: str = _opt("", "words appended to the hypervisor command "
                           "line (e.g. 'selftest')", "STR")
    dom0: str = _opt(None, "dom0 kernel (module 1; default: "
                     "$BUILD/dom0/dom0)", "ELF")
    dom0_cmdline: str = _opt("", "dom0's command line", "STR")
    ramdisk: str = _opt(None, "dom0's ramdisk (module 2; default: "
                        "$BUILD/dom0/ramdisk.cpio unless --dom0 is given)",
                        "FILE")
    no_dom0: bool = _opt(False, "boot no dom0 at all (no modules)")
    run: str = _opt(None, "dom0 script: commands separated by ';', written "
                    f"to {RUN_SCRIPT} in this run's ramdisk and run with "
                    f"run={RUN_SCRIPT} on dom0's command line; dom0 powers "
                    "off with the script's status", "'CMD; CMD'")
    files: list = _opt([], "add a host file to this run's ramdisk at PATH "
                       "(default: /<basename>; repeatable)", "HOST[:PATH]",
                       flag="--file")
    cpu: str = _opt(None, "CPU model (default: qemu64 under QEMU, "
                    f"{xlbochs.DEFAULT_CPU} under Bochs; 'bochs --help cpu' "
                    "lists Bochs's)", "MODEL")
    smp: int = _opt(1, "number of CPUs", "N")
    mem: int = _opt(512, "RAM in MiB", "MIB")
    machine: str = _opt("pc", "QEMU machine", choices=("pc", "q35"))
    firmware: str = _opt("bios", "firmware (uefi: OVMF)",
                         choices=("bios", "uefi"))
    icount: int = _opt(None, "add -icount shift=SHIFT,sleep=off "
                       "(rdtsc counts instructions)", "SHIFT")
    timeout: float = _opt(60.0, "seconds before the emulator is killed (exit 124)",
                          "S")
    until: str = _opt(None, "end the run as soon as the serial output matches "
                      "REGEX, also within a line (e.g. a prompt); the run "
                      "then counts as a success", "REGEX")
    grub_cmds: list = _opt([], "GRUB command run before the hypervisor is "
                           "loaded, e.g. 'wrmsr 0x1b 0xfee00d00' (repeatable)",
                           "CMD", flag="--grub-cmd")
    type: list = _opt([], "type TEXT on the serial console once the output "
                      "matches REGEX (after the previous one was typed); "
                      "\\r, \\n and \\xNN escapes work, e.g. "
                      "'linux-init: up=>\\x1d' (repeatable, QEMU only)",
                      "REGEX=>TEXT")
    qemu_args: list = _opt([], "extra QEMU argument (repeatable; write "
                           "--qemu-arg=-option for one starting with -)", "ARG",
                           flag="--qemu-arg")
    ips: int = _opt(None, "Bochs: emulated instructions per second, the "
                    f"TSC's rate (default: {xlbochs.DEFAULT_IPS})", "N")
    bochsrc_lines: list = _opt([], "extra bochsrc line (repeatable)",
                               "LINE", flag="--bochsrc-line")
    kernel: str = _opt(None, "boot this PVH ELF with no hypervisor at all: "
                       "QEMU's -kernel, or under Bochs GRUB's multiboot2 "
                       "from an ISO (its command line: --dom0-cmdline; it "
                       "ends the run through isa-debug-exit or Bochs's "
                       "shutdown port)", "ELF")
    iso: str = _opt(None, "boot this ISO as it is (the hypervisor, module "
                    "and command-line options are then ignored)", "PATH")
    disk: str = _opt(None, "boot this raw disk image (make usb) as a USB "
                     "stick or SATA disk instead of a CD", "usb|sata:PATH")
    qmp: str = _opt(None, "QEMU's QMP monitor on this UNIX socket (for "
                    "screendump, send-key; see xlmonitor.py)", "PATH")
    log: str = _opt(None, "also write the raw serial log to FILE", "FILE")
    interactive: bool = _opt(False, "serial console on this terminal, no "
                             "timeout (QEMU: Ctrl-A X quits; Bochs: Ctrl-])")
    build: str = _opt(None, "build directory (default: $BUILD or build)",
                      "DIR")


ISO_FIELDS = ("hypervisor", "xen", "xen_cmdline", "xen_append", "dom0",
              "dom0_cmdline", "ramdisk", "no_dom0", "run", "files", "iso",
              "disk", "grub_cmds", "kernel")
DISK_BUSES = {
    "usb": ["-device", "qemu-xhci,id=xhci",
            "-device", "usb-storage,bus=xhci.0,drive=disk0,bootindex=0"],
    "sata": ["-device", "ahci,id=ahci0",
             "-device", "ide-hd,bus=ahci0.0,drive=disk0,bootindex=0"],
}


def option_flag(f):
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def build_dir(o):
    return o.build or os.environ.get("BUILD") or "build"


@dataclass
class Result:
    status: int             # the runner's exit status (see xlverdict.py)
    reason: str             # one line when status != 0, else ""
    log: str                # serial log: LF line ends, escapes removed
    wall: float             # seconds from QEMU's start to its end
    lines: list = field(default_factory=list)   # [(seconds, text)]
    raw: bytes = b""        # serial output as QEMU wrote it
    qemu_status: int = None
    qemu_argv: list = field(default_factory=list)
    command: str = ""       # a tools/boot command that repeats this run
    until_time: float = None    # seconds from QEMU's start to --until's match
    # [(CPU seconds the emulator had used, text)] as each complete line
    # arrived (None where the OS does not tell): for benchmarks, whose
    # figures in emulated work must not count the time other programs ran.
    cpu_lines: list = field(default_factory=list)

    @property
    def ok(self):
        return self.status == verdict.EXIT_OK

    def time_of(self, regex):
        """Seconds from QEMU's start to the end of the first line matching
        regex, or None."""
        pattern = re.compile(regex)
        for when, text in self.lines:
            if pattern.search(text):
                return when
        return None


def command_line(o):
    """The tools/boot invocation for o (options left at default omitted)."""
    words, defaults = ["python3", "tools/boot"], BootOptions()
    for f in fields(BootOptions):
        value = getattr(o, f.name)
        if value == getattr(defaults, f.name) or f.name in ("log",
                                                             "interactive"):
            continue
        flag = option_flag(f)
        if isinstance(value, bool):
            words.append(flag)
            continue
        for item in value if isinstance(value, list) else [value]:
            text = f"{item:g}" if isinstance(item, float) else str(item)
            # argparse takes '--opt=-x' for a value that starts with '-'
            words += [f"{flag}={text}"] if text.startswith("-") \
                else [flag, text]
    return " ".join(shlex.quote(w) for w in words)


def iso_spec(o, tmp):
    """What the ISO for o holds: hypervisor, command line, modules (a
    per-run ramdisk is built in the directory tmp)."""
    build = build_dir(o)
    if o.kernel:                # Bochs: the kernel alone, by Multiboot2
        return xliso.IsoSpec(o.kernel, o.dom0_cmdline, [], o.grub_cmds)
    if o.hypervisor == "xen-4.17":
        xen = o.xen or os.path.join(build, "xen-4.17", "xen.gz")
        cmdline = o.xen_cmdline or f"{XEN417_CMDLINE} dom0_max_vcpus={o.smp}"
        if o.emulator == "bochs" and not o.xen_cmdline:
            cmdline += f" {xlbochs.XEN417_APPEND}"
    else:
        xen = o.xen or os.path.join(build, "xen-lite")
        cmdline = o.xen_cmdline or XEN_LITE_CMDLINE
    if o.xen_append:
        cmdline = f"{cmdline} {o.xen_append}"
    return xliso.IsoSpec(xen, cmdline, dom0_modules(o, tmp), o.grub_cmds)


def dom0_modules(o, tmp):
    """Module 1 is dom0's kernel, module 2 its ramdisk.  With neither
    --dom0 nor --ramdisk, both are the ones make built; --run and --file
    add files to the ramdisk of this run."""
    if o.no_dom0:
        if (o.dom0 or o.ramdisk or o.dom0_cmdline or o.run is not None
                or o.files):
            raise xliso.IsoError("--no-dom0 excludes the dom0, ramdisk, "
                                 "script and file options")
        return []
    dom0, ramdisk = o.dom0, o.ramdisk
    if dom0 is None:
        dom0 = os.path.join(build_dir(o), "dom0", "dom0")
        if ramdisk is None:
            ramdisk = os.path.join(build_dir(o), "dom0", "ramdisk.cpio")
        if not os.path.isfile(dom0):
            raise xliso.IsoError(f"no dom0 kernel at {dom0} (run make, or "
                                 "boot with --no-dom0)")
    cmdline = o.dom0_cmdline
    if o.run is not None or o.files:
        extra = [xliso.parse_ramdisk_file(f) for f in o.files]
        if o.run is not None:
            extra.append(xliso.RamdiskFile(RUN_SCRIPT,
                                           data=run_script(o.run)))
        ramdisk = xliso.extend_ramdisk(ramdisk, extra, tmp)
        if o.run is not None:
            cmdline = f"{cmdline} run={RUN_SCRIPT}".strip()
    modules = [xliso.Module(dom0, cmdline)]
    if ramdisk:
        modules.append(xliso.Module(ramdisk))
    return modules


def run_script(run):
    """--run's 'cmd; cmd' as the text of a script, one command a line."""
    if run is None:
        return None
    return "".join(c.strip() + "\n" for c in run.replace("\n", ";")
                   .split(";") if c.strip())


def default_iso(o):
    return os.path.join(build_dir(o), "xen-lite.iso")


def is_plain(o):
    """True if no option shapes the ISO (then the CLI boots make's ISO)."""
    defaults = BootOptions()
    return all(getattr(o, n) == getattr(defaults, n) for n in ISO_FIELDS)


def choose_iso(o, tmp):
    """o.iso if given, else an ISO of exactly what the options say: make's
    ISO if it was built from the same, else one cached under
    $BUILD/iso-cache (built if needed; tmp holds a per-run ramdisk)."""
    if o.disk:
        return None
    if o.iso:
        if not os.path.isfile(o.iso):
            raise xliso.IsoError(f"no such ISO: {o.iso}")
        return o.iso
    cache = os.path.join(build_dir(o), "iso-cache")
    return xliso.cached_iso(iso_spec(o, tmp), cache, prefer=default_iso(o))


def option_error(o):
    """Why the options cannot make one run (None if they can)."""
    if o.kernel and (o.iso or o.disk):
        return "--kernel boots the kernel alone: not with --iso or --disk"
    if o.kernel and not os.path.isfile(o.kernel):
        return f"no such kernel: {o.kernel}"
    if o.emulator == "bochs" and (o.disk or o.qmp):
        return "--disk and --qmp need QEMU (not --emulator bochs)"
    if o.emulator == "bochs":
        return xlbochs.option_error(o)
    if o.ips is not None or o.bochsrc_lines:
        return "--ips and --bochsrc-line need --emulator bochs"
    return None


def parse_disk(arg):
    """'usb:PATH' or 'sata:PATH' -> (bus, path)."""
    bus, sep, path = arg.partition(":")
    if not sep or bus not in DISK_BUSES or not path:
        raise xliso.IsoError(f"--disk {arg}: expected usb:PATH or sata:PATH")
    if not os.path.isfile(path):
        raise xliso.IsoError(f"no such disk image: {path}")
    return bus, path


def boot_medium(o, iso):
    """QEMU arguments for what the machine boots from."""
    if o.kernel:
        return ["-kernel", o.kernel, "-append", o.dom0_cmdline]
    if not o.disk:
        return ["-cdrom", iso, "-boot", "d"]
    bus, path = parse_disk(o.disk)
    # snapshot: the run's writes go to a scratch overlay, so the image is
    # never changed and parallel runs can share it.
    return ["-drive", f"if=none,id=disk0,format=raw,snapshot=on,file={path}"] + \
        DISK_BUSES[bus]


def qemu_argv(o, iso):
    argv = [QEMU, "-accel", "tcg", "-machine", o.machine,
            "-cpu", o.cpu or QEMU_CPU, "-smp", str(o.smp), "-m", str(o.mem)
            ] + boot_medium(o, iso) + [
            "-display", "none", "-no-reboot",
            "-net", "none", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    if o.firmware == "uefi":
        argv += ["-bios", OVMF]
    if o.icount is not None:
        argv += ["-icount", f"shift={o.icount},sleep=off"]
    return argv + list(o.qemu_args)


def boot(stream=None, **kwargs):
    """Boot once; returns a Result.  kwargs are BootOptions fields; stream,
    if given, receives the serial log line by line as it arrives."""
    return run(BootOptions(**kwargs), stream)


def run(o, stream=None):
    cmd = command_line(o)
    problem = option_error(o)
    if problem:
        return Result(verdict.EXIT_FAIL, problem, "", 0.0, command=cmd)
    try:
        tool = xlbochs.BOCHS if o.emulator == "bochs" else QEMU
        if shutil.which(tool) is None:
            raise xliso.IsoError(f"{tool} not found (run make deps)")
        with tempfile.TemporaryDirectory(prefix="xen-lite-run.") as tmp:
            iso = None if o.kernel and o.emulator != "bochs" else \
                choose_iso(o, tmp)
            if o.disk:
                parse_disk(o.disk)
    except (xliso.IsoError, OSError) as e:
        hint = " (run make deps)" if o.hypervisor == "xen-4.17" else \
            " (run make)"
        return Result(verdict.EXIT_FAIL, f"{e}{hint}", "", 0.0, command=cmd)
    if o.interactive:
        res = _run_interactive(o, iso)
    else:
        with tempfile.TemporaryDirectory(prefix="xen-lite-run.") as work:
            res = _run_headless(o, iso, work, stream)
    res.command = cmd
    return res


class _Watch:
    """Decides, line by line, when to end the emulator before it exits
    itself."""

    def __init__(self, o):
        self.xen417 = o.hypervisor == "xen-4.17"
        self.end = verdict.XEN_LITE_HALT_RE if o.emulator == "bochs" \
            else verdict.PANIC_RE
        self.end_line = None
        self.stop_at = None
        self.until = re.compile(o.until) if o.until else None
        self.until_time = None
        self.to_type = [_parse_type(t) for t in o.type]
        self.typed = bytearray()        # due to be written to the console
        self.consumed = None            # the line (so far) a rule fired on

    def text(self, text, when, now, complete=False):
        """A line, complete or so far, that ended `when` s after the
        emulator's start: stop at once if it is what --until waits for."""
        if self.until and self.until_time is None and self.until.search(text):
            self.until_time, self.stop_at = when, now
        if self.to_type:
            self.type_on(text, complete)

    def type_on(self, text, complete):
        """The next --type rule, on a line no earlier rule fired on."""
        if self.consumed is not None:
            same = text.startswith(self.consumed)
            if complete:
                self.consumed = None
            if same:
                return
        if self.to_type[0][0].search(text):
            self.typed += self.to_type.pop(0)[1]
            self.consumed = None if complete else text

    def line(self, text, now):
        if self.stop_at is not None:
            return
        if self.xen417 and verdict.XEN417_END.search(text):
            self.end_line, self.stop_at = text, now + XEN417_GRACE
        elif not self.xen417 and self.end.search(text):
            self.stop_at = now + PANIC_GRACE


class _Emulator:
    """One running emulator: its process and the descriptors the runner
    reads (the serial output, and its own messages)."""

    def __init__(self, o, iso, work):
        if o.emulator == "bochs":
            self.argv, fifo = xlbochs.prepare(o, iso, work)
            # Held open for reading and writing, the FIFO never reads EOF:
            # Bochs may open and close it as it likes.
            self.serial = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
            self.proc = subprocess.Popen(
                self.argv, cwd=work, stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            self.messages = self.proc.stdout.fileno()
        else:
            self.argv = qemu_argv(o, iso) + ["-serial", "stdio",
                                             "-monitor", "none"]
            if o.qmp:
                self.argv += ["-qmp", f"unix:{o.qmp},server=on,wait=off"]
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE if o.type else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.serial = self.proc.stdout.fileno()
            self.messages = self.proc.stderr.fileno()
        for fd in (self.serial, self.messages):
            os.set_blocking(fd, False)

    def cpu_seconds(self):
        """CPU time the emulator's threads have used (Linux's schedstat,
        in ns), or None."""
        total = 0
        try:
            task = f"/proc/{self.proc.pid}/task"
            for tid in os.listdir(task):
                with open(os.path.join(task, tid, "schedstat")) as f:
                    total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return total / 1e9

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.serial != self.proc.stdout.fileno():
            os.close(self.serial)


def _parse_type(arg):
    """'REGEX=>TEXT' -> (compiled regex, bytes to type)."""
    regex, sep, text = arg.partition("=>")
    if not sep:
        raise ValueError(f"--type wants REGEX=>TEXT, not {arg!r}")
    return re.compile(regex), text.encode().decode("unicode_escape").encode("latin-1")


def _type(emu, watch):
    """Write what is due to the serial console (QEMU's stdin)."""
    if watch.typed and emu.proc.stdin:
        try:
            emu.proc.stdin.write(bytes(watch.typed))
            emu.proc.stdin.flush()
        except OSError:
            pass
        watch.typed.clear()


def _read(fd):
    """What fd has now: bytes, b"" at its end, None if nothing yet."""
    try:
        return os.read(fd, 65536)
    except BlockingIOError:
        return None


def _run_headless(o, iso, work, stream):
    serial, messages, watch = verdict.SerialLog(), bytearray(), _Watch(o)
    cpu_at = []                 # the emulator's CPU seconds at each line
    logf = open(o.log, "wb") if o.log else None
    start = time.monotonic()
    emu = _Emulator(o, iso, work)
    deadline = start + o.timeout if o.timeout else None
    timed_out = killed = False
    try:
        while True:
            exited = emu.proc.poll() is not None
            wait = 0 if exited or killed else \
                _wait_time(deadline, watch.stop_at)
            ready, _, _ = select.select([emu.serial, emu.messages], [], [],
                                        wait)
            now = time.monotonic()
            got = False
            for fd in ready:
                data = _read(fd)
                got = got or bool(data)
                if data and fd == emu.serial:
                    _serial_chunk(data, now - start, serial, logf, stream,
                                  watch, start)
                    cpu = emu.cpu_seconds()
                    cpu_at += [cpu] * (len(serial.lines) - len(cpu_at))
                    _type(emu, watch)
                elif data:
                    messages += data
            if exited and not got:
                break
            if killed or exited:
                continue
            if deadline is not None and now >= deadline:
                timed_out = killed = True
                emu.proc.kill()
            elif watch.stop_at is not None and now >= watch.stop_at:
                killed = True
                emu.proc.kill()
        status = emu.proc.wait()
    finally:
        emu.close()
        if logf:
            logf.close()
    wall = time.monotonic() - start
    for _, text in serial.finish(wall):
        _emit(stream, text)
    if o.emulator == "bochs" and o.log:
        xlbochs.keep_log(work, o.log + ".bochs")
    res = _result(o, emu.argv, serial, messages.decode(errors="replace"),
                  status, wall, timed_out, watch.end_line)
    res.cpu_lines = [(cpu, text) for cpu, (_, text) in
                     zip(cpu_at + [None] * len(serial.lines), serial.lines)]
    if watch.until_time is not None and not timed_out:
        res.status, res.reason = verdict.EXIT_OK, ""
        res.until_time = watch.until_time
    return res


def _wait_time(*limits):
    """Seconds until the earliest of the limits that are set, or None."""
    limits = [t for t in limits if t is not None]
    return max(0.0, min(limits) - time.monotonic()) if limits else None


def _serial_chunk(data, when, serial, logf, stream, watch, start):
    if logf:
        logf.write(data)
        logf.flush()
    for _, text in serial.feed(data, when):
        _emit(stream, text)
        watch.line(text, start + when)
        watch.text(text, when, start + when, complete=True)
    watch.text(serial.partial, when, start + when)
    if hasattr(stream, "partial"):      # the line being written, e.g. echo
        stream.partial(serial.partial)


def _emit(stream, text):
    if stream is not None:
        stream.write(text + "\n")
        stream.flush()


def _result(o, argv, serial, messages, status, wall, timed_out, end_line):
    """messages: what the emulator printed itself (QEMU's stderr, Bochs's
    stdout)."""
    if (o.interactive and o.emulator != "bochs" and status == 0 and
            not verdict.PANIC_RE.search(serial.text) and
            not verdict.POWEROFF_RE.search(serial.text)):
        # Ctrl-A X: the person at the console quit QEMU, a normal end.
        return Result(verdict.EXIT_OK, "", serial.text, wall, serial.lines,
                      bytes(serial.raw), status, argv)
    if timed_out:
        last = next((t for _, t in reversed(serial.lines) if t.strip()), "")
        code = verdict.EXIT_TIMEOUT
        reason = f"timeout after {o.timeout:g} s"
        if last:
            reason += f" (last line: {last.strip()[:100]})"
    elif o.kernel and o.emulator == "bochs":
        code, reason = verdict.judge_native_bochs(serial.lines, messages)
    elif o.kernel:
        code, reason = verdict.judge_native(status, messages)
    elif o.hypervisor == "xen-4.17":
        if end_line is None:    # interactive: the emulator ended by hand
            end_line = next((t for _, t in serial.lines
                             if verdict.XEN417_END.search(t)), None)
        code, reason = verdict.judge_xen417(end_line, status, serial.lines,
                                            messages, o.emulator == "bochs")
    elif o.emulator == "bochs":
        code, reason = verdict.judge_bochs(serial.lines, messages)
    else:
        code, reason = verdict.judge_xen_lite(status, serial.lines, messages)
    return Result(code, reason, serial.text, wall, serial.lines,
                  bytes(serial.raw), status, argv)


def _run_interactive(o, iso):
    """The serial console on this terminal; the log is kept and judged
    afterwards."""
    serial = verdict.SerialLog()
    with tempfile.TemporaryDirectory(prefix="xen-lite-boot.") as tmp:
        start = time.monotonic()
        if o.emulator == "bochs":
            argv, status, raw, messages = xlbochs.run_interactive(o, iso, tmp)
            if o.log:
                with open(o.log, "wb") as f:
                    f.write(raw)
        else:
            logpath = o.log or os.path.join(tmp, "serial.log")
            argv, messages = _qemu_interactive_argv(o, iso, logpath), ""
            status = subprocess.call(argv)
            try:
                with open(logpath, "rb") as f:
                    raw = f.read()
            except OSError:
                raw = b""
        wall = time.monotonic() - start
        serial.feed(raw, wall)
        serial.finish(wall)
    return _result(o, argv, serial, messages, status, wall, False, None)


def _qemu_interactive_argv(o, iso, logpath):
    """Serial and QEMU monitor on this terminal (Ctrl-A X quits), the log
    kept through the chardev's logfile."""
    chardev = ("stdio,id=ser0,mux=on,signal=on,logfile="
               + logpath.replace(",", ",,"))
    print("boot: serial console on this terminal; Ctrl-A X quits, "
          "Ctrl-A H lists the keys", file=sys.stderr)
    return qemu_argv(o, iso) + ["-chardev", chardev, "-serial",
                                "chardev:ser0", "-mon",
                                "chardev=ser0,mode=readline"]
