"""Synchronous clients for scripts: the async ones, run in a private event-loop thread.

::

    with SyncInferenceProviders() as client:
        print(client.complete(messages, model="llama-3.3-70b").text)
        with client.stream(messages, model="llama-3.3-70b") as events:
            for event in events:
                ...

Each sync class has its async class's constructor and methods, with the same
signatures (the types come from the async methods themselves, so mypy checks
a sync call as strictly as an async one). The async client is made and used
in one event-loop thread, so its connections stay on the loop that made them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar, overload

from anyio.from_thread import BlockingPortal, start_blocking_portal

from hfclient._options import ClientBase
from hfclient.client import Hailuo, HuggingChat, InferenceProviders
from hfclient.events import Event
from hfclient.stream import EventStream

__all__ = ["SyncEventStream", "SyncHailuo", "SyncHuggingChat", "SyncInferenceProviders"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
C = TypeVar("C", bound=ClientBase)
S = TypeVar("S", bound="_SyncClient[Any]")


class SyncEventStream:
    """:class:`~hfclient.stream.EventStream` for synchronous code: iterate, then close.

    ``with client.stream(...) as events:`` closes the response when the block
    exits, however it exits.
    """

    def __init__(self, portal: BlockingPortal, events: EventStream) -> None:
        self._portal = portal
        self._events = events

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        try:
            return self._portal.call(self._events.__anext__)
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        """Stop the call and release its connection; safe to call more than once."""
        self._portal.call(self._events.aclose)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _SyncClient(Generic[C]):
    """The event-loop thread, the async client made in it, and closing both."""

    _client: C
    _portal: BlockingPortal
    _portal_context: AbstractContextManager[BlockingPortal] | None

    def _start(self, make: Callable[[], C]) -> None:
        portal_context = start_blocking_portal()
        portal = portal_context.__enter__()
        try:
            self._client = portal.call(make)
        except BaseException:
            portal_context.__exit__(None, None, None)
            raise
        self._portal, self._portal_context = portal, portal_context

    def close(self) -> None:
        """Close the client, and stop its event-loop thread unless it is a copy's."""
        if self._portal_context is None:  # a with_options copy: the original owns the thread
            self._portal.call(self._client.aclose)
            return
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


def _parameters_of(
    async_class: Callable[P, Any],
) -> Callable[[Callable[..., None]], Callable[Concatenate[Any, P], None]]:
    # Gives a sync __init__ the async class's parameters, for the type checker only.
    def typed(init: Callable[..., None]) -> Callable[Concatenate[Any, P], None]:
        return init

    return typed


class _Blocking(Generic[C, P, R]):
    """An async method of the client, called to its end from synchronous code."""

    def __init__(self, method: Callable[Concatenate[C, P], Coroutine[Any, Any, R]]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, instance: _SyncClient[C], owner: type[Any]) -> Callable[P, R]: ...
    def __get__(self, instance: _SyncClient[C] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method, client, portal = self._method, instance._client, instance._portal

        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            async def run() -> R:
                return await method(client, *args, **kwargs)

            return portal.call(run)

        call.__doc__ = method.__doc__
        return call


class _Streaming(Generic[C, P]):
    """The client's ``stream``, as a :class:`SyncEventStream`."""

    def __init__(self, method: Callable[Concatenate[C, P], EventStream]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, instance: _SyncClient[C], owner: type[Any]
    ) -> Callable[P, SyncEventStream]: ...
    def __get__(self, instance: _SyncClient[C] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method, client, portal = self._method, instance._client, instance._portal

        def call(*args: P.args, **kwargs: P.kwargs) -> SyncEventStream:
            # Built in the loop thread: bad arguments raise here, before any request.
            return SyncEventStream(portal, portal.call(lambda: method(client, *args, **kwargs)))

        call.__doc__ = method.__doc__
        return call


class _Iterating(Generic[C, P, T]):
    """An async iterator method of the client, as an iterator that fetches as it goes."""

    def __init__(self, method: Callable[Concatenate[C, P], AsyncIterator[T]]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, instance: _SyncClient[C], owner: type[Any]) -> Callable[P, Iterator[T]]: ...
    def __get__(self, instance: _SyncClient[C] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method, client, portal = self._method, instance._client, instance._portal

        def call(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
            items = method(client, *args, **kwargs)
            try:
                while True:
                    try:
                        yield portal.call(items.__anext__)
                    except StopAsyncIteration:
                        return
            finally:
                # Left early: the async iterator is closed in the loop, not by the GC.
                close = getattr(items, "aclose", None)
                if close is not None:
                    portal.call(close)

        call.__doc__ = method.__doc__
        return call


class _Copying(Generic[P]):
    """The client's ``with_options``: a sync copy on the same thread and connections."""

    # Any, not the client type: mypy cannot solve a Self-typed method for it.
    def __init__(self, method: Callable[Concatenate[Any, P], Any]) -> None:
        self._method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, instance: S, owner: type[Any]) -> Callable[P, S]: ...
    def __get__(self, instance: _SyncClient[Any] | None, owner: type[Any]) -> Any:
        if instance is None:
            return self
        method = self._method

        def call(*args: P.args, **kwargs: P.kwargs) -> _SyncClient[Any]:
            copy = object.__new__(type(instance))
            copy._client = method(instance._client, *args, **kwargs)
            copy._portal, copy._portal_context = instance._portal, None
            return copy

        return call


class SyncInferenceProviders(_SyncClient[InferenceProviders]):
    """:class:`~hfclient.client.InferenceProviders`, for synchronous code."""

    @_parameters_of(InferenceProviders)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Make the async client, with these arguments, in a new event-loop thread."""
        self._start(lambda: InferenceProviders(*args, **kwargs))

    stream = _Streaming(InferenceProviders.stream)
    complete = _Blocking(InferenceProviders.complete)
    models = _Blocking(InferenceProviders.models)
    provider_mapping = _Blocking(InferenceProviders.provider_mapping)
    with_options = _Copying(InferenceProviders.with_options)


class SyncHuggingChat(_SyncClient[HuggingChat]):
    """:class:`~hfclient.client.HuggingChat`, for synchronous code."""

    @_parameters_of(HuggingChat)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Make the async client, with these arguments, in a new event-loop thread."""
        self._start(lambda: HuggingChat(*args, **kwargs))

    stream = _Streaming(HuggingChat.stream)
    complete = _Blocking(HuggingChat.complete)
    resume = _Streaming(HuggingChat.resume)
    stop = _Blocking(HuggingChat.stop)
    answer_elicitation = _Blocking(HuggingChat.answer_elicitation)
    resume_elicitation = _Streaming(HuggingChat.resume_elicitation)
    mcp_servers = _Blocking(HuggingChat.mcp_servers)
    models = _Blocking(HuggingChat.models)
    model = _Blocking(HuggingChat.model)
    conversations = _Iterating(HuggingChat.conversations)
    get_conversation = _Blocking(HuggingChat.get_conversation)
    rename_conversation = _Blocking(HuggingChat.rename_conversation)
    set_conversation_model = _Blocking(HuggingChat.set_conversation_model)
    delete_conversation = _Blocking(HuggingChat.delete_conversation)
    delete_all_conversations = _Blocking(HuggingChat.delete_all_conversations)
    share_conversation = _Blocking(HuggingChat.share_conversation)
    with_options = _Copying(HuggingChat.with_options)


class SyncHailuo(_SyncClient[Hailuo]):
    """:class:`~hfclient.client.Hailuo`, for synchronous code."""

    @_parameters_of(Hailuo)
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Make the async client, with these arguments, in a new event-loop thread."""
        self._start(lambda: Hailuo(*args, **kwargs))

    stream = _Streaming(Hailuo.stream)
    complete = _Blocking(Hailuo.complete)
    delete_chat = _Blocking(Hailuo.delete_chat)
    check_token = _Blocking(Hailuo.check_token)
    with_options = _Copying(Hailuo.with_options)
