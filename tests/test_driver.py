"""The driver loop: it feeds the machine, enforces the machine's deadline, closes what it opens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest

from codec.http import HttpRequest
from codec.specinfo import OperationInfo
from hfclient.driver import drive
from hfclient.errors import ReadError, TransportTimeout
from hfclient.events import Event, Status
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.protocol import Exchange, Machine, Step, transition_table


class OneStep(Step):
    GET = "get"


class OneExchange(Machine):
    """Sends one request and reports its body as a Status event."""

    TRANSITIONS = transition_table(starts=[OneStep.GET], follows={}, completes=[OneStep.GET])

    def __init__(self, read_timeout: float | None = None) -> None:
        super().__init__()
        self._timeout = read_timeout
        operation = OperationInfo("get", "GET", "/", "json")
        self._queue(OneStep.GET, Exchange(HttpRequest("GET", "http://127.0.0.1:9/"), operation))

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        self._emit([Status("body", body.decode())])
        self._complete()


class ScriptedTransport:
    """Yields the scripted events, then hangs (``hang``) or stops short (``stop``)."""

    def __init__(self, events: list[ResponseEvent], then: str = "end") -> None:
        self._events = events
        self._then = then
        self.closed = 0

    async def open(self, request: HttpRequest) -> AsyncIterator[ResponseEvent]:
        try:
            for event in self._events:
                yield event
            if self._then == "hang":
                await anyio.sleep_forever()
        finally:
            self.closed += 1

    async def aclose(self) -> None:
        pass


async def run(machine: Machine, transport: ScriptedTransport) -> list[Event]:
    return [event async for event in drive(machine, transport)]


def test_a_whole_exchange() -> None:
    transport = ScriptedTransport(
        [ResponseStarted(200), BodyChunk(b"o"), BodyChunk(b"k"), BodyEnded()]
    )
    assert anyio.run(run, OneExchange(), transport) == [Status("body", "ok")]
    assert transport.closed == 1


def test_the_machines_read_timeout_is_enforced() -> None:
    transport = ScriptedTransport([ResponseStarted(200), BodyChunk(b"o")], then="hang")
    with pytest.raises(TransportTimeout, match=r"no response data for 0\.05 seconds"):
        anyio.run(run, OneExchange(read_timeout=0.05), transport)
    assert transport.closed == 1  # the hanging response was closed


def test_a_response_that_stops_without_its_end_is_a_read_error() -> None:
    transport = ScriptedTransport([ResponseStarted(200), BodyChunk(b"o")], then="stop")
    with pytest.raises(ReadError):
        anyio.run(run, OneExchange(), transport)
    assert transport.closed == 1


def test_leaving_early_closes_the_response() -> None:
    transport = ScriptedTransport([ResponseStarted(200), BodyChunk(b"x")], then="hang")

    async def first_only() -> None:
        machine = OneExchange()
        machine._emit([Status("early")])  # an event before any I/O
        events = drive(machine, transport)
        assert await events.__anext__() == Status("early")
        await events.aclose()

    anyio.run(first_only)
    assert transport.closed == 0  # nothing was opened before the first event
