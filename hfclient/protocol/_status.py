"""HTTP error responses to hfclient errors: the server's message, Retry-After, the error class."""

from __future__ import annotations

import email.utils
import json
import re
from typing import Final
from urllib.parse import urljoin, urlsplit

import attrs

from codec.http import HttpRequest
from codec.specinfo import OperationInfo
from hfclient.errors import ERROR_CLASSES, HTTPStatusError, MissingAuthError
from hfclient.exchange import ResponseStarted
from hfclient.translate.errors import error_kind

__all__ = [
    "error_class",
    "error_for_status",
    "follow_same_host",
    "is_login_location",
    "is_unexpected_page",
    "page_error",
    "redirect_target",
    "retry_after_seconds",
    "server_message",
]

# Error bodies are read up to this size; the rest is not needed for a message.
ERROR_BODY_LIMIT: Final = 64 * 1024
_MESSAGE_LIMIT: Final = 500
_HTML: Final = "text/html"
# A redirect whose target path has one of these words is a sign-in page: the
# session or token was not accepted (huggingface.co/login?next=..., /oauth/...).
_LOGIN_PATH: Final = re.compile(r"(^|/)(login|signin|sign-in|sign_in|oauth|auth)(/|$)", re.I)


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


def is_unexpected_page(operation: OperationInfo, response: ResponseStarted) -> bool:
    """Whether a 2xx answer is an HTML page where ``operation`` answers no HTML.

    An operation that lists ``text/html`` in its ``content_types`` answers
    pages; for every other one (its spec may not know the API's media type)
    an HTML answer is a login, bot-check or proxy page, not the API.
    """
    if _HTML in operation.content_types:
        return False
    media = (response.header("Content-Type") or "").partition(";")[0].strip().lower()
    return media == _HTML


def page_error(
    operation: OperationInfo, response: ResponseStarted, body: bytes, *, url: str
) -> HTTPStatusError:
    """The error for a 2xx HTML page (see :func:`is_unexpected_page`); ``url`` is the one tried."""
    return HTTPStatusError(
        f"{operation.method} {url} answered an HTML page, not the API "
        "(a login, bot-check or proxy page)",
        status=response.status,
        body=body[:ERROR_BODY_LIMIT],
    )


def is_login_location(location: str) -> bool:
    """Whether a redirect's ``Location`` looks like a sign-in page (the one rule for it)."""
    return bool(_LOGIN_PATH.search(urlsplit(location).path))


def redirect_target(url: str, location: str | None) -> str | None:
    """The absolute URL a redirect from ``url`` names (a relative ``Location`` too)."""
    if not location or not location.strip():
        return None
    return urljoin(url, location.strip())


def follow_same_host(
    request: HttpRequest,
    response: ResponseStarted,
    error: HTTPStatusError,
    *,
    hops: int,
    max_hops: int,
    what: str,
) -> HttpRequest:
    """The request again, to the redirect's target on the same host (``what`` names it).

    Raises ``error`` (the redirect named) with no ``Location``, after
    ``max_hops``, or to a sign-in page (a login page is no answer); a target
    on another scheme or host is refused, naming the host: the request's
    credentials must not go there.
    """
    target = redirect_target(request.url, response.header("Location"))
    if target is None or hops >= max_hops or is_login_location(target):
        raise error
    here, there = urlsplit(request.url), urlsplit(target)
    if (there.scheme, there.netloc) != (here.scheme, here.netloc):
        raise HTTPStatusError(
            f"{what} redirected to another host, {there.netloc}; not followed,"
            f" so the credentials stay with {here.netloc}",
            status=response.status,
        )
    return attrs.evolve(request, url=target)


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
    status = response.status
    if 300 <= status < 400:
        # The transports never follow redirects: say where it pointed.
        location = response.header("Location")
        message = f"redirected to {location}" if location else "redirected (no Location)"
        cls: type[HTTPStatusError] = HTTPStatusError
        if location and is_login_location(location):
            cls, message = MissingAuthError, f"{message}: the session is not logged in"
    else:
        message = server_message(body)
        cls = error_class(operation, status, message)
    if cls is MissingAuthError and hint:
        message = f"{message} ({hint})"
    return cls(
        message,
        status=response.status,
        body=body[:ERROR_BODY_LIMIT],
        provider=provider,
        retry_after=retry_after_seconds(response.header("Retry-After"), now=now),
    )
