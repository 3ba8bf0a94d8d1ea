"""AnyioH11Transport, one exchange at a time: requests, bodies, codings, failures, timeouts."""

from __future__ import annotations

import gzip
import socket
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
import trustme

from codec.http import HttpRequest
from hfclient.errors import (
    ConnectError,
    LocalProtocolError,
    ReadError,
    RemoteProtocolError,
    TransportTimeout,
)
from hfclient.timeouts import Timeout
from hfclient.transport.anyio_h11 import DEFAULT_USER_AGENT, AnyioH11Transport

from .exchange_helpers import Collected, collect, get
from .servers import Gate, HttpServer, Response

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["http", "https"])
def server(
    request: pytest.FixtureRequest, http_server: HttpServer, https_server: HttpServer
) -> HttpServer:
    """The plain and the TLS origin, in turn."""
    return http_server if request.param == "http" else https_server


def transport(context: ssl.SSLContext, **options: Any) -> AnyioH11Transport:
    """A transport that trusts the test CA and ignores proxy settings."""
    return AnyioH11Transport(verify=context, proxy=None, **options)


async def test_get(server: HttpServer, client_ssl_context: ssl.SSLContext) -> None:
    server.handler = lambda _: Response(status=203, headers=[("X-Kind", "Test")], body=[b"hi"])
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(f"{server.url}/path/x?q=1&r=%20"))
    assert got.started is not None
    assert (got.started.status, got.started.reason) == (203, "Non-Authoritative Information")
    assert ("X-Kind", "Test") in got.started.headers  # names keep the server's case
    assert (got.body, got.ended) == (b"hi", True)
    [seen] = server.requests
    assert (seen.method, seen.target) == ("GET", "/path/x?q=1&r=%20")
    assert seen.header("host") == server.url.split("://")[1]
    assert seen.header("user-agent") == DEFAULT_USER_AGENT
    assert seen.header("accept-encoding") == "gzip, deflate"
    assert seen.header("content-length") is None
    if server.url.startswith("https"):
        assert server.server_names == ["localhost"]  # SNI


async def test_post(server: HttpServer, client_ssl_context: ssl.SSLContext) -> None:
    request = HttpRequest(
        "POST",
        f"{server.url}/api",
        headers=(("Content-Type", "application/json"), ("Content-Length", "999")),
        body=b'{"inputs":"hello"}',
    )
    async with transport(client_ssl_context) as t:
        got = await collect(t, request)
    assert got.body == b"ok"
    [seen] = server.requests
    assert (seen.method, seen.body) == ("POST", b'{"inputs":"hello"}')
    assert seen.header("content-type") == "application/json"
    # The transport frames the body itself: the caller's stale Content-Length is dropped.
    assert [v for k, v in seen.headers if k.lower() == "content-length"] == ["18"]


async def test_empty_post_announces_its_length(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    async with transport(client_ssl_context) as t:
        await collect(t, HttpRequest("POST", http_server.url))
    assert http_server.requests[0].header("content-length") == "0"


async def test_caller_headers_win_over_defaults(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    request = get(http_server.url, ("user-agent", "Mozilla/5.0"), ("Accept-Encoding", "identity"))
    async with transport(client_ssl_context, user_agent="unused/1") as t:
        await collect(t, request)
    [seen] = http_server.requests
    assert [v for k, v in seen.headers if k.lower() == "user-agent"] == ["Mozilla/5.0"]
    assert [v for k, v in seen.headers if k.lower() == "accept-encoding"] == ["identity"]


async def test_untrusted_certificate_is_a_connect_error(client_ssl_context: ssl.SSLContext) -> None:
    stranger = trustme.CA().issue_cert("localhost")
    with HttpServer(tls=stranger, host="localhost") as server:
        async with transport(client_ssl_context) as t:
            with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED") as caught:
                await collect(t, get(server.url))
            assert t.pool_stats() == {}
    assert f"localhost:{server.port}" in str(caught.value)
    assert server.requests == []


async def test_certificate_for_another_host_is_a_connect_error(
    ca: trustme.CA, client_ssl_context: ssl.SSLContext
) -> None:
    with HttpServer(tls=ca.issue_cert("example.org"), host="localhost") as server:
        async with transport(client_ssl_context) as t:
            with pytest.raises(ConnectError, match="localhost"):
                await collect(t, get(server.url))
    assert server.requests == []


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
@pytest.mark.parametrize("encoding", ["identity", "gzip", "deflate", "raw-deflate"])
async def test_body_chunks_arrive_as_flushed(
    server: HttpServer, client_ssl_context: ssl.SSLContext, framing: Any, encoding: Any
) -> None:
    gates = [Gate(), Gate()]
    server.handler = lambda _: Response(
        body=[b"alpha ", gates[0], b"beta ", gates[1], b"gamma"],
        framing=framing,
        encoding=encoding,
    )
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(server.url), gates=gates)
    # Each part was flushed alone and the next only after the client had it: one chunk each,
    # decoded as it came (a gzip body would otherwise arrive as one chunk at the end).
    assert got.chunks == [b"alpha ", b"beta ", b"gamma"]
    assert got.ended


async def test_content_length_body(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(body=[b"hello, ", b"world"])
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(http_server.url))
    assert got.started is not None
    assert got.started.header("content-length") == "12"
    assert (got.body, got.ended) == (b"hello, world", True)


async def test_body_until_close(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(body=[b"no ", b"framing"], framing="eof")
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(http_server.url))
        assert t.pool_stats() == {}  # a body ended by EOF leaves no reusable connection
    assert (got.body, got.ended) == (b"no framing", True)


async def test_gzip_body_in_one_piece(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    text = b"".join(b"line %d\n" % n for n in range(5000))
    http_server.handler = lambda _: Response(
        headers=[("Content-Encoding", "gzip")], body=[gzip.compress(text)]
    )
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(http_server.url))
    assert got.body == text


async def test_unknown_coding_is_left_alone(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(
        headers=[("Content-Encoding", "br")], body=[b"\x1b\x00"]
    )
    async with transport(client_ssl_context) as t:
        got = await collect(t, get(http_server.url, ("Accept-Encoding", "br")))
    assert got.body == b"\x1b\x00"


async def test_corrupt_gzip_is_a_remote_protocol_error(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(
        headers=[("Content-Encoding", "gzip")], body=[b"this is not gzip"]
    )
    async with transport(client_ssl_context) as t:
        with pytest.raises(RemoteProtocolError, match=f"127.0.0.1:{http_server.port}"):
            await collect(t, get(http_server.url))
        assert t.pool_stats() == {}


@pytest.mark.parametrize("ending", ["reset", "eof"])
async def test_cut_mid_stream_gives_the_chunks_then_read_error(
    server: HttpServer, client_ssl_context: ssl.SSLContext, ending: Any
) -> None:
    gates = [Gate(), Gate()]
    server.handler = lambda _: Response(
        body=[b"one", gates[0], b"two", gates[1]],
        framing="chunked",
        ending=ending,
    )
    got = Collected()
    async with transport(client_ssl_context) as t:
        with pytest.raises(ReadError) as caught:
            await collect(t, get(server.url), gates=gates, into=got)
        assert t.pool_stats() == {}
    assert (got.chunks, got.ended) == ([b"one", b"two"], False)
    assert f":{server.port}" in str(caught.value)


async def test_fresh_connection_closed_before_answering_is_not_retried(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(raw=b"")
    async with transport(client_ssl_context) as t:
        with pytest.raises(ReadError, match="closed the connection"):
            await collect(t, get(http_server.url))
    assert len(http_server.requests) == 1


async def test_malformed_response_is_a_remote_protocol_error(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    http_server.handler = lambda _: Response(raw=b"HTTP/1.1 two hundred\r\n\r\n")
    async with transport(client_ssl_context) as t:
        with pytest.raises(RemoteProtocolError, match=f"127.0.0.1:{http_server.port}"):
            await collect(t, get(http_server.url))
        assert t.pool_stats() == {}


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: connecting is refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_connection_refused_is_a_connect_error(
    refusing_port: int, client_ssl_context: ssl.SSLContext
) -> None:
    async with transport(client_ssl_context) as t:
        with pytest.raises(ConnectError, match=f"127.0.0.1:{refusing_port}") as caught:
            await collect(t, get(f"http://127.0.0.1:{refusing_port}/"))
        assert t.pool_stats() == {}
    assert not isinstance(caught.value, TransportTimeout)


async def test_read_timeout(http_server: HttpServer, client_ssl_context: ssl.SSLContext) -> None:
    never = Gate()
    http_server.handler = lambda _: Response(
        body=[b"first", never, b"never sent"], framing="chunked"
    )
    got = Collected()
    async with transport(client_ssl_context, timeout=Timeout(read=0.5)) as t:
        with pytest.raises(TransportTimeout, match="reading the response") as caught:
            await collect(t, get(http_server.url), into=got)
        assert t.pool_stats() == {}
    assert got.chunks == [b"first"]
    assert isinstance(caught.value, TimeoutError)


async def test_total_timeout_bounds_a_trickling_body(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    stalled = Gate()
    http_server.handler = lambda _: Response(body=[b"first", stalled], framing="chunked")
    async with transport(client_ssl_context, timeout=Timeout(read=None, total=0.3)) as t:
        with pytest.raises(TransportTimeout):
            await collect(t, get(http_server.url))


async def test_header_injection_is_refused_without_echoing_the_value(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    request = get(http_server.url, ("Authorization", "Bearer hf_secret\r\nX-Evil: 1"))
    async with transport(client_ssl_context) as t:
        with pytest.raises(LocalProtocolError) as caught:
            await collect(t, request)
        assert t.pool_stats() == {}
    assert "hf_secret" not in str(caught.value)
    assert "hf_secret" not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None  # what tracebacks and error reporters walk
    assert http_server.requests == []


async def test_unsupported_scheme(client_ssl_context: ssl.SSLContext) -> None:
    async with transport(client_ssl_context) as t:
        with pytest.raises(ConnectError, match="ftp"):
            await collect(t, get("ftp://user:pw@example.org/"))


async def test_events_in_order(http_server: HttpServer, client_ssl_context: ssl.SSLContext) -> None:
    async with transport(client_ssl_context) as t:
        kinds = [type(event).__name__ async for event in t.open(get(http_server.url))]
    assert kinds == ["ResponseStarted", "BodyChunk", "BodyEnded"]
