"""Talking to QEMU while a boot runs: its QMP monitor (screendump, send-key,
pmemsave, stop), and a boot running in the background that a test can wait
on and type into.

    with xlmonitor.LiveBoot(t.boot, mem=512, xen_append="console=vga,com1") \\
            as live:
        live.wait_line(r"Type 'help'")
        live.qmp.type_text("echo hi\\n")
        live.wait_line(r"^hi$")
        live.qmp.type_text("poweroff\\n")
    r = live.result             # the boot's xlboot.Result

xlboot's qmp option puts QMP on a UNIX socket; this module creates one per
boot.
"""

import json
import os
import re
import socket
import tempfile
import threading
import time


class MonitorError(Exception):
    """QMP refused a command, or the socket went away."""


class Qmp:
    """A QMP connection (QEMU's JSON monitor)."""

    def __init__(self, path, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise MonitorError(f"no QMP socket at {path}")
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.buf = b""
        self._reply()                       # the greeting
        self.execute("qmp_capabilities")

    def close(self):
        self.sock.close()

    def _message(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise MonitorError("QMP connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def _reply(self):
        """The next reply, skipping asynchronous events."""
        while True:
            msg = self._message()
            if "event" not in msg:
                return msg

    def execute(self, command, **arguments):
        req = {"execute": command}
        if arguments:
            req["arguments"] = arguments
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        reply = self._reply()
        if "error" in reply:
            raise MonitorError(f"{command}: {reply['error'].get('desc')}")
        return reply.get("return")

    def screendump(self, path):
        self.execute("screendump", filename=path)

    def pmemsave(self, addr, size, path):
        self.execute("pmemsave", val=addr, size=size, filename=path)

    def send_key(self, *qcodes, hold_ms=50):
        """Press the keys together, then release them ('ctrl', 'a')."""
        self.execute("send-key", keys=[{"type": "qcode", "data": k}
                                       for k in qcodes], **{"hold-time":
                                                            hold_ms})

    def type_text(self, text, gap=0.02):
        """Type text on the PS/2 keyboard, key by key (no more than
        CHUNK keys at a time: QEMU's keyboard queue holds 16 bytes and
        drops the rest; LiveBoot.type waits for the echo between
        chunks)."""
        for ch in text:
            self.send_key(*key_for(ch))
            time.sleep(gap)


# Keys typed before waiting for the guest to take them.
CHUNK = 4


# Characters as QEMU qcodes (US layout): unshifted, then the shifted row.
_PLAIN = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus",
          "=": "equal", "[": "bracket_left", "]": "bracket_right",
          ";": "semicolon", "'": "apostrophe", "`": "grave_accent",
          "\\": "backslash", ",": "comma", ".": "dot", "/": "slash",
          "\b": "backspace"}
_SHIFTED = dict(zip('!@#$%^&*()_+{}:"~|<>?',
                    "1234567890-=[];'`\\,./"))


def key_for(ch):
    """The qcodes that type ch, e.g. 'A' -> ('shift', 'a')."""
    if ch.isascii() and ch.isalnum():
        return ("shift", ch.lower()) if ch.isupper() else (ch,)
    if ch in _PLAIN:
        return (_PLAIN[ch],)
    if ch in _SHIFTED:
        base = _SHIFTED[ch]
        return ("shift", base if base.isalnum() else _PLAIN[base])
    raise ValueError(f"no key types {ch!r}")


class _Lines:
    """The stream xlboot writes serial lines to, as they arrive."""

    def __init__(self):
        self.lines = []
        self.current = ""           # the line being written
        self.cond = threading.Condition()

    def write(self, text):
        with self.cond:
            self.lines += text.splitlines()
            self.current = ""
            self.cond.notify_all()

    def partial(self, text):
        with self.cond:
            self.current = text
            self.cond.notify_all()

    def flush(self):
        pass


class LiveBoot:
    """A boot running in a thread, with QMP connected.  boot is xlboot.boot
    or a test context's boot (same options); the result is in .result once
    the block ends (QEMU is told to quit if it still runs)."""

    def __init__(self, boot, **opts):
        self._dir = tempfile.mkdtemp(prefix="xen-lite-qmp.")
        self.socket = os.path.join(self._dir, "qmp.sock")
        self._boot, self._opts = boot, dict(opts, qmp=self.socket)
        self._lines = _Lines()
        self.result = None
        self.qmp = None

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        try:
            self.qmp = Qmp(self.socket)
        except (MonitorError, OSError):
            # QEMU did not start or ended at once: the boot says why.
            self._thread.join()
            self._remove_dir()
            why = self.result.reason if self.result else "no boot result"
            raise MonitorError(f"no QMP connection: {why}")
        return self

    def _run(self):
        self.result = self._boot(stream=self._lines, **self._opts)

    def __exit__(self, *exc):
        timeout = self._opts.get("timeout", 60.0)
        self._thread.join(timeout if exc[0] is None else 0.5)
        if self._thread.is_alive():
            try:
                self.qmp.execute("quit")
            except (MonitorError, OSError):
                pass
            self._thread.join(timeout)
        self.qmp.close()
        self._remove_dir()
        return False

    def _remove_dir(self):
        for name in os.listdir(self._dir):
            os.remove(os.path.join(self._dir, name))
        os.rmdir(self._dir)

    def running(self):
        return self._thread.is_alive()

    def wait_line(self, regex, timeout=60.0, after=0):
        """The first serial line (from number `after` on) matching regex;
        raises TimeoutError if none comes or the boot ends first."""
        pattern, deadline = re.compile(regex), time.monotonic() + timeout
        with self._lines.cond:
            while True:
                for i in range(after, len(self._lines.lines)):
                    if pattern.search(self._lines.lines[i]):
                        return i
                left = deadline - time.monotonic()
                if left <= 0 or not self.running():
                    raise TimeoutError(f"no serial line matches /{regex}/")
                self._lines.cond.wait(min(left, 0.2))

    def type(self, text, echoed=None, timeout=30.0):
        """Type text, CHUNK keys at a time, each time waiting until the
        guest has echoed what was typed: by default on the serial line
        (the line being written ends with it); echoed(typed) can say so
        instead (e.g. from the screen).  A newline ends the wait-free
        part: its output is for the caller to wait for."""
        echoed = echoed or self._serial_echoed
        for line in re.split(r"(\n)", text):
            if line == "\n":
                self.qmp.type_text("\n")
                continue
            for i in range(0, len(line), CHUNK):
                self.qmp.type_text(line[i:i + CHUNK])
                self.wait_for(lambda: echoed(line[:i + CHUNK]),
                              f"the echo of {line[:i + CHUNK]!r}", timeout,
                              every=0.05)

    def _serial_echoed(self, typed):
        with self._lines.cond:
            return self._lines.current.endswith(typed)

    def wait_text(self, regex, timeout=60.0):
        """Until the serial output matches regex in a line or in the one
        being written (a menu drawn with cursor moves has no line ends)."""
        pattern, deadline = re.compile(regex), time.monotonic() + timeout
        with self._lines.cond:
            while not (pattern.search(self._lines.current) or any(
                    pattern.search(line) for line in self._lines.lines)):
                left = deadline - time.monotonic()
                if left <= 0 or not self.running():
                    raise TimeoutError(f"no serial output matches /{regex}/")
                self._lines.cond.wait(min(left, 0.2))

    @property
    def lines(self):
        with self._lines.cond:
            return list(self._lines.lines)

    def wait_for(self, probe, what, timeout=60.0, every=0.25):
        """Poll probe() until it returns something true; returns that."""
        deadline = time.monotonic() + timeout
        while True:
            ended = not self.running()
            got = probe()
            if got:
                return got
            if time.monotonic() > deadline or ended:
                raise TimeoutError(f"{what} did not happen")
            time.sleep(every)

    def path(self, name):
        """A scratch file for this boot (screendumps and the like)."""
        return os.path.join(self._dir, name)
