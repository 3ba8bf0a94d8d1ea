"""What ``client.stream(...)`` returns: the events of one call, and a way to stop it.

An :class:`EventStream` is an async iterator of unified events, an async
context manager and has ``aclose()``. The machine is built when the client's
``stream`` is called, so bad arguments raise there, before any request; the
first request goes out on the first ``__anext__``. Leaving ``async with``
(a ``break``, an error, a cancellation) closes the response it holds, so the
connection is released at once instead of when the garbage collector gets to it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Final, Generic, Self, TypeVar

from hfclient._closing import AsyncClosing, best_effort
from hfclient.events import Event

__all__ = ["EventStream", "StoppingEventStream"]

_log = logging.getLogger(__name__)
STOP_TIMEOUT: Final = 5.0
"""Seconds a stream closed early gives the server's stop request, at most."""
H = TypeVar("H")


class EventStream(AsyncClosing):
    """The events of one call, in order; close it (or use ``async with``) to stop early.

    ::

        async with client.stream(messages, model=model) as events:
            async for event in events:
                ...

    Plain ``async for event in client.stream(...)`` works too; a loop left
    early then holds its connection until the stream is garbage collected,
    which is why the ``async with`` form is the one to use in long-lived code.
    """

    def __init__(self, events: AsyncGenerator[Event, None]) -> None:
        self._events = events
        self._closed = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Event:
        if self._closed:
            raise StopAsyncIteration
        return await self._events.__anext__()

    async def aclose(self) -> None:
        """Stop the call: close the response in flight and release its connection.

        Safe to call more than once, and after the events ran out.
        """
        self._closed = True
        await self._events.aclose()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<EventStream {state}>"


class StoppingEventStream(EventStream, Generic[H]):
    """An :class:`EventStream` that, left before its end, also stops the work on the server.

    ``unfinished()`` says what is still running (None: nothing), and
    ``stop(handle)`` stops it. Best effort: bounded by :data:`STOP_TIMEOUT`,
    shielded from the cancellation that may be closing the stream, and never
    raising over the caller's own way out (a failure is logged at DEBUG).

    Only leaving is a stop: a ``break``, a cancellation, closing it. A stream
    that failed (a read error, a dropped connection) leaves the work running,
    so the caller can re-attach to it.
    """

    def __init__(
        self,
        events: AsyncGenerator[Event, None],
        unfinished: Callable[[], H | None],
        stop: Callable[[H], Awaitable[None]],
    ) -> None:
        super().__init__(events)
        self._unfinished = unfinished
        self._stop = stop
        self._failed = False

    async def __anext__(self) -> Event:
        try:
            return await super().__anext__()
        except StopAsyncIteration:
            raise
        except Exception:
            self._failed = True  # not the caller leaving: the work may be re-attached
            raise

    async def aclose(self) -> None:
        """Stop the call: close the response in flight, and stop the run if it had not ended."""
        running = None if self._closed or self._failed else self._unfinished()
        try:
            await super().aclose()
        finally:
            if running is not None:
                await best_effort(
                    lambda: self._stop(running),
                    within=STOP_TIMEOUT,
                    failed=lambda why: _log.debug("stopping the abandoned run failed: %s", why),
                )
