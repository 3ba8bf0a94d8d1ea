"""``locate_<stream>`` then ``decode_located`` is ``decode_<stream>``, for every stream.

The router's object hooks read what ``locate`` finds; the other streams have
none yet, so this is where their ``locate`` functions are held to the decoder.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from codec import hailuo, huggingchat, router
from codec.errors import CodecError
from codec.framing import ServerSentEvent
from codec.streams import decode_located

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.sampled_from(["", "stream", "status", "finalAnswer", "title", "error", "end", "a"]),
)
keys = st.sampled_from(
    ["type", "subtype", "token", "status", "message", "text", "error", "choices", "delta", "data"]
)
json_values = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=10,
)
# HuggingChat updates with a tag the table knows, and anything else besides.
update = st.one_of(
    json_values,
    st.builds(
        lambda tag, rest: {**rest, "type": tag},
        st.sampled_from(list(huggingchat.MESSAGE_UPDATES_TABLE)),
        st.dictionaries(
            st.sampled_from(["subtype", "token", "status", "message", "text", "title"]),
            json_values,
            max_size=4,
        ),
    ),
)


def _outcome(decode: Callable[[object], object], frame: object) -> tuple[str, object]:
    try:
        return "decoded", decode(frame)
    except CodecError as exc:
        return "error", exc.message


def _located(locate: Callable[[object], object]) -> Callable[[object], object]:
    def decode(frame: object) -> object:
        found = locate(frame)
        return decode_located(*found) if type(found) is tuple else found

    return decode


@settings(max_examples=500, deadline=None)
@given(update)
def test_a_message_update_decodes_the_same_located(value: object) -> None:
    assert _outcome(huggingchat.decode_message_updates, value) == _outcome(
        _located(huggingchat.locate_message_updates), value
    )


SSE_STREAMS = {
    "router": (router.decode_chat_completion_chunks, router.locate_chat_completion_chunks),
    "huggingchat re-attach": (
        huggingchat.decode_generation_updates,
        huggingchat.locate_generation_updates,
    ),
    "hailuo": (hailuo.decode_chat_events, hailuo.locate_chat_events),
}


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["update", "end", "message", "message_result", "send_result", "other"]),
    st.one_of(
        update.map(json.dumps),
        json_values.map(json.dumps),
        st.sampled_from(["[DONE]", "not json", ""]),
    ),
    st.sampled_from(sorted(SSE_STREAMS)),
)
def test_a_server_sent_event_decodes_the_same_located(name: str, data: str, stream: str) -> None:
    decode, locate = SSE_STREAMS[stream]
    event = ServerSentEvent(data=data, event=name)
    assert _outcome(decode, event) == _outcome(_located(locate), event)  # type: ignore[arg-type]
