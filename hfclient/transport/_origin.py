"""Where a request goes: its origin (scheme, host, port) and target, split from its URL."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote, urlsplit, urlunsplit

import attrs

from codec.http import HttpRequest
from hfclient.errors import ConnectError

__all__ = ["DEFAULT_PORTS", "Origin", "RequestTarget", "described", "shown_url", "split_url"]

DEFAULT_PORTS: Final = {"http": 80, "https": 443}

# Printable ASCII but space stays as written (existing %-escapes too); the rest is
# percent-encoded as UTF-8, as browsers do, since a request line is ASCII only.
_TARGET_SAFE: Final = "".join(chr(code) for code in range(0x21, 0x7F))


@attrs.frozen(slots=True)
class Origin:
    """Scheme, host and port: what one connection can serve, and the pool's key.

    ``host`` is lowercase and bare (an IPv6 address has no brackets). ``str()``
    gives ``host:port``, the form every error message uses: never the whole
    URL, which may carry credentials.
    """

    scheme: str
    host: str
    port: int

    @property
    def address(self) -> str:
        """``host:port`` with the port always present (a CONNECT target, an error message)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def authority(self) -> str:
        """The Host header value: ``host``, with ``:port`` only when it is not the default."""
        if DEFAULT_PORTS.get(self.scheme) == self.port:
            return f"[{self.host}]" if ":" in self.host else self.host
        return self.address

    @property
    def url(self) -> str:
        """``scheme://host:port``: how the origin is named to users (e.g. in pool statistics)."""
        return f"{self.scheme}://{self.address}"

    def __str__(self) -> str:
        return self.address


class RequestTarget(str):
    """A request target as sent, query included: the ``repr`` shows its path only.

    Query values may be credentials (Hailuo's device ids), and error trackers
    that capture locals print every frame a target passes through.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        path, query, _ = self.partition("?")
        return f"<target {path}{'?' if query else ''}: query not shown>"


def split_url(url: str) -> tuple[Origin, RequestTarget]:
    """The origin of an ``http``/``https`` URL and its origin-form target (path and query).

    Raises :class:`~hfclient.errors.ConnectError` for a URL no connection can
    be made to; the message never repeats the URL, which may hold credentials.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ConnectError(f"cannot send to a {scheme or 'scheme-less'} URL: only http and https")
    try:
        port = parts.port
    except ValueError:
        raise ConnectError("the URL has an invalid port") from None
    parts_host = parts.hostname
    if not parts_host:
        raise ConnectError("the URL has no host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    del parts  # its repr shows the query
    origin = Origin(scheme, parts_host, port or DEFAULT_PORTS[scheme])
    return origin, RequestTarget(quote(target, safe=_TARGET_SAFE))


def shown_url(request: HttpRequest) -> str:
    """The request's URL as error messages name it: secret query values masked, no
    ``user:password@`` (never sent anyway) and no fragment."""
    parts = urlsplit(request.redacted_url())
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def described(origin: Origin, url: str | None) -> str:
    """How an error names an exchange: ``URL (host:port)``, or ``host:port`` with no URL."""
    return f"{url} ({origin})" if url else str(origin)
