"""Memory: peak RSS growth while a client reads a 1, 10 or 100 MB stream.

Each case runs in a fresh process (peak RSS only ever grows): it makes the
client and reads one small stream first (imports, pools and caches warm),
notes its peak RSS, reads the big stream, and reports how far the peak grew.
``stream()`` cases drop each event as it comes; ``complete()`` keeps what
``Completion`` keeps (the text, and every event, runs of deltas joined). Beside them, httpx +
httpx-sse reading the same body, each event's data ``json.loads``-ed and
dropped. Each token is ``TOKEN_CHARS`` characters, so the answer's text is
about a third of the body.

    python -m tools.bench.memory CASE URL MB      # one case: prints "growth_bytes text_bytes"
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import anyio

from tools.bench.bodies import ROOT
from tools.bench.clients import API_KEY, MESSAGES, MODEL, available
from tools.bench.server import Server

TOKEN_CHARS = 100
EVENT_BYTES = 300  # about: one chunk of a TOKEN_CHARS token, framed
CASES = ("hfclient stream()", "hfclient complete()", "httpx + httpx-sse")
_NEEDS = {"httpx + httpx-sse": "httpx + httpx-sse"}


class Row(NamedTuple):
    """One case over one body size."""

    case: str
    megabytes: int
    growth: int  # bytes of peak RSS growth
    text: int  # characters of the answer


def events_for(megabytes: int) -> int:
    """How many events make a body of about ``megabytes`` MB."""
    return megabytes * 1_000_000 // EVENT_BYTES


def _peak() -> int:
    # The high-water mark of this process's own memory (VmHWM): ru_maxrss would not do, Linux
    # carries it over from the parent's image across fork and exec.
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux: ru_maxrss, in KiB on most systems
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(kib) * 1024


async def _hfclient(url: str, whole: bool) -> int:
    from hfclient import InferenceProviders

    async with InferenceProviders(api_key=API_KEY, base_url=url, provider="auto") as client:
        if whole:
            return len((await client.complete(MESSAGES, model=MODEL)).text)
        size = 0
        async with client.stream(MESSAGES, model=MODEL) as events:
            async for event in events:
                size += len(getattr(event, "text", None) or "")
        return size


async def _httpx(url: str) -> int:
    import httpx
    from httpx_sse import aconnect_sse

    size = 0
    body = {"model": MODEL, "messages": MESSAGES, "stream": True}
    async with (
        httpx.AsyncClient(timeout=60) as client,
        aconnect_sse(client, "POST", url + "/v1/chat/completions", json=body) as source,
    ):
        async for event in source.aiter_sse():
            if event.data != "[DONE]":
                delta = json.loads(event.data)["choices"][0]["delta"]
                size += len(delta.get("content") or "")
    return size


def one(case: str, url: str, control: Callable[[], None] | None = None) -> tuple[int, int]:
    """In this process: (peak RSS growth, text length) of reading the configured stream."""

    async def read() -> int:
        if case == "httpx + httpx-sse":
            return await _httpx(url)
        return await _hfclient(url, whole=case == "hfclient complete()")

    anyio.run(read)  # warm: the server streams a small body until told otherwise
    before = _peak()
    if control is not None:
        control()
    text = anyio.run(read)
    return _peak() - before, text


def run(server: Server, sizes: Sequence[int], cases: Sequence[str] = CASES) -> list[Row]:
    """Every case over every size, each in a process of its own."""
    rows = []
    for megabytes in sizes:
        for case in cases:
            if case == "httpx + httpx-sse" and not available(case):
                continue
            server.configure(events=50, size=TOKEN_CHARS, rate=0, first_delay=0)
            out = subprocess.run(
                [sys.executable, "-m", "tools.bench.memory", case, server.url, str(megabytes)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            growth, text = map(int, out.split())
            rows.append(Row(case, megabytes, growth, text))
    return rows


def _main(argv: Sequence[str]) -> None:
    case, url, megabytes = argv
    control = Server.at(url)

    def big() -> None:
        control.configure(events=events_for(int(megabytes)), size=TOKEN_CHARS)

    growth, text = one(case, url, big)
    print(growth, text)


if __name__ == "__main__":
    _main(sys.argv[1:])
