"""What providers really send, beyond the spec: nothing beside an odd field is lost.

Each body is decoded whole, byte by byte and at hypothesis cuts, with the
same unified events; the assertions say what a user must still get.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfclient import decode_stream
from hfclient.decoding import Service
from hfclient.events import (
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ServiceError,
    Status,
    TextDelta,
    Title,
    ToolCall,
    Unknown,
    Usage,
)
from tests.framing_helpers import bytewise, cut


def sse(*objects: object, done: bool = True) -> bytes:
    body = b"".join(b"data: " + json.dumps(o).encode() + b"\n\n" for o in objects)
    return body + (b"data: [DONE]\n\n" if done else b"")


def chunk(delta: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    choice: dict[str, Any] = {"index": 0, "delta": delta or {}}
    choice.update(extra.pop("choice", {}))
    return {"object": "chat.completion.chunk", "model": "m", "choices": [choice], **extra}


def ndjson(*objects: object) -> bytes:
    return b"".join(json.dumps(o).encode() + b"\n" for o in objects)


def hailuo(*events: tuple[str, object]) -> bytes:
    return b"".join(f"event:{name}\ndata:{json.dumps(data)}\n\n".encode() for name, data in events)


def decoded(service: Service, body: bytes) -> list[Event]:
    whole = list(decode_stream(service, [body]))
    assert list(decode_stream(service, bytewise(body))) == whole
    return whole


def text(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


# The router (OpenAI-compatible providers).


def test_content_as_a_list_of_text_parts() -> None:
    parts = [{"type": "text", "text": "Hel"}, {"type": "image_url"}, {"type": "text", "text": "lo"}]
    events = decoded(
        "router", sse(chunk({"content": parts}), chunk(choice={"finish_reason": "stop"}))
    )
    assert text(events) == "Hello"
    assert events[-1] == Finished("stop", None)


def test_usage_without_total_tokens_is_summed() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 4}
    body = sse(chunk({"content": "hi"}), chunk(choice={"finish_reason": "stop"}, usage=usage))
    events = decoded("router", body)
    assert Usage(3, 4, 7) in events
    assert text(events) == "hi"


def test_tool_call_fragments_without_index() -> None:
    def fragment(**f: Any) -> dict[str, Any]:
        return {"tool_calls": [f]}

    body = sse(
        chunk(fragment(id="a", function={"name": "f", "arguments": '{"x"'})),
        chunk(fragment(function={"arguments": ": 1}"})),
        chunk(fragment(id="b", function={"name": "g", "arguments": "{}"})),
        chunk(choice={"finish_reason": "tool_calls"}),
    )
    calls = [e for e in decoded("router", body) if isinstance(e, ToolCall)]
    assert calls == [ToolCall("a", "f", '{"x": 1}'), ToolCall("b", "g", "{}")]


def test_tool_call_fragments_with_index_keep_index_order() -> None:
    def fragment(i: int, **f: Any) -> dict[str, Any]:
        return {"tool_calls": [{"index": i, **f}]}

    body = sse(
        chunk(fragment(1, id="b", function={"name": "g", "arguments": "{"})),
        chunk(fragment(0, id="a", function={"name": "f", "arguments": "{}"})),
        chunk(fragment(1, function={"arguments": "}"})),
        chunk(choice={"finish_reason": "tool_calls"}),
    )
    calls = [e for e in decoded("router", body) if isinstance(e, ToolCall)]
    assert calls == [ToolCall("a", "f", "{}"), ToolCall("b", "g", "{}")]


@pytest.mark.parametrize(
    "fields",
    [
        {"reasoning_text": "think"},
        {"reasoning_content": "think", "reasoning": "think"},
        {"reasoning": "think", "reasoning_text": "think"},
    ],
)
def test_reasoning_under_any_name_is_given_once(fields: dict[str, str]) -> None:
    events = decoded("router", sse(chunk(fields), chunk(choice={"finish_reason": "stop"})))
    assert [e for e in events if isinstance(e, ReasoningDelta)] == [ReasoningDelta("think")]


def test_a_finish_reason_the_spec_does_not_list_is_given_as_sent() -> None:
    events = decoded("router", sse(chunk({"content": "x"}, choice={"finish_reason": "eos"})))
    assert events[-1] == Finished("eos", None)


def test_a_choice_without_index_is_the_first() -> None:
    body = sse({"model": "m", "choices": [{"delta": {"content": "x"}, "finish_reason": "stop"}]})
    assert text(decoded("router", body)) == "x"


@pytest.mark.parametrize(
    ("odd", "field"),
    [
        ({"role": 7}, "role"),  # a number where a string was expected
        ({"tool_calls": {"index": 0}}, "tool_calls"),  # an object where a list was expected
        ({"content": {"text": "?"}}, "content"),  # content in a shape nobody sends yet
    ],
)
def test_an_odd_optional_field_costs_nothing_beside_it(odd: dict[str, Any], field: str) -> None:
    body = sse(chunk({"content": "kept", **odd}), chunk(choice={"finish_reason": "length"}))
    events = decoded("router", body)
    assert not any(isinstance(e, Unknown) for e in events)
    if field != "content":
        assert text(events) == "kept"
    assert events[-1].reason == "length"  # type: ignore[attr-defined]


def test_usage_of_an_odd_shape_keeps_the_chunk_text() -> None:
    body = sse(
        chunk({"content": "t"}, usage={"prompt_tokens": "3"}, choice={"finish_reason": "stop"})
    )
    events = decoded("router", body)
    assert text(events) == "t"
    assert not any(isinstance(e, Usage) for e in events)
    assert events[-1] == Finished("stop", None)


def test_a_chunk_whose_choices_do_not_fit_is_salvaged() -> None:
    # choices holds a non-object: the record cannot be made, the text still comes.
    odd = {"model": "m", "choices": [7, {"index": 0, "delta": {"content": "saved"}}]}
    events = decoded("router", sse(odd, chunk(choice={"finish_reason": "stop"})))
    unknown = [e for e in events if isinstance(e, Unknown)]
    assert len(unknown) == 1
    assert unknown[0].reason is not None
    assert text(events) == "saved"
    assert ProviderInfo(None, "m") in events


def test_a_chunk_whose_finish_reason_is_salvaged_completes_the_stream() -> None:
    odd = {"model": "m", "choices": [None, {"delta": {}, "finish_reason": "stop"}]}
    events = decoded("router", sse(chunk({"content": "a"}), odd, done=False))
    assert events[-1] == Finished("stop", None)


def test_a_usage_chunk_with_null_choices_keeps_its_usage() -> None:
    # Some providers send the usage-only last chunk with "choices": null.
    last = {"model": "m", "choices": None, "usage": {"prompt_tokens": 1, "completion_tokens": 2}}
    body = sse(chunk({"content": "a"}, choice={"finish_reason": "stop"}), last)
    events = decoded("router", body)
    assert [type(e) for e in events[-3:]] == [Unknown, Usage, Finished]
    assert events[-2] == Usage(1, 2, 3)


def test_a_null_delta_is_no_delta() -> None:
    body = sse(
        chunk(), {"model": "m", "choices": [{"index": 0, "delta": None, "finish_reason": "stop"}]}
    )
    events = decoded("router", body)
    assert events[-1] == Finished("stop", None)
    assert not any(isinstance(e, Unknown) for e in events)


# HuggingChat.


def test_a_final_answer_that_does_not_fit_still_ends_the_stream() -> None:
    body = ndjson(
        {"type": "stream", "token": "Hi"},
        {"type": "finalAnswer", "text": None, "interrupted": False},
    )
    events = decoded("huggingchat", body)
    assert isinstance(events[1], Unknown)
    assert events[-1] == Finished("stop", "Hi")


def test_an_error_status_with_an_odd_code_is_still_an_error() -> None:
    body = ndjson(
        {"type": "status", "status": "error", "message": "Model is overloaded", "statusCode": "503"}
    )
    events = decoded("huggingchat", body)
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ServiceError)
    assert error.kind == "overloaded"


def test_an_odd_title_field_is_salvaged_beside_an_unknown() -> None:
    body = ndjson({"type": "title", "title": 5}, {"type": "finalAnswer", "text": ""})
    events = decoded("huggingchat", body)
    assert isinstance(events[0], Unknown)
    assert events[0].reason == "field 'title': expected str, got int"
    assert not any(isinstance(e, Title) for e in events)


def test_a_status_with_an_odd_message_keeps_the_status() -> None:
    body = ndjson(
        {"type": "status", "status": "started", "message": 1}, {"type": "finalAnswer", "text": ""}
    )
    assert decoded("huggingchat", body)[0] == Status("started", None)


# Hailuo: the data's type decides, whatever the SSE event name.


def _message(content: str, is_end: int = 1) -> dict[str, Any]:
    result = {"content": content, "isEnd": is_end, "chatID": "1", "msgID": "2"}
    return {
        "type": 2,
        "statusInfo": {"code": 0, "message": "Success"},
        "data": {"messageResult": result},
    }


def test_a_heartbeat_under_any_name_is_dropped() -> None:
    body = hailuo(
        ("message_result", _message("Hi")),
        ("heart", {"type": 3}),
        ("ping", {"type": 3, "statusInfo": {"code": 1}}),  # exempt from the status check
        ("message_result", _message("Hi!", is_end=0)),
    )
    events = decoded("hailuo", body)
    assert events == [TextDelta("Hi"), TextDelta("!"), Finished("stop", "Hi!")]


def test_an_end_under_another_name_ends_the_stream() -> None:
    body = hailuo(("message_result", _message("Hi")), ("finish", {"type": 8}))
    assert decoded("hailuo", body) == [TextDelta("Hi"), Finished("stop", "Hi")]


def test_an_error_under_an_unknown_name_is_still_an_error() -> None:
    body = hailuo(("oops", {"type": 9, "statusInfo": {"code": 7, "message": "rate limit hit"}}))
    events = decoded("hailuo", body)
    assert [type(e) for e in events] == [Unknown, ServiceError]
    assert events[1].kind == "rate_limit"  # type: ignore[attr-defined]


# Every body above, cut anywhere, decodes the same.

BODIES: list[tuple[Service, bytes]] = [
    (
        "router",
        sse(
            chunk(
                {"content": [{"type": "text", "text": "ab"}]},
                usage={"prompt_tokens": 1, "completion_tokens": 2},
                choice={"finish_reason": "stop"},
            )
        ),
    ),
    (
        "router",
        sse({"model": "m", "choices": [1, {"delta": {"content": "s"}, "finish_reason": "x"}]}),
    ),
    ("huggingchat", ndjson({"type": "title", "title": 5}, {"type": "finalAnswer", "text": 1})),
    ("hailuo", hailuo(("heart", {"type": 3}), ("message_result", _message("a", 0)))),
]


@given(st.sampled_from(BODIES), st.lists(st.integers(0, 2000), max_size=8))
def test_cut_anywhere_the_same(case: tuple[Service, bytes], points: list[int]) -> None:
    service, body = case
    assert list(decode_stream(service, cut(body, points))) == list(decode_stream(service, [body]))
