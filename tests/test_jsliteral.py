"""codec.legacy.jsliteral: uneval's literal forms, the IIFE for shared values, the reader's API."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from codec.jsvalues import UNDEFINED, JSRegExp, TaggedString
from codec.legacy.devalue import Deferred
from codec.legacy.jsliteral import LiteralReader, parse_literal, read_literal
from tests.test_devalue import assert_same_graph

# --- Literal forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".6", 0.6),
        ("-.5", -0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("1E-3", 0.001),
        ("-1", -1),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("1_000", 1000),
        ("12345678901234567890n", 12345678901234567890),
        ("NaN", math.nan),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("void 0", UNDEFINED),
        ("undefined", UNDEFINED),
        ("true", True),
        ("false", False),
        ("null", None),
        ("!0", True),
        ("!1", False),
    ],
)
def test_numbers_and_constants(text: str, expected: object) -> None:
    value = parse_literal(text)
    assert_same_graph(expected, value)


def test_negative_zero_keeps_its_sign() -> None:
    value = parse_literal("-0")
    assert value == 0
    assert isinstance(value, float)
    assert math.copysign(1, value) == -1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r'"\u003Cscript>"', "<script>"),
        (r"'\x41\x42'", "AB"),
        (r'"\u{1F600}"', "😀"),
        (r'"\ud83d\ude00"', "😀"),  # a surrogate pair is one character
        (r'"\ud83d"', "\ud83d"),  # a lone surrogate stays
        (r'"a\nb\tc\rd\be\ff\vg\0"', "a\nb\tc\rd\be\ff\vg\0"),
        (r'"\101\7"', "A\x07"),  # legacy octal escapes
        ("'it\\'s \"quoted\"'", 'it\'s "quoted"'),
        ('"line\\\ncontinued"', "linecontinued"),
        (r'"\q\/"', "q/"),  # other escapes stand for the character
        ('"raw \u2028 separator"', "raw \u2028 separator"),
    ],
)
def test_string_escapes(text: str, expected: str) -> None:
    assert parse_literal(text) == expected


def test_proto_keys_set_no_property() -> None:
    assert parse_literal('{__proto__:null,"__proto__":1,a:2}') == {"a": 2}


def test_objects_keys_and_arrays() -> None:
    text = (
        '{id:"x",temperature:.6,"quoted key":1,"\\u003C":2,3:"three",1.50:"num",'
        'default:"keyword",tokenizer:void 0,nested:{a:[1,,2,],b:[,]},}'
    )
    assert parse_literal(text) == {
        "id": "x",
        "temperature": 0.6,
        "quoted key": 1,
        "<": 2,
        "3": "three",
        "1.5": "num",
        "default": "keyword",
        "tokenizer": UNDEFINED,
        "nested": {"a": [1, UNDEFINED, 2], "b": [UNDEFINED]},
    }


def test_comments_and_whitespace_are_skipped() -> None:
    assert parse_literal(" /* a */ [1, // b\n 2]\n") == [1, 2]


def test_constructors() -> None:
    assert parse_literal("new Date(1748855643512)") == datetime(
        2025, 6, 2, 9, 14, 3, 512000, tzinfo=UTC
    )
    assert parse_literal('new Date("2025-06-02T09:14:03.512Z")') == datetime(
        2025, 6, 2, 9, 14, 3, 512000, tzinfo=UTC
    )
    assert parse_literal('new Set(["a",1])') == {"a", 1}
    assert parse_literal('new Map([[1,"one"],["k",void 0]])') == {1: "one", "k": UNDEFINED}
    assert parse_literal('new RegExp("a\\\\/b","gi")') == JSRegExp("a\\/b", "gi")
    assert parse_literal('new URL("https://hf.co/chat")') == TaggedString(
        "URL", "https://hf.co/chat"
    )
    assert parse_literal('Temporal.PlainDate.from("2025-06-02")') == TaggedString(
        "Temporal.PlainDate", "2025-06-02"
    )
    assert parse_literal("Array(3)") == [UNDEFINED] * 3
    assert parse_literal('Object.assign(Array(4),{2:"x"})') == [
        UNDEFINED,
        UNDEFINED,
        "x",
        UNDEFINED,
    ]
    assert parse_literal('Object("boxed")') == "boxed"
    assert parse_literal("Object.create(null)") == {}
    assert parse_literal("Object.assign(Object.create(null),{a:1})") == {"a": 1}
    assert parse_literal("{a:1,__proto__:null}") == {"a": 1}


def test_iife_parameters_share_values() -> None:
    # uneval hoists a value used twice into a parameter (devalue src/uneval.js).
    text = (
        '(function(a,b,c){a[0]="\\u003C|endoftext|>";a[1]="\\u003C|eot_id|>";b.x=1;'
        "c.add(a).add(2);return {stop:a,stop_sequences:a,first:b,second:b,set:c}"
        "}(Array(2),{},new Set))"
    )
    with pytest.raises(CodecError, match="Set member of type list"):
        parse_literal(text)  # a list cannot be a Python set member
    value = parse_literal(text.replace("c.add(a)", "c.add(1)"))
    assert isinstance(value, dict)
    assert value["stop"] == ["<|endoftext|>", "<|eot_id|>"]
    assert value["stop"] is value["stop_sequences"]
    assert value["first"] is value["second"]
    assert value["first"] == {"x": 1}
    assert value["set"] == {1, 2}


def test_nested_iife_and_hoisted_kinds() -> None:
    text = (
        "(function(a,b,c,d,e){a.self=a;b.set(1,a);a.inner=(function(f){f[0]=e;return [f,f]}"
        '(Array(1)));return [a,b,c,d,e]}({},new Map,/x[/]y/g,new Date(0),Object("s")))'
    )
    value = parse_literal(text)
    assert isinstance(value, list)
    a, b, c, d, e = value
    assert a["self"] is a
    assert b == {1: a}
    assert a["inner"][0] is a["inner"][1]
    assert a["inner"][0] == ["s"]
    assert c == JSRegExp("x[/]y", "g")
    assert d == datetime(1970, 1, 1, tzinfo=UTC)
    assert e == "s"


def test_destructured_parameters_for_huge_graphs() -> None:
    # More than 65534 hoisted values arrive as one array (devalue 5.9.1, uneval.js).
    text = '(function(){var[a,b]=arguments[0];a[0]=b;return {x:a,y:a}}([Array(1),"v"]))'
    value = parse_literal(text)
    assert isinstance(value, dict)
    assert value["x"] is value["y"]
    assert value["x"] == ["v"]


def test_arrow_functions() -> None:
    assert parse_literal("(() => [1])()") == [1]
    assert parse_literal("(x => [x])(2)") == [2]
    assert parse_literal("((a, b) => { return [b, a] })(1, 2)") == [2, 1]


def test_read_literal_stops_after_the_value() -> None:
    text = "{a:[1,2]};</script><p>not javascript: ``` @ #"
    value, end = read_literal(text)
    assert value == {"a": [1, 2]}
    assert text[end:].startswith(";</script>")
    value, end = read_literal("xx = new Set([1]) <", 5)
    assert value == {1}
    assert end == 17


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("foo", "unknown name 'foo'", 0),
        ('{"é":1,b:bar}', "unknown name 'bar'", 10),  # a byte offset: "é" is two bytes
        ('fetch("/x")', "unknown name 'fetch'", 0),
        ("Object.keys({})", "unknown property 'Object.keys'", 6),
        ("new Date()", "new Date needs one time value", 0),
        ("[1,2", "expected ','", 4),
        ("{a 1}", "expected ':'", 3),
        ("1 + 2", "expected the end", 2),
        ("`template`", "unexpected character '`'", 0),
        ('"unterminated', "unterminated string", 0),
        ('"bad \\x4"', "invalid escape", 5),
        ("[...a]", "spread", 1),
        ("3in [1]", "identifier starts immediately after a number", 1),
        ("1.5n", "a BigInt must be an integer", 0),
        ("(function(a){b=1}({}))", "undeclared name 'b'", 13),
        ("({}).x.y", "cannot read property 'y' of undefined", 6),
        ("new Foo(1)", "unknown name 'Foo'", 4),
        ("Object.create({})", "only Object.create(null)", 13),
        ("{__proto__:{}}", "an object __proto__", 11),
        ('app.decode("Vector",[1])', "no decoder for transport type 'Vector'", 10),
        ("__sveltekit_x.defer(1.5)", "expected an integer", 19),
        ("Array(-1)", "invalid array length", 5),
        ("Array(1.5)", "invalid array length", 5),
    ],
)
def test_errors_name_the_problem_and_its_offset(text: str, message: str, offset: int) -> None:
    with pytest.raises(CodecError, match=re.escape(message)) as caught:
        parse_literal(text)
    assert caught.value.offset == offset


def test_deep_nesting_is_refused_not_a_recursion_error() -> None:
    assert parse_literal("[" * 90 + "]" * 90) is not None
    with pytest.raises(CodecError, match="nesting deeper"):
        parse_literal("[" * 5000 + "]" * 5000)
    with pytest.raises(CodecError, match="chain of more than"):
        parse_literal("Object" + ".x" * 5000)


def test_hostile_pages_are_bounded() -> None:
    # A self-applying function would recurse forever; huge arrays would exhaust memory.
    with pytest.raises(CodecError, match="calls nested deeper"):
        parse_literal("(function(f){return f(f)}(function(f){return f(f)}))")
    with pytest.raises(CodecError, match="slots in all"):
        parse_literal("[" + ",".join(["Array(1048576)"] * 5) + "]")
    with pytest.raises(CodecError, match="slots in all"):
        parse_literal("(function(a){a[4294967294]=1;return a}([]))")


def test_sveltekit_globals_defer_and_decode() -> None:
    deferreds: dict[int, Deferred] = {}
    value = parse_literal(
        '{a:__sveltekit_1p8uk7f.defer(1),b:app.decode("Vector",[1,2])}',
        deferreds=deferreds,
        decoders={"Vector": lambda payload: ("vector", payload)},
    )
    assert value == {"a": deferreds[1], "b": ("vector", [1, 2])}
    assert deferreds[1].id == 1


# --- Property: JSON is a JavaScript literal ----------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    # In a JavaScript literal (unlike JSON.parse) a "__proto__" key sets the prototype.
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text().filter(lambda key: key != "__proto__"), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(
    value=json_values,
    ensure_ascii=st.booleans(),
    indent=st.sampled_from([None, 0, 2, "\t"]),
)
def test_json_text_reads_as_the_same_value(
    value: object, ensure_ascii: bool, indent: int | str | None
) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
    assert parse_literal(text) == value


# --- Property: a test-only uneval, with hoisting -----------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*\Z", re.ASCII)
_RESERVED = {"void", "new", "function", "return", "var", "typeof", "true", "false", "null"}


def _js_string(text: str) -> str:
    # uneval's escaping: JSON plus "<" and the two line separators (devalue src/utils.js).
    escaped = json.dumps(text, ensure_ascii=False).replace("<", "\\u003C")
    return escaped.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _js_number(number: float) -> str:
    if isinstance(number, float) and number == 0 and math.copysign(1, number) < 0:
        return "-0"
    text = repr(number)
    # uneval prints `0.6` as `.6` (protocols/huggingchat.md §6).
    return re.sub(r"^(-?)0\.", r"\1.", text)


def uneval(value: object) -> str:
    """JavaScript for ``value`` in uneval's style: bare keys, `.6`, hoisted shared containers."""
    counts: Counter[int] = Counter()
    objects: dict[int, object] = {}

    def count(thing: object) -> None:
        if isinstance(thing, list | dict):
            counts[id(thing)] += 1
            if counts[id(thing)] > 1:
                return
            objects[id(thing)] = thing
            for item in thing if isinstance(thing, list) else thing.values():
                count(item)

    count(value)
    names = {key: f"_{i}" for i, key in enumerate(k for k, n in counts.items() if n > 1)}

    def write(thing: object, *, inline: bool = False) -> str:
        if id(thing) in names and not inline:
            return names[id(thing)]
        if thing is UNDEFINED:
            return "void 0"
        if thing is None or isinstance(thing, bool):
            return json.dumps(thing)
        if isinstance(thing, int | float):
            return _js_number(thing)
        if isinstance(thing, str):
            return _js_string(thing)
        if isinstance(thing, list):
            return "[" + ",".join(write(item) for item in thing) + "]"
        assert isinstance(thing, dict)
        return "{" + ",".join(f"{_js_key(k)}:{write(v)}" for k, v in thing.items()) + "}"

    body = write(value)
    if not names:
        return body
    params, args, statements = [], [], []
    for key, name in names.items():
        thing = objects[key]
        params.append(name)
        if isinstance(thing, list):
            args.append(f"Array({len(thing)})")
            statements += [f"{name}[{i}]={write(item)}" for i, item in enumerate(thing)]
        else:
            assert isinstance(thing, dict)
            args.append("{}")
            statements += [f"{name}{_js_prop(k)}={write(v)}" for k, v in thing.items()]
    statements.append(f"return {body}")
    return f"(function({','.join(params)}){{{';'.join(statements)}}}({','.join(args)}))"


def _js_key(key: str) -> str:
    return key if _IDENTIFIER.match(key) and key != "__proto__" else _js_string(key)


def _js_prop(key: str) -> str:
    return f".{key}" if _IDENTIFIER.match(key) else f"[{_js_string(key)}]"


keys = st.text(max_size=6).filter(lambda key: key != "__proto__")
leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.just(UNDEFINED)
    | st.sampled_from(["a<b</script>", "\u2028", "\\", "'", '"'])
)


@st.composite
def shared_graphs(draw: st.DrawFn) -> object:
    pool = draw(
        st.lists(
            st.lists(leaves, max_size=3) | st.dictionaries(keys, leaves, max_size=3),
            min_size=1,
            max_size=3,
        )
    )
    return draw(
        st.recursive(
            leaves | st.sampled_from(pool),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
            max_leaves=20,
        )
    )


@given(value=shared_graphs())
def test_uneval_output_reads_back_with_sharing(value: object) -> None:
    text = uneval(value)
    assert_same_graph(value, parse_literal(text))


def test_the_uneval_helper_hoists() -> None:
    shared = [0.6]
    assert uneval({"stop": shared, "stop_sequences": shared, "t": -0.5}) == (
        "(function(_0){_0[0]=.6;return {stop:_0,stop_sequences:_0,t:-.5}}(Array(1)))"
    )


# --- One text read in parts (the API codec.legacy.sveltekit uses) ------------------------------


def test_call_arguments_are_read_but_not_run() -> None:
    text = "kit.start(app, element, {a: window.secret, b: [1, 2], 'c': 3})"
    reader = LiteralReader(text)
    app, element, hydrate = reader.call_arguments(text.index("("))
    assert (app.name, element.name, hydrate.name) == ("app", "element", None)
    assert app.keys is None
    assert hydrate.keys == ("a", "b", "c")
    assert hydrate.pos == text.index("{")
    assert reader.evaluate(hydrate.only({"b", "c"})) == {"b": [1, 2], "c": 3}
    with pytest.raises(CodecError, match="unknown name 'window'") as caught:
        reader.evaluate(hydrate)
    assert caught.value.offset == text.index("window")
    with pytest.raises(TypeError):
        app.only({"a"})


def test_one_reader_shares_deferreds_and_limits_across_expressions() -> None:
    text = "{p: __sveltekit_x.defer(1)}; __sveltekit_x.resolve(1, () => ['done'])"
    deferreds: dict[int, Deferred] = {}
    reader = LiteralReader(text, deferreds=deferreds)
    value, end = reader.read()
    assert end == text.index(";")
    assert value == {"p": deferreds[1]}
    assert not deferreds[1].settled
    assert reader.read(text.index("__sveltekit_x.resolve")) == (UNDEFINED, len(text))
    assert deferreds[1].value == "done"
    arrays = LiteralReader("Array(3000000)")
    arrays.read()
    with pytest.raises(CodecError, match="slots in all"):
        arrays.read()


def test_reader_errors_count_utf8_bytes() -> None:
    text = "'é' x"
    error = LiteralReader(text).error(text.index("x"), "here")
    assert error.message == "here"
    assert error.offset == len("'é' ".encode())
    assert error.line == b"'\xc3\xa9' x"
