"""codec.legacy.sveltekit: ``__data.json`` bodies in both forms, and the page's bootstrap script."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from codec.errors import CodecError
from codec.jsvalues import UNDEFINED
from codec.legacy.devalue import Deferred
from codec.legacy.sveltekit import decode_sveltekit_data, read_kit_hydration
from tests.conftest import DATA

EXAMPLES = DATA / "examples"
LEGACY_01 = (EXAMPLES / "huggingchat-2025-05.data.json").read_bytes()
LEGACY_11 = (EXAMPLES / "huggingchat-2025-05.data-invalidated-11.jsonl").read_bytes()
STREAM = (EXAMPLES / "huggingchat-2025-05.stream.ndjson").read_bytes()
PAGE = EXAMPLES / "huggingchat-2025-05.chat-page.html"

ROOT_2025_05 = "0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90"


def sveltekit(*nodes: object, chunks: tuple[object, ...] = ()) -> bytes:
    """A ``text/sveltekit-data`` body: the nodes line, then one line per chunk."""
    lines = [{"type": "data", "nodes": list(nodes)}, *chunks]
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


# --- The SvelteKit data, whole (protocols/huggingchat.md §4.6 invariants) ----------------------


def stream_lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in STREAM.split(b"\n") if line.strip()]


def test_both_legacy_forms_carry_the_same_page() -> None:
    single, streamed = decode_sveltekit_data(LEGACY_01), decode_sveltekit_data(LEGACY_11)
    assert single.nodes[0] == {"type": "skip"}
    assert single.deferreds == {}
    assert single.nodes[1] == streamed.nodes[1]
    assert single.redirect is None


def test_page_agrees_with_the_stream_example() -> None:
    page = decode_sveltekit_data(LEGACY_01).nodes[1]
    assert isinstance(page, dict)
    conversation = page["data"]
    system, user, assistant = conversation["messages"]
    lines = stream_lines()
    final = lines[-1]
    assert final["type"] == "finalAnswer"
    assert assistant["content"] == final["text"]
    reasoning_tokens = [
        line["token"]
        for line in lines
        if line["type"] == "reasoning" and line.get("subtype") == "stream"
    ]
    assert assistant["reasoning"] == "".join(reasoning_tokens)
    # §3.4: stored updates are the stream minus stream tokens, keepAlives and reasoning tokens.
    kept = [
        line
        for line in lines
        if line["type"] != "stream"
        and line.get("status") != "keepAlive"
        and not (line["type"] == "reasoning" and line.get("subtype") == "stream")
    ]
    assert assistant["updates"] == kept
    assert assistant["interrupted"] is False
    assert conversation["rootMessageId"] == system["id"] == ROOT_2025_05
    assert system["children"] == [user["id"]]
    assert user["ancestors"] == [system["id"]]
    assert user["children"] == [assistant["id"]]
    assert assistant["ancestors"] == [system["id"], user["id"]]
    assert assistant["children"] == []
    assert isinstance(user["createdAt"], datetime)
    assert user["createdAt"].tzinfo is not None


def test_chunk_line_resolves_the_layout_promise() -> None:
    data = decode_sveltekit_data(LEGACY_11)
    layout = data.nodes[0]
    assert isinstance(layout, dict)
    assert layout["uses"] == {"dependencies": ["conversation:list"]}
    assistants = layout["data"]["assistants"]
    assert isinstance(assistants, Deferred)
    assert data.deferreds == {1: assistants}
    assert assistants.value == []
    parameters = layout["data"]["models"][0]["parameters"]
    assert parameters["stop"] is parameters["stop_sequences"]


def test_chunk_errors_reject_and_chunks_may_hold_promises() -> None:
    layout = {"type": "data", "data": [{"a": 1, "b": 2}, ["Promise", 3], ["Promise", 4], 1, 2]}
    rejected = {"type": "chunk", "id": 1, "error": [{"message": 1}, "boom"]}
    nested = {"type": "chunk", "id": 2, "data": [{"later": 1}, ["Promise", 2], 3]}
    last = {"type": "chunk", "id": 3, "data": ["done"]}
    data = decode_sveltekit_data(sveltekit(layout, chunks=(rejected, nested, last)))
    node = data.nodes[0]
    assert isinstance(node, dict)
    assert node["data"]["a"].error == {"message": "boom"}
    inner = node["data"]["b"].value["later"]
    assert inner is data.deferreds[3]
    assert inner.value == "done"


def test_redirect_body() -> None:
    data = decode_sveltekit_data(b'{"type":"redirect","location":"/chat/login"}\n')
    assert data.redirect == "/chat/login"
    assert data.nodes == []


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


def test_kit_declaring_the_data_before_the_start_call() -> None:
    # Some kits write `const data = [...]` and pass `data` shorthand, and `__sveltekit_x.element`.
    html = (
        "<script>{__sveltekit_abc = {};const data = [null,{type:'data',data:{x:1},uses:{}}];"
        "kit.start(app, __sveltekit_abc.element, {node_ids: [0, 1], data, form: null, "
        "error: null});}</script>"
    )
    hydration = read_kit_hydration(html)
    assert hydration.data == [None, {"type": "data", "data": {"x": 1}, "uses": {}}]
