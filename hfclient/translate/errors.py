"""Sorting a service's error report into a ``ServiceError`` kind."""

from __future__ import annotations

from typing import Final

from codec.errorkinds import ErrorKind, kind_for_status

__all__ = ["error_kind"]

# Phrases the services put in their messages (protocol notes: huggingchat.md
# §2.6, §3.3; hf-inference.md §4.2, §5.3; hailuo.md §10), checked in order.
_BY_PHRASE: Final[tuple[tuple[str, ErrorKind], ...]] = (
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
_BY_ERROR_TYPE: Final[dict[str, ErrorKind]] = {
    "validation": "validation",
    "overloaded": "overloaded",
    "rate_limit_exceeded": "rate_limit",
    "invalid_request_error": "validation",
    "authentication_error": "auth",
    "insufficient_quota": "payment",
}


def error_kind(
    *, status: int | None = None, message: str = "", error_type: str | None = None
) -> ErrorKind:
    """The kind of an error from its HTTP status, its wire type, or failing both, its message.

    A status that only says "the server failed" (5xx) gives way to a more
    precise wire type or message ("Model is overloaded" inside a 500).
    """
    by_status = kind_for_status(status) if status is not None else "unknown"
    if by_status not in ("server", "unknown"):
        return by_status
    if error_type is not None and error_type in _BY_ERROR_TYPE:
        return _BY_ERROR_TYPE[error_type]
    lowered = message.lower()
    for phrase, kind in _BY_PHRASE:
        if phrase in lowered:
            return kind
    return by_status
