"""HTTP error responses to hfclient errors: the server's message, Retry-After, the error class."""

from __future__ import annotations

import email.utils
import json
from typing import Final

from codec.specinfo import OperationInfo
from hfclient.errors import ERROR_CLASSES, HTTPStatusError, MissingAuthError
from hfclient.exchange import ResponseStarted
from hfclient.translate.errors import error_kind

__all__ = ["error_class", "error_for_status", "retry_after_seconds", "server_message"]

# Error bodies are read up to this size; the rest is not needed for a message.
ERROR_BODY_LIMIT: Final = 64 * 1024
_MESSAGE_LIMIT: Final = 500


def server_message(body: bytes) -> str:
    """The server's own message from any of the services' error body shapes.

    JSON ``{"error": str}``, ``{"error": {"message": str}}``, ``{"message":
    str}``, ``{"statusInfo": {"message": str}}`` (Hailuo), else the text
    itself, shortened; an HTML page is named as such rather than quoted.
    """
    text = body.decode("utf-8", "replace").strip()
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if isinstance(document, dict):
        for key in ("error", "message", "statusInfo"):
            value = document.get(key)
            if isinstance(value, str) and value:
                return _shorten(value)
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return _shorten(value["message"])
    if text.lower().startswith(("<!doctype html", "<html")):
        return "an HTML page (a login or bot-check page, not the API)"
    return _shorten(text) if text else "(empty body)"


def _shorten(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "..."


def retry_after_seconds(value: str | None, *, now: float) -> float | None:
    """``Retry-After`` in seconds: delta-seconds or an HTTP date (relative to ``now``)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - now
    return max(seconds, 0.0) if seconds == seconds else None  # NaN is no answer


def error_class(
    operation: OperationInfo, status: int | None, message: str
) -> type[HTTPStatusError]:
    """The class for an error ``operation`` reported with ``status`` and ``message``:
    the spec's status map for the operation, else the status and the message."""
    mapped = operation.errors.get(status) if status is not None else None
    return ERROR_CLASSES[mapped or error_kind(status=status, message=message)]


def error_for_status(
    operation: OperationInfo,
    response: ResponseStarted,
    body: bytes,
    *,
    now: float,
    provider: str | None = None,
    hint: str = "",
) -> HTTPStatusError:
    """The error to raise for a non-2xx answer to ``operation``.

    The kind comes from the spec's status map for the operation, else from
    the status and the message; ``hint`` is added to credential errors to
    say what to provide.
    """
    message = server_message(body)
    cls = error_class(operation, response.status, message)
    if cls is MissingAuthError and hint:
        message = f"{message} ({hint})"
    return cls(
        message,
        status=response.status,
        body=body[:ERROR_BODY_LIMIT],
        provider=provider,
        retry_after=retry_after_seconds(response.header("Retry-After"), now=now),
    )
