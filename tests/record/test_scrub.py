"""Scrubbing is default-deny: allowed headers stay, every secret becomes a stable placeholder."""

from __future__ import annotations

import itertools
import json

from hypothesis import given
from hypothesis import strategies as st

from codec import hailuo, huggingchat, router
from codec.http import HttpRequest
from hfclient.transport.cassette import Chunk, placeholder
from hfclient.transport.matching import operation_of
from hfclient.transport.scrub import Scrubber

from . import planted

CHAT = "https://router.huggingface.co/cerebras/v1/chat/completions"


def chat_request(**headers: str) -> HttpRequest:
    return router.build_provider_chat_completions(
        route="/cerebras/v1",
        api_key=planted.HF_TOKEN,
        body={"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": True},
        headers=tuple(headers.items()),
    )


def test_only_the_allowed_headers_stay_and_credentials_become_placeholders() -> None:
    request = chat_request(**{"User-Agent": "me/1.0", "X-Trace": "abc"})
    recorded = Scrubber(service="router").request(request)
    assert recorded.headers == (
        ("authorization", "Bearer <secret:token>"),
        ("content-type", "application/json"),
    )
    assert planted.HF_TOKEN not in repr(recorded)
    assert recorded.body == request.body


def test_the_same_value_is_the_same_placeholder_and_two_values_never_share_one() -> None:
    scrubber = Scrubber()
    first = scrubber.secret("value-number-one", "token")
    assert scrubber.secret("value-number-one", "other") == first == placeholder("token")
    assert scrubber.secret("value-number-two", "token") == placeholder("token-2")
    again = scrubber.request(chat_request())
    other = scrubber.request(chat_request())
    assert again.header("authorization") == other.header("authorization")


def test_cookies_each_become_their_own_placeholder() -> None:
    request = huggingchat.build_create_conversation(
        hf_chat=planted.HF_CHAT, token=planted.TOKEN_COOKIE, body={"model": "m"}
    )
    recorded = Scrubber(service="huggingchat").request(request)
    assert recorded.header("cookie") == "hf-chat=<secret:hf-chat>; token=<secret:token>"
    assert planted.HF_CHAT not in repr(recorded)
    assert planted.TOKEN_COOKIE not in repr(recorded)


def test_hailuo_device_ids_in_the_query_and_the_token_header() -> None:
    request = hailuo.build_send_message(
        token=planted.JWT,
        uuid=planted.UUID,
        device_id=planted.DEVICE_ID,
        unix="1700000000000",
        yy="c20b878e2b97493577eebefb344a2010",
        character_id="1",
        msg_content=f"my device is {planted.DEVICE_ID}",
        chat_id="0",
        search_mode="0",
        boundary="b0undary",
    )
    recorded = Scrubber(service="hailuo").request(request)
    text = repr(recorded) + recorded.url + (recorded.body or b"").decode()
    for value in (planted.JWT, planted.UUID, planted.DEVICE_ID, "c20b878e2b97493577eebefb344a2010"):
        assert value not in text
    assert "uuid=<secret:uuid>" in recorded.url
    assert "device_id=<secret:device_id>" in recorded.url
    assert recorded.header("token") == "<secret:token>"
    assert recorded.header("yy") == "<secret:yy>"  # the spec marks the signature secret
    assert b"my device is <secret:device_id>" in (recorded.body or b"")


def test_response_headers_set_cookie_and_framing() -> None:
    scrubber = Scrubber(service="router")
    kept = scrubber.response_headers(
        "POST",
        CHAT,
        [
            ("Content-Type", "text/event-stream"),
            ("Content-Length", "12"),
            ("Set-Cookie", f"session={planted.SESSION}; Path=/; HttpOnly"),
            ("X-Request-Id", "req-1"),
            ("X-Echo", f"you are {planted.SESSION}"),
        ],
    )
    names = [name for name, _ in kept]
    assert "content-length" not in names
    assert "x-echo" not in names
    assert ("set-cookie", "session=<secret:session>; Path=/; HttpOnly") in kept
    assert ("content-type", "text/event-stream") in kept


def test_a_secret_echoed_in_the_body_is_replaced_even_across_chunks() -> None:
    scrubber = Scrubber(service="router")
    scrubber.request(chat_request())
    body = json.dumps({"error": f"bad token {planted.HF_TOKEN}, again {planted.HF_TOKEN}"}).encode()
    cut = body.index(b"Token") + 2  # a boundary inside the first token
    chunks = (Chunk(body[:cut], 0.1), Chunk(body[cut:], 0.2))
    scrubbed = scrubber.chunks(chunks)
    joined = b"".join(c.data for c in scrubbed)
    assert planted.HF_TOKEN.encode() not in joined
    assert joined == body.replace(planted.HF_TOKEN.encode(), b"<secret:token>")
    assert [c.at for c in scrubbed] == [0.1, 0.2]
    assert scrubbed[0].data.endswith(b"bad token <secret:token>")


def test_a_chunk_holding_only_the_middle_of_a_secret_is_dropped() -> None:
    scrubber = Scrubber(secrets={"token": planted.HF_TOKEN})
    data = b"a" + planted.HF_TOKEN.encode() + b"b"
    chunks = (Chunk(data[:3]), Chunk(data[3:10]), Chunk(data[10:]))
    assert scrubber.chunks(chunks) == (Chunk(b"a<secret:token>"), Chunk(b"b"))


def test_secrets_the_caller_names_are_replaced_in_bodies_and_urls() -> None:
    scrubber = Scrubber(secrets={"device_id": planted.DEVICE_ID})
    request = HttpRequest("POST", f"http://127.0.0.1:1/x/{planted.DEVICE_ID}", body=b"")
    recorded = scrubber.request(request)
    assert recorded.url == "http://127.0.0.1:1/x/<secret:device_id>"
    assert scrubber.data(json.dumps({"d": planted.DEVICE_ID}).encode()) == (
        b'{"d": "<secret:device_id>"}'
    )


def test_the_operation_of_a_url_on_a_server_of_ones_own() -> None:
    found = operation_of("POST", "http://127.0.0.1:5/cerebras/v1/chat/completions", "router")
    assert found is not None
    assert found.info.name == "provider_chat_completions"
    chat = operation_of("GET", "http://127.0.0.1:5/api/v2/models", "huggingchat")
    assert chat is not None
    assert operation_of("GET", "http://127.0.0.1:5/nowhere", "router") is None
    assert operation_of("GET", "http://127.0.0.1:5/nowhere") is None


@given(
    st.lists(
        st.one_of(st.binary(max_size=12), st.sampled_from([b"S", b"T"])), min_size=1, max_size=12
    ),
    st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_any_chunking_gives_the_body_scrubbed_as_one(pieces: list[bytes], cuts: list[int]) -> None:
    secrets = {"s": "secret-value-one", "t": "another-secret-2"}
    body = b"".join(
        secrets["s"].encode() if p == b"S" else secrets["t"].encode() if p == b"T" else p
        for p in pieces
    )
    bounds = sorted({0, len(body), *(c % (len(body) + 1) for c in cuts)})
    chunks = [Chunk(body[a:b], float(i)) for i, (a, b) in enumerate(itertools.pairwise(bounds))]
    scrubbed = Scrubber(secrets=secrets).chunks(chunks)
    expected = Scrubber(secrets=secrets).data(body)
    assert b"".join(c.data for c in scrubbed) == expected
    assert all(c.data for c in scrubbed)
    assert [c.at for c in scrubbed] == sorted(c.at for c in scrubbed)
    for value in secrets.values():
        assert value.encode() not in b"".join(c.data for c in scrubbed)
