"""``async with`` for anything with an ``aclose()``: one mixin instead of three copies."""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncClosing"]


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
