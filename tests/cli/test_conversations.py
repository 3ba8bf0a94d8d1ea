"""``hfclient conversations``, run as a user runs it, against a fake chat-ui on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.runner import clean_env, hfclient
from tests.e2e.fakes import FakeService, json_answer
from tests.e2e.test_huggingchat_library import LIST, page, superjson_answer
from tests.transport.servers import HttpServer, Response


def session(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path, HF_CHAT_COOKIE="cli-hf-chat", HF_CHAT_TOKEN_COOKIE="cli-token")


def test_list_prints_every_page(tmp_path: Path, http_server: HttpServer) -> None:
    http_server.handler = FakeService({LIST: [page(["a", "b"], hasMore=True), page(["c"])]})
    base = f"{http_server.url}/chat"
    done = hfclient("conversations", "--base-url", base, env=session(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = [line.split("\t") for line in done.stdout.splitlines()]
    assert [line[0] for line in lines] == ["a", "b", "c"]
    assert lines[0][1:] == ["2026-08-01T10:00:00+00:00", "m", "chat a"]


def test_list_as_json(tmp_path: Path, http_server: HttpServer) -> None:
    http_server.handler = FakeService({LIST: [page(["a"])]})
    base = f"{http_server.url}/chat"
    done = hfclient("conversations", "--base-url", base, "list", "--json", env=session(tmp_path))
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert json.loads(line)["id"] == "a"
    assert json.loads(line)["title"] == "chat a"


def test_delete_by_id_and_all(tmp_path: Path, http_server: HttpServer) -> None:
    fake = FakeService(
        {
            ("DELETE", "/chat/conversation/x1"): [Response(body=[b""])],
            ("DELETE", "/chat/api/v2/conversations"): [superjson_answer(7)],
        }
    )
    http_server.handler = fake
    base = f"{http_server.url}/chat"
    one = hfclient("conversations", "--base-url", base, "delete", "x1", env=session(tmp_path))
    every = hfclient("conversations", "--base-url", base, "delete", "--all", env=session(tmp_path))
    assert (one.returncode, one.stdout) == (0, "deleted x1\n")
    assert (every.returncode, every.stdout) == (0, "deleted 7 conversation(s)\n")
    assert fake.paths() == ["DELETE /chat/conversation/x1", "DELETE /chat/api/v2/conversations"]


def test_usage_errors_and_a_missing_session(tmp_path: Path) -> None:
    both = hfclient("conversations", "delete", "x1", "--all", env=session(tmp_path))
    hailuo = hfclient("conversations", "--service", "hailuo", env=session(tmp_path))
    missing = hfclient("conversations", env=clean_env(tmp_path))
    assert (both.returncode, hailuo.returncode, missing.returncode) == (2, 2, 2)
    assert "not both" in both.stderr
    assert "no endpoint that lists its chats" in hailuo.stderr
    assert "HF_CHAT_COOKIE" in missing.stderr


def test_a_rejected_session_is_exit_1(tmp_path: Path, http_server: HttpServer) -> None:
    http_server.handler = FakeService({LIST: [json_answer(b'{"message": "no"}', 401)]})
    base = f"{http_server.url}/chat"
    done = hfclient("conversations", "--base-url", base, env=session(tmp_path))
    assert done.returncode == 1
    assert "cli-hf-chat" not in done.stderr
    assert "cli-token" not in done.stderr
