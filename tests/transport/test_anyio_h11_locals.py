"""Error trackers that capture traceback locals never see the credentials we sent."""

from __future__ import annotations

import ssl
import traceback

import pytest

from codec.http import HttpRequest
from hfclient.errors import TransportError
from hfclient.transport.anyio_h11 import AnyioH11Transport

from .exchange_helpers import collect
from .servers import HttpServer, Response

pytestmark = pytest.mark.anyio

TOKEN = "hf_" + "InTracebackLocals" * 2
COOKIE = "planted-session-cookie-value"


def request(url: str) -> HttpRequest:
    return HttpRequest(
        "POST",
        url,
        (("Authorization", f"Bearer {TOKEN}"), ("Cookie", f"hf-chat={COOKIE}")),
        b"{}",
    )


def with_locals(error: BaseException) -> str:
    shown = traceback.TracebackException.from_exception(error, capture_locals=True)
    return "".join(shown.format())


@pytest.mark.parametrize("answer", [Response(raw=b""), Response(raw=b"HTTP/1.1 200 OK\r\n")])
async def test_a_connection_that_breaks_shows_no_credential_in_any_frame(
    http_server: HttpServer, client_ssl_context: ssl.SSLContext, answer: Response
) -> None:
    http_server.handler = lambda _: answer
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        with pytest.raises(TransportError) as caught:
            await collect(t, request(http_server.url))
    text = with_locals(caught.value)
    assert "headers" in text  # the frames and their locals are there...
    assert TOKEN not in text  # ...but no value of a credential
    assert COOKIE not in text


async def test_a_refused_connection_shows_no_credential_either(
    client_ssl_context: ssl.SSLContext,
) -> None:
    async with AnyioH11Transport(verify=client_ssl_context, proxy=None) as t:
        with pytest.raises(TransportError) as caught:
            await collect(t, request("http://127.0.0.1:9/"))
    text = with_locals(caught.value)
    assert TOKEN not in text
    assert COOKIE not in text
