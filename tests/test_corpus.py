"""The cassette corpus in ``fixtures/``: each loads, fits the schema and replays through its client.

The calls come from ``tools/build_fixtures.py`` (``SCENARIOS``), which made
the cassettes by running the same calls; the credentials are its dummy
strings. Each cassette's unified events (and the error that ended them) are a
syrupy snapshot; a fault cassette's expected error is named here.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import anyio
import jsonschema
import pytest
import yaml

from hfclient.events import ServiceError
from hfclient.testing.rechunk import rechunk
from hfclient.testing.replay_server import Replayer, ReplayServer
from hfclient.transport.cassette import load
from hfclient.transport.replay import ReplayTransport
from tools import build_fixtures
from tools.build_fixtures import CREDENTIALS, FIXTURES, ROOT, SCENARIOS, run_call

BY_PATH = {f"{s.path}.yaml": s for s in SCENARIOS}
CASSETTES = sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.glob("*/*.yaml"))
SCHEMA = json.loads(
    resources.files("hfclient.transport").joinpath("cassette.schema.json").read_text()
)

# What each fault cassette ends in: an exception class, or an in-band ServiceError's kind.
EXPECTED: dict[str, str] = {
    "router/402-failover.yaml": "",  # the second provider answers
    "router/402-all-providers.yaml": "AllProvidersFailedPaymentRequiredError",
    "router/429-retry-after.yaml": "AllProvidersFailedRateLimitError",
    "router/429-no-retry-after.yaml": "AllProvidersFailedRateLimitError",
    "router/401-auth.yaml": "MissingAuthError",
    "router/404-model-not-supported.yaml": "ModelNotSupportedError",
    "router/no-live-provider.yaml": "ModelNotSupportedError",
    "router/422-validation.yaml": "InvalidRequestError",
    "router/503-overloaded.yaml": "AllProvidersFailedOverloadedError",
    "router/429-then-answer.yaml": "",  # waits Retry-After: 1, then the retry answers
    "router/410-gone.yaml": "NotFoundError",
    "router/502-server.yaml": "AllProvidersFailedServerError",
    "huggingchat/413-file-too-large.yaml": "InvalidRequestError",
    "router/error-in-stream.yaml": "ServiceError:validation",
    "router/truncated-body.yaml": "DecodeError",
    "router/reset-mid-stream.yaml": "ReadError",
    "router/stall.yaml": "TransportTimeout",
    "router/invalid-utf8.yaml": "DecodeError",
    "router/oversized-line.yaml": "DecodeError",
    "huggingchat/401-auth.yaml": "MissingAuthError",
    "huggingchat/403-not-your-conversation.yaml": "MissingAuthError",
    "huggingchat/legacy-error-node.yaml": "MissingAuthError",
    "huggingchat/login-redirect.yaml": "MissingAuthError",
    "huggingchat/429-too-many-messages.yaml": "RateLimitError",
    "huggingchat/429-status-code-in-stream.yaml": "ServiceError:rate_limit",
    "huggingchat/410-model-gone.yaml": "ModelNotSupportedError",
    "huggingchat/400-invalid-model.yaml": "ModelNotSupportedError",
    "huggingchat/404-conversation-not-found.yaml": "NotFoundError",
    "huggingchat/500-server.yaml": "ServerError",
    "huggingchat/error-in-stream.yaml": "ServiceError:overloaded",
    "huggingchat/truncated-body.yaml": "DecodeError",
    "huggingchat/reset-mid-stream.yaml": "ReadError",
    "huggingchat/keepalive-stall.yaml": "TransportTimeout",
    "huggingchat/invalid-utf8.yaml": "DecodeError",
    "huggingchat/oversized-line.yaml": "DecodeError",
    "hailuo/error-in-stream.yaml": "ServiceError:validation",  # code 2 (spec: STATUS_CODE_KINDS)
    "hailuo/401-auth.yaml": "MissingAuthError",
    "hailuo/400-bad-signature.yaml": "InvalidRequestError",
    "hailuo/429-rate-limit.yaml": "RateLimitError",
    "hailuo/truncated-body.yaml": "DecodeError",
    "hailuo/reset-mid-stream.yaml": "ReadError",
    "hailuo/stall.yaml": "TransportTimeout",
    "hailuo/invalid-utf8.yaml": "DecodeError",
    "hailuo/oversized-line.yaml": "DecodeError",
    "hailuo/check-token-expired.yaml": "MissingAuthError",  # no userInfo: not live
}
TOKEN_SHAPED = re.compile(rb"hf_[A-Za-z0-9]{20}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")


def _outcome(events: list[object], error: Exception | None) -> str:
    if error is not None:
        return type(error).__name__
    last = events[-1] if events else None
    return f"ServiceError:{last.kind}" if isinstance(last, ServiceError) else ""


def _shown(error: Exception | None) -> str | None:
    if error is None:
        return None
    # A timeout says how long it waited on this machine: not part of the recording.
    message = re.sub(r"\d+(\.\d+)? seconds", "N seconds", str(error))
    return f"{type(error).__name__}: {message}"


def test_the_corpus_is_big_enough_and_every_cassette_has_its_call() -> None:
    assert len(CASSETTES) >= 30
    assert sorted(BY_PATH) == CASSETTES
    for service in ("router", "huggingchat", "hailuo"):
        assert any(name.startswith(f"{service}/") for name in CASSETTES)
    assert set(EXPECTED) <= set(BY_PATH)


def test_every_fault_cassette_has_an_expected_error() -> None:
    faults = {name for name, s in BY_PATH.items() if s.fault is not None}
    assert faults == set(EXPECTED)


@pytest.mark.parametrize("name", CASSETTES)
def test_cassette_loads_and_fits_the_schema(name: str) -> None:
    path = FIXTURES / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    cassette = load(path)
    assert cassette.service == name.split("/")[0]
    assert cassette.fault == BY_PATH[name].fault
    assert cassette.exchanges


@pytest.mark.parametrize("name", CASSETTES)
def test_cassette_holds_no_secret(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    assert TOKEN_SHAPED.search(raw) is None
    for secret in (v for values in CREDENTIALS.values() for v in values.values()):
        assert secret.encode() not in raw
    for exchange in load(FIXTURES / name).exchanges:
        for header, value in exchange.request.headers:
            if header in ("authorization", "cookie", "token", "yy"):
                assert "<secret:" in value, (header, value)
        assert "uuid=corpus" not in exchange.request.url


@pytest.mark.parametrize("name", CASSETTES)
def test_cassette_replays_through_its_client(
    name: str, snapshot: object, request: pytest.FixtureRequest
) -> None:
    scenario = BY_PATH[name]
    cassette = load(FIXTURES / name)
    seed = request.config.getoption("--hf-rechunk")  # the plugin's: the same snapshot, re-cut
    if seed is not None:
        cassette = rechunk(cassette, f"{seed}:{name}")
    transport = ReplayTransport.from_cassette(cassette)
    events, error = anyio.run(run_call, scenario.service, scenario.call, transport)
    assert _outcome(events, error) == EXPECTED.get(name, "")
    assert not transport.unused, "every recorded exchange is used"
    assert {"events": [repr(e) for e in events], "error": _shown(error)} == snapshot


def test_the_builder_rewrites_the_same_files() -> None:
    assert build_fixtures.write_all(check=True) == []


def test_fixtures_are_under_the_repo() -> None:
    assert Path(FIXTURES).is_relative_to(Path(__file__).resolve().parent.parent)


def _bodies(service: str) -> bytes:
    out = []
    for name in CASSETTES:
        if name.startswith(f"{service}/"):
            for exchange in load(FIXTURES / name).exchanges:
                out.append(exchange.response.body)
    return b"\n".join(out)


def _spec_events(service: str, stream: str) -> list[str]:
    spec = yaml.safe_load((ROOT / "spec" / f"{service}.yaml").read_text(encoding="utf-8"))
    return list(spec["streams"][stream]["events"])


def test_every_huggingchat_update_type_is_in_the_corpus() -> None:
    bodies = _bodies("huggingchat")
    missing = []
    for key in _spec_events("huggingchat", "message_updates"):
        kind, _, subtype = key.partition("/")
        needle = f'"type":"{kind}"' + (f',"subtype":"{subtype}"' if subtype else "")
        if needle.encode() not in bodies:
            missing.append(key)
    assert missing == []
    for status in ("started", "keepAlive", "error", "finished"):
        assert f'"status":"{status}"'.encode() in bodies


def test_every_hailuo_event_is_in_the_corpus() -> None:
    bodies = _bodies("hailuo")
    for key in _spec_events("hailuo", "chat_events"):
        assert f"event:{key}\n".encode() in bodies, key
    assert b'"type":3' in bodies  # the heartbeat


def test_every_router_chunk_field_is_in_the_corpus() -> None:
    bodies = _bodies("router")
    for needle in (
        b'data: {"error"',  # StreamError
        b'"chat.completion.chunk"',
        b'"object":"chat.completion"',
        b"data: [DONE]",
        b'"reasoning_content"',
        b'"reasoning"',
        b'"tool_calls"',
        b'"usage"',
        b'"content":[{"type":"text"',
    ):
        assert needle in bodies, needle


def _summary(events: list[object]) -> tuple[list[str], str]:
    text = "".join(getattr(e, "text", "") for e in events if type(e).__name__ == "TextDelta")
    return [type(e).__name__ for e in events], text


@pytest.mark.parametrize("name", CASSETTES)
def test_the_replay_server_serves_it_to_the_client_over_http(name: str) -> None:
    # The same call over loopback HTTP/1.1: the same events and the same error.
    scenario = BY_PATH[name]
    cassette = load(FIXTURES / name)

    async def main() -> tuple[list[object], Exception | None]:
        async with ReplayServer(Replayer([cassette])) as server:
            where = {
                "router": {"base_url": server.url, "hub_url": server.url},
                "huggingchat": {"base_url": f"{server.url}/chat"},
                "hailuo": {"base_url": server.url},
            }[scenario.service]
            settings = {**scenario.call.get("client", {}), **where, "proxy": None}
            return await run_call(scenario.service, {**scenario.call, "client": settings}, None)

    events, error = anyio.run(main)
    assert _outcome(events, error) == EXPECTED.get(name, "")
    in_process = anyio.run(
        run_call, scenario.service, scenario.call, ReplayTransport.from_cassette(cassette)
    )[0]
    assert _summary(events) == _summary(in_process)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", CASSETTES)
def test_the_events_do_not_depend_on_the_recorded_chunk_boundaries(name: str, seed: int) -> None:
    scenario = BY_PATH[name]
    cassette = load(FIXTURES / name)
    as_recorded = anyio.run(
        run_call, scenario.service, scenario.call, ReplayTransport.from_cassette(cassette)
    )
    rechunked = anyio.run(
        run_call,
        scenario.service,
        scenario.call,
        ReplayTransport.from_cassette(rechunk(cassette, seed)),
    )
    assert [repr(e) for e in rechunked[0]] == [repr(e) for e in as_recorded[0]]
    assert _shown(rechunked[1]) == _shown(as_recorded[1])
