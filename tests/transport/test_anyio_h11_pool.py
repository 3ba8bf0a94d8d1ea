"""AnyioH11Transport's keep-alive pool: reuse, limits, and what early exits leave behind."""

from __future__ import annotations

import ssl
from contextlib import aclosing
from typing import Any

import anyio
import pytest

from codec.http import HttpRequest
from hfclient.errors import ConnectError, PoolTimeout, TransportTimeout
from hfclient.exchange import BodyChunk
from hfclient.timeouts import Timeout
from hfclient.transport.anyio_h11 import AnyioH11Transport, OriginStats

from .exchange_helpers import collect, get
from .servers import Gate, HttpServer, Response

pytestmark = pytest.mark.anyio


def transport(context: ssl.SSLContext, **options: Any) -> AnyioH11Transport:
    """A transport that trusts the test CA and ignores proxy settings."""
    return AnyioH11Transport(verify=context, proxy=None, **options)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_keep_alive_reuses_the_connection(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext, framing: Any
) -> None:
    http_server.handler = lambda _: Response(body=[b"ok"], framing=framing)
    async with transport(client_ssl_context) as t:
        first = await collect(t, get(f"{http_server.url}/1"))
        assert t.pool_stats() == {http_server.url: OriginStats(idle=1, in_use=0)}
        second = await collect(t, get(f"{http_server.url}/2"))
    assert first.body == second.body == b"ok"
    assert [r.connection for r in http_server.requests] == [0, 0]
    assert http_server.connection_count == 1


async def test_keep_alive_over_tls(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    async with transport(client_ssl_context) as t:
        for _ in range(3):
            await collect(t, get(https_server.url))
    assert https_server.connection_count == 1


async def test_connection_close_is_not_reused(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(body=[b"bye"], keep_alive=False)
    async with transport(client_ssl_context) as t:
        await collect(t, get(http_server.url))
        assert t.pool_stats() == {}
        await collect(t, get(http_server.url))
    assert http_server.connection_count == 2


async def test_no_reuse_after_leaving_early(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    held = Gate()
    http_server.handler = lambda r: Response(
        body=[b"part one", held, b"part two"] if r.target == "/long" else [b"ok"],
        framing="chunked",
    )
    async with transport(client_ssl_context) as t:
        async with aclosing(t.open(get(f"{http_server.url}/long"))) as events:
            async for event in events:
                if isinstance(event, BodyChunk):
                    break
        # A half-read connection is closed, never pooled.
        assert t.pool_stats() == {}
        held.open()
        assert (await collect(t, get(http_server.url))).body == b"ok"
    assert [r.connection for r in http_server.requests] == [0, 1]


# Trio warns about async generators left to the garbage collector (use aclosing!); the
# point here is that even then the connection is not handed out again.
@pytest.mark.filterwarnings("ignore:Async generator .* was garbage collected:ResourceWarning")
async def test_plain_break_does_not_pool_the_connection(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    # Without aclosing the generator closes whenever it is collected; until then the
    # connection counts as in use, so the next request must not get it either way.
    held = Gate()
    http_server.handler = lambda r: Response(
        body=[b"part one", held] if r.target == "/long" else [b"ok"], framing="chunked"
    )
    async with transport(client_ssl_context) as t:
        async for event in t.open(get(f"{http_server.url}/long")):
            if isinstance(event, BodyChunk):
                break
        await collect(t, get(http_server.url))
        held.open()
    assert [r.connection for r in http_server.requests] == [0, 1]


async def test_cancellation_mid_body_closes_the_connection(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    stalled = Gate()
    http_server.handler = lambda _: Response(body=[b"first", stalled, b"late"], framing="chunked")
    got_first = anyio.Event()
    chunks: list[bytes] = []

    async def consume(t: AnyioH11Transport) -> None:
        async for event in t.open(get(http_server.url)):
            if isinstance(event, BodyChunk):
                chunks.append(event.data)
                got_first.set()

    async with transport(client_ssl_context) as t:
        async with anyio.create_task_group() as tg:
            tg.start_soon(consume, t)
            await got_first.wait()
            tg.cancel_scope.cancel()  # the consumer is cancelled inside its next read
        assert chunks == [b"first"]
        assert t.pool_stats() == {}
        # The server learns the connection is gone once it writes again and reads on.
        stalled.open()
        assert await anyio.to_thread.run_sync(http_server.wait_finished, 1)
        await collect(t, get(http_server.url))
    assert http_server.connection_count == 2


async def test_server_closing_an_idle_connection_is_retried_once(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(body=[b"ok"], close_after=True)
    async with transport(client_ssl_context) as t:
        await collect(t, get(http_server.url))
        assert t.pool_stats()[http_server.url].idle == 1
        # The server has dropped it (without saying so) before the client reuses it.
        assert await anyio.to_thread.run_sync(http_server.wait_finished, 1)
        got = await collect(t, HttpRequest("POST", http_server.url, body=b"payload"))
    assert got.body == b"ok"
    assert [(r.method, r.connection) for r in http_server.requests] == [("GET", 0), ("POST", 1)]


async def test_waits_for_a_free_slot_then_reuses_it(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    held = Gate()
    http_server.handler = lambda r: Response(
        body=[b"a", held, b"b"] if r.target == "/long" else [b"ok"], framing="chunked"
    )
    got_first = anyio.Event()
    results: dict[str, bytes] = {}

    async def long_exchange(t: AnyioH11Transport) -> None:
        async for event in t.open(get(f"{http_server.url}/long")):
            if isinstance(event, BodyChunk):
                results["long"] = results.get("long", b"") + event.data
                got_first.set()

    async def short_exchange(t: AnyioH11Transport) -> None:
        results["short"] = (await collect(t, get(f"{http_server.url}/short"))).body

    async with (
        transport(client_ssl_context, max_connections_per_origin=1) as t,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(long_exchange, t)
        await got_first.wait()
        tg.start_soon(short_exchange, t)
        await anyio.wait_all_tasks_blocked()  # the short exchange now waits for the slot
        assert "short" not in results
        assert t.pool_stats() == {http_server.url: OriginStats(idle=0, in_use=1)}
        held.open()
    assert results == {"long": b"ab", "short": b"ok"}
    assert [r.connection for r in http_server.requests] == [0, 0]


async def test_waiting_for_a_slot_is_its_own_timeout(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    held = Gate()
    http_server.handler = lambda _: Response(body=[b"a", held], framing="chunked")
    # A connect timeout far longer than the pool's: the wait must end on the pool's.
    limits = Timeout(connect=60, pool=0.2)
    async with transport(client_ssl_context, max_connections_per_origin=1, timeout=limits) as t:
        async with aclosing(t.open(get(http_server.url))) as holding:
            async for event in holding:
                if isinstance(event, BodyChunk):
                    with pytest.raises(PoolTimeout) as caught:
                        await collect(t, get(f"{http_server.url}/second?q=1"))
                    break
        held.open()
    message = str(caught.value)
    assert message.startswith(f"no free connection to {http_server.url} within 0.2 s")
    assert f"for {http_server.url}/second?q=1" in message
    assert "(1 in use; raise max_connections_per_origin)" in message
    assert "connecting" not in message
    assert isinstance(caught.value, TransportTimeout)
    assert http_server.connection_count == 1


async def test_waiting_on_the_total_limit_names_it(client_ssl_context: ssl.SSLContext) -> None:
    held = Gate()
    with HttpServer() as one, HttpServer() as two:
        one.handler = lambda _: Response(body=[b"a", held], framing="chunked")
        # A connect timeout far longer than the pool's: the wait must end on the pool's.
        limits = Timeout(connect=60, pool=0.2)
        async with transport(client_ssl_context, max_connections=1, timeout=limits) as t:
            async with aclosing(t.open(get(one.url))) as holding:
                async for event in holding:
                    if isinstance(event, BodyChunk):
                        with pytest.raises(PoolTimeout, match=r"raise max_connections\)"):
                            await collect(t, get(two.url))
                        break
            held.open()
        assert two.connection_count == 0


async def test_total_limit_evicts_an_idle_connection_of_another_origin(
    client_ssl_context: ssl.SSLContext,
) -> None:
    with HttpServer() as one, HttpServer() as two:
        async with transport(client_ssl_context, max_connections=1) as t:
            await collect(t, get(one.url))
            await collect(t, get(two.url))
            assert t.pool_stats() == {two.url: OriginStats(idle=1, in_use=0)}
            assert await anyio.to_thread.run_sync(one.wait_finished, 1)


async def test_aclose_closes_pooled_connections(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    t = transport(client_ssl_context)
    await collect(t, get(http_server.url))
    assert t.pool_stats() == {http_server.url: OriginStats(idle=1, in_use=0)}
    await t.aclose()
    assert t.pool_stats() == {}
    assert await anyio.to_thread.run_sync(http_server.wait_finished, 1)
    with pytest.raises(ConnectError, match="closed"):
        await collect(t, get(http_server.url))
