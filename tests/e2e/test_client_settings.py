"""Client settings end to end: headers, with_options, timeouts, extra body fields."""

from __future__ import annotations

import json
from pathlib import Path

import anyio
import pytest
import trustme

from hfclient import HuggingChat, InferenceProviders, Timeout
from hfclient.errors import TransportTimeout
from hfclient.exchange import Transport
from hfclient.transport.replay import ReplayTransport
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, stream
from tests.transport.servers import ConnectProxy, Gate, HttpServer, Response

pytestmark = pytest.mark.anyio

STREAM = (DATA / "examples" / "hf-router.stream.sse").read_bytes()
SSE = "text/event-stream"
AUTO = "/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


def router(server: HttpServer, transport: Transport, **options: object) -> InferenceProviders:
    return InferenceProviders(
        api_key="hf_settings_secret",
        provider="auto",
        base_url=server.url,
        hub_url=server.url,
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


async def test_headers_reach_every_request_and_with_options_adds_to_them(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({("POST", AUTO): [stream(STREAM, content_type=SSE)] * 2})
    https_server.handler = fake
    client = router(https_server, transport, headers={"X-Team": "bots", "User-Agent": "mybot/1"})
    await client.complete(MESSAGES, model="org/model")
    copy = client.with_options(headers={"X-Team": "agents", "X-Trace": "t-1"})
    await copy.complete(MESSAGES, model="org/model")
    first, second = fake.seen
    assert (first.header("x-team"), first.header("user-agent")) == ("bots", "mybot/1")
    assert (second.header("x-team"), second.header("x-trace")) == ("agents", "t-1")
    assert second.header("user-agent") == "mybot/1"
    assert second.header("authorization") == "Bearer hf_settings_secret"


async def test_extra_body_fields_go_into_the_request(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({("POST", AUTO): [stream(STREAM, content_type=SSE)]})
    https_server.handler = fake
    await router(https_server, transport).complete(
        MESSAGES, model="org/model", max_tokens=5, extra_body={"top-k": 3, "max_tokens": 7}
    )
    body = json.loads(fake.seen[0].body)
    assert (body["top-k"], body["max_tokens"], body["stream"]) == (3, 7, True)


async def test_a_copy_with_a_short_read_timeout_times_out(
    https_server: HttpServer, transport: Transport
) -> None:
    gate = Gate()
    https_server.handler = lambda request: Response(
        headers=[("Content-Type", SSE)], body=[STREAM[:100], gate], framing="chunked"
    )
    client = router(https_server, transport, timeout=60)
    with pytest.raises(TransportTimeout):
        await client.with_options(timeout=Timeout(read=0.2)).complete(MESSAGES, model="org/model")
    assert client.timeout == Timeout(connect=60, read=60, pool=60)
    gate.open()


async def test_huggingchats_silence_limit_is_the_read_timeout() -> None:
    client = HuggingChat(hf_chat="c", transport=ReplayTransport([]))
    assert client.timeout is None  # the caller's transport keeps its own
    assert client.with_options(timeout=5).timeout == Timeout(5, 5, 5)


async def test_proxy_and_verify_belong_to_the_transport_the_client_makes() -> None:
    with pytest.raises(TypeError, match="give them to your own transport"):
        InferenceProviders(api_key="hf_x", transport=ReplayTransport([]), verify=False)


async def test_max_retries_is_checked() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        InferenceProviders(api_key="hf_x", transport=ReplayTransport([]), max_retries=-1)
    client = InferenceProviders(api_key="hf_x", transport=ReplayTransport([]))
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=True)  # type: ignore[arg-type]


async def test_one_client_on_defaults_carries_100_concurrent_streams(
    https_server: HttpServer, ca: trustme.CA, tmp_path: Path
) -> None:
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    streams = 100
    release = Gate()  # every answer waits here until all the streams are in flight
    head, rest = STREAM[:300], STREAM[300:]
    https_server.handler = lambda _: Response(
        headers=[("Content-Type", SSE)], body=[head, release, rest], framing="chunked"
    )
    arrived = 0
    texts: list[str] = []

    async def one(client: InferenceProviders) -> None:
        nonlocal arrived
        async with client.stream(MESSAGES, model="org/model") as events:
            first = True
            async for _ in events:
                if first:
                    first, arrived = False, arrived + 1
                    if arrived == streams:
                        release.open()
        texts.append("done")

    async with (
        InferenceProviders(
            api_key="hf_x", provider="auto", base_url=https_server.url, proxy=None, verify=pem
        ) as client,
        anyio.create_task_group() as group,
    ):
        for _ in range(streams):
            group.start_soon(one, client)
    assert texts == ["done"] * streams
    assert https_server.connection_count == streams


async def test_proxy_goes_to_the_transport_the_client_makes(
    http_server: HttpServer, proxy: ConnectProxy
) -> None:
    http_server.handler = FakeService({("POST", AUTO): [stream(STREAM, content_type=SSE)]})
    async with InferenceProviders(
        api_key="hf_x", provider="auto", base_url=http_server.url, proxy=proxy.url
    ) as client:
        answer = await client.complete(MESSAGES, model="org/model")
    assert answer.finish_reason == "tool_calls"
    assert proxy.seen  # the request went through the proxy


@pytest.mark.parametrize("choice", ["anyio", "curl"])
async def test_turning_verification_off_is_explicit_and_warned(
    choice: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with InferenceProviders(api_key="hf_x", transport=choice, verify=False):  # type: ignore[arg-type]
        pass
    warned = [r for r in caplog.records if r.levelname == "WARNING"]
    assert any("verify=False" in r.getMessage() for r in warned)
    caplog.clear()
    async with InferenceProviders(api_key="hf_x", transport=choice):  # type: ignore[arg-type]
        pass
    assert not [r for r in caplog.records if "verify" in r.getMessage()]
