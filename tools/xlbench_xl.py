"""The xl section of tools/bench: how long a person waits for xen-lite's
dom0 and its xl -- boot to the prompt, xl list, xl create -c to the
guest's first console line, xl destroy -- beside what Xen 4.17 with a
Linux dom0 and its xl took under the same emulator.

Xen 4.17 cannot boot this dom0 (it is xen-lite's own), so its column is
the range measured by hand and recorded in XL-REFERENCE (the team's notes
on Xen 4.17's xl), not a run of this script.

How each figure is taken:

  boot      one boot per run, without a script: QEMU's start to the moment
            the interactive prompt `xen-lite# ` arrives on the serial line
            (host clock; the runner stops QEMU there).
  xl list, xl create -p, xl destroy
            dom0's own clock: the shell's `time CMD` (the hypervisor's
            system time, read by dom0) around each command, all runs in one
            boot.  Cross-checked on the host clock: the echoed command line
            to the `real` line that follows it on the serial line.
  xl create -c -> first console line
            host clock only: the echoed `xl create -c` line to the guest's
            first line (dom0 does not see its output reach the serial
            port).  The guest is hello in a 64 MiB domain; it powers off
            and is destroyed before the next run.

    import xlbench_xl
    sec = xlbench_xl.run("build", runs=20, jobs=1)
    xlbench_xl.print_table(sec, print)
"""

import concurrent.futures
import os
import re
import statistics
import tempfile

import xlboot

NAME = "xl"
TITLE = ("dom0 and xl as a person waits for them: boot to the prompt, "
         "xl list, xl create -c, xl destroy")
RUNS = 20
# The machine XL-REFERENCE's Xen 4.17 ran on: 2 CPUs, 2 GiB.
BOOT = {"smp": 2, "mem": 2048}
BOOT_TIMEOUT = 120.0
PROMPT = r"^xen-lite# "

GUEST_CFG = "/etc/xen/bench-hello.cfg"
GUEST_CFG_TEXT = ('# xl benchmark: hello in a 64 MiB PV domain\n'
                  'name = "bench-hello"\nkernel = "/boot/hello"\n'
                  'memory = 64\nvcpus = 1\non_poweroff = "destroy"\n')
GUEST_FIRST_LINE = r"^hello: "

# (key, label, clock, Xen 4.17's range in seconds or None, target in
# seconds or None).  Xen's ranges and the targets are XL-REFERENCE's and
# DESIGN.md's.
OPS = [
    ("boot_to_prompt", "boot: QEMU start -> `xen-lite# ` prompt", "host",
     (34.0, 48.0), 1.0),
    ("xl_list", "xl list", "dom0", (0.35, 0.5), 0.010),
    ("xl_list_serial", "  xl list, echo -> `real` line", "host",
     (0.35, 0.5), None),
    ("create_first_line", "xl create -c -> guest's first line", "host",
     (4.6, 7.0), 0.25),
    ("create_paused", "xl create -p, 64 MiB (Xen: 128 MiB)", "dom0",
     (0.6, 6.0), None),
    ("xl_destroy", "xl destroy, 64 MiB", "dom0", (0.4, 2.8), 0.050),
    ("xl_destroy_serial", "  xl destroy, echo -> `real` line", "host",
     (0.4, 2.8), None),
]

REAL_RE = re.compile(r"^real\t(\d+)m(\d+\.\d+)s$")
TIMED_RE = re.compile(r"^xen-lite# time (.+)$")


def command_script(runs):
    """The script of the command boot: each command `runs` times."""
    lines = ["time xl list" for _ in range(runs)]
    lines += [f"time xl create -c {GUEST_CFG}" for _ in range(runs)]
    for _ in range(runs):
        lines += [f"time xl create -p {GUEST_CFG}", "time xl destroy "
                  "bench-hello"]
    return "; ".join(lines)


def timed_commands(lines):
    """[{cmd, echo, real, real_line, first}] from a boot's (seconds, text)
    lines: each `time CMD` echo, dom0's `real` figure after it, when that
    line arrived, and when the first guest line arrived (create -c)."""
    out, cur = [], None
    for when, text in lines:
        if (m := TIMED_RE.match(text)):
            cur = {"cmd": m.group(1), "echo": when, "real": None,
                   "real_line": None, "first": None}
            out.append(cur)
        elif cur is None:
            continue
        elif (m := REAL_RE.match(text)) and cur["real"] is None:
            cur["real"] = int(m.group(1)) * 60 + float(m.group(2))
            cur["real_line"] = when
        elif cur["first"] is None and re.match(GUEST_FIRST_LINE, text):
            cur["first"] = when
    return out


def samples_from_commands(cmds):
    """{op key: [seconds]} from the command boot."""
    s = {k: [] for k, *_ in OPS if k != "boot_to_prompt"}
    for c in cmds:
        host = (c["real_line"] - c["echo"]) if c["real_line"] else None
        if c["cmd"] == "xl list" and c["real"] is not None:
            s["xl_list"].append(c["real"])
            s["xl_list_serial"].append(host)
        elif c["cmd"].startswith("xl create -c") and c["first"] is not None:
            s["create_first_line"].append(c["first"] - c["echo"])
        elif c["cmd"].startswith("xl create -p") and c["real"] is not None:
            s["create_paused"].append(c["real"])
        elif c["cmd"].startswith("xl destroy") and c["real"] is not None:
            s["xl_destroy"].append(c["real"])
            s["xl_destroy_serial"].append(host)
    return s


# ---- Running ---------------------------------------------------------------

def boot_options(build, qemu, log):
    return dict(qemu, build=build, timeout=BOOT_TIMEOUT, log=log)


def log_path(build, name):
    path = os.path.join(build, "bench", "logs", f"xl-{name}.log")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def boot_record(name, res, problems):
    problems = ([res.reason or f"boot status {res.status}"]
                if res.status != 0 else []) + problems
    return {"boot": name, "ok": not problems, "problems": problems,
            "status": res.status, "boot_seconds": round(res.wall, 3),
            "command": res.command}


def prompt_boot(build, qemu, run):
    """One boot to the interactive prompt; (record, seconds or None)."""
    log = log_path(build, f"prompt-run{run}")
    res = xlboot.boot(until=PROMPT, **boot_options(build, qemu, log))
    rec = boot_record(f"prompt-run{run}", res, [] if res.until_time else
                      ["no prompt"])
    rec.update(log=log, prompt=res.until_time,
               hypervisor_first_line=res.time_of(r"^\(XEN\) xen-lite"),
               dom0_first_line=res.time_of(r"^xen-lite dom0: "))
    return rec, res.until_time


def command_boot(build, qemu, runs):
    """The boot that times the xl commands; (record, {op: [seconds]})."""
    log = log_path(build, "commands")
    with tempfile.TemporaryDirectory(prefix="xen-lite-bench.") as tmp:
        cfg = os.path.join(tmp, "bench-hello.cfg")
        with open(cfg, "w") as f:
            f.write(GUEST_CFG_TEXT)
        res = xlboot.boot(run=command_script(runs),
                          files=[f"{cfg}:{GUEST_CFG}"],
                          **boot_options(build, qemu, log))
    samples = samples_from_commands(timed_commands(res.lines))
    short = [k for k, v in samples.items() if len(v) != runs or None in v]
    rec = boot_record("commands", res, [f"{k}: {len(samples[k])} of {runs} "
                                        "figures" for k in short])
    rec["log"] = log
    return rec, samples


def run(build, runs=RUNS, jobs=1, qemu=None, progress=None):
    """Every boot of the section; returns its results.json entry."""
    qemu = dict(qemu or {}, **BOOT)
    load = [round(x, 2) for x in os.getloadavg()]
    records, prompts = [], []

    def done(rec, value=None):
        records.append(rec)
        if value is not None:
            prompts.append(value)
        if progress:
            progress(rec)

    rec, samples = command_boot(build, qemu, runs)
    done(rec)
    # The first prompt boot alone: it may build the ISO the others share.
    done(*prompt_boot(build, qemu, 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(prompt_boot, build, qemu, n)
                   for n in range(2, runs + 1)]
        for fut in concurrent.futures.as_completed(futures):
            done(*fut.result())
    samples["boot_to_prompt"] = prompts
    return {"title": TITLE, "qemu": qemu, "runs": runs, "jobs": jobs,
            "host_load": load, "results": summarize(samples),
            "boots": records}


def summarize(samples):
    out = {}
    for key, label, clock, xen, target in OPS:
        values = [v for v in samples.get(key, []) if v is not None]
        row = {"label": label, "clock": clock, "seconds": values,
               "min": min(values) if values else None,
               "median": statistics.median(values) if values else None,
               "xen_4_17": list(xen) if xen else None, "target": target}
        if row["median"] is not None and xen:
            row["ratio"] = row["median"] / xen[0]
        if row["median"] is not None and target is not None:
            row["target_met"] = row["median"] <= target
        out[key] = row
    return out


# ---- The table -------------------------------------------------------------

def seconds(v):
    if v is None:
        return "-"
    if v >= 1:
        return f"{v:.2f} s"
    return f"{v * 1000:.3g} ms" if v >= 0.001 else f"{v * 1e6:.3g} us"


def seconds_range(lo_hi):
    return f"{lo_hi[0]:g}-{lo_hi[1]:g} s" if lo_hi else "-"


def print_table(section, say, cpu=None, emulator=None):
    q, res = section["qemu"], section["results"]
    say()
    say(f"{NAME}: {section['title']}")
    say(f"  {emulator or 'QEMU'} TCG, -machine {q['machine']} -cpu "
        f"{q['cpu']} -smp {q['smp']} -m {q['mem']}, {q['firmware'].upper()}"
        f"; host CPU {cpu or 'unknown'}")
    par = ("one at a time" if section["jobs"] == 1 else
           f"{section['jobs']} at a time (parallel boots can inflate the "
           "wall times)")
    say(f"  {section['runs']} runs of each; the prompt boots ran {par}; "
        "the commands ran in one boot")
    say(f"  host load average at the start {section['host_load'][0]:g} on "
        f"{os.cpu_count()} CPUs (other work on the host inflates wall times)")
    say()
    say(f"  {'operation':<42}{'clock':>6}{'min':>10}{'median':>10}"
        f"{'Xen 4.17':>13}{'ratio':>9}  target")
    for key, label, *_ in OPS:
        r = res[key]
        xen = seconds_range(r["xen_4_17"])
        ratio = f"{r['ratio']:.4f}" if r.get("ratio") is not None else "-"
        target = "-" if r["target"] is None else (
            f"<= {seconds(r['target'])} "
            + ("met" if r.get("target_met") else "MISSED"))
        say(f"  {label:<42}{r['clock']:>6}{seconds(r['min']):>10}"
            f"{seconds(r['median']):>10}{xen:>13}{ratio:>9}  {target}")
    say("  clock: host = serial bytes timestamped as they arrive (lines "
        "read together show 0); dom0 = dom0's `time` (hypervisor system "
        "time)")
    say("  Xen 4.17 = Xen 4.17.7 + Linux dom0 + xl under the same emulator "
        "(XL-REFERENCE); ratio = xen-lite median / Xen's fastest")
    breakdown(section, say)


def breakdown(section, say):
    """Where the boot's time goes, from the prompt boots' serial lines."""
    boots = [b for b in section["boots"] if b.get("prompt")]
    hv = [b["hypervisor_first_line"] for b in boots
          if b.get("hypervisor_first_line")]
    d0 = [b["dom0_first_line"] for b in boots if b.get("dom0_first_line")]
    if hv and d0:
        say(f"  boot, medians: firmware + GRUB -> xen-lite's first line "
            f"{seconds(statistics.median(hv))}, dom0's first line "
            f"{seconds(statistics.median(d0))}, prompt "
            f"{seconds(statistics.median(b['prompt'] for b in boots))}")
