"""``hfclient drift --live``: one answer recorded with the user's credentials, then checked;
only against a fake router on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfclient.cli import EXIT_OK, EXIT_SERVICE, EXIT_USAGE, main
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, json_answer, stream
from tests.record import planted
from tests.transport.servers import HttpServer

MODEL = "meta-llama/Llama-3.3-70B-Instruct"
EXAMPLES = DATA / "examples"


def fake_router(server: HttpServer, body: bytes) -> FakeService:
    mapping = json_answer((EXAMPLES / "hf-router.mapping.json").read_bytes())
    answer = stream(body, content_type="text/event-stream; charset=utf-8")
    fake = FakeService(
        {
            ("GET", f"/api/models/{MODEL}"): [mapping],
            ("POST", "/cerebras/v1/chat/completions"): [answer],
        }
    )
    server.handler = fake
    return fake


def live(server: HttpServer, keep: Path) -> list[str]:
    url = server.url
    return [
        "drift", "--live", "--service", "router", "--model", MODEL,
        "--base-url", url, "--hub-url", url, "--keep", str(keep),
    ]  # fmt: skip


def test_a_clean_live_answer_is_no_drift(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_TOKEN", planted.HF_TOKEN)
    fake = fake_router(http_server, (EXAMPLES / "hf-router.stream.sse").read_bytes())
    assert main(live(http_server, tmp_path)) == EXIT_OK
    assert capsys.readouterr().out == "no drift: 1 cassettes, 2 exchanges\n"
    assert fake.seen[1].header("authorization") == f"Bearer {planted.HF_TOKEN}"
    assert planted.HF_TOKEN not in (tmp_path / "live-router.yaml").read_text()  # scrubbed


def test_a_new_key_in_the_live_answer_is_reported(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_TOKEN", planted.HF_TOKEN)
    body = (EXAMPLES / "hf-router.stream.sse").read_bytes()
    changed = body.replace(
        b'"object":"chat.completion.chunk"', b'"object":"chat.completion.chunk","tier":"free"'
    )
    assert changed != body
    fake_router(http_server, changed)
    assert main(live(http_server, tmp_path)) == EXIT_SERVICE
    out = capsys.readouterr().out
    assert "router/provider_chat_completions: ChatCompletionChunk: key tier not in the spec" in out


def test_live_without_a_service_or_a_credential_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drift", "--live"]) == EXIT_USAGE
    assert "--live needs at least one --service" in capsys.readouterr().err
    monkeypatch.delenv("HF_TOKEN", raising=False)
    args = [
        "drift",
        "--live",
        "--service",
        "router",
        "--model",
        MODEL,
        "--base-url",
        "http://127.0.0.1:9",
    ]
    assert main(args) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "HF_TOKEN" in err
    assert len(err.splitlines()) == 1
