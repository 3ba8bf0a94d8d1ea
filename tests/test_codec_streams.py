"""iter_events of the three services on every example and real stream.

Each stream is decoded whole, byte by byte and at hypothesis-chosen cuts with
the same result; the decoded events are snapshotted; each stream's own
invariants (from the protocol notes) are checked; and every event re-encodes
to the exact wire object it came from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from codec import hailuo, huggingchat, router
from codec.values import UNSET, Unknown
from tests.conftest import DATA
from tests.framing_helpers import bytewise, cut

Decoder = Callable[[Iterable[bytes]], Iterator[object]]


def real_body(name: str) -> bytes:
    cassette = yaml.safe_load((DATA / "real" / name).read_text())
    body: str = cassette["interactions"][1]["response"]["body"]["string"]
    return body.encode()


def example(name: str) -> bytes:
    return (DATA / "examples" / name).read_bytes()


STREAMS: dict[str, tuple[Decoder, bytes]] = {
    "huggingchat-2025-05": (huggingchat.iter_events, example("huggingchat-2025-05.stream.ndjson")),
    "huggingchat-2026": (huggingchat.iter_events, example("huggingchat-2026.stream.ndjson")),
    "huggingchat-error": (huggingchat.iter_events, example("huggingchat.stream-error.ndjson")),
    "router": (router.iter_events, example("hf-router.stream.sse")),
    "router-error": (router.iter_events, example("hf-router.stream-error.sse")),
    "router-cerebras": (router.iter_events, real_body("router-cerebras-stream.vcr.yaml")),
    "router-together": (router.iter_events, real_body("router-together-stream.vcr.yaml")),
    "hailuo": (hailuo.iter_events, example("hailuo.stream.sse")),
    "hailuo-error": (hailuo.iter_events, example("hailuo.stream-error.sse")),
}


def decode(name: str) -> list[object]:
    iter_events, body = STREAMS[name]
    return list(iter_events([body]))


@pytest.mark.parametrize("name", STREAMS)
def test_whole_equals_bytewise(name: str) -> None:
    iter_events, body = STREAMS[name]
    assert list(iter_events(bytewise(body))) == decode(name)


@pytest.mark.parametrize("name", STREAMS)
@given(points=st.lists(st.integers(min_value=0, max_value=15_000), max_size=30))
def test_same_events_at_any_cut(name: str, points: list[int]) -> None:
    iter_events, body = STREAMS[name]
    assert list(iter_events(cut(body, points))) == decode(name)


@pytest.mark.parametrize("name", STREAMS)
def test_decoded_events_snapshot(name: str, snapshot: object) -> None:
    assert [repr(event) for event in decode(name)] == snapshot


@pytest.mark.parametrize("name", STREAMS)
def test_spec_describes_every_event(name: str) -> None:
    unknown = [e for e in decode(name) if isinstance(e, Unknown)]
    assert unknown == []


@pytest.mark.parametrize("name", [n for n in STREAMS if n.startswith("huggingchat")])
def test_ndjson_events_reencode_to_their_wire_lines(name: str) -> None:
    _, body = STREAMS[name]
    lines = [json.loads(line) for line in body.split(b"\n") if line.strip()]
    # to_wire restores the NUL padding the decoder removed (huggingchat.md §3.1).
    assert [event.to_wire() for event in decode(name)] == lines  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [n for n in STREAMS if not n.startswith("huggingchat")])
def test_sse_events_reencode_to_their_data(name: str) -> None:
    _, body = STREAMS[name]
    datas = [
        line.split(b":", 1)[1].strip()
        for line in body.replace(b"\r\n", b"\n").split(b"\n")
        if line.startswith(b"data:")
    ]
    events = decode(name)
    assert len(events) == len(datas)
    for event, data in zip(events, datas, strict=True):
        if isinstance(event, router.Done):
            assert data == b"[DONE]"
        else:
            assert event.to_wire() == json.loads(data)  # type: ignore[attr-defined]


# -- what each stream must say (protocol notes) ------------------------------------


def test_huggingchat_2025_tokens_join_to_final_answer() -> None:
    events = decode("huggingchat-2025-05")
    tokens = [e.token for e in events if isinstance(e, huggingchat.Stream)]
    final = [e for e in events if isinstance(e, huggingchat.FinalAnswer)]
    assert len(tokens) == 28  # huggingchat.md §7
    assert all("\0" not in t for t in tokens)
    assert "".join(tokens) == final[0].text
    assert events[-1] is final[0]
    sources = [e for e in events if isinstance(e, huggingchat.WebSearchSources)]
    assert [len(s.sources) for s in sources] == [3]
    assert all(src.link.startswith("https://") for src in sources[0].sources)
    assert sum(isinstance(e, huggingchat.ReasoningStream) for e in events) == 11


def test_huggingchat_2026_late_title_provider_and_finished() -> None:
    events = decode("huggingchat-2026")
    kinds = [type(e).__name__ for e in events]
    final_at = kinds.index("FinalAnswer")
    # huggingchat.md §12: provider-only routerMetadata and a late title, then finished.
    assert kinds[final_at + 1 :] == ["RouterMetadata", "Title", "Status"]
    late = events[final_at + 1]
    assert isinstance(late, huggingchat.RouterMetadata)
    assert (late.route, late.model, late.provider) == ("", "", "novita")
    last = events[-1]
    assert isinstance(last, huggingchat.Status)
    assert last.status == "finished"
    tokens = [e.token for e in events if isinstance(e, huggingchat.Stream)]
    assert len(tokens) == 85
    final = events[final_at]
    assert isinstance(final, huggingchat.FinalAnswer)
    assert "".join(tokens) == final.text


def test_huggingchat_error_stream_ends_in_status_error() -> None:
    events = decode("huggingchat-error")
    last = events[-1]
    assert isinstance(last, huggingchat.Status)
    assert last.status == "error"
    assert last.message == "Error forwarded from backend: Model is overloaded"
    assert last.status_code is UNSET  # only from 2025-10-13 (§3.2)
    assert not any(isinstance(e, huggingchat.FinalAnswer) for e in events)


def test_router_example_reasoning_content_tools_usage_done() -> None:
    events = decode("router")
    chunks = [e for e in events if isinstance(e, router.ChatCompletionChunk)]
    assert len(chunks) == 29
    assert isinstance(events[-1], router.Done)
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join(d.reasoning_content or "" for d in deltas if d)
    assert reasoning == (
        "Okay, the user wants the current weather in Paris. I should call get_weather with celsius."
    )
    assert "".join(d.content or "" for d in deltas if d) == "\n\nLet me check the weather in Paris."
    fragments = [t for d in deltas if d and d.tool_calls for t in d.tool_calls]
    assert len(fragments) == 5
    assert fragments[0].id == "call_5c1f8e2a9b7d4e63"
    arguments = "".join((f.function.arguments or "") for f in fragments if f.function)
    assert json.loads(arguments) == {"location": "Paris, France", "unit": "celsius"}
    usage_only = chunks[-1]
    assert usage_only.choices == []
    assert usage_only.usage == router.Usage(
        prompt_tokens=214, completion_tokens=48, total_tokens=262
    )
    assert usage_only.usage.prompt_tokens + usage_only.usage.completion_tokens == 262


def test_router_error_inside_200_stream() -> None:
    events = decode("router-error")
    assert [type(e).__name__ for e in events] == [
        "ChatCompletionChunk",
        "ChatCompletionChunk",
        "StreamError",
    ]
    error = events[-1]
    assert isinstance(error, router.StreamError)
    assert error.error_type == "validation"
    assert isinstance(error.error, str)
    assert error.error.startswith("Input validation error")


def test_router_cerebras_has_no_done_and_finishes_in_last_chunk() -> None:
    events = decode("router-cerebras")
    assert not any(isinstance(e, router.Done) for e in events)
    last = events[-1]
    assert isinstance(last, router.ChatCompletionChunk)
    assert last.choices[0].finish_reason == "length"
    assert last.usage == router.Usage(prompt_tokens=46, completion_tokens=20, total_tokens=66)
    assert last.time_info is not UNSET
    assert last.time_info is not None
    assert last.time_info.queue_time == 0.000094581  # cerebras' timings, in the spec
    assert last.extra == {}
    # No finish_reason key at all on the chunks before (hf-inference.md §5.2).
    assert all(c.choices[0].finish_reason is UNSET for c in events[:-1])  # type: ignore[attr-defined]


def test_router_together_fields_in_the_spec_and_done() -> None:
    events = decode("router-together")
    assert isinstance(events[-1], router.Done)
    first = events[0]
    assert isinstance(first, router.ChatCompletionChunk)
    choice = first.choices[0]
    assert (choice.text, choice.seed, choice.extra) == ("Deep", None, {})  # in the spec
    assert choice.delta is not UNSET
    assert choice.delta.token_id == 34564  # type: ignore[union-attr]


def test_hailuo_example_title_chat_id_and_final_text() -> None:
    events = decode("hailuo")
    first = events[0]
    assert isinstance(first, hailuo.SendResult)
    assert first.data
    assert first.data.send_result.chat_id == "312345678901234567"
    assert first.data.send_result.chat_title == "Saying hello in Chinese"
    contents = [
        e.data.message_result.content
        for e in events
        if isinstance(e, hailuo.MessageResult) and e.data and e.data.message_result
    ]
    assert len(contents) == 16
    final = [
        e.data.message_result
        for e in events
        if isinstance(e, hailuo.MessageResult)
        and e.data
        and e.data.message_result
        and e.data.message_result.is_end == 0
    ]
    assert len(final) == 1
    assert "".join(p.text for p in hailuo.deltas(contents)) == final[0].content
    assert isinstance(events[-1], hailuo.CloseChunk)


def test_hailuo_in_band_error() -> None:
    events = decode("hailuo-error")
    first = events[0]
    assert isinstance(first, hailuo.SendResult)
    assert first.status_info.code == 2
    assert first.status_info.message == "请求异常，请检查请求参数"  # noqa: RUF001 (wire text)
    assert first.data is UNSET
    assert isinstance(events[-1], hailuo.CloseChunk)
