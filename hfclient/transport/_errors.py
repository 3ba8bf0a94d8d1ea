"""Backend exceptions translated into hfclient errors, by one table.

Every socket, TLS, anyio, h11 and zlib call of the transport runs inside
:func:`translated`, so no bare backend exception reaches a caller. Messages
name the request's URL as :func:`~._origin.shown_url` shows it (secret query
values masked) and the peer as ``host:port``, and never a header value.
"""

from __future__ import annotations

import enum
import zlib
from typing import Final, TypeAlias

import anyio
import h11

from hfclient.errors import (
    ConnectError,
    HfClientError,
    LocalProtocolError,
    ProxyError,
    ReadError,
    RemoteProtocolError,
    TransportTimeout,
    WriteError,
)

from ._origin import Origin, described

__all__ = ["Phase", "translated"]


class Phase(enum.Enum):
    """What the transport was doing when a backend call failed: it picks the error class."""

    CONNECT = "connect"  # DNS, TCP, TLS handshake
    PROXY = "proxy"  # reaching the proxy, the CONNECT handshake
    WRITE = "write"  # sending the request
    READ = "read"  # reading the response, decoding its body


# What was being done, with the request's URL when known ({url}) and the peer ({peer}).
_SUBJECTS: Final = {
    Phase.CONNECT: ("connecting to {url} ({peer})", "connecting to {peer}"),
    Phase.PROXY: ("talking to proxy {peer} for {url}", "talking to proxy {peer}"),
    Phase.WRITE: ("sending the request to {url} ({peer})", "sending the request to {peer}"),
    Phase.READ: ("reading the response from {url} ({peer})", "reading the response from {peer}"),
}

_Kinds: TypeAlias = type[BaseException] | tuple[type[BaseException], ...]
_Errors: TypeAlias = type[HfClientError]

_IO_ERRORS: Final = (
    OSError,
    anyio.EndOfStream,
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
)

# Backend exception -> hfclient error: the usual one, then the phases where it differs.
# The first matching row wins, so TimeoutError (an OSError) comes before OSError.
_TABLE: Final[tuple[tuple[_Kinds, _Errors, dict[Phase, _Errors]], ...]] = (
    (TimeoutError, TransportTimeout, {}),
    (h11.LocalProtocolError, LocalProtocolError, {}),  # our request is not valid HTTP/1.1
    (h11.RemoteProtocolError, RemoteProtocolError, {Phase.PROXY: ProxyError}),
    (zlib.error, RemoteProtocolError, {}),  # a corrupt gzip/deflate body
    (
        _IO_ERRORS,
        ReadError,
        {Phase.CONNECT: ConnectError, Phase.PROXY: ProxyError, Phase.WRITE: WriteError},
    ),
    (UnicodeError, ConnectError, {Phase.PROXY: ProxyError, Phase.WRITE: LocalProtocolError}),
)


_BACKEND_ERRORS: Final = (TimeoutError, h11.ProtocolError, zlib.error, *_IO_ERRORS, UnicodeError)


def _subject(phase: Phase, peer: Origin, url: str | None) -> str:
    """What the transport was doing, for an error message: ``connecting to URL (host:port)``."""
    with_url, without = _SUBJECTS[phase]
    return with_url.format(url=url, peer=peer) if url else without.format(peer=peer)


class translated:  # lower case: used as the function it once was, ``with translated(...)``
    """Run a block whose backend exceptions become the hfclient error the table names.

    ``url`` is the request's URL as :func:`~._origin.shown_url` shows it. A
    class, not a generator context manager: it runs several times per body read.
    """

    __slots__ = ("_peer", "_phase", "_url")

    def __init__(self, phase: Phase, peer: Origin, url: str | None = None) -> None:
        self._phase, self._peer, self._url = phase, peer, url

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        if exc is None or isinstance(exc, HfClientError) or not isinstance(exc, _BACKEND_ERRORS):
            return  # nothing raised, or nothing to translate: it goes on as it is
        phase, peer, url = self._phase, self._peer, self._url
        error = _translate(exc, _subject(phase, peer, url), phase, described(peer, url))
        # h11 may quote what it refused, e.g. a header value that is a credential.
        if isinstance(exc, h11.LocalProtocolError):
            raise error from None
        raise error from exc


def _translate(exc: BaseException, doing: str, phase: Phase, peer: str) -> HfClientError:
    error_class = next(
        by_phase.get(phase, usual) for kinds, usual, by_phase in _TABLE if isinstance(exc, kinds)
    )
    if isinstance(exc, TimeoutError):
        return error_class(f"{doing} timed out")
    if isinstance(exc, h11.LocalProtocolError):
        return error_class(
            f"the request for {peer} is not valid HTTP/1.1 (a header name or value?)"
        )
    return error_class(f"{doing} failed: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    # anyio wraps the informative OS error ("connection refused", "reset by peer") as the cause.
    text = str(exc) or type(exc).__name__
    cause = exc.__cause__
    if isinstance(cause, BaseExceptionGroup):
        return f"{text} ({'; '.join(str(sub) or type(sub).__name__ for sub in cause.exceptions)})"
    if cause is not None:
        return f"{text} ({type(cause).__name__}: {cause})" if str(cause) else text
    return text
