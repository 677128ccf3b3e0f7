"""The libFuzzer harnesses of tests/fuzz: their corpora, a replay of the
corpora (make test: every input once, which is how each crash the
fuzzers found stays fixed) and bounded fuzzing runs (make fuzz-parsers).

Each harness tests/fuzz/fuzz_<x>.c is built as $BUILD/fuzz/fuzz_<x>.  Its
corpus is tests/fuzz/corpus/<x>/ (kept in the tree: small seeds, and every
input that once crashed, named crash-<what>) plus the seeds the build
offers (seed_dirs), copied under $BUILD/fuzz/seeds/<x>/.  A fuzzing run
adds what it finds to $BUILD/fuzz/corpus/<x>/ and writes any crashing
input to $BUILD/fuzz/findings/."""

import glob
import os
import re
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def harnesses():
    """Names (xlcfg, elf, ...) of every harness in the tree."""
    return sorted(os.path.basename(p)[len("fuzz_"):-2]
                  for p in glob.glob(os.path.join(ROOT, "tests/fuzz/fuzz_*.c")))


def binary(build, name):
    return os.path.join(build, "fuzz", "fuzz_" + name)


# Seeds the build and the tree already hold, by harness.
def _seed_files(build, name):
    if name == "xlcfg":
        return glob.glob(os.path.join(ROOT, "dom0/rootfs/etc/xen/*.cfg")) + \
            glob.glob(os.path.join(ROOT, "tests/unit/data/xlcfg/*.cfg"))
    if name == "elf":
        guests = [os.path.join(build, "guests", g) for g in ("hello", "pv-selftest")]
        return [g for g in guests if os.path.isfile(g)]
    return []


def _bzimage_seed(build, seeds):
    """hello wrapped as Linux wraps vmlinux (tests/fuzz/mkseeds.py)."""
    elf = os.path.join(build, "guests", "hello")
    if os.path.isfile(elf):
        subprocess.run([os.path.join(ROOT, "tests/fuzz/mkseeds.py"), "--bzimage", elf,
                        os.path.join(seeds, "hello.bzImage")], check=True)


def seed_dirs(build, name):
    """The corpus directories to read (the tree's, and the build's seeds)."""
    dirs = []
    own = os.path.join(CORPUS, name)
    if os.path.isdir(own):
        dirs.append(own)
    seeds = os.path.join(build, "fuzz", "seeds", name)
    os.makedirs(seeds, exist_ok=True)
    for f in _seed_files(build, name):
        shutil.copy(f, os.path.join(seeds, os.path.basename(f)))
    if name == "bzimage":
        _bzimage_seed(build, seeds)
    if os.listdir(seeds):
        dirs.append(seeds)
    return dirs


def _run(argv, log_path, timeout):
    with open(log_path, "w") as log:
        try:
            proc = subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT,
                                  cwd=ROOT, timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            rc = None
    with open(log_path, errors="replace") as log:
        return rc, log.read()


def _first_error(text):
    for pat in (r"^SUMMARY: .*$", r"^==\d+==ERROR: .*$", r"^.*runtime error: .*$",
                r"^audit: .*$", r"^.*: .*!= .*$"):
        m = re.search(pat, text, re.M)
        if m:
            return m.group(0).strip()
    return "no error line"


def replay(build, name, log_path):
    """Every corpus input once.  Returns (ok, inputs, reason)."""
    path = binary(build, name)
    if not os.access(path, os.X_OK):
        return False, 0, f"not built: {path} (make fuzz-parsers-build)"
    # Without a corpus (the build's seeds not made yet) the empty input
    # still runs, as libFuzzer always runs it first.
    dirs = seed_dirs(build, name)
    rc, out = _run([path, "-runs=0"] + dirs, log_path, timeout=300)
    m = re.search(r"\bINITED cov: ", out)
    files = sum(int(n) for n in re.findall(r"INFO: +(\d+) files found", out))
    if rc != 0:
        return False, files, f"{_first_error(out)} (log: {log_path})"
    if not m:
        return False, files, f"the corpus did not run (log: {log_path})"
    return True, files, ""


def fuzz(build, name, seconds, log_path):
    """A bounded run.  Returns (ok, stats dict, reason)."""
    path = binary(build, name)
    if not os.access(path, os.X_OK):
        return False, {}, f"not built: {path}"
    work = os.path.join(build, "fuzz", "corpus", name)
    findings = os.path.join(build, "fuzz", "findings")
    os.makedirs(work, exist_ok=True)
    os.makedirs(findings, exist_ok=True)
    argv = [path, f"-max_total_time={seconds}", "-print_final_stats=1",
            "-timeout=20", "-rss_limit_mb=2048",
            f"-artifact_prefix={findings}/{name}-", work] + seed_dirs(build, name)
    rc, out = _run(argv, log_path, timeout=seconds + 120)
    stats = {k: int(v) for k, v in re.findall(r"^stat::(\w+): +(\d+)$", out, re.M)}
    if rc != 0:
        art = re.search(r"Test unit written to (\S+)", out)
        where = f"; input: {art.group(1)}" if art else ""
        return False, stats, f"{_first_error(out)}{where} (log: {log_path})"
    return True, stats, ""
