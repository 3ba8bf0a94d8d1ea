"""RouterMachine features: model suffixes, explicit providers, Hub redirects, bill_to."""

from __future__ import annotations

import json
import logging

import pytest

from hfclient.errors import HTTPStatusError
from hfclient.events import Finished, ProviderInfo
from hfclient.protocol.router import split_model
from tests.machine_helpers import Scripted, drive
from tests.test_protocol_router import MODEL, error, machine, mapping_ok, stream_ok


@pytest.mark.parametrize(
    ("model", "split"),
    [
        (MODEL, (MODEL, None, None)),
        (f"{MODEL}:groq", (MODEL, "groq", None)),
        (f"{MODEL}:fastest", (MODEL, None, "fastest")),
        (f"{MODEL}:cheapest", (MODEL, None, "cheapest")),
        (f"{MODEL}:preferred", (MODEL, None, "preferred")),
        ("llama-3.3-70b:novita", (MODEL, "novita", None)),  # the alias resolved
        ("odd:", ("odd:", None, None)),
    ],
)
def test_split_model(model: str, split: tuple[str, str | None, str | None]) -> None:
    assert split_model(model) == split


def test_a_provider_suffix_pins_that_provider() -> None:
    run = drive(machine(model=f"{MODEL}:groq"), [mapping_ok, stream_ok])
    assert run.error is None
    assert run.requests[0].url.startswith(f"https://huggingface.co/api/models/{MODEL}?")
    assert run.requests[1].url == "https://router.huggingface.co/groq/openai/v1/chat/completions"
    assert json.loads(run.requests[1].body)["model"] == "llama-3.3-70b-versatile"


def test_a_provider_suffix_conflicting_with_provider_is_refused() -> None:
    with pytest.raises(ValueError, match="names provider 'groq'"):
        machine(model=f"{MODEL}:groq", provider="novita")


def test_a_policy_suffix_with_a_named_provider_is_refused() -> None:
    with pytest.raises(ValueError, match="asks the auto route"):
        machine(model=f"{MODEL}:cheapest", provider="novita")


@pytest.mark.parametrize("policy", ["fastest", "cheapest", "preferred"])
def test_a_policy_suffix_goes_to_the_auto_route_as_written(policy: str) -> None:
    run = drive(machine(model=f"llama-3.3-70b:{policy}"), [stream_ok])
    assert run.error is None
    (request,) = run.requests
    assert request.url == "https://router.huggingface.co/v1/chat/completions"
    assert json.loads(request.body)["model"] == f"{MODEL}:{policy}"


def test_the_auto_route_keeps_a_provider_suffix() -> None:
    run = drive(machine(model=f"{MODEL}:groq", provider="auto"), [stream_ok])
    assert json.loads(run.requests[0].body)["model"] == f"{MODEL}:groq"
    assert run.events[0] == ProviderInfo("groq", "qwen/qwen3-32b-fp8")  # no header: as asked


@pytest.mark.parametrize(("provider", "status"), [("nebius", "staging"), ("sambanova", "error")])
def test_a_named_provider_not_live_is_used_with_a_warning(
    provider: str, status: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hfclient")
    run = drive(machine(provider=provider), [mapping_ok, stream_ok])
    assert run.error is None
    assert run.requests[1].url.startswith(f"https://router.huggingface.co/{provider}/")
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert f"provider {provider} serves {MODEL} with mapping status '{status}'" in (
        record.getMessage()
    )


def test_without_a_provider_only_live_ones_are_tried() -> None:
    run = drive(machine(max_retries=0), [mapping_ok] + [error(402)] * 6)
    assert run.error is not None
    assert "nebius" not in str(run.error)
    assert "sambanova" not in str(run.error)


def moved(location: str, status: int = 307) -> Scripted:
    return Scripted(status, (("Location", location), ("Content-Type", "text/plain")), [b"moved"])


def test_the_hub_lookup_follows_a_same_host_redirect() -> None:
    new = "/api/models/meta-llama/Llama-3.3-70B-Instruct-v2?expand%5B%5D=inferenceProviderMapping"
    run = drive(machine(), [moved(new), mapping_ok, stream_ok])
    assert run.error is None
    _, second, _ = run.requests
    assert second.url == f"https://huggingface.co{new}"
    assert second.header("Authorization") == "Bearer hf_test"
    assert isinstance(run.events[-1], Finished)


def test_the_hub_lookup_follows_absolute_same_host_redirects_a_few_hops_at_most() -> None:
    hop = "https://huggingface.co/api/models/a/b"
    run = drive(machine(), [moved(hop, 301)] * 4)
    assert isinstance(run.error, HTTPStatusError)
    assert len(run.requests) == 4  # the first request and 3 hops
    assert f"redirected to {hop}" in str(run.error)


def test_the_hub_lookup_refuses_a_redirect_to_another_host() -> None:
    run = drive(machine(), [moved("https://evil.example/api/models/x")])
    assert isinstance(run.error, HTTPStatusError)
    assert "another host, evil.example" in str(run.error)
    assert len(run.requests) == 1  # the token never went there
    assert "hf_test" not in str(run.error)


def test_bill_to_sends_the_header_on_chat_requests_only() -> None:
    run = drive(machine(bill_to="my-org"), [mapping_ok, stream_ok])
    mapping_request, chat_request = run.requests
    assert chat_request.header("X-HF-Bill-To") == "my-org"
    assert mapping_request.header("X-HF-Bill-To") is None
    run = drive(machine(provider="auto", bill_to="my-org"), [stream_ok])
    assert run.requests[0].header("X-HF-Bill-To") == "my-org"
    run = drive(machine(), [mapping_ok, stream_ok])
    assert run.requests[1].header("X-HF-Bill-To") is None
