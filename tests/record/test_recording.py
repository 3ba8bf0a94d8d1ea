"""RecordingTransport: yields what the inner transport yields, records it scrubbed, as it ended."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from pathlib import Path

import anyio
import pytest

from codec import router
from codec.http import HttpRequest
from hfclient.errors import ConnectError, ReadError, RemoteProtocolError, TransportTimeout
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import Timeout
from hfclient.transport.anyio_h11 import AnyioH11Transport
from hfclient.transport.cassette import RESET, Exchange, load, stall
from hfclient.transport.recording import RecordingTransport
from hfclient.transport.replay import ReplayTransport
from hfclient.transport.scan import SecretLeakError
from tests.transport.servers import HttpServer, Response

from . import planted

pytestmark = pytest.mark.anyio

Script = Sequence[ResponseEvent | BaseException]


class Scripted:
    """An inner transport that yields a script (raising its exceptions), advancing a clock."""

    def __init__(self, *scripts: Script) -> None:
        self._scripts = list(scripts)
        self.now = 100.0
        self.timeouts: list[Timeout | None] = []
        self.closed = False

    def clock(self) -> float:
        return self.now

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        self.timeouts.append(timeout)
        for step in self._scripts.pop(0):
            self.now += 0.25
            if isinstance(step, BaseException):
                raise step
            yield step

    async def aclose(self) -> None:
        self.closed = True


def chat(
    api_key: str = planted.HF_TOKEN, base_url: str = "https://router.huggingface.co"
) -> HttpRequest:
    return router.build_provider_chat_completions(
        route="/cerebras/v1",
        api_key=api_key,
        body={"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": True},
        base_url=base_url,
    )


async def run(transport: RecordingTransport, request: HttpRequest, **kw: object) -> list[object]:
    seen: list[object] = []
    try:
        async with aclosing(transport.open(request, **kw)) as events:  # type: ignore[arg-type]
            async for event in events:
                seen.append(event)
    except Exception as exc:  # the test checks which
        seen.append(exc)
    return seen


HEAD = ResponseStarted(200, (("Content-Type", "text/event-stream"), ("X-Secret", "x")), "OK")


async def test_yields_what_the_inner_yields_and_records_chunks_with_offsets() -> None:
    script = [HEAD, BodyChunk(b"data: 1\n\n"), BodyChunk(b"data: 2\n\n"), BodyEnded()]
    inner = Scripted(script)
    recording = RecordingTransport(inner, service="router", clock=inner.clock)
    assert await run(recording, chat(), timeout=Timeout(read=5)) == script
    assert inner.timeouts == [Timeout(read=5)]
    (exchange,) = recording.exchanges
    response = exchange.response
    assert (response.status, response.reason, response.at) == (200, "OK", 0.25)
    assert response.headers == (("content-type", "text/event-stream"),)
    assert [(c.data, c.at) for c in response.chunks] == [
        (b"data: 1\n\n", 0.5),
        (b"data: 2\n\n", 0.75),
    ]
    assert response.end.kind == "eof"
    assert exchange.request.header("authorization") == "Bearer <secret:token>"
    assert recording.cassette.service == "router"


async def test_a_read_error_after_chunks_is_a_reset_and_is_raised() -> None:
    inner = Scripted([HEAD, BodyChunk(b"data: 1\n\n"), ReadError("cut")])
    recording = RecordingTransport(inner, clock=inner.clock)
    seen = await run(recording, chat())
    assert isinstance(seen[-1], ReadError)
    assert recording.exchanges[0].response.end == RESET
    assert len(recording.exchanges[0].response.chunks) == 1


async def test_any_other_error_after_the_head_is_a_reset_too() -> None:
    inner = Scripted([HEAD, RemoteProtocolError("bad chunk size")])
    recording = RecordingTransport(inner, clock=inner.clock)
    assert isinstance((await run(recording, chat()))[-1], RemoteProtocolError)
    assert recording.exchanges[0].response.end == RESET


async def test_a_timeout_after_the_head_is_a_stall_of_the_seconds_waited() -> None:
    inner = Scripted([HEAD, BodyChunk(b"x"), TransportTimeout("silent")])
    recording = RecordingTransport(inner, clock=inner.clock)
    seen = await run(recording, chat())
    assert isinstance(seen[-1], TransportTimeout)
    assert recording.exchanges[0].response.end == stall(0.25)


async def test_a_failure_before_the_head_records_nothing() -> None:
    inner = Scripted([ConnectError("refused")])
    recording = RecordingTransport(inner, clock=inner.clock)
    assert isinstance((await run(recording, chat()))[-1], ConnectError)
    assert recording.exchanges == ()


async def test_leaving_early_records_what_arrived() -> None:
    inner = Scripted([HEAD, BodyChunk(b"a"), BodyChunk(b"b"), BodyEnded()])
    recording = RecordingTransport(inner, clock=inner.clock)
    async with aclosing(recording.open(chat())) as events:
        async for event in events:
            if isinstance(event, BodyChunk):
                break
    assert [c.data for c in recording.exchanges[0].response.chunks] == [b"a"]


async def test_secrets_echoed_in_the_body_and_reason_are_scrubbed(tmp_path: Path) -> None:
    echo = json.dumps({"error": f"token {planted.HF_TOKEN} is invalid"}).encode()
    head = ResponseStarted(401, (("Set-Cookie", f"s={planted.SESSION}; Path=/"),), "No")
    cut = echo.index(b"Token") + 3
    inner = Scripted([head, BodyChunk(echo[:cut]), BodyChunk(echo[cut:]), BodyEnded()])
    recording = RecordingTransport(inner, clock=inner.clock)
    await run(recording, chat())
    path = tmp_path / "c.yaml"
    recording.save(path)
    text = path.read_text()
    for secret in planted.ALL:
        assert secret not in text
    chunks = load(path).exchanges[0].response.chunks
    assert chunks[0].data.endswith(b"token <secret:token>")  # whole, in the chunk it began in
    assert "s=<secret:s>; Path=/" in text


async def test_before_record_redacts_or_drops() -> None:
    def hook(exchange: Exchange) -> Exchange | None:
        if exchange.request.url.endswith("/drop"):
            return None
        return Exchange.of("POST", exchange.request.url, body=b"<prompt redacted>")

    inner = Scripted([HEAD, BodyEnded()], [HEAD, BodyEnded()])
    recording = RecordingTransport(inner, before_record=hook, clock=inner.clock)
    await run(recording, chat())
    await run(recording, HttpRequest("GET", "http://127.0.0.1:1/drop"))
    (kept,) = recording.exchanges
    assert kept.request.body == b"<prompt redacted>"


async def test_save_refuses_a_secret_the_hook_put_back(tmp_path: Path) -> None:
    def leak(exchange: Exchange) -> Exchange:
        return Exchange.of("POST", exchange.request.url, chunks=[planted.HF_TOKEN.encode()])

    inner = Scripted([HEAD, BodyEnded()])
    recording = RecordingTransport(inner, before_record=leak, clock=inner.clock)
    await run(recording, chat())
    path = tmp_path / "c.yaml"
    with pytest.raises(SecretLeakError) as info:
        recording.save(path)
    assert "exchange 0, response.chunks[0]" in str(info.value)
    assert planted.HF_TOKEN not in str(info.value)
    assert not path.exists()


async def test_exchanges_keep_the_order_they_were_sent_in() -> None:
    first_may_end = anyio.Event()

    class Slow(Scripted):
        async def open(
            self, request: HttpRequest, *, timeout: Timeout | None = None
        ) -> AsyncIterator[ResponseEvent]:
            yield ResponseStarted(200)
            if request.url.endswith("/first"):
                await first_may_end.wait()
            yield BodyEnded()

    recording = RecordingTransport(Slow())
    async with anyio.create_task_group() as group:
        group.start_soon(run, recording, HttpRequest("GET", "http://127.0.0.1:1/first"))
        await anyio.wait_all_tasks_blocked()
        await run(recording, HttpRequest("GET", "http://127.0.0.1:1/second"))
        first_may_end.set()
    assert [e.request.url.rsplit("/", 1)[1] for e in recording.exchanges] == ["first", "second"]


async def test_aclose_closes_the_inner_transport_only_when_owned() -> None:
    inner = Scripted()
    await RecordingTransport(inner).aclose()
    assert not inner.closed
    await RecordingTransport(inner, owns_inner=True).aclose()
    assert inner.closed


async def test_recorded_over_a_real_socket_and_replayed(
    http_server: HttpServer, tmp_path: Path
) -> None:
    body = [b'data: {"a":1}\n\n', f"data: {planted.HF_TOKEN}\n\n".encode(), b"data: [DONE]\n\n"]
    http_server.handler = lambda request: Response(
        headers=[("Content-Type", "text/event-stream"), ("X-Request-Id", "r1")],
        body=body,
        framing="chunked",
        encoding="gzip",
    )
    inner = AnyioH11Transport(proxy=None)
    recording = RecordingTransport(inner, service="router", owns_inner=True)
    request = chat(base_url=http_server.url)
    try:
        live = await run(recording, request)
    finally:
        await recording.aclose()
    path = tmp_path / "live.yaml"
    recording.save(path)
    text = path.read_text()
    assert planted.HF_TOKEN not in text
    assert "content-encoding" not in text
    assert "x-request-id" in text  # the router's chat completions keep it (record.headers)
    replayed = await run(ReplayTransport.from_cassette(path), request)  # type: ignore[arg-type]
    scrubbed = [
        BodyChunk(e.data.replace(planted.HF_TOKEN.encode(), b"<secret:token>"))
        if isinstance(e, BodyChunk)
        else e
        for e in live
    ]
    assert [type(e) for e in replayed] == [type(e) for e in live]
    assert replayed[1:] == scrubbed[1:]
    assert load(path).exchanges[0].response.status == 200
