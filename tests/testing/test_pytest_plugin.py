"""The pytest plugin, run as users run it: inner pytest sessions on a cassette."""

from __future__ import annotations

import json

import pytest

from hfclient.testing.rechunk import rechunk
from hfclient.transport.cassette import Cassette, Chunk, Exchange, Request, Response, dumps

CHAT = "https://router.huggingface.co/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi"}]


def cassette(*texts: str) -> Cassette:
    events = [
        {"choices": [{"index": 0, "delta": {"content": t}, "finish_reason": None}]} for t in texts
    ]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks = tuple(
        Chunk(f"data: {json.dumps(e)}\n\n".encode(), at=i / 10) for i, e in enumerate(events)
    )
    body = json.dumps({"model": "org/model", "messages": MESSAGES, "stream": True}).encode()
    request = Request("POST", CHAT, (("content-type", "application/json"),), body)
    return Cassette(
        (Exchange(request, Response(200, "OK", (("content-type", "text/event-stream"),), chunks)),),
        service="router",
    )


TEST = """
import pytest

pytestmark = pytest.mark.anyio

@pytest.mark.hf_cassette("cassettes/hello.yaml")
async def test_hello(hf_router):
    answer = await hf_router.complete(
        [{"role": "user", "content": "Hi"}], model="org/model", provider="auto"
    )
    assert answer.text == "Hello, world"

@pytest.mark.hf_cassette("cassettes/hello.yaml")
@pytest.mark.hf_keep_chunks
def test_boundaries(hf_cassette):
    assert [len(c.data) for c in hf_cassette.exchanges[0].response.chunks][0] > 10
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "hello.yaml").write_text(dumps(cassette("Hello", ", ", "world")))
    (pytester.path / "cassettes" / "spare.yaml").write_text(dumps(cassette("spare")))
    pytester.makeini("[pytest]\nhf_cassette_dir = cassettes\n")
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n"
    )
    pytester.makepyfile(test_user=TEST)
    return pytester


def test_a_users_test_runs_on_its_cassette(project: pytest.Pytester) -> None:
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*cassettes no test used*", "cassettes/spare.yaml"])


@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_rechunked_the_test_still_passes(project: pytest.Pytester, seed: str) -> None:
    project.runpytest_subprocess("--hf-rechunk", seed).assert_outcomes(passed=2)


def test_a_request_the_cassette_lacks_fails_the_test(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_miss="""
import pytest
from hfclient.errors import FixtureMissError

@pytest.mark.anyio
@pytest.mark.hf_cassette("cassettes/hello.yaml")
async def test_miss(hf_router):
    with pytest.raises(FixtureMissError, match="body.model"):
        await hf_router.complete([{"role": "user", "content": "Hi"}], model="x/y", provider="auto")
"""
    )
    project.runpytest_subprocess("test_miss.py").assert_outcomes(passed=1)


def test_a_fixture_without_its_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_no_marker(hf_cassette):\n    pass\n")
    result = pytester.runpytest_subprocess()
    result.stdout.fnmatch_lines(["*has no @pytest.mark.hf_cassette(path)*"])


def test_rechunk_keeps_every_byte_and_the_ending() -> None:
    original = cassette("a" * 50, "b" * 50)
    cut = rechunk(original, 7)
    before, after = original.exchanges[0].response, cut.exchanges[0].response
    assert after.body == before.body
    assert after.end == before.end
    assert [c.data for c in after.chunks] != [c.data for c in before.chunks]
    offsets = [c.at for c in after.chunks]
    assert offsets == sorted(offsets)
    assert rechunk(original, 7) == cut  # seeded


RECORDED_TEST = """
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hfclient import InferenceProviders

SSE = b"".join(
    b"data: " + json.dumps(e).encode() + b"\\n\\n"
    for e in [
        {"choices": [{"index": 0, "delta": {"content": "recorded"}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    ]
) + b"data: [DONE]\\n\\n"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(SSE)))
        self.end_headers()
        self.wfile.write(SSE)

    def log_message(self, *args):
        pass


@pytest.fixture
def base_url():
    if os.environ.get("LIVE") != "1":
        yield "http://127.0.0.1:9"  # replaying: nothing listens, nothing is reached
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.anyio
@pytest.mark.hf_cassette("cassettes/recorded.yaml", service="router")
async def test_recorded(hf_transport, base_url):
    client = InferenceProviders(
        api_key=os.environ.get("HF_TOKEN", "stand-in"),
        provider="auto",
        base_url=base_url,
        transport=hf_transport,
    )
    answer = await client.complete([{"role": "user", "content": "Hi"}], model="org/model")
    assert answer.text == "recorded"
"""


def test_record_once_writes_a_scrubbed_cassette_that_then_replays(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "hf_" + "PlantedRecordToken" * 2
    pytester.makeconftest(
        "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n"
    )
    pytester.makepyfile(test_recorded=RECORDED_TEST)
    monkeypatch.setenv("HF_TOKEN", token)
    monkeypatch.setenv("LIVE", "1")
    pytester.runpytest_subprocess("--hf-record=once").assert_outcomes(passed=1)
    written = pytester.path / "cassettes" / "recorded.yaml"
    text = written.read_text()
    assert token not in text
    assert "<secret:" in text
    monkeypatch.setenv("LIVE", "0")
    monkeypatch.delenv("HF_TOKEN")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)  # replayed: no server at all
