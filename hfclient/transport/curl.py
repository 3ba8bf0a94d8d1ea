"""The curl_cffi transport: HTTP through libcurl, presenting a real browser's TLS and HTTP profile.

:class:`CurlTransport` sends each request with ``curl_cffi.requests.AsyncSession``
(``impersonate=...``, ``stream=True``) and reports it as ``ResponseStarted``, one
``BodyChunk`` per piece curl hands over (gzip/deflate/br/zstd already decoded by
curl), and ``BodyEnded``: the TLS handshake, HTTP/2 settings and default headers
the web apps see are those of the browser their own pages run in.

It needs the ``curl`` extra (``pip install 'hfclient[curl]'``): without curl_cffi,
importing this module raises ``ModuleNotFoundError`` (``name="curl_cffi"``) saying
so. It runs under **asyncio only**, since curl_cffi drives libcurl from an asyncio
event loop; under trio, ``open`` raises ``RuntimeError`` (use
:class:`~hfclient.transport.anyio_h11.AnyioH11Transport` there).

What curl_cffi (0.11 to 0.16) does that this module works around or inherits:

- It hands the response head over together with the first body bytes (or once a
  body-less response has ended), so ``ResponseStarted`` comes no earlier; a
  failure before any body byte raises without a ``ResponseStarted``.
- ``Response.aclose()`` waits for the transfer to end instead of stopping it, and
  a cancelled ``request()`` leaves its transfer running. So each exchange learns
  which curl handle carries it (:class:`_Session`) and takes that handle out of
  libcurl's multi handle when the caller leaves early, is cancelled or times out:
  the transfer stops and its connection is closed.
- Its streaming timeout is a whole-second low-speed limit; the read and total
  timeouts here are anyio deadlines around each wait instead. curl keeps the
  connect timeout, since only it knows when connecting ends; it is read from
  the session's ``curl_options`` as each request starts, which is how one
  request gets its own (:attr:`_Session.curl_options`).
- Its pool is of curl handles, one per running transfer (``max_clients``); a
  request waits in ``pop_curl`` for a free one. That wait is timed here on its
  own (``Timeout.pool``, :class:`~hfclient.errors.PoolTimeout`), apart from
  connecting. libcurl's own connection cache, behind the handles, never
  makes a request wait.
- libcurl reads ``*_proxy``/``no_proxy`` itself. Every request sets the proxy
  explicitly (``""`` for none) and ``CURLOPT_NOPROXY`` to ``""``, so the ``proxy``
  argument alone decides, with the rules of ``AnyioH11Transport``.
- It re-quotes URLs (``%7E`` becomes ``~``), which would break a signed query
  (protocols/hailuo.md §4): the URL goes out exactly as ``split_url`` made it.
- Impersonating Chrome makes curl offer plain-http servers an ``h2c`` upgrade,
  which Chrome never does: HTTP/2 is only negotiated over TLS here.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import ssl
from collections.abc import AsyncIterator
from contextlib import aclosing
from contextvars import ContextVar
from os import PathLike, fspath
from typing import Any, Final, TypeAlias

import anyio

from codec.http import HttpRequest
from hfclient._closing import AsyncClosing
from hfclient.errors import (
    ConnectError,
    HfClientError,
    LocalProtocolError,
    PoolTimeout,
    ProxyError,
    ReadError,
    RemoteProtocolError,
    TransportError,
    TransportTimeout,
    WriteError,
)
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import DEFAULT_TIMEOUT, Timeout, TimeoutSetting, as_timeout
from hfclient.transport._deadline import Deadline

from ._origin import Origin, described, shown_url, split_url
from ._proxy import Proxy, ProxyRoutes, ProxySetting

try:
    from curl_cffi import Curl, CurlECode, CurlError, CurlHttpVersion, CurlOpt
    from curl_cffi.requests import AsyncSession, Headers, Response
    from curl_cffi.requests.exceptions import ImpersonateError
except ImportError as exc:
    raise ModuleNotFoundError(
        f"hfclient.transport.curl needs curl_cffi, which could not be imported ({exc}); "
        "install it with: pip install 'hfclient[curl]'",
        name="curl_cffi",
    ) from exc

__all__ = ["DEFAULT_IMPERSONATE", "CurlTransport"]

log = logging.getLogger(__name__)

DEFAULT_IMPERSONATE: Final = "chrome"  # curl_cffi's newest Chrome profile

# Framing is curl's: it sends the body with the Content-Length it computes.
_FRAMING_HEADERS: Final = frozenset({"content-length", "transfer-encoding"})
# Methods for which curl would otherwise add its own form Content-Type.
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNSAFE_VALUE: Final = re.compile(r"[\r\n\x00]")
# curl_cffi's messages: "Failed to perform, curl: (56) Recv failure: ... See https://curl.se/...".
_CURL_MESSAGE: Final = re.compile(r"curl: \(\d+\) (.*?)\.?(?: See https://curl\.se/\S*.*)?\Z", re.S)

_ErrorClass: TypeAlias = type[HfClientError]

# libcurl error code -> hfclient error. Codes are ints (libcurl's ABI) so that older
# curl_cffi releases, whose CurlECode lacks the newer names, read the same table.
_BY_CODE: Final[dict[int, _ErrorClass]] = {
    1: RemoteProtocolError,  # UNSUPPORTED_PROTOCOL: for http(s), a bad HTTP version in the reply
    3: ConnectError,  # URL_MALFORMAT
    5: ProxyError,  # COULDNT_RESOLVE_PROXY
    6: ConnectError,  # COULDNT_RESOLVE_HOST
    7: ConnectError,  # COULDNT_CONNECT (a ProxyError when going through a proxy)
    8: RemoteProtocolError,  # WEIRD_SERVER_REPLY
    16: RemoteProtocolError,  # HTTP2: framing-layer error
    18: ReadError,  # PARTIAL_FILE: the body ended before its framing said
    23: ReadError,  # WRITE_ERROR: the transfer was stopped while delivering the body
    26: WriteError,  # READ_ERROR: reading the request body to upload
    28: TransportTimeout,  # OPERATION_TIMEDOUT: curl's only timeout here is the connect one
    35: ConnectError,  # SSL_CONNECT_ERROR
    45: ConnectError,  # INTERFACE_FAILED
    52: ReadError,  # GOT_NOTHING: closed without a response
    55: WriteError,  # SEND_ERROR
    56: ReadError,  # RECV_ERROR: e.g. reset by peer
    58: ConnectError,  # SSL_CERTPROBLEM
    59: ConnectError,  # SSL_CIPHER
    60: ConnectError,  # PEER_FAILED_VERIFICATION
    61: RemoteProtocolError,  # BAD_CONTENT_ENCODING: a corrupt gzip/deflate body
    65: WriteError,  # SEND_FAIL_REWIND
    77: ConnectError,  # SSL_CACERT_BADFILE
    83: ConnectError,  # SSL_ISSUER_ERROR
    90: ConnectError,  # SSL_PINNEDPUBKEYNOTMATCH
    91: ConnectError,  # SSL_INVALIDCERTSTATUS
    92: ReadError,  # HTTP2_STREAM: the stream was reset
    95: RemoteProtocolError,  # HTTP3
    96: ConnectError,  # QUIC_CONNECT_ERROR
    97: ProxyError,  # PROXY: a proxy handshake failed
    98: ConnectError,  # SSL_CLIENTCERT
    100: RemoteProtocolError,  # TOO_LARGE: e.g. a response head past curl's limit
    101: ConnectError,  # ECH_REQUIRED
}
# What a code means where libcurl gives it no text of its own.
_UNTOLD: Final[dict[int, str]] = {
    100: "the response head or a header is larger than curl accepts",
}
# RECV_ERROR also covers a body the server broke (h11 says RemoteProtocolError
# for the same bytes); only libcurl's message tells the two apart.
_CHUNK_FAULT: Final = re.compile(r"chunk", re.I)

_VERBS: Final[dict[_ErrorClass, str]] = {
    ConnectError: "connecting to",
    TransportTimeout: "connecting to",
    WriteError: "sending the request to",
    ReadError: "reading the response from",
    RemoteProtocolError: "reading the response from",
    TransportError: "exchanging a request with",
}


class _Transfer:
    """Which curl handle carries one exchange, whether it still runs, and its time limits."""

    __slots__ = (
        "aborted",
        "connect_ms",
        "curl",
        "head_scope",
        "head_timeout",
        "origin",
        "pool_wait",
        "released",
        "url",
    )

    def __init__(
        self,
        origin: Origin,
        url: str,
        *,
        pool_wait: float | None = None,
        connect_ms: int | None = None,
        head_timeout: float | None = None,
    ) -> None:
        self.origin = origin
        self.url = url  # as errors show it: shown_url(request)
        self.pool_wait = pool_wait  # seconds to wait for a free curl handle
        self.connect_ms = connect_ms  # curl's CONNECTTIMEOUT_MS for this request
        # Seconds from getting a handle to the response head, and the scope they bound.
        self.head_timeout = head_timeout
        self.head_scope: anyio.CancelScope | None = None
        self.curl: Curl | None = None
        self.released = False  # curl_cffi took the handle back: the transfer is over
        self.aborted = False  # stopped by us before it ended

    @property
    def where(self) -> str:
        """``URL (host:port)``, as error messages name the exchange."""
        return described(self.origin, self.url)


# The exchange whose request() is running in this task: _Session.pop_curl fills it in.
_CURRENT: ContextVar[_Transfer | None] = ContextVar("hfclient_curl_transfer", default=None)


class _Session(AsyncSession[Response]):
    """An ``AsyncSession`` that lets each exchange stop its own transfer.

    curl_cffi takes a curl handle from its pool (``pop_curl``) at the start of every
    request and gives it back (``release_curl``) when the transfer is over; noting
    both is what makes :meth:`abort` safe even once the handle carries another request.
    """

    def __init__(self, **options: Any) -> None:
        self._options: dict[CurlOpt, Any] = {}
        super().__init__(**options)
        self._transfers: dict[Curl, _Transfer] = {}

    @property
    def curl_options(self) -> dict[CurlOpt, Any]:
        """The session's curl options, with the connect timeout of this task's exchange.

        curl_cffi reads them right after ``pop_curl``, in the requesting task.
        """
        transfer = _CURRENT.get()
        if transfer is None or transfer.connect_ms is None:
            return self._options
        return {**self._options, CurlOpt.CONNECTTIMEOUT_MS: transfer.connect_ms}

    @curl_options.setter
    def curl_options(self, options: dict[CurlOpt, Any]) -> None:
        self._options = options

    async def pop_curl(self) -> Curl:
        """Take a curl handle, waiting ``pool_wait`` at most, and tell the exchange which one.

        Raises :class:`~hfclient.errors.PoolTimeout` when none comes free in time.
        Once it has one, the exchange's wait for its response head starts.
        """
        transfer = _CURRENT.get()
        if transfer is None:
            return await super().pop_curl()
        with anyio.move_on_after(transfer.pool_wait) as waited:
            curl = await super().pop_curl()
        if waited.cancelled_caught and transfer.pool_wait is not None:
            raise PoolTimeout(
                f"no free connection to {transfer.origin.url} within {transfer.pool_wait:g} s "
                f"for {transfer.url} ({self.max_clients} in use; raise max_connections)"
            )
        transfer.curl = curl
        self._transfers[curl] = transfer
        scope = transfer.head_scope
        if scope is not None and transfer.head_timeout is not None:
            scope.deadline = min(scope.deadline, anyio.current_time() + transfer.head_timeout)
        return curl

    def release_curl(self, curl: Curl) -> None:
        """Give a handle back; its exchange's transfer is over."""
        transfer = self._transfers.pop(curl, None)
        if transfer is not None:
            transfer.released = True
        super().release_curl(curl)

    def abort(self, transfer: _Transfer) -> None:
        """Stop ``transfer`` if it still runs: libcurl drops it and closes its connection."""
        if transfer.curl is None or transfer.released or transfer.aborted:
            return
        transfer.aborted = True
        if not self._closed:
            self.acurl.remove_handle(transfer.curl)

    def running(self) -> list[_Transfer]:
        """The exchanges whose transfers have not ended."""
        return list(self._transfers.values())


class CurlTransport(AsyncClosing):
    """HTTP client transport over curl_cffi, impersonating a browser (asyncio only).

    Arguments (all keyword-only):

    - ``impersonate``: a curl_cffi browser target (``"chrome"``, ``"chrome146"``,
      ``"safari"``, ``"firefox"``...); default :data:`DEFAULT_IMPERSONATE`. The profile
      brings the browser's default headers (``User-Agent``, ``sec-ch-ua``, ``Accept``,
      ...); a request's own header of the same name replaces the browser's. A target
      this curl_cffi does not know fails each ``open`` with ``ConnectError``.
    - ``verify``: ``True`` (default) verifies servers against curl_cffi's CA bundle
      (``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` replace it when set); a path
      trusts only the CA certificates of that PEM file; ``False`` verifies nothing
      (never with real credentials). Hostnames are checked whenever verifying.
      An ``ssl.SSLContext`` is a ``TypeError``: curl does its own TLS (BoringSSL)
      and cannot use one; pass the CA bundle file the context would load.
    - ``proxy``: as for ``AnyioH11Transport``: ``"env"`` (default, ``HTTPS_PROXY``
      / ``HTTP_PROXY`` / ``NO_PROXY`` read once, now), an ``http://[user:password@]host:port``
      URL for every request, or ``None`` for none. https goes through a CONNECT tunnel.
    - ``timeout``: a :class:`~hfclient.timeouts.Timeout`, or a number of seconds
      for its ``connect``, ``read`` and ``pool`` at once, or ``None`` for no limit;
      default :data:`~hfclient.timeouts.DEFAULT_TIMEOUT`. ``pool`` bounds the wait
      for a free curl handle when ``max_connections`` transfers run
      (``PoolTimeout``); ``connect`` DNS, TCP, the proxy's CONNECT and TLS (curl's
      connect phase; ``None`` leaves curl's own limit, 300 s); ``read`` each wait
      for a body chunk, and the wait for the response, which gets ``connect`` on
      top since curl connects, sends and waits in one step; ``total`` the whole
      exchange, from ``open`` to ``BodyEnded``. Each raises ``TransportTimeout``.
      ``open(..., timeout=)`` replaces it for one exchange.
    - ``max_connections``: how many transfers may run at once (curl_cffi's
      ``max_clients``, one curl handle each); default 100, for all origins together.

    No redirect is followed, and no cookie is kept: a request carries only the
    cookies of its own headers. A transport belongs to the event loop it first
    sends from.
    """

    def __init__(
        self,
        *,
        impersonate: str = DEFAULT_IMPERSONATE,
        verify: bool | str | PathLike[str] | ssl.SSLContext = True,
        proxy: ProxySetting = "env",
        timeout: TimeoutSetting = DEFAULT_TIMEOUT,
        max_connections: int = 100,
    ) -> None:
        if isinstance(verify, ssl.SSLContext):
            raise TypeError(
                "CurlTransport cannot use an ssl.SSLContext: curl does its own TLS; "
                "pass verify= a CA bundle path (PEM), True or False"
            )
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._impersonate = impersonate
        if verify is False:
            log.warning("verify=False: TLS certificates and hostnames are not checked")
        self._verify = verify if isinstance(verify, bool) else fspath(verify)
        self._proxies = ProxyRoutes(proxy)
        self._timeout = as_timeout(timeout)
        self._max_connections = max_connections
        self._session: _Session | None = None
        self._closed = False

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Send ``request``; yield its response's events as they arrive.

        ``timeout`` replaces the transport's own for this exchange (``None``: keep it).
        Raises :class:`~hfclient.errors.TransportError` subclasses for connection
        failures (``ConnectError``, ``ProxyError``, including a TLS certificate that
        does not verify), timeouts (``TransportTimeout``; ``PoolTimeout`` when no
        curl handle came free in time) and broken connections
        (``WriteError``, ``ReadError``: a body cut short comes after the chunks that
        did arrive); :class:`~hfclient.errors.RemoteProtocolError` for a malformed
        response or a corrupt gzip/deflate body; and
        :class:`~hfclient.errors.LocalProtocolError` for a header that cannot be sent
        (CR, LF or NUL in it). Messages name the URL (secret query values masked) and
        ``host:port``, never a header value.
        Leaving early, cancellation or a timeout stops the transfer and closes its
        connection.
        """
        origin, _ = split_url(request.url)
        _check_headers(request)
        shown = shown_url(request)
        session = self._session_for(origin, shown)
        proxy = self._proxies.for_origin(origin)
        limits = self._timeout if timeout is None else timeout
        deadline = Deadline(limits.total)
        head_timeout = None
        if limits.read is not None:
            head_timeout = limits.read + (limits.connect or 0.0)
        transfer = _Transfer(
            origin,
            shown,
            pool_wait=deadline.cap(limits.pool),
            connect_ms=None if limits.connect is None else max(1, round(limits.connect * 1000)),
            head_timeout=head_timeout,
        )
        try:
            response = await self._start(session, transfer, request, proxy, deadline)
            if transfer.aborted:  # aclose() ended it before the response came
                raise ReadError(f"the transport was closed while waiting for {transfer.where}")
            yield ResponseStarted(
                status=response.status_code,
                headers=tuple(
                    (key.decode("latin-1"), (value or b"").decode("latin-1"))
                    for key, value in response.headers.raw
                ),
                reason=response.reason,
            )
            failure: HfClientError | None = None
            ended = False
            queue = response.queue  # set in stream mode: what curl wrote and nobody read yet
            assert queue is not None
            chunks = response.aiter_content()  # type: ignore[no-untyped-call]
            async with aclosing(chunks):
                while not ended:
                    try:
                        with anyio.fail_after(deadline.cap(limits.read)):
                            data = await anext(chunks)
                        # What curl already handed over goes up as one chunk (no wait for it).
                        pieces = [data]
                        while queue.qsize():
                            try:
                                pieces.append(await anext(chunks))
                            except StopAsyncIteration:
                                ended = True
                                break
                            except CurlError as exc:
                                failure = _translate(exc, transfer, proxy, started=True)
                                break
                    except StopAsyncIteration:
                        break
                    except CurlError as exc:
                        failure = _translate(exc, transfer, proxy, started=True)
                    except TimeoutError:
                        failure = TransportTimeout(
                            f"reading the response from {transfer.where} timed out"
                        )
                    else:
                        data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
                        if data:
                            yield BodyChunk(bytes(data))
                    # Raised here, outside the handler: nothing of curl_cffi is chained to it;
                    # after the data that came before it.
                    if failure is not None:
                        raise failure
            if transfer.aborted:  # aclose() stopped it: the body may be cut short
                raise ReadError(f"the transport was closed while reading from {transfer.where}")
            yield BodyEnded()
        finally:
            session.abort(transfer)

    async def aclose(self) -> None:
        """Stop every running transfer and close the session; no new requests after this."""
        self._closed = True
        session, self._session = self._session, None
        if session is None:
            return
        # Marked aborted but left to AsyncCurl.close(), which ends them as finished:
        # their readers then raise ReadError instead of seeing their own task cancelled.
        for transfer in session.running():
            transfer.aborted = True
        await session.close()

    def __repr__(self) -> str:
        return (
            f"CurlTransport(impersonate={self._impersonate!r}, proxies={self._proxies!r}, "
            f"timeout={self._timeout!r}, max_connections={self._max_connections})"
        )

    def _session_for(self, origin: Origin, url: str) -> _Session:
        if self._closed:
            raise ConnectError(f"the transport is closed; cannot connect to {url} ({origin})")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "CurlTransport runs under asyncio only: curl_cffi drives libcurl from an "
                "asyncio event loop (under trio, use AnyioH11Transport)"
            ) from None
        if self._session is None:
            options: dict[CurlOpt, object] = {
                # Chrome speaks HTTP/2 only over TLS; curl would try an h2c upgrade on http.
                CurlOpt.HTTP_VERSION: CurlHttpVersion.V2TLS,
                # libcurl would read no_proxy itself: which origins skip the proxy is ours.
                CurlOpt.NOPROXY: "",
            }
            self._session = _Session(
                loop=loop,
                max_clients=self._max_connections,
                impersonate=self._impersonate,
                verify=self._verify,
                allow_redirects=False,
                discard_cookies=True,
                curl_options=options,
            )
        elif self._session.loop is not loop:
            raise RuntimeError("a CurlTransport belongs to the event loop it first sent from")
        return self._session

    async def _start(
        self,
        session: _Session,
        transfer: _Transfer,
        request: HttpRequest,
        proxy: Proxy | None,
        deadline: Deadline,
    ) -> Response:
        # Wait for a handle, connect, send and wait for the head (curl_cffi: up to the first
        # body bytes). Only the total bounds the handle wait, whose own limit pop_curl sets;
        # the head's limit starts once a handle is taken (pop_curl moves this deadline).
        # The URL, headers and proxy password are made in the call itself, bound to no
        # local of ours: error trackers that capture locals print this frame.
        failure: HfClientError
        token = _CURRENT.set(transfer)
        try:
            with anyio.move_on_after(deadline.cap(None)) as transfer.head_scope:
                return await session.request(
                    request.method,  # type: ignore[arg-type]  # any method, not only its Literal
                    _curl_url(request),
                    headers=_headers(request),
                    content=request.body,
                    proxies={"all": "" if proxy is None else _curl_proxy_url(proxy)},
                    proxy_auth=None if proxy is None else _curl_proxy_auth(proxy),
                    timeout=None,  # curl_cffi's own: see the module docstring
                    accept_encoding="",  # every coding curl can decode (the profile names them)
                    quote=False,
                    stream=True,
                )
            failure = TransportTimeout(f"waiting for the response from {transfer.where} timed out")
        except ImpersonateError:
            failure = ConnectError(
                f"curl_cffi cannot impersonate {self._impersonate!r}; "
                f"cannot connect to {transfer.where}"
            )
        except CurlError as exc:
            failure = _translate(exc, transfer, proxy, started=False)
        finally:
            _CURRENT.reset(token)
            transfer.head_scope = None
        raise failure


def _check_headers(request: HttpRequest) -> None:
    """Refuse a header curl would send wrong: it sends CR and LF as they are."""
    for name, value in request.headers:
        if not _TOKEN.fullmatch(name):
            raise LocalProtocolError("a request header name is not a valid HTTP token")
        if _UNSAFE_VALUE.search(value):
            raise LocalProtocolError(f"the value of request header {name!r} has CR, LF or NUL")


def _curl_url(request: HttpRequest) -> str:
    """The URL curl is given: origin and the percent-encoded target, no fragment."""
    origin, target = split_url(request.url)
    return f"{origin.scheme}://{origin.authority}{target}"


def _headers(request: HttpRequest) -> Headers:
    """The request's headers for curl (checked by :func:`_check_headers` beforehand)."""
    pairs = [(k, v) for k, v in request.headers if k.lower() not in _FRAMING_HEADERS]
    headers = Headers(pairs, encoding="utf-8")
    if request.header("content-type") is None and (
        request.body or request.method.upper() in _BODY_METHODS
    ):
        # "Content-Type:" with no value stops curl adding a form (or octet-stream) type.
        headers["Content-Type"] = None
    return headers


def _curl_proxy_url(proxy: Proxy) -> str:
    """The proxy's URL for curl; its credentials go apart, in :func:`_curl_proxy_auth`."""
    return f"http://{proxy.address.address}"


def _curl_proxy_auth(proxy: Proxy) -> tuple[str, str] | None:
    """The (user, password) for curl, from the Basic credentials the proxy carries."""
    if proxy.authorization is None:
        return None
    user, _, password = (
        base64.b64decode(proxy.authorization.removeprefix("Basic ")).decode().partition(":")
    )
    return user, password


def _translate(
    exc: CurlError, transfer: _Transfer, proxy: Proxy | None, *, started: bool
) -> HfClientError:
    """The hfclient error for a curl failure; ``started``: after the response head arrived."""
    code = int(exc.code)
    fallback: _ErrorClass = ReadError if started else TransportError
    error_class = _BY_CODE.get(code, fallback)
    if proxy is not None and code == 7:
        # Through a proxy curl only ever connects to the proxy; a refused CONNECT
        # ("CONNECT tunnel failed, response 407") is reported with this code too.
        error_class = ProxyError
    match = _CURL_MESSAGE.search(str(exc))
    # Only libcurl's own text, never the rest: curl_cffi's setopt errors quote the value set.
    told = match.group(1).strip() if match else ""
    if code == 56 and _CHUNK_FAULT.search(told):
        error_class = RemoteProtocolError
    said = told or _UNTOLD.get(code, type(exc).__name__)
    detail = f"{said} (curl error {_code_name(code)})"
    if error_class is ProxyError and proxy is not None:
        return ProxyError(f"talking to proxy {proxy.address} for {transfer.where} failed: {detail}")
    verb = _VERBS.get(error_class, "connecting to")
    return error_class(f"{verb} {transfer.where} failed: {detail}")


def _code_name(code: int) -> str:
    try:
        return f"{code} {CurlECode(code).name}"
    except ValueError:
        return str(code)
