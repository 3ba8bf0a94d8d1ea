"""The one vocabulary of error kinds: what a failure means, whatever service reported it.

The specs map HTTP statuses to these kinds, ``hfclient.events.ServiceError.kind``
is one of them, and each kind names the ``hfclient.errors`` class raised for
it (by name: ``codec`` imports nothing of ``hfclient``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, TypeAlias

import attrs

__all__ = ["ERROR_KINDS", "ErrorKind", "ErrorKindInfo", "kind_for_status"]

ErrorKind: TypeAlias = Literal[
    "auth",
    "forbidden",
    "payment",
    "not_found",
    "validation",
    "model_not_supported",
    "gone",
    "rate_limit",
    "overloaded",
    "server",
    "unknown",
]


@attrs.frozen(slots=True)
class ErrorKindInfo:
    """One kind: ``error_class`` names the ``hfclient.errors`` class raised for it;
    ``statuses`` are the HTTP statuses that mean it when an operation's spec
    does not say otherwise."""

    name: ErrorKind
    error_class: str
    statuses: tuple[int, ...]
    doc: str


def _kinds(*kinds: ErrorKindInfo) -> Mapping[ErrorKind, ErrorKindInfo]:
    return {kind.name: kind for kind in kinds}


ERROR_KINDS: Final[Mapping[ErrorKind, ErrorKindInfo]] = _kinds(
    ErrorKindInfo("auth", "MissingAuthError", (401,), "a credential is missing or was rejected"),
    ErrorKindInfo("forbidden", "ForbiddenError", (403,), "the credential may not do this"),
    ErrorKindInfo("payment", "PaymentRequiredError", (402,), "no credits left"),
    ErrorKindInfo("not_found", "NotFoundError", (404,), "no such resource"),
    ErrorKindInfo("validation", "InvalidRequestError", (400, 413, 422), "the request was refused"),
    ErrorKindInfo(
        "model_not_supported", "ModelNotSupportedError", (), "unknown, retired or unserved model"
    ),
    ErrorKindInfo("gone", "NotFoundError", (410,), "the resource or host was retired"),
    ErrorKindInfo("rate_limit", "RateLimitError", (429,), "too many requests: wait, then retry"),
    ErrorKindInfo("overloaded", "OverloadedError", (503, 529), "the service is busy or loading"),
    ErrorKindInfo("server", "ServerError", (500, 502, 504), "the service failed"),
    ErrorKindInfo("unknown", "HTTPStatusError", (), "none of the above, or not said"),
)

_BY_STATUS: Final[Mapping[int, ErrorKind]] = {
    status: kind.name for kind in ERROR_KINDS.values() for status in kind.statuses
}


def kind_for_status(status: int) -> ErrorKind:
    """The kind an HTTP error status means when the operation's spec does not map it."""
    kind = _BY_STATUS.get(status)
    if kind is not None:
        return kind
    return "server" if 500 <= status <= 599 else "unknown"
