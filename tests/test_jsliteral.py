"""codec.jsliteral: uneval's literal forms, the IIFE for shared values, the SvelteKit bootstrap."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.devalue import UNDEFINED, Deferred, JSRegExp, TaggedString
from codec.errors import CodecError
from codec.jsliteral import parse_literal, read_kit_hydration, read_literal
from tests.conftest import DATA
from tests.test_devalue import assert_same_graph

PAGE = DATA / "examples" / "huggingchat-2025-05.chat-page.html"


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


# --- The SvelteKit bootstrap -------------------------------------------------------------------


def test_example_page_hydration() -> None:
    hydration = read_kit_hydration(PAGE.read_text(encoding="utf-8"))
    assert hydration.node_ids == [0, 2]
    assert hydration.form is None
    assert hydration.error is None
    assert hydration.status is None
    layout_node, page_node = hydration.data
    assert page_node is None
    assert isinstance(layout_node, dict)
    assert layout_node["type"] == "data"
    assert layout_node["uses"] == {"dependencies": ["conversation:list"]}
    layout = layout_node["data"]
    models = layout["models"]
    assert [m["id"] for m in models] == [
        "meta-llama/Llama-3.3-70B-Instruct",
        "Qwen/Qwen3-235B-A22B",
        "google/gemma-3-27b-it",
        "microsoft/Phi-4",
    ]
    for model in models:
        parameters = model["parameters"]
        if "stop" in parameters:
            assert parameters["stop"] is parameters["stop_sequences"]
    assert models[0]["parameters"]["stop"] == ["<|endoftext|>", "<|eot_id|>"]
    assert models[0]["parameters"]["temperature"] == 0.6
    assert models[2]["parameters"] == {"stop_sequences": UNDEFINED}
    assert models[1]["promptExamples"][1]["prompt"].endswith(
        "<script src='https://cdn.tailwindcss.com'></script>."
    )
    assert layout["user"] is UNDEFINED
    assert layout["publicConfig"]["PUBLIC_ANNOUNCEMENT_BANNERS"].startswith('[\n  {\n    "title"')


def test_example_page_promise_is_resolved_by_the_trailing_script() -> None:
    hydration = read_kit_hydration(PAGE.read_text(encoding="utf-8"))
    layout = hydration.data[0]
    assert isinstance(layout, dict)
    assistants = layout["data"]["assistants"]
    assert isinstance(assistants, Deferred)
    assert hydration.deferreds == {1: assistants}
    assert assistants.settled
    assert assistants.value == []


def _page(hydrate: str, *scripts: str, start: str = "kit.start(app, element, ") -> str:
    chunks = "".join(f"<script>{script}</script>\n" for script in scripts)
    return (
        "<!doctype html><html><body><div><script>\n{\n__sveltekit_abc = {base: ''};\n"
        "Promise.all([import('/start.js'), import('/app.js')]).then(([kit, app]) => {\n"
        f"{start}{hydrate});\n}});\n}}\n</script></div></body></html>\n{chunks}"
    )


def test_later_kit_resolve_form_and_status() -> None:
    # Later kits call `resolve(id, () => [data])` or `resolve(id, () => [, error])`.
    html = _page(
        "{node_ids: [0, 3], data: [null, {type:'data',data:{a:__sveltekit_abc.defer(1),"
        "b:__sveltekit_abc.defer(2)},uses:{}}], form: null, error: {message:'Not found'},"
        " status: 404}",
        "__sveltekit_abc.resolve(2, () => [, {message:'boom'}])",
        "__sveltekit_abc.resolve(1, (app) => [app.decode('Point', [1, 2])])",
    )
    hydration = read_kit_hydration(html, decoders={"Point": tuple})
    assert hydration.status == 404
    assert hydration.error == {"message": "Not found"}
    data = hydration.data[1]
    assert isinstance(data, dict)
    first, second = data["data"]["a"], data["data"]["b"]
    assert first.value == (1, 2)
    assert second.rejected
    assert second.error == {"message": "boom"}


def test_server_route_and_params_are_not_evaluated() -> None:
    # With server-side route resolution kit adds params and a route object whose
    # nodes are client imports (kit runtime/server/page/server_routing.js).
    html = _page(
        "{node_ids:[0,2],data:[null,null],form:null,error:null,params:{id:'x'},"
        "server_route:{id:'/conversation/[id]',nodes:{'2': () => import('./2.js')}},"
        "route:window.location}"
    )
    hydration = read_kit_hydration(html)
    assert hydration.node_ids == [0, 2]
    assert hydration.data == [None, None]


def test_single_bundle_start_form() -> None:
    html = _page(
        "{node_ids:[0],data:[{type:'data',data:{x:1}}],form:null,error:null}",
        start="app.start(element, ",
    )
    hydration = read_kit_hydration(html)
    assert hydration.data == [{"type": "data", "data": {"x": 1}}]


def test_pages_without_a_readable_bootstrap() -> None:
    with pytest.raises(CodecError, match="no SvelteKit bootstrap"):
        read_kit_hydration("<html><body>Hello</body></html>")
    html = _page("{node_ids:[0],data:[{type:'data',data:{x:window.secret}}]}")
    with pytest.raises(CodecError, match="unknown name 'window'") as caught:
        read_kit_hydration(html)
    assert caught.value.offset == html.encode().index(b"window.secret")
    with pytest.raises(CodecError, match="no deferred value has id 7"):
        read_kit_hydration(
            _page("{node_ids:[0],data:[null]}", "__sveltekit_abc.resolve({id:7,data:[]})")
        )
