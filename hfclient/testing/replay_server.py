"""A loopback HTTP/1.1 server that answers from cassettes, for any HTTP client.

Point openai-python, huggingface_hub, curl or hfclient itself at its URL:
each request is matched against the recorded ones on meaning
(:mod:`hfclient.transport.matching`), and the recorded response goes back
as it was recorded: status, headers, then each recorded chunk as its own
write (chunked framing), at the recorded offsets divided by ``speed`` (0:
no waiting). A recorded reset resets the connection there; a recorded
stall goes silent for its length, then closes. A miss answers 404 with a
JSON body naming the nearest recorded requests and why each did not match.

Within a cassette the exchanges that match a request are taken in order,
the last one again once all are used, so a "429, then 200" recording
replays as such and a single recording answers any number of calls.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import anyio
import anyio.abc
import attrs
import h11
from anyio.streams.stapled import MultiListener

from codec.http import HttpRequest
from hfclient.transport.cassette import FRAMING_HEADERS, Cassette, Exchange, Request, load
from hfclient.transport.matching import mismatches, nearest, rule_for

__all__ = ["ReplayServer", "Replayer", "cassette_files", "cassettes_in"]

log = logging.getLogger(__name__)

_BODY_LIMIT: Final = 32 * 1024 * 1024  # no recorded request comes near this
_NEAREST: Final = 5


def cassette_files(folder: str | os.PathLike[str]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` file under ``folder``, sorted."""
    root = Path(folder)
    return sorted(p for pattern in ("*.yaml", "*.yml") for p in root.rglob(pattern) if p.is_file())


def cassettes_in(path: str | os.PathLike[str]) -> list[Cassette]:
    """The cassette at ``path``, or every one of :func:`cassette_files` under the folder ``path``.

    A file that is not a cassette (ours or vcrpy's) raises ``ValueError`` naming it.
    """
    root = Path(path)
    files = cassette_files(root) if root.is_dir() else [root]
    if not files:
        raise ValueError(f"no cassette (*.yaml) under {root}")
    cassettes = []
    for file in files:
        try:
            cassettes.append(load(file))
        except ValueError as exc:
            raise ValueError(f"{file} is not a cassette: {exc}") from None
    return cassettes


@attrs.define
class _Entry:
    exchange: Exchange
    rule: tuple[str, ...]
    cassette: int
    used: int = 0


class Replayer:
    """Finds the recorded exchange that answers a request, across cassettes.

    Used by the replay server; safe for concurrent requests of one event loop
    (finding and marking an exchange used is one synchronous step).
    """

    def __init__(self, cassettes: Iterable[Cassette]) -> None:
        self._entries: list[_Entry] = []
        for index, cassette in enumerate(cassettes):
            for exchange in cassette.exchanges:
                rule = rule_for(exchange.request, service=cassette.service, override=cassette.match)
                self._entries.append(_Entry(exchange, rule, index))

    def __len__(self) -> int:
        return len(self._entries)

    def find(self, request: HttpRequest) -> Exchange | list[str]:
        """The exchange that answers ``request``, or why the nearest ones do not."""
        misses: list[tuple[Request, list[str], list[str]]] = []
        matching: list[_Entry] = []
        for entry in self._entries:
            reasons = mismatches(entry.exchange.request, request, entry.rule)
            if reasons:
                misses.append((entry.exchange.request, reasons, []))
            else:
                matching.append(entry)
        if matching:
            unused = [entry for entry in matching if entry.used == 0]
            chosen = unused[0] if unused else matching[-1]
            chosen.used += 1
            return chosen.exchange
        return nearest(misses, _NEAREST)

    def unused(self) -> list[Exchange]:
        """The exchanges no request has been answered with."""
        return [entry.exchange for entry in self._entries if entry.used == 0]


class ReplayServer:
    """Serves a :class:`Replayer` on ``host:port`` (port 0: a free one), loopback by default.

    ::

        async with ReplayServer(Replayer(cassettes)) as server:
            client = InferenceProviders(base_url=server.url, hub_url=server.url, ...)
    """

    def __init__(
        self,
        replayer: Replayer,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 0.0,
    ) -> None:
        if speed < 0 or speed != speed:
            raise ValueError(f"speed is a rate of 0 (no waiting) or more, not {speed!r}")
        self._replayer = replayer
        self._host = host
        self._port = port
        self._speed = speed
        self._listener: MultiListener[anyio.abc.SocketStream] | None = None
        self._group: anyio.abc.TaskGroup | None = None

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` of the listening socket."""
        if self._listener is None:
            raise RuntimeError("the server is not started")
        port = self._listener.extra(anyio.abc.SocketAttribute.local_port)
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{port}"

    async def __aenter__(self) -> ReplayServer:
        listener = await anyio.create_tcp_listener(local_host=self._host, local_port=self._port)
        self._listener = listener
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(listener.serve, self._connection)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._group is not None
        assert self._listener is not None
        self._group.cancel_scope.cancel()
        await self._group.__aexit__(None, None, None)
        await self._listener.aclose()

    async def serve_forever(self) -> None:
        """Serve until cancelled (the command's loop)."""
        async with self:
            await anyio.sleep_forever()

    async def _connection(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            conn = h11.Connection(h11.SERVER)
            try:
                while await self._one_exchange(stream, conn):
                    conn.start_next_cycle()
            except (anyio.BrokenResourceError, anyio.EndOfStream, h11.ProtocolError, OSError):
                return  # the client went away or spoke no HTTP: nothing to answer

    async def _one_exchange(self, stream: anyio.abc.SocketStream, conn: h11.Connection) -> bool:
        # Returns whether the connection may carry another request.
        head = await _next_event(stream, conn)
        if not isinstance(head, h11.Request):
            return False
        body = bytearray()
        while True:
            event = await _next_event(stream, conn)
            if isinstance(event, h11.Data):
                body += event.data
                if len(body) > _BODY_LIMIT:
                    await _send_json(stream, conn, 413, {"error": "request body too large"})
                    return False
            elif isinstance(event, h11.EndOfMessage):
                break
            else:
                return False
        request = _request(head, bytes(body))
        found = self._replayer.find(request)
        if isinstance(found, list):
            log.info("no recorded exchange for %s %s", request.method, request.url)
            miss = {
                "error": f"no recorded exchange for {request.method} {_target(head)}",
                "near_misses": found,
            }
            await _send_json(stream, conn, 404, miss)
            return conn.our_state is h11.DONE and conn.their_state is h11.DONE
        return await self._replay(stream, conn, found)

    async def _replay(
        self, stream: anyio.abc.SocketStream, conn: h11.Connection, exchange: Exchange
    ) -> bool:
        response = exchange.response
        started = anyio.current_time()
        await self._wait_until(started, response.at)
        headers = [(k, v) for k, v in response.headers if k.lower() not in FRAMING_HEADERS]
        reason = response.reason or ""
        await stream.send(
            conn.send(h11.Response(status_code=response.status, headers=headers, reason=reason))
        )
        for chunk in response.chunks:
            await self._wait_until(started, chunk.at)
            if chunk.data:
                await stream.send(conn.send(h11.Data(data=chunk.data)))
        end = response.end
        if end.kind == "reset":
            _reset(stream)
            return False
        if end.kind == "stall":
            assert end.seconds is not None
            await anyio.sleep(end.seconds)  # its length, whatever the speed: a timeout ends it
            return False
        await stream.send(conn.send(h11.EndOfMessage()))
        return conn.our_state is h11.DONE and conn.their_state is h11.DONE

    async def _wait_until(self, started: float, at: float) -> None:
        if self._speed > 0:
            delay = started + at / self._speed - anyio.current_time()
            if delay > 0:
                await anyio.sleep(delay)


async def _next_event(stream: anyio.abc.SocketStream, conn: h11.Connection) -> object:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        try:
            data = await stream.receive()
        except anyio.EndOfStream:
            data = b""
        conn.receive_data(data)


def _target(head: h11.Request) -> str:
    return head.target.decode("latin-1")


def _request(head: h11.Request, body: bytes) -> HttpRequest:
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers)
    host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
    target = _target(head)
    url = target if target.startswith(("http://", "https://")) else f"http://{host}{target}"
    return HttpRequest(head.method.decode("ascii"), url, headers, body)


async def _send_json(
    stream: anyio.abc.SocketStream, conn: h11.Connection, status: int, document: object
) -> None:
    body = json.dumps(document, indent=2).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    await stream.send(conn.send(h11.Response(status_code=status, headers=headers)))
    await stream.send(conn.send(h11.Data(data=body)))
    await stream.send(conn.send(h11.EndOfMessage()))


def _reset(stream: anyio.abc.SocketStream) -> None:
    # SO_LINGER 0: closing sends RST, as the recorded connection broke.
    raw: socket.socket = stream.extra(anyio.abc.SocketAttribute.raw_socket)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
