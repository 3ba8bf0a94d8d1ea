"""openai-python and huggingface_hub read the replay server's answers as hfclient does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import AsyncInferenceClient
from openai import AsyncOpenAI

from hfclient import InferenceProviders, decode_stream
from hfclient.events import TextDelta
from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in
from hfclient.transport.cassette import Cassette, load
from tests.conftest import DATA

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("anyio_backend", ["asyncio"])]

# Each real router recording (vcrpy, tests/data/real): the Hub model and its provider.
FIXTURES = Path(__file__).parents[2] / "fixtures"
ROUTER_CASSETTES = {
    "router-cerebras-stream.vcr.yaml": ("meta-llama/Llama-3.3-70B-Instruct", "cerebras"),
    "router-together-stream.vcr.yaml": ("meta-llama/Meta-Llama-3-8B-Instruct", "together"),
}


def recorded(name: str) -> tuple[Cassette, dict[str, Any], str]:
    (cassette,) = cassettes_in(DATA / "real" / name)
    post = next(e for e in cassette.exchanges if e.request.method == "POST")
    body = json.loads(post.request.body or b"{}")
    route = post.request.url.split("://", 1)[1].split("/", 1)[1].removesuffix("/chat/completions")
    return cassette, body, "/" + route  # e.g. /cerebras/v1


async def hfclient_text(server: ReplayServer, messages: Any, model: str, provider: str) -> str:
    async with InferenceProviders(
        api_key="hf_x", provider=provider, base_url=server.url, hub_url=server.url, proxy=None
    ) as client:
        return (await client.complete(messages, model=model, max_tokens=20)).text


@pytest.mark.parametrize("name", sorted(ROUTER_CASSETTES))
async def test_openai_python_and_huggingface_hub_get_hfclients_text(name: str) -> None:
    cassette, body, route = recorded(name)
    model, provider = ROUTER_CASSETTES[name]
    async with ReplayServer(Replayer([cassette])) as server:
        ours = await hfclient_text(server, body["messages"], model, provider)

        openai = AsyncOpenAI(api_key="sk-x", base_url=f"{server.url}{route}", max_retries=0)
        try:
            chunks = await openai.chat.completions.create(
                model=body["model"], messages=body["messages"], stream=True, max_tokens=20
            )
            theirs = "".join([c.choices[0].delta.content or "" async for c in chunks if c.choices])
        finally:
            await openai.close()

        hub = AsyncInferenceClient(
            base_url=f"{server.url}{route.removesuffix('/v1')}", api_key="hf_x"
        )
        try:
            pieces = await hub.chat_completion(
                body["messages"], model=body["model"], stream=True, max_tokens=20
            )
            hubs = "".join([c.choices[0].delta.content or "" async for c in pieces if c.choices])
        finally:
            await hub.close()
    assert ours
    assert ours == theirs == hubs


def _streamed_chats() -> list[str]:
    # Corpus router cassettes whose chat answer is a whole 200 stream (the faults aside).
    names = []
    for path in sorted((FIXTURES / "router").glob("*.yaml")):
        cassette = load(path)
        posts = [e for e in cassette.exchanges if e.request.method == "POST"]
        if (
            cassette.fault is None
            and posts
            and all(
                e.response.status == 200
                and "event-stream" in (e.response.header("content-type") or "")
                and e.response.end.kind == "eof"
                for e in posts
            )
        ):
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", _streamed_chats())
async def test_openai_python_reads_every_streamed_corpus_answer_as_hfclient_decodes_it(
    name: str,
) -> None:
    cassette = load(FIXTURES / "router" / name)
    post = next(e for e in cassette.exchanges if e.request.method == "POST")
    body = json.loads(post.request.body or b"{}")
    route = post.request.url.split("://", 1)[1].split("/", 1)[1].removesuffix("/chat/completions")
    ours = "".join(
        e.text
        for e in decode_stream("router", [c.data for c in post.response.chunks])
        if isinstance(e, TextDelta)
    )
    async with ReplayServer(Replayer([cassette])) as server:
        client = AsyncOpenAI(api_key="sk-x", base_url=f"{server.url}/{route}", max_retries=0)
        try:
            extra = {k: v for k, v in body.items() if k not in ("model", "messages", "stream")}
            chunks = await client.chat.completions.create(
                model=body["model"], messages=body["messages"], stream=True, extra_body=extra
            )
            theirs = "".join([_text(c.choices[0].delta.content) async for c in chunks if c.choices])
        finally:
            await client.close()
    assert theirs == ours


def _text(content: object) -> str:
    # Some providers stream content as a list of parts; openai-python passes it through.
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""
