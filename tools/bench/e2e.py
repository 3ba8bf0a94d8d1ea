"""End to end over loopback: events/s of one stream, each client through its own code.

The server (:mod:`tools.bench.server`) runs in its own process and writes
each event as its own chunk, as fast as the socket takes them; the client
reads the whole stream. Each client is timed ``repeat`` times after one
warm-up stream on the same connection pool; the best counts. Ratios are to
httpx + httpx-sse in the same run.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import NamedTuple

import anyio

from tools.bench.clients import CLIENTS, available
from tools.bench.server import Server


class Row(NamedTuple):
    """One client's best stream."""

    client: str
    events: int
    seconds: float


def time_client(name: str, url: str, repeat: int) -> Row:
    """The best of ``repeat`` streams of client ``name`` (after a warm-up one)."""
    client = CLIENTS[name](url, None)

    async def run() -> Row:
        await client.open()
        try:
            await client.stream()
            best, events = float("inf"), 0
            for _ in range(repeat):
                start = time.perf_counter()
                events = await client.stream()
                best = min(best, time.perf_counter() - start)
            return Row(name, events, best)
        finally:
            await client.close()

    result: Row = anyio.run(run, backend=client.backend)
    return result


def run(server: Server, events: int, repeat: int, names: Sequence[str] | None = None) -> list[Row]:
    """Every available client (or ``names``), over ``events``-event streams."""
    server.configure(events=events, size=0, rate=0, first_delay=0)
    chosen = [n for n in (names or CLIENTS) if available(n)]
    return [time_client(name, server.url, repeat) for name in chosen]
