"""HuggingChat's 2026 turn end to end, against a fake chat-ui on 127.0.0.1 (fake_chat_ui.py).

A two-round tool answer, a question answered and its turn resumed, a stop in
the middle (explicit, and by leaving the stream), a dropped connection
re-attached with ``fromSeq``; each stream's unified events are snapshotted.
"""

from __future__ import annotations

import functools
import json

import anyio
import anyio.to_thread
import pytest

from codec.huggingchat import extract_last_content
from hfclient.client import HuggingChat
from hfclient.completion import Completion
from hfclient.errors import MissingAuthError, ReadError, RemoteProtocolError
from hfclient.events import (
    Conversation,
    Elicitation,
    Event,
    Finished,
    ReasoningDelta,
    TextDelta,
    ToolCall,
)
from hfclient.exchange import Transport
from hfclient.protocol.huggingchat import utf16_length
from hfclient.sync import SyncHuggingChat
from tests import huggingchat_runs as runs
from tests.e2e.fake_chat_ui import AFTER, CONVERSATION_ID, FakeChatUi, Run
from tests.e2e.fakes import drain
from tests.transport.servers import HttpServer

pytestmark = pytest.mark.anyio

MODEL = "Qwen/Qwen3-235B-A22B"
QUESTION = [{"role": "user", "content": "How tall is the tallest tree?"}]
ROOT_ID = "76e4703a-d1d1-4604-98d5-3a8ed5f2fb96"  # system root of the new conversation
LAST_ID = "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"  # newest message after a turn


def client(server: HttpServer, transport: Transport, **options: object) -> HuggingChat:
    return HuggingChat(
        hf_chat="hfchat-e2e-secret",
        token="token-e2e-secret",
        base_url=f"{server.url}/chat",
        transport=transport,
        **options,  # type: ignore[arg-type]
    )


def serve(server: HttpServer, *scripted: Run, continued: bool = False) -> FakeChatUi:
    fake = FakeChatUi.serving(*scripted, continued=continued)
    server.handler = fake
    return fake


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def reasoning_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))


def shown(events: list[Event]) -> list[str]:
    return [repr(e) for e in events]


async def test_a_two_round_tool_answer(
    https_server: HttpServer, transport: Transport, snapshot: object
) -> None:
    fake = serve(https_server, Run(runs.TWO_ROUNDS))
    chat = client(https_server, transport)
    async with chat.stream(QUESTION, model=MODEL, tools=["Web Search (Exa)"]) as stream:
        events, error = await drain(stream)
    assert error is None
    assert shown(events) == snapshot
    (data,) = fake.sent
    assert data["selectedMcpServerNames"] == ["Web Search (Exa)"]
    assert data["id"] == ROOT_ID
    assert isinstance(events[0], Conversation)
    assert data["generationId"] == events[0].generation_id
    # Every round's <think> is reasoning; the text before the tools ran is kept.
    assert reasoning_of(events) == "The user wants a fact; search.Hyperion it is."
    assert events[-1] == Finished("stop", runs.TWO_ROUNDS_TEXT)
    (call,) = [e for e in events if isinstance(e, ToolCall)]
    assert call.arguments == runs.TOOL_CALL["argumentsRaw"]
    assert fake.stops == []  # a stream read to its end stops nothing


async def test_no_tools_unless_asked_and_the_servers_listed(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = serve(https_server, Run(runs.long_answer(3)), Run(runs.long_answer(3)))
    chat = client(https_server, transport)
    await chat.complete(QUESTION, model=MODEL)
    await chat.complete(QUESTION, model=MODEL, web_search=True)
    assert [d["selectedMcpServerNames"] for d in fake.sent] == [[], ["Web Search (Exa)"]]
    servers = await chat.mcp_servers()
    assert [s.name for s in servers] == ["Web Search (Exa)", "Hugging Face"]


async def test_an_elicitation_answered_and_its_turn_resumed(
    https_server: HttpServer, transport: Transport, snapshot: object
) -> None:
    fake = serve(https_server, Run(runs.PARKED), Run(runs.RESUMED))
    chat = client(https_server, transport)
    async with chat.stream(QUESTION, model=MODEL, tools=["Hugging Face"]) as stream:
        parked, error = await drain(stream)
    assert error is None
    assert parked[-1] == Finished("elicitation", "I will deploy it.")
    (asked,) = [e for e in parked if isinstance(e, Elicitation)]
    assert asked.parked
    handle = parked[0]
    assert isinstance(handle, Conversation)

    resume = await chat.answer_elicitation(handle, asked.id, content={"space": "me/demo"})
    assert resume is True
    assert fake.answers == [
        {"elicitationId": runs.ELICITATION_ID, "action": "accept", "content": {"space": "me/demo"}}
    ]
    async with chat.resume_elicitation(handle, asked.id, tools=["Hugging Face"]) as stream:
        resumed, error = await drain(stream)
    assert error is None
    assert resumed[-1] == Finished("stop", "Deployed to me/demo.")
    assert shown(parked) == snapshot(name="parked")
    assert shown(resumed) == snapshot(name="resumed")
    first, second = fake.sent
    assert "resumeElicitationId" not in first
    assert second["resumeElicitationId"] == runs.ELICITATION_ID
    assert second["id"] == LAST_ID  # the parked assistant message, continued in place
    assert second["selectedMcpServerNames"] == first["selectedMcpServerNames"] == ["Hugging Face"]
    assert "inputs" not in second
    # Answered once: a second answer is the server's 409.
    with pytest.raises(Exception, match="Already answered"):
        await chat.answer_elicitation(handle, asked.id, action="cancel")
    assert fake.stops == []


async def test_a_live_question_answered_while_its_stream_waits(
    https_server: HttpServer, transport: Transport, snapshot: object
) -> None:
    # A 2025-era prompt (with an expiry): the tool call waits, the stream stays open.
    live = {**runs.ELICITATION_REQUEST, "expiresAt": 1_787_000_000_000}
    declined = {
        "type": "elicitation",
        "subtype": "resolved",
        "elicitationId": runs.ELICITATION_ID,
        "action": "decline",
        "resolution": "user",
    }
    updates = [runs.token("Deploying."), live, declined, *runs.RESUMED[1:]]
    fake = serve(https_server, Run(updates, gate_at=2))
    chat = client(https_server, transport)
    events: list[Event] = []
    async with chat.stream(QUESTION, model=MODEL) as stream:
        async for event in stream:
            events.append(event)
            if isinstance(event, Elicitation):
                assert not event.parked
                assert event.expires_at == 1_787_000_000.0  # seconds
                handle = events[0]
                assert isinstance(handle, Conversation)
                assert await chat.answer_elicitation(handle, event.id, action="decline") is False
    assert shown(events) == snapshot
    assert fake.answers == [{"elicitationId": runs.ELICITATION_ID, "action": "decline"}]
    assert events[-1] == Finished("stop", "Deploying.Deployed to me/demo.")  # as streamed
    assert len(fake.sent) == 1  # nothing to resume: the same stream went on


async def test_a_stop_in_the_middle(
    https_server: HttpServer, transport: Transport, snapshot: object
) -> None:
    fake = serve(https_server, Run(runs.long_answer(8), gate_at=5))
    chat = client(https_server, transport)
    events: list[Event] = []
    async with chat.stream(QUESTION, model=MODEL) as stream:
        async for event in stream:
            events.append(event)
            if event == TextDelta("word3 "):  # the last token before the gate
                handle = events[0]
                assert isinstance(handle, Conversation)
                await chat.stop(handle, seen_content_length=len("word0 word1 word2 word3 "))
    assert shown(events) == snapshot
    assert events[-1] == Finished("interrupted", "word0 word1 word2 word3 ")
    (point,) = fake.stops
    assert point == {"generationId": fake.sent[0]["generationId"], "seenContentLength": 24}


async def test_leaving_a_stream_early_stops_the_generation(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = serve(https_server, Run(runs.long_answer(8), gate_at=5))
    chat = client(https_server, transport)
    async with chat.stream(QUESTION, model=MODEL) as stream:
        async for event in stream:
            if event == TextDelta("word3 "):
                break
    (point,) = fake.stops
    assert point == {"generationId": fake.sent[0]["generationId"], "seenContentLength": 24}


async def test_cancelling_complete_stops_the_generation(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = serve(https_server, Run(runs.long_answer(8), gate_at=5))
    chat = client(https_server, transport)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(functools.partial(chat.complete, QUESTION, model=MODEL))
        await anyio.to_thread.run_sync(fake.sending.wait)  # the run started server-side
        tasks.cancel_scope.cancel()
    (point,) = fake.stops
    assert isinstance(point, dict)
    assert point["generationId"] == fake.sent[0]["generationId"]


async def test_leaving_early_with_stop_on_close_off_leaves_it_running(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = serve(https_server, Run(runs.long_answer(8), gate_at=5))
    chat = client(https_server, transport, stop_on_close=False)
    async with chat.stream(QUESTION, model=MODEL) as stream:
        async for event in stream:
            if event == TextDelta("word3 "):
                break
    assert fake.stops == []


async def test_stopping_a_resumed_turn_counts_the_parked_text(
    https_server: HttpServer, transport: Transport
) -> None:
    # The resumed turn continues the parked message in place: chat-ui clamps the
    # whole message to the stop point, so the text it already had counts.
    fake = serve(https_server, Run(runs.RESUMED, gate_at=3), continued=True)
    chat = client(https_server, transport)
    handle = Conversation("huggingchat", conversation_id=CONVERSATION_ID, model=MODEL)
    async with chat.resume_elicitation(handle, runs.ELICITATION_ID) as stream:
        async for event in stream:
            if isinstance(event, TextDelta):
                break
    parked = extract_last_content(AFTER)
    assert parked  # the example's last message has text
    assert fake.sent[0]["id"] == LAST_ID
    (point,) = fake.stops
    assert isinstance(point, dict)
    assert point["seenContentLength"] == utf16_length(parked + "Deployed to me/demo.")


def unbroken() -> list[Event]:
    """The TWO_ROUNDS run read whole, through the same translator (the reference)."""
    from hfclient.decoding import StreamDecoder

    decoder = StreamDecoder("huggingchat")
    lines = runs.post_lines(runs.TWO_ROUNDS)
    return [e for line in lines for e in decoder.feed(line)] + decoder.close()


@pytest.mark.parametrize("cut", [3, 10, 16])
async def test_a_dropped_connection_reattached_with_from_seq(
    https_server: HttpServer, transport: Transport, snapshot: object, cut: int
) -> None:
    # The POST resets after `cut` updates; the first re-attach closes plainly at seq 6,
    # the second goes on with fromSeq=6.
    fake = serve(https_server, Run(runs.TWO_ROUNDS, reset_at=cut, closes_at=6))
    chat = client(https_server, transport)
    async with chat.stream(QUESTION, model=MODEL, reattach=True) as stream:
        events, error = await drain(stream)
    assert error is None, error
    assert shown(events) == snapshot
    generation = fake.sent[0]["generationId"]
    stream_path = f"GET /chat/conversation/{CONVERSATION_ID}/stream?generationId={generation}"
    assert [p for p in fake.paths() if "/stream" in p] == [
        f"{stream_path}&fromSeq=0",
        f"{stream_path}&fromSeq=6",
    ]
    whole = unbroken()
    assert text_of(events) == text_of(whole)
    assert reasoning_of(events) == reasoning_of(whole)
    assert events[-1] == whole[-1] == Finished("stop", runs.TWO_ROUNDS_TEXT)
    others = [e for e in events[1:] if not isinstance(e, TextDelta | ReasoningDelta)]
    assert others == [e for e in whole if not isinstance(e, TextDelta | ReasoningDelta)]
    assert fake.stops == []


@pytest.mark.parametrize("cut", [2, 10, 17])
async def test_without_reattach_a_dropped_connection_fails_and_leaves_the_run(
    https_server: HttpServer, transport: Transport, cut: int
) -> None:
    fake = serve(https_server, Run(runs.TWO_ROUNDS, reset_at=cut))
    chat = client(https_server, transport)
    async with chat.stream(QUESTION, model=MODEL) as stream:
        events, error = await drain(stream)
    assert isinstance(error, ReadError | RemoteProtocolError)
    assert fake.stops == []  # a failed stream is not a stop: it can be re-attached
    handle = events[0]
    assert isinstance(handle, Conversation)
    # The explicit re-attach: the run from its start (fromSeq=0), to its end.
    answer: Completion = await chat._collect(chat.resume(handle))
    assert answer.text == runs.TWO_ROUNDS_TEXT
    assert fake.paths()[-1].endswith(f"generationId={fake.sent[0]['generationId']}&fromSeq=0")
    # With what the broken stream gave as `seen`: only the rest, nothing twice.
    async with chat.resume(handle, seen=events) as stream:
        rest, error = await drain(stream)
    assert error is None
    assert rest[0] == handle
    whole = unbroken()
    together = events[1:] + rest[1:]
    assert text_of(together) == text_of(whole)
    assert reasoning_of(together) == reasoning_of(whole)
    others = [e for e in together if not isinstance(e, TextDelta | ReasoningDelta)]
    assert others == [e for e in whole if not isinstance(e, TextDelta | ReasoningDelta)]


async def test_a_missing_token_cookie_is_named_before_anything_is_sent(
    https_server: HttpServer, transport: Transport
) -> None:
    fake = serve(https_server)
    chat = HuggingChat(
        hf_chat="hfchat-e2e-secret", base_url=f"{https_server.url}/chat", transport=transport
    )
    with pytest.raises(MissingAuthError, match="HF_CHAT_TOKEN_COOKIE"):
        await chat.complete(QUESTION, model=MODEL)
    assert fake.seen == []
    # An era before the coupling sends without it; the fake's 401 then names the cookie.
    old = HuggingChat(
        hf_chat="hfchat-e2e-secret",
        base_url=f"{https_server.url}/chat",
        transport=transport,
        era="2025-10-01",
    )
    with pytest.raises(MissingAuthError, match="token cookie") as info:
        await old.complete(QUESTION, model=MODEL)
    assert "e2e-secret" not in str(info.value)
    assert json.dumps(fake.paths()).count("POST /chat/conversation") == 1


def test_the_sync_client_stops_answers_and_lists(https_server: HttpServer, ca_pem: str) -> None:
    fake = serve(https_server, Run(runs.PARKED), Run(runs.long_answer(8), gate_at=5))
    with SyncHuggingChat(
        hf_chat="hfchat-e2e-secret",
        token="token-e2e-secret",
        base_url=f"{https_server.url}/chat",
        proxy=None,
        verify=ca_pem,
    ) as chat:
        assert [s.name for s in chat.mcp_servers()] == ["Web Search (Exa)", "Hugging Face"]
        parked = chat.complete(QUESTION, model=MODEL)
        assert parked.finish_reason == "elicitation"
        assert parked.conversation is not None
        assert parked.elicitation is not None
        assert parked.elicitation.id == runs.ELICITATION_ID
        assert chat.answer_elicitation(parked.conversation, parked.elicitation.id) is True
        with chat.stream(QUESTION, model=MODEL, conversation=parked.conversation) as events:
            for event in events:
                if event == TextDelta("word3 "):
                    break  # leaving early: the run is stopped
    (point,) = fake.stops
    assert isinstance(point, dict)
    assert point["generationId"] == fake.sent[1]["generationId"]
