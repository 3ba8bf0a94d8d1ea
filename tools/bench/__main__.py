"""The benchmarks, one command: ``python -m tools.bench``.

Runs the suites (decode, end to end over loopback, scale, memory, time to
first event) against the peers installed with ``pip install -e '.[bench]'``
(a missing peer is left out), prints each table, and writes them with a chart
and the machine they ran on to ``docs/benchmarks.md`` (``--out``; ``--no-write``
only prints). ``--suite`` picks suites, ``--quick`` small sizes (for the smoke
test and quick iteration; its figures mean nothing). The loopback server runs
in a process of its own, on the same machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tools.bench import decode, e2e, memory, report, scale, targets
from tools.bench.server import Server

SUITES = ("decode", "e2e", "scale", "memory", "first-event")
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _sizes(quick: bool) -> dict[str, Any]:
    if quick:
        return {
            "decode_events": 300,
            "e2e_events": 300,
            "levels": [5],
            "more_levels": [],
            "scale_events": 3,
            "default_level": 5,
            "memory_mb": [1],
            "first_count": 3,
        }
    return {
        "decode_events": 50_000,
        "e2e_events": 20_000,
        "levels": [100, 500, 1000],
        # hfclient alone, until a level no longer runs clean: where that is
        "more_levels": [2000, 3000, 4000],
        "scale_events": 30,
        "default_level": 100,
        "memory_mb": [1, 10, 100],
        "first_count": 100,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen suites; print their tables; write the report unless ``--no-write``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=SUITES, action="append", help="repeatable; default all")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument("--repeat", type=int, default=None, help="best of R (default 5, quick 1)")
    parser.add_argument("--out", type=Path, default=DOCS / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    suites = args.suite or list(SUITES)
    sizes = _sizes(args.quick)
    repeat = args.repeat or (1 if args.quick else 5)
    sections: list[tuple[str, str]] = []
    decode_rows: list[Any] = []
    e2e_rows: list[Any] = []
    scale_rows: list[Any] = []
    memory_rows: list[Any] = []
    first_rows: list[Any] = []

    def show(title: str, text: str) -> None:
        print(f"\n## {title}\n\n{text}", flush=True)
        sections.append((title, text))

    started = time.time()
    if "decode" in suites:
        decode_rows = decode.run(sizes["decode_events"], repeat)
        show("Decode (no sockets)", report.decode_table(decode_rows))
    with Server() as server:
        if "e2e" in suites:
            e2e_rows = e2e.run(server, sizes["e2e_events"], repeat)
            show("End to end over loopback", report.e2e_table(e2e_rows))
        if "scale" in suites:
            scale_rows = scale.run_scale(
                server,
                sizes["levels"],
                sizes["scale_events"],
                10.0,
                default_pool_level=sizes["default_level"],
            )
            for level in sizes["more_levels"]:
                more = scale.run_scale(
                    server,
                    [level],
                    sizes["scale_events"],
                    10.0,
                    names=["hfclient anyio (asyncio)"],
                    default_pool_level=None,
                )
                scale_rows += more
                if not all(scale.clean(row, sizes["scale_events"], 10.0) for row in more):
                    break
            show("Scale: concurrent streams at 10 events/s", _scale_table(scale_rows))
            best = scale.highest_clean(scale_rows, sizes["scale_events"], 10.0)
            show(
                "Scale: highest aggregate rate that ran clean",
                report.table(["client", "events/s"], sorted(best.items()))
                + "\n\nClean: every stream completed, none failed, p99 duration within 1.5x"
                " the pace (events / rate). The server runs on the same cores, so part of each"
                " level's cost is the server's.",
            )
        if "memory" in suites:
            memory_rows = memory.run(server, sizes["memory_mb"])
            show("Memory: peak RSS growth", _memory_table(memory_rows))
        if "first-event" in suites:
            first_rows = scale.run_first_event(server, sizes["first_count"])
            show(
                "Time to first event (from the first body byte written)",
                report.table(
                    ["client", "median ms", "p99 ms"],
                    [(r.client, r.median_ms, r.p99_ms) for r in first_rows],
                ),
            )
    verdicts = targets.verdicts(decode_rows, e2e_rows, scale_rows, memory_rows, first_rows)
    if verdicts:
        show(
            "Targets (issue 12), from this run", report.table(["target", "measured", ""], verdicts)
        )
    if not args.no_write:
        _write(args.out, sections, decode_rows, e2e_rows, args.quick, repeat, started)
    return 0


def _scale_table(rows: Sequence[scale.ScaleRow]) -> str:
    return report.table(
        [
            "client",
            "streams",
            "pool",
            "completed",
            "errors",
            "duration p50 s",
            "p99 s",
            "first event p50 s",
            "CPU us/event",
            "loop lag p99 ms",
            "lag max ms",
            "events/s",
        ],
        [tuple(r) for r in rows],
    )


def _memory_table(rows: Sequence[memory.Row]) -> str:
    return report.table(
        ["case", "body MB", "peak RSS growth MB", "answer text MB"],
        [(r.case, r.megabytes, r.growth / 1e6, r.text / 1e6) for r in rows],
    )


def _write(
    out: Path,
    sections: Sequence[tuple[str, str]],
    decode_rows: Sequence[Any],
    e2e_rows: Sequence[Any],
    quick: bool,
    repeat: int,
    started: float,
) -> None:
    chart = out.with_suffix(".png")
    drawn = report.chart(chart, decode_rows, e2e_rows)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    lines = [
        "# Benchmarks",
        "",
        f"Made by `python -m tools.bench{' --quick' if quick else ''}` on {when}, "
        f"best of {repeat}, every figure from this one run.",
        f"Machine: {report.machine()}. The loopback server runs in its own process on the same",
        "cores, and the machine may be shared: read ratios within a table, not absolute rates.",
        "",
    ]
    lines += [
        "How they were measured: decode times are CPU seconds of this process, the floor",
        "`json.loads` of payloads already cut out, keeping nothing; the floor and every",
        "decoder of a body run once per round, round after round, so a busy moment of the",
        "machine falls on all of them. Each body's plain row is a stream of text tokens; the",
        "Hailuo one is cumulative (every event repeats the answer so far, 4.3 KB on average),",
        "so its floor and its framing are mostly bytes copied and scanned. End to end, the server",
        "writes each event as its own HTTP chunk as fast as the socket takes them; every",
        "client reads the same 20,000-event stream through its own released code (hfclient",
        "hands out unified events, openai and huggingface_hub typed chunks, httpx-sse events",
        "whose data is `json.loads`-ed; aiohttp and curl_cffi raw lines decode nothing).",
        "Scale streams are paced at 10 events/s each; memory is each case's own peak RSS",
        "(VmHWM) growth in a fresh process; time to first event has events 20 ms apart.",
        "Regenerate with `python -m pip install -e '.[test,bench]' && python -m tools.bench`.",
        "",
    ]
    if drawn:
        lines += [f"![events/s end to end, decode ratios]({chart.name})", ""]
    for title, text in sections:
        lines += [f"## {title}", "", text, ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines))
    print(f"\nwrote {out}" + (f" and {chart}" if drawn else ""))


if __name__ == "__main__":
    sys.exit(main())
