"""The loop that drives a sans-IO machine over a transport (the httpcore idea: small).

Everything clever lives in the machine; this only moves requests out and
response events in, waits what the machine says to wait, and closes every
response it opened, whatever happens. At DEBUG it logs each request and its
response on the ``hfclient.driver`` logger (URLs masked, never a header).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Final

import anyio
import attrs

from codec.http import HttpRequest
from hfclient._options import Settings
from hfclient.errors import TransportError, TransportTimeout
from hfclient.events import Event
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted, Transport
from hfclient.protocol import NEED_DATA, NEXT_REQUEST, NO_MORE_EVENTS, Machine, State

__all__ = ["drive"]

_log = logging.getLogger(__name__)
_NO_SETTINGS: Final = Settings()


async def drive(
    machine: Machine, transport: Transport, settings: Settings = _NO_SETTINGS
) -> AsyncGenerator[Event, None]:
    """Run ``machine`` over ``transport``, yielding its events until it is done.

    ``settings`` add the client's headers to every request and give each its timeout.
    """
    response: AsyncIterator[ResponseEvent] | None = None
    trace: _Trace | None = None
    try:
        while True:
            event = machine.next_event()
            if event is NEXT_REQUEST:
                await _close(response)
                if machine.delay > 0:
                    await anyio.sleep(machine.delay)
                request = machine.next_request()
                trace = (
                    _Trace(request, machine.provider) if _log.isEnabledFor(logging.DEBUG) else None
                )
                response = _open(transport, request, settings)
            elif event is NEED_DATA:
                assert response is not None
                try:
                    received = await _next(response, machine.read_timeout)
                except TransportError as error:
                    if machine.state is State.WAITING:
                        machine.transport_failed(error)  # before any byte: the machine decides
                    elif not machine.survives_read_error(error):
                        raise
                    continue
                if trace is not None:
                    trace.saw(received)
                if received is None:
                    machine.connection_dropped()
                else:
                    machine.receive(received)
            elif event is NO_MORE_EVENTS:
                return
            else:
                yield event  # type: ignore[misc]
    finally:
        await _close(response)


def _open(
    transport: Transport, request: HttpRequest, settings: Settings
) -> AsyncIterator[ResponseEvent]:
    if settings.headers:
        names = {name.lower() for name, _ in settings.headers}
        kept = tuple((k, v) for k, v in request.headers if k.lower() not in names)
        # The caller's headers may carry credentials of their own: masked like ours.
        request = attrs.evolve(
            request,
            headers=kept + settings.headers,
            secret_headers=request.secret_headers | names,
        )
    if settings.timeout is None:
        return transport.open(request)
    return transport.open(request, timeout=settings.timeout)


async def _next(
    response: AsyncIterator[ResponseEvent], timeout: float | None
) -> ResponseEvent | None:
    # The machine's deadline between two events (a keepAlive line resets it);
    # None: the transport ended the response before its end.
    if timeout is None:  # no deadline, no cancel scope: this runs once per chunk
        try:
            return await response.__anext__()
        except StopAsyncIteration:
            return None
    # A bare scope, not anyio.move_on_after (a generator context manager): once per chunk.
    with anyio.CancelScope(deadline=anyio.current_time() + timeout) as scope:
        try:
            return await response.__anext__()
        except StopAsyncIteration:
            return None
    assert scope.cancelled_caught
    raise TransportTimeout(f"no response data for {timeout:g} seconds")


async def _close(response: AsyncIterator[ResponseEvent] | None) -> None:
    aclose = getattr(response, "aclose", None)
    if aclose is not None:
        await aclose()


class _Trace:
    """The DEBUG lines of one exchange: its request, its response's head, its body's end."""

    __slots__ = ("_name", "_size", "_started")

    def __init__(self, request: HttpRequest, provider: str | None) -> None:
        through = f" ({provider})" if provider else ""
        self._name = f"{request.method} {request.redacted_url()}{through}"
        self._started = time.monotonic()
        self._size = 0
        _log.debug("%s: %d body bytes sent", self._name, len(request.body))

    def saw(self, event: ResponseEvent | None) -> None:
        if isinstance(event, BodyChunk):
            self._size += len(event.data)
            return
        elapsed = time.monotonic() - self._started
        if isinstance(event, ResponseStarted):
            _log.debug("%s: HTTP %d after %.3f s", self._name, event.status, elapsed)
        elif isinstance(event, BodyEnded):
            _log.debug("%s: body of %d bytes ended after %.3f s", self._name, self._size, elapsed)
        else:
            _log.debug("%s: connection ended after %d body bytes", self._name, self._size)
