"""What ``client.stream(...)`` returns: the events of one call, and a way to stop it.

An :class:`EventStream` is an async iterator of unified events, an async
context manager and has ``aclose()``. The machine is built when the client's
``stream`` is called, so bad arguments raise there, before any request; the
first request goes out on the first ``__anext__``. Leaving ``async with``
(a ``break``, an error, a cancellation) closes the response it holds, so the
connection is released at once instead of when the garbage collector gets to it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Self

from hfclient._closing import AsyncClosing
from hfclient.events import Event

__all__ = ["EventStream"]


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
