"""What the xl scenarios share: scripts of steps marked with `echo @@STEP`
and the output of each, host files for a boot's ramdisk, and reading
`xl list`."""

import os
import re
import tempfile

PROMPT = "xen-lite# "


def section(t, r, step):
    """The output of script step `step` (after `echo @@step`, up to the
    next step or the script's end), without the echoed commands.  (Not
    for xl dmesg: the hypervisor's ring repeats the markers.)"""
    m = t.expect(r, rf"^@@{re.escape(step)}$")
    rest = r.log[m.end():]
    end = re.search(r"^((xen-lite# echo )?@@|exit status \d+$)", rest, re.M)
    text = rest[:end.start()] if end else rest
    return "\n".join(line for line in text.split("\n")
                     if not line.startswith(PROMPT)).strip("\n")


LIST_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
LIST_ROW = re.compile(r"^(\S+) +(\d+) +(\d+) +(\d+) +([-rbpscdS?]{6}) +\d+\.\d$")


def listed(t, text):
    """The names in the last `xl list` of text, in order."""
    at = text.rfind(LIST_HEADER)
    t.check(at >= 0, f"no xl list header in:\n{text}")
    names = []
    for line in text[at:].split("\n")[1:]:
        m = LIST_ROW.match(line)
        if not m:
            break
        names.append(m.group(1))
    return names


def list_row(t, text, name):
    """(id, mem, vcpus, state) of name's `xl list` row in text."""
    m = t.expect(text, rf"^{re.escape(name)} +(\d+) +(\d+) +(\d+) +"
                       r"([-rbpscdS?]{6}) +\d+\.\d$")
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)


def steps(*parts):
    """A --run script from (step, commands) pairs and plain commands."""
    out = []
    for p in parts:
        if isinstance(p, tuple):
            out.append(f"echo @@{p[0]}")
            out.extend(p[1])
        else:
            out.append(p)
    return "; ".join(out)


class Files:
    """Host files for one boot's ramdisk, in a temporary directory."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.specs = []

    def add(self, path, data):
        host = os.path.join(self.tmp.name, os.path.basename(path))
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(host, mode) as f:
            f.write(data)
        self.specs.append(f"{host}:{path}")
        return path

    def cfg(self, name, kernel="/boot/hello", **keys):
        lines = [f'name = "{name}"', f'kernel = "{kernel}"']
        for k, v in keys.items():
            lines.append(f'{k} = {v!r}'.replace("'", '"')
                         if isinstance(v, str) else f"{k} = {v}")
        return self.add(f"/etc/xen/{name}.cfg", "\n".join(lines) + "\n")

    def close(self):
        self.tmp.cleanup()


def boot(t, files, script, status=0, **opts):
    opts.setdefault("smp", 2)
    try:
        r = t.boot(run=script, files=files.specs, **opts)
    finally:
        files.close()
    t.expect_status(r, status)
    t.expect(r, rf"^exit status {status}$")
    return r
