"""Fixtures for transport tests: servers on 127.0.0.1, a trustme CA, both anyio backends.

Nothing here knows the transport under test: a test for another transport
(curl_cffi, say) can use these servers as they are. No test touches the
network, and none sees the machine's proxy settings.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator

import pytest
import trustme

from .servers import ConnectProxy, HttpServer


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Every async test runs once under asyncio and once under trio."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's HTTPS_PROXY must not route test traffic; proxy tests set their own.
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    """A throwaway certificate authority the test clients trust."""
    return trustme.CA()


@pytest.fixture(scope="session")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    """A certificate for ``localhost`` and ``127.0.0.1``, issued by :func:`ca`."""
    return ca.issue_cert("localhost", "127.0.0.1")


@pytest.fixture
def client_ssl_context(ca: trustme.CA) -> ssl.SSLContext:
    """A verifying client context (hostname checks on) that trusts :func:`ca` only."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, checks hostnames, trusts nobody
    ca.configure_trust(context)
    return context


@pytest.fixture
def http_server() -> Iterator[HttpServer]:
    """A plain HTTP origin at ``http://127.0.0.1:<port>``."""
    with HttpServer() as server:
        yield server
    assert server.errors == []


@pytest.fixture
def https_server(server_cert: trustme.LeafCert) -> Iterator[HttpServer]:
    """An HTTPS origin at ``https://localhost:<port>`` (SNI and hostname checks apply)."""
    with HttpServer(tls=server_cert, host="localhost") as server:
        yield server
    assert server.errors == []


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    """An HTTP proxy at ``http://127.0.0.1:<port>`` recording what it saw."""
    with ConnectProxy() as server:
        yield server
    assert server.errors == []
