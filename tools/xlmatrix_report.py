"""What the boot matrix tells people: one progress line per finished cell,
and at the end report.md (a Markdown table, failures linked to their serial
logs, with their last lines) and junit.xml (one testcase per cell)."""

import os
import xml.etree.ElementTree as ET

import xlmatrix

COLUMNS = ("firmware", "machine", "vCPUs", "RAM", "CPU", "emulator",
           "workload")


def progress_line(done, total, out):
    """'[17/48] uefi q35 smp4 6G EPYC pv+xl ... ok 2.1 s'."""
    head = f"[{done}/{total}] {out.cell.name} ..."
    if out.result == "skipped":
        return f"{head} skipped: {out.reason}"
    line = f"{head} {out.result} {out.seconds:.1f} s"
    if out.result != "ok":
        line += f": {out.reason}"
        if out.log:
            line += f" (log: {out.log})"
    return line


def tally(outcomes):
    counts = {"ok": 0, "FAIL": 0, "skipped": 0}
    for o in outcomes:
        counts[o.result] += 1
    return counts


def summary(outcomes, wall, jobs, how):
    c = tally(outcomes)
    return (f"{len(outcomes)} cells ({how}): {c['ok']} passed, "
            f"{c['FAIL']} failed, {c['skipped']} skipped; "
            f"wall {wall:.0f} s with -j {jobs}")


def _cells_row(cell):
    cpu = cell.cpu if cell.label("cpu") == cell.cpu else \
        f"{cell.label('cpu')} (`{cell.cpu}`)"
    return [cell.firmware.upper(), cell.machine, str(cell.smp), _mib(cell.mem), cpu,
            "QEMU" if cell.emulator == "qemu" else cell.emulator.capitalize(),
            cell.workload]


def _mib(mib):
    return f"{mib // 1024} GiB" if mib % 1024 == 0 else f"{mib} MiB"


def _md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def _result_cell(out, out_dir):
    if out.result == "ok":
        return "ok"
    if out.result == "skipped":
        return "skipped: " + _md_escape(out.reason)
    text = "**FAIL**: " + _md_escape(out.reason)
    if out.log:
        text += f" ([log]({os.path.relpath(out.log, out_dir)}))"
    return text


def markdown(outcomes, out_dir, title_line):
    """The report: the table, then each failure with its last lines."""
    lines = ["# Boot matrix", "", title_line, "",
             "| # | " + " | ".join(COLUMNS) + " | result | time |",
             "|---" * (len(COLUMNS) + 3) + "|"]
    for i, out in enumerate(outcomes, 1):
        took = f"{out.seconds:.1f} s" if out.result != "skipped" else "-"
        lines.append(f"| {i} | " + " | ".join(_cells_row(out.cell))
                     + f" | {_result_cell(out, out_dir)} | {took} |")
    failed = [o for o in outcomes if o.result == "FAIL"]
    if failed:
        lines += ["", "## Failures"]
    for out in failed:
        lines += ["", f"### {out.cell.name}", "", _md_escape(out.reason)]
        if out.command:
            lines += ["", "Repeat it: `" + out.command + "`"]
        if out.last_lines:
            lines += ["", "Last serial lines:", "", "```"]
            lines += [t.rstrip().replace("```", "'''")
                      for t in out.last_lines]
            lines += ["```"]
    return "\n".join(lines) + "\n"


def junit(outcomes, wall, suite="boot-matrix"):
    """JUnit XML: one testsuite, one testcase per cell."""
    c = tally(outcomes)
    root = ET.Element("testsuites", name=suite, tests=str(len(outcomes)),
                      failures=str(c["FAIL"]), skipped=str(c["skipped"]),
                      time=f"{wall:.1f}")
    ts = ET.SubElement(root, "testsuite", name=suite,
                       tests=str(len(outcomes)), failures=str(c["FAIL"]),
                       errors="0", skipped=str(c["skipped"]),
                       time=f"{wall:.1f}")
    for out in outcomes:
        tc = ET.SubElement(ts, "testcase", classname=suite,
                           name=out.cell.name, time=f"{out.seconds:.1f}")
        if out.result == "skipped":
            ET.SubElement(tc, "skipped", message=out.reason)
        elif out.result == "FAIL":
            fail = ET.SubElement(tc, "failure", message=out.reason)
            fail.text = "\n".join(out.last_lines)
        if out.log:
            ET.SubElement(tc, "system-out").text = f"serial log: {out.log}"
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_reports(outcomes, out_dir, wall, jobs, how):
    """Write report.md and junit.xml in out_dir; returns their paths."""
    md = os.path.join(out_dir, "report.md")
    xml = os.path.join(out_dir, "junit.xml")
    with open(md, "w") as f:
        f.write(markdown(outcomes, out_dir, summary(outcomes, wall, jobs,
                                                   how) + "."))
    with open(xml, "w") as f:
        f.write(junit(outcomes, wall))
    return md, xml


def list_line(cell, build):
    why = xlmatrix.skip_reason(cell, build)
    return cell.name + (f"  (skipped: {why})" if why else "")
