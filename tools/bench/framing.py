"""Benchmark: do the framers stay linear when one line arrives in many small chunks?

One long line (100, 200 and 400 KB by default) is fed in 16-byte chunks to
``NDJSONDecoder`` (a JSON string value) and to ``SSEDecoder`` (one ``data``
line), then closed. Each size is timed as the best of ``--repeat`` runs and
compared with the smallest size: a linear framer takes about 2x and 4x as
long for 2x and 4x the bytes, a quadratic one about 4x and 16x.

    .venv/bin/python tools/bench/framing.py [--sizes KB ...] [--chunk N] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial

from codec.framing import NDJSONDecoder, SSEDecoder


def ndjson_body(size: int) -> bytes:
    """One NDJSON line of ``size`` bytes, newline included."""
    return b'{"t":"' + b"x" * max(size - 9, 0) + b'"}\n'


def sse_body(size: int) -> bytes:
    """One SSE event of ``size`` bytes: a single ``data`` line and the blank line."""
    return b"data: " + b"x" * max(size - 8, 0) + b"\n\n"


def chunked(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def best_of(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _frame(make: Callable[[], NDJSONDecoder | SSEDecoder], chunks: list[bytes]) -> int:
    decoder = make()
    count = 0
    for chunk in chunks:
        count += len(decoder.feed(chunk))
    return count + len(decoder.close())


FRAMERS: dict[str, tuple[Callable[[], NDJSONDecoder | SSEDecoder], Callable[[int], bytes]]] = {
    "ndjson": (lambda: NDJSONDecoder(max_line_bytes=1 << 30), ndjson_body),
    "sse": (lambda: SSEDecoder(max_line_bytes=1 << 30, max_event_bytes=1 << 30), sse_body),
}


def measure(
    sizes_kb: Sequence[int], chunk: int, repeat: int
) -> list[tuple[str, int, float, float]]:
    rows = []
    for name, (make, body_of) in FRAMERS.items():
        base = None
        for kb in sizes_kb:
            chunks = chunked(body_of(kb * 1000), chunk)
            if _frame(make, chunks) != 1:
                raise SystemExit(f"{name}: a {kb} KB body did not give exactly one frame")
            seconds = best_of(repeat, partial(_frame, make, chunks))
            base = seconds if base is None else base
            rows.append((name, kb, seconds, seconds / base))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400], metavar="KB")
    parser.add_argument("--chunk", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = measure(args.sizes, args.chunk, args.repeat)
    print(f"{'framer':<8}  {'line KB':>8}  {'seconds':>9}  {'x first':>8}")
    for name, kb, seconds, ratio in rows:
        print(f"{name:<8}  {kb:>8}  {seconds:>9.4f}  {ratio:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
