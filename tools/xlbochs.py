"""Bochs as the boot runner's second emulator (Intel VMX with EPT).

Debian's Bochs 2.7 emulates VMX with EPT, VPID and unrestricted guest on
corei7_skylake_x (and SVM with NPT and NRIP save on ryzen), which QEMU's TCG
does not.  A run gets a work directory of its own (bochsrc, Bochs's log and
the serial FIFO are relative to it), so runs can go in parallel; COM1 writes
into a FIFO that the runner reads as QEMU's stdout, so the serial log
streams the same way.

Bochs exits with status 1 whatever happened (power-off, triple fault,
panic), so a run is judged on the serial log (xlverdict.judge_bochs) and on
the message Bochs prints as it exits.  With `clock: sync=none` and a fixed
time0, Bochs is deterministic: the TSC advances with instructions (ips per
emulated second), so rdtsc deltas count instructions.

An MSR Bochs does not implement raises #GP, as on hardware, so xen-lite's
own accesses are checked; Xen 4.17 reads IA32_MISC_ENABLE (0x1a0), which
Bochs lacks, at its first steps, so its runs read unknown MSRs as 0
(ignore_bad_msrs=1).  With two CPUs or more Xen 4.17 trips a BUG_ON
in its x2APIC cluster-mode IPI path on Bochs's x2APIC: its runs use
physical destination mode (XEN417_APPEND).
"""

import os
import re
import select
import socket
import subprocess
import sys
import termios
import time
import tty

BOCHS = "bochs"
BIOS = "/usr/share/bochs/BIOS-bochs-latest"
VGABIOS = "/usr/share/vgabios/vgabios.bin"

DEFAULT_CPU = "corei7_skylake_x"
DEFAULT_IPS = 4000000       # firmware waits on emulated time: 4M boots fast
TIME0 = 1767225600          # 2026-01-01: a fixed start keeps runs identical
MAX_HOST_MIB = 2048         # Bochs allocates at most this much at once

SERIAL = "serial.fifo"
BOCHSRC = "bochsrc"
CONTINUE_RC = "cont.rc"     # the debugger is compiled in: 'c' starts the run
BOCHS_LOG = "bochsout.txt"

XEN417_APPEND = "x2apic_phys=1"

# What Bochs prints on stdout as it ends: the message that ended it.
_EXIT_RE = re.compile(r"Bochs is exiting with the following message:\s*\n"
                      r"(?:\[[^\]]*\]\s*)?(.*)")
POWER_OFF_MESSAGE = "ACPI control: soft power off"
SHUTDOWN_MESSAGE = "Shutdown port: shutdown requested"


# Bochs's i440FX puts RAM below the PCI hole up to 3 GiB and the rest above
# 4 GiB without remapping the hole: RAM between 3 and 4 GiB is lost.
BELOW_HOLE_MIB = 3072
HOLE_END_MIB = 4096


def visible_ram_mib(mem):
    """RAM the guest sees of a --mem MEM machine under Bochs."""
    return min(mem, BELOW_HOLE_MIB) + max(0, mem - HOLE_END_MIB)


def option_error(o):
    """Why o cannot run under Bochs (None if it can)."""
    unsupported = [
        (o.machine != "pc", "--machine q35 (Bochs emulates an i440FX pc)"),
        (o.firmware != "bios", "--firmware uefi (Bochs boots its BIOS)"),
        (o.icount is not None, "--icount (under Bochs the TSC always counts "
         "instructions; see --ips)"),
        (bool(o.qemu_args), "--qemu-arg"),
    ]
    for bad, what in unsupported:
        if bad:
            return f"--emulator bochs does not take {what}"
    if o.mem < 16 or o.smp < 1:
        return "--emulator bochs needs --mem 16 or more and --smp 1 or more"
    return None


def bochsrc(o, iso, com1):
    """The configuration of one run (com1: COM1's mode and device)."""
    ips = o.ips or DEFAULT_IPS
    lines = [
        f"memory: guest={o.mem}, host={min(o.mem, MAX_HOST_MIB)}",
        f"cpu: model={o.cpu or DEFAULT_CPU}, count={o.smp}, ips={ips}, "
        "reset_on_triple_fault=0, "
        f"ignore_bad_msrs={1 if o.hypervisor == 'xen-4.17' else 0}",
        f"romimage: file={BIOS}",
        f"vgaromimage: file={VGABIOS}",
        'display_library: rfb, options="timeout=0"',
        "ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
        f"ata0-master: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, {com1}",
        f"log: {BOCHS_LOG}",
        "panic: action=fatal",
        "error: action=report",
        "info: action=report",
        "debug: action=ignore",
        "mouse: enabled=0",
        f"clock: sync=none, time0={TIME0}",
    ]
    return "".join(line + "\n" for line in lines + list(o.bochsrc_lines))


def _write_files(o, iso, work, com1):
    with open(os.path.join(work, BOCHSRC), "w") as f:
        f.write(bochsrc(o, os.path.abspath(iso), com1))
    with open(os.path.join(work, CONTINUE_RC), "w") as f:
        f.write("c\n")
    return [BOCHS, "-q", "-f", BOCHSRC, "-rc", CONTINUE_RC]


def prepare(o, iso, work):
    """Write a headless run's files into work; returns (argv, path of the
    FIFO that COM1 writes into)."""
    fifo = os.path.join(work, SERIAL)
    os.mkfifo(fifo)
    return _write_files(o, iso, work, f"mode=file, dev={SERIAL}"), fifo


def exit_message(output):
    """The message Bochs ended with (from its stdout), or None."""
    m = _EXIT_RE.search(output)
    return m.group(1).strip() if m else None


def powered_off(output):
    """True if Bochs ended because the guest entered ACPI S5."""
    return exit_message(output) == POWER_OFF_MESSAGE


def keep_log(work, dest):
    """Copy Bochs's own log next to the serial log the user asked for."""
    try:
        with open(os.path.join(work, BOCHS_LOG), "rb") as src, \
                open(dest, "wb") as out:
            out.write(src.read())
    except OSError:
        pass


QUIT_KEY = b"\x1d"          # Ctrl-], as xl console
CONNECT_TIMEOUT = 10.0


def run_interactive(o, iso, work):
    """COM1 on this terminal (raw mode; Ctrl-] ends Bochs), through Bochs's
    socket-server mode.  Returns (argv, Bochs's status, the serial output,
    what Bochs printed)."""
    with socket.socket() as probe:          # a free port for COM1
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = _write_files(o, iso, work,
                        f"mode=socket-server, dev=127.0.0.1:{port}")
    proc = subprocess.Popen(argv, cwd=work, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    print("boot: serial console on this terminal; Ctrl-] quits",
          file=sys.stderr)
    serial, messages = bytearray(), bytearray()
    saved = termios.tcgetattr(0) if os.isatty(0) else None
    try:
        sock = _connect(port, proc)
        if saved:
            tty.setraw(0)
        _pump(proc, sock, serial, messages)
    finally:
        if saved:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)
        if proc.poll() is None:
            proc.kill()
        messages += proc.stdout.read()
    return argv, proc.wait(), bytes(serial), messages.decode(errors="replace")


def _connect(port, proc):
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _pump(proc, sock, serial, messages):
    """Terminal to COM1 and COM1 to the terminal until Bochs ends or the
    quit key."""
    fds = [sock.fileno(), 0, proc.stdout.fileno()]
    while True:
        ready, _, _ = select.select(fds, [], [])
        if sock.fileno() in ready:
            data = sock.recv(65536)
            if not data:
                return
            serial += data
            os.write(1, data)
        if 0 in ready:
            data = os.read(0, 1024)
            if not data or QUIT_KEY in data:
                return
            sock.sendall(data)
        if proc.stdout.fileno() in ready:
            messages += os.read(proc.stdout.fileno(), 65536)
