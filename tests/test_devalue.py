"""codec.legacy.devalue: the example nodes, every tag and sentinel, identity, cycles, bad input."""

from __future__ import annotations

import contextlib
import copy
import json
import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from codec.jsvalues import INVALID_DATE, UNDEFINED, JSRegExp, TaggedString
from codec.legacy import devalue
from codec.legacy.devalue import Deferred, TypedArray, unflatten
from tests.conftest import DATA

EXAMPLES = DATA / "examples"


# --- A test-only devalue encoder (devalue `stringify`, for the values the decoder makes) -------


def js_iso(moment: datetime) -> str:
    """``Date.prototype.toISOString``: UTC, milliseconds, ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dedup_key(thing: object) -> tuple[object, ...]:
    # devalue shares primitives by JavaScript value and everything else by identity.
    if thing is None:
        return ("null",)
    if isinstance(thing, bool):
        return ("bool", thing)
    if isinstance(thing, int | float):
        return ("number", thing)
    if isinstance(thing, str):
        return ("string", thing)
    return ("object", id(thing))


def encode(value: object) -> list[object] | int:
    """The flat array devalue would write for ``value``: pre-order, shared entries once.

    A value that is itself a sentinel (undefined, NaN...) is the bare number, as in devalue.
    """
    out: list[object] = []
    indexes: dict[tuple[object, ...], int] = {}

    def flatten(thing: object) -> int:
        if thing is UNDEFINED:
            return -1
        if isinstance(thing, float):
            if math.isnan(thing):
                return -3
            if math.isinf(thing):
                return -4 if thing > 0 else -5
            if thing == 0 and math.copysign(1, thing) < 0:
                return -6
        key = _dedup_key(thing)
        if key in indexes:
            return indexes[key]
        index = len(out)
        out.append(None)
        indexes[key] = index  # before the members: pre-order, and cycles end here
        if isinstance(thing, Deferred):
            out[index] = ["Promise", flatten(thing.id)]
        elif thing is None or isinstance(thing, str | bool | int | float):
            out[index] = thing
        elif isinstance(thing, datetime):
            out[index] = ["Date", js_iso(thing)]
        elif isinstance(thing, set):
            out[index] = ["Set", *(flatten(member) for member in thing)]
        elif isinstance(thing, list):
            out[index] = [flatten(item) for item in thing]
        elif isinstance(thing, dict):
            out[index] = {key: flatten(item) for key, item in thing.items()}
        else:
            raise TypeError(thing)
        return index

    root = flatten(value)
    return root if root < 0 else out


def assert_same_graph(expected: object, actual: object) -> None:
    """Equal values, and sharing in the same places: one object for one object."""
    pairs: dict[int, object] = {}

    def walk(left: object, right: object) -> None:
        # JavaScript has one number type: 0 and 0.0 are one value, shared by devalue.
        numbers = (int, float)
        if not (type(left) in numbers and type(right) in numbers):
            assert type(left) is type(right)
        if isinstance(left, list | dict | set):
            if id(left) in pairs:
                assert pairs[id(left)] is right
                return
            pairs[id(left)] = right
        if isinstance(left, list) and isinstance(right, list):
            assert len(left) == len(right)
            for a, b in zip(left, right, strict=True):
                walk(a, b)
        elif isinstance(left, dict) and isinstance(right, dict):
            assert list(left) == list(right)
            for key in left:
                walk(left[key], right[key])
        elif isinstance(left, float) or isinstance(right, float):
            assert isinstance(left, int | float)
            assert isinstance(right, int | float)
            if math.isnan(left) or math.isnan(right):
                # JavaScript has one NaN: a sign on it is not a value the wire carries.
                assert math.isnan(left)
                assert math.isnan(right)
            else:
                assert left == right
                assert math.copysign(1, left) == math.copysign(1, right)  # -0 stays -0
        else:
            assert left == right

    walk(expected, actual)


# --- The example nodes (protocols/huggingchat.md §4.6) -----------------------------------------


def example_nodes() -> list[tuple[str, list[object]]]:
    page = json.loads((EXAMPLES / "huggingchat-2025-05.data.json").read_bytes())
    first_line = (EXAMPLES / "huggingchat-2025-05.data-invalidated-11.jsonl").read_bytes()
    nodes = json.loads(first_line.split(b"\n")[0])["nodes"]
    return [
        ("page (=01)", page["nodes"][1]["data"]),
        ("layout (=11)", nodes[0]["data"]),
        ("page (=11)", nodes[1]["data"]),
    ]


@pytest.mark.parametrize(("name", "data"), example_nodes(), ids=lambda x: str(x)[:12])
def test_example_node_reencodes_to_the_same_array(name: str, data: list[object]) -> None:
    # §4.6: decoding and re-encoding (identity dedup for objects, value dedup for
    # primitives, pre-order) gives the same array.
    assert encode(unflatten(data)) == data


@pytest.mark.parametrize(("name", "data"), example_nodes(), ids=lambda x: str(x)[:12])
def test_example_node_has_no_repeated_primitive(name: str, data: list[object]) -> None:
    primitives = [_dedup_key(v) for v in data if not isinstance(v, list | dict)]
    assert len(primitives) == len(set(primitives))


def test_page_node_decodes_to_the_conversation() -> None:
    page = unflatten(example_nodes()[0][1])
    assert isinstance(page, dict)
    assert list(page) == [
        "messages",
        "title",
        "model",
        "preprompt",
        "rootMessageId",
        "assistant",
        "shared",
    ]
    messages = page["messages"]
    assert [m["from"] for m in messages] == ["system", "user", "assistant"]
    assert messages[-1]["id"] == "c41f8e27-95ab-4d3c-8e6f-1a2b7d9c0e53"
    assert messages[0]["id"] == page["rootMessageId"] == "0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90"
    assert messages[0]["createdAt"] == datetime(2025, 6, 2, 9, 14, 1, 207000, tzinfo=UTC)
    assert messages[0]["createdAt"].tzinfo is not None
    assert page["assistant"] is None
    assert page["shared"] is False
    assert page["title"] == "🐍 Sorting dicts by key"
    # `\u003C` in the JSON text is "<" (§4.2 string escaping).
    assert messages[-1]["content"].endswith("(keys need `<`).")


def test_shared_values_decode_once() -> None:
    data = example_nodes()[0][1]
    page = unflatten(data)
    assert isinstance(page, dict)
    assistant = page["messages"][-1]
    # `false` and "status" are single entries that many places point at (§4.5 notes).
    assert data.count(False) == 1
    assert data.count("status") == 1
    assert assistant["interrupted"] is False
    assert page["shared"] is False
    status_updates = [u for u in assistant["updates"] if u["type"] == "status"]
    assert status_updates == [{"type": "status", "status": "started"}]
    assert [u["subtype"] for u in assistant["updates"] if u["type"] == "reasoning"] == [
        "status",
        "status",
    ]
    # The assistant's content and finalAnswer text are one entry; the user id is shared three ways.
    assert assistant["updates"][-1]["text"] == assistant["content"]
    user = page["messages"][1]
    assert user["id"] == page["messages"][0]["children"][0] == assistant["ancestors"][1]


def test_layout_node_shares_stop_and_stop_sequences() -> None:
    layout = unflatten(example_nodes()[1][1])
    assert isinstance(layout, dict)
    parameters = layout["models"][0]["parameters"]
    assert parameters["stop"] is parameters["stop_sequences"]
    assert parameters["stop"] == ["<|endoftext|>", "<|eot_id|>"]
    assert parameters["temperature"] == 0.6
    assert layout["models"][1]["parameters"] == {"stop_sequences": UNDEFINED}
    assert layout["conversations"][0]["assistantId"] is UNDEFINED


def test_layout_promise_becomes_a_registered_deferred() -> None:
    deferreds: dict[int, Deferred] = {}
    layout = unflatten(example_nodes()[1][1], deferreds=deferreds)
    assert isinstance(layout, dict)
    # ["Promise",1] points at index 1, the shared number 1 (also nConversations).
    assert layout["nConversations"] == 1
    assert isinstance(layout["assistants"], Deferred)
    assert layout["assistants"].id == 1
    assert deferreds == {1: layout["assistants"]}
    assert not layout["assistants"].settled


# --- Sentinels and typed values ----------------------------------------------------------------


def test_sentinels() -> None:
    value = unflatten([[-1, -3, -4, -5, -6, 1], 0.5])
    assert isinstance(value, list)
    assert value[0] is UNDEFINED
    assert math.isnan(value[1])
    assert value[2:4] == [math.inf, -math.inf]
    assert value[4] == 0
    assert math.copysign(1, value[4]) == -1
    assert value[5] == 0.5


def test_holes_read_as_undefined_only_inside_arrays() -> None:
    assert unflatten([[1, -2, 1], "x"]) == ["x", UNDEFINED, "x"]
    with pytest.raises(CodecError, match="sentinel -2"):
        unflatten([{"a": -2}])


def test_sparse_array() -> None:
    assert unflatten([[-7, 4, 1, 1, 3, 2], "a", "b"]) == [UNDEFINED, "a", UNDEFINED, "b"]
    with pytest.raises(CodecError, match="too big"):
        unflatten([[-7, 2**32 - 1, 0, 0]])
    # The limit holds for all sparse arrays of a value together.
    with pytest.raises(CodecError, match="too big"):
        unflatten([list(range(1, 7)), *[[-7, 1 << 20] for _ in range(6)]])
    with pytest.raises(CodecError, match="sparse array index"):
        unflatten([[-7, 2, 5, 0]])


@pytest.mark.parametrize(
    ("sentinel", "expected"), [(-1, UNDEFINED), (-4, math.inf), (-5, -math.inf)]
)
def test_a_lone_sentinel_is_the_whole_value(sentinel: int, expected: object) -> None:
    # devalue `stringify(undefined)` is "-1": the root is the bare number.
    assert unflatten(sentinel) == expected
    assert devalue.parse(str(sentinel)) == expected


def test_dates_are_timezone_aware() -> None:
    value = unflatten([["Date", "2025-06-02T09:14:03.512Z"]])
    assert value == datetime(2025, 6, 2, 9, 14, 3, 512000, tzinfo=UTC)
    assert unflatten([["Date", ""]]) is INVALID_DATE
    with pytest.raises(CodecError, match="index 0"):
        unflatten([["Date", "+275760-09-13T00:00:00.000Z"]])


def test_set_map_bigint_regexp() -> None:
    assert unflatten([["Set", 1, 2], "a", 3]) == {"a", 3}
    assert unflatten([["Map", 1, 2, 3, 1], 7, "seven", True]) == {7: "seven", True: 7}
    assert unflatten([["BigInt", "123456789012345678901234567890"]]) == (
        123456789012345678901234567890
    )
    assert unflatten([["RegExp", "a/b"]]) == JSRegExp("a/b", "")
    assert unflatten([["RegExp", "^x$", "gi"]]) == JSRegExp("^x$", "gi")


def test_null_prototype_object_and_boxed_primitives() -> None:
    assert unflatten([["null", "a", 1, "b", -1], 2]) == {"a": 2, "b": UNDEFINED}
    # devalue 5.7 and later point at the primitive; older versions wrote it inline.
    assert unflatten([["Object", 1], "boxed"]) == "boxed"
    assert unflatten([["Object", "inline"]]) == "inline"
    with pytest.raises(CodecError, match="wrap a primitive"):
        unflatten([["Object", 1], {"a": 0}])


def test_strings_urls_and_buffers() -> None:
    assert unflatten([["URL", "https://hf.co/"]]) == TaggedString("URL", "https://hf.co/")
    assert unflatten([["Temporal.PlainDate", "2025-06-02"]]) == TaggedString(
        "Temporal.PlainDate", "2025-06-02"
    )
    assert unflatten([["ArrayBuffer", "AQID"]]) == b"\x01\x02\x03"
    # devalue 5.1 inlined a typed array's buffer; later versions point at an ArrayBuffer,
    # optionally with an offset and an element count.
    assert unflatten([["Uint8Array", "AQID"]]) == TypedArray("Uint8Array", b"\x01\x02\x03")
    assert unflatten([["Uint16Array", 1, 2, 1], ["ArrayBuffer", "AAECAw=="]]) == TypedArray(
        "Uint16Array", b"\x02\x03"
    )
    with pytest.raises(CodecError, match="ArrayBuffer"):
        unflatten([["Uint8Array", 1], "AQID"])


def test_custom_revivers_take_precedence() -> None:
    revived = unflatten(
        [{"v": 1, "d": 3}, ["Vector", 2], [4, 5], ["Date", "2025-01-01T00:00:00.000Z"], 1, 2],
        revivers={"Vector": lambda payload: ("vector", payload), "Date": str},
    )
    assert revived == {"v": ("vector", [1, 2]), "d": "2025-01-01T00:00:00.000Z"}
    with pytest.raises(CodecError, match="unknown type 'Vector'"):
        unflatten([["Vector", 1], 1])


def test_promise_ids_must_be_integers() -> None:
    with pytest.raises(CodecError, match="Promise id"):
        unflatten([["Promise", 1], "one"])


def test_deferred_settles_once() -> None:
    deferred = Deferred(3)
    assert repr(deferred) == "Deferred(id=3, pending)"
    with pytest.raises(CodecError, match="pending"):
        _ = deferred.value
    deferred.resolve([1])
    assert deferred.settled
    assert not deferred.rejected
    assert deferred.value == [1]
    with pytest.raises(CodecError, match="settled twice"):
        deferred.reject("late")
    failed = Deferred(4)
    failed.reject({"message": "boom"})
    assert failed.rejected
    assert failed.error == {"message": "boom"}
    with pytest.raises(CodecError, match="rejected"):
        _ = failed.value
    # Identity, not equality: two promises with one id are two promises.
    assert Deferred(1) != Deferred(1)


def test_undefined_is_a_falsy_singleton() -> None:
    assert repr(UNDEFINED) == str(UNDEFINED) == "UNDEFINED"
    assert not UNDEFINED
    assert UNDEFINED is not None
    assert copy.deepcopy([UNDEFINED])[0] is UNDEFINED
    assert repr(INVALID_DATE) == "INVALID_DATE"


# --- Identity and cycles -----------------------------------------------------------------------


def test_cycles_are_kept() -> None:
    looped = unflatten([[0]])
    assert isinstance(looped, list)
    assert looped[0] is looped
    node = unflatten([{"self": 0, "children": 1}, [0]])
    assert isinstance(node, dict)
    assert node["self"] is node
    assert node["children"][0] is node


def test_a_revived_value_that_contains_itself_is_refused() -> None:
    with pytest.raises(CodecError, match="contains itself"):
        unflatten([["Custom", 0]], revivers={"Custom": lambda payload: payload})


def test_deep_chains_do_not_recurse() -> None:
    depth = 50_000
    data: list[object] = [[i + 1] for i in range(depth)] + [[]]
    value = unflatten(data)
    for _ in range(depth):
        assert isinstance(value, list)
        value = value[0]
    assert value == []


def test_set_members_python_cannot_hold() -> None:
    with pytest.raises(CodecError, match="Set member of type dict"):
        unflatten([["Set", 1], {}])
    with pytest.raises(CodecError, match="collides"):
        unflatten([["Set", 1, 2], 1, True])  # distinct in JavaScript, equal in Python
    with pytest.raises(CodecError, match="Map key of type list"):
        unflatten([["Map", 1, 1], []])
    with pytest.raises(CodecError, match="Set member of type set"):
        unflatten([["Set", 0]])  # a Set holding itself: `in` alone would not notice


# --- Bad input ---------------------------------------------------------------------------------

MALFORMED: list[object] = [
    [],
    {},
    "text",
    None,
    5,
    -9,
    [{"a": 9}],
    [{"a": "1"}],
    [{"a": 1.5}, 1],
    [[True]],
    [["Nope", 1]],
    [["Date"]],
    [["Date", 5]],
    [["Set", 5]],
    [["Map", 1]],
    [["null", "a"]],
    [["null", 5, 1], 2],
    [["BigInt", "12a"]],
    [["BigInt"]],
    [["RegExp", 1]],
    [["Object"]],
    [["Object", None]],
    [["ArrayBuffer", "not base64!"]],
    [["Uint8Array"]],
    [["Uint8Array", 1, 4, 8], ["ArrayBuffer", "AAAA"]],
    [["Promise"]],
    [["Promise", 1, 2], 0],
    [{"__proto__": 1}, 2],
    [[-7, "x"]],
    [[-7, 2, 0]],
    [(1, 2)],
]


@pytest.mark.parametrize("data", MALFORMED, ids=repr)
def test_malformed_input_raises_codec_error(data: object) -> None:
    with pytest.raises(CodecError):
        unflatten(data)


def test_parse_reports_the_byte_offset_of_bad_json() -> None:
    with pytest.raises(CodecError) as caught:
        devalue.parse('["é", nope]')
    assert caught.value.offset == 7  # "é" is two bytes
    with pytest.raises(CodecError, match="NaN is not JSON"):
        devalue.parse("[NaN]")


TAGS = (
    "Date",
    "Set",
    "Map",
    "null",
    "BigInt",
    "RegExp",
    "Object",
    "Promise",
    "ArrayBuffer",
    "URL",
    "Int16Array",
)
json_scalars = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=5)
fuzz_entries = st.recursive(
    json_scalars | st.integers(-8, 12),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=3), inner, max_size=4)
        | st.tuples(st.sampled_from(TAGS), st.lists(inner, max_size=4)).map(
            lambda tagged: [tagged[0], *tagged[1]]
        )
    ),
    max_leaves=12,
)


@given(data=st.lists(fuzz_entries, min_size=1, max_size=8))
def test_any_json_array_decodes_or_raises_codec_error(data: list[object]) -> None:
    # Any exception other than CodecError (IndexError, TypeError...) fails the test.
    with contextlib.suppress(CodecError):
        unflatten(data)


# --- Round trip through the test encoder -------------------------------------------------------

keys = st.text(max_size=6).filter(lambda key: key != "__proto__")
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.just(UNDEFINED)
    | moments
)
trees = st.recursive(
    leaves | st.sets(st.text(max_size=4), max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=15,
)


class Shared:
    """A placeholder a tree holds where the shared value goes."""

    def __init__(self, which: int) -> None:
        self.which = which


@st.composite
def graphs(draw: st.DrawFn) -> object:
    """A tree in which some places hold the very same list or dict."""
    containers = st.lists(trees, max_size=3) | st.dictionaries(keys, trees, max_size=3)
    pool = draw(st.lists(containers, min_size=1, max_size=3))
    skeleton = draw(
        st.recursive(
            trees | st.integers(0, len(pool) - 1).map(Shared),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
            max_leaves=20,
        )
    )

    def place(node: object) -> object:
        if isinstance(node, Shared):
            return pool[node.which]
        if isinstance(node, list):
            return [place(item) for item in node]
        if isinstance(node, dict):
            return {key: place(item) for key, item in node.items()}
        return node

    return place(skeleton)


@given(value=graphs())
def test_decode_inverts_encode(value: object) -> None:
    decoded = unflatten(encode(value))
    assert decoded == value
    assert_same_graph(value, decoded)


@given(value=graphs())
def test_decode_inverts_encode_through_json_text(value: object) -> None:
    decoded = devalue.parse(json.dumps(encode(value)))
    assert_same_graph(value, decoded)


def test_encoder_shares_like_devalue() -> None:
    shared = ["x"]
    assert encode({"a": shared, "b": shared, "c": 1, "d": True}) == [
        {"a": 1, "b": 1, "c": 3, "d": 4},
        [2],
        "x",
        1,
        True,
    ]
