"""HuggingChat's turn as chat-ui speaks it in 2026: tools, rounds, elicitation, stop, re-attach.

Sans-IO: the machines and the translator, fed chat-ui-shaped answers
(tests/huggingchat_runs.py); no sockets.
"""

from __future__ import annotations

import json

import pytest

from hfclient.completion import Completion
from hfclient.decoding import StreamDecoder
from hfclient.errors import ArgumentError, ReadError
from hfclient.events import (
    Conversation,
    Elicitation,
    ElicitationResolved,
    Event,
    Finished,
    ReasoningDelta,
    ServiceError,
    TextDelta,
    ToolCall,
    ToolProgress,
    ToolResult,
)
from hfclient.protocol.huggingchat import HuggingChatMachine
from hfclient.protocol.huggingchat_calls import (
    AnswerElicitationMachine,
    McpServersMachine,
    StopGenerationMachine,
    utf16_length,
)
from hfclient.translate.huggingchat import HuggingChatTranslator, merge_final_answer
from tests import huggingchat_runs as runs
from tests import test_protocol_huggingchat as hc
from tests.machine_helpers import Run, Scripted, drive

SSE = (("Content-Type", "text/event-stream"),)
HANDLE = Conversation(
    "huggingchat",
    conversation_id=hc.CONVERSATION_ID,
    model=hc.MODEL,
    generation_id=runs.GENERATION_ID,
)


def decoded(lines: list[bytes]) -> list[Event]:
    decoder = StreamDecoder("huggingchat")
    events = [e for line in lines for e in decoder.feed(line)]
    return events + decoder.close()


def text_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def reasoning_of(events: list[Event]) -> str:
    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))


def post(updates: list[runs.Update], *, dropped_after: int | None = None) -> Scripted:
    lines = runs.post_lines(updates)
    if dropped_after is not None:
        return Scripted(200, hc.JSONL, lines[:dropped_after], dropped=True)
    return Scripted(200, hc.JSONL, lines)


def sse(body: bytes, *, dropped: bool = False) -> Scripted:
    return Scripted(200, SSE, [body[i : i + 97] for i in range(0, len(body), 97)], dropped=dropped)


def continuing(**kwargs: object) -> HuggingChatMachine:
    return hc.machine(
        messages=[{"role": "user", "content": "How tall is the tallest tree?"}],
        conversation=hc.handle(),
        new_uuid=lambda: runs.GENERATION_ID,
        **kwargs,
    )


def finished(run: Run) -> Finished:
    last = run.events[-1]
    assert isinstance(last, Finished), run.error
    return last


# --- Two rounds of tools ------------------------------------------------------------------------


def test_two_rounds_each_think_section_is_reasoning_and_the_preamble_is_kept() -> None:
    events = decoded(runs.post_lines(runs.TWO_ROUNDS))
    assert reasoning_of(events) == "The user wants a fact; search.Hyperion it is."
    assert text_of(events) == runs.TWO_ROUNDS_TEXT
    end = events[-1]
    assert end == Finished("stop", runs.TWO_ROUNDS_TEXT)  # as chat-ui shows the message


def test_a_tool_call_keeps_every_field_and_the_arguments_as_sent() -> None:
    events = decoded(runs.post_lines(runs.TWO_ROUNDS))
    (call,) = [e for e in events if isinstance(e, ToolCall)]
    assert call == ToolCall(
        runs.TOOL_CALL["uuid"],
        "web_search_exa",
        '{"query":  "tallest tree"}',  # argumentsRaw, not a re-encoding
        original_id="functions.web_search_exa:0",
        reasoning="The user wants a fact; search.",
        content="Let me look that up.",
    )
    (progress,) = [e for e in events if isinstance(e, ToolProgress)]
    assert progress == ToolProgress(call.id, 1, 2, "Searching the web")
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert (result.id, result.name, result.error) == (call.id, "web_search_exa", None)


def test_without_arguments_raw_the_parameters_are_the_arguments() -> None:
    update = {k: v for k, v in runs.TOOL_CALL.items() if k != "argumentsRaw"}
    translator = HuggingChatTranslator()
    decoder = StreamDecoder("huggingchat", translator=translator)
    (call,) = decoder.feed(json.dumps(update).encode() + b"\n")
    assert isinstance(call, ToolCall)
    assert json.loads(call.arguments) == {"query": "tallest tree"}


def test_a_tool_error_is_a_failed_result_named_after_its_call() -> None:
    error = {"type": "tool", "subtype": "error", "uuid": runs.TOOL_CALL["uuid"], "message": "boom"}
    lines = runs.post_lines([runs.TOOL_CALL, error])
    decoder = StreamDecoder("huggingchat")
    events = [e for line in lines for e in decoder.feed(line)]
    assert events[-1] == ToolResult(runs.TOOL_CALL["uuid"], "web_search_exa", error="boom")


@pytest.mark.parametrize(
    ("existing", "final", "tools", "interrupted", "shown"),
    [
        ("abc", "xyz", False, False, "xyz"),  # no tools: the final text wins
        ("Pre.", "Post.", True, False, "Pre.\n\nPost."),  # C: joined by a paragraph break
        ("Pre.\n\n", "Post.", True, False, "Pre.\n\nPost."),
        ("Pre. Post.", "Post.", True, False, "Pre. Post."),  # A: already streamed
        ("Pre. Post.  ", "  Post.", True, False, "Pre. Post.  "),  # A, trimmed
        # JavaScript's \s: U+FEFF is trimmed, U+001C is not (Python's isspace differs).
        ("Pre. Post.\ufeff", "\ufeffPost.", True, False, "Pre. Post.\ufeff"),
        ("Pre.\x1c", "\x1cPre. Post.", True, False, "Pre.\x1c\n\n\x1cPre. Post."),
        ("Pre.", "Pre. Post.", True, False, "Pre. Post."),  # B: the final includes it
        ("", "Post.", True, False, "Post."),
        ("one two three", "one two", False, True, "one two"),  # clamped stop point
        ("one two", "something else", False, True, "one two"),
        ("", "x", False, True, "x"),
    ],
)
def test_merge_final_answer_as_chat_ui(
    existing: str, final: str, tools: bool, interrupted: bool, shown: str
) -> None:
    assert merge_final_answer(existing, final, had_tools=tools, interrupted=interrupted) == shown


def test_text_before_the_tools_survives_a_final_answer_that_differs() -> None:
    updates = [
        runs.token("Here is a story."),
        runs.TOOL_CALL,
        {"type": "finalAnswer", "text": "An image of it.", "interrupted": False},
    ]
    assert decoded(runs.post_lines(updates))[-1] == Finished(
        "stop", "Here is a story.\n\nAn image of it."
    )


# --- Tools are the caller's choice --------------------------------------------------------------


def test_no_tools_unless_asked_and_the_named_ones_when_asked() -> None:
    run = drive(continuing(), [hc.ok(hc.V2_AFTER), post(runs.long_answer(3))])
    assert hc.sent_data(run)["selectedMcpServerNames"] == []
    run = drive(
        continuing(tools=["Hugging Face"], web_search=True),
        [hc.ok(hc.V2_AFTER), post(runs.long_answer(3))],
    )
    assert hc.sent_data(run)["selectedMcpServerNames"] == ["Hugging Face", "Web Search (Exa)"]
    assert hc.sent_data(run)["generationId"] == runs.GENERATION_ID


def test_the_mcp_server_list() -> None:
    body = json.dumps(
        [
            {
                "id": "base-Web Search (Exa)",
                "name": "Web Search (Exa)",
                "url": "https://mcp.exa.ai/mcp",
                "type": "base",
                "isLocked": False,
            },
            {
                "id": "base-Hugging Face",
                "name": "Hugging Face",
                "url": "https://hf.co/mcp?login",
                "type": "base",
                "isLocked": False,
            },
            "not a server",
        ]
    ).encode()
    machine = McpServersMachine()
    run = drive(machine, [hc.ok(body)])
    assert run.error is None
    (request,) = run.requests
    assert request.url == f"{hc.BASE}/api/mcp/servers"
    assert request.header("Cookie") is None  # public
    assert [s.name for s in machine.result] == ["Web Search (Exa)", "Hugging Face"]
    with pytest.raises(ArgumentError, match="2025-11-12"):
        McpServersMachine(era="v2")


# --- Elicitation --------------------------------------------------------------------------------


def test_a_turn_parked_on_a_question_ends_with_finished_elicitation() -> None:
    run = drive(continuing(), [hc.ok(hc.V2_AFTER), post(runs.PARKED)])
    assert run.error is None
    (asked,) = [e for e in run.events if isinstance(e, Elicitation)]
    assert asked.id == runs.ELICITATION_ID
    assert (asked.server, asked.mode, asked.message) == (
        "Hugging Face",
        "form",
        "Which space should I deploy to?",
    )
    assert asked.fields[0]["name"] == "space"
    assert asked.parked
    assert asked.expires_at is None
    assert asked.tool_id == "a1b2c3d4-0000-4000-8000-000000000002"
    assert finished(run) == Finished("elicitation", "I will deploy it.")


def test_a_live_question_has_an_expiry_in_seconds_and_the_stream_goes_on() -> None:
    live = {**runs.ELICITATION_REQUEST, "expiresAt": 1_787_000_000_000}
    resolved = runs.RESUMED[0]
    updates = [live, resolved, *runs.long_answer(2)]
    events = decoded(runs.post_lines(updates))
    (asked,) = [e for e in events if isinstance(e, Elicitation)]
    assert asked.expires_at == 1_787_000_000.0
    assert not asked.parked
    assert (
        ElicitationResolved(runs.ELICITATION_ID, "accept", "user", {"space": "me/demo"}) in events
    )
    assert events[-1] == Finished("stop", "word0 word1 ")


def test_answering_an_elicitation() -> None:
    machine = AnswerElicitationMachine(
        hf_chat=hc.HF_CHAT,
        token=hc.TOKEN,
        conversation=HANDLE,
        elicitation_id=runs.ELICITATION_ID,
        content={"space": "me/demo"},
    )
    run = drive(machine, [hc.ok(b'{"ok":true,"resume":true}')])
    assert run.error is None
    assert machine.result is True
    (request,) = run.requests
    assert (request.method, request.url) == (
        "POST",
        f"{hc.BASE}/conversation/{hc.CONVERSATION_ID}/elicitation",
    )
    assert json.loads(request.body) == {
        "elicitationId": runs.ELICITATION_ID,
        "action": "accept",
        "content": {"space": "me/demo"},
    }
    with pytest.raises(ArgumentError, match="accept"):
        AnswerElicitationMachine(
            hf_chat=hc.HF_CHAT,
            token=hc.TOKEN,
            conversation=HANDLE,
            elicitation_id=runs.ELICITATION_ID,
            action="decline",
            content={"space": "x"},
        )
    conflict = drive(
        AnswerElicitationMachine(
            hf_chat=hc.HF_CHAT,
            token=hc.TOKEN,
            conversation=HANDLE,
            elicitation_id=runs.ELICITATION_ID,
        ),
        [hc.error(409, b'{"message":"Already answered."}')],
    )
    assert conflict.error is not None
    assert "Already answered." in str(conflict.error)


def test_resuming_a_parked_turn_sends_resume_elicitation_id_on_the_parked_message() -> None:
    machine = hc.machine(
        messages=(),
        conversation=hc.handle(),
        resume_elicitation=runs.ELICITATION_ID,
        new_uuid=lambda: runs.GENERATION_ID,
    )
    run = drive(machine, [hc.ok(hc.V2_AFTER), post(runs.RESUMED)])
    assert run.error is None
    data = hc.sent_data(run)
    assert "inputs" not in data  # no new user message
    assert data["id"] == hc.LAST_ID  # the parked assistant message: the newest
    assert data["resumeElicitationId"] == runs.ELICITATION_ID
    assert finished(run) == Finished("stop", "Deployed to me/demo.")
    with pytest.raises(ArgumentError, match="conversation"):
        hc.machine(messages=(), resume_elicitation=runs.ELICITATION_ID)


# --- Stop ---------------------------------------------------------------------------------------


def test_stop_sends_the_stop_point() -> None:
    machine = StopGenerationMachine(
        hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE, seen_content_length=12
    )
    run = drive(machine, [Scripted(200, (), [])])
    assert run.error is None
    (request,) = run.requests
    assert request.url == f"{hc.BASE}/conversation/{hc.CONVERSATION_ID}/stop-generating"
    assert json.loads(request.body) == {"generationId": runs.GENERATION_ID, "seenContentLength": 12}
    assert request.header("Origin") == "https://huggingface.co"
    # Without a stop point the body is empty: a 0 would clamp the answer to nothing.
    plain = StopGenerationMachine(hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE)
    assert json.loads(drive(plain, [Scripted(200, (), [])]).requests[0].body) == {}
    with pytest.raises(ArgumentError, match="whole number"):
        StopGenerationMachine(
            hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE, seen_content_length=-1
        )
    # Before 2026-06-11 there is no stop point: an empty body, as old clients sent.
    old = StopGenerationMachine(
        hf_chat=hc.HF_CHAT,
        token=hc.TOKEN,
        conversation=HANDLE,
        seen_content_length=12,
        era="2026-01-01",
    )
    assert json.loads(drive(old, [Scripted(200, (), [])]).requests[0].body) == {}


def test_seen_content_length_counts_utf16_units() -> None:
    assert utf16_length("a😀") == 3  # JavaScript's String.length


# --- Re-attaching -------------------------------------------------------------------------------


def unbroken(updates: list[runs.Update]) -> Completion:
    run = drive(continuing(), [hc.ok(hc.V2_AFTER), post(updates)])
    assert run.error is None
    return completion(run)


def completion(run: Run) -> Completion:
    end = finished(run)
    return Completion(
        text=end.text or "",
        reasoning=reasoning_of(run.events),
        events=tuple(run.events),
    )


@pytest.mark.parametrize("cut", [1, 3, 7, 12, 17])
@pytest.mark.parametrize("how", ["dropped", "ended"])
def test_a_broken_post_reattaches_from_the_start_and_repeats_nothing(cut: int, how: str) -> None:
    whole = unbroken(runs.TWO_ROUNDS)
    lines = runs.post_lines(runs.TWO_ROUNDS)
    broken = Scripted(200, hc.JSONL, lines[:cut], dropped=how == "dropped")
    log = runs.logged(runs.TWO_ROUNDS)
    run = drive(continuing(reattach=True), [hc.ok(hc.V2_AFTER), broken, sse(runs.sse_updates(log))])
    assert run.error is None, run.error
    get = run.requests[-1]
    assert get.method == "GET"
    assert get.url == (
        f"{hc.BASE}/conversation/{hc.CONVERSATION_ID}/stream"
        f"?generationId={runs.GENERATION_ID}&fromSeq=0"
    )
    assert text_of(run.events) == text_of(list(whole.events))
    assert reasoning_of(run.events) == whole.reasoning
    assert completion(run).text == whole.text
    kinds = [type(e).__name__ for e in run.events if not isinstance(e, TextDelta | ReasoningDelta)]
    wanted = [
        type(e).__name__ for e in whole.events if not isinstance(e, TextDelta | ReasoningDelta)
    ]
    assert kinds == wanted  # every other event once, in order


def test_a_plain_close_of_the_reattach_stream_goes_on_from_the_last_seq() -> None:
    log = runs.logged(runs.long_answer(20))
    first = runs.sse_updates(log[:5], end=None)  # seq 1..5, then the 5-minute cap
    rest = runs.sse_updates(log, after=5)
    machine = HuggingChatMachine.reattaching(
        hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE, from_seq=0
    )
    run = drive(machine, [sse(first), sse(rest)])
    assert run.error is None, run.error
    assert [r.url.rpartition("fromSeq=")[2] for r in run.requests] == ["0", "5"]
    assert run.events[0] == HANDLE
    assert finished(run) == Finished("stop", "".join(f"word{i} " for i in range(20)))
    assert text_of(run.events) == "".join(f"word{i} " for i in range(20))


def test_a_reattach_stream_that_keeps_closing_with_nothing_new_gives_up() -> None:
    machine = HuggingChatMachine.reattaching(
        hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE, from_seq=3
    )
    empty = sse(b": heartbeat\n\n")
    run = drive(machine, [empty, empty, empty, empty])
    assert run.error is not None
    assert len(run.requests) == 3


def test_a_gone_run_is_an_error() -> None:
    machine = HuggingChatMachine.reattaching(
        hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE
    )
    run = drive(machine, [sse(b'event: end\ndata: {"status":"gone"}\n\n')])
    assert run.error is None
    (error,) = [e for e in run.events if isinstance(e, ServiceError)]
    assert error.message == "no such generation"


def test_without_reattach_a_dropped_post_is_a_read_error() -> None:
    run = drive(continuing(), [hc.ok(hc.V2_AFTER), post(runs.TWO_ROUNDS, dropped_after=5)])
    assert isinstance(run.error, ReadError)


def test_reattach_and_resume_need_their_era() -> None:
    with pytest.raises(ArgumentError, match="2026-07-24"):
        continuing(reattach=True, era="2026-07-01")
    with pytest.raises(ArgumentError, match="from_seq"):
        HuggingChatMachine.reattaching(
            hf_chat=hc.HF_CHAT, token=hc.TOKEN, conversation=HANDLE, from_seq=-1
        )


def test_the_new_events_and_the_run_handle_survive_a_restart() -> None:
    from hfclient.serialization import from_json, to_json

    events = decoded(runs.post_lines([*runs.TWO_ROUNDS[:12], runs.ELICITATION_REQUEST]))
    kept = [e for e in events if isinstance(e, ToolCall | ToolProgress | Elicitation)]
    assert len(kept) == 3
    for event in kept:
        assert from_json(Event, to_json(event)) == event  # type: ignore[arg-type]
    handle = from_json(Conversation, to_json(HANDLE))
    assert handle.generation_id == runs.GENERATION_ID  # to stop or re-attach after a restart


def test_era_errors_name_the_days_the_spec_gives() -> None:
    with pytest.raises(
        ArgumentError, match="answering an elicitation exists on HuggingChat from 2026-08-21 on"
    ):
        AnswerElicitationMachine(
            hf_chat=hc.HF_CHAT,
            token=hc.TOKEN,
            conversation=HANDLE,
            elicitation_id=runs.ELICITATION_ID,
            era="2026-08-20",
        )
    with pytest.raises(
        ArgumentError, match=r"resuming an elicitation exists .* from 2026-08-21 on"
    ):
        hc.machine(
            messages=(),
            conversation=hc.handle(),
            resume_elicitation=runs.ELICITATION_ID,
            era="2026-08-20",
        )
    with pytest.raises(ArgumentError, match="no web search from 2025-09-24 to 2025-11-12"):
        hc.machine(web_search=True, era="2025-10-20")
