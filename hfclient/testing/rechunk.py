"""Recorded bodies cut at other places: a test that passes must not depend on where.

``rechunk(cassette, seed)`` keeps every byte, status, header and ending and
re-splits each response body at random points (seeded, so a failure
reproduces). A piece keeps the time offset of the recorded chunk its first
byte came from.
"""

from __future__ import annotations

import random

import attrs

from hfclient.transport.cassette import Cassette, Chunk, Exchange

__all__ = ["rechunk"]

_MOST = 4096  # cuts per body: enough for any boundary, few enough for a 1 MiB line


def rechunk(cassette: Cassette, seed: int | str) -> Cassette:
    """``cassette`` with every response body cut at random points chosen by ``seed``."""
    rng = random.Random(seed)
    return attrs.evolve(cassette, exchanges=tuple(_exchange(e, rng) for e in cassette.exchanges))


def _exchange(exchange: Exchange, rng: random.Random) -> Exchange:
    chunks = exchange.response.chunks
    body = b"".join(chunk.data for chunk in chunks)
    if len(body) < 2:
        return exchange
    starts: list[tuple[int, float]] = []  # where each recorded chunk began, and when
    position = 0
    for chunk in chunks:
        starts.append((position, chunk.at))
        position += len(chunk.data)
    # Many cuts, so boundaries land inside lines, characters and escapes alike.
    count = rng.randint(1, min(len(body) - 1, max(2 * len(chunks) + 8, len(body) // 16), _MOST))
    cuts = sorted(rng.sample(range(1, len(body)), count))
    pieces = []
    for start, end in zip([0, *cuts], [*cuts, len(body)], strict=True):
        at = max(at for begin, at in starts if begin <= start)
        pieces.append(Chunk(body[start:end], at))
    response = attrs.evolve(exchange.response, chunks=tuple(pieces))
    return attrs.evolve(exchange, response=response)
