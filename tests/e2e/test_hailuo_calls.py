"""Hailuo beside the chat, end to end: the web app's headers, search, deleting chats,
``ephemeral=True``, checking a token, and code 2 as a validation error."""

from __future__ import annotations

import json
import logging

import anyio
import pytest

from codec.hailuo import UNSIGNED_BODY, sign
from hfclient.client import Hailuo
from hfclient.errors import ArgumentError, InvalidRequestError, MissingAuthError, NotFoundError
from hfclient.events import Conversation, ServiceError
from hfclient.exchange import Transport
from tests.e2e.fakes import FakeService, drain, json_answer, stream
from tests.e2e.test_hailuo_e2e import SEND, SSE, STREAM, client, message
from tests.multipart_helpers import form_fields
from tests.transport.servers import HttpServer, ReceivedRequest, Response

pytestmark = pytest.mark.anyio

CHAT_ID = "312345678901234567"  # the chat the example stream makes
DELETE = ("DELETE", f"/v1/api/chat/history/{CHAT_ID}")
USER_INFO = ("GET", "/v1/api/user/info")
HELLO = [{"role": "user", "content": "Hello?"}]
REFUSED = "请求异常，请检查请求参数"  # noqa: RUF001  (the service's own words, §10)


def answer() -> Response:
    return stream(STREAM, content_type=SSE)


def envelope(code: int = 0, message: str = "Success", data: object = None) -> bytes:
    return json.dumps({"statusInfo": {"code": code, "message": message}, "data": data}).encode()


def signed_without_body(request: ReceivedRequest) -> bool:
    """Whether ``yy`` is the generic signature over what arrived and ``{}``."""
    timestamp = int(request.target.rsplit("unix=", 1)[1])
    return request.header("yy") == sign(request.target, UNSIGNED_BODY, timestamp)


async def test_a_turn_sends_the_web_apps_headers(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [stream(STREAM, content_type=SSE)]})
    https_server.handler = fake
    await client(https_server, transport).complete(HELLO)
    sent = fake.seen[0]
    assert sent.header("accept") == "text/event-stream"
    assert sent.header("origin") == "https://www.hailuo.ai"
    assert sent.header("referer") == "https://www.hailuo.ai/"


@pytest.mark.parametrize(("search", "mode"), [(None, "0"), (True, "1"), (False, "0")])
async def test_search_sets_search_mode(
    https_server: HttpServer, transport: Transport, search: bool | None, mode: str
) -> None:
    fake = FakeService({SEND: [stream(STREAM, content_type=SSE)]})
    https_server.handler = fake
    await client(https_server, transport).complete(HELLO, search=search)
    sent = fake.seen[0]
    assert form_fields(sent.header("content-type"), sent.body)["searchMode"] == mode


@pytest.mark.parametrize("by", ["conversation", "chat_id"])
async def test_delete_chat_is_signed_over_an_empty_body(
    https_server: HttpServer, transport: Transport, by: str
) -> None:
    fake = FakeService({DELETE: [json_answer(envelope())]})
    https_server.handler = fake
    chat = Conversation("hailuo", chat_id=CHAT_ID) if by == "conversation" else CHAT_ID
    await client(https_server, transport).delete_chat(chat)
    (sent,) = fake.seen
    assert sent.header("token") == "hailuo-e2e-secret"
    assert signed_without_body(sent)


async def test_delete_chat_needs_a_chat() -> None:
    hailuo = Hailuo(token="t", device_id="d", uuid="u", transport="anyio")
    with pytest.raises(ArgumentError, match="needs a Hailuo chat"):
        await hailuo.delete_chat(Conversation("huggingchat", conversation_id="c"))


async def test_an_error_in_a_200_envelope_raises_its_kind(
    https_server: HttpServer, transport: Transport
) -> None:
    https_server.handler = FakeService(
        {
            DELETE: [
                json_answer(envelope(2, REFUSED)),
                json_answer(b'{"statusInfo": {"code": 0}}', 404),
            ]
        }
    )
    hailuo = client(https_server, transport)
    with pytest.raises(InvalidRequestError, match=REFUSED):
        await hailuo.delete_chat(CHAT_ID)
    with pytest.raises(NotFoundError):
        await hailuo.delete_chat(CHAT_ID)


async def test_check_token_gives_the_account_when_it_is_live(
    https_server: HttpServer, transport: Transport
) -> None:
    account = {"userID": "42", "name": "someone"}
    fake = FakeService({USER_INFO: [json_answer(envelope(data={"userInfo": account}))]})
    https_server.handler = fake
    assert await client(https_server, transport).check_token() == account
    assert signed_without_body(fake.seen[0])


@pytest.mark.parametrize(
    "answer",
    [
        json_answer(envelope(data={"userInfo": None})),
        json_answer(envelope(data={})),
        json_answer(envelope(data=None)),
        json_answer(b'{"statusInfo": {"code": 1004, "message": "unauthorized"}}'),
        json_answer(b"{}", 401),
    ],
    ids=["null", "absent", "no-data", "code", "401"],
)
async def test_an_expired_token_says_so_and_names_what_to_give(
    https_server: HttpServer, transport: Transport, answer: object
) -> None:
    https_server.handler = FakeService({USER_INFO: [answer]})  # type: ignore[list-item]
    with pytest.raises(MissingAuthError, match="HAILUO_TOKEN") as caught:
        await client(https_server, transport).check_token()
    assert "hailuo-e2e-secret" not in repr(caught.value) + str(caught.value)


async def test_ephemeral_deletes_the_chat_after_the_answer(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [answer()], DELETE: [json_answer(envelope())]})
    https_server.handler = fake
    completion = await client(https_server, transport).complete(HELLO, ephemeral=True)
    assert completion.text.startswith("Hello in Chinese is 你好")
    assert fake.paths() == [f"{SEND[0]} {SEND[1]}", f"{DELETE[0]} {DELETE[1]}"]
    assert signed_without_body(fake.seen[1])


async def test_ephemeral_deletes_the_chat_when_the_caller_leaves_early(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [answer()], DELETE: [json_answer(envelope())]})
    https_server.handler = fake
    async with client(https_server, transport).stream(HELLO, ephemeral=True) as events:
        async for event in events:
            if isinstance(event, Conversation):
                break
    assert fake.paths()[-1] == f"{DELETE[0]} {DELETE[1]}"


async def test_ephemeral_deletes_the_chat_when_cancelled(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [answer()], DELETE: [json_answer(envelope())]})
    https_server.handler = fake
    with anyio.CancelScope() as scope:
        async with client(https_server, transport).stream(HELLO, ephemeral=True) as events:
            async for event in events:
                if isinstance(event, Conversation):
                    scope.cancel()
                    await anyio.sleep(1)  # the cancellation lands here
    assert scope.cancelled_caught
    assert fake.paths()[-1] == f"{DELETE[0]} {DELETE[1]}"


async def test_ephemeral_keeps_the_answer_when_deleting_fails(
    https_server: HttpServer, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeService({SEND: [answer()], DELETE: [json_answer(b"{}", 500)]})
    https_server.handler = fake
    with caplog.at_level(logging.WARNING, logger="hfclient"):
        completion = await client(https_server, transport).complete(HELLO, ephemeral=True)
    assert completion.text.startswith("Hello in Chinese is 你好")
    assert any("was not deleted" in r.getMessage() for r in caplog.records)


async def test_ephemeral_without_a_chat_made_sends_nothing_more(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({SEND: [json_answer(b"{}", 401)]})
    https_server.handler = fake
    with pytest.raises(MissingAuthError):
        await client(https_server, transport).complete(HELLO, ephemeral=True)
    assert fake.paths() == [f"{SEND[0]} {SEND[1]}"]


async def test_code_2_in_the_stream_is_a_validation_error(
    https_server: HttpServer, transport: Transport
) -> None:
    refused = {"type": 2, "statusInfo": {"code": 2, "message": REFUSED}}
    event = b"event:message_result\ndata:" + json.dumps(refused).encode() + b"\n\n"
    body = message("Hel", 1) + event
    https_server.handler = FakeService({SEND: [stream(body, content_type=SSE)]})
    events, _ = await drain(client(https_server, transport).stream(HELLO))
    errors = [e for e in events if isinstance(e, ServiceError)]
    assert [(e.kind, e.message) for e in errors] == [("validation", REFUSED)]
