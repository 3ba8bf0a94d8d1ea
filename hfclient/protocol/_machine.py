"""The sans-IO machine every service machine builds on (the h11 model).

A driver loops::

    while True:
        event = machine.next_event()
        if event is NEXT_REQUEST:
            await sleep(machine.delay)          # e.g. a 429's Retry-After
            response = transport.open(machine.next_request())
        elif event is NEED_DATA:
            machine.receive(await anext(response))
        elif event is DONE:
            break
        else:
            yield event

The machine owns no socket and no timer. ``receive`` only raises
:class:`LocalProtocolError` (an input its state does not allow); failures of
the remote side are raised by ``next_event`` after the events decoded before
them, and any error leaves the machine in ``ERROR``.
"""

from __future__ import annotations

from collections import deque
from typing import Final, TypeAlias

import attrs

from codec.http import HttpRequest
from codec.specinfo import OperationInfo
from hfclient.decoding import StreamDecoder
from hfclient.errors import (
    DecodeError,
    HfClientError,
    IncompleteStreamError,
    LocalProtocolError,
    RemoteProtocolError,
)
from hfclient.events import Event
from hfclient.exchange import BodyChunk, ResponseEvent, ResponseStarted
from hfclient.protocol._states import SEND, TRANSITIONS, State
from hfclient.protocol._status import ERROR_BODY_LIMIT

__all__ = ["DONE", "NEED_DATA", "NEXT_REQUEST", "Exchange", "Machine", "MachineEvent"]

# A JSON answer larger than this is not what any of these services sends.
JSON_BODY_LIMIT: Final = 16 * 1024 * 1024


class _Sentinel(type):
    def __repr__(cls) -> str:
        return cls.__name__


class NEED_DATA(metaclass=_Sentinel):
    """``next_event``: feed the next response event with ``receive``."""


class NEXT_REQUEST(metaclass=_Sentinel):
    """``next_event``: wait ``delay`` seconds, then send ``next_request()``."""


class DONE(metaclass=_Sentinel):
    """``next_event``: the machine has finished."""


MachineEvent: TypeAlias = Event | type[NEED_DATA] | type[NEXT_REQUEST] | type[DONE]


@attrs.define
class Exchange:
    """One request of a flow and how to read its answer."""

    request: HttpRequest
    operation: OperationInfo
    stream: StreamDecoder | None = None  # a stream answer is decoded as it arrives
    provider: str | None = None
    response: ResponseStarted | None = None
    body: bytearray = attrs.field(factory=bytearray)


class Machine:
    """Runs HTTP exchanges one after another; subclasses say what each answer means.

    Subclasses call :meth:`_send` to queue the next exchange and implement
    :meth:`_on_body` (a 2xx non-stream answer), :meth:`_on_stream_end` (a
    2xx stream answer is over) and :meth:`_on_error_status` (a non-2xx
    answer); each must call :meth:`_send`, :meth:`_finish` or raise.
    :meth:`_on_stream_start` may emit events before the body.
    """

    def __init__(self) -> None:
        self._state = State.DONE
        self._events: deque[Event] = deque()
        self._error: HfClientError | None = None
        self._exchange: Exchange | None = None
        self._delay = 0.0

    @property
    def state(self) -> State:
        """Where the machine is (see :class:`~hfclient.protocol._states.State`)."""
        return self._state

    @property
    def delay(self) -> float:
        """Seconds the driver must wait before sending the pending request."""
        return self._delay

    @property
    def read_timeout(self) -> float | None:
        """Seconds the driver allows between two response events (None: the transport's own)."""
        return None

    def next_request(self) -> HttpRequest:
        """Hand out the pending request (the driver sends it, then feeds the answer)."""
        self._advance(SEND)
        assert self._exchange is not None
        return self._exchange.request

    def receive(self, event: ResponseEvent) -> None:
        """Feed one event of the current response."""
        self._advance(type(event))
        exchange = self._exchange
        assert exchange is not None
        try:
            if isinstance(event, ResponseStarted):
                exchange.response = event
                if exchange.stream is not None and self._ok(exchange):
                    self._emit(self._on_stream_start(exchange))
            elif isinstance(event, BodyChunk):
                self._read(exchange, event.data)
            else:
                self._end(exchange)
        except (DecodeError, IncompleteStreamError) as exc:
            self._emit(exc.events)  # type: ignore[arg-type]
            self._fail(exc)
        except HfClientError as exc:
            self._fail(exc)

    def next_event(self) -> MachineEvent:
        """The next unified event, or what the driver must do: NEED_DATA, NEXT_REQUEST, DONE."""
        if self._events:
            return self._events.popleft()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if self._state is State.READY:
            return NEXT_REQUEST
        if self._state in (State.WAITING, State.READING):
            return NEED_DATA
        if self._state is State.DONE:
            return DONE
        raise LocalProtocolError(f"can't read events in state {self._state!r}")

    # For subclasses.

    def _send(self, exchange: Exchange, *, delay: float = 0.0) -> None:
        self._exchange = exchange
        self._delay = delay
        self._state = State.READY

    def _finish(self) -> None:
        self._exchange = None
        self._state = State.DONE

    def _emit(self, events: list[Event]) -> None:
        self._events.extend(events)

    def _on_stream_start(self, exchange: Exchange) -> list[Event]:
        return []

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        raise NotImplementedError

    def _on_stream_end(self, exchange: Exchange) -> None:
        self._finish()

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        raise NotImplementedError

    # The exchange itself.

    def _advance(self, event_type: object) -> None:
        try:
            self._state = TRANSITIONS[self._state, event_type]
        except KeyError:
            name = getattr(event_type, "__name__", event_type)
            state = self._state
            self._state = State.ERROR
            raise LocalProtocolError(f"can't handle {name} in state {state!r}") from None

    @staticmethod
    def _ok(exchange: Exchange) -> bool:
        return exchange.response is not None and 200 <= exchange.response.status < 300

    def _read(self, exchange: Exchange, data: bytes) -> None:
        if exchange.stream is not None and self._ok(exchange):
            self._emit(exchange.stream.feed(data))
            return
        limit = JSON_BODY_LIMIT if self._ok(exchange) else ERROR_BODY_LIMIT
        room = limit - len(exchange.body)
        if room <= 0 and self._ok(exchange):
            raise RemoteProtocolError(f"{exchange.operation.name}: body larger than {limit} bytes")
        exchange.body += data[: max(room, 0)]  # an error body is only kept to its limit

    def _end(self, exchange: Exchange) -> None:
        self._state = State.DECIDING
        body = bytes(exchange.body)
        if not self._ok(exchange):
            self._on_error_status(exchange, body)
        elif exchange.stream is not None:
            self._emit(exchange.stream.close())
            self._on_stream_end(exchange)
        else:
            self._on_body(exchange, body)
        if self._state is State.DECIDING:
            raise LocalProtocolError(f"{type(self).__name__} decided nothing after a body ended")

    def _fail(self, error: HfClientError) -> None:
        self._error = error
        self._exchange = None
        self._state = State.ERROR
