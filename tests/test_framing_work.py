"""The framers do work linear in their input, however it is cut: counted, never timed.

The decoder's buffer and every chunk fed to it are replaced by subclasses that
charge each operation the bytes it covers (a search the span it searches, a
copy or a split the bytes it touches, a deletion the whole buffer, as if it
were a memmove). A named method without a cost fails the test, so new code
cannot do uncounted work on the buffer. Slices of them count too. Work done on
the lines split out of them (decoding, JSON) happens once per line and is
not counted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, SupportsIndex

import pytest

from codec.framing import NDJSONDecoder, SSEDecoder
from tests.framing_helpers import bytewise, cut


class Meter:
    def __init__(self) -> None:
        self.scanned = 0  # bytes covered by searches and splits
        self.total = 0  # every byte charged, copies and deletions included

    def charge(self, count: int, *, scan: bool = False) -> None:
        self.total += count
        if scan:
            self.scanned += count


def _span(length: int, start: SupportsIndex | None, end: SupportsIndex | None) -> int:
    return len(range(length)[slice(start, end)])


# Named methods the framers may call on their buffer or a chunk, and how each is charged.
_SEARCHES = {"find", "rfind", "index", "rindex", "count"}
_WHOLE_SCANS = {"split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "replace"}
_WHOLE_COPIES = {"decode", "startswith", "endswith", "hex", "copy"}
_FREE = {"clear"}
_OWN = {"meter", "bytes_type"}
_COSTED = _SEARCHES | _WHOLE_SCANS | _WHOLE_COPIES | _FREE | {"extend", "append"}


def _searching(meter: Meter, length: int, method: Callable[..., int]) -> Callable[..., int]:
    def search(sub: Any, start: Any = None, end: Any = None) -> int:
        meter.charge(_span(length, start, end), scan=True)
        return method(sub, start, end)

    return search


def counting(base: type[Any]) -> type[Any]:
    """A subclass of ``bytes`` or ``bytearray`` that charges its ``meter``."""

    class Counting(base):  # type: ignore[misc, valid-type]
        meter: ClassVar[Meter]
        bytes_type: ClassVar[type[bytes]]

        def __getattribute__(self, name: str) -> Any:
            if not name.startswith("__") and name not in _COSTED | _OWN:
                raise AssertionError(f"{base.__name__}.{name} has no cost in this test")
            attr = super().__getattribute__(name)
            if name in _SEARCHES:
                return _searching(self.meter, len(self), attr)
            if name in _WHOLE_SCANS or name in _WHOLE_COPIES:
                self.meter.charge(len(self), scan=name in _WHOLE_SCANS)
            return attr

        def extend(self, other: Any) -> None:
            self.meter.charge(len(other))
            base.extend(self, other)

        def __iadd__(self, other: Any) -> Any:
            self.meter.charge(len(other))
            return base.__iadd__(self, other)

        def __add__(self, other: Any) -> Any:
            self.meter.charge(len(self) + len(other))
            return base.__add__(self, other)

        def __getitem__(self, key: Any) -> Any:
            result = base.__getitem__(self, key)
            if not isinstance(key, slice):
                self.meter.charge(1)
                return result
            self.meter.charge(len(result))
            return type(self)(result)  # a slice is searched and split on its own: keep counting

        def __delitem__(self, key: Any) -> None:
            self.meter.charge(len(self))
            base.__delitem__(self, key)

        def __contains__(self, item: Any) -> bool:
            self.meter.charge(len(self), scan=True)
            return bool(base.__contains__(self, item))

        def __eq__(self, other: object) -> bool:
            self.meter.charge(len(self))
            return bool(base.__eq__(self, other))

        def __bytes__(self) -> bytes:  # bytes(self): a copy, searched and split on its own
            self.meter.charge(len(self))
            return self.bytes_type(memoryview(self))

        __hash__ = None  # type: ignore[assignment]

    return Counting


def metered(
    make: Callable[[], NDJSONDecoder | SSEDecoder], chunks: list[bytes]
) -> tuple[Meter, list[object]]:
    """Frame ``chunks`` with counting buffers; the work charged and the frames."""
    meter = Meter()
    chunk_type, buffer_type = counting(bytes), counting(bytearray)
    chunk_type.meter = buffer_type.meter = meter
    chunk_type.bytes_type = buffer_type.bytes_type = chunk_type
    decoder = make()
    assert decoder._buf == b""  # the hook: the buffer the framer keeps its line in
    decoder._buf = buffer_type()
    out: list[object] = []
    for chunk in [chunk_type(c) for c in chunks]:
        out.extend(decoder.feed(chunk))
    out.extend(decoder.close())
    assert type(decoder._buf) is buffer_type  # the framer kept it: nothing went uncounted
    return meter, out


def big_ndjson() -> NDJSONDecoder:
    return NDJSONDecoder(max_line_bytes=1 << 30)


def big_sse() -> SSEDecoder:
    return SSEDecoder(max_line_bytes=1 << 30, max_event_bytes=1 << 30)


LONG_LINES: dict[str, tuple[Callable[[], NDJSONDecoder | SSEDecoder], Callable[[int], bytes]]] = {
    "ndjson": (big_ndjson, lambda n: b'{"t":"' + b"x" * n + b'"}\n'),
    "ndjson crlf": (big_ndjson, lambda n: b'{"t":"' + b"x" * n + b'"}\r\n'),
    "sse lf": (big_sse, lambda n: b"data: " + b"x" * n + b"\n\n"),
    "sse crlf": (big_sse, lambda n: b"data: " + b"x" * n + b"\r\n\r\n"),
    "sse cr": (big_sse, lambda n: b"data: " + b"x" * n + b"\r\r"),
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_a_long_line_in_small_chunks_costs_linear_work(name: str) -> None:
    make, body_of = LONG_LINES[name]
    work = {}
    for size in (200_000, 400_000):
        body = body_of(size)
        meter, frames = metered(make, [body[i : i + 16] for i in range(0, len(body), 16)])
        assert len(frames) == 1
        assert meter.scanned <= 4 * len(body)
        assert meter.total <= 8 * len(body)
        work[size] = meter.total
    assert 1.9 <= work[400_000] / work[200_000] <= 2.1


def short_lines(end: bytes, count: int) -> Iterator[bytes]:
    for i in range(count):
        yield b'{"n":' + str(i).encode() + b"}" + end


MANY_LINES: dict[str, tuple[Callable[[], NDJSONDecoder | SSEDecoder], Callable[[int], bytes]]] = {
    "ndjson": (big_ndjson, lambda n: b"".join(short_lines(b"\n", n))),
    "sse lf": (big_sse, lambda n: b"".join(b"data: " + p for p in short_lines(b"\n\n", n))),
    "sse crlf": (big_sse, lambda n: b"".join(b"data: " + p for p in short_lines(b"\r\n\r\n", n))),
    "sse cr": (big_sse, lambda n: b"".join(b"data: " + p for p in short_lines(b"\r\r", n))),
}


@pytest.mark.parametrize("name", MANY_LINES)
@pytest.mark.parametrize("cutter", ["whole", "bytewise", "primes"])
def test_many_lines_cost_linear_work_however_cut(name: str, cutter: str) -> None:
    make, body_of = MANY_LINES[name]
    work = {}
    for count in (1000, 2000):
        body = body_of(count)
        if cutter == "whole":
            chunks = [body]
        elif cutter == "bytewise":
            chunks = bytewise(body)
        else:  # chunks of 2, 3, 5, 7, ... 97 bytes, cycled: every cut position occurs
            steps = itertools.cycle([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 97])
            chunks = cut(body, itertools.accumulate(next(steps) for _ in range(len(body))))
        meter, frames = metered(make, chunks)
        assert len(frames) == count
        assert meter.scanned <= 4 * len(body)
        assert meter.total <= 8 * len(body)
        work[count] = meter.total
    assert 1.8 <= work[2000] / work[1000] <= 2.2


def test_the_meter_sees_quadratic_work() -> None:
    # The check is not vacuous: searching the whole buffer on every feed, as a
    # framer that forgot where its search stopped would, is charged n * n / 16.
    meter = Meter()
    buffer_type = counting(bytearray)
    buffer_type.meter = meter
    buffer_type.bytes_type = bytes
    buf = buffer_type()
    for _ in range(1000):
        buf += b"x" * 16
        assert buf.find(b"\n") == -1
    assert meter.scanned > 400 * len(buf)
