"""The default transport: HTTP/1.1 over anyio TCP and TLS, driven by h11.

One ``open`` is one exchange: take a pooled connection (or open one: TCP,
maybe a proxy CONNECT tunnel, TLS), send the request, then yield
``ResponseStarted``, a ``BodyChunk`` per body read (all the payload framed
from it, gzip/deflate decoded on the fly), and ``BodyEnded``. The connection goes
back to the pool only after a body read to its end, with nothing after it, on a
connection neither side asked to close; leaving early, an error or a
cancellation closes it instead.
"""

from __future__ import annotations

import logging
import os
import ssl
from collections.abc import AsyncIterator
from typing import Final, TypeAlias

import anyio
import attrs
import h11
from anyio.abc import ByteStream
from anyio.streams.tls import TLSStream

from codec.http import HttpRequest
from hfclient._closing import AsyncClosing
from hfclient._version import __version__
from hfclient.errors import RemoteProtocolError, TransportError, TransportTimeout
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.timeouts import DEFAULT_TIMEOUT, Timeout, TimeoutSetting, as_timeout
from hfclient.transport._deadline import Deadline

from ._connection import H11Connection, Headers
from ._decoding import ACCEPT_ENCODING, IDENTITY, decoder_for
from ._errors import Phase, translated
from ._origin import Origin, RequestTarget, shown_url, split_url
from ._pool import ConnectionPool
from ._proxy import Proxy, ProxyRoutes, ProxySetting, open_tunnel

__all__ = ["DEFAULT_USER_AGENT", "AnyioH11Transport", "OriginStats", "VerifySetting"]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT: Final = f"hfclient/{__version__}"

# Framing is ours: the body always goes out with the Content-Length computed here.
_FRAMING_HEADERS: Final = frozenset({"content-length", "transfer-encoding"})
# Methods a server may safely get twice (RFC 9110 §9.2.2): only these are re-sent.
_IDEMPOTENT: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# Methods whose empty body is still announced (servers may answer 411 otherwise).
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})

VerifySetting: TypeAlias = bool | str | os.PathLike[str] | ssl.SSLContext
"""What ``verify=`` takes: ``True`` (the system trust store), a CA bundle path,
``False`` (no verification) or an ``ssl.SSLContext`` used as it is."""


@attrs.frozen(slots=True)
class OriginStats:
    """How many connections the pool holds open for one origin."""

    idle: int
    in_use: int


class AnyioH11Transport(AsyncClosing):
    """HTTP/1.1 client transport over anyio (asyncio or trio), with a keep-alive pool.

    Arguments (all keyword-only):

    - ``verify``: how servers are verified. ``True`` (default): against the
      system trust store, hostnames checked; a path (``str`` or ``os.PathLike``):
      against the CA certificates of that PEM file only, hostnames checked;
      ``False``: not at all (never with real credentials); an ``ssl.SSLContext``:
      used as it is. The context is made when the first https origin is
      connected, so a transport used only for http:// never loads a trust store.
    - ``proxy``: ``"env"`` (default) takes the proxy from ``HTTPS_PROXY`` /
      ``HTTP_PROXY`` and honours ``NO_PROXY``, read once when the transport is
      made; a URL ``http://[user:password@]host:port`` sends every request through
      that proxy; ``None`` never uses one. Only http:// proxies; https targets
      go through a CONNECT tunnel, http ones as absolute-form requests.
    - ``timeout``: a :class:`~hfclient.timeouts.Timeout`, or a number of seconds
      for its ``connect``, ``read`` and ``pool`` at once, or ``None`` for no limit;
      default :data:`~hfclient.timeouts.DEFAULT_TIMEOUT`. ``pool`` bounds the wait
      for a free connection when the pool is at its limits (``PoolTimeout``);
      ``connect`` then bounds DNS, TCP, the proxy's CONNECT and TLS together;
      ``read`` any single read or write; ``total`` the whole exchange, from
      ``open`` to ``BodyEnded``. Each raises ``TransportTimeout``. ``open(...,
      timeout=)`` replaces it for one exchange.
    - ``max_connections_per_origin`` and ``max_connections``: how many connections
      may be open (idle or in use) per (scheme, host, port), and in all; 100 each,
      so one transport carries 100 concurrent streams to one origin.
    - ``user_agent``: sent when the request has no ``User-Agent`` of its own.

    Errors name the request's URL (secret query values masked) and ``host:port``.
    One transport is safe to share between tasks of one event loop.
    """

    def __init__(
        self,
        *,
        verify: VerifySetting = True,
        proxy: ProxySetting = "env",
        timeout: TimeoutSetting = DEFAULT_TIMEOUT,
        max_connections_per_origin: int = 100,
        max_connections: int = 100,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if max_connections_per_origin < 1 or max_connections < 1:
            raise ValueError("connection limits must be at least 1")
        self._verify = _checked_verify(verify)
        self._ssl_context: ssl.SSLContext | None = None  # made on the first https connect
        self._proxies = ProxyRoutes(proxy)
        self._timeout = as_timeout(timeout)
        self._user_agent = user_agent
        self._pool: ConnectionPool[H11Connection] = ConnectionPool(
            per_origin=max_connections_per_origin, total=max_connections
        )

    async def open(
        self, request: HttpRequest, *, timeout: Timeout | None = None
    ) -> AsyncIterator[ResponseEvent]:
        """Send ``request``; yield its response's events as they arrive.

        ``timeout`` replaces the transport's own for this exchange (``None``: keep it).
        Raises :class:`~hfclient.errors.TransportError` subclasses for
        connection failures (``ConnectError``, ``ProxyError``), timeouts
        (``TransportTimeout``; ``PoolTimeout`` when no pooled connection came
        free in time) and broken connections (``WriteError``,
        ``ReadError``: a body cut short comes after the chunks that did arrive);
        :class:`~hfclient.errors.RemoteProtocolError` for a response that is not
        valid HTTP/1.1 or a body whose gzip/deflate coding is corrupt; and
        :class:`~hfclient.errors.LocalProtocolError` for a request that cannot be
        sent (an illegal header). A URL that is not http(s) is a ``ConnectError``.
        """
        origin, target = split_url(request.url)
        proxy = self._proxies.for_origin(origin)
        limits = self._timeout if timeout is None else timeout
        exchange = _Exchange(origin, proxy, shown_url(request), limits, Deadline(limits.total))
        if proxy is not None and origin.scheme == "http":
            target = RequestTarget(f"http://{origin.authority}{target}")  # absolute, for the proxy
        headers = self._headers(request, origin, proxy)
        conn, response = await self._start(exchange, request, target, headers)
        cap = exchange.deadline.cap
        done = False
        try:
            yield ResponseStarted(
                status=response.status_code,
                headers=tuple(
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in response.headers.raw_items()
                ),
                reason=response.reason.decode("latin-1"),
            )
            decoder = decoder_for(_header(response.headers.raw_items(), b"content-encoding"))
            plain = decoder is IDENTITY
            while (data := await conn.read_body(cap(limits.read))) is not None:
                if plain:  # nothing to decode, nothing that can fail
                    yield BodyChunk(data)
                    continue
                with translated(Phase.READ, origin, exchange.url):
                    chunk = decoder.decode(data)
                while chunk:  # bounded pieces: a gzip bomb inflates only as far as it is read
                    yield BodyChunk(chunk)
                    with translated(Phase.READ, origin, exchange.url):
                        chunk = decoder.more()
            with translated(Phase.READ, origin, exchange.url):
                tail = decoder.flush()
            if tail:
                yield BodyChunk(tail)
            # Released before BodyEnded: a caller may stop iterating as soon as it sees it.
            done = True
            await self._pool.checkin(origin, conn, reusable=conn.start_next_cycle())
            yield BodyEnded()
        finally:
            if not done:
                await self._pool.checkin(origin, conn, reusable=False)

    def pool_stats(self) -> dict[str, OriginStats]:
        """Open connections per origin (``"https://host:port"``): idle, and in use."""
        return {
            origin.url: OriginStats(idle, in_use)
            for origin, (idle, in_use) in self._pool.stats().items()
        }

    async def aclose(self) -> None:
        """Close every pooled connection; the transport takes no new requests after this."""
        await self._pool.aclose()

    def __repr__(self) -> str:
        return f"AnyioH11Transport(proxies={self._proxies!r}, timeout={self._timeout!r})"

    def _headers(self, request: HttpRequest, origin: Origin, proxy: Proxy | None) -> Headers:
        headers = Headers(
            [] if request.header("host") is not None else [("Host", origin.authority)]
        )
        headers += [(k, v) for k, v in request.headers if k.lower() not in _FRAMING_HEADERS]
        if request.header("user-agent") is None:
            headers.append(("User-Agent", self._user_agent))
        if request.header("accept-encoding") is None:
            headers.append(("Accept-Encoding", ACCEPT_ENCODING))
        if request.body or request.method.upper() in _BODY_METHODS:
            headers.append(("Content-Length", str(len(request.body))))
        if proxy is not None and origin.scheme == "http" and proxy.authorization is not None:
            headers.append(("Proxy-Authorization", proxy.authorization))
        return headers

    async def _start(
        self,
        exchange: _Exchange,
        request: HttpRequest,
        target: str,
        headers: list[tuple[str, str]],
    ) -> tuple[H11Connection, h11.Response]:
        # Send and read the response head; retry once, on a new connection, when a reused one
        # fails before any response byte: the server most likely closed it while it sat idle.
        retried = False
        read_timeout = exchange.limits.read
        while True:
            conn, reused = await self._checkout(exchange, fresh=retried)
            conn.url = exchange.url
            try:
                await conn.send(
                    request.method,
                    target,
                    headers,
                    request.body,
                    exchange.deadline.cap(read_timeout),
                )
                return conn, await conn.read_response(exchange.deadline.cap(read_timeout))
            except BaseException as exc:
                await self._pool.checkin(exchange.origin, conn, reusable=False)
                # Sent again only when that cannot do a thing twice (an idempotent method).
                idempotent = request.method.upper() in _IDEMPOTENT
                if retried or not reused or conn.received_any or not idempotent or not _stale(exc):
                    raise
                retried = True

    async def _checkout(self, exchange: _Exchange, *, fresh: bool) -> tuple[H11Connection, bool]:
        # Two phases, two timeouts: waiting for room in the pool (PoolTimeout, raised by the
        # pool), then connecting, which alone runs under the connect timeout.
        origin, deadline = exchange.origin, exchange.deadline

        async def connect() -> H11Connection:
            with (
                translated(Phase.CONNECT, origin, exchange.url),
                anyio.fail_after(deadline.cap(exchange.limits.connect)),
            ):
                return H11Connection(await self._connect(exchange), origin)

        while True:
            conn, reused = await self._pool.checkout(
                origin,
                connect,
                reuse=not fresh,
                wait=deadline.cap(exchange.limits.pool),
                url=exchange.url,
            )
            if not (reused and conn.readable_while_idle()):
                return conn, reused
            await self._pool.checkin(origin, conn, reusable=False)  # closed or spoke unasked

    async def _connect(self, exchange: _Exchange) -> ByteStream:
        # Runs under the connect timeout and translated(CONNECT): errors name the URL.
        origin, proxy = exchange.origin, exchange.proxy
        stream: ByteStream
        if proxy is None:
            stream = await anyio.connect_tcp(origin.host, origin.port)
        else:
            with translated(Phase.PROXY, proxy.address, exchange.url):
                stream = await anyio.connect_tcp(proxy.address.host, proxy.address.port)
        try:
            if proxy is not None and origin.scheme == "https":
                await open_tunnel(stream, proxy, origin, exchange.url)
            if origin.scheme == "https":
                # HTTP frames its own bodies, so a peer closing without close_notify is no error.
                stream = await TLSStream.wrap(
                    stream,
                    hostname=origin.host,
                    ssl_context=self._tls_context(),
                    standard_compatible=False,
                )
        except BaseException:
            await anyio.aclose_forcefully(stream)
            raise
        return stream

    def _tls_context(self) -> ssl.SSLContext:
        # Made once, on the first https connect: loading a trust store takes a while.
        if self._ssl_context is None:
            self._ssl_context = _context_for(self._verify)
        return self._ssl_context


@attrs.frozen(slots=True)
class _Exchange:
    """What one ``open`` needs all along: where it goes, how it is named, its time limits."""

    origin: Origin
    proxy: Proxy | None
    url: str  # as errors show it: shown_url(request)
    limits: Timeout
    deadline: Deadline


def _checked_verify(verify: VerifySetting) -> bool | str | ssl.SSLContext:
    # Checked now, loaded later: a typo in a CA path should fail where it was written.
    if verify is False:
        log.warning("verify=False: TLS certificates and hostnames are not checked")
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    if isinstance(verify, str | os.PathLike):
        path = os.fspath(verify)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"verify: no CA bundle file at {path!r}")
        return path
    raise TypeError(
        f"verify is True, False, a CA bundle path or an ssl.SSLContext, not {type(verify).__name__}"
    )


def _context_for(verify: bool | str | ssl.SSLContext) -> ssl.SSLContext:
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if verify is True:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=verify)


def _stale(exc: BaseException) -> bool:
    # A timeout means a slow server, not a closed connection: retrying would double the wait.
    return isinstance(exc, TransportError | RemoteProtocolError) and not isinstance(
        exc, TransportTimeout
    )


def _header(items: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    return next((v.decode("latin-1") for k, v in items if k.lower() == name), None)
