"""HuggingChat's models and conversations, end to end against a fake chat-ui on 127.0.0.1."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence

import pytest

from hfclient.client import HuggingChat
from hfclient.errors import ArgumentError, MissingAuthError, NotFoundError
from hfclient.events import Conversation, ReasoningDelta
from hfclient.exchange import Transport
from hfclient.info import ConversationInfo, ModelInfo, ModelProvider
from hfclient.sync import SyncHuggingChat
from tests.e2e.fakes import FakeService, json_answer, stream
from tests.e2e.test_huggingchat_e2e import (
    AFTER_ONE_TURN,
    CONVERSATION_ID,
    CREATE,
    EXAMPLES,
    GET,
    JSONL,
    MODEL,
    NEW,
    SEND,
    STREAM_2026,
    client,
    created,
)
from tests.multipart_helpers import form_fields
from tests.transport.servers import Gate, HttpServer, ReceivedRequest, Response
from tools.build_fixtures import superjson_body

pytestmark = pytest.mark.anyio

LIST = ("GET", "/chat/api/v2/conversations")
MODELS = ("GET", "/chat/api/v2/models")
ONE = ("GET", f"/chat/api/v2/conversations/{CONVERSATION_ID}")
PATCH = ("PATCH", f"/chat/api/v2/conversations/{CONVERSATION_ID}")
DELETE = ("DELETE", f"/chat/conversation/{CONVERSATION_ID}")
SHARE = ("POST", f"/chat/conversation/{CONVERSATION_ID}/share")
STOP = ("POST", f"/chat/conversation/{CONVERSATION_ID}/stop-generating")
WHEN = "2026-08-01T10:00:00.000Z"


def superjson_answer(value: object, dates: Sequence[str] = ()) -> Response:
    """``value`` as chat-ui's superjsonResponse answers it, the paths in ``dates`` as Dates."""
    return json_answer(superjson_body(value, dates))


def page(ids: list[str], **more: object) -> Response:
    conversations = [
        {"_id": i, "id": i, "title": f"chat {i}", "updatedAt": WHEN, "model": "m", "pinned": 1}
        for i in ids
    ]
    dates = [f"conversations.{n}.updatedAt" for n in range(len(ids))]
    return superjson_answer({"conversations": conversations, **more}, dates)


async def test_conversations_are_listed_page_after_page(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService({LIST: [page(["a", "b"], hasMore=True), page(["c"], hasMore=False)]})
    https_server.handler = fake
    listed = [c async for c in client(https_server, transport).conversations()]
    assert [c.id for c in listed] == ["a", "b", "c"]
    assert listed[0] == ConversationInfo(
        service="huggingchat",
        id="a",
        title="chat a",
        model="m",
        updated_at=datetime.datetime(2026, 8, 1, 10, tzinfo=datetime.UTC),
    )
    assert listed[0].extra == {"pinned": 1}  # a field the spec does not name, kept
    assert [r.target.split("?")[1] for r in fake.seen] == ["p=0", "p=1"]
    assert fake.seen[0].header("cookie") == "hf-chat=hfchat-e2e-secret; token=token-e2e-secret"


async def test_before_has_more_the_count_says_when_to_stop(
    https_server: HttpServer, transport: Transport
) -> None:
    thirty = [f"c{n}" for n in range(30)]
    fake = FakeService({LIST: [page(thirty, nConversations=31), page(["last"], nConversations=31)]})
    https_server.handler = fake
    listed = [c.id async for c in client(https_server, transport).conversations()]
    assert listed == [*thirty, "last"]
    assert len(fake.seen) == 2


async def test_one_conversation_with_its_messages(
    https_server: HttpServer, transport: Transport
) -> None:
    https_server.handler = FakeService({ONE: [json_answer(AFTER_ONE_TURN)]})
    info = await client(https_server, transport).get_conversation(CONVERSATION_ID)
    assert info.id == CONVERSATION_ID
    assert [m.role for m in info.messages] == ["system", "user", "assistant"]
    assert info.messages[1].content.startswith("What is the difference between a process")
    assert info.messages[0].created_at == datetime.datetime(
        2025, 7, 14, 9, 21, 5, 118000, tzinfo=datetime.UTC
    )
    assert "children" in info.messages[0].extra
    assert info.conversation == Conversation(
        "huggingchat", conversation_id=CONVERSATION_ID, model=info.model
    )


async def test_rename_switch_share_and_delete(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            PATCH: [superjson_answer({"success": True}), superjson_answer({"success": True})],
            SHARE: [json_answer(b'{"shareId": "Ab3dE7x"}')],
            DELETE: [Response(body=[b""])],
            ("DELETE", "/chat/api/v2/conversations"): [superjson_answer(4)],
        }
    )
    https_server.handler = fake
    chat = client(https_server, transport)
    handle = Conversation("huggingchat", conversation_id=CONVERSATION_ID)
    await chat.rename_conversation(handle, "Threads")
    await chat.set_conversation_model(CONVERSATION_ID, "org/other")
    url = await chat.share_conversation(handle)
    await chat.delete_conversation(handle)
    assert await chat.delete_all_conversations() == 4
    assert [json.loads(r.body) for r in fake.seen[:2]] == [
        {"title": "Threads"},
        {"model": "org/other"},
    ]
    assert url == f"{https_server.url}/chat/r/Ab3dE7x"
    assert fake.seen[2].header("origin") == "https://huggingface.co"


@pytest.mark.parametrize(
    ("call", "why"),
    [
        (lambda c: c.rename_conversation(CONVERSATION_ID, ""), "1 to 100"),
        (lambda c: c.rename_conversation(CONVERSATION_ID, "x" * 101), "1 to 100"),
        (lambda c: c.delete_conversation("../admin"), "conversation id"),
        (lambda c: c.delete_conversation(Conversation("hailuo", chat_id="1")), "HuggingChat"),
        (lambda c: c.model("a/b/c"), "model id"),
    ],
)
async def test_bad_arguments_fail_before_any_request(
    https_server: HttpServer, transport: Transport, call: object, why: str
) -> None:
    fake = FakeService({})
    https_server.handler = fake
    with pytest.raises(ArgumentError, match=why):
        await call(client(https_server, transport))  # type: ignore[operator]
    assert fake.seen == []


async def test_a_rejected_session_says_which_cookie(
    https_server: HttpServer, transport: Transport
) -> None:
    https_server.handler = FakeService(
        {LIST: [json_answer(b'{"message": "Must have a valid session or user"}', 401)]}
    )
    with pytest.raises(MissingAuthError, match="same browser session") as caught:
        async for _ in client(https_server, transport).conversations():
            pass
    assert "secret" not in str(caught.value) + repr(caught.value)


async def test_a_missing_conversation_is_not_found(
    https_server: HttpServer, transport: Transport
) -> None:
    https_server.handler = FakeService(
        {DELETE: [json_answer(b'{"message": "Conversation not found"}', 404)]}
    )
    with pytest.raises(NotFoundError, match="Conversation not found"):
        await client(https_server, transport).delete_conversation(CONVERSATION_ID)


async def test_models_and_one_model_with_its_providers(
    https_server: HttpServer, transport: Transport
) -> None:
    listed = json.loads((EXAMPLES / "huggingchat-v2.models.json").read_bytes())
    detail = {
        "id": "org/model",
        "name": "org/model",
        "displayName": "Model",
        "multimodal": False,
        "supportsTools": True,
        "supportsReasoning": True,
        "unlisted": False,
        "isRouter": False,
        "providers": [
            {"provider": "groq", "status": "live", "context_length": 131072, "extra_key": 1},
            "odd",
        ],
        "parameters": {"max_tokens": 4096},
    }
    https_server.handler = FakeService(
        {
            MODELS: [json_answer(json.dumps(listed).encode())],
            ("GET", "/chat/api/v2/models/org/model"): [superjson_answer(detail)],
        }
    )
    chat = client(https_server, transport)
    models = await chat.models()
    assert models
    assert all(isinstance(m, ModelInfo) and m.service == "huggingchat" for m in models)
    one = await chat.model("org/model")
    assert one.name == "Model"
    assert (one.supports_tools, one.supports_reasoning, one.multimodal) == (True, True, False)
    assert one.providers == (ModelProvider(provider="groq", status="live", context_length=131072),)
    assert one.providers[0].extra == {"extra_key": 1}
    assert one.parameters == {"max_tokens": 4096}
    assert one.extra["isRouter"] is False


async def test_the_legacy_era_reads_the_models_from_the_chat_page(
    https_server: HttpServer, transport: Transport
) -> None:
    body = (EXAMPLES / "huggingchat-2025-05.chat-page.html").read_bytes()
    page_answer = Response(headers=[("Content-Type", "text/html")], body=[body])
    https_server.handler = FakeService({("GET", "/chat/"): [page_answer]})
    chat = HuggingChat(
        hf_chat="hfchat-e2e-secret",
        era="legacy",
        base_url=f"{https_server.url}/chat",
        transport=transport,
    )
    models = await chat.models()
    assert models
    assert models[0].service == "huggingchat"
    assert models[0].id


def test_the_sync_client_iterates_conversations(http_server: HttpServer) -> None:
    answers = [page(["a"], hasMore=True), page(["b"]), page(["a"], hasMore=True)]
    http_server.handler = FakeService({LIST: answers})
    with SyncHuggingChat(
        hf_chat="h", token="t", base_url=f"{http_server.url}/chat", transport="anyio"
    ) as chat:
        assert [c.id for c in chat.conversations()] == ["a", "b"]
        first = next(iter(chat.conversations()))  # left early: closed, no warning
        assert first.id == "a"


async def test_ephemeral_deletes_the_conversation_after_the_answer(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {
            CREATE: [created()],
            GET: [json_answer(NEW)],
            SEND: [stream(STREAM_2026, content_type=JSONL)],
            DELETE: [Response(body=[b""])],
        }
    )
    https_server.handler = fake
    hello = [{"role": "user", "content": "Hi"}]
    answer = await client(https_server, transport).complete(hello, model=MODEL, ephemeral=True)
    assert answer.text
    assert fake.paths()[-1] == f"DELETE {DELETE[1]}"


async def test_ephemeral_left_early_stops_the_run_then_deletes(
    https_server: HttpServer, transport: Transport
) -> None:
    gate = Gate()
    fake = FakeService(
        {
            CREATE: [created()],
            GET: [json_answer(NEW)],
            SEND: [
                Response(
                    headers=[("Content-Type", JSONL)],
                    body=[b"".join(STREAM_2026.splitlines(keepends=True)[:9]), gate, b""],
                    framing="chunked",
                )
            ],
            STOP: [Response(body=[b""])],
            DELETE: [Response(body=[b""])],
        }
    )
    https_server.handler = fake
    hello = [{"role": "user", "content": "Hi"}]
    async with client(https_server, transport).stream(hello, model=MODEL, ephemeral=True) as events:
        async for event in events:
            if isinstance(event, ReasoningDelta):  # the run is going: leave it
                break
    gate.open()
    assert fake.paths()[-2:] == [f"POST {STOP[1]}", f"DELETE {DELETE[1]}"]


def sent_data(request: ReceivedRequest) -> dict[str, object]:
    """The JSON ``data`` part of a send."""
    data = form_fields(request.header("content-type"), request.body)["data"]
    return json.loads(data)  # type: ignore[no-any-return]


async def test_retry_answers_the_last_message_again(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = FakeService(
        {GET: [json_answer(AFTER_ONE_TURN)], SEND: [stream(STREAM_2026, content_type=JSONL)]}
    )
    https_server.handler = fake
    handle = Conversation("huggingchat", conversation_id=CONVERSATION_ID, model=MODEL)
    async with client(https_server, transport).retry(handle, web_search=True) as events:
        assert [e async for e in events]
    data = sent_data(fake.seen[-1])
    assert (data["id"], data["is_retry"]) == ("c37b847d-bb19-4a4f-ac25-bb18ef95d55d", True)
    assert data["selectedMcpServerNames"] == ["Web Search (Exa)"]
    assert "inputs" not in data


async def test_edit_replaces_a_user_message(https_server: HttpServer, transport: Transport) -> None:
    fake = FakeService(
        {GET: [json_answer(AFTER_ONE_TURN)], SEND: [stream(STREAM_2026, content_type=JSONL)]}
    )
    https_server.handler = fake
    handle = Conversation("huggingchat", conversation_id=CONVERSATION_ID, model=MODEL)
    user = "525e17ed-95e1-4b1a-afdd-f2eafe760d8c"
    async with client(https_server, transport).edit(handle, user, "One sentence only.") as events:
        assert [e async for e in events]
    data = sent_data(fake.seen[-1])
    assert (data["id"], data["is_retry"], data["inputs"]) == (user, True, "One sentence only.")


async def test_retry_needs_a_conversation_with_its_model() -> None:
    chat = HuggingChat(hf_chat="h", token="t", transport="anyio")
    with pytest.raises(ArgumentError, match="with its model"):
        chat.retry(Conversation("huggingchat", conversation_id=CONVERSATION_ID))
    with pytest.raises(ArgumentError, match="message_id"):
        chat.edit(Conversation("huggingchat", conversation_id="c", model="m"), "", "x")
