"""Eras: which of the spec's dated fields and operations a call speaks.

An era is a day. A field or operation is in it when its ``since`` (first
day the service had it) is not after the day and its ``until`` (the day it
was gone) is after it (spec/README.md "Eras"). ``None`` is today's
protocol: everything the spec knows that is not gone.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TypeAlias

from hfclient.errors import ArgumentError

__all__ = ["EraSetting", "era_day", "in_era"]

EraSetting: TypeAlias = "str | datetime.date | None"
"""What callers pass: a date, ``"YYYY-MM-DD"``, a name of the service's, or None (today's)."""


def era_day(
    value: str | datetime.date | None, names: Mapping[str, datetime.date]
) -> datetime.date | None:
    """The day ``value`` names (None: today's protocol); a clear error for anything else."""
    if value is None or isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(value, str):
        if value in names:
            return names[value]
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    known = ", ".join(repr(n) for n in names)
    raise ArgumentError(f"era is a date (YYYY-MM-DD) or one of {known}, not {value!r}")


def in_era(day: datetime.date | None, since: str | None, until: str | None) -> bool:
    """Whether something with this ``since``/``until`` exists on ``day`` (None: today)."""
    if day is None:
        return until is None
    if since is not None and day < datetime.date.fromisoformat(since):
        return False
    return until is None or day < datetime.date.fromisoformat(until)
