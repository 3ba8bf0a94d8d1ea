"""The suites' tables (Markdown, printed and written alike), the chart and the machine."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table; numbers right-aligned."""
    cells = [[str(c) for c in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    numeric = [all(_is_number(row[i]) for row in rows) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        padded = [
            c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric, strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ("-" * (w + 1) + ":") if n else ("-" * (w + 2))
        for w, n in zip(widths, numeric, strict=True)
    )
    rule += "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _is_number(value: object) -> bool:
    return isinstance(value, int | float)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def decode_table(rows: Sequence[Any]) -> str:
    """The decode suite: events/s and the ratio to the floor's time."""
    return table(
        ["body", "chunks", "decoder", "events/s", "x floor time"],
        [(r.body, r.chunking, r.case, r.events / r.seconds, r.ratio) for r in rows],
    )


def e2e_table(rows: Sequence[Any]) -> str:
    """End to end: events/s and the ratio to httpx + httpx-sse's events/s."""
    rate = {r.client: r.events / r.seconds for r in rows}
    base = rate.get("httpx + httpx-sse")
    return table(
        ["client", "events", "events/s", "x httpx-sse"],
        [
            (r.client, r.events, rate[r.client], rate[r.client] / base if base else "-")
            for r in rows
        ],
    )


def machine() -> str:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {sys.version.split()[0]} ({platform.python_implementation()})"
    )


def chart(path: Path, decode_rows: Sequence[Any], e2e_rows: Sequence[Any]) -> bool:
    """A PNG of the end-to-end events/s and the decode ratios; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    panels = [p for p in (e2e_rows, decode_rows) if p]
    if not panels:
        return False
    figure, axes = plt.subplots(len(panels), 1, figsize=(10, 4.5 * len(panels)), squeeze=False)
    index = 0
    if e2e_rows:
        ax = axes[index][0]
        names = [r.client for r in e2e_rows]
        rates = [r.events / r.seconds for r in e2e_rows]
        colours = ["tab:blue" if n.startswith("hfclient") else "tab:gray" for n in names]
        ax.barh(names, rates, color=colours)
        ax.invert_yaxis()
        ax.set_xlabel("events/s, end to end over loopback (higher is better)")
        index += 1
    if decode_rows:
        ax = axes[index][0]
        chosen = [r for r in decode_rows if r.chunking == "64 KiB chunks" and r.ratio != 1.0]
        labels = [f"{r.body}: {r.case}" for r in chosen]
        colours = [
            "tab:blue" if r.case.startswith(("hfclient", "codec")) else "tab:gray" for r in chosen
        ]
        ax.barh(labels, [r.ratio for r in chosen], color=colours)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1.0, color="black", linewidth=0.8)  # the floor
        ax.set_xlabel("decode time / json.loads floor, 64 KiB chunks (lower is better)")
        ax.tick_params(axis="y", labelsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90, bbox_inches="tight")
    plt.close(figure)
    return True
