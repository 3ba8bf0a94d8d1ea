"""Recording tests: the transport tests' servers on 127.0.0.1, and planted (never real) secrets."""

from __future__ import annotations

from tests.transport.conftest import (  # noqa: F401 - fixtures shared with the transport tests
    _no_proxy_environment,
    anyio_backend,
    http_server,
)
