"""Stream bodies to typed events: a framer plus a generated decode function.

The service modules (``codec.huggingchat``, ``codec.router``, ``codec.hailuo``)
expose ``iter_events`` built on :func:`iter_decoded`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeAlias, TypeVar, cast

from codec._wire import Mismatch
from codec.errors import CodecError
from codec.values import Unknown

__all__ = ["Framer", "Located", "decode_located", "iter_decoded"]

Located: TypeAlias = tuple[Any, dict[str, Any], object]
"""A frame's wire object with the record class its tag names, not decoded yet, and the raw
value an ``Unknown`` of it would hold: what the generated ``locate_<stream>`` functions give."""

R = TypeVar("R")
T = TypeVar("T")


class Framer(Protocol[R]):
    """What :class:`~codec.framing.NDJSONDecoder` and ``SSEDecoder`` have in common."""

    def feed(self, data: bytes) -> list[R]:
        """Take the next bytes; return the frames they complete."""
        ...

    def close(self) -> list[R]:
        """End of input; return the last frames, or raise if it ended mid-frame."""
        ...


def iter_decoded(
    framer: Framer[R], chunks: Iterable[bytes], decode: Callable[[R], T]
) -> Iterator[T]:
    """Frame ``chunks`` with ``framer`` and yield ``decode`` of each frame, then close it.

    When the framer fails, the frames it completed before the bad byte are
    decoded and yielded first and the error is raised after them, so nothing
    is lost.
    """
    chunk_iter = iter(chunks)
    while True:
        chunk = next(chunk_iter, None)
        try:
            frames = framer.close() if chunk is None else framer.feed(chunk)
        except CodecError as exc:
            yield from map(decode, cast("list[R]", exc.events))
            raise
        yield from map(decode, frames)
        if chunk is None:
            return


def decode_located(record: Any, obj: dict[str, Any], raw: object) -> object:
    """What ``decode_<stream>`` gives for a frame ``locate_<stream>`` located as ``(record, obj,
    raw)``: ``record.from_wire(obj)``, or ``Unknown`` when the object does not fit the record."""
    try:
        return record.from_wire(obj)
    except Mismatch as exc:
        return Unknown(raw, exc.message, record.__name__)
