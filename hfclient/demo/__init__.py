"""``hfclient demo``: the whole library at work, offline, from cassettes shipped in the package.

A replay server on 127.0.0.1 (a free port) serves the cassettes of
``hfclient/demo/cassettes`` (made by ``tools/build_fixtures.py``, scrubbed
like the corpus), and the real clients talk to it over the real anyio+h11
transport: HuggingChat with web search, reasoning, sources and a title; the
router failing over from a 402 to a second provider, with usage; Hailuo
starting a chat and continuing it. Each answer streams as it arrives and a
one-line summary per service follows. No request leaves 127.0.0.1: the
transport refuses any other host, and no proxy is used.

The calls below are the ones the cassettes were recorded with
(:data:`CALLS`); the fixture builder imports them, so the two cannot drift
apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any, Final, TextIO
from urllib.parse import urlsplit

import attrs

from codec.http import HttpRequest
from hfclient.exchange import ResponseEvent, ResponseStarted, Transport
from hfclient.timeouts import Timeout

__all__ = [
    "CALLS",
    "CREDENTIALS",
    "HAILUO_CHAT",
    "DemoCall",
    "LoopbackOnly",
    "cassette_dir",
    "run_demo",
    "summary",
]


@attrs.frozen
class DemoCall:
    """One call of the demo: its service and the client call's keyword arguments.

    ``continues`` is true for a turn that continues the previous call's
    conversation (the demo passes the handle it got; the cassette holds it).
    """

    service: str
    name: str  # the cassette's file name, without .yaml
    call: Mapping[str, Any]
    continues: bool = False


CREDENTIALS: Final[Mapping[str, Mapping[str, str]]] = {
    "router": {"api_key": "demo-api-key"},
    "huggingchat": {"hf_chat": "demo-hf-chat", "token": "demo-token-cookie"},
    "hailuo": {"token": "demo-hailuo-token", "device_id": "demo-device", "uuid": "demo-uuid"},
}
"""Made-up credentials: the demo never reads yours, and the replay matches any."""

HAILUO_CHAT: Final = "312345678901234567"

CALLS: Final[tuple[DemoCall, ...]] = (
    DemoCall(
        "huggingchat",
        "huggingchat-web-search",
        {
            "messages": [{"role": "user", "content": "What is new in Python 3.14?"}],
            "model": "Qwen/Qwen3-235B-A22B",
            "web_search": True,
        },
    ),
    DemoCall(
        "router",
        "router-402-failover",
        {
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "model": "meta-llama/Llama-3.3-70B-Instruct",
        },
    ),
    DemoCall(
        "hailuo",
        "hailuo-new-chat",
        {"messages": [{"role": "user", "content": "How do you say hello in Chinese?"}]},
    ),
    DemoCall(
        "hailuo",
        "hailuo-continued-chat",
        {
            "messages": [
                {"role": "user", "content": "How do you say hello in Chinese?"},
                {"role": "assistant", "content": "Hello in Chinese is 你好 (nǐ hǎo)."},
                {"role": "user", "content": "And goodbye?"},
            ],
        },
        continues=True,
    ),
)
"""The demo's calls, in order."""

_TITLES: Final = {"huggingchat": "HuggingChat", "router": "Inference Providers router"}
_LOOPBACK: Final = frozenset({"127.0.0.1"})


def cassette_dir() -> Path:
    """The folder of the cassettes shipped in the package."""
    return Path(str(files("hfclient.demo") / "cassettes"))


class LoopbackOnly:
    """A transport that sends only to 127.0.0.1 (anything else raises) and notes each status."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner
        self.statuses: list[int] = []

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Send ``request`` through the inner transport if it is for 127.0.0.1."""
        host = urlsplit(request.url).hostname
        if host not in _LOOPBACK:
            raise ValueError(f"the demo sends nothing beyond 127.0.0.1, not to {host}")
        async for event in self._inner.open(request, timeout=timeout):
            if isinstance(event, ResponseStarted):
                self.statuses.append(event.status)
            yield event

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self._inner.aclose()


async def run_demo(out: TextIO, *, styled: bool = False) -> list[str]:
    """Run every call of :data:`CALLS`, printing each answer to ``out``; return the summaries."""
    from hfclient.cli._clients import client_class, on_server
    from hfclient.testing.replay_server import Replayer, ReplayServer, cassettes_in
    from hfclient.transport.anyio_h11 import AnyioH11Transport

    summaries: list[str] = []
    async with ReplayServer(Replayer(cassettes_in(cassette_dir()))) as server:
        out.write(f"replay server: {server.url} (cassettes: {cassette_dir()})\n\n")
        by_service: dict[str, list[DemoCall]] = {}
        for call in CALLS:
            by_service.setdefault(call.service, []).append(call)
        for service, calls in by_service.items():
            transport = LoopbackOnly(AnyioH11Transport(proxy=None))
            settings: dict[str, Any] = {"base_url": on_server(server.url, service)}
            if service == "router":
                settings["hub_url"] = on_server(server.url, "router", "hub")
            client = client_class(service)(**CREDENTIALS[service], transport=transport, **settings)
            out.write(f"== {_TITLES.get(service, service.capitalize())} ==\n")
            try:
                async with client:
                    turns = await _turns(client, calls, out, styled=styled)
            finally:
                await transport.aclose()
            summaries.append(summary(service, turns, transport.statuses))
            out.write("\n")
    for line in summaries:
        out.write(line + "\n")
    out.flush()
    return summaries


async def _turns(client: Any, calls: Sequence[DemoCall], out: TextIO, *, styled: bool) -> list[Any]:
    from hfclient.cli._render import Renderer
    from hfclient.events import Conversation

    turns: list[Renderer] = []
    conversation: Conversation | None = None
    for demo_call in calls:
        kwargs = dict(demo_call.call)
        if demo_call.continues:
            kwargs["conversation"] = conversation
        out.write(f"> {kwargs['messages'][-1]['content']}\n")
        renderer = Renderer(out, styled=styled)
        async with client.stream(**kwargs) as events:
            async for event in events:
                renderer.feed(event)
        renderer.close()
        if renderer.error is not None:
            raise RuntimeError(f"the demo's {demo_call.name} answered an error: {renderer.error}")
        conversation = renderer.conversation or conversation
        turns.append(renderer)
    return turns


def summary(service: str, turns: Sequence[Any], statuses: Sequence[int]) -> str:
    """One line saying what the service's calls showed."""
    last = turns[-1]
    words = sum(len(turn.text.split()) for turn in turns)
    parts = [f"{len(turns)} turn{'s' if len(turns) > 1 else ''}, {words} words"]
    if any(turn.reasoning for turn in turns):
        parts.append(f"{sum(len(t.reasoning.split()) for t in turns)} words of reasoning")
    sources = sum(len(turn.sources) for turn in turns)
    if sources:
        parts.append(f"{sources} sources")
    title = next((turn.title for turn in turns if turn.title), None)
    if title:
        parts.append(f"title {title!r}")
    failed = [status for status in statuses if status >= 400]
    if failed:
        parts.append(f"failed over after HTTP {', '.join(map(str, failed))}")
    if last.provider is not None and last.provider.provider:
        parts.append(f"answered by {last.provider.provider}")
    if last.usage is not None:
        from hfclient.cli._render import usage_text

        parts.append(usage_text(last.usage))
    conversation = last.conversation
    if conversation is not None and len(turns) > 1:
        handle = conversation.chat_id or conversation.conversation_id
        parts.append(f"conversation {handle} continued")
    parts.append(f"{len(statuses)} requests to 127.0.0.1")
    return f"{service}: " + "; ".join(parts)
