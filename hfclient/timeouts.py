"""How long an exchange may wait, phase by phase: :class:`Timeout`.

The httpx shape: one number sets ``connect``, ``read`` and ``pool`` alike;
``Timeout(...)`` sets each. ``total`` (the whole exchange, first byte sent to
body end) is off unless given, because a long answer streams for minutes.
``None`` anywhere means no limit.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import attrs

__all__ = ["DEFAULT_TIMEOUT", "Timeout", "TimeoutSetting", "as_timeout"]


def _seconds(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a timeout is a number of seconds or None, not {type(value).__name__}")
    if math.isnan(value) or value <= 0:
        raise ValueError(f"a timeout must be a positive number of seconds, not {value!r}")
    return float(value)


@attrs.frozen(slots=True)
class Timeout:
    """Seconds each phase of an exchange may take; ``None`` is no limit.

    - ``connect``: DNS, TCP, a proxy's CONNECT and the TLS handshake.
    - ``read``: any single read or write; for streams, the longest silence
      between two pieces of the body (a keep-alive line resets it).
    - ``pool``: waiting for a free connection when the pool is at its limit.
    - ``total``: the whole exchange, from ``open`` to the body's end.
    """

    connect: float | None = attrs.field(default=10.0, converter=_seconds)
    read: float | None = attrs.field(default=60.0, converter=_seconds)
    pool: float | None = attrs.field(default=10.0, converter=_seconds)
    total: float | None = attrs.field(default=None, converter=_seconds)


TimeoutSetting: TypeAlias = Timeout | float | None
"""What a ``timeout=`` argument takes: a :class:`Timeout`, a number for
``connect``, ``read`` and ``pool`` at once, or ``None`` for no limit at all."""

DEFAULT_TIMEOUT = Timeout()
"""10 s to connect or to wait for a pooled connection, 60 s per read, no total."""


def as_timeout(setting: TimeoutSetting) -> Timeout:
    """``setting`` as a :class:`Timeout`: a number sets connect, read and pool; None, none."""
    if isinstance(setting, Timeout):
        return setting
    if setting is None:
        return Timeout(connect=None, read=None, pool=None)
    return Timeout(connect=setting, read=setting, pool=setting)
