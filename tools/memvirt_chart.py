#!/usr/bin/env python3
"""Draw the memvirt section of tools/bench's results.json: one grouped bar
chart per workload (page-table churn, TLB stress, sequential sweep), with
instructions, the emulator's CPU time and wall time per operation side by
side (log scale where the bars span more than 20x), one bar per
configuration (QEMU's and Bochs's, "B ..."), PNG and SVG.

    memvirt_chart.py RESULTS_JSON OUTDIR      prints the files it wrote
"""

import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

WORKLOADS = (("churn", "page-table churn (per PTE write)"),
             ("tlb", "TLB stress (per random 8-byte read)"),
             ("seq", "sequential sweep (per 64-byte line)"))
MEASURES = (("instructions", "instructions per operation\n"
                             "(QEMU -icount shift=5; Bochs TSC)"),
            ("cpu", "emulator CPU time per operation [ns]\n"
                    "(QEMU and Bochs differ: compare within one)"),
            ("wall", "wall time per operation [us]\n(QEMU only; shared host)"))


COLOURS = plt.get_cmap("tab20")     # up to 20 configurations, none repeated


def scale(ax, values):
    """Log scale where the bars span more than 20x, else linear from 0."""
    values = [v for v in values if v]
    if not values:
        return
    lo, hi = min(values), max(values)
    if hi / lo > 20:
        ax.set_yscale("log")
        ax.set_ylim(lo / 2, hi * 2)
    else:
        ax.set_ylim(0, hi * 1.15)


def bars(ax, summary, ops, cfgs, labels, title):
    width = 0.8 / max(len(cfgs), 1)
    scale(ax, [summary.get(op, {}).get(c) for op in ops for c in cfgs])
    for i, c in enumerate(cfgs):
        xs, ys = [], []
        for j, op in enumerate(ops):
            v = summary.get(op, {}).get(c)
            if v:
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(v)
        ax.bar(xs, ys, width, label=labels[c], color=COLOURS(i % 20))
    ax.set_xticks(range(len(ops)))
    ax.set_xticklabels([op.split("_", 1)[-1] if "_" in op else op for op in ops])
    ax.set_title(title, fontsize=9)
    ax.grid(axis="y", which="both", alpha=0.3)


def main(argv):
    with open(argv[0]) as f:
        sec = json.load(f)["sections"]["memvirt"]
    outdir = argv[1]
    cfgs = [c for c, v in sec["configs"].items() if not v["skipped"]]
    labels = {c: sec["configs"][c]["label"] for c in cfgs}
    written = []
    for prefix, title in WORKLOADS:
        ops = [op for op in sec["summary"]["instructions"]
               if op == prefix or op.startswith(prefix + "_")] \
            if "instructions" in sec["summary"] else []
        if not ops:
            continue
        fig, axes = plt.subplots(1, len(MEASURES), figsize=(16, 4.8))
        for ax, (m, mtitle) in zip(axes, MEASURES):
            bars(ax, sec["summary"].get(m, {}), ops, cfgs, labels, mtitle)
        axes[0].legend(fontsize=7, ncol=2)
        fig.suptitle(f"memvirt: {title}")
        fig.tight_layout()
        for ext in ("png", "svg"):
            path = os.path.join(outdir, f"memvirt-{prefix}.{ext}")
            fig.savefig(path, dpi=110)
            written.append(path)
        plt.close(fig)
    print("\n".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
