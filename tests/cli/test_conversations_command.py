"""``hfclient conversations`` and ``hfclient models --service huggingchat``, against a fake
chat-ui on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from hfclient.cli import EXIT_OK, EXIT_USAGE, main
from tests.e2e.fakes import FakeService, json_answer
from tests.e2e.test_huggingchat_library import DELETE, LIST, MODELS, page, superjson_answer
from tests.transport.servers import HttpServer, Response

ID = "6874cc01a3e9c1f27b4d0e58"


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_CHAT_COOKIE", "cli-hf-chat-cookie")
    monkeypatch.setenv("HF_CHAT_TOKEN_COOKIE", "cli-token-cookie")


def chat_ui(server: HttpServer, routes: dict[tuple[str, str], list[Response]]) -> list[str]:
    fake = FakeService(routes)
    server.handler = fake
    return ["--base-url", f"{server.url}/chat"]


@pytest.mark.usefixtures("session")
def test_list_prints_every_page_as_lines_or_json(
    http_server: HttpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [page(["a", "b"], hasMore=True), page(["c"], hasMore=False)]
    where = chat_ui(http_server, {LIST: [*pages, *pages]})
    assert main(["conversations", *where, "list"]) == EXIT_OK
    assert main(["conversations", *where, "list", "--json"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "a\t2026-08-01T10:00:00+00:00\tm\tchat a",
        "b\t2026-08-01T10:00:00+00:00\tm\tchat b",
        "c\t2026-08-01T10:00:00+00:00\tm\tchat c",
    ]
    listed = [json.loads(line) for line in lines[3:]]
    assert [c["id"] for c in listed] == ["a", "b", "c"]
    assert listed[0]["updated_at"] == "2026-08-01T10:00:00+00:00"


@pytest.mark.usefixtures("session")
def test_delete_by_id_and_all(http_server: HttpServer, capsys: pytest.CaptureFixture[str]) -> None:
    where = chat_ui(
        http_server,
        {
            DELETE: [Response(body=[b""])],
            ("DELETE", "/chat/api/v2/conversations"): [superjson_answer(4)],
        },
    )
    assert main(["conversations", *where, "delete", ID]) == EXIT_OK
    assert main(["conversations", *where, "delete", "--all"]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == [
        f"deleted {ID}",
        "deleted all conversations (4)",
    ]


def test_what_a_service_cannot_do_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["conversations", "--service", "hailuo", "list"]) == EXIT_USAGE
    assert "hailuo: listing conversations is not available" in capsys.readouterr().err
    assert main(["conversations", "delete"]) == EXIT_USAGE
    assert "give the ids of the conversations to delete, or --all" in capsys.readouterr().err
    assert main(["conversations", "delete", "x", "--all"]) == EXIT_USAGE


def test_a_missing_session_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HF_CHAT_COOKIE", raising=False)
    assert main(["conversations", "list"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "HF_CHAT_COOKIE" in err
    assert len(err.splitlines()) == 1


@pytest.mark.usefixtures("session")
def test_models_of_huggingchat(http_server: HttpServer, capsys: pytest.CaptureFixture[str]) -> None:
    listed = [{"id": "org/model", "name": "org/model", "multimodal": False}]
    where = chat_ui(http_server, {MODELS: [json_answer(json.dumps(listed).encode())]})
    assert main(["models", "--service", "huggingchat", *where]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[0].startswith("org/model\t")
