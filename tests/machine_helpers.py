"""Drive a sans-IO machine with scripted responses, the way a transport driver would."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

from codec.http import HttpRequest
from hfclient.errors import TransportError
from hfclient.events import Event
from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted
from hfclient.protocol import NEED_DATA, NEXT_REQUEST, NO_MORE_EVENTS, Machine


@attrs.frozen
class Scripted:
    """One response: status, headers, and the body as the chunks it arrives in."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    chunks: Sequence[bytes] = ()
    dropped: bool = False  # the connection breaks after the chunks, before the body's end


@attrs.define
class Run:
    events: list[Event] = attrs.field(factory=list)
    requests: list[HttpRequest] = attrs.field(factory=list)
    delays: list[float] = attrs.field(factory=list)
    error: Exception | None = None


def drive(machine: Machine, responses: Iterable[Scripted | TransportError]) -> Run:
    """Run ``machine`` to its end or to an error, answering each request with the next response.

    A :class:`TransportError` in place of a response is the transport failing
    before any byte (fed with ``transport_failed``).
    """
    run = Run()
    pending = iter(responses)
    inputs: list[object] = []
    try:
        while True:
            event = machine.next_event()
            if event is NEXT_REQUEST:
                run.delays.append(machine.delay)
                run.requests.append(machine.next_request())
                response = next(pending)
                if isinstance(response, TransportError):
                    machine.transport_failed(response)
                    inputs = []
                    continue
                inputs = [
                    ResponseStarted(response.status, response.headers),
                    *(BodyChunk(c) for c in response.chunks),
                    None if response.dropped else BodyEnded(),
                ]
            elif event is NEED_DATA:
                received = inputs.pop(0)
                if received is None:
                    machine.connection_dropped()
                else:
                    machine.receive(received)  # type: ignore[arg-type]
            elif event is NO_MORE_EVENTS:
                return run
            else:
                run.events.append(event)  # type: ignore[arg-type]
    except Exception as exc:  # the test looks at which
        run.error = exc
        return run
