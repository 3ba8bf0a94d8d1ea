"""Drive any :class:`hfclient.exchange.Transport` in a test and collect what it reported."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import aclosing
from dataclasses import dataclass, field

from codec.http import HttpRequest
from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted, Transport
from hfclient.timeouts import Timeout

from .servers import Gate


@dataclass
class Collected:
    """One response as events: the head, the body chunks in order, and whether it ended."""

    started: ResponseStarted | None = None
    chunks: list[bytes] = field(default_factory=list)
    ended: bool = False

    @property
    def body(self) -> bytes:
        """The chunks joined."""
        return b"".join(self.chunks)


async def collect(
    transport: Transport,
    request: HttpRequest,
    *,
    gates: Sequence[Gate] = (),
    into: Collected | None = None,
    timeout: Timeout | None = None,
) -> Collected:
    """Run ``request`` to the end; after the n-th body chunk, open ``gates[n]``.

    Opening a gate only once the chunk before it arrived is what makes chunk
    boundaries deterministic (see :mod:`tests.transport.servers`). Pass
    ``into`` to keep what arrived when the exchange raises; ``timeout`` goes to
    ``open`` (this exchange's own time limits).
    """
    found = into if into is not None else Collected()
    async with aclosing(transport.open(request, timeout=timeout)) as events:
        async for event in events:
            assert not found.ended, "nothing may follow BodyEnded"
            if isinstance(event, ResponseStarted):
                assert found.started is None
                assert not found.chunks
                found.started = event
            elif isinstance(event, BodyChunk):
                assert found.started is not None
                assert event.data
                if len(found.chunks) < len(gates):
                    gates[len(found.chunks)].open()
                found.chunks.append(event.data)
            else:
                assert isinstance(event, BodyEnded)
                found.ended = True
    return found


def get(url: str, *headers: tuple[str, str]) -> HttpRequest:
    """A GET request."""
    return HttpRequest("GET", url, headers=headers)
