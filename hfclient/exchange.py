"""What a transport reports of one HTTP exchange, and what a machine receives.

A transport turns a :class:`codec.http.HttpRequest` into ``ResponseStarted``,
then ``BodyChunk``\\ s exactly as they were read, then ``BodyEnded``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, TypeAlias

import attrs

from codec.http import RESPONSE_SECRET_HEADERS, HttpRequest, first_header, masked_headers
from hfclient.timeouts import Timeout

__all__ = ["BodyChunk", "BodyEnded", "ResponseEvent", "ResponseStarted", "Transport"]


@attrs.frozen(slots=True, repr=False)
class ResponseStarted:
    """Status line and headers arrived. Header names keep the case the server sent.

    ``repr`` masks the cookies a ``Set-Cookie`` hands out.
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        return first_header(self.headers, name)

    def __repr__(self) -> str:
        shown = masked_headers(self.headers, RESPONSE_SECRET_HEADERS)
        return f"ResponseStarted(status={self.status!r}, headers={shown!r}, reason={self.reason!r})"


@attrs.frozen(slots=True, repr=False)
class BodyChunk:
    """Body bytes as one read returned them (decompressed, de-chunked)."""

    data: bytes

    def __repr__(self) -> str:
        preview = self.data[:40]
        more = "..." if len(self.data) > 40 else ""
        return f"BodyChunk({preview!r}{more}, {len(self.data)} bytes)"


@attrs.frozen(slots=True)
class BodyEnded:
    """The body is complete (the server ended it cleanly)."""


ResponseEvent: TypeAlias = ResponseStarted | BodyChunk | BodyEnded


class Transport(Protocol):
    """Sends requests. ``open`` yields one response's events, in order.

    Transport failures raise :class:`hfclient.errors.TransportError`
    subclasses; a body cut short raises :class:`~hfclient.errors.ReadError`
    after the chunks that did arrive. Leaving the iterator early (``aclose``
    or cancellation) closes or releases the connection. Errors of ``open``
    name the request's URL (secret query values masked) and ``host:port``.
    """

    def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Send ``request``; yield its response's events in order.

        ``timeout`` replaces the transport's own :class:`~hfclient.timeouts.Timeout`
        for this exchange only; ``None`` keeps the transport's.
        """
        ...

    async def aclose(self) -> None:
        """Close every connection the transport holds."""
        ...
