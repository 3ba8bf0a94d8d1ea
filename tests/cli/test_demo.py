"""``hfclient demo``: every service, offline, from the cassettes shipped in the package."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from codec.http import HttpRequest
from hfclient.demo import CALLS, LoopbackOnly, cassette_dir
from hfclient.transport.cassette import load
from hfclient.transport.matching import operation_of
from hfclient.transport.replay import ReplayTransport
from tests.cli.runner import clean_env, hfclient
from tools import build_fixtures


def test_demo_streams_each_service_and_sums_it_up(tmp_path: Path) -> None:
    done = hfclient("demo", env=clean_env(tmp_path), cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    out = done.stdout
    assert out.startswith("replay server: http://127.0.0.1:")
    for heading in ("== HuggingChat ==", "== Inference Providers router ==", "== Hailuo =="):
        assert heading in out
    # HuggingChat: reasoning apart, the answer, sources and the title.
    assert "[reasoning]\nThe user asks about Python 3.14;" in out
    assert "[answer]\nPython 3.14 adds template strings (PEP 750)" in out
    assert "  [2] PEP 750 \u2013 Template Strings <https://peps.python.org/pep-0750/>" in out
    assert "title: Python 3.14 news" in out
    # The router: the second provider's answer and its usage.
    assert "The weather in Paris is mild, 14°C and cloudy.\nprovider: groq" in out
    # Hailuo: both turns of one chat.
    assert "> And goodbye?\nGoodbye is 再见 (zàijiàn).\n" in out
    summaries = out.splitlines()[-3:]
    assert summaries == [
        "huggingchat: 1 turn, 14 words; 13 words of reasoning; 2 sources; "
        "title 'Python 3.14 news'; answered by novita; 3 requests to 127.0.0.1",
        "router: 1 turn, 9 words; failed over after HTTP 402; answered by groq; "
        "41 prompt + 12 completion = 53 tokens; 3 requests to 127.0.0.1",
        "hailuo: 2 turns, 27 words; title 'Saying hello in Chinese'; "
        "conversation 312345678901234567 continued; 2 requests to 127.0.0.1",
    ]


def test_demo_cassettes_are_the_builders_and_every_call_has_one() -> None:
    names = {path.stem for path in cassette_dir().glob("*.yaml")}
    assert names == {call.name for call in CALLS}
    assert (
        build_fixtures._write(
            build_fixtures.DEMO, build_fixtures.DEMO_SCENARIOS, "*.yaml", check=True
        )
        == []
    )
    for path in cassette_dir().glob("*.yaml"):
        cassette = load(path)
        for exchange in cassette.exchanges:  # every request is one the spec names
            request = exchange.request
            assert operation_of(request.method, request.url, cassette.service) is not None


def test_the_demo_transport_refuses_any_host_but_loopback() -> None:
    transport = LoopbackOnly(ReplayTransport([]))

    async def send(url: str) -> None:
        async for _ in transport.open(HttpRequest("GET", url)):
            pass

    with pytest.raises(ValueError, match=r"nothing beyond 127\.0\.0\.1, not to huggingface\.co"):
        anyio.run(send, "https://huggingface.co/api/models")
    assert transport.statuses == []
