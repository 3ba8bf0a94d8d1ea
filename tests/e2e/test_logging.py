"""The ``hfclient`` loggers: a line per request and response at DEBUG, never a secret."""

from __future__ import annotations

import logging

import pytest

from hfclient.client import Hailuo, InferenceProviders
from hfclient.exchange import Transport
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, stream
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

EXAMPLES = DATA / "examples"
SECRETS = ("hf_planted_token_7f3a", "planted-hailuo-token", "99887766554433", "uuid-planted-42")


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


async def test_debug_lines_name_each_exchange_without_its_secrets(
    https_server: HttpServer, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    https_server.handler = FakeService(
        {
            ("POST", "/v1/chat/completions"): [
                stream(
                    (EXAMPLES / "hf-router.stream.sse").read_bytes(),
                    content_type="text/event-stream",
                )
            ],
            ("POST", "/v4/api/chat/msg"): [
                stream(
                    (EXAMPLES / "hailuo.stream.sse").read_bytes(), content_type="text/event-stream"
                )
            ],
        }
    )
    caplog.set_level(logging.DEBUG, logger="hfclient")
    router = InferenceProviders(
        api_key=SECRETS[0],
        provider="auto",
        base_url=https_server.url,
        hub_url=https_server.url,
        headers={"X-Api-Key": SECRETS[0]},
        transport=transport,
    )
    await router.complete([{"role": "user", "content": "hi"}], model="org/model")
    hailuo = Hailuo(
        token=SECRETS[1],
        device_id=SECRETS[2],
        uuid=SECRETS[3],
        base_url=https_server.url,
        transport=transport,
    )
    await hailuo.complete([{"role": "user", "content": "hi"}])
    logged = _logged(caplog)
    assert f"POST {https_server.url}/v1/chat/completions: HTTP 200" in logged
    assert f"POST {https_server.url}/v4/api/chat/msg?" in logged
    assert "body of" in logged
    for secret in SECRETS:
        assert secret not in logged
    assert all(record.name.startswith("hfclient.") for record in caplog.records)


async def test_the_provider_is_named_and_a_failover_is_logged_at_info(
    https_server: HttpServer, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.e2e.fakes import json_answer
    from tests.e2e.test_router_e2e import CEREBRAS, GROQ, MAPPING, MAPPING_PATH, MODEL

    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(b'{"error": "no credits"}', 402)],
            ("POST", GROQ): [
                stream(
                    (EXAMPLES / "hf-router.stream.sse").read_bytes(),
                    content_type="text/event-stream",
                )
            ],
        }
    )
    caplog.set_level(logging.DEBUG, logger="hfclient")
    router = InferenceProviders(
        api_key=SECRETS[0], base_url=https_server.url, hub_url=https_server.url, transport=transport
    )
    await router.complete([{"role": "user", "content": "hi"}], model=MODEL)
    logged = _logged(caplog)
    assert f"POST {https_server.url}{CEREBRAS} (cerebras): HTTP 402" in logged
    infos = [r for r in caplog.records if r.levelno == logging.INFO]
    assert any("cerebras" in r.getMessage() and "groq" in r.getMessage() for r in infos)
    assert SECRETS[0] not in logged
