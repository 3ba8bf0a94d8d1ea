"""A connection whose peer said more than it was asked never carries the next exchange."""

from __future__ import annotations

import ssl

import anyio
import pytest

from codec.http import HttpRequest
from hfclient.transport.anyio_h11 import AnyioH11Transport

from .exchange_helpers import collect
from .servers import HttpServer, Response

pytestmark = pytest.mark.anyio

INJECTED = (
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ninjected"
)


def get(url: str) -> HttpRequest:
    return HttpRequest("GET", url)


async def test_bytes_past_the_body_are_not_the_next_answer(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    answers = iter([Response(raw=INJECTED), Response(body=[b"fresh"])])
    http_server.handler = lambda _: next(answers)
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        first = await collect(t, get(http_server.url))
        second = await collect(t, get(http_server.url))
    assert first.body == b"ok"
    assert second.body == b"fresh"  # not b"injected"
    assert http_server.connection_count == 2


async def test_an_idle_connection_that_became_readable_is_not_reused(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(body=[b"ok"], close_after=True)
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        await collect(t, get(http_server.url))
        assert await anyio.to_thread.run_sync(http_server.wait_finished, 1)
        # The server closed it while idle: a POST must not be the request that finds out.
        await collect(t, HttpRequest("POST", http_server.url, body=b"once"))
    methods = [(r.method, r.connection) for r in http_server.requests]
    assert methods == [("GET", 0), ("POST", 1)]


async def test_a_gzip_bomb_inflates_in_bounded_pieces(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    from hfclient.transport._decoding import PIECE_LIMIT

    size = 8 * 1024 * 1024  # one compressed write of a few KiB
    http_server.handler = lambda _: Response(body=[bytes(size)], encoding="gzip")
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        got = await collect(t, get(http_server.url))
    assert sum(len(c) for c in got.chunks) == size
    assert max(len(c) for c in got.chunks) <= PIECE_LIMIT
    assert len(got.chunks) >= size // PIECE_LIMIT
