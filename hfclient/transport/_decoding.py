"""Content-Encoding: gzip and deflate response bodies, decoded incrementally chunk by chunk.

A chunk decodes as soon as it arrives, so a compressed stream stays a stream.
Corrupt compressed data raises ``zlib.error``, which the transport's error
table turns into :class:`~hfclient.errors.RemoteProtocolError`: the server
broke its own content coding, and reading again would not help. A body that
ends before its compressed stream does is accepted (as browsers do).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Final, Protocol

__all__ = ["ACCEPT_ENCODING", "ContentDecoder", "decoder_for"]

ACCEPT_ENCODING: Final = "gzip, deflate"


class ContentDecoder(Protocol):
    """Turns encoded body bytes into decoded ones, incrementally."""

    def decode(self, data: bytes) -> bytes:
        """The decoded bytes ``data`` completes (possibly none yet)."""
        ...

    def flush(self) -> bytes:
        """What is left once the body has ended."""
        ...


class _Identity:
    def decode(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Gzip:
    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def decode(self, data: bytes) -> bytes:
        return self._zlib.decompress(data)

    def flush(self) -> bytes:
        return self._zlib.flush()


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
        return self._zlib.decompress(data)

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
    """Codings applied in order are undone in reverse (``Content-Encoding: deflate, gzip``)."""

    def __init__(self, decoders: Sequence[ContentDecoder]) -> None:
        self._decoders = decoders

    def decode(self, data: bytes) -> bytes:
        for decoder in self._decoders:
            data = decoder.decode(data)
        return data

    def flush(self) -> bytes:
        data = b""
        for decoder in self._decoders:
            data = decoder.decode(data) + decoder.flush()
        return data


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
        return _Identity()
    if any(coding not in _DECODERS for coding in codings):
        return _Identity()
    if len(codings) == 1:
        return _DECODERS[codings[0]]()
    return _Chain([_DECODERS[coding]() for coding in reversed(codings)])
