"""The settings every client shares, the transport they make, and ``with_options``.

A client owns the transport it made from its settings (``proxy=``,
``verify=``, the pool) and closes it; a copy made by ``with_options`` shares
that transport and owns nothing. ``timeout`` and ``headers`` travel with
each request, so a copy can change them without a transport of its own.
"""

from __future__ import annotations

import copy
import os
import ssl
from collections.abc import Mapping
from typing import Final, Literal, Self, TypeAlias

import attrs

from hfclient._closing import AsyncClosing
from hfclient.exchange import Transport
from hfclient.timeouts import Timeout, TimeoutSetting, as_timeout

__all__ = ["NOT_GIVEN", "ClientBase", "NotGiven", "Settings", "TransportChoice", "Verify"]

TransportChoice: TypeAlias = Transport | Literal["anyio", "curl"] | None
"""``None`` or ``"anyio"``: the default anyio+h11 transport; ``"curl"``: curl_cffi
(``pip install hfclient[curl]``); or a transport object the caller made and closes."""

Verify: TypeAlias = bool | str | os.PathLike[str] | ssl.SSLContext
"""How servers are verified: ``True`` the system trust store, a path a CA bundle,
an ``SSLContext`` as given, ``False`` not at all (never outside a test)."""


class NotGiven:
    """The default of a setting the caller left alone (``None`` means something)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> Literal[False]:
        return False


NOT_GIVEN: Final = NotGiven()


@attrs.frozen(slots=True)
class Settings:
    """What a client adds to each call: its timeout and its extra headers.

    ``timeout`` ``None`` leaves the transport's own (a transport the caller
    made keeps its settings unless a timeout is given).
    """

    timeout: Timeout | None = None
    headers: tuple[tuple[str, str], ...] = ()

    def with_headers(self, headers: Mapping[str, str]) -> Settings:
        """These settings with ``headers`` added; a name already set takes the new value."""
        names = {name.lower() for name in headers}
        kept = tuple((k, v) for k, v in self.headers if k.lower() not in names)
        return attrs.evolve(self, headers=kept + _header_items(headers))


def _header_items(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    items = tuple(headers.items())
    for name, value in items:
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("headers= maps header names to string values")
    return items


def make_transport(
    choice: TransportChoice,
    *,
    timeout: Timeout,
    proxy: str | NotGiven | None,
    verify: Verify | NotGiven,
) -> tuple[Transport, bool]:
    """The transport to use and whether the client owns (and so closes) it."""
    made = choice is None or choice in ("anyio", "curl")
    if not made and not (isinstance(proxy, NotGiven) and isinstance(verify, NotGiven)):
        raise TypeError(
            "proxy= and verify= configure the transport the client makes; "
            "give them to your own transport instead"
        )
    proxy_setting = "env" if isinstance(proxy, NotGiven) else proxy
    verify_setting = True if isinstance(verify, NotGiven) else verify
    if choice is None or choice == "anyio":
        from hfclient.transport.anyio_h11 import AnyioH11Transport

        transport = AnyioH11Transport(timeout=timeout, proxy=proxy_setting, verify=verify_setting)
        return transport, True
    if choice == "curl":
        from hfclient.transport.curl import CurlTransport

        return CurlTransport(timeout=timeout, proxy=proxy_setting, verify=verify_setting), True
    return choice, False


class ClientBase(AsyncClosing):
    """Settings, transport ownership, ``with_options`` and ``async with``, for every client."""

    _DEFAULT_TIMEOUT: Timeout = Timeout()

    def __init__(
        self,
        *,
        transport: TransportChoice,
        timeout: TimeoutSetting | NotGiven,
        headers: Mapping[str, str] | None,
        proxy: str | NotGiven | None,
        verify: Verify | NotGiven,
    ) -> None:
        given = None if isinstance(timeout, NotGiven) else as_timeout(timeout)
        self._transport, self._owns_transport = make_transport(
            transport, timeout=given or self._DEFAULT_TIMEOUT, proxy=proxy, verify=verify
        )
        # A transport the caller made keeps its own timeouts unless one is given here.
        if given is None and self._owns_transport:
            given = self._DEFAULT_TIMEOUT
        self._settings = Settings(timeout=given).with_headers(headers or {})

    @property
    def timeout(self) -> Timeout | None:
        """The timeout each request gets (``None``: the caller's transport decides)."""
        return self._settings.timeout

    def with_options(
        self,
        *,
        timeout: TimeoutSetting | NotGiven = NOT_GIVEN,
        headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy of this client with other settings, sharing its transport and caches.

        ``headers`` are added to the client's (a name already set takes the
        new value). Closing the copy leaves the transport to this client.
        """
        clone = copy.copy(self)
        clone._owns_transport = False
        settings = self._settings
        if not isinstance(timeout, NotGiven):
            settings = attrs.evolve(settings, timeout=as_timeout(timeout))
        clone._settings = settings.with_headers(headers or {})
        return clone

    async def aclose(self) -> None:
        """Close the transport, if this client made it."""
        if self._owns_transport:
            await self._transport.aclose()
