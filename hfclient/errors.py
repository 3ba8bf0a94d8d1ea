"""The one error tree of hfclient: every exception it raises is an ``HfClientError``.

No message, ``repr`` or attribute of these errors ever holds a credential:
bodies and headers are kept as the service sent them, and the service does
not echo tokens back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from codec.errorkinds import ERROR_KINDS, ErrorKind
from codec.errors import CodecError

if TYPE_CHECKING:
    from hfclient.completion import Completion

__all__ = [
    "ERROR_CLASSES",
    "AllProvidersFailedError",
    "ArgumentError",
    "ConnectError",
    "DecodeError",
    "FixtureMissError",
    "ForbiddenError",
    "HTTPStatusError",
    "HfClientError",
    "IncompleteStreamError",
    "InvalidRequestError",
    "LocalProtocolError",
    "MissingAuthError",
    "ModelNotSupportedError",
    "NotFoundError",
    "OverloadedError",
    "PaymentRequiredError",
    "PoolTimeout",
    "ProviderAttempt",
    "ProxyError",
    "RateLimitError",
    "ReadError",
    "RemoteProtocolError",
    "ServerError",
    "StreamServiceError",
    "TransportError",
    "TransportTimeout",
    "WriteError",
    "redact",
    "redacted_body",
]


class HfClientError(Exception):
    """Root of every error hfclient raises.

    ``partial`` is what a ``complete()`` call had gathered when the error
    ended it (a :class:`~hfclient.completion.Completion`: text, reasoning,
    usage and provider so far), else ``None``.
    """

    partial: Completion | None = None


class LocalProtocolError(HfClientError):
    """A protocol machine was driven wrongly (an input its state does not allow).

    The machine is left in its ``ERROR`` state and accepts nothing more.
    """


class ArgumentError(LocalProtocolError, ValueError):
    """A call's arguments cannot be sent (messages, model, URL, a value JSON has no form for).

    Raised when the call is made, before any request; also a ``ValueError``.
    """


class RemoteProtocolError(HfClientError):
    """The service broke its own protocol (e.g. a response the spec does not allow)."""


class IncompleteStreamError(RemoteProtocolError):
    """The body ended before the service's end signal.

    ``events`` holds the unified events decoded in the failing call, which
    the stream helpers deliver before raising, so nothing is lost.
    """

    def __init__(self, message: str, *, events: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.events: list[object] = list(events)


class DecodeError(HfClientError, CodecError):
    """A body that cannot be decoded: a :class:`codec.errors.CodecError` seen from hfclient.

    Carries ``offset``, ``line`` and ``events`` of the codec error it translates.
    """

    @classmethod
    def from_codec(cls, error: CodecError) -> DecodeError:
        """Translate a codec error once, at a machine's boundary."""
        translated = cls(error.message, offset=error.offset, line=error.line, events=error.events)
        translated.__cause__ = error
        return translated


class HTTPStatusError(HfClientError):
    """The service answered with an error status.

    ``message`` is the server's own message, parsed from the service's error
    body shapes; ``body`` the raw body (bytes, possibly cut short);
    ``provider`` the inference provider that answered, when there is one;
    ``retry_after`` the seconds to wait, when the service said.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: bytes = b"",
        provider: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.provider = provider
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f" from {self.provider}" if self.provider else ""
        status = f"HTTP {self.status}{where}: " if self.status is not None else ""
        return f"{status}{self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, "
            f"provider={self.provider!r}, retry_after={self.retry_after!r})"
        )


class MissingAuthError(HTTPStatusError):
    """A credential is missing or was rejected; the message names what to provide.

    ``status`` is ``None`` when the credential was missing before any request.
    """


class PaymentRequiredError(HTTPStatusError):
    """HTTP 402: the account has no credits left for this provider."""


class RateLimitError(HTTPStatusError):
    """HTTP 429 (or an in-band "too many messages"); ``retry_after`` when the service said."""


class ModelNotSupportedError(HTTPStatusError):
    """The model is unknown, retired, or served by no provider for chat."""


class ForbiddenError(HTTPStatusError):
    """HTTP 403 where the service means it: the credential may not do this."""


class NotFoundError(HTTPStatusError):
    """HTTP 404 or 410: no such resource (a conversation, a file), or a retired host."""


class InvalidRequestError(HTTPStatusError):
    """HTTP 400, 413 or 422: the service refused the request as it was sent."""


class ServerError(HTTPStatusError):
    """HTTP 5xx: the service failed; retrying later may help."""


class OverloadedError(ServerError):
    """HTTP 503 (or an in-band "overloaded"): the service or model is busy or still loading."""


@attrs.frozen(slots=True)
class ProviderAttempt:
    """One provider the router client tried, and how it failed.

    ``error_class`` is the class of the error that attempt raised (a
    connection failure's :class:`TransportError` too); ``retry_after`` the
    seconds its answer asked to wait, when it said.
    """

    provider: str
    status: int | None
    message: str
    error_class: type[HfClientError] = attrs.field(default=HfClientError, repr=False)
    retry_after: float | None = None


class AllProvidersFailedError(HTTPStatusError):
    """Every mapped provider failed; ``attempts`` lists each with its status.

    Make one with :meth:`from_attempts`: when every attempt failed the same
    way, the error is also an instance of that kind's class (a
    :class:`RateLimitError` carrying the smallest ``retry_after`` of the
    attempts, a :class:`PaymentRequiredError`, a :class:`ServerError` for
    500s and 503s, a :class:`TransportError` for connection failures, ...),
    so ``except RateLimitError`` catches it as it would one provider's
    error. Mixed kinds (402 here, 429 there) give a plain instance.
    """

    def __init__(
        self,
        message: str,
        *,
        attempts: Sequence[ProviderAttempt],
        retry_after: float | None = None,
    ) -> None:
        last = attempts[-1] if attempts else None
        HTTPStatusError.__init__(
            self,
            message,
            status=None if last is None else last.status,
            provider=None if last is None else last.provider,
            retry_after=retry_after,
        )
        self.attempts = tuple(attempts)

    @classmethod
    def from_attempts(
        cls, message: str, attempts: Sequence[ProviderAttempt]
    ) -> AllProvidersFailedError:
        """The error for ``attempts``: of their common class too, when they share one."""
        waits = [a.retry_after for a in attempts if a.retry_after is not None]
        retry_after = min(waits) if waits else None
        common = _common_kind([a.error_class for a in attempts])
        if common is not None:
            return _all_failed_as(common)(message, attempts=attempts, retry_after=retry_after)
        return cls(message, attempts=attempts, retry_after=retry_after)

    def __str__(self) -> str:
        tried = "; ".join(
            f"{a.provider}: {a.status if a.status is not None else 'no status'} {a.message}"
            for a in self.attempts
        )
        return f"{self.message} ({tried})" if tried else self.message


def _common_kind(classes: Sequence[type[HfClientError]]) -> type[HfClientError] | None:
    # The most precise class all attempts share, when it says more than "failed".
    if not classes:
        return None
    for candidate in classes[0].__mro__:
        if not all(issubclass(c, candidate) for c in classes):
            continue
        if not issubclass(candidate, HfClientError) or candidate in (
            HfClientError,
            HTTPStatusError,
        ):
            return None
        return None if issubclass(candidate, AllProvidersFailedError) else candidate
    return None


_ALL_FAILED_AS: dict[type[HfClientError], type[AllProvidersFailedError]] = {}


def _all_failed_as(kind: type[HfClientError]) -> type[AllProvidersFailedError]:
    # One class per kind, made once: ``type(error)`` is the same for every such failure.
    made = _ALL_FAILED_AS.get(kind)
    if made is not None:
        return made
    name = f"AllProvidersFailed{kind.__name__}"
    made = type(name, (AllProvidersFailedError, kind), {"__module__": __name__})
    made.__doc__ = (
        f"Every provider failed with {kind.__name__}: both that and AllProvidersFailedError."
    )
    made.__qualname__ = name
    return _ALL_FAILED_AS.setdefault(kind, made)  # one winner if two threads race


class StreamServiceError(HfClientError):
    """An error the service reported inside a 200 stream, raised by ``complete()``.

    ``event`` is the :class:`hfclient.events.ServiceError` that carried it.
    """

    def __init__(self, event: object, message: str) -> None:
        super().__init__(message)
        self.event = event


class TransportError(HfClientError):
    """The connection failed; the request may or may not have reached the service."""


class ConnectError(TransportError):
    """No connection could be made (DNS, refused, TLS handshake)."""


class ProxyError(ConnectError):
    """The HTTP proxy refused or failed the CONNECT tunnel.

    ``status`` is the proxy's answer to CONNECT (e.g. 407) when it gave one.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransportTimeout(TransportError, TimeoutError):
    """A connect, read or total deadline passed (also a builtin ``TimeoutError``)."""


class PoolTimeout(TransportTimeout):
    """No pooled connection came free within ``Timeout.pool``: the pool is at its limit.

    Nothing was sent. The message names the origin, how many connections are
    in use and which limit to raise.
    """


class ReadError(TransportError):
    """The connection broke while reading the response (e.g. reset mid-stream)."""


class WriteError(TransportError):
    """The connection broke while sending the request."""


class FixtureMissError(HfClientError):
    """A replayed request matched no recorded exchange; ``near_misses`` says what came close."""

    def __init__(self, message: str, *, near_misses: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.near_misses = tuple(near_misses)

    def __str__(self) -> str:
        message = str(self.args[0])
        if not self.near_misses:
            return message
        return message + "\nnear misses:\n" + "\n".join(f"  {m}" for m in self.near_misses)


ERROR_CLASSES: Mapping[ErrorKind, type[HTTPStatusError]] = {
    kind: globals()[info.error_class] for kind, info in ERROR_KINDS.items()
}
"""The class raised for each error kind (``codec.errorkinds`` names it)."""


_REDACTED = "<redacted>"
# Shorter values are too likely to occur by chance to be replaced everywhere.
_SHORTEST_SECRET = 4


def _replaced(secrets: Iterable[str]) -> list[str]:
    # Longest first: a secret that contains another is replaced whole.
    return sorted((s for s in set(secrets) if len(s) >= _SHORTEST_SECRET), key=len, reverse=True)


def redacted_body(body: bytes, secrets: Iterable[str]) -> bytes:
    """``body`` with every value of ``secrets`` replaced, as :func:`redact` replaces them.

    The machine reads an error body through this before anything parses it, so
    no frame a traceback shows holds an echoed credential.
    """
    for secret in _replaced(secrets):
        body = body.replace(secret.encode(), _REDACTED.encode())
    return body


def redact(error: HfClientError, secrets: Iterable[str]) -> None:
    """Replace every value of ``secrets`` in ``error`` (message, args, body, attempts), in place.

    A server may echo the request it got, credentials included, in an error
    body: what it said is kept, the credentials are not.
    """
    values = _replaced(secrets)
    if not values:
        return

    def text(value: str) -> str:
        for secret in values:
            value = value.replace(secret, _REDACTED)
        return value

    error.args = tuple(text(a) if isinstance(a, str) else a for a in error.args)
    if isinstance(error, HTTPStatusError):
        error.message = text(error.message)
        error.body = redacted_body(error.body, values)
    if isinstance(error, AllProvidersFailedError):
        error.attempts = tuple(attrs.evolve(a, message=text(a.message)) for a in error.attempts)
