"""HailuoMachine: the signed request, the answer's events, continuation and errors."""

from __future__ import annotations

import pytest

from codec.hailuo import sign_yy
from hfclient.errors import (
    ArgumentError,
    ConnectError,
    HTTPStatusError,
    IncompleteStreamError,
    MissingAuthError,
)
from hfclient.events import Conversation, Finished, ServiceError, TextDelta, Title
from hfclient.protocol._prompt import format_prompt, trailing_user_text
from hfclient.protocol.hailuo import HailuoMachine
from tests.conftest import DATA
from tests.machine_helpers import Scripted, drive
from tests.test_request_builders import parts_of

STREAM = (DATA / "examples" / "hailuo.stream.sse").read_bytes()
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJleGFtcGxlIjp0cnVlfQ.c2lnbmF0dXJl"
STAMP = 1735689600000


def machine(**kwargs: object) -> HailuoMachine:
    options: dict[str, object] = {
        "token": TOKEN,
        "device_id": "301234567890123456",
        "uuid": "3f2b8c1e-7a4d-4e9b-9c21-5d6e7f8a9b0c",
        "messages": [{"role": "user", "content": "Hello!\nWhat is 2+2?"}],
        "now_ms": lambda: STAMP,
        "new_id": lambda: "b0",
    }
    options.update(kwargs)
    return HailuoMachine(**options)  # type: ignore[arg-type]


def test_new_chat_request_is_signed_over_what_is_sent() -> None:
    run = drive(machine(), [Scripted(200, (), [STREAM])])
    (request,) = run.requests
    # The worked example of protocols/hailuo.md §6.3, end to end.
    assert request.header("yy") == "c20b878e2b97493577eebefb344a2010"
    assert request.header("token") == TOKEN
    path_and_query = request.url.removeprefix("https://www.hailuo.ai")
    form = {p[0]: p[3].decode() for p in parts_of(request)}
    assert form == {
        "characterID": "1",
        "msgContent": "Hello!\nWhat is 2+2?",
        "chatID": "0",
        "searchMode": "0",
    }
    assert sign_yy(path_and_query, form, STAMP) == request.header("yy")


def test_answer_events_and_conversation_handle() -> None:
    run = drive(machine(), [Scripted(200, (), [STREAM[:100], STREAM[100:]])])
    assert run.error is None
    assert run.events[:2] == [
        Title("Saying hello in Chinese"),
        Conversation("hailuo", chat_id="312345678901234567"),
    ]
    finished = run.events[-1]
    assert isinstance(finished, Finished)
    assert "".join(e.text for e in run.events if isinstance(e, TextDelta)) == finished.text


def test_continuing_sends_only_the_last_user_turn() -> None:
    handle = Conversation("hailuo", chat_id="312345678901234567")
    messages = [
        {"role": "user", "content": "Hello!\nWhat is 2+2?"},
        {"role": "assistant", "content": "4"},
        {"role": "user", "content": "And 3+3?"},
    ]
    run = drive(machine(messages=messages, conversation=handle), [Scripted(200, (), [STREAM])])
    (request,) = run.requests
    form = {p[0]: p[3].decode() for p in parts_of(request)}
    assert form["chatID"] == "312345678901234567"
    assert form["msgContent"] == "And 3+3?"
    assert request.header("yy") == "5ba6d7c9fda97e0ee7a190b90cb5767c"  # §6.3 continuation


def test_a_new_chat_gets_the_whole_history() -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": "Bye"},
    ]
    run = drive(machine(messages=messages), [Scripted(200, (), [STREAM])])
    form = {p[0]: p[3].decode() for p in parts_of(run.requests[0])}
    assert form["msgContent"] == "System: Be brief.\nUser: Hi\nUser: Bye\nAssistant:"


def test_401_names_what_to_provide_and_leaks_nothing() -> None:
    run = drive(machine(), [Scripted(401, (), [b""])])
    assert isinstance(run.error, MissingAuthError)
    assert "HAILUO_TOKEN" in str(run.error)
    assert TOKEN not in str(run.error)
    assert TOKEN not in repr(run.error)
    assert TOKEN not in repr(run.requests[0])


def test_400_carries_the_status_info_message() -> None:
    body = '{"statusInfo":{"code":2,"message":"请求异常，请检查请求参数"}}'.encode()  # noqa: RUF001
    run = drive(machine(), [Scripted(400, (), [body])])
    assert isinstance(run.error, HTTPStatusError)
    assert run.error.status == 400
    assert run.error.message == "请求异常，请检查请求参数"  # noqa: RUF001


def test_in_band_error_is_a_service_error() -> None:
    body = (DATA / "examples" / "hailuo.stream-error.sse").read_bytes()
    run = drive(machine(), [Scripted(200, (), [body])])
    assert run.error is None
    assert len(run.events) == 1
    assert isinstance(run.events[0], ServiceError)


def test_truncated_answer_raises_after_the_text() -> None:
    cut = STREAM[: STREAM.index(b"event:follow_up_question_result")]
    cut = cut[: cut.index(b'"isEnd":0')]
    cut = cut[: cut.rindex(b"\n\n") + 2]
    run = drive(machine(), [Scripted(200, (), [cut])])
    assert isinstance(run.error, IncompleteStreamError)
    assert any(isinstance(e, TextDelta) for e in run.events)


@pytest.mark.parametrize(
    ("missing", "hint"), [("token", "HAILUO_TOKEN"), ("device_id", "HAILUO_DEVICE_ID")]
)
def test_missing_credentials_fail_before_any_request(missing: str, hint: str) -> None:
    with pytest.raises(MissingAuthError, match=hint):
        machine(**{missing: None})


def test_prompt_helpers() -> None:
    assert format_prompt([{"role": "user", "content": "x"}]) == "x"
    parts = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    assert format_prompt([{"role": "user", "content": parts}]) == "ab"
    image = [{"type": "text", "text": "a"}, {"type": "image_url", "image_url": {}}]
    with pytest.raises(ArgumentError, match="'image_url' part cannot go to a web chat"):
        format_prompt([{"role": "user", "content": image}])  # not silently dropped
    history = [
        {"role": "user", "content": "old"},
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "a"},
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "b"},
    ]
    assert trailing_user_text(history) == "a\nb"
    assert trailing_user_text([{"role": "assistant", "content": "x"}]) == ""


def test_an_html_page_instead_of_the_stream_says_so() -> None:
    page = Scripted(200, (("Content-Type", "text/html"),), [b"<html><body>Log in</body></html>"])
    run = drive(machine(), [page])
    assert isinstance(run.error, HTTPStatusError)
    assert "an HTML page, not the API" in str(run.error)
    assert TOKEN not in str(run.error)


def test_a_transport_failure_before_any_byte_is_raised_as_it_was() -> None:
    refused = ConnectError("connection refused")
    run = drive(machine(), [refused])
    assert run.error is refused
