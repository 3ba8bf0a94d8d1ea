"""codec.legacy.jsliteral: what devalue uneval writes, and nothing else; a test-side uneval."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from codec.jsvalues import INVALID_DATE, UNDEFINED, JSRegExp, TaggedString
from codec.legacy.devalue import Deferred
from codec.legacy.jsliteral import LiteralReader, parse_literal, read_literal
from tests.test_devalue import assert_same_graph

# --- Literal forms (devalue src/uneval.js stringify_primitive, utils.js stringify_string) ------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".6", 0.6),
        ("-.5", -0.5),
        ("0.5", 0.5),  # typed-array text keeps the leading zero
        ("1e+21", 1e21),
        ("1.5e-7", 1.5e-7),
        ("-1", -1),
        ("12345678901234567890n", 12345678901234567890),
        ("-5n", -5),
        ("NaN", math.nan),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("void 0", UNDEFINED),
        ("true", True),
        ("false", False),
        ("null", None),
    ],
)
def test_numbers_and_constants(text: str, expected: object) -> None:
    assert_same_graph(expected, parse_literal(text))


def test_negative_zero_keeps_its_sign() -> None:
    value = parse_literal("-0")
    assert isinstance(value, float)
    assert math.copysign(1, value) == -1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r'"\u003Cscript>"', "<script>"),
        (r'"\ud83d\ude00"', "😀"),  # a surrogate pair is one character
        (r'"\ud83d"', "\ud83d"),  # a lone surrogate stays (JSON.stringify escapes it)
        (r'"a\nb\tc\rd\be\ff\u0000"', "a\nb\tc\rd\be\ff\0"),
        (r'"\"quoted\" \\ \u2028"', '"quoted" \\ \u2028'),
        ("'kit writes app.decode(\\'key\\', ...)'", "kit writes app.decode('key', ...)"),
        ('"raw \u2028 separator"', "raw \u2028 separator"),
    ],
)
def test_string_escapes(text: str, expected: str) -> None:
    assert parse_literal(text) == expected


def test_objects_keys_and_arrays() -> None:
    text = (
        '{id:"x",temperature:.6,"quoted key":1,"\\u003C":2,"3":"three",default:"keyword",'
        "tokenizer:void 0,nested:{a:[1,,2],b:[,],c:[1,,]}}"
    )
    assert parse_literal(text) == {
        "id": "x",
        "temperature": 0.6,
        "quoted key": 1,
        "<": 2,
        "3": "three",
        "default": "keyword",
        "tokenizer": UNDEFINED,
        "nested": {"a": [1, UNDEFINED, 2], "b": [UNDEFINED], "c": [1, UNDEFINED]},
    }


def test_constructors() -> None:
    assert parse_literal("new Date(1748855643512)") == datetime(
        2025, 6, 2, 9, 14, 3, 512000, tzinfo=UTC
    )
    assert parse_literal("new Date(NaN)") is INVALID_DATE
    assert parse_literal('new Set(["a",1])') == {"a", 1}
    assert parse_literal('new Map([[1,"one"],["k",void 0]])') == {1: "one", "k": UNDEFINED}
    assert parse_literal('new RegExp("a\\\\/b","gi")') == JSRegExp("a\\/b", "gi")
    assert parse_literal('new RegExp("a", "g")') == JSRegExp("a", "g")  # devalue 5.1
    assert parse_literal('new RegExp("a")') == JSRegExp("a", "")
    assert parse_literal('new URL("https://hf.co/chat")') == TaggedString(
        "URL", "https://hf.co/chat"
    )
    assert parse_literal('new URLSearchParams("a=1")') == TaggedString("URLSearchParams", "a=1")
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
    assert parse_literal("Object(5n)") == 5
    assert parse_literal("Object.create(null)") == {}
    assert parse_literal("Object.assign(Object.create(null),{a:1})") == {"a": 1}  # devalue ≤ 5.3
    assert parse_literal("{a:1,__proto__:null}") == {"a": 1}  # devalue 5.4 and later
    assert parse_literal("{__proto__:null}") == {}


def test_shared_values_are_hoisted_into_parameters() -> None:
    text = (
        '(function(a,b,c,d){a[0]="\\u003C|endoftext|>";a[1]="\\u003C|eot_id|>";b.x=1;'
        'b["y z"]=a;c.add(1).add(2);d.set(1, a).set("k", c);'
        "return {stop:a,stop_sequences:a,first:b,second:b,set:c,map:d}"
        "}(Array(2),{},new Set,new Map))"
    )
    value = parse_literal(text)
    assert isinstance(value, dict)
    assert value["stop"] == ["<|endoftext|>", "<|eot_id|>"]
    assert value["stop"] is value["stop_sequences"]
    assert value["first"] is value["second"]
    assert value["first"] == {"x": 1, "y z": value["stop"]}
    assert value["set"] == {1, 2}
    assert value["map"] == {1: value["stop"], "k": value["set"]}


def test_cycles_and_old_hoisted_forms() -> None:
    # devalue 5.1 hoisted a RegExp as its literal; a cycle is a parameter that holds itself.
    text = (
        "(function(a,b,c,d){a.self=a;a.inner=(function(a){a[0]=1;return [a,a]}(Array(1)));"
        "return [a,b,c,d]}({},/x[/]y/g,new Date(0),Object.create(null)))"
    )
    value = parse_literal(text)
    assert isinstance(value, list)
    a, b, c, d = value
    assert a["self"] is a
    assert a["inner"][0] is a["inner"][1]
    assert b == JSRegExp("x[/]y", "g")
    assert c == datetime(1970, 1, 1, tzinfo=UTC)
    assert d == {}


def test_destructured_parameters_for_huge_graphs() -> None:
    # More than 65534 hoisted values arrive as one array (devalue 5.9.1, uneval.js).
    text = '(function(){var[a,b]=arguments[0];a[0]=b;return {x:a,y:a}}([Array(1),"v"]))'
    value = parse_literal(text)
    assert isinstance(value, dict)
    assert value["x"] is value["y"]
    assert value["x"] == ["v"]


def test_read_literal_stops_after_the_value() -> None:
    text = "{a:[1,2]};</script><p>not javascript: ``` @ #"
    value, end = read_literal(text)
    assert value == {"a": [1, 2]}
    assert text[end:].startswith(";</script>")
    value, end = read_literal("xx = new Set([1]) <", 5)
    assert value == {1}
    assert end == 17


def test_the_example_page_data() -> None:
    page = (
        __import__("tests.conftest", fromlist=["DATA"]).DATA
        / "examples"
        / "huggingchat-2025-05.chat-page.html"
    ).read_text(encoding="utf-8")
    deferreds: dict[int, Deferred] = {}
    value, end = read_literal(page, page.index("data: [") + len("data: "), deferreds=deferreds)
    assert page[end:].lstrip().startswith(",")
    assert isinstance(value, list)
    layout, leaf = value
    assert leaf is None
    models = layout["data"]["models"]
    assert models[0]["parameters"]["stop"] is models[0]["parameters"]["stop_sequences"]
    assert layout["data"]["assistants"] is deferreds[1]


# --- What uneval never writes is refused, with its offset -------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("foo", "unknown name 'foo'", 0),
        ('{"é":1,b:bar}', "unknown name 'bar'", 10),  # a byte offset: "é" is two bytes
        ("undefined", "unknown name 'undefined'", 0),
        ('fetch("/x")', "unknown name 'fetch'", 0),
        ("Object.keys({})", "unknown property 'Object.keys'", 0),
        ("new Date()", "expected a value", 9),
        ('new Date("2025-06-02")', "expected a value", 9),
        ("new Foo(1)", "Foo is not a constructor uneval writes", 4),
        ("new Uint8Array([1])", "Uint8Array is not supported", 4),
        ("[1,2", "expected ']'", 4),
        ("{a 1}", "expected ':'", 3),
        ("1 + 2", "expected the end", 2),
        ("!0", "expected a name", 0),
        ("0x1F", "a name starts immediately after a number", 1),
        ("1_000", "a name starts immediately after a number", 1),
        ("1E3", "a name starts immediately after a number", 1),
        ("3in [1]", "a name starts immediately after a number", 1),
        ("1.5n", "a BigInt must be an integer", 0),
        ("/* c */ 1", "expected the end of the text", 8),  # no comments: a regex
        ("`template`", "expected a name", 0),
        ('"unterminated', "unterminated string", 0),
        ('"bad \\x41"', "invalid escape sequence", 5),
        ('"\\u{1F600}"', "invalid escape sequence", 1),
        ('"\\101"', "invalid escape sequence", 1),
        ('"line\\\ncontinued"', "invalid escape sequence", 5),
        ("[...a]", "expected a value", 1),
        ("(() => [1])()", "expected 'function'", 1),
        ("(function(a){b=1;return a}({}))", "assignment to undeclared name 'b'", 13),
        ("(function(a){a[1]=1;return a}(Array(1)))", "cannot set 1 on list a", 13),
        ("(function(a){a.add(1);return a}({}))", "dict a has no add", 13),
        ("(function(a){return a}(1,2))", "1 parameters but 2 values", 0),
        ("(function(a,a){return a}(1,2))", "a parameter name is repeated", 0),
        ("Object.create({})", "expected 'null'", 14),
        ("{__proto__:{}}", "an object's __proto__ must be null", 1),
        ('app.decode("Vector",[1])', "no decoder for transport type 'Vector'", 11),
        ("__sveltekit_x.defer(1.5)", "expected ')'", 21),
        ("Array(-1)", "expected an array index", 6),
        ("Array(4294967296)", "invalid array length", 0),
        ("new Set([{}, {}])", "Set member of type dict", 4),
        ("new Map([[1,2,3]])", "Map entries must be [key, value] pairs", 4),
        ("Object.assign(Array(2),{5:1})", "sparse array index '5' is out of range", 0),
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
    with pytest.raises(CodecError, match="nesting deeper"):
        parse_literal("(function(a){return " * 200 + "1" + "}(1))" * 200)


def test_hostile_pages_are_bounded() -> None:
    with pytest.raises(CodecError, match="slots in all"):
        parse_literal("[" + ",".join(["Array(1048576)"] * 5) + "]")
    arrays = LiteralReader("Array(3000000)")
    arrays.read()
    with pytest.raises(CodecError, match="slots in all"):
        arrays.read()  # one budget per reader, however many values it reads
    with pytest.raises(CodecError, match="invalid number"):
        parse_literal("1" * 5000)  # beyond Python's int digit limit


def test_sveltekit_globals_defer_and_decode() -> None:
    deferreds: dict[int, Deferred] = {}
    value = parse_literal(
        "{a:__sveltekit_1p8uk7f.defer(1),b:app.decode('Vector', [1,2]),c:__sveltekit_x.defer(1)}",
        deferreds=deferreds,
        decoders={"Vector": lambda payload: ("vector", payload)},
    )
    assert value == {"a": deferreds[1], "b": ("vector", [1, 2]), "c": deferreds[1]}
    assert deferreds[1].id == 1


def test_reader_errors_count_utf8_bytes() -> None:
    text = "'é' x"
    error = LiteralReader(text).error(text.index("x"), "here")
    assert error.message == "here"
    assert error.offset == len("'é' ".encode())
    assert error.line == b"'\xc3\xa9' x"


# --- Property: JSON text is uneval text --------------------------------------------------------

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


@given(value=json_values, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 0, 2]))
def test_json_text_reads_as_the_same_value(
    value: object, ensure_ascii: bool, indent: int | None
) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
    assert parse_literal(text) == value


# --- Property: a test-side uneval (written from devalue 5.9.1 src/uneval.js) -------------------


class JSMap(dict[object, object]):
    """Encoded as a Map; reads back as a plain dict."""


class NullProto(dict[str, object]):
    """Encoded as a null-prototype object; reads back as a plain dict."""


_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
_RESERVED = re.compile(
    r"(?:do|if|in|for|int|let|new|try|var|byte|case|char|else|enum|goto|long|this|void|with"
    r"|await|break|catch|class|const|final|float|short|super|throw|while|yield|delete|double"
    r"|export|import|native|return|switch|throws|typeof|boolean|default|extends|finally|package"
    r"|private|abstract|continue|debugger|function|volatile|interface|protected|transient"
    r"|implements|instanceof|synchronized)\Z"
)
_IDENTIFIER = re.compile(r"[_$a-zA-Z][_$a-zA-Z0-9]*\Z")
_UNSAFE = {"<": "\\u003C", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _name(number: int) -> str:
    name = ""
    while True:
        name = _CHARS[number % len(_CHARS)] + name
        number = number // len(_CHARS) - 1
        if number < 0:
            break
    return f"{name}0" if _RESERVED.match(name) else name


def _js_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in _UNSAFE:
            out.append(_UNSAFE[char])
        elif char in "\n\r\t\b\f":
            out.append(json.dumps(char)[1:-1])
        elif char < " " or "\ud800" <= char <= "\udfff":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out) + '"'


def _js_number(number: float) -> str:
    if isinstance(number, int):
        return f"{number}n" if abs(number) > 2**53 else str(number)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0" if math.copysign(1, number) < 0 else "0"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    text = repr(number)
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa.removesuffix('.0')}e{'+' if not exponent.startswith('-') else ''}"
        text += exponent.lstrip("+")
    return re.sub(r"^(-?)0\.", r"\1.", text)


def uneval(value: object) -> str:
    """JavaScript for ``value`` as devalue uneval writes it, hoisting what appears twice."""
    counts: Counter[int] = Counter()
    objects: dict[int, object] = {}

    def walk(thing: object) -> None:
        if not isinstance(thing, list | dict | set | Deferred):
            return
        counts[id(thing)] += 1
        if counts[id(thing)] > 1:
            return
        objects[id(thing)] = thing
        if isinstance(thing, JSMap):
            for key, item in thing.items():
                walk(key)
                walk(item)
        elif isinstance(thing, dict):
            for item in thing.values():
                walk(item)
        elif isinstance(thing, list | set):
            for item in thing:
                walk(item)

    walk(value)
    shared = sorted((k for k, n in counts.items() if n > 1), key=lambda k: -counts[k])
    names = {key: _name(i) for i, key in enumerate(shared)}

    def write(thing: object) -> str:
        if id(thing) in names:
            return names[id(thing)]
        if thing is UNDEFINED:
            return "void 0"
        if thing is None or isinstance(thing, bool):
            return json.dumps(thing)
        if isinstance(thing, int | float):
            return _js_number(thing)
        if isinstance(thing, str):
            return _js_string(thing)
        if isinstance(thing, Deferred):
            return f"__sveltekit_abc.defer({thing.id})"
        if thing is INVALID_DATE:
            return "new Date(NaN)"
        if isinstance(thing, datetime):
            ms = (thing - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
            return f"new Date({ms})"
        if isinstance(thing, JSRegExp):
            args = _js_string(thing.source) + (f',"{thing.flags}"' if thing.flags else "")
            return f"new RegExp({args})"
        if isinstance(thing, TaggedString):
            if thing.tag.startswith("Temporal."):
                return f"{thing.tag}.from({_js_string(thing.text)})"
            return f"new {thing.tag}({_js_string(thing.text)})"
        if isinstance(thing, set):
            return f"new Set([{','.join(write(item) for item in thing)}])"
        if isinstance(thing, JSMap):
            pairs = ",".join(f"[{write(k)},{write(v)}]" for k, v in thing.items())
            return f"new Map([{pairs}])"
        if isinstance(thing, list):
            return _array(thing, write)
        assert isinstance(thing, dict)
        body = ",".join(f"{_js_key(k)}:{write(v)}" for k, v in thing.items())
        if isinstance(thing, NullProto):
            return f"{{{body},__proto__:null}}" if thing else "{__proto__:null}"
        return f"{{{body}}}"

    body = write(value)
    if not names:
        return body
    params, args, statements = [], [], []
    for key, name in names.items():
        thing = objects[key]
        params.append(name)
        if isinstance(thing, Deferred):
            args.append(f"__sveltekit_abc.defer({thing.id})")
        elif isinstance(thing, list):
            args.append(f"Array({len(thing)})")
            statements += [
                f"{name}[{i}]={write(item)}"
                for i, item in enumerate(thing)
                if item is not UNDEFINED
            ]
        elif isinstance(thing, set):
            args.append("new Set")
            if thing:
                statements.append(name + "".join(f".add({write(m)})" for m in thing))
        elif isinstance(thing, JSMap):
            args.append("new Map")
            if thing:
                statements.append(
                    name + "".join(f".set({write(k)}, {write(v)})" for k, v in thing.items())
                )
        else:
            assert isinstance(thing, dict)
            args.append("Object.create(null)" if isinstance(thing, NullProto) else "{}")
            statements += [f"{name}{_js_prop(k)}={write(v)}" for k, v in thing.items()]
    statements.append(f"return {body}")
    return f"(function({','.join(params)}){{{';'.join(statements)}}}({','.join(args)}))"


def _array(thing: list[object], write: object) -> str:
    assert callable(write)
    # Holes stand for UNDEFINED; Object.assign(Array(n),{...}) when that is shorter, as uneval.
    holes = [item is UNDEFINED for item in thing]
    if any(holes):
        populated = [i for i, hole in enumerate(holes) if not hole]
        digits = len(str(len(thing)))
        if len(thing) + 2 > 25 + digits + len(populated) * (digits + 2):
            entries = ",".join(f"{i}:{write(thing[i])}" for i in populated)
            return f"Object.assign(Array({len(thing)}),{{{entries}}})"
    members = ["" if hole else write(item) for item, hole in zip(thing, holes, strict=True)]
    tail = "," if thing and holes[-1] else ""
    return f"[{','.join(members)}{tail}]"


def _js_key(key: str) -> str:
    return key if _IDENTIFIER.match(key) else _js_string(key)


def _js_prop(key: str) -> str:
    return f".{key}" if _IDENTIFIER.match(key) else f"[{_js_string(key)}]"


def plain(value: object, memo: dict[int, object] | None = None) -> object:
    """What the reader gives for ``value``: plain dicts for Maps and null-prototype objects."""
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, dict):
        result: dict[object, object] = {}
        memo[id(value)] = result
        for key, item in value.items():
            result[plain(key, memo)] = plain(item, memo)
        return result
    if isinstance(value, list):
        items: list[object] = []
        memo[id(value)] = items
        items.extend(plain(item, memo) for item in value)
        return items
    return value


keys = st.text(max_size=6).filter(lambda key: key != "__proto__")
leaves = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=10)
    | st.just(UNDEFINED)
    | st.just(INVALID_DATE)
    | st.sampled_from(["a<b</script>", "\u2028", "\\", "'", '"', "\ud800", "\x00\x1f"])
    | st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
    | st.builds(JSRegExp, st.text("ab/\\*", max_size=6), st.sampled_from(["", "g", "gi"]))
    | st.builds(
        TaggedString,
        st.sampled_from(["URL", "URLSearchParams", "Temporal.Instant"]),
        st.text(max_size=6),
    )
)
hashable = st.none() | st.text(max_size=4) | st.integers(-5, 5) | st.just(UNDEFINED)


def containers(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return (
        st.lists(inner, max_size=4)
        | st.dictionaries(keys, inner, max_size=4)
        | st.dictionaries(keys, inner, max_size=3).map(NullProto)
        | st.dictionaries(hashable, inner, max_size=3).map(JSMap)
        | st.sets(st.text(max_size=4) | st.none(), max_size=3)
        | st.lists(st.sampled_from([UNDEFINED, 1]), min_size=30, max_size=40)
    )


@st.composite
def shared_graphs(draw: st.DrawFn) -> object:
    pool = draw(st.lists(containers(leaves), min_size=1, max_size=3))
    root = draw(st.recursive(leaves | st.sampled_from(pool), containers, max_leaves=20))
    if draw(st.booleans()) and isinstance(pool[0], list):
        pool[0].append(pool[0])  # a cycle
    return root


@given(value=shared_graphs())
def test_uneval_output_reads_back_with_sharing(value: object) -> None:
    text = uneval(value)
    assert_same_graph(plain(value), parse_literal(text))


def test_the_uneval_helper_writes_what_devalue_writes() -> None:
    shared = [0.6]
    assert uneval({"stop": shared, "stop_sequences": shared, "t": -0.5}) == (
        "(function(a){a[0]=.6;return {stop:a,stop_sequences:a,t:-.5}}(Array(1)))"
    )
    assert uneval([UNDEFINED, 1, UNDEFINED]) == "[,1,,]"
    assert uneval([UNDEFINED] * 40 + [1]) == "Object.assign(Array(41),{40:1})"
    assert [_name(i) for i in (0, 53, 54)] == ["a", "$", "aa"]
    assert "do0" in {_name(i) for i in range(300)}


def test_many_shared_values_use_long_and_reserved_names() -> None:
    pool = [[i] for i in range(300)]
    value = {"x": pool, "y": pool[::-1]}
    text = uneval(value)
    assert "do0" in text
    assert_same_graph(value, parse_literal(text))
