"""Handles and answers as JSON and back (cattrs): a bot continues after a restart."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfclient import decode_stream
from hfclient.completion import Completion, collect
from hfclient.events import Conversation, ServiceError, TextDelta, Unknown
from hfclient.serialization import converter, from_json, to_json
from tests.conftest import DATA

EXAMPLES = DATA / "examples"
STREAMS = [
    ("router", "hf-router.stream.sse"),
    ("router", "hf-router.stream-error.sse"),
    ("huggingchat", "huggingchat-2026.stream.ndjson"),
    ("huggingchat", "huggingchat-2025-05.stream.ndjson"),
    ("huggingchat", "huggingchat.stream-error.ndjson"),
    ("hailuo", "hailuo.stream.sse"),
    ("hailuo", "hailuo.stream-error.sse"),
]


async def _events(service: str, name: str) -> Completion:
    async def chunks():  # type: ignore[no-untyped-def]
        for event in decode_stream(service, [(EXAMPLES / name).read_bytes()]):  # type: ignore[arg-type]
            yield event

    try:
        return await collect(chunks())
    except Exception as error:  # an in-band error: what came before is the answer so far
        partial = getattr(error, "partial", None)
        assert isinstance(partial, Completion)
        return partial


@pytest.mark.parametrize(("service", "name"), STREAMS)
@pytest.mark.anyio
async def test_a_completion_comes_back_equal(service: str, name: str) -> None:
    completion = await _events(service, name)
    assert completion.events
    assert from_json(Completion, to_json(completion)) == completion


@pytest.mark.anyio
async def test_wire_records_in_raw_come_back_as_their_class() -> None:
    completion = await _events("router", "hf-router.stream-error.sse")
    error = next(e for e in completion.events if isinstance(e, ServiceError))
    back = from_json(Completion, to_json(completion))
    restored = next(e for e in back.events if isinstance(e, ServiceError))
    assert type(restored.raw) is type(error.raw)
    assert restored.raw == error.raw


def test_events_are_tagged_with_their_class_name() -> None:
    assert json.loads(to_json(TextDelta("Hi"))) == {"type": "TextDelta", "text": "Hi"}
    data = converter.unstructure(Unknown({"a": [1]}, "no such type"), unstructure_as=None)
    assert data == {"raw": {"a": [1]}, "reason": "no such type"}


@given(
    service=st.sampled_from(["huggingchat", "hailuo", "router"]),
    ids=st.lists(st.one_of(st.none(), st.text()), min_size=4, max_size=4),
)
def test_a_conversation_survives_a_restart(service: str, ids: list[str | None]) -> None:
    handle = Conversation(service, *ids)
    assert from_json(Conversation, to_json(handle)) == handle


def test_a_saved_file_cannot_import_other_modules() -> None:
    text = json.dumps(
        {"type": "Unknown", "reason": None, "raw": {"$codec": "os:system", "value": "x"}}
    )
    with pytest.raises(ValueError, match=r"not a saved Completion: .*events\[0\]\.raw"):
        from_json(Completion, json.dumps({"text": "", "events": [json.loads(text)]}))


def test_a_wrong_shape_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a saved Conversation"):
        from_json(Conversation, '{"conversation_id": "x"}')
