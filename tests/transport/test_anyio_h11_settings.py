"""AnyioH11Transport's settings: default pool limits under load, timeouts, verify, error URLs."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import aclosing
from pathlib import Path

import anyio
import pytest
import trustme

from codec.http import HttpRequest
from hfclient.errors import (
    ConnectError,
    LocalProtocolError,
    PoolTimeout,
    ProxyError,
    TransportTimeout,
)
from hfclient.exchange import BodyChunk
from hfclient.timeouts import Timeout
from hfclient.transport import anyio_h11
from hfclient.transport.anyio_h11 import AnyioH11Transport

from .exchange_helpers import Collected, collect, get
from .servers import ConnectProxy, Gate, HttpServer, Response

pytestmark = pytest.mark.anyio

SECRET = "planted-device-secret"


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A port bound but not listening: connecting is refused, and no one else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def ca_path(ca: trustme.CA, tmp_path: Path) -> Path:
    """The test CA as a PEM file."""
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def stalling(server: HttpServer) -> Gate:
    """Make ``server`` send one chunk, then wait at the returned gate (opened on stop)."""
    never = Gate()
    server.handler = lambda _: Response(body=[b"first", never, b"late"], framing="chunked")
    return never


async def test_one_transport_carries_100_concurrent_streams_on_defaults(
    http_server: HttpServer,
) -> None:
    streams = 100
    release = Gate()  # every response waits here until all streams are in flight
    http_server.handler = lambda _: Response(body=[b"first", release, b"rest"], framing="chunked")
    in_flight = 0
    bodies: list[bytes] = []

    async def one_stream(t: AnyioH11Transport, index: int) -> None:
        nonlocal in_flight
        got = b""
        async for event in t.open(get(f"{http_server.url}/{index}")):
            if isinstance(event, BodyChunk):
                got += event.data
                if event.data == b"first":
                    in_flight += 1
                    if in_flight == streams:
                        release.open()
        bodies.append(got)

    async with AnyioH11Transport(proxy=None) as t, anyio.create_task_group() as tg:
        for index in range(streams):
            tg.start_soon(one_stream, t, index)
    assert bodies == [b"firstrest"] * streams
    assert http_server.connection_count == streams


async def test_a_float_timeout_sets_the_read_timeout(http_server: HttpServer) -> None:
    stalling(http_server)
    got = Collected()
    async with AnyioH11Transport(proxy=None, timeout=1.0) as t:
        with pytest.raises(TransportTimeout, match="reading the response from") as caught:
            await collect(t, get(http_server.url), into=got)
    assert got.chunks == [b"first"]
    assert not isinstance(caught.value, PoolTimeout)


async def test_a_timeout_object_sets_each_phase(http_server: HttpServer) -> None:
    stalling(http_server)
    async with AnyioH11Transport(proxy=None, timeout=Timeout(connect=30, read=0.3)) as t:
        with pytest.raises(TransportTimeout, match="reading the response from"):
            await collect(t, get(http_server.url))


async def test_a_per_request_timeout_replaces_the_transports(http_server: HttpServer) -> None:
    stalling(http_server)
    got = Collected()
    async with AnyioH11Transport(proxy=None, timeout=Timeout(read=3600)) as t:
        with pytest.raises(TransportTimeout, match="reading the response from"):
            await collect(t, get(http_server.url), into=got, timeout=Timeout(read=0.2))
    assert got.chunks == [b"first"]


async def test_the_transports_timeout_stays_for_other_requests(http_server: HttpServer) -> None:
    async with AnyioH11Transport(proxy=None, timeout=Timeout(read=0.2)) as t:
        got = await collect(t, get(http_server.url))
        assert got.body == b"ok"
        stalling(http_server)
        with pytest.raises(TransportTimeout):
            await collect(t, get(http_server.url))


async def test_verify_false_accepts_an_untrusted_server(https_server: HttpServer) -> None:
    async with AnyioH11Transport(proxy=None, verify=False) as t:
        assert (await collect(t, get(https_server.url))).body == b"ok"


@pytest.mark.parametrize("kind", [str, Path])
async def test_verify_a_ca_bundle_path(
    https_server: HttpServer, ca_path: Path, kind: type[str] | type[Path]
) -> None:
    async with AnyioH11Transport(proxy=None, verify=kind(ca_path)) as t:
        assert (await collect(t, get(https_server.url))).body == b"ok"


async def test_verify_an_ssl_context(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    async with AnyioH11Transport(proxy=None, verify=client_ssl_context) as t:
        assert (await collect(t, get(https_server.url))).body == b"ok"


async def test_verify_true_uses_the_system_store_which_distrusts_the_test_ca(
    https_server: HttpServer,
) -> None:
    async with AnyioH11Transport(proxy=None) as t:
        with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await collect(t, get(https_server.url))
    assert https_server.requests == []


async def test_a_ca_path_for_another_ca_refuses_the_server(
    https_server: HttpServer, tmp_path: Path
) -> None:
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    async with AnyioH11Transport(proxy=None, verify=other) as t:
        with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await collect(t, get(https_server.url))


def test_a_missing_ca_path_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no CA bundle file"):
        AnyioH11Transport(verify=tmp_path / "missing.pem")


def test_verify_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="verify"):
        AnyioH11Transport(verify=1)  # type: ignore[arg-type]


async def test_no_tls_context_is_made_for_plain_http(
    http_server: HttpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []

    def create_default_context(*args: object, **kwargs: object) -> ssl.SSLContext:
        made.append(args)
        return ssl.create_default_context()

    monkeypatch.setattr(anyio_h11.ssl, "create_default_context", create_default_context)
    async with AnyioH11Transport(proxy=None) as t:
        await collect(t, get(http_server.url))
    assert made == []


async def test_the_tls_context_is_made_once_on_the_first_https_connect(
    https_server: HttpServer, ca_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    real = ssl.create_default_context

    def create_default_context(*args: object, **kwargs: str) -> ssl.SSLContext:
        made.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(anyio_h11.ssl, "create_default_context", create_default_context)
    https_server.handler = lambda _: Response(body=[b"ok"], keep_alive=False)
    t = AnyioH11Transport(proxy=None, verify=ca_path)
    assert made == []
    async with t:
        for _ in range(2):  # two connections, one context
            await collect(t, get(https_server.url))
    assert made == [{"cafile": str(ca_path)}]


def secret_request(url: str) -> HttpRequest:
    """A GET whose ``device_id`` query value is a secret, as the Hailuo spec marks it."""
    return HttpRequest(
        "GET",
        f"{url}/api/models/x/y?device_id={SECRET}&page=2",
        secret_query=frozenset({"device_id"}),
    )


async def test_a_refused_connection_names_the_url_but_not_its_secret(refusing_port: int) -> None:
    async with AnyioH11Transport(proxy=None) as t:
        with pytest.raises(ConnectError) as caught:
            await collect(t, secret_request(f"http://user:pw@127.0.0.1:{refusing_port}"))
    message = str(caught.value)
    assert message.startswith(
        f"connecting to http://127.0.0.1:{refusing_port}/api/models/x/y"
        f"?device_id=<redacted>&page=2 (127.0.0.1:{refusing_port}) failed: "
    )
    for shown in (message, repr(caught.value)):
        assert SECRET not in shown
        assert "pw" not in shown


async def test_read_and_pool_errors_name_the_url_but_not_its_secret(
    http_server: HttpServer,
) -> None:
    stalling(http_server)
    async with AnyioH11Transport(
        proxy=None, max_connections_per_origin=1, timeout=Timeout(read=5, pool=0.2)
    ) as t:
        async with aclosing(t.open(secret_request(http_server.url))) as holding:
            async for event in holding:
                if isinstance(event, BodyChunk):
                    with pytest.raises(PoolTimeout) as pool:
                        await collect(t, secret_request(http_server.url))
                    break
        with pytest.raises(TransportTimeout) as read:
            await collect(t, secret_request(http_server.url), timeout=Timeout(read=0.2))
    shown = f"{http_server.url}/api/models/x/y?device_id=<redacted>&page=2"
    assert f"for {shown} (1 in use" in str(pool.value)
    assert f"reading the response from {shown} (127.0.0.1:{http_server.port})" in str(read.value)
    for error in (pool.value, read.value):
        assert SECRET not in str(error)
        assert SECRET not in repr(error)


async def test_a_proxy_refusal_names_the_url_but_not_its_secret(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    with ConnectProxy(refuse_status=403) as refusing:
        async with AnyioH11Transport(verify=client_ssl_context, proxy=refusing.url) as t:
            with pytest.raises(ProxyError) as caught:
                await collect(t, secret_request(https_server.url))
    message = str(caught.value)
    assert f"{https_server.url}/api/models/x/y?device_id=<redacted>&page=2" in message
    assert SECRET not in message


async def test_an_unsendable_request_names_the_url_but_not_its_secret(
    http_server: HttpServer,
) -> None:
    request = secret_request(http_server.url)
    request = HttpRequest(
        request.method,
        request.url,
        headers=(("X-Bad", "a\r\nb"),),
        secret_query=request.secret_query,
    )
    async with AnyioH11Transport(proxy=None) as t:
        with pytest.raises(LocalProtocolError) as caught:
            await collect(t, request)
    assert "/api/models/x/y?device_id=<redacted>&page=2" in str(caught.value)
    assert SECRET not in str(caught.value)
