"""The end of a whole exchange (``Timeout.total``), shared by the transports."""

from __future__ import annotations

import anyio

__all__ = ["Deadline"]


class Deadline:
    """Caps each step's own timeout so the exchange as a whole ends on time."""

    def __init__(self, total: float | None) -> None:
        self._end = None if total is None else anyio.current_time() + total

    def cap(self, step: float | None) -> float | None:
        """Seconds the next step may take: its own timeout, or less when the deadline is nearer."""
        if self._end is None:
            return step
        left = max(self._end - anyio.current_time(), 0.0)
        return left if step is None else min(step, left)
