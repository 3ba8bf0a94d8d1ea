"""CurlTransport against the local servers: exchanges, bodies, failures, timeouts, proxies.

curl_cffi's AsyncSession runs on asyncio only, so every async test here runs under
asyncio; one test checks the clear error under trio.
"""

from __future__ import annotations

import base64
import gzip
import importlib
import socket
import ssl
import sys
import threading
from collections.abc import Iterator
from contextlib import aclosing
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import pytest
import trustme

pytest.importorskip("curl_cffi")

from codec.http import HttpRequest
from hfclient.errors import (
    ConnectError,
    LocalProtocolError,
    PoolTimeout,
    ProxyError,
    ReadError,
    RemoteProtocolError,
    TransportTimeout,
)
from hfclient.exchange import BodyChunk, ResponseStarted
from hfclient.timeouts import Timeout
from hfclient.transport.curl import CurlTransport

from .exchange_helpers import Collected, collect, get
from .servers import ConnectProxy, Gate, HttpServer, Response

pytestmark = pytest.mark.anyio

USER, PASSWORD = "alice", "pa:ss w0rd/secret"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


@pytest.fixture
def anyio_backend() -> str:
    """curl_cffi's AsyncSession needs asyncio: no trio run for these tests."""
    return "asyncio"


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test CA as a PEM file, the form curl takes for ``verify``."""
    path = tmp_path_factory.mktemp("curl") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(params=["http", "https"])
def server(
    request: pytest.FixtureRequest, http_server: HttpServer, https_server: HttpServer
) -> HttpServer:
    """The plain and the TLS origin, in turn."""
    return http_server if request.param == "http" else https_server


def transport(ca_file: str, **options: Any) -> CurlTransport:
    """A transport that trusts the test CA only and, unless told, uses no proxy."""
    options.setdefault("proxy", None)
    return CurlTransport(verify=ca_file, **options)


async def finished(server: HttpServer | ConnectProxy, count: int = 1) -> bool:
    """Whether the server is done with ``count`` connections (closed by either side)."""
    return await anyio.to_thread.run_sync(server.wait_finished, count)


def proxy_url(proxy: ConnectProxy) -> str:
    """The proxy URL with credentials, percent-encoded as a URL needs them."""
    return proxy.url_with_credentials(USER, "pa%3Ass%20w0rd%2Fsecret")


def error_texts(error: BaseException) -> list[str]:
    """str and repr of an error and of every error chained to it (what a traceback shows)."""
    texts: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return texts


def assert_no_credentials(*texts: str) -> None:
    for text in texts:
        for secret in (PASSWORD, "pa%3Ass", BASIC.split()[1], "secret"):
            assert secret not in text


# --- exchanges ---------------------------------------------------------------------------


async def test_get(server: HttpServer, ca_file: str) -> None:
    server.handler = lambda _: Response(status=203, headers=[("X-Kind", "Test")], body=[b"hi"])
    async with transport(ca_file) as t:
        got = await collect(t, get(f"{server.url}/path/x?q=1&r=%20"))
    assert got.started is not None
    assert (got.started.status, got.started.reason) == (203, "Non-Authoritative Information")
    assert ("X-Kind", "Test") in got.started.headers  # names keep the server's case
    assert (got.body, got.ended) == (b"hi", True)
    [seen] = server.requests
    assert (seen.method, seen.target) == ("GET", "/path/x?q=1&r=%20")
    assert seen.header("host") == server.url.split("://")[1]
    # The browser profile: Chrome's User-Agent and client hints, and its codings.
    assert "Chrome/" in (seen.header("user-agent") or "")
    assert seen.header("sec-ch-ua") is not None
    assert "gzip" in (seen.header("accept-encoding") or "")
    # Chrome never offers an h2c upgrade on plain http (curl would).
    assert seen.header("upgrade") is None
    assert seen.header("content-type") is None
    if server.url.startswith("https"):
        assert server.server_names == ["localhost"]  # SNI


async def test_post(server: HttpServer, ca_file: str) -> None:
    request = HttpRequest(
        "POST",
        f"{server.url}/api",
        headers=(("Content-Type", "application/json"), ("Content-Length", "999")),
        body=b'{"inputs":"hello"}',
    )
    async with transport(ca_file) as t:
        got = await collect(t, request)
    assert got.body == b"ok"
    [seen] = server.requests
    assert (seen.method, seen.target, seen.body) == ("POST", "/api", b'{"inputs":"hello"}')
    assert [v for k, v in seen.headers if k.lower() == "content-type"] == ["application/json"]
    # curl frames the body itself: the caller's stale Content-Length is dropped.
    assert [v for k, v in seen.headers if k.lower() == "content-length"] == ["18"]
    assert seen.header("expect") is None


async def test_post_without_content_type_gets_none(http_server: HttpServer, ca_file: str) -> None:
    async with transport(ca_file) as t:
        await collect(t, HttpRequest("POST", http_server.url))
        await collect(t, HttpRequest("PUT", http_server.url, body=b"raw"))
    empty, raw = http_server.requests
    assert (empty.header("content-length"), empty.header("content-type")) == ("0", None)
    assert (raw.method, raw.body, raw.header("content-type")) == ("PUT", b"raw", None)


async def test_caller_headers_win_over_the_profile(http_server: HttpServer, ca_file: str) -> None:
    request = get(
        http_server.url,
        ("user-agent", "Mozilla/5.0 (test)"),
        ("Accept-Encoding", "identity"),
        ("X-Repeat", "1"),
        ("X-Repeat", "2"),
    )
    async with transport(ca_file) as t:
        await collect(t, request)
    [seen] = http_server.requests
    assert [v for k, v in seen.headers if k.lower() == "user-agent"] == ["Mozilla/5.0 (test)"]
    assert [v for k, v in seen.headers if k.lower() == "accept-encoding"] == ["identity"]
    assert [v for k, v in seen.headers if k.lower() == "x-repeat"] == ["1", "2"]


async def test_url_goes_out_as_written(http_server: HttpServer, ca_file: str) -> None:
    # A signed query must arrive byte for byte: no re-quoting of %7E into "~".
    async with transport(ca_file) as t:
        await collect(t, get(f"{http_server.url}/a%7Eb?x=%7E~&y=%2F"))
    assert http_server.requests[0].target == "/a%7Eb?x=%7E~&y=%2F"


async def test_events_in_order(http_server: HttpServer, ca_file: str) -> None:
    async with transport(ca_file) as t:
        kinds = [type(event).__name__ async for event in t.open(get(http_server.url))]
    assert kinds == ["ResponseStarted", "BodyChunk", "BodyEnded"]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
async def test_response_without_body(http_server: HttpServer, ca_file: str, method: str) -> None:
    http_server.handler = lambda _: Response(status=204)
    async with transport(ca_file) as t:
        kinds = [type(e).__name__ async for e in t.open(HttpRequest(method, http_server.url))]
    assert kinds == ["ResponseStarted", "BodyEnded"]
    assert http_server.requests[0].method == method


async def test_connections_are_kept_alive(http_server: HttpServer, ca_file: str) -> None:
    async with transport(ca_file) as t:
        await collect(t, get(http_server.url))
        await collect(t, get(http_server.url))
    assert [r.connection for r in http_server.requests] == [0, 0]


async def test_redirects_are_not_followed(http_server: HttpServer, ca_file: str) -> None:
    http_server.handler = lambda _: Response(status=302, headers=[("Location", "/elsewhere")])
    async with transport(ca_file) as t:
        got = await collect(t, get(http_server.url))
    assert got.started is not None
    assert (got.started.status, got.started.header("location")) == (302, "/elsewhere")
    assert [r.target for r in http_server.requests] == ["/"]


async def test_cookies_are_only_what_the_request_carries(
    http_server: HttpServer, ca_file: str
) -> None:
    http_server.handler = lambda _: Response(
        headers=[("Set-Cookie", "hf-chat=from-server; Path=/")], body=[b"ok"]
    )
    async with transport(ca_file) as t:
        first = await collect(t, get(http_server.url))
        await collect(t, get(http_server.url))
        await collect(t, get(http_server.url, ("Cookie", "token=mine")))
    assert first.started is not None
    assert first.started.header("set-cookie") == "hf-chat=from-server; Path=/"
    cookies = [r.header("cookie") for r in http_server.requests]
    assert cookies == [None, None, "token=mine"]


# --- bodies ------------------------------------------------------------------------------


@pytest.mark.parametrize("framing", ["chunked", "content-length"])
@pytest.mark.parametrize("encoding", ["identity", "gzip", "deflate", "raw-deflate"])
async def test_body_chunks_arrive_as_flushed(
    server: HttpServer, ca_file: str, framing: Any, encoding: Any
) -> None:
    gates = [Gate(), Gate()]
    server.handler = lambda _: Response(
        body=[b"alpha ", gates[0], b"beta ", gates[1], b"gamma"],
        framing=framing,
        encoding=encoding,
    )
    async with transport(ca_file) as t:
        got = await collect(t, get(server.url), gates=gates)
    # Each part was flushed alone and the next sent only once the client had it: one
    # chunk each, decoded by curl as it came.
    assert got.chunks == [b"alpha ", b"beta ", b"gamma"]
    assert got.ended


async def test_gzip_body_in_one_piece(http_server: HttpServer, ca_file: str) -> None:
    text = b"".join(b"line %d\n" % n for n in range(5000))
    http_server.handler = lambda _: Response(
        headers=[("Content-Encoding", "gzip")], body=[gzip.compress(text)]
    )
    async with transport(ca_file) as t:
        got = await collect(t, get(http_server.url))
    assert got.started is not None
    assert got.started.header("content-encoding") == "gzip"  # headers stay as sent
    assert (got.body, got.ended) == (text, True)


async def test_corrupt_gzip_is_a_remote_protocol_error(
    http_server: HttpServer, ca_file: str
) -> None:
    http_server.handler = lambda _: Response(
        headers=[("Content-Encoding", "gzip")], body=[b"this is not gzip"]
    )
    async with transport(ca_file) as t:
        with pytest.raises(RemoteProtocolError, match=f"127.0.0.1:{http_server.port}"):
            await collect(t, get(http_server.url))


@pytest.mark.parametrize("ending", ["reset", "eof"])
async def test_cut_mid_stream_gives_the_chunks_then_read_error(
    server: HttpServer, ca_file: str, ending: Any
) -> None:
    gates = [Gate(), Gate()]
    server.handler = lambda _: Response(
        body=[b"one", gates[0], b"two", gates[1]], framing="chunked", ending=ending
    )
    got = Collected()
    async with transport(ca_file) as t:
        with pytest.raises(ReadError) as caught:
            await collect(t, get(server.url), gates=gates, into=got)
    assert (got.chunks, got.ended) == ([b"one", b"two"], False)
    assert f":{server.port}" in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None  # no curl_cffi exception rides along


async def test_closed_before_answering_is_a_read_error(
    http_server: HttpServer, ca_file: str
) -> None:
    http_server.handler = lambda _: Response(raw=b"")
    async with transport(ca_file) as t:
        with pytest.raises(ReadError, match=f"127.0.0.1:{http_server.port}"):
            await collect(t, get(http_server.url))
    assert len(http_server.requests) == 1


async def test_malformed_response_is_a_remote_protocol_error(
    http_server: HttpServer, ca_file: str
) -> None:
    http_server.handler = lambda _: Response(raw=b"HTTP/1.1 two hundred\r\n\r\n")
    async with transport(ca_file) as t:
        with pytest.raises(RemoteProtocolError, match=f"127.0.0.1:{http_server.port}"):
            await collect(t, get(http_server.url))


# --- connecting --------------------------------------------------------------------------


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: connecting is refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


async def test_connection_refused_is_a_connect_error(refusing_port: int, ca_file: str) -> None:
    async with transport(ca_file) as t:
        with pytest.raises(ConnectError, match=f"127.0.0.1:{refusing_port}") as caught:
            await collect(t, get(f"http://127.0.0.1:{refusing_port}/"))
    assert not isinstance(caught.value, TransportTimeout | ProxyError)


async def test_untrusted_certificate_is_a_connect_error(ca_file: str) -> None:
    stranger = trustme.CA().issue_cert("localhost")
    with HttpServer(tls=stranger, host="localhost") as server:
        async with transport(ca_file) as t:
            with pytest.raises(ConnectError, match="certificate") as caught:
                await collect(t, get(server.url))
    assert f"localhost:{server.port}" in str(caught.value)
    assert server.requests == []


async def test_certificate_for_another_host_is_a_connect_error(
    ca: trustme.CA, ca_file: str
) -> None:
    with HttpServer(tls=ca.issue_cert("example.org"), host="localhost") as server:
        async with transport(ca_file) as t:
            with pytest.raises(ConnectError, match="localhost"):
                await collect(t, get(server.url))
    assert server.requests == []


async def test_default_trust_store_does_not_know_the_test_ca(https_server: HttpServer) -> None:
    async with CurlTransport(proxy=None) as t:
        with pytest.raises(ConnectError, match="certificate"):
            await collect(t, get(https_server.url))
    assert https_server.requests == []


async def test_verify_false_accepts_any_certificate() -> None:
    with HttpServer(tls=trustme.CA().issue_cert("localhost"), host="localhost") as server:
        async with CurlTransport(verify=False, proxy=None) as t:
            got = await collect(t, get(server.url))
    assert got.body == b"ok"


async def test_unsupported_scheme(ca_file: str) -> None:
    async with transport(ca_file) as t:
        with pytest.raises(ConnectError, match="ftp") as caught:
            await collect(t, get("ftp://user:pw@example.org/"))
    assert "pw" not in str(caught.value)


async def test_unknown_impersonation_target(http_server: HttpServer, ca_file: str) -> None:
    async with transport(ca_file, impersonate="netscape4") as t:
        with pytest.raises(ConnectError, match="netscape4"):
            await collect(t, get(http_server.url))
    assert http_server.requests == []


async def test_header_injection_is_refused_without_echoing_the_value(
    http_server: HttpServer, ca_file: str
) -> None:
    request = get(http_server.url, ("Authorization", "Bearer hf_secret\r\nX-Evil: 1"))
    async with transport(ca_file) as t:
        with pytest.raises(LocalProtocolError, match="Authorization") as caught:
            await collect(t, request)
        with pytest.raises(LocalProtocolError):
            await collect(t, get(http_server.url, ("Bad Name", "x")))
    assert all("hf_secret" not in text for text in error_texts(caught.value))
    assert http_server.requests == []


# --- timeouts, leaving early, cancellation -------------------------------------------------


async def test_read_timeout_between_chunks(http_server: HttpServer, ca_file: str) -> None:
    never = Gate()
    http_server.handler = lambda _: Response(
        body=[b"first", never, b"never sent"], framing="chunked"
    )
    got = Collected()
    async with transport(ca_file, timeout=Timeout(read=0.5)) as t:
        with pytest.raises(TransportTimeout, match="reading the response") as caught:
            await collect(t, get(http_server.url), into=got)
        never.open()
        # The transfer was stopped and its connection closed, not left to run on.
        assert await finished(http_server)
    assert got.chunks == [b"first"]
    assert isinstance(caught.value, TimeoutError)
    assert f"127.0.0.1:{http_server.port}" in str(caught.value)


async def test_read_timeout_waiting_for_the_response(http_server: HttpServer, ca_file: str) -> None:
    late = Gate()
    http_server.handler = lambda _: Response(body=[late, b"late"], framing="chunked")
    async with transport(ca_file, timeout=0.5) as t:
        with pytest.raises(TransportTimeout, match="waiting for the response"):
            await collect(t, get(http_server.url))
        late.open()
        assert await finished(http_server)


async def test_total_timeout_bounds_a_trickling_body(http_server: HttpServer, ca_file: str) -> None:
    stalled = Gate()
    http_server.handler = lambda _: Response(body=[b"first", stalled], framing="chunked")
    async with transport(ca_file, timeout=Timeout(read=None, total=0.5)) as t:
        with pytest.raises(TransportTimeout):
            await collect(t, get(http_server.url))
        stalled.open()
        assert await finished(http_server)


async def test_leaving_early_closes_the_response(http_server: HttpServer, ca_file: str) -> None:
    gate = Gate()
    http_server.handler = lambda _: Response(body=[b"first", gate, b"second"], framing="chunked")
    seen: list[object] = []
    async with transport(ca_file) as t:
        async with aclosing(t.open(get(http_server.url))) as events:
            async for event in events:
                seen.append(event)
                if isinstance(event, BodyChunk):
                    break
        gate.open()
        # Had the transfer run on, curl would have read the body to its end and kept the
        # connection for the next request: the server would not be done with it.
        assert await finished(http_server)
        http_server.handler = lambda _: Response(body=[b"again"])
        again = await collect(t, get(http_server.url))
    assert seen[1:] == [BodyChunk(b"first")]
    assert again.body == b"again"
    assert [r.connection for r in http_server.requests] == [0, 1]


async def test_cancelled_while_waiting_for_the_response(
    http_server: HttpServer, ca_file: str
) -> None:
    arrived = threading.Event()
    gate = Gate()

    def handler(_: object) -> Response:
        arrived.set()
        return Response(body=[gate, b"late"], framing="chunked")

    http_server.handler = handler
    got = Collected()
    async with transport(ca_file) as t:
        async with anyio.create_task_group() as tg:
            tg.start_soon(partial(collect, t, get(http_server.url), into=got))
            assert await anyio.to_thread.run_sync(arrived.wait, 5)
            tg.cancel_scope.cancel()
        gate.open()
        assert await finished(http_server)
        http_server.handler = lambda _: Response(body=[b"again"])
        assert (await collect(t, get(http_server.url))).body == b"again"
    assert (got.started, got.chunks) == (None, [])


async def test_aclose_while_reading_is_a_read_error(http_server: HttpServer, ca_file: str) -> None:
    gate = Gate()
    http_server.handler = lambda _: Response(body=[b"first", gate, b"second"], framing="chunked")
    t = transport(ca_file)
    events = t.open(get(http_server.url))
    try:
        assert isinstance(await anext(events), ResponseStarted)
        assert await anext(events) == BodyChunk(b"first")
        await t.aclose()
        with pytest.raises(ReadError, match="transport was closed"):
            await anext(events)
    finally:
        await events.aclose()
        gate.open()
    assert await finished(http_server)


async def test_aclose_while_waiting_for_the_response_is_a_read_error(
    http_server: HttpServer, ca_file: str
) -> None:
    arrived = threading.Event()
    gate = Gate()

    def handler(_: object) -> Response:
        arrived.set()
        return Response(body=[gate, b"late"], framing="chunked")

    http_server.handler = handler
    got = Collected()
    t = transport(ca_file)

    async def waiting() -> None:
        with pytest.raises(ReadError, match="transport was closed"):
            await collect(t, get(http_server.url), into=got)

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiting)
        assert await anyio.to_thread.run_sync(arrived.wait, 5)
        await t.aclose()
    gate.open()
    assert got.started is None  # no head made up for a transfer that was cut off
    assert await finished(http_server)


async def test_closed_transport_refuses_requests(http_server: HttpServer, ca_file: str) -> None:
    t = transport(ca_file)
    await collect(t, get(http_server.url))
    await t.aclose()
    await t.aclose()  # twice is fine
    with pytest.raises(ConnectError, match="closed"):
        await collect(t, get(http_server.url))
    assert len(http_server.requests) == 1


# --- proxies -----------------------------------------------------------------------------


async def test_https_through_a_connect_tunnel(
    proxy: ConnectProxy, https_server: HttpServer, ca_file: str
) -> None:
    async with transport(ca_file, proxy=proxy_url(proxy)) as t:
        assert_no_credentials(repr(t))
        first = await collect(t, get(f"{https_server.url}/a"))
        second = await collect(t, get(f"{https_server.url}/b"))
    assert first.body == second.body == b"ok"
    [connect] = proxy.seen  # one tunnel, kept alive for both requests
    assert (connect.method, connect.target) == ("CONNECT", f"localhost:{https_server.port}")
    assert connect.header("proxy-authorization") == BASIC
    # Inside the tunnel the origin gets ordinary requests, never the proxy's credentials.
    assert [r.target for r in https_server.requests] == ["/a", "/b"]
    assert all(r.header("proxy-authorization") is None for r in https_server.requests)


async def test_http_through_the_proxy_uses_absolute_form(
    proxy: ConnectProxy, http_server: HttpServer, ca_file: str
) -> None:
    async with transport(ca_file, proxy=proxy_url(proxy)) as t:
        got = await collect(t, get(f"{http_server.url}/x?y=1"))
    assert got.body == b"ok"
    [forwarded] = proxy.seen
    assert (forwarded.method, forwarded.target) == ("GET", f"{http_server.url}/x?y=1")
    assert forwarded.header("proxy-authorization") == BASIC


async def test_refused_connect_is_a_proxy_error_without_credentials(
    https_server: HttpServer, ca_file: str
) -> None:
    with ConnectProxy(refuse_status=407) as refusing:
        async with transport(ca_file, proxy=proxy_url(refusing)) as t:
            with pytest.raises(ProxyError, match="407") as caught:
                await collect(t, get(https_server.url))
        assert refusing.seen[0].header("proxy-authorization") == BASIC
    assert f"127.0.0.1:{refusing.port}" in str(caught.value)
    assert_no_credentials(*error_texts(caught.value))
    assert https_server.requests == []


async def test_unreachable_proxy_is_a_proxy_error(
    https_server: HttpServer, refusing_port: int, ca_file: str
) -> None:
    url = f"http://{USER}:secret@127.0.0.1:{refusing_port}"
    async with transport(ca_file, proxy=url) as t:
        with pytest.raises(ProxyError, match=f"127.0.0.1:{refusing_port}") as caught:
            await collect(t, get(https_server.url))
    assert_no_credentials(*error_texts(caught.value))


async def test_proxy_from_environment_and_no_proxy(
    monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy, https_server: HttpServer, ca_file: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(proxy))
    monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.1")
    port = https_server.port
    async with CurlTransport(verify=ca_file) as t:
        await collect(t, get(f"https://localhost:{port}/proxied"))
        await collect(t, get(f"https://127.0.0.1:{port}/direct"))
    assert [(r.method, r.target) for r in proxy.seen] == [("CONNECT", f"localhost:{port}")]
    assert [r.target for r in https_server.requests] == ["/proxied", "/direct"]


async def test_explicit_proxy_ignores_no_proxy_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, proxy: ConnectProxy, https_server: HttpServer, ca_file: str
) -> None:
    monkeypatch.setenv("no_proxy", "localhost,127.0.0.1")  # libcurl would honour it itself
    async with transport(ca_file, proxy=proxy.url) as t:
        await collect(t, get(https_server.url))
    assert [r.method for r in proxy.seen] == ["CONNECT"]


async def test_proxy_none_ignores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ConnectProxy,
    http_server: HttpServer,
    https_server: HttpServer,
    ca_file: str,
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy.url)  # libcurl would read these itself
    async with transport(ca_file, proxy=None) as t:
        await collect(t, get(https_server.url))
        await collect(t, get(http_server.url))
    assert proxy.seen == []
    assert len(https_server.requests) == len(http_server.requests) == 1


# --- without asyncio, without curl_cffi ------------------------------------------------------


def test_trio_is_refused_with_a_clear_error() -> None:
    trio = pytest.importorskip("trio")

    async def main() -> None:
        async with CurlTransport(proxy=None) as t:
            with pytest.raises(RuntimeError, match="asyncio only"):
                await collect(t, get("http://127.0.0.1:9/"))

    trio.run(main)


def test_missing_curl_cffi_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes every import of curl_cffi (and its submodules) fail.
    for name in [n for n in sys.modules if n == "curl_cffi" or n.startswith("curl_cffi.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "curl_cffi", None)
    monkeypatch.delitem(sys.modules, "hfclient.transport.curl")
    with pytest.raises(ImportError, match=r"pip install 'hfclient\[curl\]'") as caught:
        importlib.import_module("hfclient.transport.curl")
    assert isinstance(caught.value, ModuleNotFoundError)
    assert caught.value.name == "curl_cffi"


# --- settings: pool size, timeouts, verify, the URL in errors --------------------------------


async def test_one_transport_carries_100_concurrent_streams_on_defaults(
    http_server: HttpServer,
) -> None:
    streams = 100
    release = Gate()  # every response waits here until all streams are in flight
    http_server.handler = lambda _: Response(body=[b"first", release, b"rest"], framing="chunked")
    in_flight = 0
    bodies: list[bytes] = []

    async def one_stream(t: CurlTransport, index: int) -> None:
        nonlocal in_flight
        got = b""
        async with aclosing(t.open(get(f"{http_server.url}/{index}"))) as events:
            async for event in events:
                if isinstance(event, BodyChunk):
                    got += event.data
                    if event.data == b"first":
                        in_flight += 1
                        if in_flight == streams:
                            release.open()
        bodies.append(got)

    async with CurlTransport(proxy=None) as t, anyio.create_task_group() as tg:
        for index in range(streams):
            tg.start_soon(one_stream, t, index)
    assert bodies == [b"firstrest"] * streams
    assert http_server.connection_count == streams


async def test_waiting_for_a_free_handle_is_its_own_timeout(
    http_server: HttpServer, ca_file: str
) -> None:
    held = Gate()
    http_server.handler = lambda _: Response(body=[b"a", held], framing="chunked")
    limits = Timeout(connect=60, read=60, pool=0.2)
    async with transport(ca_file, max_connections=1, timeout=limits) as t:
        async with aclosing(t.open(get(http_server.url))) as holding:
            async for event in holding:
                if isinstance(event, BodyChunk):
                    with pytest.raises(PoolTimeout) as caught:
                        await collect(t, get(f"{http_server.url}/second?q=1"))
                    break
        held.open()
    message = str(caught.value)
    assert message.startswith(f"no free connection to {http_server.url} within 0.2 s")
    assert f"for {http_server.url}/second?q=1 (1 in use; raise max_connections)" in message
    assert http_server.connection_count == 1


async def test_a_float_timeout_sets_the_read_timeout(http_server: HttpServer, ca_file: str) -> None:
    never = Gate()
    http_server.handler = lambda _: Response(body=[b"first", never], framing="chunked")
    got = Collected()
    async with transport(ca_file, timeout=1.0) as t:
        with pytest.raises(TransportTimeout, match="reading the response from"):
            await collect(t, get(http_server.url), into=got)
        never.open()
    assert got.chunks == [b"first"]


async def test_a_per_request_timeout_replaces_the_transports(
    http_server: HttpServer, ca_file: str
) -> None:
    never = Gate()
    http_server.handler = lambda _: Response(body=[b"first", never], framing="chunked")
    got = Collected()
    async with transport(ca_file, timeout=Timeout(read=3600)) as t:
        with pytest.raises(TransportTimeout, match="reading the response from"):
            await collect(t, get(http_server.url), into=got, timeout=Timeout(read=0.2))
        never.open()
    assert got.chunks == [b"first"]


async def test_a_per_request_timeout_bounds_the_wait_for_the_head(
    http_server: HttpServer, ca_file: str
) -> None:
    late = Gate()
    http_server.handler = lambda _: Response(body=[late, b"late"], framing="chunked")
    async with transport(ca_file, timeout=Timeout(read=3600)) as t:
        with pytest.raises(TransportTimeout, match="waiting for the response from"):
            await collect(t, get(http_server.url), timeout=Timeout(connect=0.2, read=0.2))
        late.open()


async def test_verify_a_ca_bundle_path_object(https_server: HttpServer, ca_file: str) -> None:
    async with CurlTransport(proxy=None, verify=Path(ca_file)) as t:
        assert (await collect(t, get(https_server.url))).body == b"ok"


def test_verify_an_ssl_context_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match=r"cannot use an ssl\.SSLContext.*CA bundle path"):
        CurlTransport(verify=ssl.create_default_context())


async def test_a_refused_connection_names_the_url_but_not_its_secret(
    refusing_port: int, ca_file: str
) -> None:
    secret = "planted-device-secret"
    request = HttpRequest(
        "GET",
        f"http://127.0.0.1:{refusing_port}/api/models/x/y?device_id={secret}&page=2",
        secret_query=frozenset({"device_id"}),
    )
    async with transport(ca_file) as t:
        with pytest.raises(ConnectError) as caught:
            await collect(t, request)
    assert str(caught.value).startswith(
        f"connecting to http://127.0.0.1:{refusing_port}/api/models/x/y"
        f"?device_id=<redacted>&page=2 (127.0.0.1:{refusing_port}) failed: "
    )
    assert all(secret not in text for text in error_texts(caught.value))


async def test_the_connect_timeout_goes_to_curl_per_request(
    http_server: HttpServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curl_cffi import Curl, CurlOpt

    connect_ms: list[object] = []
    setopt = Curl.setopt

    def recording(self: Curl, option: CurlOpt, value: Any) -> Any:
        if option == CurlOpt.CONNECTTIMEOUT_MS:
            connect_ms.append(value)
        return setopt(self, option, value)

    monkeypatch.setattr(Curl, "setopt", recording)
    async with transport(ca_file, timeout=Timeout(connect=2.5)) as t:
        await collect(t, get(http_server.url))
        # curl_cffi first sets its own value, then the session's options replace it.
        assert connect_ms[-1] == 2500
        await collect(t, get(http_server.url), timeout=Timeout(connect=1.25))
        assert connect_ms[-1] == 1250
