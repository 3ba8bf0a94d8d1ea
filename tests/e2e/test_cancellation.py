"""Cancellation at any point of a call closes its connection and leaves nothing behind.

A call is cancelled while connecting, while waiting for the response head,
in the middle of the body and while the caller holds the stream between two
events; by an anyio cancel scope (on asyncio and on trio) and by asyncio's
``Task.cancel()``. After each, no task of ours is left running, no client
socket to the server is left open, and the same client's next call works.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import anyio
import pytest
import trustme

from hfclient.client import InferenceProviders
from hfclient.events import TextDelta
from hfclient.exchange import Transport
from hfclient.transport.anyio_h11 import AnyioH11Transport
from hfclient.transport.curl import CurlTransport
from tests.e2e.fakes import json_answer, parts, stream
from tests.e2e.test_faults import MODEL, TEXT, router
from tests.e2e.test_router_e2e import CEREBRAS, MAPPING, MAPPING_PATH, MESSAGES, SSE, STREAM
from tests.transport.servers import Gate, HttpServer, ReceivedRequest, Response

pytestmark = pytest.mark.anyio

# (event loop, transport): curl_cffi runs on asyncio only.
RUNS = [("asyncio", "anyio"), ("trio", "anyio"), ("asyncio", "curl")]


@pytest.fixture(params=RUNS, ids=["-".join(run) for run in RUNS])
def run(request: pytest.FixtureRequest) -> tuple[str, str]:
    """One event loop and transport pair."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(run: tuple[str, str]) -> str:
    """The event loop of :func:`run`."""
    return run[0]


@pytest.fixture
async def transport(
    run: tuple[str, str], client_ssl_context: object, ca: trustme.CA, tmp_path: Path
) -> AsyncIterator[Transport]:
    """The transport of :func:`run`, trusting the test CA only."""
    made: Transport
    if run[1] == "anyio":
        made = AnyioH11Transport(verify=client_ssl_context, proxy=None)  # type: ignore[arg-type]
    else:
        pem = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(pem))
        made = CurlTransport(verify=str(pem), proxy=None)
    try:
        yield made
    finally:
        await made.aclose()


class Script:
    """The router's answers, with a hold before the provider's head or inside its body."""

    def __init__(self, *, hold_head: bool = False, hold_body: bool = False) -> None:
        self.head = threading.Event()  # the provider's request arrived
        self.release = threading.Event()  # the test lets the held answer go on
        self.body_gate = Gate()
        self._hold_head = hold_head
        self._hold_body = hold_body
        self._calls = 0

    def __call__(self, request: ReceivedRequest) -> Response:
        if request.target.split("?")[0] == MAPPING_PATH:
            return json_answer(MAPPING)
        assert request.target == CEREBRAS, request.target
        self._calls += 1
        if self._calls > 1:
            return stream(STREAM, content_type=SSE)  # the call after the cancelled one
        self.head.set()
        if self._hold_head:
            self.release.wait(10)
        body: list[bytes | Gate] = list(parts(STREAM))
        if self._hold_body:
            body.insert(len(body) - 1, self.body_gate)  # the answer's end waits
        return Response(headers=[("Content-Type", SSE)], body=body, framing="chunked")

    def finish(self) -> None:
        """Let every held answer go on (the server thread then sees the closed socket)."""
        self.release.set()
        self.body_gate.open()


def sockets_to(port: int) -> int:
    """How many of this process's open sockets are connected to ``port`` as the client."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed while we looked
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[9] in inodes and fields[3] != "07":
                    count += 1
    return count


async def settle(port: int) -> int:
    """The client sockets to ``port`` once closing ones had a moment to go."""
    for _ in range(50):
        if sockets_to(port) == 0:
            return 0
        await anyio.sleep(0.02)
    return sockets_to(port)


def our_tasks() -> set[tuple[int, str]]:
    """The tasks running now (id and coroutine), besides the test's own.

    curl_cffi's session keeps one timer task (``AsyncCurl._force_timeout``) for
    its whole life, ended by the transport's ``aclose()``: that one is not a
    leak of the call.
    """
    current = anyio.get_current_task().id
    running = {
        (task.id, getattr(task.coro, "__qualname__", repr(task.coro)))
        for task in anyio.get_running_tasks()
        if task.id != current
    }
    return {task for task in running if task[1] != "AsyncCurl._force_timeout"}


async def cancel_while(
    call: Callable[[], Awaitable[None]], reached: Callable[[], Awaitable[None]], how: str
) -> None:
    """Run ``call``; once ``reached`` returns, cancel it ``how``; wait for it to end."""
    if how == "task":
        task = asyncio.ensure_future(call())
        await reached()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return
    async with anyio.create_task_group() as group:
        group.start_soon(call)
        await reached()
        group.cancel_scope.cancel()


@pytest.fixture(params=["scope", "task"])
def how(request: pytest.FixtureRequest, anyio_backend: str) -> str:
    """How the call is cancelled: an anyio cancel scope, or ``asyncio.Task.cancel``."""
    if request.param == "task" and anyio_backend != "asyncio":
        pytest.skip("Task.cancel is asyncio's")
    return request.param  # type: ignore[no-any-return]


async def check_clean(
    client: InferenceProviders, server: HttpServer, before: set[tuple[int, str]], script: Script
) -> None:
    script.finish()
    assert await settle(server.port) == 0
    assert our_tasks() <= before
    completion = await client.complete(MESSAGES, model=MODEL)
    assert completion.text == TEXT


@pytest.fixture
def server(https_server: HttpServer) -> HttpServer:
    """The HTTPS origin the router and the Hub both live on."""
    return https_server


async def test_cancelled_waiting_for_the_head(
    server: HttpServer, transport: Transport, how: str
) -> None:
    script = Script(hold_head=True)
    server.handler = script
    client = router(server, transport)
    before = our_tasks()

    async def call() -> None:
        await client.complete(MESSAGES, model=MODEL)

    async def reached() -> None:
        await anyio.to_thread.run_sync(script.head.wait, 10)

    await cancel_while(call, reached, how)
    await check_clean(client, server, before, script)


async def test_cancelled_in_the_middle_of_the_body(
    server: HttpServer, transport: Transport, how: str
) -> None:
    script = Script(hold_body=True)
    server.handler = script
    client = router(server, transport)
    before = our_tasks()
    first = anyio.Event()
    seen: list[object] = []

    async def call() -> None:
        async with client.stream(MESSAGES, model=MODEL) as events:
            async for event in events:
                seen.append(event)
                first.set()

    await cancel_while(call, first.wait, how)
    assert seen  # what arrived before the cancellation was the caller's
    await check_clean(client, server, before, script)


async def test_cancelled_while_the_caller_holds_the_stream(
    server: HttpServer, transport: Transport, how: str
) -> None:
    script = Script(hold_body=True)
    server.handler = script
    client = router(server, transport)
    before = our_tasks()
    text = anyio.Event()

    async def call() -> None:
        async with client.stream(MESSAGES, model=MODEL) as events:
            async for event in events:
                if isinstance(event, TextDelta):
                    text.set()
                    await anyio.sleep_forever()  # the caller's own slow work

    await cancel_while(call, text.wait, how)
    await check_clean(client, server, before, script)


async def test_cancelled_while_connecting(
    server: HttpServer, transport: Transport, how: str
) -> None:
    # A listener that never accepts: TCP connects, the TLS handshake waits forever.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        stalled = InferenceProviders(
            api_key="hf_cancel_secret",
            base_url=f"https://localhost:{port}",
            hub_url=f"https://localhost:{port}",
            transport=transport,
            max_retries=0,
        )
        before = our_tasks()

        async def call() -> None:
            await stalled.complete(MESSAGES, model=MODEL)

        async def reached() -> None:
            while sockets_to(port) == 0:
                await anyio.sleep(0.01)

        await cancel_while(call, reached, how)
        assert await settle(port) == 0
        assert our_tasks() <= before
    script = Script()
    server.handler = script
    # The same transport then carries a call to a server that answers.
    assert (await router(server, transport).complete(MESSAGES, model=MODEL)).text == TEXT
