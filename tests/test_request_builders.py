"""Generated request builders: URLs, headers, bodies, and credentials kept out of reprs."""

from __future__ import annotations

import json

import pytest

from codec import hailuo
from codec._generated import huggingchat as hc
from codec._generated import router as rt
from codec.http import FormPart, HttpRequest, query_string
from hfclient.exchange import ResponseStarted
from tests.multipart_helpers import form_parts

SECRET = "s3cr3t-value-that-must-not-leak"


def parts_of(request: HttpRequest) -> list[tuple[str, str | None, str | None, bytes]]:
    """(name, filename, content type, body) of each multipart part of ``request``."""
    return form_parts(request.header("Content-Type"), request.body)


def test_huggingchat_send_message() -> None:
    request = hc.build_send_message(
        conversation_id="6841a3c2e9b7d4f01a2c5e77",
        data=hc.SendMessage(inputs="Hi", id="0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90", is_retry=False),
        files=[FormPart("ignored", b"aGk=", "base64;hi.png", "image/png")],
        boundary="----hfclient-test",
        hf_chat=SECRET,
        token=SECRET + "2",
    )
    assert request.method == "POST"
    assert request.url == "https://huggingface.co/chat/conversation/6841a3c2e9b7d4f01a2c5e77"
    assert request.header("Origin") == "https://huggingface.co"  # else 403 (§1.3)
    assert request.header("Cookie") == f"hf-chat={SECRET}; token={SECRET}2"
    parts = parts_of(request)
    assert [p[0] for p in parts] == ["data", "files"]
    assert json.loads(parts[0][3]) == {
        "inputs": "Hi",
        "id": "0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90",
        "is_retry": False,
    }
    assert (
        parts[0][3]
        == b'{"inputs":"Hi","id":"0b6f1c7e-3f2a-4c1d-9a8e-5d2b7c4e1f90","is_retry":false}'
    )
    assert parts[1] == ("files", "base64;hi.png", "image/png", b"aGk=")


def test_huggingchat_token_cookie_is_optional() -> None:
    request = hc.build_create_conversation(body={"model": "m"}, hf_chat="abc")
    assert request.header("Cookie") == "hf-chat=abc"
    assert request.body == b'{"model":"m"}'
    assert request.header("Content-Type") == "application/json"


def test_huggingchat_legacy_data_url_defaults_to_11() -> None:
    url = hc.get_conversation_data_url(conversation_id="6841a3c2e9b7d4f01a2c5e77")
    assert url.endswith(
        "/conversation/6841a3c2e9b7d4f01a2c5e77/__data.json?x-sveltekit-invalidated=11"
    )


def test_path_parameters_are_escaped_unless_slashes_are_allowed() -> None:
    assert hc.get_conversation_url(conversation_id="a/b?c").endswith(
        "/api/v2/conversations/a%2Fb%3Fc"
    )
    url = rt.get_provider_mapping_url(model_id="meta-llama/Llama-3.3-70B-Instruct")
    assert url == (
        "https://huggingface.co/api/models/meta-llama/Llama-3.3-70B-Instruct"
        "?expand%5B%5D=inferenceProviderMapping"
    )


def test_router_provider_route_and_bearer() -> None:
    route = rt.PROVIDERS["novita"].route
    request = rt.build_provider_chat_completions(
        route=route,
        body=rt.ChatCompletionRequest(
            model="meta-llama/llama-3.3-70b-instruct", messages=[], stream=True
        ),
        api_key=SECRET,
    )
    assert request.url == "https://router.huggingface.co/novita/v3/openai/chat/completions"
    assert request.header("Authorization") == f"Bearer {SECRET}"
    assert request.body.startswith(b'{"model":')  # model first (§2.5)


def test_extra_headers_come_after_the_specs() -> None:
    request = rt.build_router_models(api_key="k", headers=[("User-Agent", "x")])
    assert request.headers[-1] == ("User-Agent", "x")


@pytest.mark.parametrize(
    "request_",
    [
        hc.build_send_message(
            conversation_id="c", data={"inputs": "x"}, boundary="b", hf_chat=SECRET, token=SECRET
        ),
        rt.build_chat_completions(body={"model": "m", "messages": []}, api_key=SECRET),
        hailuo.build_chat_request(
            token=SECRET, uuid="u", device_id="d", timestamp=1, msg_content="x", boundary="b"
        ),
    ],
)
def test_credentials_never_appear_in_repr_or_str(request_: HttpRequest) -> None:
    assert SECRET in str(request_.headers)  # they are sent...
    assert SECRET not in repr(request_)  # ...but never shown
    assert SECRET not in str(request_)
    assert "<redacted>" in repr(request_)


def test_a_session_cookie_handed_out_is_never_shown() -> None:
    started = ResponseStarted(200, (("Set-Cookie", f"token={SECRET}; Path=/"), ("X-Id", "7")))
    assert started.header("set-cookie") == f"token={SECRET}; Path=/"  # it is kept...
    assert SECRET not in repr(started)  # ...but never shown
    assert "'X-Id', '7'" in repr(started)


def test_hailuo_url_and_signature_reproduce_the_worked_example() -> None:
    # protocols/hailuo.md §6.3: the spec's default query is g4f's, in its order.
    request = hailuo.build_chat_request(
        token="eyJhbGciOiJIUzI1NiJ9.eyJleGFtcGxlIjp0cnVlfQ.c2lnbmF0dXJl",
        uuid="3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c",
        device_id="301234567890123456",
        timestamp=1735689600000,
        msg_content="Hello!\nWhat is 2+2?",
        boundary="hfclient-boundary",
    )
    assert request.url == (
        "https://www.hailuo.ai/v4/api/chat/msg?device_platform=web&biz_id=2&app_id=3001"
        "&version_code=22201&lang=en&uuid=3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c"
        "&device_id=301234567890123456&os_name=Windows&browser_name=chrome&cpu_core_num=8"
        "&browser_language=en-US&browser_platform=Win32&screen_width=1920&screen_height=1080"
        "&unix=1735689600000"
    )
    assert request.header("yy") == "c20b878e2b97493577eebefb344a2010"
    parts = parts_of(request)
    assert [(p[0], p[3]) for p in parts] == [
        ("characterID", b"1"),
        ("msgContent", b"Hello!\nWhat is 2+2?"),
        ("chatID", b"0"),
        ("searchMode", b"0"),
    ]


def test_hailuo_continuation_signature() -> None:
    request = hailuo.build_chat_request(
        token="t",
        uuid="3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c",
        device_id="301234567890123456",
        timestamp=1735689600000,
        msg_content="And 3+3?",
        chat_id="312345678901234567",
        boundary="b",
    )
    assert request.header("yy") == "5ba6d7c9fda97e0ee7a190b90cb5767c"


def test_query_string_encodes_like_url_search_params() -> None:
    assert query_string([("a b", "x~y*z/é&=")]) == "a+b=x%7Ey*z%2F%C3%A9%26%3D"


def test_operations_table_maps_statuses_to_error_kinds() -> None:
    assert rt.OPERATIONS["provider_chat_completions"].errors[402] == "payment"
    assert rt.OPERATIONS["chat_completions"].stream == "chat_completion_chunks"
    assert hc.OPERATIONS["get_conversation_data"].until == "2025-06-05"
    assert hc.OPERATIONS["send_message"].errors[429] == "rate_limit"
