"""RouterMachine(stream=False) and response metadata: the same unified events as a stream."""

from __future__ import annotations

import json

from hfclient.errors import DecodeError, HTTPStatusError
from hfclient.events import (
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ResponseMetadata,
    TextDelta,
    ToolCall,
    Usage,
)
from tests.machine_helpers import Scripted, drive
from tests.test_protocol_router import STREAM, error, machine, mapping_ok, stream_ok

ANSWER = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1750000000,
    "model": "qwen/qwen3-32b-fp8",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "Let me check.",
                "reasoning_content": "The user wants the weather.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            "finish_reason": "tool_calls",
        }
    ],
    "usage": {
        "prompt_tokens": 214,
        "completion_tokens": 48,
        "total_tokens": 262,
        "prompt_tokens_details": {"cached_tokens": 200},
        "completion_tokens_details": {"reasoning_tokens": 20},
    },
}
JSON = (("Content-Type", "application/json"),)


def answer(document: object = ANSWER, *headers: tuple[str, str]) -> Scripted:
    return Scripted(200, (*JSON, *headers), [json.dumps(document).encode()])


def test_a_non_streaming_request_sends_stream_false_without_stream_options() -> None:
    run = drive(
        machine(stream=False, parameters={"stream_options": {"include_usage": True}}),
        [mapping_ok, answer()],
    )
    assert run.error is None
    request = run.requests[1]
    assert request.url == "https://router.huggingface.co/cerebras/v1/chat/completions"
    assert request.header("Accept") == "application/json"
    body = json.loads(request.body)
    assert body["stream"] is False
    assert "stream_options" not in body


def test_the_json_answer_gives_the_streams_events() -> None:
    run = drive(machine(stream=False), [mapping_ok, answer()])
    assert run.error is None
    assert run.events == [
        ProviderInfo("cerebras", "qwen/qwen3-32b-fp8"),
        ReasoningDelta("The user wants the weather."),
        TextDelta("Let me check."),
        ToolCall("call_1", "get_weather", '{"city": "Paris"}'),
        Usage(214, 48, 262, cached_tokens=200, reasoning_tokens=20),
        Finished("tool_calls", "Let me check."),
    ]


def test_a_json_answer_without_finish_reason_is_finished_with_stop() -> None:
    document = {"model": "m", "choices": [{"message": {"content": "hi"}}]}
    run = drive(machine(stream=False, provider="auto"), [answer(document)])
    assert run.error is None
    assert run.events[-1] == Finished("stop", "hi")
    assert json.loads(run.requests[0].body)["stream"] is False
    assert run.requests[0].url == "https://router.huggingface.co/v1/chat/completions"


def test_a_json_answer_that_does_not_fit_is_a_decode_error() -> None:
    run = drive(machine(stream=False), [mapping_ok, Scripted(200, JSON, [b"[1, 2]"])])
    assert isinstance(run.error, DecodeError)
    run = drive(machine(stream=False), [mapping_ok, Scripted(200, JSON, [b"{not json"])])
    assert isinstance(run.error, DecodeError)


def test_non_streaming_failover_works_as_streaming() -> None:
    run = drive(machine(stream=False), [mapping_ok, error(402), answer()])
    assert run.error is None
    assert run.requests[-1].url == "https://router.huggingface.co/groq/openai/v1/chat/completions"


def test_an_html_page_instead_of_the_json_answer_says_so() -> None:
    page = Scripted(200, (("Content-Type", "text/html"),), [b"<html>login</html>"])
    run = drive(machine(stream=False), [mapping_ok, page])
    assert isinstance(run.error, HTTPStatusError)
    assert "an HTML page, not the API" in str(run.error)
    run = drive(machine(), [page])  # the Hub lookup too
    assert isinstance(run.error, HTTPStatusError)
    assert "an HTML page, not the API" in str(run.error)


METADATA_HEADERS = (
    ("x-request-id", "Root=1-6745f28f-0123456789abcdef01234567"),
    ("X-RateLimit-Remaining-Requests", "99"),
    ("x-ratelimit-limit-tokens", "60000"),
    ("RateLimit-Policy", '"default";q=100;w=60'),
)


def test_request_id_and_rate_limits_come_first() -> None:
    streamed = Scripted(200, (*stream_ok.headers, *METADATA_HEADERS), [STREAM])
    for run in (
        drive(machine(), [mapping_ok, streamed]),
        drive(machine(stream=False), [mapping_ok, answer(ANSWER, *METADATA_HEADERS)]),
    ):
        assert run.error is None
        assert run.events[0] == ResponseMetadata(
            request_id="Root=1-6745f28f-0123456789abcdef01234567",
            rate_limits={
                "x-ratelimit-remaining-requests": "99",
                "x-ratelimit-limit-tokens": "60000",
                "ratelimit-policy": '"default";q=100;w=60',
            },
        )
        assert isinstance(run.events[1], ProviderInfo)


def test_no_metadata_event_without_such_headers() -> None:
    run = drive(machine(), [mapping_ok, stream_ok])
    assert not any(isinstance(e, ResponseMetadata) for e in run.events)


def test_stream_usage_carries_the_token_details() -> None:
    chunk = {
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": 3,
            "completion_tokens": 1,
            "prompt_tokens_details": {"cached_tokens": 2},
            "completion_tokens_details": None,
        },
    }
    body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
    run = drive(machine(provider="auto"), [Scripted(200, stream_ok.headers, [body])])
    assert run.error is None
    assert Usage(3, 1, 4, cached_tokens=2, reasoning_tokens=None) in run.events
