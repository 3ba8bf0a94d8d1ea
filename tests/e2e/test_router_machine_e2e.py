"""RouterMachine through hfclient.driver.drive and a real transport, against a fake router."""

from __future__ import annotations

import json
import ssl
from dataclasses import replace

import pytest

from hfclient.driver import drive
from hfclient.errors import AllProvidersFailedError, RateLimitError
from hfclient.events import Event, Finished, ProviderInfo, ResponseMetadata, Result, Usage
from hfclient.protocol.router import RouterMachine
from hfclient.protocol.router_catalog import ProviderMappingMachine, RouterCatalogMachine
from hfclient.transport.anyio_h11 import AnyioH11Transport
from tests.e2e.fakes import FakeService, drain, json_answer, stream
from tests.e2e.test_router_e2e import CEREBRAS, GROQ, MAPPING, MAPPING_PATH, MESSAGES, MODEL, SSE
from tests.e2e.test_router_e2e import STREAM as ANSWER
from tests.test_router_catalog import CATALOG
from tests.test_router_json import ANSWER as JSON_ANSWER
from tests.transport.servers import HttpServer, Response

pytestmark = pytest.mark.anyio


def router(server: HttpServer, **options: object) -> RouterMachine:
    options = {"model": MODEL, **options}
    return RouterMachine(
        api_key="hf_e2e_secret",
        messages=MESSAGES,
        base_url=server.url,
        hub_url=server.url,
        server_error_backoff=0.0,
        **options,  # type: ignore[arg-type]
    )


async def run(
    machine: RouterMachine, context: ssl.SSLContext
) -> tuple[list[Event], Exception | None]:
    transport = AnyioH11Transport(verify=context, proxy=None)
    try:
        return await drain(drive(machine, transport))
    finally:
        await transport.aclose()


async def test_a_connection_closed_before_any_byte_is_retried(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    fake = FakeService(
        {
            # No keep-alive: the failing POST is on a new connection (a reused one
            # the transport itself would retry once).
            ("GET", MAPPING_PATH): [replace(json_answer(MAPPING), keep_alive=False)],
            ("POST", CEREBRAS): [
                Response(raw=b""),
                stream(ANSWER, content_type=SSE),
            ],
        }
    )
    https_server.handler = fake
    events, error = await run(router(https_server), client_ssl_context)
    assert error is None
    assert events[0] == ProviderInfo("cerebras", "qwen/qwen3-32b-fp8")
    assert isinstance(events[-1], Finished)
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}", f"POST {CEREBRAS}"]


async def test_every_provider_rate_limited_is_caught_as_rate_limit(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    limited = json_answer(b'{"error":"slow down"}', 429, ("Retry-After", "0"))
    mapping = (
        b'{"id":"%s","inferenceProviderMapping":{'
        b'"cerebras":{"status":"live","providerId":"a","task":"conversational"},'
        b'"groq":{"status":"live","providerId":"b","task":"conversational"}}}' % MODEL.encode()
    )
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(mapping)],
            ("POST", CEREBRAS): [limited, limited],
            ("POST", GROQ): [limited, limited],
        }
    )
    events, error = await run(router(https_server), client_ssl_context)
    assert events == []
    assert isinstance(error, RateLimitError)
    assert isinstance(error, AllProvidersFailedError)
    assert error.retry_after == 0.0
    assert "hf_e2e_secret" not in str(error) + repr(error)


async def test_a_renamed_repo_redirect_is_followed_and_bill_to_sent(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    renamed = "/api/models/meta-llama/Renamed?expand%5B%5D=inferenceProviderMapping"
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [
                Response(
                    status=307,
                    headers=[("Location", renamed), ("Content-Type", "text/plain")],
                    body=[b"Temporary Redirect. Redirecting to " + renamed.encode()],
                )
            ],
            ("GET", "/api/models/meta-llama/Renamed"): [json_answer(MAPPING)],
            ("POST", GROQ): [stream(ANSWER, content_type=SSE)],
        }
    )
    https_server.handler = fake
    machine = router(https_server, model=f"{MODEL}:groq", bill_to="my-org")
    events, error = await run(machine, client_ssl_context)
    assert error is None
    assert isinstance(events[-1], Finished)
    assert fake.paths()[1] == "GET /api/models/meta-llama/Renamed"
    assert fake.seen[1].header("authorization") == "Bearer hf_e2e_secret"
    assert fake.seen[2].header("x-hf-bill-to") == "my-org"


async def test_a_non_streaming_answer_gives_the_same_events_with_metadata(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    body = json.dumps(JSON_ANSWER).encode()
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [
                json_answer(body, 200, ("x-request-id", "req-1"), ("x-ratelimit-remaining", "5"))
            ],
        }
    )
    events, error = await run(router(https_server, stream=False), client_ssl_context)
    assert error is None
    assert events[0] == ResponseMetadata("req-1", {"x-ratelimit-remaining": "5"})
    assert events[1] == ProviderInfo("cerebras", "qwen/qwen3-32b-fp8")
    assert Usage(214, 48, 262, cached_tokens=200, reasoning_tokens=20) in events
    assert events[-1] == Finished("tool_calls", "Let me check.")


async def test_the_catalogue_and_the_mapping_through_a_real_transport(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    https_server.handler = FakeService(
        {
            ("GET", "/v1/models"): [json_answer(json.dumps(CATALOG).encode())],
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
        }
    )
    transport = AnyioH11Transport(verify=client_ssl_context, proxy=None)
    try:
        catalog = RouterCatalogMachine(api_key="hf_e2e_secret", base_url=https_server.url)
        events, error = await drain(drive(catalog, transport))
        assert error is None
        assert [m.id for m in catalog.result] == ["openai/gpt-oss-120b", "org/bare"]
        mapping = ProviderMappingMachine(
            api_key="hf_e2e_secret", model=MODEL, hub_url=https_server.url
        )
        events, error = await drain(drive(mapping, transport))
        assert error is None
        assert events == [Result(mapping.result)]
        assert mapping.result[0].provider == "cerebras"
    finally:
        await transport.aclose()
