"""The loopback server the benchmarks stream from, in a process of its own.

Any ``POST`` gets a router chat-completion stream: HTTP/1.1, chunked, one
chunked write per event (as providers flush each token), keep-alive. What
it streams is set with ``POST /config`` (JSON: ``events``, ``size`` of each
token in characters, ``rate`` in events/s per stream, 0 for as fast as the
socket takes them, ``first_delay`` seconds before the first event); ``GET
/stamps`` answers (and forgets) the ``time.monotonic()`` of each stream's
first body write, in order, for the time-to-first-event suite (the clock is
the system's, the same in every process).

    python -m tools.bench.server        # prints the port, serves until killed
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

from tools.bench.bodies import ROOT, router_frames, router_payloads

_HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
    b"transfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n"
)
_CACHE_LIMIT = 200_000  # events: bodies up to this are built once and reused


class _State:
    def __init__(self) -> None:
        self.config: dict[str, Any] = {"events": 1000, "size": 0, "rate": 0.0, "first_delay": 0.0}
        self.stamps: list[float] = []
        self._cached: tuple[tuple[int, int], list[bytes]] | None = None

    def chunks(self) -> Iterator[bytes] | list[bytes]:
        key = (int(self.config["events"]), int(self.config["size"]))
        if self._cached is not None and self._cached[0] == key:
            return self._cached[1]
        if key[0] > _CACHE_LIMIT:
            return (_chunked(f) for f in router_frames(router_payloads(*key)))
        chunks = [_chunked(f) for f in router_frames(router_payloads(*key))]
        self._cached = (key, chunks)
        return chunks


def _chunked(frame: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(frame), frame)


async def _serve(state: _State, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            method, path, _ = head.split(b" ", 2)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length) if length else b""
            if path == b"/config":
                state.config.update(json.loads(body))
                await _answer(writer, b"{}")
            elif path == b"/stamps":
                stamps, state.stamps = state.stamps, []
                await _answer(writer, json.dumps(stamps).encode())
            elif method == b"POST":
                await _stream(state, writer)
            else:
                await _answer(writer, b"not found", status=b"404 Not Found")
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _answer(writer: asyncio.StreamWriter, body: bytes, status: bytes = b"200 OK") -> None:
    writer.write(
        b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
        % (status, len(body), body)
    )
    await writer.drain()


async def _stream(state: _State, writer: asyncio.StreamWriter) -> None:
    rate = float(state.config["rate"])
    first_delay = float(state.config["first_delay"])
    writer.write(_HEAD)
    await writer.drain()
    if first_delay:
        await asyncio.sleep(first_delay)
    first = True
    start = time.monotonic()
    for i, chunk in enumerate(state.chunks()):
        if rate:
            wait = start + i / rate - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        if first:
            state.stamps.append(time.monotonic())
            first = False
        writer.write(chunk)
        await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def _main() -> None:
    state = _State()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve(state, reader, writer)

    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


class Server:
    """The server process, started and stopped by the benchmarks: ``with Server() as server``."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @classmethod
    def at(cls, url: str) -> Server:
        """A handle on a server another process started (to configure it)."""
        server = cls()
        server.port = int(url.rsplit(":", 1)[1])
        return server

    def __enter__(self) -> Server:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.bench.server"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,  # where ``tools`` is importable from, wherever the caller stands
        )
        assert self._process.stdout is not None
        self.port = int(self._process.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            if self._process.stdout is not None:
                self._process.stdout.close()

    @property
    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:port``)."""
        return f"http://127.0.0.1:{self.port}"

    def configure(self, **config: object) -> None:
        """Set what the next streams carry (see the module's docstring)."""
        self._call("/config", json.dumps(config).encode())

    def stamps(self) -> list[float]:
        """The first body write of each stream since the last call, in order."""
        result: list[float] = json.loads(self._call("/stamps"))
        return result

    def _call(self, path: str, body: bytes | None = None) -> bytes:
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            data: bytes = response.read()
        return data


if __name__ == "__main__":
    asyncio.run(_main())
