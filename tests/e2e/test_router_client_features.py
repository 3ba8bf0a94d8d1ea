"""InferenceProviders' catalogue, mapping, non-streaming and billing calls, end to end."""

from __future__ import annotations

import json

import pytest

from hfclient import InferenceProviders, SyncInferenceProviders
from hfclient.errors import PaymentRequiredError
from hfclient.exchange import Transport
from tests.e2e.fakes import FakeService, json_answer, stream
from tests.e2e.test_router_e2e import CEREBRAS, MAPPING, MAPPING_PATH, MESSAGES, MODEL, SSE
from tests.e2e.test_router_e2e import STREAM as ANSWER_STREAM
from tests.test_router_catalog import CATALOG
from tests.test_router_json import ANSWER
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio


def client(server: HttpServer, transport: Transport, **options: object) -> InferenceProviders:
    return InferenceProviders(
        api_key="hf_features_secret",
        base_url=server.url,
        hub_url=server.url,
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


async def test_models_lists_the_catalogue(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = FakeService(
        {("GET", "/v1/models"): [json_answer(json.dumps(CATALOG).encode())]}
    )
    first, bare = await client(https_server, transport).models()
    assert (first.id, first.context_length, first.supports_tools) == (
        "openai/gpt-oss-120b",
        131072,
        True,
    )
    assert [p.provider for p in first.providers] == ["cerebras", "novita"]
    assert bare.id == "org/bare"


async def test_provider_mapping_lists_every_entry_and_fills_the_cache(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(ANSWER_STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    router = client(https_server, transport)
    entries = await router.provider_mapping("llama-3.3-70b")  # an alias, resolved
    assert entries
    assert {entry.status for entry in entries} >= {"live"}
    await router.complete(MESSAGES, model=MODEL)
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}"]  # no second lookup


async def test_complete_without_streaming_gives_the_same_completion(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            ("POST", "/v1/chat/completions"): [
                json_answer(json.dumps(ANSWER).encode(), 200, ("X-Request-Id", "req-7"))
            ]
        }
    )
    https_server.handler = fake
    answer = await client(https_server, transport, provider="auto").complete(
        MESSAGES, model=MODEL, stream=False, bill_to="my-org"
    )
    assert (answer.text, answer.reasoning, answer.finish_reason) == (
        "Let me check.",
        "The user wants the weather.",
        "tool_calls",
    )
    assert answer.usage is not None
    assert answer.usage.total_tokens == 262
    assert answer.usage.cached_tokens == 200
    assert answer.metadata is not None
    assert answer.metadata.request_id == "req-7"
    sent = fake.seen[0]
    assert json.loads(sent.body)["stream"] is False
    assert sent.header("x-hf-bill-to") == "my-org"


async def test_a_model_suffix_pins_its_provider(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(b'{"error": "no credits"}', 402)],
        }
    )
    https_server.handler = fake
    with pytest.raises(PaymentRequiredError, match="no credits"):
        await client(https_server, transport).complete(MESSAGES, model=f"{MODEL}:cerebras")
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}"]  # no failover


def test_the_sync_client_lists_models(https_server: HttpServer, ca_pem: str) -> None:
    https_server.handler = FakeService(
        {("GET", "/v1/models"): [json_answer(json.dumps(CATALOG).encode())]}
    )
    with SyncInferenceProviders(
        api_key="hf_x", base_url=https_server.url, proxy=None, verify=ca_pem
    ) as router:
        assert [m.id for m in router.models()] == ["openai/gpt-oss-120b", "org/bare"]
