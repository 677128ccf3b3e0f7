"""The boot matrix (tools/boot-matrix): a fixed subset of its cells, booted
through the matrix's own runner, with its reports; the full set is
`make matrix`."""

import os
import re
import xml.etree.ElementTree as ET

import xlmatrix
import xlmatrix_report as report
from xltest import scenario

# Cells the other scenarios do not boot: UEFI on q35 with xl and two vCPUs,
# and a PV guest on a 6 GiB q35 machine under BIOS.
SUBSET = [
    xlmatrix.Cell("uefi", "q35", 2, 1024, "EPYC,-monitor", "qemu", "pv+xl"),
    xlmatrix.Cell("bios", "q35", 2, 6144, "qemu64", "qemu", "pv+xl"),
]
HUNG = xlmatrix.Cell("bios", "pc", 1, 128, "qemu64", "qemu", "pv+xl")
HANG_MARK = "matrix-test: about to hang"


@scenario("matrix_default_set_is_pairwise")
def matrix_default_set_is_pairwise(t):
    """Every value of every axis and every pair of values of the platform
    axes is in the default set; the boots of the subset pass."""
    cells, chosen = xlmatrix.all_cells(), xlmatrix.select(build=t.build)
    runnable = [c for c in cells if not xlmatrix.skip_reason(c, t.build)]
    booted = [c for c in chosen if not xlmatrix.skip_reason(c, t.build)]
    t.check(not xlmatrix.uncovered(booted, runnable),
            "pairs that can be booted here are left to skipped cells: "
            f"{sorted(xlmatrix.uncovered(booted, runnable))[:5]}")
    t.check(not xlmatrix.uncovered(chosen, cells),
            f"default set misses {sorted(xlmatrix.uncovered(chosen, cells))}")
    t.check(len(chosen) < len(cells) / 4,
            f"default set has {len(chosen)} of {len(cells)} cells")
    for axis, values in xlmatrix.AXES.items():
        for v in values:
            t.check(any(getattr(c, axis) == v.value for c in chosen),
                    f"no cell has {axis}={v.label}")
    out_dir = os.path.join(t.build, "test-logs", "matrix-subset")
    os.makedirs(out_dir, exist_ok=True)
    outs = [xlmatrix.run_cell(c, t.build, out_dir, boot=t.boot)
            for c in SUBSET]
    for out in outs:
        t.check(out.result == "ok", f"{out.cell.name}: {out.result}: "
                f"{out.reason}")
        t.expect(open(out.log).read(), r"^hello: done")


def run_hung_cell(t, out_dir):
    """The HUNG cell, its dom0 printing HANG_MARK and then hanging, cut at
    a short timeout.  A host too loaded to reach the mark within it gets
    the cell again with a longer one: the check is on how the cut is
    reported, and a mark that is in the log but not among the reported
    last lines still fails."""
    for timeout in (6, 24, 96):
        def hanging_boot(**opts):
            opts.update(run=f"echo {HANG_MARK}; sleep 600", timeout=timeout)
            return t.boot(**opts)
        hung = xlmatrix.run_cell(HUNG, t.build, out_dir, boot=hanging_boot)
        if re.search("^" + re.escape(HANG_MARK), open(hung.log).read(),
                     re.M):
            break
    return hung


@scenario("matrix_hung_cell_reported_with_last_lines")
def matrix_hung_cell_reported_with_last_lines(t):
    """A cell that hangs is cut at its timeout and reported, in both
    reports, with its last serial lines; a skipped cell says why."""
    out_dir = os.path.join(t.build, "test-logs", "matrix-hung")
    os.makedirs(out_dir, exist_ok=True)
    hung = run_hung_cell(t, out_dir)
    t.check(hung.result == "FAIL", f"hung cell: {hung.result}")
    t.check("exit status 124" in hung.reason and "timeout" in hung.reason,
            f"hung cell's reason: {hung.reason}")
    t.check(any(HANG_MARK in line for line in hung.last_lines),
            f"last lines lack the mark: {hung.last_lines}")
    t.expect(open(hung.log).read(), "^" + HANG_MARK)
    skipped = xlmatrix.Outcome(SUBSET[0], "skipped", "no such emulator")
    outs = [hung, skipped]
    md, xml = report.write_reports(outs, out_dir, 9.0, 1, "test")
    text = open(md).read()
    t.expect(text, r"\| 1 \| BIOS \| pc \| 1 \| 128 MiB \| qemu64 \| QEMU "
             r"\| pv\+xl \| \*\*FAIL\*\*: exit status 124.*\(\[log\]\(")
    t.expect(text, r"\| 2 \| UEFI .*\| skipped: no such emulator \| - \|")
    t.expect(text, "^" + HANG_MARK)
    suite = ET.parse(xml).getroot().find("testsuite")
    t.check(suite.get("tests") == "2" and suite.get("failures") == "1"
            and suite.get("skipped") == "1", f"junit counts: {suite.attrib}")
    fail = suite.find("testcase/failure")
    t.check(fail is not None and HANG_MARK in (fail.text or ""),
            "junit failure lacks the last serial lines")
    line = report.progress_line(1, 2, hung)
    t.check(line.startswith(f"[1/2] {HUNG.name} ... FAIL "),
            f"progress line: {line}")
