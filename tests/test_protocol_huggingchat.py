"""HuggingChatMachine: create, parent id, multipart send, stream; sans-IO, scripted answers."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence

import attrs
import pytest

from codec.http import HttpRequest
from hfclient.errors import (
    ArgumentError,
    DecodeError,
    IncompleteStreamError,
    LocalProtocolError,
    MissingAuthError,
    ModelNotSupportedError,
    NotFoundError,
    RateLimitError,
    RemoteProtocolError,
)
from hfclient.events import (
    Conversation,
    File,
    Finished,
    ReasoningDelta,
    ServiceError,
    Sources,
    Status,
    TextDelta,
    Title,
)
from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted
from hfclient.protocol import State
from hfclient.protocol.huggingchat import (
    Attachment,
    HuggingChatMachine,
    format_prompt,
)
from tests.conftest import DATA
from tests.machine_helpers import Run, Scripted, drive

EXAMPLES = DATA / "examples"
V2_NEW = (EXAMPLES / "huggingchat-v2.conversation-new.json").read_bytes()
V2_AFTER = (EXAMPLES / "huggingchat-v2.conversation.json").read_bytes()
DATA_01 = (EXAMPLES / "huggingchat-2025-05.data.json").read_bytes()
DATA_11 = (EXAMPLES / "huggingchat-2025-05.data-invalidated-11.jsonl").read_bytes()
STREAM_2025 = (EXAMPLES / "huggingchat-2025-05.stream.ndjson").read_bytes()
STREAM_2026 = (EXAMPLES / "huggingchat-2026.stream.ndjson").read_bytes()
STREAM_ERROR = (EXAMPLES / "huggingchat.stream-error.ndjson").read_bytes()

HF_CHAT = "hfchat-s3cret-5e55i0n"
TOKEN = "hf_t0ken-s3cret-c00kie"
SECRETS = (HF_CHAT, TOKEN)
MODEL = "Qwen/Qwen3-235B-A22B"
CONVERSATION_ID = "6874cc01a3e9c1f27b4d0e58"  # the id in the v2 examples
LEGACY_ID = "6841a3c2e9b7d4f01a2c5e77"  # the id in the 2025-05 examples
ROOT_ID = "76e4703a-d1d1-4604-98d5-3a8ed5f2fb96"  # system root of huggingchat-v2.conversation-new
LAST_ID = "c37b847d-bb19-4a4f-ac25-bb18ef95d55d"  # assistant in huggingchat-v2.conversation
LEGACY_LAST_ID = "c41f8e27-95ab-4d3c-8e6f-1a2b7d9c0e53"  # assistant in the 2025-05 data (§4.6)
BOUNDARY = "b0undary0f0test"
GENERATION_ID = "0f8e2c1a-4b5d-4e6f-9a7b-8c9d0e1f2a3b"
BASE = "https://huggingface.co/chat"
QUESTION = "Explain TLS certificate trust, briefly."

JSON = (("Content-Type", "application/json"),)
JSONL = (("Content-Type", "application/jsonl"),)


def created(conversation_id: str = CONVERSATION_ID) -> Scripted:
    return Scripted(200, JSON, [json.dumps({"conversationId": conversation_id}).encode()])


def ok(body: bytes, headers: tuple[tuple[str, str], ...] = JSON) -> Scripted:
    return Scripted(200, headers, [body])


def streamed(body: bytes) -> Scripted:
    # Cut where reads would cut, not on line ends.
    return Scripted(200, JSONL, [body[i : i + 700] for i in range(0, len(body), 700)])


def error(status: int, body: bytes, content_type: str = "application/json") -> Scripted:
    return Scripted(status, (("Content-Type", content_type),), [body])


def machine(**kwargs: object) -> HuggingChatMachine:
    options: dict[str, object] = {
        "hf_chat": HF_CHAT,
        "token": TOKEN,
        "model": MODEL,
        "messages": [{"role": "user", "content": QUESTION}],
        "new_id": lambda: BOUNDARY,
        "new_uuid": lambda: GENERATION_ID,
        "now": lambda: 1_750_000_000.0,
    }
    options.update(kwargs)
    return HuggingChatMachine(**options)  # type: ignore[arg-type]


def handle(model: str = MODEL) -> Conversation:
    return Conversation("huggingchat", conversation_id=CONVERSATION_ID, model=model)


def multipart(request: HttpRequest) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart body: (lowercased headers, body) each."""
    content_type = request.header("Content-Type") or ""
    assert content_type.startswith("multipart/form-data; boundary=")
    delimiter = b"--" + content_type.split("boundary=", 1)[1].encode()
    chunks = request.body.split(delimiter)
    assert chunks[0] == b""
    assert chunks[-1] == b"--\r\n"
    parts = []
    for chunk in chunks[1:-1]:
        head, _, body = chunk[2:].partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        assert body.endswith(b"\r\n")
        parts.append((headers, body[:-2]))
    return parts


def sent_data(run: Run) -> dict[str, object]:
    (headers, body), *_ = multipart(run.requests[-1])
    assert headers["content-disposition"] == 'form-data; name="data"'
    data = json.loads(body)
    assert isinstance(data, dict)
    return data


def texts(run: Run) -> str:
    return "".join(e.text for e in run.events if isinstance(e, TextDelta))


def assert_no_secret(run: Run) -> None:
    shown = [repr(r) for r in run.requests] + [repr(e) for e in run.events]
    if run.error is not None:
        shown += [str(run.error), repr(run.error)]
    for text in shown:
        for secret in SECRETS:
            assert secret not in text


# --- The happy paths ---------------------------------------------------------------------------


def test_v2_new_conversation_create_parent_send_stream() -> None:
    run = drive(machine(), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert run.error is None
    create, get, send = run.requests

    assert (create.method, create.url) == ("POST", f"{BASE}/conversation")
    assert json.loads(create.body) == {"model": MODEL}
    assert create.header("Content-Type") == "application/json"
    assert (get.method, get.url) == ("GET", f"{BASE}/api/v2/conversations/{CONVERSATION_ID}")
    assert (send.method, send.url) == ("POST", f"{BASE}/conversation/{CONVERSATION_ID}")

    for request in run.requests:
        assert request.header("Cookie") == f"hf-chat={HF_CHAT}; token={TOKEN}"  # §1.2
    assert send.header("Origin") == "https://huggingface.co"  # else 403 (§1.3)
    assert send.header("Referer") == f"{BASE}/conversation/{CONVERSATION_ID}"
    assert send.header("Content-Type") == f"multipart/form-data; boundary={BOUNDARY}"

    # The data part, byte for byte: compact JSON, today's keys (§2.6): no tools
    # unless asked, and the run's id for stop and re-attach.
    ((headers, body),) = multipart(send)
    assert headers == {"content-disposition": 'form-data; name="data"'}
    assert body == (
        b'{"inputs":"Explain TLS certificate trust, briefly.",'
        b'"id":"76e4703a-d1d1-4604-98d5-3a8ed5f2fb96","is_retry":false,'
        b'"selectedMcpServerNames":[],'
        b'"generationId":"0f8e2c1a-4b5d-4e6f-9a7b-8c9d0e1f2a3b"}'
    )
    assert run.events[0] == Conversation(
        "huggingchat", conversation_id=CONVERSATION_ID, model=MODEL
    )
    assert isinstance(run.events[0], Conversation)
    assert run.events[0].generation_id == GENERATION_ID  # to stop or re-attach
    assert isinstance(run.events[-1], Finished)
    assert run.delays == [0.0, 0.0, 0.0]


def test_the_2026_stream_keeps_the_title_that_follows_final_answer() -> None:
    run = drive(machine(), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    kinds = [type(e).__name__ for e in run.events]
    last_text = max(i for i, e in enumerate(run.events) if isinstance(e, TextDelta))
    (title_at,) = [i for i, e in enumerate(run.events) if isinstance(e, Title)]
    assert title_at > last_text  # read to the end of the body (§3.3 rule 5, §12)
    assert run.events[title_at] == Title("Browser TLS certificate trust")
    assert kinds[-2:] == ["Status", "Finished"]  # `status: finished`, then the answer
    assert run.events[-2] == Status("finished")
    final = run.events[-1]
    assert isinstance(final, Finished)
    assert final.text is not None
    assert final.text.startswith("A browser trusts it only if:")
    assert texts(run) == final.text  # the inline <think> section went to reasoning (§12)
    assert any(isinstance(e, ReasoningDelta) for e in run.events)
    assert not any(isinstance(e, Status) and e.status == "keepAlive" for e in run.events)


@pytest.mark.parametrize("cut", ["whole", "bytes"])
def test_events_do_not_depend_on_how_the_stream_is_cut(cut: str) -> None:
    reference = drive(machine(), [created(), ok(V2_NEW), streamed(STREAM_2026)]).events
    if cut == "whole":
        chunks = [STREAM_2026]
    else:
        chunks = [STREAM_2026[i : i + 1] for i in range(len(STREAM_2026))]
    run = drive(machine(), [created(), ok(V2_NEW), Scripted(200, JSONL, chunks)])
    assert run.error is None
    assert run.events == reference


def test_legacy_era_reads_the_parent_from_data_json() -> None:
    run = drive(
        machine(era="legacy", web_search=True),
        [
            created(LEGACY_ID),
            ok(DATA_11, (("Content-Type", "text/sveltekit-data"),)),
            streamed(STREAM_2025),
        ],
    )
    assert run.error is None
    get, send = run.requests[1:]
    assert get.method == "GET"
    assert get.url == f"{BASE}/conversation/{LEGACY_ID}/__data.json?x-sveltekit-invalidated=11"
    assert get.header("Cookie") == f"hf-chat={HF_CHAT}; token={TOKEN}"
    # The keys of that era's clients, in their order (§7 step 3, §8.1).
    ((_, body),) = multipart(send)
    assert body == (
        b'{"inputs":"Explain TLS certificate trust, briefly.",'
        b'"id":"c41f8e27-95ab-4d3c-8e6f-1a2b7d9c0e53","is_retry":false,'
        b'"is_continue":false,"web_search":true,"tools":[]}'
    )
    assert isinstance(run.events[-1], Finished)
    assert any(isinstance(e, Sources) for e in run.events)
    assert [e for e in run.events if isinstance(e, Title)] == [Title("🐍 Sorting dicts by key")]


def test_legacy_era_also_reads_the_01_form() -> None:
    run = drive(machine(era="legacy"), [created(LEGACY_ID), ok(DATA_01), streamed(STREAM_2025)])
    assert run.error is None
    assert sent_data(run)["id"] == LEGACY_LAST_ID
    assert "web_search" not in sent_data(run)  # only when asked


def test_created_2026_body_with_the_conversation_skips_the_get() -> None:
    body = json.dumps({"conversationId": CONVERSATION_ID, "conversation": V2_NEW.decode()})
    run = drive(machine(), [ok(body.encode()), streamed(STREAM_2026)])
    assert run.error is None
    assert [r.method for r in run.requests] == ["POST", "POST"]
    assert sent_data(run)["id"] == ROOT_ID
    assert run.events[0] == Conversation(
        "huggingchat", conversation_id=CONVERSATION_ID, model=MODEL, generation_id=GENERATION_ID
    )


def test_created_2026_body_that_does_not_decode_falls_back_to_the_get() -> None:
    body = json.dumps({"conversationId": CONVERSATION_ID, "conversation": "not superjson"})
    run = drive(machine(), [ok(body.encode()), ok(V2_NEW), streamed(STREAM_2026)])
    assert run.error is None
    assert [r.method for r in run.requests] == ["POST", "GET", "POST"]


# --- Conversation state (gpt4free, §8.1) -------------------------------------------------------


HISTORY = [
    {"role": "system", "content": "Answer in one line."},
    {"role": "user", "content": "What is the difference between a process and a thread?"},
    {"role": "assistant", "content": "A process has its own memory; threads share it."},
    {"role": "user", "content": "And a coroutine?"},
    {"role": "user", "content": "Keep it short."},
]


def test_same_model_continues_sending_only_the_trailing_user_messages() -> None:
    run = drive(
        machine(messages=HISTORY, conversation=handle()), [ok(V2_AFTER), streamed(STREAM_2026)]
    )
    assert run.error is None
    get, send = run.requests  # no create
    assert get.url == f"{BASE}/api/v2/conversations/{CONVERSATION_ID}"
    assert send.url == f"{BASE}/conversation/{CONVERSATION_ID}"
    assert sent_data(run) == {
        "inputs": "And a coroutine?\nKeep it short.",
        "id": LAST_ID,  # re-queried: the newest message of the conversation
        "is_retry": False,
        "selectedMcpServerNames": [],  # no tools unless asked (chat-ui runMcpFlow.ts)
        "generationId": GENERATION_ID,
    }
    assert run.events[0] == attrs.evolve(handle(), generation_id=GENERATION_ID)


def test_a_trailing_system_message_does_not_end_the_user_run() -> None:
    messages = [*HISTORY, {"role": "system", "content": "Be nice."}]
    run = drive(
        machine(messages=messages, conversation=handle()), [ok(V2_AFTER), streamed(STREAM_2026)]
    )
    assert sent_data(run)["inputs"] == "And a coroutine?\nKeep it short."


def test_another_model_starts_a_new_conversation_with_the_whole_history() -> None:
    run = drive(
        machine(messages=HISTORY, conversation=handle("other/model")),
        [created(), ok(V2_NEW), streamed(STREAM_2026)],
    )
    assert run.error is None
    create = run.requests[0]
    assert create.url == f"{BASE}/conversation"
    assert json.loads(create.body) == {"model": MODEL, "preprompt": "Answer in one line."}
    assert sent_data(run)["inputs"] == (
        "User: What is the difference between a process and a thread?\n"
        "Assistant: A process has its own memory; threads share it.\n"
        "User: And a coroutine?\n"
        "User: Keep it short.\n"
        "Assistant:"
    )
    assert sent_data(run)["id"] == ROOT_ID


def test_a_handle_without_model_or_id_starts_a_new_conversation() -> None:
    for stale in (
        Conversation("huggingchat", conversation_id=CONVERSATION_ID),
        Conversation("huggingchat", model=MODEL),
    ):
        run = drive(machine(conversation=stale), [created(), ok(V2_NEW), streamed(STREAM_2026)])
        assert run.error is None
        assert run.requests[0].url == f"{BASE}/conversation"


def test_system_messages_become_the_preprompt_and_an_explicit_one_wins() -> None:
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "developer", "content": "No lists."},
        {"role": "user", "content": "Hi"},
    ]
    run = drive(machine(messages=messages), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert json.loads(run.requests[0].body) == {
        "model": MODEL,
        "preprompt": "You are terse.\nNo lists.",
    }
    assert sent_data(run)["inputs"] == "Hi"  # one message left: its content as is
    run = drive(
        machine(messages=messages, preprompt=""), [created(), ok(V2_NEW), streamed(STREAM_2026)]
    )
    assert json.loads(run.requests[0].body) == {"model": MODEL, "preprompt": ""}


def test_format_prompt() -> None:
    assert format_prompt([{"role": "user", "content": "  as is \n"}]) == "  as is \n"
    assert (
        format_prompt(
            [
                {"role": "user", "content": "a"},
                {"role": "assistant", "content": " "},
                {"role": "USER", "content": [{"type": "text", "text": "b"}]},
            ]
        )
        == "User: a\nUser: b\nAssistant:"
    )
    assert (
        format_prompt([{"role": "system", "content": "s"}, {"role": "user", "content": "q"}]) == "q"
    )


def test_web_search_is_sent_only_when_asked() -> None:
    # Before 2025-09-24: the web_search flag (and that era's tools and is_continue).
    run = drive(machine(web_search=True, era="v2"), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert sent_data(run) == {
        "inputs": QUESTION,
        "id": ROOT_ID,
        "is_retry": False,
        "is_continue": False,
        "web_search": True,
        "tools": [],
    }
    # Today: the web search MCP server among the selected ones.
    run = drive(
        machine(web_search=True, tools=["Hugging Face"]),
        [created(), ok(V2_NEW), streamed(STREAM_2026)],
    )
    assert sent_data(run)["selectedMcpServerNames"] == ["Hugging Face", "Web Search (Exa)"]
    assert "web_search" not in sent_data(run)


def test_tools_are_the_callers_choice_in_their_era() -> None:
    run = drive(machine(tools=["Hugging Face"]), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert sent_data(run)["selectedMcpServerNames"] == ["Hugging Face"]
    with pytest.raises(ArgumentError, match="2025-11-12"):
        machine(tools=["Hugging Face"], era="2025-10-20")
    with pytest.raises(ArgumentError, match="no web search"):
        machine(web_search=True, era="2025-10-20")
    with pytest.raises(ArgumentError, match="list of MCP server names"):
        machine(tools="Hugging Face")


def test_era_is_a_date_and_the_spec_dates_decide_what_is_sent() -> None:
    import datetime

    def keys(era: object) -> list[str]:
        run = drive(machine(era=era), [created(), ok(V2_NEW), streamed(STREAM_2026)])
        assert run.error is None, run.error
        return list(sent_data(run))

    base = ["inputs", "id", "is_retry"]
    assert keys("2025-10-01") == [*base, "is_continue"]  # tools/web_search gone 2025-09-24
    assert keys(datetime.date(2025, 12, 1)) == [*base, "selectedMcpServerNames"]
    assert keys("2026-06-11") == [*base, "selectedMcpServerNames", "generationId"]
    assert keys(None) == keys("2026-08-21")
    with pytest.raises(ArgumentError, match="YYYY-MM-DD"):
        machine(era="yesterday")


def test_an_image_travels_as_a_base64_files_part() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    image = Attachment("fox.png", "image/png", png)
    run = drive(machine(files=[image]), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert run.error is None
    (data_headers, _), (headers, body) = multipart(run.requests[-1])
    assert data_headers["content-disposition"] == 'form-data; name="data"'
    assert headers == {
        "content-disposition": 'form-data; name="files"; filename="base64;fox.png"',
        "content-type": "image/png",  # the server records the declared type (§2.6)
    }
    assert body == base64.b64encode(png)
    assert "bytes" in repr(image)
    assert "PNG" not in repr(image)


def test_an_openai_image_part_with_a_data_url_becomes_a_files_part() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
    url = "data:image/png;base64," + base64.b64encode(png).decode()
    content = [{"type": "text", "text": QUESTION}, {"type": "image_url", "image_url": {"url": url}}]
    run = drive(
        machine(messages=[{"role": "user", "content": content}]),
        [created(), ok(V2_NEW), streamed(STREAM_2026)],
    )
    assert run.error is None
    (_, _), (headers, body) = multipart(run.requests[-1])
    assert headers["content-type"] == "image/png"
    assert body == base64.b64encode(png)
    assert sent_data(run)["inputs"] == QUESTION


@pytest.mark.parametrize(
    ("image", "why"),
    [
        ({"url": "https://example.com/fox.png"}, "not a data: URL"),
        ({"url": "data:image/png,rawbytes"}, "not base64"),
        ({"url": "data:image/png;base64,@@@"}, "base64 is broken"),
    ],
)
def test_an_image_huggingchat_cannot_take_is_refused_before_any_request(
    image: object, why: str
) -> None:
    content = [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": image}]
    with pytest.raises(ArgumentError, match=why):
        machine(messages=[{"role": "user", "content": content}])


def test_the_boundary_comes_from_new_id_and_never_occurs_in_a_part() -> None:
    ids = iter(["KeepItShort", "fresh0boundary"])
    messages = [{"role": "user", "content": "say --KeepItShort please"}]
    run = drive(
        machine(messages=messages, new_id=lambda: next(ids)),
        [created(), ok(V2_NEW), streamed(STREAM_2026)],
    )
    assert run.requests[-1].header("Content-Type") == "multipart/form-data; boundary=fresh0boundary"


def test_requests_are_deterministic_given_the_injected_callables() -> None:
    answers = [created(), ok(V2_NEW), streamed(STREAM_2026)]
    first = drive(machine(), answers).requests
    second = drive(machine(), answers).requests
    assert first == second


def test_file_event_gets_the_download_url() -> None:
    sha = "9f2c" + "0" * 60
    lines = [
        {"type": "status", "status": "started"},
        {"type": "file", "name": "fox.png", "sha": sha, "mime": "image/png"},
        {"type": "finalAnswer", "text": "Here is a fox.", "interrupted": False},
    ]
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines) + b" " * 4096
    run = drive(machine(), [created(), ok(V2_NEW), streamed(body)])
    assert run.error is None
    (file,) = [e for e in run.events if isinstance(e, File)]
    assert file == File(
        "fox.png", "image/png", sha, f"{BASE}/conversation/{CONVERSATION_ID}/output/{sha}"
    )  # §2.7


def test_read_timeout_is_a_value_for_the_driver() -> None:
    assert machine().read_timeout == 30.0
    assert machine(read_timeout=5).read_timeout == 5.0


# --- Errors ------------------------------------------------------------------------------------


def test_missing_cookie_fails_before_any_request_naming_what_to_provide() -> None:
    with pytest.raises(MissingAuthError) as caught:
        machine(hf_chat=None)
    message = str(caught.value)
    assert "hf_chat=" in message
    assert "HF_CHAT_COOKIE" in message
    assert "token=" in message
    assert caught.value.status is None
    with pytest.raises(MissingAuthError):
        machine(hf_chat="")


def test_401_is_missing_auth_with_the_hint_and_no_secret() -> None:
    run = drive(machine(), [error(401, b'{"error":"You have to be logged in."}')])
    assert isinstance(run.error, MissingAuthError)
    assert run.error.status == 401
    assert "You have to be logged in." in str(run.error)
    assert "HF_CHAT_COOKIE" in str(run.error)
    assert_no_secret(run)
    # Also on the send, where the hook answers text/plain for multipart (§2.6).
    run = drive(
        machine(),
        [created(), ok(V2_NEW), error(401, b"You have to be logged in.", "text/plain")],
    )
    assert isinstance(run.error, MissingAuthError)
    assert run.events == [
        Conversation(
            "huggingchat", conversation_id=CONVERSATION_ID, model=MODEL, generation_id=GENERATION_ID
        )
    ]
    assert_no_secret(run)


def test_an_html_page_instead_of_the_created_conversation_is_missing_auth() -> None:
    page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>...</body></html>"
    run = drive(machine(), [ok(page, (("Content-Type", "text/html"),))])
    assert isinstance(run.error, MissingAuthError)
    assert "HTML page" in str(run.error)
    assert "hf_chat=" in str(run.error)
    assert_no_secret(run)


def test_an_html_page_instead_of_the_conversation_is_missing_auth() -> None:
    page = b"\n<!doctype html><html>login</html>"
    run = drive(machine(), [created(), ok(page, (("Content-Type", "text/html"),))])
    assert isinstance(run.error, MissingAuthError)


def test_too_many_messages_429_is_rate_limit() -> None:
    body = b'{"message":"You are sending too many messages. Try again later."}'
    run = drive(machine(), [created(), ok(V2_NEW), error(429, body)])
    assert isinstance(run.error, RateLimitError)
    assert run.error.status == 429
    assert run.error.message == "You are sending too many messages. Try again later."


def test_error_node_403_in_legacy_data_is_missing_auth() -> None:
    message = (
        "You don't have access to this conversation. If someone gave you this link, "
        "ask them to use the 'share' feature instead."
    )
    node = {"type": "error", "error": {"message": message}, "status": 403}
    body = json.dumps({"type": "data", "nodes": [{"type": "skip"}, node]}).encode()
    run = drive(machine(era="legacy"), [created(LEGACY_ID), ok(body)])  # HTTP 200 (§2.4)
    assert isinstance(run.error, MissingAuthError)
    assert run.error.status == 403
    assert message in str(run.error)
    assert "hf_chat=" in str(run.error)
    assert_no_secret(run)
    node = {"type": "error", "error": {"message": "Conversation not found."}, "status": 404}
    body = json.dumps({"type": "data", "nodes": [{"type": "skip"}, node]}).encode()
    run = drive(machine(era="legacy"), [created(LEGACY_ID), ok(body)])
    assert type(run.error) is NotFoundError
    assert run.error.status == 404


def test_v2_errors_and_a_body_without_messages() -> None:
    run = drive(machine(), [created(), error(404, b'{"message":"Conversation not found."}')])
    assert type(run.error) is NotFoundError
    assert run.error.message == "Conversation not found."
    empty = b'{"json":{"messages":[],"title":"New Chat"}}'
    run = drive(machine(), [created(), ok(empty)])
    assert isinstance(run.error, RemoteProtocolError)
    run = drive(machine(), [created(), ok(b'{"json":{"title":"no messages"}}')])
    assert isinstance(run.error, DecodeError)


def test_create_400_names_the_model() -> None:
    run = drive(machine(model="no/such-model"), [error(400, b'{"message":"Invalid model"}')])
    assert isinstance(run.error, ModelNotSupportedError)
    assert "no/such-model" in str(run.error)


def test_in_stream_error_is_the_last_event_and_no_exception() -> None:
    run = drive(machine(), [created(), ok(V2_NEW), streamed(STREAM_ERROR)])
    assert run.error is None
    last = run.events[-1]
    assert isinstance(last, ServiceError)
    assert last.message == "Error forwarded from backend: Model is overloaded"
    assert last.kind == "overloaded"
    assert texts(run) == "Soft rain on the roof\nmaple leaves let go one by"
    too_many = (
        b'{"type":"status","status":"error","message":"You are sending too many messages."}\n'
    )
    run = drive(machine(), [created(), ok(V2_NEW), streamed(too_many)])
    assert run.events[-1] == ServiceError("rate_limit", "You are sending too many messages.")


def test_truncated_stream_raises_after_the_events() -> None:
    cut = STREAM_2025[: STREAM_2025.index(b'{"type":"finalAnswer"')]
    run = drive(machine(), [created(), ok(V2_NEW), streamed(cut)])
    assert isinstance(run.error, IncompleteStreamError)
    assert texts(run).startswith("\n\nUse `sorted(rows")
    assert not any(isinstance(e, Finished) for e in run.events)


def test_bad_arguments_raise_local_protocol_error() -> None:
    with pytest.raises(LocalProtocolError, match="not a user's"):
        machine(messages=HISTORY[:3], conversation=handle())
    with pytest.raises(LocalProtocolError, match="system"):
        machine(messages=[{"role": "system", "content": "s"}])
    with pytest.raises(LocalProtocolError, match="hailuo"):
        machine(conversation=Conversation("hailuo", chat_id="1", model=MODEL))
    with pytest.raises(LocalProtocolError, match="era"):
        machine(era="2024")
    with pytest.raises(LocalProtocolError, match="role"):
        machine(messages=[{"content": "no role"}])
    with pytest.raises(LocalProtocolError, match="hf-chat cookie") as caught:
        machine(hf_chat="abc; admin=1")
    assert "admin" not in str(caught.value)
    with pytest.raises(LocalProtocolError, match="boundary"):
        drive_to_send(machine(new_id=lambda: ""))


def drive_to_send(m: HuggingChatMachine) -> None:
    run = drive(m, [created(), ok(V2_NEW)])
    if run.error is not None:
        raise run.error


def test_illegal_inputs_raise_and_poison_the_machine() -> None:
    m = machine()
    assert m.state is State.READY
    with pytest.raises(
        LocalProtocolError, match="can't handle BODY_CHUNK in state READY of create_conversation"
    ):
        m.receive(BodyChunk(b"x"))
    assert m.state is State.ERROR
    with pytest.raises(LocalProtocolError):
        m.next_request()
    m = machine()
    m.next_request()
    with pytest.raises(LocalProtocolError, match="can't handle SEND_REQUEST in state WAITING"):
        m.next_request()
    m = machine()
    m.next_request()
    m.receive(ResponseStarted(200))
    with pytest.raises(LocalProtocolError, match="RESPONSE_STARTED in state READING"):
        m.receive(ResponseStarted(200))
    m = machine()
    for event in _answer(m, created()):
        m.receive(event)
    with pytest.raises(LocalProtocolError, match="BODY_ENDED in state READY of get_conversation"):
        m.receive(BodyEnded())


def _answer(m: HuggingChatMachine, scripted: Scripted) -> Iterator[object]:
    m.next_request()
    yield ResponseStarted(scripted.status, scripted.headers)
    yield from (BodyChunk(c) for c in scripted.chunks)
    yield BodyEnded()


def test_secrets_never_appear_in_requests_events_or_errors() -> None:
    scripts: Sequence[Sequence[Scripted]] = [
        [created(), ok(V2_NEW), streamed(STREAM_2026)],
        [created(), ok(V2_NEW), streamed(STREAM_ERROR)],
        [error(401, b"You have to be logged in.", "text/plain")],
        [created(), error(403, b'{"message":"You don\'t have access to this conversation."}')],
        [created(), ok(V2_NEW), error(429, b'{"message":"You are sending too many messages."}')],
    ]
    for answers in scripts:
        run = drive(machine(), answers)
        assert run.requests
        assert_no_secret(run)
        assert all(r.header("Cookie") == f"hf-chat={HF_CHAT}; token={TOKEN}" for r in run.requests)
    m = machine()
    assert all(secret not in repr(m) for secret in SECRETS)


def test_token_cookie_is_optional_before_production_coupled_it() -> None:
    run = drive(machine(token=None, era="v2"), [created(), ok(V2_NEW), streamed(STREAM_2026)])
    assert run.error is None
    assert all(r.header("Cookie") == f"hf-chat={HF_CHAT}" for r in run.requests)


def test_token_cookie_is_needed_from_2025_10_14_before_any_request() -> None:
    for era in (None, "2025-10-14"):
        with pytest.raises(MissingAuthError, match="HF_CHAT_TOKEN_COOKIE") as caught:
            machine(token=None, era=era)
        assert caught.value.status is None
    machine(token=None, era="2025-10-13")  # the day before: not yet


def test_a_401_says_which_cookie_is_likely_missing() -> None:
    answers = [error(401, b'{"error":"You have to be logged in."}')]
    run = drive(machine(token=None, era="v2"), answers)
    assert isinstance(run.error, MissingAuthError)
    assert "no token cookie was sent" in str(run.error)
    run = drive(machine(), answers)
    assert isinstance(run.error, MissingAuthError)
    assert "same" in str(run.error)  # both sent: they must be one session's


def test_v2_403_is_missing_auth_like_the_legacy_error_node() -> None:
    body = b'{"message":"You don\'t have access to this conversation."}'
    run = drive(machine(), [created(), error(403, body)])
    assert isinstance(run.error, MissingAuthError)
    assert run.error.status == 403
    assert "HF_CHAT_COOKIE" in str(run.error)
