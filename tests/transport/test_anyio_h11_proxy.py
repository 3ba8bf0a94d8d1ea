"""AnyioH11Transport through an HTTP proxy: CONNECT tunnels, forwarding, environment, secrets."""

from __future__ import annotations

import base64
import socket
import ssl

import pytest

from hfclient.errors import ProxyError
from hfclient.transport.anyio_h11 import AnyioH11Transport

from .exchange_helpers import collect, get
from .servers import ConnectProxy, HttpServer

pytestmark = pytest.mark.anyio

USER, PASSWORD = "alice", "pa:ss w0rd/secret"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def proxy_url(proxy: ConnectProxy) -> str:
    """The proxy URL with credentials, percent-encoded as a URL needs them."""
    return proxy.url_with_credentials(USER, "pa%3Ass%20w0rd%2Fsecret")


def assert_no_credentials(*texts: str) -> None:
    for text in texts:
        for secret in (PASSWORD, "pa%3Ass", BASIC.split()[1]):
            assert secret not in text


def error_texts(error: BaseException) -> list[str]:
    """str and repr of an error and of every error chained to it (what a traceback shows)."""
    texts: list[str] = []
    seen: BaseException | None = error
    while seen is not None:
        texts += [str(seen), repr(seen)]
        seen = seen.__cause__ or seen.__context__
    return texts


async def test_https_through_a_connect_tunnel(
    proxy: ConnectProxy, https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    async with AnyioH11Transport(verify=client_ssl_context, proxy=proxy_url(proxy)) as t:
        assert_no_credentials(repr(t))
        first = await collect(t, get(f"{https_server.url}/a"))
        second = await collect(t, get(f"{https_server.url}/b"))
    assert first.body == second.body == b"ok"
    [connect] = proxy.seen  # one tunnel, kept alive for both requests
    assert (connect.method, connect.target) == ("CONNECT", f"localhost:{https_server.port}")
    assert connect.header("proxy-authorization") == BASIC
    # Inside the tunnel, the origin gets ordinary requests and never the proxy's credentials.
    assert [r.target for r in https_server.requests] == ["/a", "/b"]
    assert all(r.header("proxy-authorization") is None for r in https_server.requests)


async def test_http_through_the_proxy_uses_absolute_form(
    proxy: ConnectProxy, http_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    async with AnyioH11Transport(verify=client_ssl_context, proxy=proxy_url(proxy)) as t:
        got = await collect(t, get(f"{http_server.url}/x?y=1"))
    assert got.body == b"ok"
    [forwarded] = proxy.seen
    assert (forwarded.method, forwarded.target) == ("GET", f"{http_server.url}/x?y=1")
    assert forwarded.header("proxy-authorization") == BASIC
    assert forwarded.header("host") == f"127.0.0.1:{http_server.port}"


async def test_refused_connect_is_a_proxy_error_without_credentials(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    with ConnectProxy(refuse_status=407) as refusing:
        async with AnyioH11Transport(verify=client_ssl_context, proxy=proxy_url(refusing)) as t:
            with pytest.raises(ProxyError, match="407") as caught:
                await collect(t, get(https_server.url))
            assert t.pool_stats() == {}
        assert refusing.seen[0].header("proxy-authorization") == BASIC
    assert f"127.0.0.1:{refusing.port}" in str(caught.value)
    assert caught.value.status == 407
    assert_no_credentials(*error_texts(caught.value))
    assert https_server.requests == []


async def test_unreachable_proxy_is_a_proxy_error(
    https_server: HttpServer, client_ssl_context: ssl.SSLContext
) -> None:
    with socket.socket() as bound:  # bound, not listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        url = f"http://{USER}:secret@127.0.0.1:{port}"
        async with AnyioH11Transport(verify=client_ssl_context, proxy=url) as t:
            with pytest.raises(ProxyError, match=f"127.0.0.1:{port}") as caught:
                await collect(t, get(https_server.url))
    assert all("secret" not in text for text in error_texts(caught.value))


async def test_proxy_from_environment_and_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ConnectProxy,
    https_server: HttpServer,
    client_ssl_context: ssl.SSLContext,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy_url(proxy))
    monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.1")
    port = https_server.port
    async with AnyioH11Transport(verify=client_ssl_context) as t:
        await collect(t, get(f"https://localhost:{port}/proxied"))
        await collect(t, get(f"https://127.0.0.1:{port}/direct"))
    assert [(r.method, r.target) for r in proxy.seen] == [("CONNECT", f"localhost:{port}")]
    assert [r.target for r in https_server.requests] == ["/proxied", "/direct"]


async def test_environment_proxy_is_per_scheme(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ConnectProxy,
    http_server: HttpServer,
    client_ssl_context: ssl.SSLContext,
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)  # only for https: http goes direct
    async with AnyioH11Transport(verify=client_ssl_context) as t:
        await collect(t, get(http_server.url))
    assert proxy.seen == []
    assert http_server.requests[0].target == "/"


async def test_proxy_none_ignores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ConnectProxy,
    https_server: HttpServer,
    client_ssl_context: ssl.SSLContext,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        await collect(t, get(https_server.url))
    assert proxy.seen == []
