"""The streaming clients the end-to-end suites drive, each through its own released code.

Each :class:`Client` opens once (its connection pool stays warm across
streams), then ``stream()`` reads one whole chat-completion stream from the
loopback server and returns how many events it handed to its caller. What
each one hands out is what its users get: hfclient unified events, openai
and huggingface_hub typed chunks, httpx-sse events whose data is
``json.loads``-ed (what its users do next), and the raw ``data:`` lines of
aiohttp and curl_cffi, a floor that decodes nothing.

A peer that is not installed (``pip install -e '.[bench]'``) is skipped:
:func:`available` says which ones can run.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import AsyncIterable, Callable
from typing import Any, Final

MESSAGES: Final = [{"role": "user", "content": "Hello"}]
MODEL: Final = "bench/model"
API_KEY: Final = "hf_bench_not_a_token"

# What each client needs installed beyond hfclient itself.
_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "hfclient anyio (asyncio)": (),
    "hfclient anyio (trio)": ("trio",),
    "hfclient curl": ("curl_cffi",),
    "openai AsyncOpenAI": ("openai",),
    "huggingface_hub AsyncInferenceClient": ("huggingface_hub",),
    "httpx + httpx-sse": ("httpx", "httpx_sse"),
    "aiohttp raw lines": ("aiohttp",),
    "curl_cffi raw lines": ("curl_cffi",),
}


async def count_events(events: AsyncIterable[object], first: list[float] | None) -> int:
    """Read ``events`` to the end, keeping none; how many came (``first``: when the first did)."""
    count = 0
    async for _ in events:
        count += 1
        if count == 1 and first is not None:
            first.append(time.monotonic())
    return count


class Client:
    """One way of reading the stream; ``backend`` is the event loop it runs on."""

    name: str = ""
    backend: str = "asyncio"

    def __init__(self, url: str, connections: int | None = None) -> None:
        self.url = url
        self.connections = connections  # None: the client's default pool limits

    async def open(self) -> None:
        """Make the client (inside the event loop it will run on)."""

    async def stream(self, first: list[float] | None = None) -> int:
        """Read one stream to its end; the number of events handed out.

        ``first`` gets the ``time.monotonic()`` at which the first event was handed out.
        """
        raise NotImplementedError

    async def close(self) -> None:
        """Release the client's connections."""


class HfClient(Client):
    """hfclient's ``InferenceProviders.stream``, unified events."""

    name = "hfclient anyio (asyncio)"
    transport_name: str | None = None

    async def open(self) -> None:
        from hfclient import InferenceProviders

        transport: Any = self.transport_name
        if self.connections is not None:
            from hfclient.transport.anyio_h11 import AnyioH11Transport

            transport = AnyioH11Transport(
                max_connections=self.connections,
                max_connections_per_origin=self.connections,
                proxy=None,
            )
            self._own = transport
        self.client: Any = InferenceProviders(
            api_key=API_KEY, base_url=self.url, provider="auto", transport=transport
        )

    async def stream(self, first: list[float] | None = None) -> int:
        async with self.client.stream(MESSAGES, model=MODEL) as events:
            return await count_events(events, first)

    async def close(self) -> None:
        await self.client.aclose()
        own = getattr(self, "_own", None)
        if own is not None:
            await own.aclose()


class HfClientTrio(HfClient):
    """The same, under trio."""

    name = "hfclient anyio (trio)"
    backend = "trio"


class HfClientCurl(HfClient):
    """hfclient over its curl_cffi transport."""

    name = "hfclient curl"
    transport_name = "curl"


class OpenAIClient(Client):
    """openai-python's ``AsyncOpenAI``: typed ``ChatCompletionChunk``\\ s."""

    name = "openai AsyncOpenAI"

    async def open(self) -> None:
        from openai import AsyncOpenAI

        self.client: Any = AsyncOpenAI(base_url=self.url + "/v1", api_key=API_KEY, max_retries=0)

    async def stream(self, first: list[float] | None = None) -> int:
        chunks = await self.client.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            stream=True,
        )
        return await count_events(chunks, first)

    async def close(self) -> None:
        await self.client.close()


class HubClient(Client):
    """huggingface_hub's ``AsyncInferenceClient.chat_completion``: typed stream outputs."""

    name = "huggingface_hub AsyncInferenceClient"

    async def open(self) -> None:
        from huggingface_hub import AsyncInferenceClient

        self.client: Any = AsyncInferenceClient(base_url=self.url, api_key=API_KEY)

    async def stream(self, first: list[float] | None = None) -> int:
        chunks = await self.client.chat_completion(MESSAGES, model=MODEL, stream=True)
        return await count_events(chunks, first)

    async def close(self) -> None:
        await self.client.close()


class HttpxSse(Client):
    """httpx + httpx-sse: each event's data ``json.loads``-ed, ``[DONE]`` skipped."""

    name = "httpx + httpx-sse"

    async def open(self) -> None:
        import httpx

        limits = (
            httpx.Limits()
            if self.connections is None
            else httpx.Limits(
                max_connections=self.connections, max_keepalive_connections=self.connections
            )
        )
        self.client: Any = httpx.AsyncClient(limits=limits, timeout=60)

    async def stream(self, first: list[float] | None = None) -> int:
        from httpx_sse import aconnect_sse

        count = 0
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        async with aconnect_sse(
            self.client, "POST", self.url + "/v1/chat/completions", json=body
        ) as source:
            async for event in source.aiter_sse():
                if event.data != "[DONE]":
                    json.loads(event.data)
                    count += 1
                    if count == 1 and first is not None:
                        first.append(time.monotonic())
        return count

    async def close(self) -> None:
        await self.client.aclose()


class AiohttpLines(Client):
    """aiohttp's response lines, ``data:`` lines counted, nothing decoded: a floor."""

    name = "aiohttp raw lines"

    async def open(self) -> None:
        import aiohttp

        self.client: Any = aiohttp.ClientSession()

    async def stream(self, first: list[float] | None = None) -> int:
        count = 0
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        async with self.client.post(self.url + "/v1/chat/completions", json=body) as response:
            async for line in response.content:
                if line.startswith(b"data: ") and line != b"data: [DONE]\n":
                    count += 1
                    if count == 1 and first is not None:
                        first.append(time.monotonic())
        return count

    async def close(self) -> None:
        await self.client.close()


class CurlLines(Client):
    """curl_cffi's ``AsyncSession`` lines, ``data:`` lines counted, nothing decoded: a floor."""

    name = "curl_cffi raw lines"

    async def open(self) -> None:
        from curl_cffi.requests import AsyncSession

        self.client: Any = AsyncSession()

    async def stream(self, first: list[float] | None = None) -> int:
        count = 0
        body = {"model": MODEL, "messages": MESSAGES, "stream": True}
        response = await self.client.request(
            "POST", self.url + "/v1/chat/completions", json=body, stream=True
        )
        try:
            async for line in response.aiter_lines():
                if line.startswith(b"data: ") and line != b"data: [DONE]":
                    count += 1
                    if count == 1 and first is not None:
                        first.append(time.monotonic())
        finally:
            await response.aclose()
        return count

    async def close(self) -> None:
        await self.client.close()


CLIENTS: Final[dict[str, Callable[[str, int | None], Client]]] = {
    c.name: c
    for c in (
        HfClient,
        HfClientTrio,
        HfClientCurl,
        OpenAIClient,
        HubClient,
        HttpxSse,
        AiohttpLines,
        CurlLines,
    )
}


def available(name: str) -> bool:
    """Whether every package client ``name`` needs is installed."""
    return all(importlib.util.find_spec(module) is not None for module in _NEEDS[name])
