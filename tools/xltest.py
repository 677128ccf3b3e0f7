"""Booted test scenarios: registration, context and assertions.

A scenario file in tests/scenarios/ looks like

    from xltest import scenario

    @scenario("selftest_{machine}", machine=["pc", "q35"])
    def selftest(t, machine):
        r = t.boot(machine=machine, xen_append="selftest")
        t.expect_status(r, 0)
        t.expect(r, r"\\(XEN\\) Powering off")

tools/testall imports every file, runs each scenario with a Context `t`,
and keeps the serial logs of its boots in $BUILD/test-logs/<name>.log.
See tests/scenarios/README.md.
"""

import importlib.util
import itertools
import os
import re
import select
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field

import xlboot

REGISTRY = []


@dataclass
class Scenario:
    name: str
    func: object
    params: dict = field(default_factory=dict)
    source: str = ""
    long: bool = False      # not in make test (tools/testall --long)


def scenario(name, long=False, **params):
    """Register a scenario.  With keyword lists, one scenario per
    combination; name is formatted with the values (e.g. "smp_{smp}").
    long=True keeps it out of make test: its area's own target runs it
    (make test-bochs for the bochs_* scenarios)."""
    def register(func):
        keys = list(params)
        for values in itertools.product(*(params[k] for k in keys)):
            combo = dict(zip(keys, values))
            REGISTRY.append(Scenario(name.format(**combo), func, combo,
                                     func.__code__.co_filename, long))
        return func
    return register


class ScenarioFailed(Exception):
    """A check failed; the message is the one-line reason."""


class Context:
    """What a scenario gets: boot(), assertion helpers and note()."""

    def __init__(self, name, build, log_path, timeout=60.0):
        self.name = name
        self.build = build
        self.timeout = timeout
        self.notes = []
        self.boots = 0
        self.log_checks = 0
        self._log = open(log_path, "w")

    def close(self, verdict):
        self._log.write(f"### {verdict}\n")
        self._log.close()

    def boot(self, stream=None, **opts):
        """Boot once (xlboot.boot options); the serial log goes to the
        scenario's log file (and to stream, if given).  The Result knows
        its boot number."""
        opts.setdefault("build", self.build)
        opts.setdefault("timeout", self.timeout)
        self.boots += 1
        self._log.write(f"### boot {self.boots}: "
                        f"{xlboot.command_line(xlboot.BootOptions(**opts))}\n")
        self._log.flush()
        res = xlboot.boot(stream=_LogStream(self._log, stream), **opts)
        res.number = self.boots
        self._log.write(f"### boot {self.boots}: status {res.status}"
                        f"{': ' + res.reason if res.reason else ''}"
                        f" ({res.wall:.1f} s)\n")
        self._log.flush()
        return res

    def boot_typed(self, keys, wait_for="xen-lite# ", args=()):
        """`tools/boot --interactive` (what make run does) with a pipe for
        a terminal: once the output shows wait_for, type keys (bytes).
        Returns (exit status, everything it printed, as text)."""
        boot = os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot")
        argv = [sys.executable, boot, "--interactive", "--build", self.build,
                *args]
        self.boots += 1
        self._log.write(f"### boot {self.boots}: {' '.join(argv[1:])} "
                        f"(typing {keys!r} at {wait_for!r})\n")
        p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out, deadline = b"", time.monotonic() + self.timeout
        while wait_for.encode() not in out and time.monotonic() < deadline:
            if select.select([p.stdout], [], [], 0.5)[0]:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
        if wait_for.encode() in out:
            p.stdin.write(keys)
            p.stdin.flush()
        try:
            rest, _ = p.communicate(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            rest, _ = p.communicate()
        text = (out + rest).decode("utf-8", errors="replace").replace("\r", "")
        self._log.write(text)
        self._log.write(f"### boot {self.boots}: status {p.returncode}\n")
        return p.returncode, text

    def note(self, text):
        """A line shown under the scenario's PASS/FAIL line."""
        self.notes.append(text)
        self._log.write(f"### note: {text}\n")

    def fail(self, message):
        raise ScenarioFailed(message)

    def check(self, cond, message):
        if not cond:
            self.fail(message)

    def expect_status(self, result, status):
        if result.status != status:
            why = f" ({result.reason})" if result.reason else ""
            self.fail(f"{_which(result)}: expected exit status {status}, "
                      f"got {result.status}{why}")

    def expect(self, where, regex):
        """The first match of regex (multi-line) in the log; fails naming
        the regex if there is none."""
        self.log_checks += 1
        m = re.search(regex, _text(where), re.M)
        if not m:
            self.fail(f"{_which(where)}: no line matches /{regex}/"
                      f"{_status_hint(where)}")
        return m

    def expect_not(self, where, regex):
        self.log_checks += 1
        m = re.search(regex, _text(where), re.M)
        if m:
            self.fail(f"{_which(where)}: unexpected line matching "
                      f"/{regex}/: {_line_of(_text(where), m)}")

    def expect_count(self, where, regex, count):
        self.log_checks += 1
        found = len(re.findall(regex, _text(where), re.M))
        if found != count:
            self.fail(f"{_which(where)}: expected {count} line(s) matching "
                      f"/{regex}/, found {found}{_status_hint(where)}")

    def expect_all(self, where, regex):
        """Every match of regex, as match objects; fails if there is none."""
        self.expect(where, regex)
        return list(re.finditer(regex, _text(where), re.M))


class _LogStream:
    def __init__(self, f, tee=None):
        self.f, self.tee = f, tee

    def write(self, text):
        self.f.write(text)
        if self.tee:
            self.tee.write(text)

    def flush(self):
        self.f.flush()

    def partial(self, text):
        if hasattr(self.tee, "partial"):
            self.tee.partial(text)


def _text(where):
    return where if isinstance(where, str) else where.log


def _which(where):
    number = getattr(where, "number", None)
    return f"boot {number}" if number else "log"


def _status_hint(where):
    if isinstance(where, str) or where.status == 0:
        return ""
    return f" (boot ended with status {where.status}: {where.reason})"


def _line_of(text, m):
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    return text[start:end if end >= 0 else len(text)].strip()[:120]


def load(directory):
    """Import every scenario file; returns (scenarios, import errors)."""
    del REGISTRY[:]
    errors = []
    tools = os.path.dirname(os.path.abspath(__file__))
    if tools not in sys.path:
        sys.path.insert(0, tools)
    for fname in sorted(os.listdir(directory)):
        if not fname.endswith(".py") or fname.startswith("_"):
            continue
        path = os.path.join(directory, fname)
        try:
            spec = importlib.util.spec_from_file_location(
                "scenario_" + fname[:-3], path)
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        except Exception as e:  # a broken file fails, others still run
            errors.append((fname, f"{type(e).__name__}: {e}"))
    return list(REGISTRY), errors


@dataclass
class Outcome:
    name: str
    passed: bool
    reason: str
    seconds: float
    notes: list


def run(scn, build, log_dir, timeout=60.0):
    """Run one scenario; never raises."""
    log_path = os.path.join(log_dir, scn.name + ".log")
    t = Context(scn.name, build, log_path, timeout)
    start = time.monotonic()
    try:
        scn.func(t, **scn.params)
        passed, reason = True, ""
    except ScenarioFailed as e:
        passed, reason = False, str(e)
    except Exception as e:
        passed, reason = False, f"scenario error: {type(e).__name__}: {e}"
        t._log.write(traceback.format_exc())
    if passed and t.boots == 0:
        passed, reason = False, "scenario booted nothing"
    elif passed and t.log_checks == 0:
        passed, reason = False, "scenario did not check any serial log"
    t.close("PASS" if passed else f"FAIL: {reason}")
    return Outcome(scn.name, passed, reason, time.monotonic() - start,
                   t.notes)
