"""JavaScript values without a Python counterpart, shared by every JavaScript-data reader.

superjson (the current era's ``/chat/api/v2/*`` bodies, :mod:`codec.superjson`)
and the legacy era's devalue and JavaScript-literal readers
(:mod:`codec.legacy`) decode JavaScript values into Python ones alike:
``undefined`` is :data:`UNDEFINED`, an invalid ``Date`` :data:`INVALID_DATE`,
a ``RegExp`` a :class:`JSRegExp`, a ``URL`` (or ``URLSearchParams``,
``Temporal.*``) a :class:`TaggedString`; a ``Date`` is an aware datetime, a
``Set`` a set, a ``Map`` a dict, a ``BigInt`` an int.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Final

import attrs

from codec.errors import CodecError

__all__ = [
    "INVALID_DATE",
    "UNDEFINED",
    "InvalidDateType",
    "JSRegExp",
    "TaggedString",
    "UndefinedType",
    "check_new_key",
    "date_from_iso",
]


class UndefinedType(enum.Enum):
    """The type of :data:`UNDEFINED`, JavaScript's ``undefined`` (falsy, a singleton)."""

    UNDEFINED = "UNDEFINED"

    def __repr__(self) -> str:
        return "UNDEFINED"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = UndefinedType.UNDEFINED
"""JavaScript ``undefined``: a key that is present with no value, distinct from ``null`` (None)."""


class InvalidDateType(enum.Enum):
    """The type of :data:`INVALID_DATE` (a singleton)."""

    INVALID_DATE = "INVALID_DATE"

    def __repr__(self) -> str:
        return "INVALID_DATE"

    __str__ = __repr__


INVALID_DATE: Final = InvalidDateType.INVALID_DATE
"""A JavaScript ``Date`` whose time is NaN (devalue writes it as ``["Date", ""]``)."""


@attrs.frozen(slots=True)
class JSRegExp:
    """A JavaScript regular expression, kept as text: its syntax is not Python's."""

    source: str
    flags: str = ""


@attrs.frozen(slots=True)
class TaggedString:
    """A value JavaScript rebuilds from a string: ``URL``, ``URLSearchParams``, ``Temporal.*``."""

    tag: str
    text: str


def date_from_iso(text: str) -> datetime | InvalidDateType:
    """A timezone-aware datetime from ``Date.prototype.toISOString`` text.

    An empty string is an invalid Date (:data:`INVALID_DATE`); text without
    an offset is read as UTC, since every writer we decode writes UTC.
    """
    if text == "":
        return INVALID_DATE
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        # Also the six-digit years JavaScript allows (±275760), beyond datetime's range.
        raise CodecError(f"not an ISO date Python can hold: {text[:40]!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def check_new_key(container: set[object] | dict[object, object], key: object, what: str) -> None:
    """Raise :class:`CodecError` unless ``key`` can join ``container`` as a new set member/dict key.

    A JavaScript Set or Map never repeats a member, so one that is already
    present was distinct in JavaScript but is equal in Python (``1`` and
    ``true``, ``0`` and ``false``); unhashable members (objects, arrays)
    cannot be held at all.
    """
    try:
        hash(key)  # not `key in container`: a set looks up a set member as a frozenset
    except TypeError:
        raise CodecError(f"{what} of type {type(key).__name__} cannot be held by Python") from None
    if key in container:
        raise CodecError(f"{what} {key!r} collides with an equal Python value")
