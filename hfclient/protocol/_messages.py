"""The caller's OpenAI-style messages, checked once before anything is built from them.

A wrong shape (a string, a dict, a list of strings, a role that is not text)
is an :class:`~hfclient.errors.ArgumentError` naming the message and what is
wrong, raised when the call is made rather than as a ``TypeError`` deep
inside a request builder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from hfclient.errors import ArgumentError

__all__ = ["checked_json", "checked_messages", "checked_model", "checked_url"]


def checked_messages(messages: object) -> list[dict[str, object]]:
    """``messages`` as a list of dicts, or an error naming what is wrong."""
    if isinstance(messages, str | bytes | bytearray | Mapping):
        raise ArgumentError(
            f"messages is a list of {{'role': ..., 'content': ...}} dicts, "
            f"not a {type(messages).__name__}"
        )
    if not isinstance(messages, Sequence):
        raise ArgumentError(f"messages is a list of dicts, not {type(messages).__name__}")
    checked = []
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise ArgumentError(
                f"messages[{index}] is a {type(message).__name__}, not a "
                "{'role': ..., 'content': ...} dict"
            )
        role = message.get("role")
        if not isinstance(role, str) or not role:
            raise ArgumentError(f"messages[{index}] needs a role (a string), got {role!r}")
        content = message.get("content")
        if content is not None and (
            not isinstance(content, str | Sequence) or isinstance(content, bytes | bytearray)
        ):
            raise ArgumentError(
                f"messages[{index}].content is text or a list of parts, "
                f"not {type(content).__name__}"
            )
        if isinstance(content, Sequence) and not isinstance(content, str):
            for position, part in enumerate(content):
                if not isinstance(part, Mapping):
                    raise ArgumentError(
                        f"messages[{index}].content[{position}] is a "
                        f"{type(part).__name__}, not a part dict"
                    )
        checked.append(dict(message))
    return checked


def checked_model(model: object) -> str:
    """``model`` as a non-empty string, or an error."""
    if not isinstance(model, str) or not model.strip():
        raise ArgumentError(f"model is the name of a model (a string), not {model!r}")
    return model


def checked_url(name: str, url: object) -> str:
    """``url`` as an http(s) base URL without query or fragment, or an error naming ``name``."""
    if not isinstance(url, str):
        raise ArgumentError(f"{name} is an http(s) URL, not {type(url).__name__}")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest.split("/", 1)[0]:
        raise ArgumentError(f"{name} must be an http:// or https:// URL with a host: {url!r}")
    if "?" in rest or "#" in rest:
        raise ArgumentError(f"{name} cannot hold a query or a fragment: {url!r}")
    return url


def checked_json(name: str, value: object) -> None:
    """Refuse a value JSON has no form for (NaN, Infinity, an object), naming ``name``."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError as exc:
        raise ArgumentError(f"{name} holds a number JSON cannot carry (NaN or Infinity)") from exc
    except TypeError as exc:
        raise ArgumentError(f"{name} holds a value that is not JSON: {exc}") from None
