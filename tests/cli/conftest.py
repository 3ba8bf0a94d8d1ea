"""Command tests: the transport tests' server on 127.0.0.1 (for ``drift --live``), no proxies."""

from __future__ import annotations

from tests.transport.conftest import (  # noqa: F401 - fixtures shared with the transport tests
    _no_proxy_environment,
    http_server,
)
