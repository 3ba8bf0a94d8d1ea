"""Scale: N concurrent streams in one process at 10 events/s each, and time to first event.

Every stream of a level starts at once; the server paces each at ``rate``
events/s. For each client it reports completions and errors, each stream's
duration (p50/p99) and first-event latency from its start, the process CPU
time per event, and the event loop's lag (how late a 10 ms ticker wakes, p99
and worst). The server shares the machine's cores with the client: at high
levels part of what is measured is the server's own cost.

Time to first event: one stream at a time, its events 20 ms apart (as a
model writes them); the server notes the monotonic time of its first body
write (after a pause, so the client is already waiting), the client the
time its first event reaches the caller.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import NamedTuple

import anyio

from tools.bench.clients import CLIENTS, Client, available
from tools.bench.server import Server

SCALE_CLIENTS = ("hfclient anyio (asyncio)", "httpx + httpx-sse")


class ScaleRow(NamedTuple):
    """One client at one level of concurrency."""

    client: str
    streams: int
    pool: str
    completed: int
    errors: int
    p50: float
    p99: float
    first_p50: float
    cpu_us_per_event: float
    lag_p99_ms: float
    lag_max_ms: float
    events_per_s: float


class FirstRow(NamedTuple):
    """Time to first event of one client."""

    client: str
    median_ms: float
    p99_ms: float


def _pct(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _level(client: Client, streams: int) -> tuple[list[float], list[float], int, int]:
    durations: list[float] = []
    firsts: list[float] = []
    errors = 0
    events = 0

    async def one() -> None:
        nonlocal errors, events
        start = time.monotonic()
        first: list[float] = []
        try:
            count = await client.stream(first)
        except Exception:
            errors += 1
            return
        events += count
        durations.append(time.monotonic() - start)
        firsts.append(first[0] - start)

    async with anyio.create_task_group() as group:
        for _ in range(streams):
            group.start_soon(one)
    return durations, firsts, errors, events


def run_scale(
    server: Server,
    levels: Sequence[int],
    events: int,
    rate: float,
    names: Sequence[str] = SCALE_CLIENTS,
    default_pool_level: int | None = 100,
) -> list[ScaleRow]:
    """Each client at each level (pool raised to the level), and once on its default pool."""
    server.configure(events=events, size=0, rate=rate, first_delay=0)
    rows = []
    plan: list[tuple[str, int, int | None]] = [(n, lv, lv) for lv in levels for n in names]
    if default_pool_level:
        plan += [(n, default_pool_level, None) for n in names]
    for name, level, pool in plan:
        if available(name):
            rows.append(_measure(server, name, level, pool))
    return rows


def _measure(server: Server, name: str, streams: int, pool: int | None) -> ScaleRow:
    client = CLIENTS[name](server.url, pool)
    lags: list[float] = []

    async def ticker(done: anyio.Event) -> None:
        while not done.is_set():
            start = time.monotonic()
            await anyio.sleep(0.01)
            lags.append(max(time.monotonic() - start - 0.01, 0.0))

    async def main() -> ScaleRow:
        await client.open()
        try:
            done = anyio.Event()
            cpu = time.process_time()
            wall = time.monotonic()
            async with anyio.create_task_group() as group:
                group.start_soon(ticker, done)
                durations, firsts, errors, events = await _level(client, streams)
                done.set()
            cpu = time.process_time() - cpu
            wall = time.monotonic() - wall
        finally:
            await client.close()
        return ScaleRow(
            name,
            streams,
            "default" if pool is None else str(pool),
            len(durations),
            errors,
            _pct(durations, 0.5),
            _pct(durations, 0.99),
            _pct(firsts, 0.5),
            cpu / max(events, 1) * 1e6,
            _pct(lags, 0.99) * 1000,
            max(lags, default=0.0) * 1000,
            events / wall,
        )

    row: ScaleRow = anyio.run(main, backend=client.backend)
    return row


def clean(row: ScaleRow, events: int, rate: float) -> bool:
    """Whether a level ran clean: all completed, none failed, p99 within 1.5x of the pace.

    The pace is ``events / rate`` seconds; the margin takes in opening all the
    level's connections at once.
    """
    return row.completed == row.streams and not row.errors and row.p99 <= 1.5 * events / rate


def highest_clean(rows: Sequence[ScaleRow], events: int, rate: float) -> dict[str, float]:
    """Per client, the highest aggregate events/s among the levels that ran clean."""
    best: dict[str, float] = {}
    for row in rows:
        if clean(row, events, rate):
            best[row.client] = max(best.get(row.client, 0.0), row.events_per_s)
    return best


def run_first_event(
    server: Server,
    count: int,
    names: Sequence[str] = SCALE_CLIENTS,
    delay: float = 0.02,
    rounds: int = 4,
) -> list[FirstRow]:
    """Time from the first body write to the first event handed out, ``count`` streams each.

    The clients take turns, in ``rounds`` of ``count / rounds`` streams, the order
    reversed each round: whatever the machine does meanwhile falls on all of them.
    """
    # Events 20 ms apart, as a model writes tokens: the first read holds the first event only.
    server.configure(events=5, size=0, rate=50.0, first_delay=delay)
    chosen = [name for name in names if available(name)]
    gaps: dict[str, list[float]] = {name: [] for name in chosen}
    per_round = max(count // rounds, 1)
    for turn in range(rounds):
        for name in chosen if turn % 2 == 0 else chosen[::-1]:
            gaps[name] += _first_events(server, name, per_round)
    return [
        FirstRow(name, statistics.median(gaps[name]), _pct(gaps[name], 0.99)) for name in chosen
    ]


def _first_events(server: Server, name: str, count: int) -> list[float]:
    # Milliseconds from each stream's first body write to its first event, ``count`` streams.
    client = CLIENTS[name](server.url, None)
    seen: list[float] = []

    async def main() -> None:
        await client.open()
        try:
            await client.stream()  # warm
            server.stamps()
            for _ in range(count):
                await client.stream(seen)
        finally:
            await client.close()

    anyio.run(main, backend=client.backend)
    stamps = server.stamps()
    return [(s - w) * 1000 for s, w in zip(seen, stamps, strict=True)]
