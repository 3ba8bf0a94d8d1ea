"""vcrpy cassettes read into the model: decoded, unframed, and split as a server writes."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from codec import router
from codec.http import HttpRequest
from hfclient.client import InferenceProviders
from hfclient.exchange import BodyChunk
from hfclient.transport.cassette import Cassette, Chunk, Exchange, Response, dumps, load, loads
from hfclient.transport.replay import ReplayTransport
from hfclient.transport.vcr import import_vcr, split_stream
from tests.conftest import DATA
from tests.framing_helpers import cut

REAL = {
    "router-cerebras-stream.vcr.yaml": ("meta-llama/Llama-3.3-70B-Instruct", "cerebras"),
    "router-together-stream.vcr.yaml": ("meta-llama/Meta-Llama-3-8B-Instruct", "together"),
}
MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What is deep learning?"},
]
SCHEMA = json.loads(
    resources.files("hfclient.transport").joinpath("cassette.schema.json").read_text()
)


def raw_body(name: str) -> bytes:
    data = yaml.safe_load((DATA / "real" / name).read_text())
    body: str = data["interactions"][1]["response"]["body"]["string"]
    return body.encode()


def whole_text(body: bytes) -> str:
    """The answer's text, decoding the body in one piece with the codec alone."""
    text = []
    for event in router.iter_events([body]):
        if isinstance(event, router.ChatCompletionChunk):
            for choice in event.choices:
                if isinstance(choice.delta.content, str):
                    text.append(choice.delta.content)
    return "".join(text)


def client_text(cassette: Cassette, model: str, provider: str) -> str:
    async def main() -> str:
        transport = ReplayTransport.from_cassette(cassette)
        async with InferenceProviders(api_key="hf_x", transport=transport) as client:
            completion = await client.complete(
                MESSAGES, model=model, provider=provider, max_tokens=20
            )
        assert transport.unused == []
        return completion.text

    result: str = anyio.run(main)
    return result


@pytest.mark.parametrize("name", REAL)
def test_a_real_stream_is_split_per_sse_event(name: str) -> None:
    cassette = import_vcr(DATA / "real" / name)
    mapping, chat = cassette.exchanges
    assert mapping.request.method == "GET"
    assert len(mapping.response.chunks) == 1
    chunks = [c.data for c in chat.response.chunks]
    assert b"".join(chunks) == raw_body(name)
    assert len(chunks) > 5
    assert all(c.startswith(b"data: ") and c.endswith(b"\n\n") for c in chunks)
    names = {k.lower() for k, _ in chat.response.headers}
    assert names.isdisjoint({"content-length", "content-encoding", "transfer-encoding"})
    assert chat.response.status == 200
    assert chat.response.reason == "OK"


@pytest.mark.parametrize("name", REAL)
def test_replayed_through_the_client_the_text_is_the_whole_bodys(name: str) -> None:
    model, provider = REAL[name]
    cassette = import_vcr(DATA / "real" / name)
    text = client_text(cassette, model, provider)
    assert text
    assert text == whole_text(raw_body(name))
    # The same cassette with its stream body as one chunk: the same text.
    mapping, chat = cassette.exchanges
    one = Exchange(
        chat.request,
        Response(chat.response.status, "", chat.response.headers, (Chunk(chat.response.body),)),
    )
    assert client_text(Cassette((mapping, one)), model, provider) == text


@pytest.mark.parametrize("name", REAL)
def test_load_reads_vcrpy_files_and_the_import_dumps_as_ours(name: str) -> None:
    path = DATA / "real" / name
    cassette = load(path)
    assert cassette == import_vcr(path)
    text = dumps(cassette)
    jsonschema.validate(yaml.safe_load(text), SCHEMA)
    assert loads(text) == cassette


def vcr(body: Any, headers: dict[str, list[str]], uri: str = "https://x.test/a") -> dict[str, Any]:
    return {
        "interactions": [
            {
                "request": {
                    "method": "GET",
                    "uri": uri,
                    "body": None,
                    "headers": {"Accept": ["*/*"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": headers,
                    "body": {"string": body},
                },
            }
        ],
        "version": 1,
    }


def test_a_gzip_binary_body_is_decoded_and_its_headers_dropped(tmp_path: Path) -> None:
    events = b'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n'
    data = vcr(
        gzip.compress(events),
        {
            "Content-Type": ["text/event-stream"],
            "Content-Encoding": ["gzip"],
            "Content-Length": ["9"],
        },
    )
    path = tmp_path / "gz.yaml"
    path.write_text(yaml.safe_dump(data))  # bytes are written !!binary, as vcrpy does
    assert "!!binary" in path.read_text()
    response = import_vcr(path).exchanges[0].response
    assert [c.data for c in response.chunks] == [
        b'data: {"a":1}\n\n',
        b'data: {"a":2}\n\n',
        b"data: [DONE]\n\n",
    ]
    assert response.headers == (("Content-Type", "text/event-stream"),)
    assert import_vcr(path).exchanges[0].request.headers == (("Accept", "*/*"),)


def test_ndjson_is_split_per_line_by_the_spec_or_the_content_type() -> None:
    lines = b'{"type":"stream","token":"a"}\n{"type":"finalAnswer","text":"a"}\n'
    # huggingchat's send_message is an NDJSON stream in the spec, whatever the label says.
    data = vcr(
        lines.decode(),
        {"Content-Type": ["text/plain"]},
        "https://huggingface.co/chat/conversation/c",
    )
    data["interactions"][0]["request"]["method"] = "POST"
    chunks = [c.data for c in import_vcr(data).exchanges[0].response.chunks]
    assert chunks == lines.splitlines(keepends=True)
    other = vcr(lines.decode(), {"Content-Type": ["application/x-ndjson"]})
    assert len(import_vcr(other).exchanges[0].response.chunks) == 2
    plain = vcr(lines.decode(), {"Content-Type": ["application/json"]})
    assert len(import_vcr(plain).exchanges[0].response.chunks) == 1


def test_a_coding_we_cannot_decode_is_an_error() -> None:
    with pytest.raises(ValueError, match="'br'"):
        import_vcr(vcr(b"\x00", {"Content-Encoding": ["br"]}))
    with pytest.raises(ValueError, match="not a vcrpy cassette"):
        import_vcr({"interactions": [{"request": {}}]})


@given(body=st.binary(), framing=st.sampled_from(["sse", "ndjson", None]))
def test_split_pieces_join_back_and_none_is_empty(body: bytes, framing: str | None) -> None:
    pieces = split_stream(body, framing)
    assert b"".join(pieces) == body
    assert all(pieces)


@given(
    events=st.lists(
        st.binary().map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")), min_size=1
    )
)
def test_sse_pieces_are_the_events(events: list[bytes]) -> None:
    body = b"".join(b"data: " + e + b"\n\n" for e in events)
    assert split_stream(body, "sse") == [b"data: " + e + b"\n\n" for e in events]


def test_an_openai_python_request_gets_the_recorded_stream() -> None:
    # What AsyncOpenAI(base_url=".../cerebras/v1") sends: its own headers, order and fields.
    cassette = import_vcr(DATA / "real" / "router-cerebras-stream.vcr.yaml")
    body = {"model": "llama-3.3-70b", "stream": True, "messages": MESSAGES, "n": 1, "top_p": 1}
    request = HttpRequest(
        "POST",
        "https://router.huggingface.co/cerebras/v1/chat/completions",
        (
            ("Authorization", "Bearer hf_other"),
            ("User-Agent", "AsyncOpenAI/Python 1.99.0"),
            ("X-Stainless-Retry-Count", "0"),
            ("Content-Type", "application/json"),
        ),
        json.dumps(body, indent=1).encode(),
    )

    async def main() -> bytes:
        transport = ReplayTransport.from_cassette(cassette)
        got = [e async for e in transport.open(request)]
        return b"".join(e.data for e in got if isinstance(e, BodyChunk))

    assert anyio.run(main) == raw_body("router-cerebras-stream.vcr.yaml")


@settings(max_examples=20, deadline=None)
@given(points=st.lists(st.integers(min_value=0, max_value=6_000), max_size=20))
def test_replay_at_any_chunk_boundaries_gives_the_same_text(points: list[int]) -> None:
    name = "router-together-stream.vcr.yaml"
    model, provider = REAL[name]
    mapping, chat = import_vcr(DATA / "real" / name).exchanges
    chunks = tuple(Chunk(piece) for piece in cut(chat.response.body, points) if piece)
    rechunked = Exchange(chat.request, Response(200, "OK", chat.response.headers, chunks))
    assert client_text(Cassette((mapping, rechunked)), model, provider) == whole_text(
        raw_body(name)
    )


def test_request_bodies_may_be_binary_or_wrapped() -> None:
    data = vcr("ok", {"Content-Type": ["application/json"]})
    data["interactions"][0]["request"].update(method="POST", body=b"\xff\x00")
    assert import_vcr(data).exchanges[0].request.body == b"\xff\x00"
    data["interactions"][0]["request"]["body"] = {"string": '{"a":1}'}
    assert import_vcr(data).exchanges[0].request.body == b'{"a":1}'
    data["interactions"][0]["request"]["body"] = None
    assert import_vcr(data).exchanges[0].request.body is None


def test_a_json_answer_of_a_streaming_path_stays_whole() -> None:
    # The router's chat completions path answers SSE or JSON (twin operations): the label picks.
    body = '{"choices": [{"message": {"content": "a\\n\\nb"}}]}\n\ndata: not a stream\n\n'
    uri = "https://router.huggingface.co/v1/chat/completions"
    data = vcr(body, {"Content-Type": ["application/json"]}, uri)
    data["interactions"][0]["request"]["method"] = "POST"
    assert len(import_vcr(data).exchanges[0].response.chunks) == 1
    data = vcr(body, {"Content-Type": ["text/event-stream"]}, uri)
    data["interactions"][0]["request"]["method"] = "POST"
    assert len(import_vcr(data).exchanges[0].response.chunks) == 2
