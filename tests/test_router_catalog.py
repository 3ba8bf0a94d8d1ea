"""The router's catalogue and the Hub provider mapping as sans-IO machines with one typed result."""

from __future__ import annotations

import json

import pytest

from hfclient.errors import HTTPStatusError, LocalProtocolError, MissingAuthError
from hfclient.events import Result
from hfclient.info import ModelInfo, ModelPricing, ModelProvider
from hfclient.protocol.router_catalog import (
    ProviderMappingEntry,
    ProviderMappingMachine,
    RouterCatalogMachine,
)
from tests.machine_helpers import Scripted, drive
from tests.test_protocol_router import MAPPING, MODEL, error, machine, mapping_ok, stream_ok

JSON = (("Content-Type", "application/json"),)
CATALOG = {
    "object": "list",
    "data": [
        {
            "id": "openai/gpt-oss-120b",
            "object": "model",
            "created": 1754000000,
            "owned_by": "openai",
            "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
            "providers": [
                {
                    "provider": "cerebras",
                    "status": "live",
                    "context_length": 131072,
                    "pricing": {"input": 0.25, "output": 0.69},
                    "supports_tools": True,
                    "supports_structured_output": False,
                    "first_token_latency_ms": 180,
                    "throughput": 2400.5,
                    "is_model_author": False,
                    "quantization": "fp8",
                },
                {"provider": "novita", "status": "error"},
            ],
        },
        {"id": "org/bare", "providers": None, "new_field": 1},
    ],
}


def test_the_catalogue_is_typed_and_keeps_unknown_fields() -> None:
    m = RouterCatalogMachine(api_key="hf_test")
    run = drive(m, [Scripted(200, JSON, [json.dumps(CATALOG).encode()])])
    assert run.error is None
    (request,) = run.requests
    assert request.method == "GET"
    assert request.url == "https://router.huggingface.co/v1/models"
    assert request.header("Authorization") == "Bearer hf_test"
    (event,) = run.events  # the convention: one Result, the machine's result
    assert isinstance(event, Result)
    assert event.value is m.result
    first, bare = m.result
    assert first == ModelInfo(
        service="router",
        id="openai/gpt-oss-120b",
        owned_by="openai",
        created=1754000000,
        providers=(
            ModelProvider(
                provider="cerebras",
                status="live",
                context_length=131072,
                supports_tools=True,
                supports_structured_output=False,
                pricing=ModelPricing(input=0.25, output=0.69),
            ),
            ModelProvider(provider="novita", status="error"),
        ),
        context_length=131072,
        supports_tools=True,
    )
    assert first.context_length == 131072
    assert first.supports_tools is True
    assert first.providers[0].extra == {
        "first_token_latency_ms": 180,
        "throughput": 2400.5,
        "is_model_author": False,
        "quantization": "fp8",
    }
    assert first.extra["architecture"]["input_modalities"] == ["text"]
    assert bare == ModelInfo(service="router", id="org/bare")
    assert bare.extra == {"new_field": 1}
    assert bare.context_length is None
    assert bare.supports_tools is None  # no provider said


def test_the_result_is_not_there_before_the_answer() -> None:
    with pytest.raises(LocalProtocolError, match="no result yet"):
        _ = RouterCatalogMachine(api_key="hf_test").result


def test_the_catalogue_is_public() -> None:
    run = drive(RouterCatalogMachine(), [Scripted(200, JSON, [b'{"data": []}'])])
    assert run.error is None
    assert run.requests[0].header("Authorization") is None
    assert run.events == [Result([])]


def test_catalogue_errors() -> None:
    run = drive(RouterCatalogMachine(api_key="hf_test"), [error(401)])
    assert isinstance(run.error, MissingAuthError)
    page = Scripted(200, (("Content-Type", "text/html"),), [b"<html></html>"])
    run = drive(RouterCatalogMachine(api_key="hf_test"), [page])
    assert isinstance(run.error, HTTPStatusError)
    assert "an HTML page, not the API" in str(run.error)
    run = drive(RouterCatalogMachine(api_key="hf_test"), [Scripted(200, JSON, [b"[]"])])
    assert run.error is not None
    assert "not a JSON object" in str(run.error)


def test_the_provider_mapping_lists_every_entry_typed() -> None:
    m = ProviderMappingMachine(api_key="hf_test", model=MODEL)
    run = drive(m, [mapping_ok])
    assert run.error is None
    assert run.events == [Result(m.result)]
    assert [e.provider for e in m.result][:2] == ["cerebras", "groq"]
    statuses = {e.provider: e.status for e in m.result}
    assert statuses["nebius"] == "staging"
    assert statuses["sambanova"] == "error"
    assert m.result[0] == ProviderMappingEntry(
        provider="cerebras", provider_id="llama-3.3-70b", status="live", task="conversational"
    )
    assert m.result[0].extra == {"isModelAuthor": False}


def test_the_provider_mapping_fills_the_chat_flows_cache() -> None:
    cache: dict[str, object] = {}
    drive(ProviderMappingMachine(api_key="hf_test", model=MODEL, mapping_cache=cache), [mapping_ok])  # type: ignore[arg-type]
    run = drive(machine(mapping_cache=cache), [stream_ok])
    assert run.error is None
    assert len(run.requests) == 1  # no second lookup


def test_the_provider_mapping_follows_same_host_redirects_only() -> None:
    moved = Scripted(307, (("Location", "/api/models/new/name"),), [b"moved"])
    m = ProviderMappingMachine(api_key="hf_test", model=MODEL)
    run = drive(m, [moved, Scripted(200, JSON, [MAPPING])])
    assert run.error is None
    assert run.requests[1].url == "https://huggingface.co/api/models/new/name"
    away = Scripted(302, (("Location", "https://other.example/x"),), [b""])
    run = drive(ProviderMappingMachine(api_key="hf_test", model=MODEL), [away])
    assert isinstance(run.error, HTTPStatusError)
    assert "another host, other.example" in str(run.error)
    run = drive(ProviderMappingMachine(api_key="hf_test", model=MODEL), [error(404)])
    assert run.error is not None
    assert type(run.error).__name__ == "ModelNotSupportedError"


def test_a_json_answer_past_the_limit_inside_one_chunk_is_an_error_not_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import hfclient.protocol._machine as machine_module

    monkeypatch.setattr(machine_module, "JSON_BODY_LIMIT", 16)
    body = json.dumps(CATALOG).encode()  # far more than 16 bytes, in one chunk
    run = drive(RouterCatalogMachine(api_key="hf_test"), [Scripted(200, JSON, [body])])
    assert run.error is not None
    assert "larger than 16 bytes" in str(run.error)
