"""Helpers the generated codecs call at decode time (private; small and hot)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final, NoReturn

from codec.errors import CodecError
from codec.values import UNSET, Mismatched

__all__ = [
    "NO_EXTRA",
    "Mismatch",
    "expected_kind",
    "extra_keys",
    "kind_name",
    "mismatched",
    "not_an_object",
    "pad_utf16",
]


class _NoExtra(Mapping[str, Any]):
    """The shared, empty, read-only ``extra`` of a record with no unknown keys."""

    __slots__ = ()

    def __getitem__(self, key: str) -> NoReturn:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "{}"


NO_EXTRA: Final[Mapping[str, Any]] = _NoExtra()


class Mismatch(CodecError):
    """A wire object whose value does not fit its spec.

    Raised by the generated ``from_wire`` methods; the stream decoders turn it
    into an ``Unknown`` carrying this message as its reason.
    """

    def __init__(self, field: str, expected: str, value: object) -> None:
        super().__init__(f"field {field!r}: {expected_kind(expected, value)}")


def mismatched(
    into: dict[str, Mismatched] | None, key: str, value: object, reason: str
) -> dict[str, Mismatched]:
    """``into`` (a new dict if ``None``) with ``value`` kept under its wire ``key``.

    For an optional field whose value does not fit: the generated ``from_wire``
    leaves the field ``UNSET`` and keeps the value here, instead of failing.
    """
    if into is None:
        into = {}
    into[key] = Mismatched(value, reason)
    return into


def expected_kind(kind: str, value: object) -> str:
    """The reason for a value that is not of ``kind``, as ``Mismatch`` words it."""
    return f"expected {kind}, got {kind_name(value)}"


def not_an_object(field: str, record: str, value: object) -> NoReturn:
    """Raise the ``Mismatch`` for a list item that should have been a ``record`` object."""
    raise Mismatch(field, f"{record} object", value)


def kind_name(value: object) -> str:
    """The JSON kind of a decoded value, for messages."""
    if value is None:
        return "null"
    if value is UNSET:
        return "nothing (absent)"
    return {
        bool: "bool",
        int: "int",
        float: "float",
        str: "str",
        list: "list",
        dict: "object",
    }.get(type(value), type(value).__name__)


def extra_keys(wire: Mapping[str, Any], known: frozenset[str]) -> Mapping[str, Any]:
    """The keys of ``wire`` that the spec does not name, kept instead of dropped."""
    return {key: value for key, value in wire.items() if key not in known}


def pad_utf16(text: str, units: int, char: str) -> str:
    """``text`` padded on the right with ``char`` to ``units`` UTF-16 code units.

    The inverse of stripping HuggingChat's stream-token padding, which counts
    UTF-16 units like JavaScript's ``padEnd`` (protocols/huggingchat.md §3.1).
    """
    length = len(text.encode("utf-16-le")) // 2
    return text + char * (units - length) if length < units else text
