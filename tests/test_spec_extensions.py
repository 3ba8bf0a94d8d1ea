"""The spec format's extensions: secret query parameters, record/match, content_types,
providers, since/until, nested streams. A mistake is reported; a good value reaches the
generated tables."""

from __future__ import annotations

import json

import pytest

from codec import http
from codec._generated import hailuo as hl
from codec._generated import huggingchat as hc
from codec._generated import router as rt
from codec.framing import ServerSentEvent, SSEDecoder
from codec.specinfo import ProviderInfo, provider_info
from codec.values import Unknown as WireUnknown
from hfclient.events import ServiceError, Status, TextDelta, Title
from hfclient.protocol.router import RouterMachine, provider_route
from hfclient.translate._generated.huggingchat import translate_generation_updates
from hfclient.translate.huggingchat import HuggingChatTranslator
from tests.machine_helpers import Scripted, drive
from tools.codegen.model import Loader, SpecProblems

HEAD = """
service: demo
title: Demo
servers: {default: https://example.invalid}
types:
  Body:
    fields: {model: str, "inner?": Inner}
  Inner:
    fields: {text: str}
streams:
  lines:
    framing: ndjson
    dispatch: {kind: field, path: [type]}
    events:
      text:
        fields: {text: str}
        unified: [{emit: TextDelta, args: {text: text}}]
"""


def problems(tail: str) -> list[str]:
    """The problems of the demo spec with ``tail`` appended (YAML, top level)."""
    try:
        Loader("spec/demo.yaml", (HEAD + tail).encode()).load()
    except SpecProblems as exc:
        return [str(p) for p in exc.problems]
    return []


def op(body: str) -> str:
    return "operations:\n  op:\n    method: POST\n    path: /x\n" + body


def test_the_demo_spec_is_good() -> None:
    assert problems(op("    response: {kind: json}\n")) == []


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        # secret on a fixed query value
        (
            op("    query: [{name: a, value: b, secret: true}]\n    response: {kind: json}\n"),
            "operations.op.query[0]: a fixed value is in the spec, so it is no secret",
        ),
        # record
        (
            op("    response: {kind: json}\n    record: {headers: [Cookie]}\n"),
            "'Cookie' carries a credential; a recording must not keep it",
        ),
        (
            "auth:\n  - {in: header, name: X-Key, param: key, secret: true}\n"
            + op("    response: {kind: json}\n    record: {headers: [x-key]}\n"),
            "record.headers[0]: 'x-key' carries a credential",
        ),
        (
            op("    response: {kind: json}\n    record: {match: [verb]}\n"),
            "'verb': write method, path, query, body",
        ),
        (
            op("    response: {kind: json}\n    record: {match: [query.q]}\n"),
            "'query.q': op has no query parameter 'q'",
        ),
        (
            op("    response: {kind: json}\n    record: {match: [body.model]}\n"),
            "'body.model': op sends no body",
        ),
        (
            op(
                "    request: {encoding: json, type: Body}\n    response: {kind: json}\n"
                "    record: {match: [body.inner.nope]}\n"
            ),
            "'body.inner.nope': Inner has no field 'nope'",
        ),
        (
            op("    response: {kind: json}\n    record: {match: []}\n"),
            "replay needs at least one thing to match on",
        ),
        # content_types
        (
            op(
                "    response: {kind: json}\n    content_types: [application/json; charset=utf-8]\n"
            ),
            "is not a lower-case type/subtype, without parameters",
        ),
        # eras
        (
            op("    response: {kind: json}\n    since: 2026-02-01\n    until: 2025-01-01\n"),
            "operations.op: until 2025-01-01 is not after since 2026-02-01",
        ),
        (op("    response: {kind: json}\n    since: '2026-02-30'\n"), "2026-02-30 is not a date"),
        (
            op("    response: {kind: json}\n    since: 2026-02-30\n"),
            "not YAML: day is out of range",
        ),
        (
            op("    response: {kind: json}\n    era: {since: 2025-01-01}\n"),
            "`era` is gone: write `since`/`until` on the operation",
        ),
        (
            op("    query: [{name: q, param: q, since: 2025-13}]\n    response: {kind: json}\n"),
            "operations.op.query[0].since: dates are YYYY-MM-DD",
        ),
        # providers
        (
            "providers:\n  p: {route: /p/v1}\n" + op("    response: {kind: json}\n"),
            "providers: no operation has a {route} path parameter to use them",
        ),
        (
            "providers:\n  P: {route: /p}\n",
            "provider name 'P' is not lower-case",
        ),
        ("providers:\n  p: {route: p/v1}\n", "a route is a path: it starts with /"),
        ("providers:\n  p: {route: '/{region}'}\n", "unknown placeholder {region}"),
        ("providers:\n  p: {route: /p, model: repo}\n", "model is provider_id"),
        (
            "providers:\n  p: {route: /p, headers: {Authorization: x}}\n",
            "credentials are the spec's `auth`",
        ),
    ],
)
def test_a_mistake_is_reported(tail: str, message: str) -> None:
    found = problems(tail)
    assert any(message in p for p in found), found


NESTED = """
  outer:
    framing: sse
    dispatch: {kind: nested, event: update, stream: %s}
    events: %s
"""


@pytest.mark.parametrize(
    ("inner", "events", "message"),
    [
        ("nope", "{}", "streams.outer.dispatch.stream: unknown stream 'nope'"),
        ("outer", "{}", "outer must be an ndjson stream"),
        (
            "lines",
            "{update: {fields: {}, unified: [{emit: Unknown}]}}",
            "streams.outer.events.update: is the nested event",
        ),
        (
            "lines",
            "{text: {fields: {}, unified: [{emit: Unknown}]}}",
            "streams.outer.events.text: is also an event of lines",
        ),
    ],
)
def test_nested_stream_mistakes(inner: str, events: str, message: str) -> None:
    spec = HEAD + NESTED % (inner, events)
    with pytest.raises(SpecProblems) as info:
        Loader("spec/demo.yaml", spec.encode()).load()
    found = [str(p) for p in info.value.problems]
    assert any(message in p for p in found), found


def test_nested_dispatch_needs_sse() -> None:
    spec = HEAD + NESTED.replace("framing: sse", "framing: ndjson") % ("lines", "{}")
    with pytest.raises(SpecProblems, match="nested dispatch needs sse framing"):
        Loader("spec/demo.yaml", spec.encode()).load()


# -- good values reach the generated modules --------------------------------------------------

SECRET = "planted-secret-3f2b8c1e"


def test_secret_query_values_are_masked_in_the_repr() -> None:
    request = hl.build_send_message(
        uuid=SECRET,
        device_id=SECRET + "-device",
        unix="1735689600000",
        yy="sig",
        token="t",
        character_id="1",
        msg_content="hi",
        chat_id="0",
        search_mode="0",
        boundary="b",
    )
    assert request.secret_query == frozenset({"uuid", "device_id"})
    assert SECRET in request.url  # sent as is
    shown = repr(request)
    assert SECRET not in shown
    assert "uuid=<redacted>" in shown
    assert "device_id=<redacted>" in shown
    assert "unix=1735689600000" in shown  # the rest stays readable


def test_redacted_url_matches_encoded_names_and_keeps_the_rest() -> None:
    request = http.HttpRequest(
        "GET",
        "https://x.invalid/p?a+b=1&c=2&a+b=3#frag",
        secret_query=frozenset({"a b"}),
    )
    assert request.redacted_url() == "https://x.invalid/p?a+b=<redacted>&c=2&a+b=<redacted>#frag"
    assert http.HttpRequest("GET", "https://x.invalid/p").redacted_url() == "https://x.invalid/p"


def test_record_match_and_content_types_reach_operations() -> None:
    send = hc.OPERATIONS["send_message"]
    assert send.content_types == ("application/jsonl", "text/event-stream")
    assert send.match_on == (
        "method",
        "path",
        "body.data.inputs",
        "body.data.id",
        "body.data.is_retry",
    )
    assert send.record_headers == ("content-type",)
    chat = rt.OPERATIONS["chat_completions"]
    assert chat.record_headers == ("content-type", "x-request-id", "retry-after")
    assert hl.OPERATIONS["send_message"].content_types == ()  # not known
    assert "query" not in hl.OPERATIONS["send_message"].match_on  # unix, yy change per call


def test_eras_reach_operations_and_streams() -> None:
    assert hc.OPERATIONS["list_models"].since == "2025-06-05"
    assert hc.OPERATIONS["get_chat_page"].until == "2025-06-05"
    assert hc.STREAMS["generation_updates"].since == "2026-07-24"
    assert "Since 2026-07-24." in (hc.decode_generation_updates.__doc__ or "")
    assert "Era: 2026-07-24 to now." in " ".join((hc.build_stream_generation.__doc__ or "").split())


def test_providers_table() -> None:
    assert provider_info(rt.PROVIDERS, "novita").route == "/novita/v3/openai"
    assert provider_info(rt.PROVIDERS, "cerebras") is rt.PROVIDERS["*"]
    assert provider_route("cerebras", "llama-3.3-70b") == "/cerebras/v1"
    hf = rt.PROVIDERS["hf-inference"]
    assert hf.route_for("hf-inference", "org/model") == "/hf-inference/models/org/model/v1"
    assert dict(rt.PROVIDERS["zai-org"].headers)["x-source-channel"] == "hugging_face"
    assert ProviderInfo("x", "/x").model == "provider_id"
    with pytest.raises(KeyError):
        provider_info({}, "x")


# -- a nested stream, end to end through the generated functions ----------------------------

REATTACH = (
    b": heartbeat\n\n"
    b'id: 1\nevent: update\ndata: {"type":"status","status":"started"}\n\n'
    b'id: 2\nevent: update\ndata: {"type":"title","title":"Hi"}\n\n'
    b'id: 3\nevent: update\ndata: {"type":"stream","token":"Hel"}\n\n'
    b'id: 4\nevent: update\ndata: {"type":"mystery"}\n\n'
    b'event: other\ndata: {"x":1}\n\n'
    b'event: end\ndata: {"status":"completed"}\n\n'
)


def decode(body: bytes) -> list[object]:
    framer = SSEDecoder()
    return [hc.decode_generation_updates(e) for e in framer.feed(body) + framer.close()]


def test_nested_stream_decodes_the_inner_events() -> None:
    events = decode(REATTACH)
    assert isinstance(events[0], hc.Status)
    assert events[0].status == "started"
    assert isinstance(events[1], hc.Title)
    assert isinstance(events[2], hc.Stream)
    assert events[2].token == "Hel"
    assert isinstance(events[3], WireUnknown)
    assert events[3].raw == {"type": "mystery"}
    assert isinstance(events[4], WireUnknown)
    assert isinstance(events[4].raw, ServerSentEvent)
    assert events[5] == hc.GenerationEnd(status="completed")


def test_nested_stream_translates_through_the_inner_rules() -> None:
    translator = HuggingChatTranslator()
    out = [u for e in decode(REATTACH) for u in translate_generation_updates(translator, e)]
    assert Status("started") in out
    assert Title("Hi") in out
    assert TextDelta("Hel") in out
    assert translator.complete  # `end` completed is the end signal


@pytest.mark.parametrize(
    ("status", "kind"), [("error", None), ("gone", "gone"), ("interrupted", "status")]
)
def test_end_statuses(status: str, kind: str | None) -> None:
    translator = HuggingChatTranslator()
    event = hc.decode_generation_updates(
        ServerSentEvent(data=f'{{"status": "{status}"}}', event="end")
    )
    out = translate_generation_updates(translator, event)
    assert translator.complete
    if kind == "status":
        assert out == [Status("interrupted")]
    else:
        assert len(out) == 1
        assert isinstance(out[0], ServiceError)
        if kind is not None:
            assert out[0].kind == kind


def test_nested_stream_info_includes_the_inner_end_signals() -> None:
    info = hc.STREAMS["generation_updates"]
    assert info.nested == "message_updates"
    assert "end" in info.complete_on
    assert "finalAnswer" in info.complete_on


# -- the router machine takes routes, headers and model ids from PROVIDERS -------------------


@pytest.mark.parametrize(
    ("provider", "provider_id", "url", "extra"),
    [
        (
            "zai-org",
            "glm-4.5",
            "https://router.huggingface.co/zai-org/api/paas/v4/chat/completions",
            {"Accept-Language": "en-US,en", "x-source-channel": "hugging_face"},
        ),
        (
            "hf-inference",
            "org/model",
            "https://router.huggingface.co/hf-inference/models/org/model/v1/chat/completions",
            {},
        ),
    ],
)
def test_router_machine_uses_providers(
    provider: str, provider_id: str, url: str, extra: dict[str, str]
) -> None:
    entry = {"providerId": provider_id, "status": "live", "task": "conversational"}
    mapping = json.dumps({"id": "org/model", "inferenceProviderMapping": {provider: entry}})
    answers = [
        Scripted(200, (("Content-Type", "application/json"),), [mapping.encode()]),
        Scripted(402, (("Content-Type", "application/json"),), [b'{"error":"x"}']),
    ]
    run = drive(RouterMachine(api_key="hf_x", model="org/model", messages=[]), answers)
    chat = run.requests[1]
    assert chat.url == url
    assert json.loads(chat.body)["model"] == provider_id
    for name, value in extra.items():
        assert chat.header(name) == value
