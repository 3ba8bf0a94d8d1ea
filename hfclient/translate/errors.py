"""Sorting a service's error report into a ``ServiceError`` kind."""

from __future__ import annotations

from typing import Final

from hfclient.events import ServiceErrorKind

__all__ = ["error_kind"]

_BY_STATUS: Final[dict[int, ServiceErrorKind]] = {
    400: "validation",
    401: "auth",
    402: "payment",
    403: "auth",
    404: "model_not_supported",
    410: "model_not_supported",
    413: "validation",
    422: "validation",
    429: "rate_limit",
    503: "overloaded",
    529: "overloaded",
}
# Phrases the services put in their messages (protocol notes: huggingchat.md
# §2.6, §3.3; hf-inference.md §4.2, §5.3; hailuo.md §10), checked in order.
_BY_PHRASE: Final[tuple[tuple[str, ServiceErrorKind], ...]] = (
    ("too many messages", "rate_limit"),
    ("sending too many", "rate_limit"),
    ("messages before login", "rate_limit"),
    ("more than", "rate_limit"),  # "This conversation has more than N messages"
    ("rate limit", "rate_limit"),
    ("overloaded", "overloaded"),
    ("currently loading", "overloaded"),
    ("temporarily unavailable", "overloaded"),
    ("logged in", "auth"),
    ("unauthorized", "auth"),
    ("invalid username or password", "auth"),
    ("credits", "payment"),
    ("pay-as-you-go", "payment"),
    ("not available anymore", "model_not_supported"),
    ("not supported", "model_not_supported"),
    ("validation", "validation"),
)
_BY_ERROR_TYPE: Final[dict[str, ServiceErrorKind]] = {
    "validation": "validation",
    "overloaded": "overloaded",
    "rate_limit_exceeded": "rate_limit",
    "invalid_request_error": "validation",
    "authentication_error": "auth",
    "insufficient_quota": "payment",
}


def error_kind(
    *, status: int | None = None, message: str = "", error_type: str | None = None
) -> ServiceErrorKind:
    """The kind of an error from its HTTP status, its wire type, or failing both, its message."""
    if status is not None and status in _BY_STATUS:
        return _BY_STATUS[status]
    if error_type is not None and error_type in _BY_ERROR_TYPE:
        return _BY_ERROR_TYPE[error_type]
    lowered = message.lower()
    for phrase, kind in _BY_PHRASE:
        if phrase in lowered:
            return kind
    return "unknown"
