"""Generated decoders: never drop, never crash; absent is not null; unknown keys are kept."""

from __future__ import annotations

import pytest

from codec import hailuo, router
from codec._generated import huggingchat as hc
from codec.errors import CodecError
from codec.framing import NDJSONDecoder, ServerSentEvent
from codec.streams import iter_decoded
from codec.values import UNSET, Unknown


def test_unknown_type_is_kept_whole() -> None:
    raw = {"type": "brandNew", "x": [1, 2]}
    assert hc.decode_message_updates(raw) == Unknown(raw)


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "webSearch", "subtype": "somethingNew"},
        {"type": "webSearch", "messageType": "update", "message": "x"},  # pre-2024-05 shape
        {"type": ["stream"]},
        {"type": 3},
        {"subtype": "stream"},
        {"type": "reasoning", "subtype": {"a": 1}},
    ],
)
def test_unknown_tags_become_unknown(raw: dict[str, object]) -> None:
    assert hc.decode_message_updates(raw) == Unknown(raw)


@pytest.mark.parametrize("raw", [[1, 2], "text", 3, None, True])
def test_non_objects_become_unknown_with_a_reason(raw: object) -> None:
    assert hc.decode_message_updates(raw) == Unknown(raw, "not a JSON object")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"type": "stream", "token": 5}, "field 'token': expected str, got int"),
        ({"type": "title"}, "field 'title': expected str, got nothing (absent)"),
        ({"type": "tool", "subtype": "eta", "uuid": "u", "eta": True}, "expected float"),
        ({"type": "tool", "subtype": "result", "uuid": "u"}, "field 'result'"),
        (
            {
                "type": "webSearch",
                "subtype": "sources",
                "message": "m",
                "sources": [{"title": "t"}],
            },
            "field 'link'",
        ),
    ],
)
def test_known_tag_that_does_not_fit_says_why(raw: dict[str, object], reason: str) -> None:
    event = hc.decode_message_updates(raw)
    assert isinstance(event, Unknown)
    assert event.raw is raw
    assert event.reason is not None
    assert reason in event.reason


@pytest.mark.parametrize(
    ("raw", "key", "reason"),
    [
        (
            {"type": "status", "status": "error", "statusCode": "500"},
            "statusCode",
            "expected int, got str",
        ),
        ({"type": "finalAnswer", "text": "x", "interrupted": 0}, "interrupted", "expected bool"),
        (
            {"type": "finalAnswer", "text": "x", "webSources": [{"title": "t"}]},
            "webSources",
            "field 'uri'",
        ),
    ],
)
def test_optional_field_that_does_not_fit_is_kept_aside(
    raw: dict[str, object], key: str, reason: str
) -> None:
    # The record survives (its text, its status); the odd value waits in mismatched.
    event = hc.decode_message_updates(raw)
    assert not isinstance(event, Unknown)
    assert set(event.mismatched) == {key}
    assert event.mismatched[key].value == raw[key]
    assert reason in event.mismatched[key].reason
    assert event.to_wire() == raw


def test_absent_is_not_null() -> None:
    absent = hc.decode_message_updates({"type": "finalAnswer", "text": "a", "interrupted": False})
    null = hc.decode_message_updates(
        {"type": "finalAnswer", "text": "a", "interrupted": False, "webSources": None}
    )
    assert isinstance(absent, hc.FinalAnswer)
    assert isinstance(null, hc.FinalAnswer)
    assert absent.web_sources is UNSET
    assert null.web_sources is None
    assert "webSources" not in absent.to_wire()
    assert null.to_wire()["webSources"] is None


def test_unknown_keys_are_kept_and_reencoded() -> None:
    raw = {"type": "title", "title": "t", "emoji": "🧵", "n": 1}
    event = hc.decode_message_updates(raw)
    assert event == hc.Title(title="t", extra={"emoji": "🧵", "n": 1})
    assert isinstance(event, hc.Title)
    assert event.to_wire() == raw


def test_nested_records_decode_and_reencode() -> None:
    raw = {
        "type": "finalAnswer",
        "text": "x",
        "interrupted": False,
        "webSources": [{"uri": "https://a", "title": "A", "rank": 1}],
    }
    event = hc.decode_message_updates(raw)
    assert isinstance(event, hc.FinalAnswer)
    assert event.web_sources == [hc.WebSource(uri="https://a", title="A", extra={"rank": 1})]
    assert event.to_wire() == raw


def test_stream_token_padding_is_removed_and_restored() -> None:
    raw = {"type": "stream", "token": "Use" + "\0" * 13}
    event = hc.decode_message_updates(raw)
    assert event == hc.Stream(token="Use")
    assert isinstance(event, hc.Stream)
    assert event.to_wire() == raw
    # An astral emoji counts two UTF-16 units (huggingchat.md §3.1).
    assert hc.Stream(token="🙂").to_wire()["token"] == "🙂" + "\0" * 14
    assert hc.Stream(token="x" * 20).to_wire()["token"] == "x" * 20


def test_only_trailing_nuls_are_padding() -> None:
    event = hc.decode_message_updates({"type": "stream", "token": "a\0b\0\0"})
    assert event == hc.Stream(token="a\0b")


def test_records_are_frozen() -> None:
    event = hc.Title(title="t")
    with pytest.raises(AttributeError):
        event.title = "other"  # type: ignore[misc]


def test_ndjson_error_yields_what_came_before_then_raises() -> None:
    body = b'{"type":"title","title":"t"}\n{"type":"stream","token":"a"}\n{oops}\n'
    events: list[object] = []
    with pytest.raises(CodecError) as info:
        events.extend(iter_decoded(NDJSONDecoder(), [body], hc.decode_message_updates))
    assert events == [hc.Title(title="t"), hc.Stream(token="a")]
    assert info.value.offset == body.index(b"{oops}") + 1


def test_router_null_error_is_a_chunk_and_object_error_is_an_error() -> None:
    chunk = router.decode_chat_completion_chunks(
        ServerSentEvent(data='{"choices":[],"error":null}')
    )
    assert isinstance(chunk, router.ChatCompletionChunk)
    assert chunk.extra == {"error": None}
    error = router.decode_chat_completion_chunks(
        ServerSentEvent(data='{"error":{"message":"boom","type":"server_error","code":500}}')
    )
    assert error == router.StreamError(
        error=router.ErrorMessage(message="boom", type="server_error", code=500)
    )


def test_router_non_json_data_raises_after_earlier_events() -> None:
    body = b'data: {"choices":[]}\n\ndata: not json\n\n'
    events: list[object] = []
    with pytest.raises(CodecError, match="not JSON"):
        events.extend(router.iter_events([body]))
    assert events == [router.ChatCompletionChunk(choices=[])]


def test_router_multiline_data_is_one_document() -> None:
    body = b'data: {"choices":\ndata: []}\n\n'
    assert list(router.iter_events([body])) == [router.ChatCompletionChunk(choices=[])]


def test_router_events_after_done_are_not_dropped() -> None:
    body = b'data: [DONE]\n\ndata: {"choices":[]}\n\n'
    assert list(router.iter_events([body])) == [
        router.Done(),
        router.ChatCompletionChunk(choices=[]),
    ]


def test_hailuo_unknown_event_name_keeps_the_event() -> None:
    event = ServerSentEvent(event="heart", data='{"type":3}')
    assert hailuo.decode_chat_events(event) == Unknown(event)


def test_hailuo_ids_may_be_numbers() -> None:
    decoded = hailuo.decode_chat_events(
        ServerSentEvent(
            event="send_result",
            data='{"type":1,"statusInfo":{"code":0},"data":{"sendResult":{"chatID":312}}}',
        )
    )
    assert isinstance(decoded, hailuo.SendResult)
    assert decoded.data
    assert decoded.data.send_result.chat_id == 312


def test_hailuo_wrong_shape_is_unknown_holding_the_event() -> None:
    event = ServerSentEvent(event="message_result", data='{"type":2,"statusInfo":"ok"}')
    decoded = hailuo.decode_chat_events(event)
    assert isinstance(decoded, Unknown)
    assert decoded.raw is event
    assert decoded.reason is not None
    assert "statusInfo" in decoded.reason
