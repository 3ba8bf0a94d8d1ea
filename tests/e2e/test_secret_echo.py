"""A server that echoes the request in its error body never puts a credential in our errors."""

from __future__ import annotations

import pytest

from hfclient.client import Hailuo, InferenceProviders
from hfclient.errors import AllProvidersFailedError, HTTPStatusError, MissingAuthError
from hfclient.exchange import Transport
from tests.e2e.fakes import FakeService, json_answer
from tests.e2e.test_router_e2e import CEREBRAS, GROQ, MAPPING, MAPPING_PATH, MESSAGES, MODEL
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

TOKEN = "hf_" + "EchoedBackToken" * 2
DEVICE, UUID = "88776655443322110", "uuid-echoed-0123"


def everything(error: BaseException) -> str:
    shown = [str(error), repr(error), *map(str, error.args)]
    if isinstance(error, HTTPStatusError):
        shown += [error.message, error.body.decode("utf-8", "replace")]
    if isinstance(error, AllProvidersFailedError):
        shown += [a.message for a in error.attempts]
    return "\n".join(shown)


async def test_a_401_echoing_the_token(https_server: HttpServer, transport: Transport) -> None:
    echo = f'{{"error": "Invalid credentials in Authorization header: Bearer {TOKEN}"}}'
    https_server.handler = FakeService(
        {("POST", "/v1/chat/completions"): [json_answer(echo.encode(), 401)]}
    )
    client = InferenceProviders(
        api_key=TOKEN, provider="auto", base_url=https_server.url, transport=transport
    )
    with pytest.raises(MissingAuthError) as caught:
        await client.complete(MESSAGES, model=MODEL)
    shown = everything(caught.value)
    assert TOKEN not in shown
    assert "<redacted>" in shown  # what the server said is kept, its echo is not


async def test_every_provider_echoing_the_token(
    https_server: HttpServer, transport: Transport
) -> None:
    echo = f'{{"error": "upstream saw token {TOKEN}"}}'.encode()
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(echo, 402)],
            ("POST", GROQ): [json_answer(echo, 402)],
        }
    )
    client = InferenceProviders(
        api_key=TOKEN, base_url=https_server.url, hub_url=https_server.url, transport=transport
    )
    with pytest.raises(AllProvidersFailedError) as caught:
        await client.complete(MESSAGES, model=MODEL)
    assert TOKEN not in everything(caught.value)


async def test_hailuo_echoing_its_device_ids(
    https_server: HttpServer, transport: Transport
) -> None:
    echo = f'{{"statusInfo": {{"code": 1004, "message": "bad device {DEVICE} / {UUID}"}}}}'
    https_server.handler = FakeService(
        {("POST", "/v4/api/chat/msg"): [json_answer(echo.encode(), 400)]}
    )
    client = Hailuo(
        token="hailuo-token-echo",
        device_id=DEVICE,
        uuid=UUID,
        base_url=https_server.url,
        transport=transport,
    )
    with pytest.raises(HTTPStatusError) as caught:
        await client.complete(MESSAGES)
    shown = everything(caught.value)
    assert DEVICE not in shown
    assert UUID not in shown
