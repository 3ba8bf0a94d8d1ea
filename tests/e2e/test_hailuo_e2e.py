"""Hailuo end to end over a real transport against a local fake Hailuo."""

from __future__ import annotations

import json

import pytest

from codec.hailuo import sign_yy
from hfclient.client import Hailuo
from hfclient.errors import MissingAuthError
from hfclient.events import Conversation, TextDelta, TextSnapshot
from hfclient.exchange import Transport
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, drain, json_answer, stream
from tests.multipart_helpers import form_fields
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

STREAM = (DATA / "examples" / "hailuo.stream.sse").read_bytes()
SSE = "text/event-stream"
SEND = ("POST", "/v4/api/chat/msg")


def client(server: HttpServer, transport: Transport) -> Hailuo:
    return Hailuo(
        token="hailuo-e2e-secret",
        device_id="301234567890123456",
        uuid="3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c",
        base_url=server.url,
        transport=transport,
    )


def message(content: str, is_end: int, chat_id: str = "312345678901234567") -> bytes:
    data = {"messageResult": {"chatID": chat_id, "content": content, "isEnd": is_end}}
    payload = {"type": 2, "statusInfo": {"code": 0, "message": "Success"}, "data": data}
    return b"event:message_result\ndata:" + json.dumps(payload).encode() + b"\n\n"


async def test_happy_path_is_signed_and_decoded(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [stream(STREAM, content_type=SSE)]})
    https_server.handler = fake
    completion = await client(https_server, transport).complete(
        [{"role": "user", "content": "Hello?"}]
    )
    assert completion.title == "Saying hello in Chinese"
    assert completion.text.startswith("Hello in Chinese is 你好")
    sent = fake.seen[0]
    form = form_fields(sent.header("content-type"), sent.body)
    assert sent.header("token") == "hailuo-e2e-secret"
    # The server can check the signature over exactly what arrived.
    timestamp = int(sent.target.rsplit("unix=", 1)[1])
    assert sent.header("yy") == sign_yy(sent.target, form, timestamp)


async def test_a_rewrite_becomes_a_snapshot(https_server: HttpServer, transport: Transport) -> None:
    body = message("Hello wrld", 1) + message("Hello world!", 0)
    https_server.handler = FakeService({SEND: [stream(body, content_type=SSE)]})
    events, error = await drain(
        client(https_server, transport).stream([{"role": "user", "content": "x"}])
    )
    assert error is None
    assert [e for e in events if isinstance(e, TextDelta | TextSnapshot)] == [
        TextDelta("Hello wrld"),
        TextSnapshot("Hello world!"),
    ]


async def test_conversation_continued_over_two_turns(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [stream(STREAM, content_type=SSE), stream(STREAM, content_type=SSE)]})
    https_server.handler = fake
    chat = client(https_server, transport)
    first = await chat.complete([{"role": "user", "content": "Hello?"}])
    assert first.conversation == Conversation("hailuo", chat_id="312345678901234567")
    history = [
        {"role": "user", "content": "Hello?"},
        {"role": "assistant", "content": first.text},
        {"role": "user", "content": "Thanks!"},
    ]
    await chat.complete(history, conversation=first.conversation)
    second = form_fields(fake.seen[1].header("content-type"), fake.seen[1].body)
    assert second["chatID"] == "312345678901234567"
    assert second["msgContent"] == "Thanks!"


async def test_401(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = FakeService({SEND: [json_answer(b"", 401)]})
    with pytest.raises(MissingAuthError, match="HAILUO_TOKEN") as info:
        await client(https_server, transport).complete([{"role": "user", "content": "x"}])
    assert "hailuo-e2e-secret" not in str(info.value)
