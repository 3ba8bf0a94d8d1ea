"""Values every generated codec shares: the ``UNSET`` marker and ``Unknown``."""

from __future__ import annotations

import enum
from typing import Final, Literal

import attrs

__all__ = ["UNSET", "Unknown", "Unset"]


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
    spec does not know, else why a known tag's payload did not fit its spec.
    """

    raw: object
    reason: str | None = None
