"""What the generated translations (``hfclient/translate/_generated``) call at run time.

Two kinds of helper: turning a typed record's optional values into the
``None`` the unified events use, and reading a salvaged wire object (a plain
dict whose types nobody checked) where a value of the wrong type means
"skip this unified event", never an exception out of the translator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from codec.framing import ServerSentEvent
from codec.values import UNSET, Unset

__all__ = [
    "Skip",
    "at",
    "differs",
    "each",
    "is_",
    "is_in",
    "optional",
    "required",
    "some",
    "text",
    "wire_object",
]

T = TypeVar("T")
U = TypeVar("U")


def text(value: object) -> str | None:
    """A non-empty string, else ``None`` (the unified events' "not given")."""
    return value if type(value) is str and value else None


def some(value: T | Unset | None) -> T | None:
    """The value, or ``None`` when the wire did not send it."""
    return None if value is UNSET else value


def differs(value: object, other: object) -> bool:
    """Whether ``value`` was sent (not absent, not null) and is not ``other``."""
    return value is not UNSET and value is not None and not is_(value, other)


def is_(value: object, other: object) -> bool:
    """Equality that does not take ``True`` for ``1`` (wire JSON keeps them apart)."""
    return type(value) is type(other) and value == other


def is_in(value: object, others: list[object]) -> bool:
    """Whether ``value`` is one of ``others``, as :func:`is_` compares."""
    return any(is_(value, other) for other in others)


# Salvage: reading wire objects that did not fit their record.


class Skip(Exception):
    """A salvaged value is missing or of the wrong type: this unified event is skipped."""


def at(obj: object, *path: str) -> Any:
    """The value at ``path`` in nested wire objects, or ``UNSET`` where there is none."""
    for key in path:
        if type(obj) is not dict:
            return UNSET
        obj = obj.get(key, UNSET)
    return obj


_KINDS: dict[type, tuple[type, ...]] = {
    float: (float, int),
    int: (int,),
    str: (str,),
    bool: (bool,),
}


def required(value: object, kind: type[T]) -> T:
    """``value`` if it is of ``kind`` (an int counts as a float, a bool as nothing else)."""
    if type(value) in _KINDS.get(kind, (kind,)):
        return value  # type: ignore[return-value]
    raise Skip


def optional(value: object, kind: type[T]) -> T | None:
    """``value`` if it is of ``kind``, else ``None``."""
    try:
        return required(value, kind)
    except Skip:
        return None


def each(items: object, make: Callable[[Any], U]) -> tuple[U, ...]:
    """``make`` of each object in a wire list; items that do not fit are left out."""
    if type(items) is not list:
        raise Skip
    out: list[U] = []
    for item in items:
        try:
            out.append(make(item))
        except Skip:
            continue
    return tuple(out)


def wire_object(raw: object) -> Mapping[str, Any] | None:
    """The JSON object an unknown event holds: itself, or its SSE data, parsed."""
    if type(raw) is dict:
        return raw
    if isinstance(raw, ServerSentEvent):
        try:
            data = json.loads(raw.data)
        except ValueError:
            return None
        return data if type(data) is dict else None
    return None
