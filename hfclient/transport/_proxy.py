"""HTTP proxies: which one an origin goes through, and the CONNECT handshake of a tunnel.

Proxy credentials live only in :attr:`Proxy.authorization`, which no
``repr`` and no error message shows.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Literal, TypeAlias
from urllib.parse import unquote, urlsplit

import attrs
from anyio.abc import ByteStream

from hfclient.errors import ProxyError

from ._connection import H11Connection
from ._errors import Phase
from ._origin import Origin, described

__all__ = ["Proxy", "ProxyRoutes", "ProxySetting", "open_tunnel"]

ProxySetting: TypeAlias = str | Literal["env"] | None


@attrs.frozen(slots=True, repr=False)
class Proxy:
    """An HTTP proxy: its address and, when its URL had any, the credentials it gets."""

    address: Origin
    authorization: str | None = None  # the Proxy-Authorization value: a secret

    @classmethod
    def from_url(cls, url: str, *, source: str = "proxy") -> Proxy:
        """Parse ``http://[user:password@]host[:port]`` (a bare ``host:port`` means http).

        Raises ``ValueError`` naming ``source``; the message never repeats the
        URL, which may hold credentials.
        """
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme.lower() != "http":
            raise ValueError(f"{source}: only http:// proxies are supported, not {parts.scheme}://")
        try:
            port = parts.port or 80
        except ValueError:
            raise ValueError(f"{source}: the proxy URL has an invalid port") from None
        if not parts.hostname:
            raise ValueError(f"{source}: the proxy URL has no host")
        authorization = None
        if parts.username is not None:
            pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        return cls(Origin("http", parts.hostname, port), authorization)

    def __repr__(self) -> str:
        credentials = "<redacted>" if self.authorization else None
        return f"Proxy({self.address.url!r}, credentials={credentials})"


class ProxyRoutes:
    """Decides, per origin, which proxy (if any) a connection goes through.

    ``setting`` is a proxy URL for every origin, ``None`` for none, or
    ``"env"``: ``https_proxy``/``HTTPS_PROXY`` for https origins and
    ``http_proxy``/``HTTP_PROXY`` for http ones (lowercase first), except
    hosts ``no_proxy``/``NO_PROXY`` lists. The environment is read once, here.
    """

    def __init__(self, setting: ProxySetting, environ: Mapping[str, str] = os.environ) -> None:
        self._by_scheme: dict[str, Proxy] = {}
        self._no_proxy: tuple[str, ...] = ()
        if setting == "env":
            for scheme in ("http", "https"):
                name, url = _from_env(environ, f"{scheme}_proxy")
                if url:
                    self._by_scheme[scheme] = Proxy.from_url(url, source=name)
            _, no_proxy = _from_env(environ, "no_proxy")
            self._no_proxy = tuple(
                e.strip().lower() for e in (no_proxy or "").split(",") if e.strip()
            )
        elif setting is not None:
            proxy = Proxy.from_url(setting)
            self._by_scheme = {"http": proxy, "https": proxy}

    def for_origin(self, origin: Origin) -> Proxy | None:
        """The proxy to reach ``origin`` through, or ``None`` to connect directly."""
        proxy = self._by_scheme.get(origin.scheme)
        if proxy is None or any(_matches(entry, origin) for entry in self._no_proxy):
            return None
        return proxy

    def __repr__(self) -> str:
        return f"ProxyRoutes({self._by_scheme!r}, no_proxy={self._no_proxy!r})"


def _from_env(environ: Mapping[str, str], name: str) -> tuple[str, str | None]:
    # Under CGI, HTTP_PROXY can come from a client's "Proxy:" header (httpoxy, CVE-2016-5385).
    upper_allowed = name != "http_proxy" or "REQUEST_METHOD" not in environ
    for candidate in (name, name.upper()) if upper_allowed else (name,):
        if environ.get(candidate):
            return candidate, environ[candidate]
    return name, None


def _matches(entry: str, origin: Origin) -> bool:
    # NO_PROXY entries: "*", a host or domain suffix (".example.com" or "example.com"),
    # an IP address ("::1" or "[::1]"), each optionally with ":port". No CIDR ranges.
    if entry == "*":
        return True
    host, port = entry, None
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] or None
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    if port is not None and port != str(origin.port):
        return False
    host = host.lstrip(".")
    return origin.host == host or origin.host.endswith("." + host)


async def open_tunnel(
    stream: ByteStream, proxy: Proxy, origin: Origin, url: str | None = None
) -> None:
    """Ask the proxy ``stream`` is connected to for a CONNECT tunnel to ``origin``.

    On return the stream carries the tunnel. A refusal raises
    :class:`~hfclient.errors.ProxyError` with the proxy's status, never the
    credentials; errors name ``url``, the request's URL as ``shown_url`` shows it.
    The caller's connect timeout bounds the whole handshake.
    """
    handshake = H11Connection(stream, proxy.address, phases=(Phase.PROXY, Phase.PROXY), url=url)
    wanted = described(origin, url)
    headers = [("Host", origin.address)]
    if proxy.authorization is not None:
        headers.append(("Proxy-Authorization", proxy.authorization))
    await handshake.send("CONNECT", origin.address, headers, b"", timeout=None)
    response = await handshake.read_response(timeout=None)
    if not 200 <= response.status_code < 300:
        reason = response.reason.decode("latin-1")
        raise ProxyError(
            f"proxy {proxy.address} refused CONNECT to {wanted}: {response.status_code} {reason}",
            status=response.status_code,
        )
    # The server speaks only after the client's TLS hello, so early bytes mean a confused proxy.
    if handshake.unread():
        raise ProxyError(f"proxy {proxy.address} sent data before the tunnel to {wanted} was used")
