"""Benchmark: typed events per second of ``iter_events`` against a ``json.loads`` floor.

For a 50,000-event HuggingChat NDJSON stream and a 50,000-event router SSE
stream, it times, in the same run:

- the floor: plain ``json.loads`` over the payloads, already cut out (the
  NDJSON lines, the SSE data strings) and decoded to ``str``;
- the codec's ``iter_events`` and the unified ``hfclient.decode_stream``,
  each fed one event per chunk and 64 KiB chunks.

Every case consumes its values and keeps none alive, the floor included: a
list of 50,000 decoded dicts makes the garbage collector rescan them all,
which doubles the floor's time and flatters every ratio.
``--keep-results`` keeps them in lists anyway, as this benchmark once did,
to show that effect.

Each is the best of ``--repeat`` runs; figures are ratios to the floor
(machines here are shared and noisy, so absolute times mean little). The
target is at most 2.0x the floor's time for ``iter_events``.

    .venv/bin/python tools/bench/decode.py [--events N] [--repeat R] [--keep-results]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path

from codec import huggingchat, router
from hfclient.decoding import Service, decode_stream

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


def consume(values: Iterable[object]) -> None:
    """Run ``values`` to the end, keeping none of them."""
    deque(values, maxlen=0)


def keep(values: Iterable[object]) -> None:
    """Run ``values`` to the end into a list (``--keep-results``)."""
    list(values)


def measure(
    name: str,
    service: Service,
    payloads: Sequence[bytes],
    frames: Sequence[bytes],
    iter_events: Callable[[Iterable[bytes]], Iterator[object]],
    repeat: int,
    drain: Callable[[Iterable[object]], None] = consume,
) -> list[tuple[str, int, float, float]]:
    texts = [p.decode() for p in payloads]
    body = b"".join(frames)
    sizes = {"one event per chunk": list(frames), "64 KiB chunks": chunked(body, CHUNK)}
    floor = best_of(repeat, partial(_floor, drain, texts))
    rows = [(f"{name}: json.loads floor", len(texts), floor, 1.0)]
    paths: dict[str, Callable[[Iterable[bytes]], Iterator[object]]] = {
        "iter_events": iter_events,
        "decode_stream": partial(decode_stream, service),
    }
    for path, decode in paths.items():
        for label, chunks in sizes.items():
            if path == "iter_events" and sum(1 for _ in decode(chunks)) != len(texts):
                raise SystemExit(f"{name}: {path} did not decode {len(texts)} events")
            seconds = best_of(repeat, partial(_decode_all, drain, decode, chunks))
            rows.append((f"{name}: {path}, {label}", len(texts), seconds, seconds / floor))
    return rows


def _floor(drain: Callable[[Iterable[object]], None], texts: list[str]) -> None:
    drain(map(json.loads, texts))


def _decode_all(
    drain: Callable[[Iterable[object]], None],
    decode: Callable[[Iterable[bytes]], Iterator[object]],
    chunks: list[bytes],
) -> None:
    drain(decode(chunks))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--keep-results",
        action="store_true",
        help="keep every decoded value alive in a list (the old, flattering floor)",
    )
    args = parser.parse_args(argv)
    drain = keep if args.keep_results else consume
    lines = huggingchat_lines(args.events)
    payloads = router_payloads(args.events)
    rows = measure(
        "huggingchat ndjson",
        "huggingchat",
        lines,
        [line + b"\n" for line in lines],
        huggingchat.iter_events,
        args.repeat,
        drain,
    )
    rows += measure(
        "router sse",
        "router",
        payloads,
        [b"data: " + p + b"\n\n" for p in payloads],
        router.iter_events,
        args.repeat,
        drain,
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'events/s':>12}  {'x floor':>8}")
    for label, count, seconds, ratio in rows:
        print(f"{label:<{width}}  {count / seconds:>12,.0f}  {ratio:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
