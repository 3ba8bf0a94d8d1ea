"""Benchmark: typed events per second of ``iter_events`` against a ``json.loads`` floor.

For a 50,000-event HuggingChat NDJSON stream and a 50,000-event router SSE
stream, it times, in the same run:

- the floor: plain ``json.loads`` over the payloads, already cut out;
- ``iter_events`` fed one event per chunk;
- ``iter_events`` fed 64 KiB chunks.

Each is the best of ``--repeat`` runs; figures are ratios to the floor
(machines here are shared and noisy, so absolute times mean little). The
target is at most 2.0x the floor's time.

    .venv/bin/python tools/bench/decode.py [--events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from codec import huggingchat, router

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "examples"
CHUNK = 64 * 1024


def huggingchat_lines(count: int) -> list[bytes]:
    """``count`` JSON lines cycled from the 2025-05 example stream (tokens, keepAlives, ...)."""
    body = (DATA / "huggingchat-2025-05.stream.ndjson").read_bytes()
    lines = [line for line in body.split(b"\n") if line.strip()]
    return [lines[i % len(lines)] for i in range(count)]


def router_payloads(count: int) -> list[bytes]:
    """``count`` chunk payloads cycled from the router example (reasoning, tools, usage)."""
    body = (DATA / "hf-router.stream.sse").read_bytes()
    payloads = [
        line[len(b"data: ") :]
        for line in body.split(b"\n")
        if line.startswith(b"data: ") and line != b"data: [DONE]"
    ]
    return [payloads[i % len(payloads)] for i in range(count)]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def chunked(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def measure(
    name: str,
    payloads: Sequence[bytes],
    frames: Sequence[bytes],
    iter_events: Callable[[Iterable[bytes]], Iterator[object]],
    repeat: int,
) -> list[tuple[str, int, float, float]]:
    texts = [p.decode() for p in payloads]
    body = b"".join(frames)
    sizes = {"one event per chunk": list(frames), "64 KiB chunks": chunked(body, CHUNK)}
    floor = best_of(repeat, lambda: [json.loads(t) for t in texts])
    rows = [(f"{name}: json.loads floor", len(texts), floor, 1.0)]
    for label, chunks in sizes.items():
        decoded = list(iter_events(chunks))
        if len(decoded) != len(texts):
            raise SystemExit(f"{name}: decoded {len(decoded)} events, expected {len(texts)}")
        seconds = best_of(repeat, partial(_decode_all, iter_events, chunks))
        rows.append((f"{name}: iter_events, {label}", len(texts), seconds, seconds / floor))
    return rows


def _decode_all(
    iter_events: Callable[[Iterable[bytes]], Iterator[object]], chunks: list[bytes]
) -> list[object]:
    return list(iter_events(chunks))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    lines = huggingchat_lines(args.events)
    payloads = router_payloads(args.events)
    rows = measure(
        "huggingchat ndjson",
        lines,
        [line + b"\n" for line in lines],
        huggingchat.iter_events,
        args.repeat,
    )
    rows += measure(
        "router sse",
        payloads,
        [b"data: " + p + b"\n\n" for p in payloads],
        router.iter_events,
        args.repeat,
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'events/s':>12}  {'x floor':>8}")
    for label, count, seconds, ratio in rows:
        print(f"{label:<{width}}  {count / seconds:>12,.0f}  {ratio:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
