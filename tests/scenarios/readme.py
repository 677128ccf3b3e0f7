"""The README's examples, run as written on make run's machine (1 GiB,
one CPU, the ISO make builds): every `xen-lite# ` line of its code blocks,
in order, in one boot, and the output each one shows compared with what
it printed -- so that what the README says stays true.  Figures that
move from run to run are compared loosely: times (anything with a
decimal point) not at all, other numbers within 10% (or 8), and a
domain's running/blocked state letters not at all.  A person types more
slowly than a script: after each `xl create` of a running guest the
script waits a second, as long as the guest needs to start its balloon
driver (which writes memory/actual-kb and memory/free-kb)."""

import os
import re

from xltest import scenario

PROMPT = "xen-lite# "
MARK = "@@readme-"


def examples(path):
    """[(command, [expected output lines])] from the README's indented
    code blocks, in order."""
    out, open_output = [], False
    with open(path) as f:
        for line in f.read().split("\n"):
            if line.strip() and not line.startswith("    "):
                open_output = False     # prose: the block has ended
            if not line.startswith("    "):
                continue
            text = line[4:]
            if text.startswith(PROMPT):
                out.append((text[len(PROMPT):], []))
                open_output = True
            elif open_output and text.strip():
                out[-1][1].append(text)
    return out


def same_token(want, got):
    num = r"-?\d+(\.\d+)?"
    if want == got:
        return True
    if re.fullmatch(num, want) and re.fullmatch(num, got):
        if "." in want:
            return "." in got           # a time: any value
        a, b = int(want), int(got)
        return abs(a - b) <= max(8, abs(a) // 10)
    state = r"[-r][-b][-p][-s][-scrwS?][-d]"
    return (re.fullmatch(state, want) is not None and
            re.fullmatch(state, got) is not None and want[2:] == got[2:])


def same_line(want, got):
    w, g = want.split(), got.split()
    return len(w) == len(g) and all(same_token(a, b) for a, b in zip(w, g))


@scenario("readme_examples_run_verbatim")
def readme_examples(t):
    readme = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                          "..", "..", "README.md")
    cases = examples(readme)
    t.check(len(cases) >= 10, f"only {len(cases)} examples in the README")
    script = []
    for i, (cmd, _) in enumerate(cases):
        script += [f"echo {MARK}{i}", cmd]
        if re.match(r"xl create (?!-p)", cmd):
            script.append("sleep 1")
    r = t.boot(run="; ".join(script), mem=1024, timeout=120)
    t.expect_status(r, 0)
    log = r.log
    for i, (cmd, want) in enumerate(cases):
        m = t.expect(log, rf"^{MARK}{i}$")
        rest = log[m.end():]
        end = re.search(rf"^(xen-lite# echo )?{MARK}{i + 1}$|^exit status",
                        rest, re.M)
        got = [line for line in rest[:end.start() if end else None].split("\n")
               if line.strip() and not line.startswith(PROMPT) and
               not re.match(r"^\(XEN\)|^\(d\d+\)", line)]
        if not want:
            continue
        t.check(len(got) == len(want) and
                all(same_line(a, b) for a, b in zip(want, got)),
                f"README's `{cmd}` shows\n  " + "\n  ".join(want) +
                "\nbut printed\n  " + "\n  ".join(got))
    t.note(f"{len(cases)} commands, "
           f"{sum(1 for _, w in cases if w)} with their output compared")
