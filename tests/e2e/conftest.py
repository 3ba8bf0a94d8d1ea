"""End-to-end fixtures: the transport tests' local servers and CA, and a client transport."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme

from hfclient.exchange import Transport
from hfclient.transport.anyio_h11 import AnyioH11Transport
from hfclient.transport.curl import CurlTransport
from tests.transport.conftest import (  # noqa: F401 - fixtures shared with the transport tests
    _no_proxy_environment,
    ca,
    client_ssl_context,
    http_server,
    https_server,
    proxy,
    server_cert,
)


@pytest.fixture
def anyio_backend() -> str:
    """The clients run under asyncio here: curl_cffi is asyncio-only, and the anyio
    transport's trio runs are covered by the transport tests."""
    return "asyncio"


@pytest.fixture(params=["anyio", "curl"])
async def transport(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Transport]:
    """Each client transport, trusting the test CA only and ignoring proxy settings."""
    made: Transport
    if request.param == "anyio":
        context: ssl.SSLContext = request.getfixturevalue("client_ssl_context")
        made = AnyioH11Transport(verify=context, proxy=None)
    else:
        authority: trustme.CA = request.getfixturevalue("ca")
        pem = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(pem))
        made = CurlTransport(verify=str(pem), proxy=None)
    try:
        yield made
    finally:
        await made.aclose()


@pytest.fixture
def ca_pem(ca: trustme.CA, tmp_path: Path) -> str:  # noqa: F811 - the fixture, by name
    """The test CA as a PEM file, for ``verify=``."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    return str(pem)
