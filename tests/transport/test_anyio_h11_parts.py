"""The transport's pure parts: URL splitting, proxy choice, content decoding, error translation."""

from __future__ import annotations

import gzip
import ssl
import zlib

import anyio
import h11
import pytest

from hfclient.errors import (
    ConnectError,
    LocalProtocolError,
    ProxyError,
    ReadError,
    RemoteProtocolError,
    TransportTimeout,
    WriteError,
)
from hfclient.transport._decoding import decoder_for
from hfclient.transport._errors import Phase, translated
from hfclient.transport._origin import Origin, split_url
from hfclient.transport._proxy import Proxy, ProxyRoutes

HOST = Origin("https", "api.example.org", 8443)


@pytest.mark.parametrize(
    ("url", "origin", "target"),
    [
        ("http://Example.org", Origin("http", "example.org", 80), "/"),
        ("https://example.org/a/b?c=d#frag", Origin("https", "example.org", 443), "/a/b?c=d"),
        ("https://u:p@example.org:8443/x", Origin("https", "example.org", 8443), "/x"),
        ("http://[::1]:8080/", Origin("http", "::1", 8080), "/"),
        (
            "https://example.org/caf\u00e9 x/%41",
            Origin("https", "example.org", 443),
            "/caf%C3%A9%20x/%41",
        ),
    ],
)
def test_split_url(url: str, origin: Origin, target: str) -> None:
    assert split_url(url) == (origin, target)


def test_origin_forms() -> None:
    assert (HOST.address, HOST.authority, HOST.url) == (
        "api.example.org:8443",
        "api.example.org:8443",
        "https://api.example.org:8443",
    )
    v6 = Origin("https", "::1", 443)
    assert (v6.address, v6.authority) == ("[::1]:443", "[::1]")


@pytest.mark.parametrize(
    "url", ["ftp://u:hunter2@x/", "https://u:hunter2@x:port/", "https:///path"]
)
def test_split_url_refuses_without_echoing(url: str) -> None:
    with pytest.raises(ConnectError) as caught:
        split_url(url)
    assert "hunter2" not in str(caught.value)


def test_proxy_url_credentials_are_decoded_and_masked() -> None:
    proxy = Proxy.from_url("http://al%40ice:p%3Ass@proxy.corp:3128")
    assert proxy.address == Origin("http", "proxy.corp", 3128)
    assert proxy.authorization == "Basic YWxAaWNlOnA6c3M="  # base64 of "al@ice:p:ss"
    assert repr(proxy) == "Proxy('http://proxy.corp:3128', credentials=<redacted>)"
    assert Proxy.from_url("proxy.corp:3128") == Proxy(Origin("http", "proxy.corp", 3128))
    assert Proxy.from_url("http://proxy.corp").address.port == 80


@pytest.mark.parametrize("url", ["https://u:hunter2@proxy:1", "socks5://u:hunter2@proxy:1"])
def test_unsupported_proxy_is_refused_without_echoing(url: str) -> None:
    with pytest.raises(ValueError, match="only http://") as caught:
        Proxy.from_url(url)
    assert "hunter2" not in str(caught.value)


def test_environment_proxy_errors_name_the_variable() -> None:
    with pytest.raises(ValueError, match="HTTPS_PROXY"):
        ProxyRoutes("env", {"HTTPS_PROXY": "socks5://proxy:1080"})


@pytest.mark.parametrize(
    ("no_proxy", "bypassed"),
    [
        ("", False),
        ("*", True),
        ("api.example.org", True),
        ("example.org", True),
        (".example.org", True),
        ("ample.org", False),
        ("other.org, example.org", True),
        ("api.example.org:8443", True),
        ("api.example.org:443", False),
        ("API.Example.org", True),
    ],
)
def test_no_proxy(no_proxy: str, bypassed: bool) -> None:
    routes = ProxyRoutes("env", {"https_proxy": "http://proxy:3128", "NO_PROXY": no_proxy})
    assert (routes.for_origin(HOST) is None) is bypassed


@pytest.mark.parametrize("no_proxy", ["::1", "[::1]", "[::1]:443"])
def test_no_proxy_ipv6(no_proxy: str) -> None:
    routes = ProxyRoutes("env", {"https_proxy": "http://proxy:3128", "no_proxy": no_proxy})
    assert routes.for_origin(Origin("https", "::1", 443)) is None


def test_environment_lowercase_first_and_httpoxy() -> None:
    environ = {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:1"}
    assert ProxyRoutes("env", environ).for_origin(HOST) == Proxy(Origin("http", "lower", 1))
    # Under CGI, HTTP_PROXY may come from a request header: it is ignored there.
    cgi = {"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}
    assert ProxyRoutes("env", cgi).for_origin(Origin("http", "x", 80)) is None


def test_explicit_proxy_applies_to_every_origin() -> None:
    routes = ProxyRoutes("http://proxy:3128", {"NO_PROXY": "*"})
    assert routes.for_origin(HOST) == routes.for_origin(Origin("http", "x", 80)) is not None
    assert ProxyRoutes(None, {"HTTPS_PROXY": "http://proxy:1"}).for_origin(HOST) is None


TEXT = b"".join(b"event %d: some streamed text\n" % n for n in range(300))


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("coding", "encoded"),
    [
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", _raw_deflate(TEXT)),
        ("deflate, gzip", gzip.compress(zlib.compress(TEXT))),
        ("identity", TEXT),
        (None, TEXT),
    ],
)
@pytest.mark.parametrize("step", [1, 7, 1 << 20])
def test_decoding_is_incremental(coding: str | None, encoded: bytes, step: int) -> None:
    decoder = decoder_for(coding)
    pieces = [decoder.decode(encoded[i : i + step]) for i in range(0, len(encoded), step)]
    assert b"".join(pieces) + decoder.flush() == TEXT
    if step == 1 and coding is not None and coding != "identity":
        assert sum(1 for piece in pieces if piece) > 1  # output flowed before the end


def test_corrupt_coding_raises_zlib_error() -> None:
    with pytest.raises(zlib.error):
        decoder_for("gzip").decode(b"definitely not gzip")


def test_unknown_coding_passes_through() -> None:
    assert decoder_for("br").decode(b"\x1b\x00") == b"\x1b\x00"
    assert decoder_for("gzip, br").decode(b"raw") == b"raw"


@pytest.mark.parametrize(
    ("backend", "phase", "expected"),
    [
        (TimeoutError(), Phase.READ, TransportTimeout),
        (TimeoutError(), Phase.CONNECT, TransportTimeout),
        (ConnectionRefusedError(111, "refused"), Phase.CONNECT, ConnectError),
        (ConnectionRefusedError(111, "refused"), Phase.PROXY, ProxyError),
        (ssl.SSLCertVerificationError("bad cert"), Phase.CONNECT, ConnectError),
        (anyio.BrokenResourceError(), Phase.WRITE, WriteError),
        (anyio.BrokenResourceError(), Phase.READ, ReadError),
        (anyio.EndOfStream(), Phase.READ, ReadError),
        (anyio.ClosedResourceError(), Phase.READ, ReadError),
        (h11.RemoteProtocolError("bad status line"), Phase.READ, RemoteProtocolError),
        (h11.RemoteProtocolError("bad status line"), Phase.PROXY, ProxyError),
        (zlib.error("bad gzip"), Phase.READ, RemoteProtocolError),
        (UnicodeError("bad host name"), Phase.CONNECT, ConnectError),
    ],
)
def test_error_table(backend: Exception, phase: Phase, expected: type[Exception]) -> None:
    with pytest.raises(expected) as caught, translated(phase, HOST):
        raise backend
    assert type(caught.value) is expected
    assert "api.example.org:8443" in str(caught.value)
    assert caught.value.__cause__ is backend


def test_error_table_explains_wrapped_os_errors() -> None:
    broken = anyio.BrokenResourceError()
    broken.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    with (
        pytest.raises(ReadError, match=r"BrokenResourceError \(ConnectionResetError: .*reset"),
        translated(Phase.READ, HOST),
    ):
        raise broken


def test_local_protocol_errors_hide_the_offending_value() -> None:
    with pytest.raises(LocalProtocolError) as caught, translated(Phase.WRITE, HOST):
        h11.Request(method="GET", target="/", headers=[("Host", "x"), ("Cookie", "hf=tok\n")])
    assert "tok" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_hfclient_errors_and_other_exceptions_pass_through() -> None:
    with pytest.raises(ReadError, match="as is"), translated(Phase.CONNECT, HOST):
        raise ReadError("as is")
    with pytest.raises(KeyError), translated(Phase.CONNECT, HOST):
        raise KeyError("a bug stays a bug")
