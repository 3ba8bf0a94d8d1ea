"""decode_stream: unified events from every example and real stream, and its end rules."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from hfclient import adecode_stream, decode_stream
from hfclient.decoding import Service, StreamDecoder
from hfclient.errors import DecodeError, IncompleteStreamError
from hfclient.events import (
    Conversation,
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ReasoningStatus,
    ServiceError,
    Sources,
    Status,
    TextDelta,
    TextSnapshot,
    Title,
    ToolCall,
    Unknown,
    Usage,
)
from tests.framing_helpers import bytewise, cut
from tests.test_codec_streams import STREAMS as WIRE_STREAMS

SERVICE_OF = {
    name: ("huggingchat" if name.startswith("huggingchat") else name.split("-")[0])
    for name in WIRE_STREAMS
}
BODIES = {name: body for name, (_, body) in WIRE_STREAMS.items()}


def events_of(name: str, chunks: Iterable[bytes] | None = None) -> list[Event]:
    service: Service = SERVICE_OF[name]  # type: ignore[assignment]
    return list(decode_stream(service, chunks if chunks is not None else [BODIES[name]]))


def collect_until_error(service: Service, body: bytes) -> tuple[list[Event], Exception]:
    seen: list[Event] = []
    with pytest.raises((IncompleteStreamError, DecodeError)) as info:
        seen.extend(decode_stream(service, [body]))
    return seen, info.value


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


@pytest.mark.parametrize("name", BODIES)
def test_whole_equals_bytewise(name: str) -> None:
    assert events_of(name, bytewise(BODIES[name])) == events_of(name)


@pytest.mark.parametrize("name", BODIES)
@given(points=st.lists(st.integers(min_value=0, max_value=15_000), max_size=30))
def test_same_events_at_any_cut(name: str, points: list[int]) -> None:
    assert events_of(name, cut(BODIES[name], points)) == events_of(name)


@pytest.mark.parametrize("name", BODIES)
def test_unified_events_snapshot(name: str, snapshot: object) -> None:
    assert [repr(e) for e in events_of(name)] == snapshot


@pytest.mark.parametrize("name", BODIES)
def test_async_twin_gives_the_same_events(name: str) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for piece in cut(BODIES[name], range(0, len(BODIES[name]), 97)):
            yield piece

    async def run() -> list[Event]:
        service: Service = SERVICE_OF[name]  # type: ignore[assignment]
        return [e async for e in adecode_stream(service, chunks())]

    assert anyio.run(run) == events_of(name)


def test_huggingchat_2025() -> None:
    events = events_of("huggingchat-2025-05")
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.reason == "stop"
    assert text_of(events) == finished.text
    assert not any(isinstance(e, Status) and e.status == "keepAlive" for e in events)
    assert [e.text for e in events if isinstance(e, ReasoningStatus)] == [
        "Started reasoning...",
        "Done in 3s.",
    ]
    assert sum(isinstance(e, ReasoningDelta) for e in events) == 11
    (sources,) = [e for e in events if isinstance(e, Sources)]
    assert len(sources.sources) == 3
    assert next(e for e in events if isinstance(e, Title)).title.startswith("🐍")


def test_huggingchat_2026_inline_reasoning_late_title_provider() -> None:
    events = events_of("huggingchat-2026")
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.text is not None
    assert "<think>" not in finished.text
    assert "</think>" not in finished.text
    assert text_of(events) == finished.text
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    assert reasoning.startswith("Okay")
    assert "<think>" not in reasoning
    providers = [e for e in events if isinstance(e, ProviderInfo)]
    assert providers[-1].provider == "novita"
    assert providers[-1].model == providers[0].model
    assert providers[0].model
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("Title") > len(kinds) - 4  # the late title is kept (§3.3 rule 5)


def test_huggingchat_error_is_a_service_error_and_ends_the_stream() -> None:
    events = events_of("huggingchat-error")
    error = events[-1]
    assert isinstance(error, ServiceError)
    assert error.kind == "overloaded"
    assert error.message == "Error forwarded from backend: Model is overloaded"
    assert not any(isinstance(e, Finished) for e in events)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("You are sending too many messages. Try again later.", "rate_limit"),
        ("No output was generated. Something went wrong.", "unknown"),
    ],
)
def test_huggingchat_error_kinds(message: str, kind: str) -> None:
    line = json.dumps({"type": "status", "status": "error", "message": message}).encode()
    (event,) = decode_stream("huggingchat", [line + b"\n"])
    assert isinstance(event, ServiceError)
    assert event.kind == kind


def test_huggingchat_error_status_code_wins() -> None:
    line = b'{"type":"status","status":"error","message":"x","statusCode":429}\n'
    (event,) = decode_stream("huggingchat", [line])
    assert isinstance(event, ServiceError)
    assert event.kind == "rate_limit"


def test_truncated_huggingchat_stream_delivers_everything_then_raises() -> None:
    body = BODIES["huggingchat-2025-05"]
    truncated = body[: body.index(b'{"type":"finalAnswer"')]
    seen, error = collect_until_error("huggingchat", truncated)
    assert isinstance(error, IncompleteStreamError)
    assert text_of(seen) == text_of(events_of("huggingchat-2025-05"))
    assert not any(isinstance(e, Finished) for e in seen)


def test_router_example() -> None:
    events = events_of("router")
    assert events[0] == ProviderInfo(None, "qwen/qwen3-32b-fp8")
    (call,) = [e for e in events if isinstance(e, ToolCall)]
    assert call.id == "call_5c1f8e2a9b7d4e63"
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"location": "Paris, France", "unit": "celsius"}
    assert events[-2:] == [
        Usage(214, 48, 262),
        Finished("tool_calls"),  # a stream never sends the whole text
    ]
    assert text_of(events) == "\n\nLet me check the weather in Paris."
    assert "".join(e.text for e in events if isinstance(e, ReasoningDelta)).startswith("Okay,")


def test_router_tool_call_fragments_merge_by_index() -> None:
    def chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
        payload = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return b"data: " + json.dumps(payload).encode() + b"\n\n"

    def fragment(index: int, **function: str) -> dict[str, object]:
        call: dict[str, object] = {"index": index, "function": function}
        if "name" in function:
            call.update(id=f"c{index}", type="function")
        return {"tool_calls": [call]}

    body = b"".join(
        [
            chunk(fragment(0, name="a", arguments="")),
            chunk(fragment(1, name="b", arguments='{"y"')),
            chunk(fragment(0, arguments='{"x":')),
            chunk(fragment(0, arguments="1}")),
            chunk(fragment(1, arguments=":2}")),
            chunk({}, "tool_calls"),
            b"data: [DONE]\n\n",
        ]
    )
    calls = [e for e in decode_stream("router", [body]) if isinstance(e, ToolCall)]
    assert calls == [ToolCall("c0", "a", '{"x":1}'), ToolCall("c1", "b", '{"y":2}')]


def test_router_error_in_200_stream() -> None:
    events = events_of("router-error")
    error = events[-1]
    assert isinstance(error, ServiceError)
    assert error.kind == "validation"
    assert text_of(events) == "Deep learning"


def test_router_cerebras_is_complete_without_done() -> None:
    events = events_of("router-cerebras")
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert finished.reason == "length"
    assert events[-2] == Usage(46, 20, 66)
    assert finished.text is None
    assert text_of(events).startswith("Deep learning is a subset")


def test_router_stream_without_finish_or_done_is_incomplete() -> None:
    body = BODIES["router"]
    truncated = body[: body.index(b'"finish_reason":"tool_calls"')]
    truncated = truncated[: truncated.rindex(b"\n\n") + 2]
    seen, error = collect_until_error("router", truncated)
    assert isinstance(error, IncompleteStreamError)
    assert not any(isinstance(e, Finished) for e in seen)
    assert text_of(seen) == "\n\nLet me check the weather in Paris."


def test_hailuo_example() -> None:
    events = events_of("hailuo")
    assert events[:2] == [
        Title("Saying hello in Chinese"),
        Conversation("hailuo", chat_id="312345678901234567"),
    ]
    finished = events[-1]
    assert isinstance(finished, Finished)
    assert text_of(events) == finished.text
    assert "\ufffd" not in text_of(events)
    assert not any(isinstance(e, TextSnapshot) for e in events)


def test_hailuo_rewrite_becomes_a_snapshot() -> None:
    def message(content: str, is_end: int) -> bytes:
        data = {"messageResult": {"content": content, "isEnd": is_end}}
        payload = {"type": 2, "statusInfo": {"code": 0}, "data": data}
        return b"event:message_result\ndata:" + json.dumps(payload).encode() + b"\n\n"

    body = message("Hello wrld", 1) + message("Hello world!", 0)
    events = list(decode_stream("hailuo", [body]))
    assert events == [
        TextDelta("Hello wrld"),
        TextSnapshot("Hello world!"),
        Finished("stop", "Hello world!"),
    ]


def test_hailuo_in_band_error() -> None:
    events = events_of("hailuo-error")
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ServiceError)
    assert error.message == "请求异常，请检查请求参数"  # noqa: RUF001 (wire text)


def test_hailuo_truncated_stream_raises_after_text() -> None:
    body = BODIES["hailuo"]
    truncated = body[: body.index(b'"isEnd":0')]
    truncated = truncated[: truncated.rindex(b"\n\n") + 2]
    seen, error = collect_until_error("hailuo", truncated)
    assert isinstance(error, IncompleteStreamError)
    assert text_of(seen)


def test_broken_body_raises_decode_error_after_earlier_events() -> None:
    body = b'{"type":"title","title":"t"}\n{broken\n'
    seen, error = collect_until_error("huggingchat", body)
    assert seen == [Title("t")]
    assert isinstance(error, DecodeError)
    assert isinstance(error, CodecError)
    assert error.offset == body.index(b"broken")


def test_decoder_refuses_input_after_an_error() -> None:
    decoder = StreamDecoder("router")
    with pytest.raises(DecodeError):
        decoder.feed(b"data: not json\n\n")
    with pytest.raises(DecodeError, match="already failed"):
        decoder.feed(b"data: [DONE]\n\n")


def test_unknown_service_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown service 'openai'"):
        list(decode_stream("openai", []))  # type: ignore[arg-type]


def test_unknown_keeps_the_codec_reason() -> None:
    # A known type whose required field does not fit: the user sees why, not only the raw.
    body = b'{"type":"stream","token":5}\n{"type":"finalAnswer","text":""}\n'
    events = list(decode_stream("huggingchat", [body]))
    unknown = [e for e in events if isinstance(e, Unknown)]
    assert len(unknown) == 1
    assert unknown[0].raw == {"type": "stream", "token": 5}
    assert unknown[0].reason is not None
    assert "token" in unknown[0].reason


def test_unknown_type_has_no_reason() -> None:
    body = b'{"type":"brandNew","x":1}\n{"type":"finalAnswer","text":""}\n'
    events = list(decode_stream("huggingchat", [body]))
    assert events[0] == Unknown({"type": "brandNew", "x": 1}, None)


@pytest.mark.parametrize("name", BODIES)
def test_a_stream_by_name_decodes_as_its_service(name: str) -> None:
    # Decoders are per stream: the service only picks its answer stream.
    service: Service = SERVICE_OF[name]  # type: ignore[assignment]
    stream = {
        "huggingchat": "message_updates",
        "router": "chat_completion_chunks",
        "hailuo": "chat_events",
    }[service]
    by_stream = StreamDecoder(stream=stream)
    by_service = StreamDecoder(service)
    body = BODIES[name]
    try:
        expected = by_service.feed(body) + by_service.close()
    except (DecodeError, IncompleteStreamError):
        return  # the error bodies: covered by the service tests
    assert by_stream.feed(body) + by_stream.close() == expected


def test_a_stream_and_a_service_are_not_both_given() -> None:
    with pytest.raises(ValueError, match="not both"):
        StreamDecoder("router", stream="chat_events")
    with pytest.raises(ValueError, match="unknown stream 'nope'"):
        StreamDecoder(stream="nope")


def _reattach_body(updates: list[bytes], status: str) -> bytes:
    # The 2026 re-attach stream (GET /conversation/{id}/stream): each update an SSE event.
    body = b": heartbeat\n\n"
    for seq, update in enumerate(updates):
        body += b"id: %d\nevent: update\ndata: %s\n\n" % (seq, update)
    return body + b'event: end\ndata: {"status": "%s"}\n\n' % status.encode()


def test_the_reattach_stream_gives_what_the_post_stream_gives() -> None:
    lines = [line for line in BODIES["huggingchat-2026"].split(b"\n") if line.strip()]
    expected = events_of("huggingchat-2026")
    body = _reattach_body(lines, "completed")
    for chunks in ([body], bytewise(body)):
        decoder = StreamDecoder(stream="generation_updates")
        got = [e for chunk in chunks for e in decoder.feed(chunk)] + decoder.close()
        assert got == expected


@given(st.lists(st.integers(0, 4000), max_size=6))
def test_the_reattach_stream_cut_anywhere(points: list[int]) -> None:
    lines = [line for line in BODIES["huggingchat-2026"].split(b"\n") if line.strip()]
    body = _reattach_body(lines, "completed")
    decoder = StreamDecoder(stream="generation_updates")
    got = [e for chunk in cut(body, points) for e in decoder.feed(chunk)] + decoder.close()
    assert got == events_of("huggingchat-2026")


def test_a_reattach_to_a_gone_generation_is_an_error() -> None:
    decoder = StreamDecoder(stream="generation_updates")
    events = decoder.feed(_reattach_body([], "gone")) + decoder.close()
    assert len(events) == 1
    error = events[0]
    assert isinstance(error, ServiceError)
    assert error.kind == "gone"
