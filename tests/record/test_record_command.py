"""``hfclient record`` end to end against a fake router on 127.0.0.1, with a planted token."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from hfclient import cli
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.transport.cassette import load
from hfclient.transport.matching import operation_of
from hfclient.transport.replay import ReplayTransport
from tests.conftest import DATA
from tests.e2e.fakes import FakeService, json_answer, stream
from tests.transport.servers import HttpServer, Response

from . import planted

EXAMPLES = DATA / "examples"
MODEL = "meta-llama/Llama-3.3-70B-Instruct"
CEREBRAS = "/cerebras/v1/chat/completions"
SSE = "text/event-stream; charset=utf-8"
TEXT = "\n\nLet me check the weather in Paris."


def router(server: HttpServer, *, status: int = 200) -> FakeService:
    mapping = json_answer(
        (EXAMPLES / "hf-router.mapping.json").read_bytes(),
        200,
        ("Set-Cookie", f"session={planted.SESSION}; Path=/"),
    )
    answer: Response = stream((EXAMPLES / "hf-router.stream.sse").read_bytes(), content_type=SSE)
    if status != 200:  # an error body that echoes the token, as some servers do
        answer = json_answer(f'{{"error":"bad token {planted.HF_TOKEN}"}}'.encode(), status)
    fake = FakeService({("GET", f"/api/models/{MODEL}"): [mapping], ("POST", CEREBRAS): [answer]})
    server.handler = fake
    return fake


def command(server: HttpServer, out: Path) -> list[str]:
    url = server.url
    return [
        "record", "--service", "router", "--model", MODEL,
        "--base-url", url, "--hub-url", url, "--out", str(out), "Weather in Paris?",
    ]  # fmt: skip


def test_record_writes_a_scrubbed_cassette_that_replays_to_the_same_text(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_TOKEN", planted.HF_TOKEN)
    fake = router(http_server)
    out = tmp_path / "router.yaml"
    assert cli.main(command(http_server, out)) == cli.EXIT_OK
    assert fake.seen[1].header("authorization") == f"Bearer {planted.HF_TOKEN}"  # sent live
    assert capsys.readouterr().out == TEXT + "\n"
    text = out.read_text()
    assert planted.HF_TOKEN not in text
    assert planted.SESSION not in text
    assert "Bearer <secret:api_key>" in text
    cassette = load(out)
    assert cassette.service == "router"
    assert [e.request.method for e in cassette.exchanges] == ["GET", "POST"]

    async def replay() -> str:
        transport = ReplayTransport.from_cassette(out)
        client = InferenceProviders(
            api_key="hf_another_key", base_url=http_server.url, hub_url=http_server.url,
            transport=transport,
        )  # fmt: skip
        return (await client.complete([{"role": "user", "content": "Weather in Paris?"}],
                                      model=MODEL)).text  # fmt: skip

    assert anyio.run(replay) == TEXT


def test_a_failed_answer_is_recorded_too_without_the_echoed_token(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_TOKEN", planted.HF_TOKEN)
    router(http_server, status=401)
    out = tmp_path / "auth.yaml"
    assert cli.main(command(http_server, out)) == cli.EXIT_SERVICE
    assert "auth.yaml" not in capsys.readouterr().out
    text = out.read_text()
    assert planted.HF_TOKEN not in text
    assert "bad token <secret:api_key>" in text


def test_no_credential_is_a_usage_error_and_writes_nothing(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    router(http_server)
    out = tmp_path / "none.yaml"
    assert cli.main(command(http_server, out)) == cli.EXIT_USAGE
    assert "HF_TOKEN" in capsys.readouterr().err
    assert not out.exists()


def test_router_needs_a_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["record", "--service", "router", "--out", str(tmp_path / "x.yaml"), "hi"]
    assert cli.main(argv) == cli.EXIT_USAGE
    assert "needs a model" in capsys.readouterr().err


HAILUO_STREAM = (DATA / "examples" / "hailuo.stream.sse").read_bytes()


def test_record_hailuo_keeps_no_token_device_id_uuid_or_signature(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in [
        ("HAILUO_TOKEN", planted.JWT),
        ("HAILUO_DEVICE_ID", planted.DEVICE_ID),
        ("HAILUO_UUID", planted.UUID),
    ]:
        monkeypatch.setenv(name, value)
    # The stream echoes the device id in one chunk, as a careless server might.
    echo = f'event:note\ndata:{{"device":"{planted.DEVICE_ID}"}}\n\n'.encode()
    answer = stream(echo + HAILUO_STREAM, content_type="text/event-stream")
    fake = FakeService({("POST", "/v4/api/chat/msg"): [answer]})
    http_server.handler = fake
    out = tmp_path / "hailuo.yaml"
    argv = ["record", "--service", "hailuo", "--base-url", http_server.url, "--out", str(out), "Hi"]
    assert cli.main(argv) == cli.EXIT_OK
    live = capsys.readouterr().out
    text = out.read_text()
    signature = fake.seen[0].header("yy")
    assert signature
    for secret in (planted.JWT, planted.DEVICE_ID, planted.UUID, signature):
        assert secret not in text
    (exchange,) = load(out).exchanges
    assert "device_id=<secret:device_id>" in exchange.request.url
    assert "uuid=<secret:uuid>" in exchange.request.url
    assert exchange.request.header("token") == "<secret:token>"
    assert exchange.request.header("yy") == "<secret:yy>"
    assert b'"device":"<secret:device_id>"' in exchange.response.body

    assert operation_of("POST", exchange.request.url, "hailuo") is not None

    async def replay() -> str:
        # Recorded against 127.0.0.1, still replayed by the spec's rule for the operation
        # (the query holds a timestamp, the signature changes every call).
        transport = ReplayTransport.from_cassette(out)
        client = Hailuo(
            token="t", device_id="d", uuid="u", base_url=http_server.url, transport=transport
        )
        return (await client.complete([{"role": "user", "content": "Hi"}])).text

    assert anyio.run(replay) + "\n" == live


CONVERSATION_ID = "6874cc01a3e9c1f27b4d0e58"
MODEL_QWEN = "Qwen/Qwen3-235B-A22B"


def test_record_huggingchat_keeps_no_session_cookie_and_replays(
    http_server: HttpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HF_CHAT_COOKIE", planted.HF_CHAT)
    monkeypatch.setenv("HF_CHAT_TOKEN_COOKIE", planted.TOKEN_COOKIE)
    created = json_answer(
        f'{{"conversationId":"{CONVERSATION_ID}"}}'.encode(),
        200,
        ("Set-Cookie", f"hf-chat={planted.SESSION}; Path=/; HttpOnly"),
    )
    conversation = json_answer((EXAMPLES / "huggingchat-v2.conversation-new.json").read_bytes())
    answer = stream(
        (EXAMPLES / "huggingchat-2026.stream.ndjson").read_bytes(), content_type="application/jsonl"
    )
    http_server.handler = FakeService(
        {
            ("POST", "/chat/conversation"): [created],
            ("GET", f"/chat/api/v2/conversations/{CONVERSATION_ID}"): [conversation],
            ("POST", f"/chat/conversation/{CONVERSATION_ID}"): [answer],
        }
    )
    out = tmp_path / "chat.yaml"
    argv = ["record", "--service", "huggingchat", "--model", MODEL_QWEN]
    argv += ["--base-url", f"{http_server.url}/chat", "--out", str(out), "TLS?"]
    assert cli.main(argv) == cli.EXIT_OK
    live = capsys.readouterr().out
    text = out.read_text()
    for secret in (planted.HF_CHAT, planted.TOKEN_COOKIE, planted.SESSION):
        assert secret not in text
    exchanges = load(out).exchanges
    assert len(exchanges) == 3
    cookie = "hf-chat=<secret:hf_chat>; token=<secret:token>"
    assert all(e.request.header("cookie") == cookie for e in exchanges)
    # A new session cookie handed out is a secret of its own.
    assert (
        exchanges[0].response.header("set-cookie") == "hf-chat=<secret:hf-chat>; Path=/; HttpOnly"
    )

    async def replay() -> str:
        client = HuggingChat(
            hf_chat="another",
            token="session",
            base_url=f"{http_server.url}/chat",
            transport=ReplayTransport.from_cassette(out),
        )
        return (await client.complete([{"role": "user", "content": "TLS?"}], model=MODEL_QWEN)).text

    assert anyio.run(replay) + "\n" == live
