"""Matching on meaning: spec rules per operation, third-party request shapes, near-miss reasons."""

from __future__ import annotations

import json

import pytest

from codec.http import FormPart, HttpRequest, encode_multipart, json_body
from hfclient.transport.cassette import MatchRule, Request, placeholder
from hfclient.transport.matching import (
    find_operation,
    find_operations,
    mismatches,
    parse_body,
    rule_for,
)

CHAT = "https://router.huggingface.co/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi"}]
RECORDED = Request(
    "POST",
    CHAT,
    (("content-type", "application/json"),),
    json_body({"model": "m", "messages": MESSAGES, "stream": True, "max_tokens": 64}),
)


def why(recorded: Request, request: HttpRequest, override: MatchRule | None = None) -> list[str]:
    return mismatches(recorded, request, rule_for(recorded, override=override))


def openai_shaped(**changes: object) -> HttpRequest:
    """A request as openai-python sends it: its own headers, key order, spacing and fields."""
    body = {"messages": MESSAGES, "model": "m", "n": 1, "stream": True, "temperature": 0.7}
    body.update(changes)
    return HttpRequest(
        "POST",
        CHAT,
        (
            ("Accept", "application/json"),
            ("Authorization", "Bearer sk-other"),
            ("User-Agent", "AsyncOpenAI/Python 1.99.0"),
            ("X-Stainless-Lang", "python"),
            ("Content-Type", "application/json"),
        ),
        json.dumps(body).encode(),
    )


def test_the_operation_is_found_by_method_and_path_template() -> None:
    found = find_operation("POST", "https://router.huggingface.co/cerebras/v1/chat/completions")
    assert found is not None
    assert (found.service, found.info.name) == ("router", "provider_chat_completions")
    assert found.stream is not None
    assert found.stream.framing == "sse"
    chat = find_operation("POST", CHAT)
    assert chat is not None
    assert chat.info.name == "chat_completions"  # the more specific template wins
    mapping = find_operation("GET", "https://huggingface.co/api/models/org/name?expand=x")
    assert mapping is not None
    assert mapping.info.name == "get_provider_mapping"
    send = find_operation("POST", "https://huggingface.co/chat/conversation/abc")
    assert send is not None
    assert (send.service, send.info.name) == ("huggingchat", "send_message")
    assert find_operation("GET", CHAT) is None
    assert find_operation("POST", "https://api.openai.com/v1/chat/completions") is None
    assert find_operation("POST", CHAT, service="hailuo") is None


def test_chat_completions_match_on_model_messages_and_stream() -> None:
    assert rule_for(RECORDED) == ("method", "path", "body.model", "body.messages", "body.stream")


def test_an_openai_shaped_request_matches() -> None:
    assert why(RECORDED, openai_shaped()) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"model": "a"}, "body.model is 'a', recorded 'm'"),
        ({"stream": False}, "body.stream is false, recorded true"),
        (
            {"messages": [{"role": "user", "content": "Bye"}]},
            "body.messages[0].content is 'Bye', recorded 'Hi'",
        ),
        ({"messages": [*MESSAGES, *MESSAGES]}, "body.messages has 2 items, recorded 1"),
        (
            {"messages": [{"role": "user", "content": "Hi", "name": "x"}]},
            "body.messages[0].name is 'x', recorded missing",
        ),
    ],
)
def test_a_near_miss_says_why(changes: dict[str, object], reason: str) -> None:
    assert why(RECORDED, openai_shaped(**changes)) == [reason]


def test_a_missing_field_is_a_reason() -> None:
    body = json_body({"model": "m", "messages": MESSAGES})
    request = HttpRequest("POST", CHAT, (), body)
    assert why(RECORDED, request) == ["body.stream is missing, recorded true"]


def test_method_and_path() -> None:
    request = HttpRequest("POST", "https://router.huggingface.co/v1/chat/completion", (), b"{}")
    assert why(RECORDED, request)[0] == (
        "path is '/v1/chat/completion', recorded '/v1/chat/completions'"
    )
    recorded = Request("GET", "https://x.test/a")
    assert why(recorded, HttpRequest("POST", "https://x.test/a")) == [
        "method is POST, recorded GET"
    ]
    # Percent-encoding is not meaning.
    assert (
        why(Request("GET", "https://x.test/a%20b"), HttpRequest("GET", "https://x.test/a b")) == []
    )


def test_query_is_a_multimap_order_ignored_and_brackets_dropped() -> None:
    recorded = Request(
        "GET", "https://huggingface.co/api/models/org/m?expand=inferenceProviderMapping&b=1&b=2"
    )
    url = "https://huggingface.co/api/models/org/m?b=2&expand%5B%5D=inferenceProviderMapping&b=1"
    assert why(recorded, HttpRequest("GET", url)) == []
    url = "https://huggingface.co/api/models/org/m?expand=other&b=1&b=2"
    assert why(recorded, HttpRequest("GET", url)) == [
        'query.expand is ["other"], recorded ["inferenceProviderMapping"]'
    ]


def test_headers_count_only_when_named() -> None:
    assert why(RECORDED, openai_shaped()) == []
    narrowed = MatchRule(add=("header.x-stainless-lang",))
    recorded = Request("POST", CHAT, (*RECORDED.headers, ("X-Stainless-Lang", "js")), RECORDED.body)
    assert why(recorded, openai_shaped(), narrowed) == [
        "header.x-stainless-lang[0] is 'python', recorded 'js'"
    ]


def test_a_cassette_may_widen_or_narrow_the_rule() -> None:
    other_model = openai_shaped(model="other")
    assert why(RECORDED, other_model, MatchRule(remove=("body.model",))) == []
    narrowed = MatchRule(add=("body.max_tokens",))
    assert why(RECORDED, openai_shaped(), narrowed) == ["body.max_tokens is missing, recorded 64"]
    assert why(RECORDED, other_model, MatchRule(only=("method", "path"))) == []


def test_a_placeholder_matches_any_value_and_credentials_are_never_shown() -> None:
    recorded = Request(
        "POST",
        CHAT,
        (("authorization", f"Bearer {placeholder('token')}"),),
        json_body({"model": "m", "messages": MESSAGES, "stream": True}),
    )
    rule = MatchRule(add=("header.authorization",))
    assert why(recorded, openai_shaped(), rule) == []
    request = HttpRequest(
        "POST", CHAT, (("Authorization", "Token hf_secret"),), openai_shaped().body
    )
    reasons = why(recorded, request, rule)
    assert reasons == ["header.authorization differs"]
    whole = Request(
        "POST",
        CHAT,
        (),
        json_body({"model": placeholder("x"), "messages": MESSAGES, "stream": True}),
    )
    assert why(whole, openai_shaped(model="anything")) == []
    assert why(
        whole, HttpRequest("POST", CHAT, (), json_body({"messages": MESSAGES, "stream": True}))
    ) == ["body.model is missing, recorded '<secret:x>'"]


def test_secret_query_values_are_never_shown() -> None:
    recorded = Request("GET", "https://x.test/a?uuid=u-1")
    request = HttpRequest("GET", "https://x.test/a?uuid=u-secret", secret_query=frozenset({"uuid"}))
    assert why(recorded, request) == ["query.uuid differs"]


def test_an_unknown_url_matches_the_whole_body_by_meaning() -> None:
    url = "https://api.example.test/v1/things"
    recorded = Request(
        "POST", url, (("Content-Type", "application/json"),), b'{"a": 1, "b": [true]}'
    )
    assert why(recorded, HttpRequest("POST", url, (), b'{"b":[true],"a":1}')) == []
    assert why(recorded, HttpRequest("POST", url, (), b'{"b":[1],"a":1}')) == [
        "body.b[0] is 1, recorded true"
    ]
    assert why(recorded, HttpRequest("POST", url, (), b'{"a":1,"b":[true],"c":0}')) == [
        "body.c is 0, recorded missing"
    ]
    raw = Request("POST", url, (), b"\x00\x01")
    assert why(raw, HttpRequest("POST", url, (), b"\x00\x02")) == [
        "body is <2 bytes>, recorded <2 bytes>"
    ]


def test_no_recorded_body_means_no_body_rule() -> None:
    recorded = Request("POST", CHAT)
    assert why(recorded, openai_shaped(model="anything")) == []


def huggingchat_send(inputs: str, boundary: str, extra: str = "") -> HttpRequest:
    data = json.dumps(
        {"inputs": inputs, "id": "m-1", "is_retry": False, "web_search": False, "x": extra}
    )
    body, content_type = encode_multipart([FormPart("data", data.encode())], boundary)
    return HttpRequest(
        "POST",
        "https://huggingface.co/chat/conversation/c-1",
        (("Content-Type", content_type),),
        body,
    )


def test_multipart_bodies_match_by_their_json_data_part() -> None:
    sent = huggingchat_send("Hello", "b1")
    recorded = Request(sent.method, sent.url, sent.headers, sent.body)
    # Another boundary, other key order, other fields outside the rule: still a match.
    assert why(recorded, huggingchat_send("Hello", "other-boundary", extra="y")) == []
    assert why(recorded, huggingchat_send("Bye", "b2")) == [
        "body.data.inputs is 'Bye', recorded 'Hello'"
    ]


def test_multipart_text_parts_and_sniffed_boundaries() -> None:
    url = "https://www.hailuo.ai/v4/api/chat/msg?unix=1"

    def send(text: str, boundary: str, unix: str) -> HttpRequest:
        body, content_type = encode_multipart(
            [
                FormPart("msgContent", text.encode()),
                FormPart("chatID", b"0"),
                FormPart("searchMode", b"0"),
            ],
            boundary,
        )
        return HttpRequest("POST", url.replace("1", unix), (("Content-Type", content_type),), body)

    first = send("Hi", "aaa", "1")
    recorded = Request("POST", first.url, (), first.body)  # no Content-Type kept: sniffed
    assert why(recorded, send("Hi", "bbb", "2")) == []  # the signed time is not in the rule
    assert why(recorded, send("Ho", "bbb", "2")) == ["body.msgContent is 'Ho', recorded 'Hi'"]


def test_parse_body() -> None:
    assert parse_body(b'{"a":1}', None) == {"a": 1}
    assert parse_body(b"a=1&b[]=2", "application/x-www-form-urlencoded") == {"a": ["1"], "b": ["2"]}
    assert parse_body(b"{not json", "application/json") == b"{not json"
    body, content_type = encode_multipart(
        [FormPart("files", b"\xff", "a.bin"), FormPart("files", b"x", "b.txt")], "zz"
    )
    assert parse_body(body, content_type) == {"files": [b"\xff", "x"]}


def test_twin_operations_are_all_found_in_spec_order() -> None:
    names = [op.info.name for op in find_operations("POST", CHAT)]
    assert names == ["chat_completions", "chat_completions_json"]
