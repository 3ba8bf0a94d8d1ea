"""ReplayTransport over cassettes: chunks as recorded, ends as recorded, misses that explain."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import aclosing
from pathlib import Path
from typing import Any

import anyio
import pytest
import trio.testing

from codec.http import HttpRequest, json_body
from hfclient.client import InferenceProviders
from hfclient.errors import FixtureMissError, ReadError, TransportTimeout
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import Timeout
from hfclient.transport.cassette import (
    EOF,
    RESET,
    Cassette,
    Chunk,
    Exchange,
    MatchRule,
    Request,
    Response,
    dump,
    stall,
)
from hfclient.transport.replay import ReplayTransport
from tests.test_client_replay import EXAMPLES, MAPPING_URL, MESSAGES

CHAT = "https://router.huggingface.co/v1/chat/completions"


def chat_request(model: str = "m", stream: bool = True) -> HttpRequest:
    body = {"model": model, "messages": [{"role": "user", "content": "Hi"}], "stream": stream}
    return HttpRequest("POST", CHAT, (("Content-Type", "application/json"),), json_body(body))


def chat_exchange(model: str = "m", *chunks: Chunk, end: Any = None, at: float = 0.0) -> Exchange:
    sent = chat_request(model)
    return Exchange(
        Request(sent.method, sent.url, sent.headers, sent.body),
        Response(
            200,
            "OK",
            (
                ("content-type", "text/event-stream"),
                ("Content-Length", "99"),
                ("content-encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ),
            chunks or (Chunk(b"data: 1\n\n"), Chunk(b"data: 2\n\n")),
            end if end is not None else EOF,
            at,
        ),
    )


async def events(
    transport: ReplayTransport, request: HttpRequest, **kw: Any
) -> list[ResponseEvent]:
    out: list[ResponseEvent] = []
    async with aclosing(transport.open(request, **kw)) as stream:
        async for event in stream:
            out.append(event)
    return out


def run_virtual(main: Callable[[], Awaitable[Any]]) -> Any:
    # trio's mock clock jumps over every sleep: stalls take no real time.
    clock = trio.testing.MockClock(autojump_threshold=0)
    return anyio.run(main, backend="trio", backend_options={"clock": clock})


def test_replay_yields_head_chunks_and_end_without_framing_headers(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    dump(Cassette((chat_exchange(),), service="router"), path)
    transport = ReplayTransport.from_cassette(path)
    got = anyio.run(events, transport, chat_request())
    assert got == [
        ResponseStarted(200, (("content-type", "text/event-stream"),), "OK"),
        BodyChunk(b"data: 1\n\n"),
        BodyChunk(b"data: 2\n\n"),
        BodyEnded(),
    ]
    assert transport.unused == []


def test_a_cassette_answers_in_any_order() -> None:
    cassette = Cassette((chat_exchange("a"), chat_exchange("b")))
    transport = ReplayTransport.from_cassette(cassette)

    async def main() -> None:
        await events(transport, chat_request("b"))
        await events(transport, chat_request("a"))

    anyio.run(main)
    with pytest.raises(FixtureMissError, match="every recorded exchange has been used"):
        anyio.run(events, transport, chat_request("a"))


def test_a_miss_lists_the_nearest_requests_and_why() -> None:
    transport = ReplayTransport.from_cassette(
        Cassette(
            (
                Exchange.of("GET", "https://huggingface.co/api/models/x/y"),
                chat_exchange("b"),
                chat_exchange("c"),
            )
        )
    )
    with pytest.raises(FixtureMissError) as info:
        anyio.run(events, transport, chat_request("a", stream=False))
    near = info.value.near_misses
    assert near[0] == (
        "POST /v1/chat/completions: body.model is 'a', recorded 'b'; "
        "body.stream is false, recorded true"
    )
    assert near[1].startswith("POST /v1/chat/completions: body.model is 'a', recorded 'c'")
    assert near[2].startswith("GET /api/models/x/y: method is POST, recorded GET")
    assert "POST https://router.huggingface.co/v1/chat/completions" in str(info.value)


def test_a_miss_never_shows_a_secret() -> None:
    transport = ReplayTransport(
        [Exchange.of("GET", "https://x.test/a?uuid=u-1")], rule=MatchRule(add=("header.cookie",))
    )
    request = HttpRequest(
        "GET",
        "https://x.test/a?uuid=dev-secret",
        (("Cookie", "hf-chat=cookie-secret"),),
        secret_query=frozenset({"uuid"}),
    )
    with pytest.raises(FixtureMissError) as info:
        anyio.run(events, transport, request)
    assert "secret" not in str(info.value)
    assert "query.uuid differs" in str(info.value)


def test_ordered_replay_says_when_a_later_exchange_would_have_matched() -> None:
    transport = ReplayTransport([chat_exchange("a"), chat_exchange("b")])
    with pytest.raises(FixtureMissError) as info:
        anyio.run(events, transport, chat_request("b"))
    assert info.value.near_misses[0] == (
        "POST /v1/chat/completions: not the next exchange (ordered replay)"
    )


def test_a_reset_raises_after_the_chunks() -> None:
    transport = ReplayTransport([chat_exchange("m", Chunk(b"data: 1\n\n"), end=RESET)])
    seen: list[ResponseEvent] = []

    async def main() -> None:
        async with aclosing(transport.open(chat_request())) as stream:
            async for event in stream:
                seen.append(event)

    with pytest.raises(ReadError, match="reset"):
        anyio.run(main)
    assert seen[1:] == [BodyChunk(b"data: 1\n\n")]


def test_a_stall_waits_then_times_out_as_recorded() -> None:
    transport = ReplayTransport([chat_exchange("m", Chunk(b"data: 1\n\n"), end=stall(30))])
    seen: list[ResponseEvent] = []

    async def main() -> None:
        async with aclosing(transport.open(chat_request())) as stream:
            async for event in stream:
                seen.append(event)

    with pytest.raises(TransportTimeout, match="stalled for 30 s"):
        run_virtual(main)
    assert seen[1:] == [BodyChunk(b"data: 1\n\n")]


def test_a_read_timeout_shorter_than_the_stall_fires_first() -> None:
    transport = ReplayTransport([chat_exchange("m", Chunk(b"x"), end=stall(30))])
    with pytest.raises(TransportTimeout, match="no response data for 2 seconds"):
        run_virtual(lambda: events(transport, chat_request(), timeout=Timeout(read=2)))


def test_a_driver_deadline_cancels_a_stall() -> None:
    transport = ReplayTransport([chat_exchange("m", Chunk(b"x"), end=stall(3600))])

    async def main() -> bool:
        with anyio.move_on_after(5) as scope:
            await events(transport, chat_request())
        return scope.cancelled_caught

    assert run_virtual(main) is True


def test_speed_replays_recorded_gaps_and_timeouts_see_them() -> None:
    slow = (Chunk(b"a", 0.1), Chunk(b"b", 10.0))
    at_once = ReplayTransport([chat_exchange("m", *slow)])
    got = run_virtual(lambda: events(at_once, chat_request(), timeout=Timeout(read=1)))
    assert [e.data for e in got if isinstance(e, BodyChunk)] == [b"a", b"b"]
    recorded_time = ReplayTransport([chat_exchange("m", *slow)], speed=1)
    with pytest.raises(TransportTimeout):
        run_virtual(lambda: events(recorded_time, chat_request(), timeout=Timeout(read=1)))
    fast = ReplayTransport([chat_exchange("m", *slow)], speed=100)
    got = run_virtual(lambda: events(fast, chat_request(), timeout=Timeout(read=1)))
    assert got[-1] == BodyEnded()
    with pytest.raises(ValueError, match="speed"):
        ReplayTransport([], speed=-1)


def test_a_match_function_decides_when_given() -> None:
    transport = ReplayTransport(
        [Exchange.of("POST", "https://x.test/sign?t=")],
        match=lambda exchange, request: request.url.startswith(exchange.request.url),
    )
    got = anyio.run(events, transport, HttpRequest("POST", "https://x.test/sign?t=123"))
    assert got[-1] == BodyEnded()


def test_the_clients_read_timeout_ends_a_recorded_stall() -> None:
    mapping = Exchange.of(
        "GET", MAPPING_URL, chunks=[(EXAMPLES / "hf-router.mapping.json").read_bytes()]
    )
    chat = Exchange(
        Request("POST", "https://router.huggingface.co/cerebras/v1/chat/completions"),
        Response(
            200,
            "OK",
            (("content-type", "text/event-stream"),),
            (Chunk(b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'),),
            stall(3600),
        ),
    )
    seen: list[str] = []

    async def main() -> None:
        transport = ReplayTransport.from_cassette(Cassette((mapping, chat)))
        async with InferenceProviders(api_key="hf_x", transport=transport, timeout=5) as client:
            async for event in client.stream(MESSAGES, model="llama-3.3-70b"):
                seen.append(type(event).__name__)

    with pytest.raises(TransportTimeout, match="5 seconds"):
        run_virtual(main)
    assert "TextDelta" in seen
