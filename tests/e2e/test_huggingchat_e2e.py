"""HuggingChat end to end over a real transport against a local fake chat-ui."""

from __future__ import annotations

import json

import pytest

from hfclient.client import HuggingChat
from hfclient.errors import MissingAuthError, RateLimitError
from hfclient.events import Conversation, Event, Finished, ServiceError, Title
from hfclient.exchange import Transport
from hfclient.serialization import from_json, to_json
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, json_answer, stream
from tests.multipart_helpers import form_fields
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

EXAMPLES = DATA / "examples"
CONVERSATION_ID = "6874cc01a3e9c1f27b4d0e58"
NEW = (EXAMPLES / "huggingchat-v2.conversation-new.json").read_bytes()
AFTER_ONE_TURN = (EXAMPLES / "huggingchat-v2.conversation.json").read_bytes()
STREAM_2026 = (EXAMPLES / "huggingchat-2026.stream.ndjson").read_bytes()
STREAM_ERROR = (EXAMPLES / "huggingchat.stream-error.ndjson").read_bytes()
JSONL = "application/jsonl"
CREATE = ("POST", "/chat/conversation")
GET = ("GET", f"/chat/api/v2/conversations/{CONVERSATION_ID}")
SEND = ("POST", f"/chat/conversation/{CONVERSATION_ID}")
MODEL = "Qwen/Qwen3-235B-A22B"


def created() -> object:
    return json_answer(json.dumps({"conversationId": CONVERSATION_ID}).encode())


def client(server: HttpServer, transport: Transport) -> HuggingChat:
    return HuggingChat(
        hf_chat="hfchat-e2e-secret",
        token="token-e2e-secret",
        base_url=f"{server.url}/chat",
        transport=transport,
    )


async def test_happy_path_keeps_the_title_after_final_answer(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            CREATE: [created()],
            GET: [json_answer(NEW)],
            SEND: [stream(STREAM_2026, content_type=JSONL)],
        }
    )
    https_server.handler = fake
    events: list[Event] = [
        e
        async for e in client(https_server, transport).stream(
            [{"role": "user", "content": "TLS?"}], model=MODEL
        )
    ]
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("Title") > kinds.index("TextDelta")
    assert isinstance(events[-1], Finished)
    assert events[0] == Conversation("huggingchat", conversation_id=CONVERSATION_ID, model=MODEL)
    send = fake.seen[2]
    assert send.header("origin") == "https://huggingface.co"
    assert send.header("cookie") == "hf-chat=hfchat-e2e-secret; token=token-e2e-secret"
    data = json.loads(form_fields(send.header("content-type"), send.body)["data"])
    assert data["id"] == "76e4703a-d1d1-4604-98d5-3a8ed5f2fb96"
    assert data["inputs"] == "TLS?"


async def test_conversation_continued_over_two_turns(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            CREATE: [created()],
            GET: [json_answer(NEW), json_answer(AFTER_ONE_TURN)],
            SEND: [
                stream(STREAM_2026, content_type=JSONL),
                stream(STREAM_2026, content_type=JSONL),
            ],
        }
    )
    https_server.handler = fake
    chat = client(https_server, transport)
    first = await chat.complete([{"role": "user", "content": "Hi"}], model=MODEL)
    history = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": first.text},
        {"role": "user", "content": "And then?"},
    ]
    # A restart between the turns: the handle goes through JSON to a new client.
    assert first.conversation is not None
    saved = to_json(first.conversation)
    restarted = client(https_server, transport)
    second = await restarted.complete(
        history, model=MODEL, conversation=from_json(Conversation, saved)
    )
    assert first.title == "Browser TLS certificate trust"
    assert second.conversation == first.conversation
    assert fake.paths() == [
        "POST /chat/conversation",
        f"GET /chat/api/v2/conversations/{CONVERSATION_ID}",
        f"POST /chat/conversation/{CONVERSATION_ID}",
        f"GET /chat/api/v2/conversations/{CONVERSATION_ID}",
        f"POST /chat/conversation/{CONVERSATION_ID}",
    ]
    data = json.loads(form_fields(fake.seen[-1].header("content-type"), fake.seen[-1].body)["data"])
    assert data["inputs"] == "And then?"
    assert data["id"] == "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"


async def test_401_names_the_cookies(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = FakeService(
        {CREATE: [json_answer(b'{"error":"You have to be logged in."}', 401)]}
    )
    with pytest.raises(MissingAuthError, match="HF_CHAT_COOKIE") as info:
        await client(https_server, transport).complete(
            [{"role": "user", "content": "x"}], model=MODEL
        )
    assert "e2e-secret" not in str(info.value)


async def test_429_too_many_messages(https_server: HttpServer, transport: Transport) -> None:
    body = b'{"message":"You are sending too many messages. Try again later."}'
    https_server.handler = FakeService(
        {CREATE: [created()], GET: [json_answer(NEW)], SEND: [json_answer(body, 429)]}
    )
    with pytest.raises(RateLimitError, match="too many messages"):
        await client(https_server, transport).complete(
            [{"role": "user", "content": "x"}], model=MODEL
        )


async def test_error_inside_a_200_stream(https_server: HttpServer, transport: Transport) -> None:
    https_server.handler = FakeService(
        {
            CREATE: [created()],
            GET: [json_answer(NEW)],
            SEND: [stream(STREAM_ERROR, content_type=JSONL)],
        }
    )
    events = [
        e
        async for e in client(https_server, transport).stream(
            [{"role": "user", "content": "x"}], model=MODEL
        )
    ]
    assert isinstance(events[-1], ServiceError)
    assert events[-1].kind == "overloaded"
    assert not any(isinstance(e, Title) and e.title == "" for e in events)
