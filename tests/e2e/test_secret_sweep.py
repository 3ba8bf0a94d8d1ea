"""Planted credentials never surface, on any client, path or transport.

Every credential of every client is a known planted value. Each failure path
(a 401 and a 500 whose bodies echo the request, a redirect to another host,
a reset before the head, a proxy that refuses the tunnel) is run on both
transports, and everything a user or an error tracker can see is scanned:
``str``, ``repr``, ``args``, message, body and attempts of the error and of
every error chained to it, the ``hfclient`` log records at DEBUG, and the
traceback with its locals (``capture_locals=True``). A redirect to another
host must not carry a credential there either.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable, Iterator

import pytest

from hfclient._options import ClientBase
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.errors import AllProvidersFailedError, HfClientError, HTTPStatusError
from tests.transport.servers import ConnectProxy, HttpServer, ReceivedRequest, Response

pytestmark = pytest.mark.anyio

ROUTER_KEY = "hf_" + "SweptRouterKey" * 2
CHAT_COOKIE, CHAT_TOKEN = "swept-hf-chat-cookie-1234", "swept-token-cookie-5678"
HAILUO_TOKEN, DEVICE, UUID = "swept-hailuo-token-9abc", "424242424242424242", "swept-uuid-def0"
PROXY_PASSWORD = "swept-proxy-password"
SECRETS = (ROUTER_KEY, CHAT_COOKIE, CHAT_TOKEN, HAILUO_TOKEN, DEVICE, UUID, PROXY_PASSWORD)
MESSAGES = [{"role": "user", "content": "hello"}]


def make_client(
    service: str, url: str, transport: str, verify: str, proxy: ConnectProxy | None
) -> ClientBase:
    """A client of ``service`` at ``url`` holding its planted credentials.

    The proxy's URL with its password is made here, in a frame no traceback of the
    call shows, so that what the scan finds is ours, not the test's.
    """
    proxy_url = None if proxy is None else proxy.url_with_credentials("sweeper", PROXY_PASSWORD)
    common: dict[str, object] = {"transport": transport, "verify": verify, "proxy": proxy_url}
    if service == "router":
        return InferenceProviders(
            api_key=ROUTER_KEY,
            base_url=url,
            hub_url=url,
            max_retries=0,
            **common,  # type: ignore[arg-type]
        )
    if service == "huggingchat":
        return HuggingChat(hf_chat=CHAT_COOKIE, token=CHAT_TOKEN, base_url=f"{url}/chat", **common)  # type: ignore[arg-type]
    return Hailuo(token=HAILUO_TOKEN, device_id=DEVICE, uuid=UUID, base_url=url, **common)  # type: ignore[arg-type]


async def call(client: ClientBase) -> None:
    if isinstance(client, InferenceProviders):
        await client.complete(MESSAGES, model="meta-llama/Llama-3.3-70B-Instruct")
    elif isinstance(client, HuggingChat):
        await client.complete(MESSAGES, model="Qwen/Qwen3-235B-A22B")
    else:
        assert isinstance(client, Hailuo)
        await client.complete(MESSAGES)


def echo(status: int) -> Callable[[ReceivedRequest], Response]:
    """A server that answers ``status`` with the request it read, headers and target."""

    def answer(request: ReceivedRequest) -> Response:
        body = json.dumps({"you sent": [request.target, request.headers]}).encode()
        return Response(status=status, headers=[("Content-Type", "application/json")], body=[body])

    return answer


def everything_shown(error: BaseException, logged: str) -> str:
    """All a user, a log or an error tracker sees of ``error``."""
    shown = [logged]
    seen: BaseException | None = error
    while seen is not None:
        shown += [str(seen), repr(seen), *map(repr, seen.args)]
        if isinstance(seen, HTTPStatusError):
            shown += [seen.message, seen.body.decode("utf-8", "replace")]
        if isinstance(seen, AllProvidersFailedError):
            shown += [repr(attempt) for attempt in seen.attempts]
        seen = seen.__cause__ or seen.__context__
    located = traceback.TracebackException.from_exception(error, capture_locals=True)
    shown.append("".join(located.format()))
    return "\n".join(shown)


@pytest.fixture
def other_host() -> Iterator[HttpServer]:
    """Another origin a redirect points at; it echoes what it was sent."""
    with HttpServer() as server:
        server.handler = echo(500)
        yield server


@pytest.fixture(params=["router", "huggingchat", "hailuo"])
def service(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(params=["anyio", "curl"])
def transport_kind(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


PATHS = ["401-echo", "500-echo", "redirect", "reset", "proxy-refusal"]


@pytest.mark.parametrize("path", PATHS)
async def test_no_planted_secret_is_shown(
    https_server: HttpServer,
    other_host: HttpServer,
    ca_pem: str,
    service: str,
    transport_kind: str,
    path: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="hfclient")
    refusing: ConnectProxy | None = None
    if path == "401-echo":
        https_server.handler = echo(401)
    elif path == "500-echo":
        https_server.handler = echo(500)
    elif path == "redirect":
        target = f"{other_host.url}/elsewhere"
        https_server.handler = lambda _: Response(status=302, headers=[("Location", target)])
    elif path == "reset":
        https_server.handler = lambda _: Response(raw=b"", ending="reset")
    else:
        refusing = ConnectProxy(refuse_status=407).__enter__()
    client = make_client(service, https_server.url, transport_kind, ca_pem, refusing)
    try:
        with pytest.raises(HfClientError) as caught:
            await call(client)
    finally:
        await client.aclose()
        if refusing is not None:
            refusing.__exit__(None, None, None)
    shown = everything_shown(caught.value, "\n".join(r.getMessage() for r in caplog.records))
    assert type(caught.value).__name__ in shown  # the scan saw the error...
    for secret in SECRETS:
        where = shown.find(secret)
        assert where < 0, f"{secret!r} shown on {path}: {shown[max(0, where - 300) : where + 50]!r}"
    for request in other_host.requests:
        carried = json.dumps([request.target, request.headers])
        assert not any(secret in carried for secret in SECRETS), carried
