"""Content-Encoding: gzip and deflate response bodies, decoded incrementally chunk by chunk.

A chunk decodes as soon as it arrives, so a compressed stream stays a stream.
Corrupt compressed data raises ``zlib.error``, which the transport's error
table turns into :class:`~hfclient.errors.RemoteProtocolError`: the server
broke its own content coding, and reading again would not help. A body that
ends before its compressed stream does is accepted (as browsers do).

No read inflates past :data:`PIECE_LIMIT`: ``decode`` gives the first piece
and ``more`` the next ones, so a gzip bomb costs what the caller reads of
it, not what it would become.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Final, Protocol

__all__ = ["ACCEPT_ENCODING", "IDENTITY", "PIECE_LIMIT", "ContentDecoder", "decoder_for"]

ACCEPT_ENCODING: Final = "gzip, deflate"
PIECE_LIMIT: Final = 256 * 1024
"""The most decoded bytes one ``decode`` or ``more`` call gives."""


class ContentDecoder(Protocol):
    """Turns encoded body bytes into decoded ones, incrementally."""

    def decode(self, data: bytes) -> bytes:
        """The first decoded bytes ``data`` completes (possibly none yet), at most PIECE_LIMIT."""
        ...

    def more(self) -> bytes:
        """The next piece of what the last ``decode`` gave (``b""``: none left)."""
        ...

    def flush(self) -> bytes:
        """What is left once the body has ended."""
        ...


class _Identity:
    def decode(self, data: bytes) -> bytes:
        return data

    def more(self) -> bytes:
        return b""

    def flush(self) -> bytes:
        return b""


IDENTITY: Final[ContentDecoder] = _Identity()
"""The decoder of a body sent as it is (stateless: one for every response)."""


class _Gzip:
    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def decode(self, data: bytes) -> bytes:
        return self._zlib.decompress(data, PIECE_LIMIT)

    def more(self) -> bytes:
        return _more(self._zlib)

    def flush(self) -> bytes:
        return self._zlib.flush()


def _more(decompressor: zlib._Decompress | None) -> bytes:
    # What the bounded call left in unconsumed_tail, one piece more.
    if decompressor is None or not decompressor.unconsumed_tail:
        return b""
    return decompressor.decompress(decompressor.unconsumed_tail, PIECE_LIMIT)


class _Deflate:
    """HTTP "deflate" is the zlib format (RFC 9110 §8.4.1.2), but some servers send raw deflate.

    The first two bytes tell which: a zlib header is a checksum-valid pair.
    """

    def __init__(self) -> None:
        self._zlib: zlib._Decompress | None = None
        self._head = b""

    def decode(self, data: bytes) -> bytes:
        if self._zlib is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            wbits = zlib.MAX_WBITS if _zlib_header(data) else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
        return self._zlib.decompress(data, PIECE_LIMIT)

    def more(self) -> bytes:
        return _more(self._zlib)

    def flush(self) -> bytes:
        if self._zlib is None:
            if self._head:
                raise zlib.error("a deflate body of one byte")
            return b""
        return self._zlib.flush()


def _zlib_header(data: bytes) -> bool:
    # RFC 1950 §2.2: method 8 (deflate), window at most 32 KiB, CMF*256+FLG divisible by 31.
    return data[0] & 0x0F == 8 and data[0] >> 4 <= 7 and (data[0] << 8 | data[1]) % 31 == 0


class _Chain:
    """Codings applied in order are undone in reverse (``Content-Encoding: deflate, gzip``).

    Only the last stage is bounded per call; the inner ones are drained whole.
    """

    def __init__(self, decoders: Sequence[ContentDecoder]) -> None:
        self._decoders = decoders

    def decode(self, data: bytes) -> bytes:
        *inner, last = self._decoders
        for decoder in inner:
            data = _drain(decoder, data)
        return last.decode(data)

    def more(self) -> bytes:
        return self._decoders[-1].more()

    def flush(self) -> bytes:
        data = b""
        for decoder in self._decoders:
            data = _drain(decoder, data) + decoder.flush()
        return data


def _drain(decoder: ContentDecoder, data: bytes) -> bytes:
    pieces = [decoder.decode(data)]
    while piece := decoder.more():
        pieces.append(piece)
    return b"".join(pieces)


_DECODERS: Final[dict[str, Callable[[], ContentDecoder]]] = {
    "gzip": _Gzip,
    "x-gzip": _Gzip,
    "deflate": _Deflate,
}


def decoder_for(content_encoding: str | None) -> ContentDecoder:
    """The decoder for a response's ``Content-Encoding`` header value.

    No header or ``identity`` decodes nothing. A coding we do not know (the
    caller asked for it with its own ``Accept-Encoding``) leaves the body as sent.
    """
    codings = [
        coding.strip().lower()
        for coding in (content_encoding or "").split(",")
        if coding.strip().lower() not in ("", "identity")
    ]
    if not codings:
        return IDENTITY
    if any(coding not in _DECODERS for coding in codings):
        return IDENTITY
    if len(codings) == 1:
        return _DECODERS[codings[0]]()
    return _Chain([_DECODERS[coding]() for coding in reversed(codings)])
