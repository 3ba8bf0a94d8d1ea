"""codec.huggingchat extractors and codec.superjson, over every example body and their failures."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec import superjson
from codec.errors import CodecError, RemoteDataError
from codec.huggingchat import ModelInfo, extract_message_id, extract_models
from codec.jsvalues import UNDEFINED, JSRegExp
from codec.legacy.sveltekit import decode_sveltekit_data
from tests.conftest import DATA
from tests.test_sveltekit import sveltekit

EXAMPLES = DATA / "examples"
LEGACY_01 = (EXAMPLES / "huggingchat-2025-05.data.json").read_bytes()
LEGACY_11 = (EXAMPLES / "huggingchat-2025-05.data-invalidated-11.jsonl").read_bytes()
V2 = (EXAMPLES / "huggingchat-v2.conversation.json").read_bytes()
V2_NEW = (EXAMPLES / "huggingchat-v2.conversation-new.json").read_bytes()
V2_MODELS = (EXAMPLES / "huggingchat-v2.models.json").read_bytes()
PAGE = (EXAMPLES / "huggingchat-2025-05.chat-page.html").read_bytes()
STREAM = (EXAMPLES / "huggingchat-2025-05.stream.ndjson").read_bytes()

ASSISTANT_2025_05 = "c41f8e27-95ab-4d3c-8e6f-1a2b7d9c0e53"
ROOT_2025_05 = "0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90"


def created_2026_07(conversation: bytes) -> bytes:
    """A 2026-07 `POST /chat/conversation` body: the superjson text as a JSON string (§2.3)."""
    text = conversation.decode()
    return json.dumps({"conversationId": "6874cc01a3e9c1f27b4d0e58", "conversation": text}).encode()


# --- Message ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (LEGACY_01, ASSISTANT_2025_05),
        (LEGACY_11, ASSISTANT_2025_05),
        (V2, "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"),
        (V2_NEW, "76e4703a-d1d1-4604-98d5-3a8ed5f2fb96"),
        (created_2026_07(V2_NEW), "76e4703a-d1d1-4604-98d5-3a8ed5f2fb96"),
        (created_2026_07(V2), "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"),
        (b"\xef\xbb\xbf" + V2, "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"),
        (LEGACY_11.replace(b"\n", b"\r\n"), ASSISTANT_2025_05),
    ],
    ids=["legacy=01", "legacy=11", "v2", "v2-new", "post-2026-new", "post-2026", "bom", "crlf"],
)
def test_message_id_of_every_example(body: bytes, expected: str) -> None:
    assert extract_message_id(body) == expected


def test_new_conversation_gives_the_root_message() -> None:
    # §2.3: a new conversation holds exactly the system root, the first turn's parent.
    conversation = superjson.parse(V2_NEW)
    assert isinstance(conversation, dict)
    assert extract_message_id(V2_NEW) == conversation["rootMessageId"]


def test_empty_messages_give_none() -> None:
    assert extract_message_id(b'{"json":{"messages":[],"title":"New Chat"}}') is None
    page = {"type": "data", "data": [{"messages": 1, "title": 2}, [], "t"], "uses": {}}
    assert extract_message_id(sveltekit({"type": "skip"}, page)) is None


def test_last_message_in_array_order_wins() -> None:
    # After a retry the newest message is last in the array, whatever the tree (§4.5 notes).
    body = json.dumps(
        {"json": {"messages": [{"id": "root"}, {"id": "b", "children": []}, {"id": "a"}]}}
    ).encode()
    assert extract_message_id(body) == "a"


@pytest.mark.parametrize("status", [403, 404])
def test_error_node_raises_remote_data_error(status: int) -> None:
    message = "You don't have access to this conversation."
    error = {"type": "error", "error": {"message": message}, "status": status}
    for body in (sveltekit({"type": "skip"}, error), sveltekit({"type": "skip"}, error)[:-1]):
        with pytest.raises(RemoteDataError) as caught:
            extract_message_id(body)
        assert caught.value.status == status
        assert caught.value.message == message


def test_error_node_without_status() -> None:
    # Non-HTTP errors (a malformed id's BSON error) carry no status (§4.1).
    error = {"type": "error", "error": {"message": "An error occurred", "errorId": "e1"}}
    with pytest.raises(RemoteDataError) as caught:
        extract_message_id(sveltekit({"type": "skip"}, error))
    assert caught.value.status is None
    assert caught.value.message == "An error occurred"


def test_error_node_in_the_streamed_form() -> None:
    layout = json.loads(LEGACY_11.split(b"\n")[0])["nodes"][0]
    error = {"type": "error", "error": {"message": "Conversation not found."}, "status": 404}
    chunk = {"type": "chunk", "id": 1, "data": [[]]}
    with pytest.raises(RemoteDataError) as caught:
        extract_message_id(sveltekit(layout, error, chunks=(chunk,)))
    assert caught.value.status == 404


def test_error_node_with_an_odd_error_keeps_the_whole_node() -> None:
    node = {"type": "error", "error": "boom", "status": 500}
    with pytest.raises(RemoteDataError) as caught:
        extract_message_id(sveltekit(None, node))
    assert json.loads(caught.value.message) == node
    assert caught.value.status == 500


@pytest.mark.parametrize(
    "body",
    [
        b'{"message":"Conversation not found."}',
        b'{"message":"An error occurred","errorId":"5b0c"}',
        b'{"error":"You have to be logged in."}',
        b'{"type":"redirect","location":"/chat/login"}',
    ],
)
def test_error_bodies_raise_remote_data_error(body: bytes) -> None:
    with pytest.raises(RemoteDataError) as caught:
        extract_message_id(body)
    assert caught.value.status is None
    assert caught.value.message


MALFORMED_CONVERSATIONS = [
    b"",
    b"   \n",
    b"not json",
    b"\xff\xfe{}",
    b"[]",
    b'"text"',
    b'{"json": 5}',
    b'{"json": {"messages": "x"}}',
    b'{"json": {"messages": [{"from": "system"}]}}',
    b'{"json": {"messages": [{"id": 7}]}}',
    b'{"json": {"messages": ["id"]}}',
    b'{"json": {}, "meta": {"values": {"messages": ["Date"]}}}',
    b'{"conversationId": "6874cc01a3e9c1f27b4d0e58"}',
    b'{"conversationId": "x", "conversation": "{not superjson"}',
    b'{"something": "else"}',
    b'{"type":"data","nodes":{}}',
    b'{"type":"data","nodes":[]}',
    b'{"type":"data","nodes":[{"type":"skip"},{"type":"skip"}]}',
    b'{"type":"data","nodes":[{"type":"skip"},null]}',
    b'{"type":"data","nodes":[{"type":"skip"},{"type":"weird"}]}',
    b'{"type":"data","nodes":[{"type":"skip"},{"type":"data"}]}',
    b'{"type":"data","nodes":[{"type":"skip"},{"type":"data","data":[{"messages":9}]}]}',
    b'{"type":"data","nodes":[{"type":"skip"},{"type":"data","data":[{"title":1},"t"]}]}',
    b'{"type":"redirect"}',
    LEGACY_01[:200],
]

# Later lines the message id does not need: each is kept in ``unread`` with its reason.
STRAY_LINES = [
    (LEGACY_11 + b'{"type":"chunk","id":1,"data":[[]]}\n', "settles a promise again"),
    (LEGACY_11 + b'{"type":"chunk","id":9,"data":[[]]}\n', "unknown promise 9"),
    (LEGACY_11 + b'{"type":"chunk","id":1}\n', "settles a promise again"),
    (LEGACY_11 + b'{"type":"nodes"}\n', 'must be a "chunk"'),
    (LEGACY_11 + b"not json at all\n", "SvelteKit data line"),
    (LEGACY_11.replace(b'{"type":"chunk"', b'{"type":"chunk" oops'), "SvelteKit data line"),
    (LEGACY_11.replace(b'"data":[[]]}', b'"data":[["Nope"]]}'), "chunk 1"),
]


@pytest.mark.parametrize(("body", "reason"), STRAY_LINES)
def test_a_stray_later_line_costs_nothing_the_extractor_needs(body: bytes, reason: str) -> None:
    assert extract_message_id(body) == extract_message_id(LEGACY_11)
    (unread,) = decode_sveltekit_data(body).unread
    assert reason in unread.reason
    assert body[unread.offset :].startswith(unread.text.encode())


@pytest.mark.parametrize("body", MALFORMED_CONVERSATIONS)
def test_malformed_bodies_raise_codec_error(body: bytes) -> None:
    with pytest.raises(CodecError) as caught:
        extract_message_id(body)
    assert not isinstance(caught.value, RemoteDataError)
    assert caught.value.message


def test_json_errors_point_at_the_line_and_byte() -> None:
    first_line = LEGACY_11.split(b"\n")[0]
    body = first_line[:-1] + b" BROKEN}\n" + LEGACY_11.split(b"\n")[1] + b"\n"
    with pytest.raises(CodecError) as caught:
        extract_message_id(body)
    assert caught.value.offset == body.index(b"BROKEN")


@given(position=st.integers(0, len(LEGACY_11) - 1), byte=st.integers(0, 255))
def test_a_changed_byte_never_escapes_as_another_error(position: int, byte: int) -> None:
    body = LEGACY_11[:position] + bytes([byte]) + LEGACY_11[position + 1 :]
    try:
        result = extract_message_id(body)
    except CodecError:
        return  # RemoteDataError included; IndexError, KeyError, TypeError... fail the test
    assert result is None or isinstance(result, str)


@given(cut=st.integers(0, len(V2)))
def test_a_cut_v2_body_is_a_codec_error(cut: int) -> None:
    if cut == len(V2):
        assert extract_message_id(V2[:cut]) == "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"
    else:
        with pytest.raises(CodecError):
            extract_message_id(V2[:cut])


# --- Model lists -------------------------------------------------------------------------------


def test_models_from_the_legacy_page() -> None:
    models = extract_models(PAGE)
    assert [m.id for m in models] == [
        "meta-llama/Llama-3.3-70B-Instruct",
        "Qwen/Qwen3-235B-A22B",
        "google/gemma-3-27b-it",
        "microsoft/Phi-4",
    ]
    assert [m.id for m in models if m.multimodal] == ["google/gemma-3-27b-it"]
    assert [m.id for m in models if m.reasoning] == ["Qwen/Qwen3-235B-A22B"]
    assert all(m.tools is True and m.unlisted is False and m.is_router is None for m in models)
    assert models[0].display_name == models[0].name == "meta-llama/Llama-3.3-70B-Instruct"
    assert models[0].description is not None
    assert models[0].description.startswith("Ideal for everyday use.")
    parameters = models[0].raw["parameters"]
    assert isinstance(parameters, dict)
    assert parameters["stop"] is parameters["stop_sequences"]


def test_models_from_v2() -> None:
    models = extract_models(V2_MODELS)
    assert [m.id for m in models] == [
        "meta-llama/Llama-3.3-70B-Instruct",
        "Qwen/Qwen3-235B-A22B",
        "google/gemma-3-27b-it",
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "microsoft/Phi-4",
    ]
    by_id = {m.id: m for m in models}
    assert by_id["Qwen/Qwen3-235B-A22B"].reasoning is True
    assert [m.id for m in models if m.reasoning] == ["Qwen/Qwen3-235B-A22B"]
    assert [m.id for m in models if m.multimodal] == ["google/gemma-3-27b-it"]
    assert all(m.tools is True for m in models)
    # superjson: undefined fields and shared arrays come back (meta.values, referentialEqualities).
    gemma = by_id["google/gemma-3-27b-it"].raw
    assert gemma["modelUrl"] is UNDEFINED
    parameters = by_id["meta-llama/Llama-3.3-70B-Instruct"].raw["parameters"]
    assert isinstance(parameters, dict)
    assert parameters["stop"] is parameters["stop_sequences"]


def test_both_eras_agree_on_the_models_they_share() -> None:
    legacy = {m.id: m for m in extract_models(PAGE)}
    for model in extract_models(V2_MODELS):
        if model.id in legacy:
            assert model == legacy[model.id] or model.description != legacy[model.id].description


def test_models_from_the_layout_node_of_data_json() -> None:
    models = extract_models(LEGACY_11)
    assert [(m.id, m.reasoning) for m in models] == [
        ("meta-llama/Llama-3.3-70B-Instruct", False),
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", True),
    ]


def test_head_era_field_names() -> None:
    # 2026: supportsReasoning/supportsTools and isRouter (§2.2); no meta at all.
    body = json.dumps(
        {
            "json": [
                {
                    "id": "omni",
                    "name": "omni",
                    "displayName": "Omni",
                    "supportsReasoning": False,
                    "supportsTools": True,
                    "multimodal": True,
                    "unlisted": False,
                    "isRouter": True,
                },
                {
                    "id": "x/y",
                    "name": "x/y",
                    "displayName": "x/y",
                    "supportsReasoning": True,
                    "supportsTools": False,
                    "multimodal": False,
                    "unlisted": False,
                    "isRouter": False,
                },
            ]
        }
    ).encode()
    omni, plain = extract_models(body)
    assert (omni.display_name, omni.tools, omni.reasoning, omni.is_router) == (
        "Omni",
        True,
        False,
        True,
    )
    assert omni.multimodal is True
    assert (plain.reasoning, plain.tools, plain.is_router) == (True, False, False)


def test_absent_flags_are_none() -> None:
    # 2025-09-24 to the HEAD rename: neither `tools` nor `supportsTools` (§2.2).
    (model,) = extract_models(b'{"json":[{"id":"m","name":"m","reasoning":true}]}')
    assert model == ModelInfo(id="m", display_name="m", name="m", reasoning=True)
    assert model.tools is None
    assert model.multimodal is False


def test_model_info_is_frozen_and_hashable_without_raw() -> None:
    first = ModelInfo(id="m", display_name="M", raw={"id": "m", "x": 1})
    second = ModelInfo(id="m", display_name="M", raw={"id": "m", "x": 2})
    assert first == second
    assert hash(first) == hash(second)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.id = "n"  # type: ignore[misc]


@pytest.mark.parametrize(
    "body",
    [
        b'{"json": {}}',
        b'{"json": [5]}',
        b'{"json": [{"name": 5}]}',
        b'{"json": [{"displayName": "x"}]}',
        b'{"json": [{"id": "m", "multimodal": "yes"}]}',
        b'{"json": [{"id": "m", "supportsTools": 1}]}',
        b'{"json": [{"id": "m", "description": 3}]}',
        b"<html><body>Cloudflare</body></html>",
        b'<html><script>kit.start(app, element, {node_ids:[0], data:[{type:"data",data:{}}]})'
        b"</script></html>",
        LEGACY_01,  # a page node only: no layout, no models
        b"",
        b"nope",
    ],
)
def test_malformed_model_lists_raise_codec_error(body: bytes) -> None:
    with pytest.raises(CodecError) as caught:
        extract_models(body)
    assert not isinstance(caught.value, RemoteDataError)


def test_model_list_error_bodies() -> None:
    with pytest.raises(RemoteDataError, match="logged in"):
        extract_models(b'{"error":"You have to be logged in."}')
    error = {"type": "error", "error": {"message": "Internal Error"}, "status": 500}
    with pytest.raises(RemoteDataError) as caught:
        extract_models(sveltekit(error))
    assert caught.value.status == 500


# --- superjson ---------------------------------------------------------------------------------


def test_superjson_dates_and_undefined() -> None:
    conversation = superjson.parse(V2)
    assert isinstance(conversation, dict)
    assert conversation["updatedAt"] == datetime(2025, 7, 14, 9, 21, 19, 862000, tzinfo=UTC)
    assert conversation["messages"][2]["createdAt"].tzinfo is not None
    assert conversation["assistant"] is UNDEFINED
    assert conversation["assistantId"] is None  # null, not undefined: no annotation
    assert conversation["messages"][2]["updates"][-1]["webSources"] is None


def test_superjson_deserialize_leaves_its_input_alone() -> None:
    payload = json.loads(V2)
    before = json.dumps(payload)
    value = superjson.deserialize(payload)
    assert json.dumps(payload) == before
    assert isinstance(value, dict)
    assert isinstance(value["updatedAt"], datetime)


def test_superjson_nested_annotations_and_kinds() -> None:
    payload = {
        "json": {
            "m": [[1, "2020-01-01T00:00:00.000Z"], ["k", None]],
            "s": ["a", "b"],
            "n": ["NaN", "-0", "Infinity"],
            "big": "123456789012345678901234567890",
            "r": "/a\\/b/gi",
            "c": {"x": 1},
        },
        "meta": {
            "values": {
                "m": ["map", {"0.1": ["Date"], "1.1": ["undefined"]}],
                "s": ["set"],
                "n.0": ["number"],
                "n.1": ["number"],
                "n.2": ["number"],
                "big": ["bigint"],
                "r": ["regexp"],
                "c": [["class", "Point"]],
            },
            "v": 1,
        },
    }
    value = superjson.deserialize(payload)
    assert isinstance(value, dict)
    assert value["m"] == {1: datetime(2020, 1, 1, tzinfo=UTC), "k": UNDEFINED}
    assert value["s"] == {"a", "b"}
    nan, negative_zero, infinity = value["n"]
    assert nan != nan
    assert str(negative_zero) == "-0.0"
    assert infinity == float("inf")
    assert value["big"] == 123456789012345678901234567890
    assert value["r"] == JSRegExp("a\\/b", "gi")
    assert value["c"] == {"x": 1}  # a registered class keeps its JSON form


def test_superjson_paths_escape_dots() -> None:
    # Keys holding "." are escaped as "\."; since meta.v 1 a backslash is "\\" (superjson 2.2.3).
    legacy = {"json": {"a.b": None}, "meta": {"values": {"a\\.b": ["undefined"]}}}
    assert superjson.deserialize(legacy) == {"a.b": UNDEFINED}
    current = {
        "json": {"a\\b": None, "c.d": None},
        "meta": {"values": {"a\\\\b": ["undefined"], "c\\.d": ["undefined"]}, "v": 1},
    }
    assert superjson.deserialize(current) == {"a\\b": UNDEFINED, "c.d": UNDEFINED}
    # Before v 1 a lone backslash is an ordinary character.
    old = {"json": {"a\\b": None}, "meta": {"values": {"a\\b": ["undefined"]}}}
    assert superjson.deserialize(old) == {"a\\b": UNDEFINED}
    with pytest.raises(CodecError, match="invalid superjson path"):
        superjson.deserialize({**old, "meta": {"values": {"a\\b": ["undefined"]}, "v": 1}})


def test_superjson_referential_equalities() -> None:
    payload = {
        "json": {"a": [1], "b": [1], "c": {"self": None}},
        "meta": {"referentialEqualities": [["c.self"], {"a": ["b"]}]},
    }
    value = superjson.deserialize(payload)
    assert isinstance(value, dict)
    assert value["a"] is value["b"]
    assert value["c"]["self"] is value


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"meta": {}},
        {"json": 1, "meta": []},
        {"json": 1, "meta": {"v": "1"}},
        {"json": "x", "meta": {"values": ["Date"]}},
        {"json": "x", "meta": {"values": ["Frobnicate"]}},
        {"json": "x", "meta": {"values": [["frobnicate", "x"]]}},
        {"json": "--5", "meta": {"values": ["bigint"]}},
        {"json": "/no-closing-slash", "meta": {"values": ["regexp"]}},
        {"json": "x", "meta": {"values": "Date"}},
        {"json": "x", "meta": {"values": ["Date", ["children"]]}},
        {"json": {}, "meta": {"values": {"missing": ["Date"]}}},
        {"json": {"a": 1}, "meta": {"values": {"a.b": ["Date"]}}},
        {"json": [1], "meta": {"values": {"5": ["Date"]}}},
        {"json": [[1, 2]], "meta": {"values": {"0": ["set", []]}}},
        {"json": [1, True], "meta": {"values": ["set"]}},
        {"json": [[1]], "meta": {"values": ["map"]}},
        {"json": {"a": 1}, "meta": {"referentialEqualities": {"a": "b"}}},
        {"json": {"a": 1}, "meta": {"referentialEqualities": {"a": ["zz"]}}},
        {"json": {"a": 1}, "meta": {"referentialEqualities": 5}},
    ],
)
def test_superjson_malformed(payload: object) -> None:
    with pytest.raises(CodecError):
        superjson.deserialize(payload)


def test_superjson_text_errors_have_offsets() -> None:
    with pytest.raises(CodecError) as caught:
        superjson.parse(b'{"json": [1,]}')
    assert caught.value.offset == 12


def test_superjson_needs_nothing_of_the_legacy_era() -> None:
    # The current era's reader stands alone: importing it loads no `codec.legacy` module.
    code = (
        "import sys, codec.superjson, codec.jsvalues\n"
        "assert not [m for m in sys.modules if m.startswith('codec.legacy')], sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
