"""A small synchronous facade for scripts.

::

    with SyncClient(lambda: InferenceProviders()) as client:
        print(client.complete(messages, model="llama-3.3-70b").text)

The async client is made and used in one private event-loop thread, so its
connections stay on the loop that made them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal

from hfclient.completion import Completion
from hfclient.events import Event

__all__ = ["AsyncClient", "SyncClient"]


class AsyncClient(Protocol):
    """What :class:`SyncClient` needs of a client: ``stream``, ``complete``, ``aclose``."""

    def stream(self, *args: Any, **kwargs: Any) -> Any:
        """An async iterator of events."""
        ...

    async def complete(self, *args: Any, **kwargs: Any) -> Completion:
        """The whole answer."""
        ...

    async def aclose(self) -> None:
        """Release the client's transport."""
        ...


C = TypeVar("C", bound=AsyncClient)


class SyncClient(Generic[C]):
    """Runs an async client's ``complete`` and ``stream`` from synchronous code."""

    def __init__(self, factory: Callable[[], C]) -> None:
        self._portal_context: AbstractContextManager[BlockingPortal] = start_blocking_portal()
        self._portal = self._portal_context.__enter__()
        try:
            self._client: C = self._portal.call(factory)
        except BaseException:
            self._portal_context.__exit__(None, None, None)
            raise

    def complete(self, *args: Any, **kwargs: Any) -> Completion:
        """The async client's ``complete``, run to its end."""
        return self._portal.call(lambda: self._client.complete(*args, **kwargs))

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Event]:
        """The async client's ``stream``, one event at a time."""
        events = self._portal.call(lambda: self._client.stream(*args, **kwargs))
        try:
            while True:
                try:
                    yield self._portal.call(events.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            self._portal.call(events.aclose)

    def close(self) -> None:
        """Close the client and stop its event-loop thread."""
        try:
            self._portal.call(self._client.aclose)
        finally:
            self._portal_context.__exit__(None, None, None)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
