"""The connection with our body framer: reads, errors after data, and when it is reused.

A scripted byte stream plays the server, one ``receive`` per scripted piece,
so every read boundary is the test's choice.
"""

from __future__ import annotations

import ssl
import traceback
from collections.abc import Sequence

import anyio
import pytest
from anyio.abc import ByteStream

from codec.http import HttpRequest
from hfclient.errors import ReadError, RemoteProtocolError
from hfclient.transport._connection import H11Connection
from hfclient.transport._origin import Origin
from hfclient.transport.anyio_h11 import AnyioH11Transport

from .exchange_helpers import Collected, collect
from .servers import HttpServer, Response

pytestmark = pytest.mark.anyio

SECRET = "hf_PlantedInAMalformedBody0123456789"
CHUNKED = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"


class Scripted(ByteStream):
    """A peer that answers each ``receive`` with the next scripted piece, then EOF."""

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self.pieces = list(pieces)
        self.sent: list[bytes] = []

    async def receive(self, max_bytes: int = 65536) -> bytes:
        if not self.pieces:
            raise anyio.EndOfStream
        return self.pieces.pop(0)

    async def send(self, item: bytes) -> None:
        self.sent.append(bytes(item))

    async def send_eof(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def exchange(
    conn: H11Connection, method: str = "GET", headers: Sequence[tuple[str, str]] = ()
) -> list[bytes]:
    """One request on ``conn``: the body reads, in order."""
    await conn.send(method, "/", [("Host", "example"), *headers], b"", None)
    await conn.read_response(None)
    reads = []
    while (data := await conn.read_body(None)) is not None:
        reads.append(data)
    return reads


def connection(*pieces: bytes) -> H11Connection:
    return H11Connection(Scripted(pieces), Origin("http", "example", 80))


async def test_the_bytes_read_with_the_head_and_each_read_after_go_up_as_one_piece() -> None:
    conn = connection(CHUNKED + b"5\r\nhello\r\n1\r\n \r\n", b"5\r\nworld\r\n0\r\n\r\n")
    assert await exchange(conn) == [b"hello ", b"world"]
    assert conn.start_next_cycle()


@pytest.mark.parametrize(
    ("answer", "method"),
    [
        (CHUNKED + b"5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n", "GET"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "GET"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD"),
        (b"HTTP/1.1 204 No Content\r\n\r\n", "DELETE"),
        (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n", "GET"),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET"),
    ],
    ids=["chunked", "length", "head", "204", "304", "after-100"],
)
async def test_a_body_that_ended_cleanly_leaves_the_connection_reusable(
    answer: bytes, method: str
) -> None:
    second = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"
    conn = connection(answer, second)
    await exchange(conn, method)
    assert conn.start_next_cycle()
    assert await exchange(conn) == [b"next"]  # a fresh h11 machine for the next request
    assert conn.start_next_cycle()


@pytest.mark.parametrize(
    ("answer", "method", "headers"),
    [
        (CHUNKED + b"2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n", "GET", ()),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1", "GET", ()),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokX", "HEAD", ()),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", ()),
        (
            b"HTTP/1.1 200 OK\r\nConnection: keep-alive, CLOSE\r\nContent-Length: 2\r\n\r\nok",
            "GET",
            (),
        ),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", (("Connection", "Close"),)),
        (b"HTTP/1.1 200 OK\r\n\r\nuntil the close", "GET", ()),
    ],
    ids=["after-chunked", "after-length", "head-with-body", "http/1.0", "close", "we-close", "eof"],
)
async def test_a_connection_someone_asked_to_close_or_with_bytes_past_the_body_is_not_reused(
    answer: bytes, method: str, headers: Sequence[tuple[str, str]]
) -> None:
    conn = connection(answer)
    await exchange(conn, method, headers)
    assert not conn.start_next_cycle()


async def test_a_body_not_read_to_its_end_is_not_reused() -> None:
    conn = connection(CHUNKED + b"5\r\nhello\r\n", b"0\r\n\r\n")
    await conn.send("GET", "/", [("Host", "example")], b"", None)
    await conn.read_response(None)
    assert await conn.read_body(None) == b"hello"
    assert not conn.start_next_cycle()


async def test_a_framing_error_comes_after_the_data_before_it_and_never_quotes_the_body() -> None:
    conn = connection(CHUNKED + b"5\r\nhello\r\n" + SECRET.encode() + b"\r\n")
    await conn.send("GET", "/", [("Host", "example")], b"", None)
    await conn.read_response(None)
    assert await conn.read_body(None) == b"hello"
    with pytest.raises(RemoteProtocolError, match="chunk-size line at body offset 10") as caught:
        await conn.read_body(None)
    assert SECRET not in "".join(traceback.format_exception(caught.value))
    assert not conn.start_next_cycle()


async def test_a_body_cut_short_is_a_read_error_after_what_arrived() -> None:
    conn = connection(CHUNKED + b"5\r\nhello\r\n3\r\nab")
    await conn.send("GET", "/", [("Host", "example")], b"", None)
    await conn.read_response(None)
    assert await conn.read_body(None) == b"helloab"
    with pytest.raises(ReadError, match="closed the connection"):
        await conn.read_body(None)
    assert not conn.start_next_cycle()


async def test_over_the_transport_a_malformed_chunk_is_a_protocol_error_without_the_body(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    raw = CHUNKED + b"5\r\nhello\r\n" + f"{len(SECRET):x}\r\n{SECRET}XX".encode()
    http_server.handler = lambda _: Response(raw=raw)
    found = Collected()
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        with pytest.raises(RemoteProtocolError, match="not followed by CRLF") as caught:
            await collect(t, HttpRequest("GET", http_server.url), into=found)
    assert found.body == b"hello" + SECRET.encode()  # the payload went up first
    assert SECRET not in "".join(traceback.format_exception(caught.value))
