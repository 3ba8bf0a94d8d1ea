"""Closing: ``async with`` for anything with an ``aclose()``, and cleanup work on the way out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

import anyio

from hfclient.errors import HfClientError

__all__ = ["AsyncClosing", "best_effort"]


class AsyncClosing:
    """Leaving ``async with obj:`` awaits ``obj.aclose()``, whatever happened inside."""

    async def aclose(self) -> None:
        """Release what the object holds (subclasses say what)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


async def best_effort(
    work: Callable[[], Awaitable[None]],
    *,
    within: float,
    failed: Callable[[str], None],
    errors: type[Exception] | tuple[type[Exception], ...] = Exception,
) -> None:
    """Await ``work()`` on the way out of something: shielded, bounded, raising none of ``errors``.

    Shielded from a cancellation that may be what is closing the caller, and
    given ``within`` seconds at most. An error of ``errors`` or the time
    running out is handed to ``failed`` (as a short reason) instead of being
    raised over the answer, or over the caller's own way out; any other
    error (a bug) still raises.
    """
    with anyio.CancelScope(shield=True), anyio.move_on_after(within) as limit:
        try:
            await work()
        except errors as error:
            # Only our own errors' messages: the machines mask in them every credential
            # they sent; a foreign error's message could hold anything.
            said = f": {error}" if isinstance(error, HfClientError) else ""
            failed(type(error).__name__ + said)
    if limit.cancelled_caught:
        failed(f"no answer within {within:g} s")
