"""The loopback replay server: any HTTP client, recorded chunks, resets, stalls, misses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import anyio
import pytest
from openai import AsyncOpenAI

from hfclient import InferenceProviders, Timeout
from hfclient.errors import HTTPStatusError, ReadError, TransportTimeout
from hfclient.events import TextDelta
from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in
from hfclient.transport.cassette import RESET, Cassette, Chunk, Exchange, Request, Response, dump
from hfclient.transport.cassette import stall as stalled
from tests.conftest import DATA

pytestmark = pytest.mark.anyio

REAL = DATA / "real"
CHAT = "https://router.huggingface.co/v1/chat/completions"
MESSAGES = [{"role": "user", "content": "Hi"}]
SSE = [("Content-Type", "text/event-stream")]


def sse(*texts: str) -> list[bytes]:
    pieces = [
        {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]}
        for text in texts
    ]
    pieces.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    return [f"data: {json.dumps(p)}\n\n".encode() for p in pieces] + [b"data: [DONE]\n\n"]


def chat(chunks: list[bytes], *, end: object = None, model: str = "org/model") -> Exchange:
    body = json.dumps({"model": model, "messages": MESSAGES, "stream": True}).encode()
    response = Response(
        200,
        "OK",
        SSE,
        tuple(Chunk(c, at=i * 0.01) for i, c in enumerate(chunks)),
        **({"end": end} if end is not None else {}),  # type: ignore[arg-type]
    )
    return Exchange(Request("POST", CHAT, (("Content-Type", "application/json"),), body), response)


def router(server: ReplayServer, **options: object) -> InferenceProviders:
    return InferenceProviders(
        api_key="hf_replay",
        provider="auto",
        base_url=server.url,
        hub_url=server.url,
        proxy=None,
        **options,  # type: ignore[arg-type]
    )


async def text_of(client: InferenceProviders, model: str = "org/model") -> str:
    async with client:
        return (await client.complete(MESSAGES, model=model)).text


async def test_hfclient_gets_the_recorded_answer() -> None:
    async with ReplayServer(Replayer([Cassette((chat(sse("Hel", "lo")),))])) as server:
        assert await text_of(router(server)) == "Hello"
        assert await text_of(router(server)) == "Hello"  # the last match answers again


async def test_each_recorded_chunk_is_its_own_chunked_frame() -> None:
    chunks = sse("a", "b", "c")
    async with ReplayServer(Replayer([Cassette((chat(chunks),))])) as server:
        host, port = server.url.removeprefix("http://").split(":")
        body = json.dumps({"model": "org/model", "messages": MESSAGES, "stream": True})
        head = (
            f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}"
        )
        received = b""
        async with await anyio.connect_tcp(host, int(port)) as stream:
            await stream.send(head.encode())
            try:
                while True:
                    received += await stream.receive()
            except anyio.EndOfStream:
                pass
    _, _, framed = received.partition(b"\r\n\r\n")
    frames = []
    while framed:
        size_line, _, rest = framed.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        frames.append(rest[:size])
        framed = rest[size + 2 :]
    assert frames == chunks


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # openai-python's own loop
async def test_openai_python_gets_the_same_text() -> None:
    async with ReplayServer(Replayer([Cassette((chat(sse("Hel", "lo")),))])) as server:
        client = AsyncOpenAI(api_key="sk-test", base_url=f"{server.url}/v1", max_retries=0)
        try:
            chunks = await client.chat.completions.create(
                model="org/model",
                messages=MESSAGES,  # type: ignore[arg-type]
                stream=True,
            )
            text = "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
        finally:
            await client.close()
    assert text == "Hello"


async def test_a_miss_is_a_404_naming_the_nearest_and_why() -> None:
    async with ReplayServer(Replayer([Cassette((chat(sse("x")),))])) as server:
        with pytest.raises(HTTPStatusError) as caught:
            await text_of(router(server), model="other/model")
    assert caught.value.status == 404
    assert b"body.model" in caught.value.body
    assert b"near_misses" in caught.value.body


async def test_a_recorded_reset_resets_after_the_chunks() -> None:
    exchange = chat(sse("partial")[:1], end=RESET)
    async with ReplayServer(Replayer([Cassette((exchange,))])) as server:
        seen: list[object] = []

        async def consume() -> None:
            async with (
                router(server) as client,
                client.stream(MESSAGES, model="org/model") as events,
            ):
                async for event in events:
                    seen.append(event)

        with pytest.raises(ReadError) as caught:
            await consume()
    assert TextDelta("partial") in seen
    assert caught.value.partial is None  # stream(), not complete(): the events were given


async def test_a_recorded_stall_lets_the_clients_timeout_fire() -> None:
    exchange = chat(sse("wait")[:1], end=stalled(30))
    async with ReplayServer(Replayer([Cassette((exchange,))])) as server:
        with pytest.raises(TransportTimeout) as caught:
            await text_of(router(server, timeout=Timeout(read=0.2)))
    assert caught.value.partial is not None
    assert caught.value.partial.text == "wait"


async def test_concurrent_clients_are_served() -> None:
    async with ReplayServer(Replayer([Cassette((chat(sse("ok")),))])) as server:
        texts: list[str] = []
        async with router(server) as client:

            async def one() -> None:
                texts.append((await client.complete(MESSAGES, model="org/model")).text)

            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(one)
    assert texts == ["ok"] * 20


async def test_a_real_vcr_recording_serves_hfclient(tmp_path: Path) -> None:
    (cassette,) = cassettes_in(REAL / "router-cerebras-stream.vcr.yaml")
    body = json.loads(
        next(e for e in cassette.exchanges if e.request.method == "POST").request.body or b"{}"
    )
    async with ReplayServer(Replayer([cassette])) as server:
        client = InferenceProviders(
            api_key="hf_replay",
            provider="cerebras",
            base_url=server.url,
            hub_url=server.url,
            proxy=None,
        )
        async with client:
            answer = await client.complete(
                body["messages"], model="meta-llama/Llama-3.3-70B-Instruct"
            )
    assert answer.text.startswith("Deep learning")


def test_the_command_prints_its_address_first_and_serves(tmp_path: Path) -> None:
    dump(Cassette((chat(sse("from", " the", " command")),)), tmp_path / "one.yaml")
    server = subprocess.Popen(
        [sys.executable, "-m", "hfclient", "replay-server", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline().strip()
        assert first.startswith("listening on http://127.0.0.1:")
        url = first.removeprefix("listening on ")
        client = InferenceProviders(
            api_key="hf_x", provider="auto", base_url=url, hub_url=url, proxy=None
        )
        assert anyio.run(text_of, client) == "from the command"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


def test_a_folder_without_cassettes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no cassette"):
        cassettes_in(tmp_path)
    (tmp_path / "bad.yaml").write_text("- just a list\n")
    with pytest.raises(ValueError, match=r"bad\.yaml is not a cassette"):
        cassettes_in(tmp_path)
