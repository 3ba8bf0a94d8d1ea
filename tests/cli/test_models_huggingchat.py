"""``hfclient models --service huggingchat``, against a fake chat-ui on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from hfclient.cli import EXIT_OK, main
from tests.e2e.fakes import FakeService, json_answer
from tests.e2e.test_huggingchat_library import MODELS
from tests.transport.servers import HttpServer, Response


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_CHAT_COOKIE", "cli-hf-chat-cookie")
    monkeypatch.setenv("HF_CHAT_TOKEN_COOKIE", "cli-token-cookie")


def chat_ui(server: HttpServer, routes: dict[tuple[str, str], list[Response]]) -> list[str]:
    fake = FakeService(routes)
    server.handler = fake
    return ["--base-url", f"{server.url}/chat"]


@pytest.mark.usefixtures("session")
def test_models_of_huggingchat(http_server: HttpServer, capsys: pytest.CaptureFixture[str]) -> None:
    listed = [{"id": "org/model", "name": "org/model", "multimodal": False}]
    where = chat_ui(http_server, {MODELS: [json_answer(json.dumps(listed).encode())]})
    assert main(["models", "--service", "huggingchat", *where]) == EXIT_OK
    assert capsys.readouterr().out.splitlines()[0].startswith("org/model\t")
