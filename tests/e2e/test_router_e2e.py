"""InferenceProviders end to end over a real transport against a local fake router."""

from __future__ import annotations

import json

import pytest

from hfclient.client import InferenceProviders
from hfclient.errors import IncompleteStreamError, MissingAuthError, ReadError, StreamServiceError
from hfclient.events import Event, ProviderInfo, ServiceError, TextDelta
from hfclient.exchange import Transport
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, drain, json_answer, stream
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

EXAMPLES = DATA / "examples"
MAPPING = (EXAMPLES / "hf-router.mapping.json").read_bytes()
STREAM = (EXAMPLES / "hf-router.stream.sse").read_bytes()
SSE = "text/event-stream; charset=utf-8"
MODEL = "meta-llama/Llama-3.3-70B-Instruct"
MAPPING_PATH = f"/api/models/{MODEL}"
CEREBRAS = "/cerebras/v1/chat/completions"
GROQ = "/groq/openai/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Weather in Paris?"}]


def client(server: HttpServer, transport: Transport, **options: object) -> InferenceProviders:
    return InferenceProviders(
        api_key="hf_e2e_secret",
        base_url=server.url,
        hub_url=server.url,
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


async def test_happy_path(https_server: HttpServer, transport: Transport) -> None:
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    completion = await client(https_server, transport).complete(MESSAGES, model="llama-3.3-70b")
    assert completion.text == "\n\nLet me check the weather in Paris."
    assert completion.finish_reason == "tool_calls"
    assert json.loads(completion.tool_calls[0].arguments) == {
        "location": "Paris, France",
        "unit": "celsius",
    }
    assert completion.usage is not None
    assert completion.usage.total_tokens == 262
    sent = fake.seen[1]
    assert sent.header("authorization") == "Bearer hf_e2e_secret"
    assert json.loads(sent.body)["stream_options"] == {"include_usage": True}


async def test_401_is_missing_auth(https_server: HttpServer, transport: Transport) -> None:
    body = b'{"error":"Invalid username or password."}'
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(body, 401)],
        }
    )
    with pytest.raises(MissingAuthError, match="HF_TOKEN") as info:
        await client(https_server, transport).complete(MESSAGES, model=MODEL)
    assert "hf_e2e_secret" not in str(info.value)
    assert "hf_e2e_secret" not in repr(info.value)


async def test_402_moves_on_to_the_next_provider(
    https_server: HttpServer, transport: Transport
) -> None:
    credits = (
        b'{"error":"You have exceeded your monthly included credits for Inference Providers."}'
    )
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [json_answer(credits, 402)],
            ("POST", GROQ): [stream(STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    events = [e async for e in client(https_server, transport).stream(MESSAGES, model=MODEL)]
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}", f"POST {GROQ}"]
    assert events[0] == ProviderInfo("groq", "qwen/qwen3-32b-fp8")


async def test_429_retry_after_then_the_same_provider(
    https_server: HttpServer, transport: Transport
) -> None:
    slow = json_answer(
        b'{"error":"Model is overloaded","error_type":"overloaded"}', 429, ("Retry-After", "1")
    )
    fake = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [slow, stream(STREAM, content_type=SSE)],
        }
    )
    https_server.handler = fake
    # The cap keeps the test fast; the protocol tests check the waiting itself.
    completion = await client(https_server, transport, retry_after_cap=0.01).complete(
        MESSAGES, model=MODEL
    )
    assert fake.paths() == [f"GET {MAPPING_PATH}", f"POST {CEREBRAS}", f"POST {CEREBRAS}"]
    assert completion.provider is not None
    assert completion.provider.provider == "cerebras"


async def test_error_inside_a_200_stream(https_server: HttpServer, transport: Transport) -> None:
    body = (EXAMPLES / "hf-router.stream-error.sse").read_bytes()
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(body, content_type=SSE)],
        }
    )
    events: list[Event] = [
        e async for e in client(https_server, transport).stream(MESSAGES, model=MODEL)
    ]
    assert isinstance(events[-1], ServiceError)
    assert events[-1].kind == "validation"


async def test_complete_raises_on_an_in_band_error(
    https_server: HttpServer, transport: Transport
) -> None:
    body = (EXAMPLES / "hf-router.stream-error.sse").read_bytes()
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(body, content_type=SSE)],
        }
    )
    with pytest.raises(StreamServiceError, match="validation"):
        await client(https_server, transport).complete(MESSAGES, model=MODEL)


async def test_truncated_stream(https_server: HttpServer, transport: Transport) -> None:
    cut = STREAM[: STREAM.index(b'"finish_reason":"tool_calls"')]
    cut = cut[: cut.rindex(b"\n\n") + 2]
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(cut, content_type=SSE)],
        }
    )
    seen, error = await drain(client(https_server, transport).stream(MESSAGES, model=MODEL))
    assert isinstance(error, IncompleteStreamError)
    assert (
        "".join(e.text for e in seen if isinstance(e, TextDelta))
        == "\n\nLet me check the weather in Paris."
    )


async def test_connection_reset_mid_stream(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = FakeService(
        {
            ("GET", MAPPING_PATH): [json_answer(MAPPING)],
            ("POST", CEREBRAS): [stream(STREAM, content_type=SSE, ending="reset")],
        }
    )
    seen, error = await drain(client(https_server, transport).stream(MESSAGES, model=MODEL))
    assert isinstance(error, ReadError)
    assert seen  # what arrived before the reset was delivered
