"""``client.stream(...)``: one object that iterates, closes, and checks its arguments first."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import anyio
import pytest

from hfclient import EventStream, HuggingChat, InferenceProviders
from hfclient.errors import IncompleteStreamError, LocalProtocolError
from hfclient.events import ReasoningDelta
from hfclient.transport.anyio_h11 import AnyioH11Transport
from hfclient.transport.replay import ReplayTransport
from tests.conftest import DATA
from tests.transport.servers import Gate, HttpServer, Response

pytestmark = pytest.mark.anyio

STREAM = (DATA / "examples" / "hf-router.stream.sse").read_bytes()
FIRST, REST = STREAM.split(b"\n\n", 3)[:3], STREAM.split(b"\n\n", 3)[3]
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]
SSE = [("Content-Type", "text/event-stream")]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Both backends: trio is the one that warns about iterators left open."""
    return str(request.param)


@pytest.fixture
async def transport(client_ssl_context: ssl.SSLContext) -> AsyncIterator[AnyioH11Transport]:
    made = AnyioH11Transport(verify=client_ssl_context, proxy=None)
    try:
        yield made
    finally:
        await made.aclose()


def router(server: HttpServer, transport: AnyioH11Transport) -> InferenceProviders:
    return InferenceProviders(
        api_key="hf_x",
        provider="auto",
        base_url=server.url,
        hub_url=server.url,
        transport=transport,
    )


def in_use(transport: AnyioH11Transport) -> int:
    return sum(stats.in_use for stats in transport.pool_stats().values())


def gated(gate: Gate, *, ending: str = "complete") -> Response:
    head = b"\n\n".join(FIRST) + b"\n\n"
    return Response(headers=SSE, body=[head, gate, REST], framing="chunked", ending=ending)  # type: ignore[arg-type]


async def test_bad_arguments_raise_at_the_call_before_any_request() -> None:
    transport = ReplayTransport([])
    client = HuggingChat(hf_chat="cookie", token="token", transport=transport)
    with pytest.raises(LocalProtocolError, match="no message to send"):
        client.stream([], model="some/model")
    assert transport.requests == []


async def test_nothing_is_sent_until_the_first_event_is_asked_for() -> None:
    transport = ReplayTransport([])
    events = InferenceProviders(api_key="hf_x", transport=transport).stream(
        MESSAGES, model="org/model"
    )
    assert isinstance(events, EventStream)
    await events.aclose()
    await events.aclose()  # twice is fine
    assert transport.requests == []
    assert [e async for e in events] == []


async def test_leaving_async_with_early_closes_the_connection(
    https_server: HttpServer, transport: AnyioH11Transport
) -> None:
    gate = Gate()
    https_server.handler = lambda request: gated(gate)
    async with router(https_server, transport).stream(MESSAGES, model="org/model") as events:
        async for event in events:
            if isinstance(event, ReasoningDelta):
                assert in_use(transport) == 1
                break
    assert in_use(transport) == 0
    gate.open()


async def test_an_error_inside_async_with_closes_the_connection(
    https_server: HttpServer, transport: AnyioH11Transport
) -> None:
    gate = Gate()
    https_server.handler = lambda request: gated(gate)

    async def fail_inside() -> None:
        async with router(https_server, transport).stream(MESSAGES, model="org/model") as events:
            async for _ in events:
                raise RuntimeError("the caller's own")

    with pytest.raises(RuntimeError, match="the caller's own"):
        await fail_inside()
    assert in_use(transport) == 0
    gate.open()


async def test_a_cancelled_stream_closes_the_connection(
    https_server: HttpServer, transport: AnyioH11Transport
) -> None:
    gate = Gate()
    https_server.handler = lambda request: gated(gate)
    started = anyio.Event()

    async def consume() -> None:
        async with router(https_server, transport).stream(MESSAGES, model="org/model") as events:
            async for event in events:
                if isinstance(event, ReasoningDelta):
                    started.set()

    async with anyio.create_task_group() as group:
        group.start_soon(consume)
        await started.wait()
        group.cancel_scope.cancel()
    assert in_use(transport) == 0
    gate.open()


async def test_complete_closes_before_it_raises_and_keeps_the_partial_answer(
    https_server: HttpServer, transport: AnyioH11Transport
) -> None:
    head = b"\n\n".join(FIRST) + b"\n\n"
    https_server.handler = lambda request: Response(
        headers=SSE, body=[head], framing="eof", keep_alive=False
    )
    with pytest.raises(IncompleteStreamError) as caught:
        await router(https_server, transport).complete(MESSAGES, model="org/model")
    assert in_use(transport) == 0
    partial = caught.value.partial
    assert partial is not None
    assert partial.reasoning == "Okay,"
    assert partial.events
