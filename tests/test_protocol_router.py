"""RouterMachine: mapping, provider order, 402/429/5xx rules, errors; sans-IO, scripted answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfclient.errors import (
    AllProvidersFailedError,
    HTTPStatusError,
    IncompleteStreamError,
    LocalProtocolError,
    MissingAuthError,
    ModelNotSupportedError,
    PaymentRequiredError,
)
from hfclient.events import Finished, ProviderInfo, ServiceError, Status, TextDelta
from hfclient.exchange import BodyChunk, ResponseStarted
from hfclient.protocol import State
from hfclient.protocol.router import RouterMachine
from tests.conftest import DATA
from tests.framing_helpers import cut
from tests.machine_helpers import Scripted, drive

MAPPING = (DATA / "examples" / "hf-router.mapping.json").read_bytes()
STREAM = (DATA / "examples" / "hf-router.stream.sse").read_bytes()
MODEL = "meta-llama/Llama-3.3-70B-Instruct"
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]
NOW = 1_750_000_000.0

mapping_ok = Scripted(200, (("Content-Type", "application/json"),), [MAPPING])
stream_ok = Scripted(200, (("Content-Type", "text/event-stream"),), [STREAM[:500], STREAM[500:]])


def error(status: int, body: bytes = b'{"error":"nope"}', *headers: tuple[str, str]) -> Scripted:
    return Scripted(status, (("Content-Type", "application/json"), *headers), [body])


def machine(**kwargs: object) -> RouterMachine:
    options: dict[str, object] = {
        "api_key": "hf_test",
        "model": MODEL,
        "messages": MESSAGES,
        "now": lambda: NOW,
    }
    options.update(kwargs)
    return RouterMachine(**options)  # type: ignore[arg-type]


def test_happy_path_uses_the_first_live_provider() -> None:
    run = drive(machine(), [mapping_ok, stream_ok])
    assert run.error is None
    mapping_request, chat_request = run.requests
    assert mapping_request.method == "GET"
    assert mapping_request.url == (
        "https://huggingface.co/api/models/meta-llama/Llama-3.3-70B-Instruct"
        "?expand%5B%5D=inferenceProviderMapping"
    )
    assert chat_request.url == "https://router.huggingface.co/cerebras/v1/chat/completions"
    assert chat_request.header("Authorization") == "Bearer hf_test"
    body = json.loads(chat_request.body)
    assert body["model"] == "llama-3.3-70b"  # the provider's id (§2.5)
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"] == MESSAGES
    assert run.events[0] == ProviderInfo("cerebras", "qwen/qwen3-32b-fp8")
    assert isinstance(run.events[-1], Finished)
    assert run.delays == [0.0, 0.0]


def test_402_moves_on_to_the_next_provider() -> None:
    run = drive(machine(), [mapping_ok, error(402), stream_ok])
    assert run.error is None
    assert run.requests[-1].url == "https://router.huggingface.co/groq/openai/v1/chat/completions"
    assert json.loads(run.requests[-1].body)["model"] == "llama-3.3-70b-versatile"
    assert run.events[0].provider == "groq"  # type: ignore[union-attr]


def test_429_waits_retry_after_then_retries_the_same_provider_once_then_moves_on() -> None:
    first = error(429, b'{"error":"slow down"}', ("Retry-After", "3"))
    second = error(429, b'{"error":"slow down"}', ("Retry-After", "3"))
    run = drive(machine(), [mapping_ok, first, second, stream_ok])
    assert run.error is None
    urls = [r.url.split("/")[3] for r in run.requests[1:]]
    assert urls == ["cerebras", "cerebras", "groq"]
    assert run.delays == [0.0, 0.0, 3.0, 0.0]


def test_retry_after_is_capped_and_may_be_an_http_date() -> None:
    later = format_datetime(datetime.fromtimestamp(NOW + 5, tz=UTC), usegmt=True)
    dated = error(429, b"{}", ("Retry-After", later))
    run = drive(machine(), [mapping_ok, dated, stream_ok])
    assert run.delays[2] == pytest.approx(5.0)
    huge = error(429, b"{}", ("Retry-After", "3600"))
    run = drive(machine(), [mapping_ok, huge, stream_ok])
    assert run.delays[2] == 10.0
    run = drive(machine(retry_after_cap=2.5), [mapping_ok, huge, stream_ok])
    assert run.delays[2] == 2.5


def test_5xx_retries_once_with_backoff_then_moves_on() -> None:
    run = drive(machine(), [mapping_ok, error(503), error(502), stream_ok])
    assert run.error is None
    assert [r.url.split("/")[3] for r in run.requests[1:]] == ["cerebras", "cerebras", "groq"]
    assert run.delays[1:] == [0.0, 1.0, 0.0]


def test_other_4xx_stops() -> None:
    run = drive(machine(), [mapping_ok, error(422, b"Failed to deserialize the JSON body")])
    assert isinstance(run.error, HTTPStatusError)
    assert run.error.status == 422
    assert run.error.provider == "cerebras"
    assert run.error.message == "Failed to deserialize the JSON body"
    assert len(run.requests) == 2


def test_401_is_missing_auth_naming_what_to_provide() -> None:
    body = b'{"error":"Invalid username or password."}'
    run = drive(machine(), [mapping_ok, error(401, body)])
    assert isinstance(run.error, MissingAuthError)
    assert "HF_TOKEN" in str(run.error)
    assert "Invalid username or password." in str(run.error)


def test_every_provider_failing_lists_each() -> None:
    live = 6  # the example maps 6 live providers (§10.1)
    answers = [mapping_ok] + [error(402, b'{"error":"no credits"}')] * live
    run = drive(machine(), answers)
    assert isinstance(run.error, AllProvidersFailedError)
    providers = [a.provider for a in run.error.attempts]
    assert providers == ["cerebras", "groq", "fireworks-ai", "together", "novita", "hf-inference"]
    assert all(a.status == 402 for a in run.error.attempts)
    assert "nebius" not in str(run.error)  # staging and error entries are never tried


def test_mapping_is_fetched_once_per_model() -> None:
    cache: dict[str, object] = {}
    drive(machine(mapping_cache=cache), [mapping_ok, stream_ok])
    run = drive(machine(mapping_cache=cache), [stream_ok])
    assert run.error is None
    assert [r.url.split("/")[3] for r in run.requests] == ["cerebras"]


def test_unknown_model_and_empty_mapping() -> None:
    run = drive(machine(), [error(404, b'{"error":"Repository not found"}')])
    assert isinstance(run.error, ModelNotSupportedError)
    empty = Scripted(200, (), [b'{"id":"x/y","inferenceProviderMapping":{}}'])
    run = drive(machine(), [empty])
    assert isinstance(run.error, ModelNotSupportedError)
    assert "no live conversational provider" in str(run.error)


def test_a_pinned_provider_is_the_only_one_tried() -> None:
    run = drive(machine(provider="together"), [mapping_ok, error(402)])
    assert isinstance(run.error, AllProvidersFailedError)
    assert [a.provider for a in run.error.attempts] == ["together"]


def test_auto_route_skips_the_mapping() -> None:
    headers = (("Content-Type", "text/event-stream"), ("x-inference-provider", "novita"))
    run = drive(machine(provider="auto", model="llama-3.3-70b"), [Scripted(200, headers, [STREAM])])
    (request,) = run.requests
    assert request.url == "https://router.huggingface.co/v1/chat/completions"
    assert json.loads(request.body)["model"] == MODEL  # the alias, resolved to the Hub id
    assert run.events[0] == ProviderInfo("novita", "qwen/qwen3-32b-fp8")


def test_auto_route_402_is_raised() -> None:
    run = drive(machine(provider="auto"), [error(402)])
    assert isinstance(run.error, PaymentRequiredError)


def test_trimming_is_off_by_default_and_reported_when_on() -> None:
    roles = ["user", "assistant"] * 4
    long = [{"role": role, "content": "x" * 200} for role in roles]
    run = drive(machine(messages=long), [mapping_ok, stream_ok])
    assert len(json.loads(run.requests[1].body)["messages"]) == 8
    run = drive(machine(messages=long, max_inputs_length=500), [mapping_ok, stream_ok])
    status = run.events[0]
    assert isinstance(status, Status)
    assert status.status == "trimmed"
    assert status.message == "messages trimmed from 1728 to 216 characters"
    assert json.loads(run.requests[1].body)["messages"] == [long[-2]]  # the last user message


def test_error_inside_a_200_stream_does_not_fall_back() -> None:
    body = (DATA / "examples" / "hf-router.stream-error.sse").read_bytes()
    run = drive(machine(), [mapping_ok, Scripted(200, (), [body])])
    assert run.error is None
    assert isinstance(run.events[-1], ServiceError)
    assert len(run.requests) == 2


def test_truncated_stream_raises_after_the_events() -> None:
    cut = STREAM[: STREAM.index(b'"content":" the weather in Paris."')]
    cut = cut[: cut.rindex(b"\n\n") + 2]
    run = drive(machine(), [mapping_ok, Scripted(200, (), [cut])])
    assert isinstance(run.error, IncompleteStreamError)
    assert any(isinstance(e, TextDelta) for e in run.events)


def test_missing_token_fails_before_any_request() -> None:
    with pytest.raises(MissingAuthError, match="HF_TOKEN"):
        machine(api_key=None)


def test_illegal_inputs_raise_and_poison_the_machine() -> None:
    m = machine()
    with pytest.raises(
        LocalProtocolError, match="can't handle BODY_CHUNK in state READY of get_provider_mapping"
    ):
        m.receive(BodyChunk(b"x"))
    assert m.state is State.ERROR
    with pytest.raises(LocalProtocolError):
        m.next_request()
    m = machine()
    m.next_request()
    with pytest.raises(LocalProtocolError, match="can't handle SEND_REQUEST in state WAITING"):
        m.next_request()
    m = machine()
    m.next_request()
    m.receive(ResponseStarted(200))
    with pytest.raises(LocalProtocolError, match="RESPONSE_STARTED in state READING"):
        m.receive(ResponseStarted(200))


def test_credentials_stay_out_of_requests_reprs() -> None:
    run = drive(machine(api_key="hf_supersecret"), [mapping_ok, stream_ok])
    assert all("hf_supersecret" not in repr(r) for r in run.requests)


@given(
    mapping_cuts=st.lists(st.integers(0, len(MAPPING)), max_size=8),
    stream_cuts=st.lists(st.integers(0, len(STREAM)), max_size=20),
)
def test_same_events_however_the_bodies_are_cut(
    mapping_cuts: list[int], stream_cuts: list[int]
) -> None:
    whole = drive(machine(), [mapping_ok, stream_ok])
    mapping = Scripted(200, (), cut(MAPPING, mapping_cuts))
    answer = Scripted(200, (), cut(STREAM, stream_cuts))
    run = drive(machine(), [mapping, answer])
    assert run.error is None
    assert run.events == whole.events
    assert [r.url for r in run.requests] == [r.url for r in whole.requests]
