"""Values every generated codec shares: ``UNSET``, ``Unknown`` and ``Mismatched``."""

from __future__ import annotations

import enum
from typing import Final, Literal

import attrs

__all__ = ["UNSET", "Mismatched", "Unknown", "Unset"]


class Unset(enum.Enum):
    """Type of :data:`UNSET`: a field the service did not send at all.

    Distinct from ``None``, which is a JSON ``null`` the service did send.
    """

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET


@attrs.frozen(slots=True)
class Unknown:
    """Something the spec does not describe, kept whole instead of dropped.

    ``raw`` is the decoded JSON value, or the :class:`~codec.framing.ServerSentEvent`
    for an SSE event of an unknown name. ``reason`` is ``None`` for a tag the
    spec does not know, else why a known tag's payload did not fit its spec;
    ``record`` then names the record class the tag called for.
    """

    raw: object
    reason: str | None = None
    record: str | None = None


@attrs.frozen(slots=True)
class Mismatched:
    """An optional field's wire value that did not fit its spec, kept beside the record.

    The field itself stays ``UNSET``, so the rest of the record (the text, the
    finish reason) still decodes; ``reason`` says what was expected.
    """

    value: object
    reason: str
