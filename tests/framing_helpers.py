"""Feed an incremental decoder the h11 way: whole, byte by byte, or cut at given points."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from codec.errors import CodecError

T_co = TypeVar("T_co", covariant=True)


class IncrementalDecoder(Protocol[T_co]):
    def feed(self, data: bytes) -> Sequence[T_co]: ...
    def close(self) -> Sequence[T_co]: ...


def cut(data: bytes, points: Iterable[int]) -> list[bytes]:
    """``data`` split at the given offsets (clamped, sorted, duplicates allowed)."""
    bounds = sorted({0, len(data), *(min(max(p, 0), len(data)) for p in points)})
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def run(decoder: IncrementalDecoder[T_co], chunks: Iterable[bytes]) -> list[T_co]:
    out: list[T_co] = []
    for chunk in chunks:
        out.extend(decoder.feed(chunk))
    out.extend(decoder.close())
    return out


def outcome(
    decoder: IncrementalDecoder[T_co], chunks: Iterable[bytes]
) -> tuple[list[T_co], tuple[str, int | None, bytes] | None]:
    """Every frame, the failing call's own included, and the error (message, offset, line)."""
    out: list[T_co] = []
    try:
        for chunk in chunks:
            out.extend(decoder.feed(chunk))
        out.extend(decoder.close())
    except CodecError as exc:
        out.extend(exc.events)  # type: ignore[arg-type]
        # A line found too long before it ends is reported as far as it came.
        line = b"" if exc.message.startswith("line longer than") else exc.line
        return out, (exc.message, exc.offset, line)
    return out, None
