"""Faults a careless server or a hostile proxy causes, through both transports.

Each test checks the error's type, that the events already yielded are kept,
and that the same client's next request still works (and, on the anyio
transport, that no connection is left checked out).
"""

from __future__ import annotations

import email.utils
import socket
import time
import zlib

import anyio
import pytest

from hfclient.client import InferenceProviders
from hfclient.errors import (
    AllProvidersFailedError,
    ConnectError,
    DecodeError,
    HfClientError,
    InvalidRequestError,
    PaymentRequiredError,
    ReadError,
    RemoteProtocolError,
    TransportTimeout,
)
from hfclient.events import Event, ProviderInfo, ReasoningDelta, TextDelta
from hfclient.exchange import Transport
from hfclient.protocol._status import ERROR_BODY_LIMIT
from hfclient.timeouts import Timeout
from hfclient.transport.anyio_h11 import AnyioH11Transport
from tests.e2e.fakes import FakeService, drain, json_answer, parts, stream
from tests.e2e.test_router_e2e import CEREBRAS, GROQ, MAPPING, MAPPING_PATH, MESSAGES, SSE, STREAM
from tests.transport.servers import Gate, HttpServer, Response

pytestmark = pytest.mark.anyio

TEXT = "\n\nLet me check the weather in Paris."
# The example mapping's live providers, in its order, and where each is called.
LIVE_PROVIDERS = {
    "cerebras": CEREBRAS,
    "groq": GROQ,
    "fireworks-ai": "/fireworks-ai/inference/v1/chat/completions",
    "together": "/together/v1/chat/completions",
    "novita": "/novita/v3/openai/chat/completions",
    "hf-inference": "/hf-inference/models/meta-llama/Llama-3.3-70B-Instruct/v1/chat/completions",
}
MODEL = "llama-3.3-70b"


def router(server: HttpServer, transport: Transport, **options: object) -> InferenceProviders:
    options.setdefault("max_retries", 0)
    return InferenceProviders(
        api_key="hf_fault_secret",
        base_url=server.url,
        hub_url=server.url,
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


def service(*answers: Response, provider: str = CEREBRAS) -> FakeService:
    """The mapping, then ``answers`` from ``provider``, then one good stream for the next call."""
    return FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", provider): [*answers, stream(STREAM, content_type=SSE)],
        }
    )


async def still_works(client: InferenceProviders, transport: Transport) -> None:
    """The client's next call gets its own whole answer, on a clean pool."""
    completion = await client.complete(MESSAGES, model=MODEL)
    assert completion.text == TEXT
    if isinstance(transport, AnyioH11Transport):
        assert all(stats.in_use == 0 for stats in transport.pool_stats().values())


def texts(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def said(events: list[Event]) -> str:
    """Everything the answer said so far, reasoning and text."""
    return "".join(e.text for e in events if isinstance(e, (TextDelta, ReasoningDelta)))


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        return int(listener.getsockname()[1])


async def test_connection_refused(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = service()
    refused = f"https://127.0.0.1:{closed_port()}"
    client = InferenceProviders(
        api_key="hf_fault_secret",
        base_url=refused,
        hub_url=refused,
        transport=transport,
        max_retries=0,
    )
    with pytest.raises(ConnectError, match=f"127.0.0.1:{refused.rsplit(':', 1)[1]}"):
        await client.complete(MESSAGES, model=MODEL)
    await still_works(router(https_server, transport), transport)


async def test_a_reset_before_the_headers_moves_on_to_the_next_provider(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [Response(raw=b"", ending="reset")],
            ("POST", GROQ): [stream(STREAM, content_type=SSE), stream(STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    client = router(https_server, transport)
    events, error = await drain(client.stream(MESSAGES, model=MODEL))
    assert error is None
    assert texts(events) == TEXT
    assert [e.provider for e in events if isinstance(e, ProviderInfo)][-1] == "groq"
    await still_works(client, transport)


async def test_a_reset_mid_stream_keeps_what_arrived_and_is_not_retried(
    https_server: HttpServer, transport: Transport
) -> None:
    cut = Response(
        headers=[("Content-Type", SSE)],
        body=parts(STREAM[: len(STREAM) // 2]),
        framing="chunked",
        ending="reset",
    )
    fake = service(stream(STREAM, content_type=SSE), cut)
    https_server.handler = fake
    client = router(https_server, transport, max_retries=3)
    whole, _ = await drain(client.stream(MESSAGES, model=MODEL))
    fake.seen.clear()
    events, error = await drain(client.stream(MESSAGES, model=MODEL))
    assert isinstance(error, (ReadError, RemoteProtocolError))
    assert said(events)
    assert said(whole).startswith(said(events))
    # Once a token is out, a retry would repeat it: the one POST is all.
    assert fake.paths().count(f"POST {CEREBRAS}") == 1
    await still_works(client, transport)


async def test_a_stall_longer_than_the_read_timeout(
    https_server: HttpServer, transport: Transport
) -> None:
    never = Gate()
    cut = STREAM.index(b"\n\n", STREAM.index(b"\n\n") + 2) + 2  # after two events
    stalled = Response(
        headers=[("Content-Type", SSE)], body=[STREAM[:cut], never, STREAM[cut:]], framing="chunked"
    )
    https_server.handler = service(stalled)
    client = router(https_server, transport, timeout=Timeout(connect=30, read=0.5))
    try:
        events, error = await drain(client.stream(MESSAGES, model=MODEL))
    finally:
        never.open()
    assert isinstance(error, TransportTimeout)
    assert any(isinstance(e, ProviderInfo) for e in events)
    await still_works(client, transport)


async def test_a_slow_drip_is_cut_by_the_total_timeout(
    https_server: HttpServer, transport: Transport
) -> None:
    # One byte at a time, each well within the read timeout: only `total` ends it.
    gates = [Gate() for _ in range(200)]
    body: list[bytes | Gate] = []
    for gate, byte in zip(gates, STREAM, strict=False):
        body += [bytes([byte]), gate]
    https_server.handler = service(
        Response(headers=[("Content-Type", SSE)], body=body, framing="chunked")
    )
    client = router(https_server, transport, timeout=Timeout(connect=30, read=30, total=0.6))

    async def drip() -> None:
        for gate in gates:
            await anyio.sleep(0.02)
            gate.open()

    async with anyio.create_task_group() as tg:
        tg.start_soon(drip)
        started = time.monotonic()
        events, error = await drain(client.stream(MESSAGES, model=MODEL))
        tg.cancel_scope.cancel()
    for gate in gates:
        gate.open()
    assert isinstance(error, TransportTimeout), error
    assert time.monotonic() - started < 200 * 0.02  # cut before the drip ended
    del events
    await still_works(client, transport)


async def test_chunked_encoding_errors(https_server: HttpServer, transport: Transport) -> None:
    broken = Response(
        raw=(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\nnot a chunk size\r\n"
        )
    )
    https_server.handler = service(broken)
    client = router(https_server, transport)
    events, error = await drain(client.stream(MESSAGES, model=MODEL))
    assert isinstance(error, RemoteProtocolError), error
    assert not texts(events)
    await still_works(client, transport)


async def test_an_error_body_is_read_only_to_its_limit(
    https_server: HttpServer, transport: Transport
) -> None:
    # A 400 whose body never ends: the error comes at 64 KiB, not at a timeout.
    never = Gate()
    endless = Response(
        status=400,
        headers=[("Content-Type", "application/json")],
        body=[b"x" * (ERROR_BODY_LIMIT + 1), never],
        framing="chunked",
    )
    https_server.handler = service(endless)
    client = router(https_server, transport, timeout=Timeout(connect=30, read=20))
    try:
        with pytest.raises(InvalidRequestError) as caught:
            await client.complete(MESSAGES, model=MODEL)
    finally:
        never.open()
    assert caught.value.body == b"x" * ERROR_BODY_LIMIT
    await still_works(client, transport)


async def test_a_gzip_bomb_as_an_error_body(https_server: HttpServer, transport: Transport) -> None:
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(256)) + packer.flush()  # 256 MiB
    raw = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
    ) + bomb
    https_server.handler = service(Response(raw=raw))
    client = router(https_server, transport)
    with pytest.raises(InvalidRequestError) as caught:
        await client.complete(MESSAGES, model=MODEL)
    assert len(caught.value.body or b"") <= ERROR_BODY_LIMIT
    await still_works(client, transport)


async def test_a_gzip_bomb_as_a_stream_is_a_decode_error(
    https_server: HttpServer, transport: Transport
) -> None:
    # Zeros with no line end: the SSE framing's line limit stops it, not memory.
    packer = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    bomb = b"".join(packer.compress(b"a" * (1 << 20)) for _ in range(64)) + packer.flush()
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
    ) + bomb
    https_server.handler = service(Response(raw=raw))
    client = router(https_server, transport)
    events, error = await drain(client.stream(MESSAGES, model=MODEL))
    assert isinstance(error, DecodeError), error
    assert "longer than" in str(error) or "larger than" in str(error), error
    assert not texts(events)
    await still_works(client, transport)


async def test_huge_headers(https_server: HttpServer, transport: Transport) -> None:
    huge = Response(headers=[("X-Padding", "a" * 200_000)], body=[b"{}"])
    https_server.handler = service(huge)
    client = router(https_server, transport)
    with pytest.raises(HfClientError) as caught:
        await client.complete(MESSAGES, model=MODEL)
    assert isinstance(caught.value, RemoteProtocolError), caught.value
    assert "larger than" in str(caught.value) or "too long" in str(caught.value)
    await still_works(client, transport)


async def test_a_5xx_then_success_is_retried_before_the_first_token(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(b'{"error": "busy"}', 503)],
            ("POST", GROQ): [stream(STREAM, content_type=SSE), stream(STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    client = router(https_server, transport)
    completion = await client.complete(MESSAGES, model=MODEL)
    assert completion.text == TEXT
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}", f"POST {GROQ}"]
    await still_works(client, transport)


@pytest.mark.parametrize("form", ["seconds", "date"])
async def test_retry_after_as_seconds_and_as_a_date(
    https_server: HttpServer, transport: Transport, form: str
) -> None:
    when = "0" if form == "seconds" else email.utils.formatdate(time.time(), usegmt=True)
    fake = service(json_answer(b"{}", 429, ("Retry-After", when)), stream(STREAM, content_type=SSE))
    https_server.handler = fake
    client = router(https_server, transport, max_retries=1, retry_after_cap=1.0)
    completion = await client.complete(MESSAGES, model=MODEL)
    assert completion.text == TEXT
    assert fake.paths().count(f"POST {CEREBRAS}") == 2
    await still_works(client, transport)


async def test_a_402_on_every_provider(https_server: HttpServer, transport: Transport) -> None:
    payment = b'{"error": "You have exceeded your monthly included credits"}'
    routes = {("POST", path): [json_answer(payment, 402)] for path in LIVE_PROVIDERS.values()}
    routes["POST", CEREBRAS].append(stream(STREAM, content_type=SSE))
    https_server.handler = FakeService({("GET", MAPPING_PATH): [json_answer(MAPPING)], **routes})
    client = router(https_server, transport)
    with pytest.raises(AllProvidersFailedError) as caught:
        await client.complete(MESSAGES, model=MODEL)
    assert isinstance(caught.value, PaymentRequiredError)
    assert [a.provider for a in caught.value.attempts] == list(LIVE_PROVIDERS)
    await still_works(client, transport)
