"""A transport that answers from recorded exchanges, in process, with no sockets.

Each exchange gives the response exactly as recorded: status, headers, and
the body as the same chunks, so a replayed stream meets the decoder at the
same boundaries it met live. A body recorded as cut off (``ended="reset"``)
replays its chunks and then raises :class:`~hfclient.errors.ReadError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from typing import Literal

import attrs

from codec.http import HttpRequest
from hfclient.errors import FixtureMissError, ReadError
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import Timeout

__all__ = ["RecordedExchange", "ReplayTransport"]


@attrs.frozen(slots=True)
class RecordedExchange:
    """One recorded request (what identifies it) and its response."""

    method: str
    url: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    chunks: tuple[bytes, ...] = ()
    ended: Literal["eof", "reset"] = "eof"

    def describe(self) -> str:
        """``METHOD url`` as used in error messages."""
        return f"{self.method} {self.url}"


class ReplayTransport:
    """Serves ``exchanges`` in order; a request that is not the next one raises.

    With ``ordered=False`` any unused exchange that matches answers. ``match``
    decides whether an exchange answers a request (default: same method and
    URL); e.g. a signed URL that ends in the current time can be matched by
    prefix. Every miss is a :class:`FixtureMissError` that lists what was
    left, so a test says what it expected instead of reaching a network.
    """

    def __init__(
        self,
        exchanges: Sequence[RecordedExchange],
        *,
        ordered: bool = True,
        match: Callable[[RecordedExchange, HttpRequest], bool] | None = None,
    ) -> None:
        self._left = list(exchanges)
        self._ordered = ordered
        self._match = match if match is not None else _same_method_and_url
        self.requests: list[HttpRequest] = []

    @property
    def unused(self) -> list[RecordedExchange]:
        """The exchanges no request has used yet."""
        return list(self._left)

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Yield the recorded response to ``request``.

        ``timeout`` is accepted, as the :class:`~hfclient.exchange.Transport`
        protocol has it, and ignored: a replay answers at once, so nothing waits.
        """
        exchange = self._take(request)
        self.requests.append(request)
        yield ResponseStarted(exchange.status, exchange.headers)
        for chunk in exchange.chunks:
            yield BodyChunk(chunk)
        if exchange.ended == "reset":
            raise ReadError(f"the recorded connection for {exchange.describe()} was reset")
        yield BodyEnded()

    async def aclose(self) -> None:
        """Nothing to close: no sockets."""

    def _take(self, request: HttpRequest) -> RecordedExchange:
        candidates = self._left[:1] if self._ordered else self._left
        for index, exchange in enumerate(candidates):
            if self._match(exchange, request):
                return self._left.pop(index)
        near = [e.describe() for e in self._left[:5]]
        raise FixtureMissError(
            f"no recorded exchange for {request.method} {request.url}", near_misses=near
        )


def _same_method_and_url(exchange: RecordedExchange, request: HttpRequest) -> bool:
    return exchange.method == request.method and exchange.url == request.url
