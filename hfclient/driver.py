"""The loop that drives a sans-IO machine over a transport (the httpcore idea: small).

Everything clever lives in the machine; this only moves requests out and
response events in, waits what the machine says to wait, and closes every
response it opened, whatever happens.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio

from hfclient.errors import TransportError, TransportTimeout
from hfclient.events import Event
from hfclient.exchange import ResponseEvent, Transport
from hfclient.protocol import NEED_DATA, NEXT_REQUEST, NO_MORE_EVENTS, Machine, State

__all__ = ["drive"]


async def drive(machine: Machine, transport: Transport) -> AsyncIterator[Event]:
    """Run ``machine`` over ``transport``, yielding its events until it is done."""
    response: AsyncIterator[ResponseEvent] | None = None
    try:
        while True:
            event = machine.next_event()
            if event is NEXT_REQUEST:
                await _close(response)
                if machine.delay > 0:
                    await anyio.sleep(machine.delay)
                response = transport.open(machine.next_request())
            elif event is NEED_DATA:
                assert response is not None
                try:
                    received = await _next(response, machine.read_timeout)
                except TransportError as error:
                    if machine.state is not State.WAITING:
                        raise
                    machine.transport_failed(error)  # before any byte: the machine decides
                    continue
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


async def _next(
    response: AsyncIterator[ResponseEvent], timeout: float | None
) -> ResponseEvent | None:
    # The machine's deadline between two events (a keepAlive line resets it);
    # None: the transport ended the response before its end.
    with anyio.move_on_after(timeout) as scope:
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
