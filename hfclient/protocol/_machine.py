"""The sans-IO machine every service machine builds on (the h11 model).

A driver loops::

    while True:
        event = machine.next_event()
        if event is NEXT_REQUEST:
            await sleep(machine.delay)          # e.g. a 429's Retry-After
            response = transport.open(machine.next_request())
        elif event is NEED_DATA:
            try:
                machine.receive(await anext(response))
            except StopAsyncIteration:
                machine.connection_dropped()
            except TransportError as error:
                if machine.state is not State.WAITING:
                    raise  # mid-body: not the machine's to retry
                machine.transport_failed(error)  # no byte yet: retry, fail over or re-raise
        elif event is NO_MORE_EVENTS:
            break
        else:
            yield event

The machine owns no socket and no timer. ``receive``,
``connection_dropped`` and ``transport_failed`` only raise :class:`LocalProtocolError` (an input its
state does not allow); failures of the remote side are raised by
``next_event`` after the events decoded before them, and any error leaves
the machine in ``ERROR``. Every change of state is an edge of the machine's
table (:mod:`hfclient.protocol._states`), applied by :meth:`Machine._fire`.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Final, TypeAlias, TypeVar

import attrs

from codec.errors import CodecError
from codec.http import HttpRequest
from codec.specinfo import OperationInfo
from hfclient.decoding import StreamDecoder
from hfclient.errors import (
    DecodeError,
    HfClientError,
    IncompleteStreamError,
    LocalProtocolError,
    ReadError,
    RemoteProtocolError,
    TransportError,
    redact,
    redacted_body,
)
from hfclient.events import Event
from hfclient.exchange import BodyChunk, BodyEnded, ResponseEvent, ResponseStarted
from hfclient.protocol._states import (
    IDLE,
    Input,
    Key,
    Node,
    State,
    Step,
    Transitions,
    describe_key,
    describe_node,
)
from hfclient.protocol._status import ERROR_BODY_LIMIT, is_unexpected_page, page_error

__all__ = [
    "NEED_DATA",
    "NEXT_REQUEST",
    "NO_MORE_EVENTS",
    "Exchange",
    "Machine",
    "MachineEvent",
    "json_record",
]

# A JSON answer larger than this is not what any of these services sends.
JSON_BODY_LIMIT: Final = 16 * 1024 * 1024


R = TypeVar("R")


def json_record(body: bytes, from_wire: Callable[[Mapping[str, Any]], R], what: str) -> R:
    """A JSON object answer as its wire record, or a :class:`DecodeError` naming ``what``."""
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise DecodeError(f"{what} is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise DecodeError(f"{what} is not a JSON object")
    try:
        return from_wire(document)
    except CodecError as exc:
        raise DecodeError.from_codec(exc) from None


class _Sentinel(type):
    def __repr__(cls) -> str:
        return cls.__name__


class NEED_DATA(metaclass=_Sentinel):
    """``next_event``: feed the next response event with ``receive``."""


class NEXT_REQUEST(metaclass=_Sentinel):
    """``next_event``: wait ``delay`` seconds, then send ``next_request()``."""


class NO_MORE_EVENTS(metaclass=_Sentinel):
    """``next_event``: the flow is complete and every event was handed out; stop driving."""


MachineEvent: TypeAlias = Event | type[NEED_DATA] | type[NEXT_REQUEST] | type[NO_MORE_EVENTS]
"""What ``next_event`` returns: a unified event or one of the three sentinels."""

_EVENT_INPUTS: Final[dict[type, Input]] = {
    ResponseStarted: Input.RESPONSE_STARTED,
    BodyChunk: Input.BODY_CHUNK,
    BodyEnded: Input.BODY_ENDED,
}


@attrs.define
class Exchange:
    """One request of a flow and how to read its answer."""

    request: HttpRequest
    operation: OperationInfo
    stream: StreamDecoder | None = None  # a stream answer is decoded as it arrives
    provider: str | None = None
    response: ResponseStarted | None = None
    # Shown by size only: an error body may echo the request's credentials.
    body: bytearray = attrs.field(factory=bytearray, repr=lambda body: f"<{len(body)} bytes>")
    page: bool = False  # a 2xx HTML page where the API answers none (read as an error body)


class Machine:
    """Runs the HTTP exchanges of a flow one after another; subclasses say what each answer means.

    A subclass sets :attr:`TRANSITIONS` (see
    :func:`~hfclient.protocol.transition_table`), queues its first request
    in its constructor with :meth:`_queue`, and implements :meth:`_on_body`
    (a 2xx non-stream answer), :meth:`_on_stream_end` (a 2xx stream answer
    is over) and :meth:`_on_error_status` (a non-2xx answer); each must call
    :meth:`_queue`, :meth:`_retry`, :meth:`_complete` or raise.
    :meth:`_on_stream_start` may emit events before the body;
    :meth:`_on_connection_dropped` decides what a dropped connection means
    (by default a :class:`~hfclient.errors.ReadError`), and
    :meth:`_on_transport_failed` what a transport error before any response
    byte means (by default that error, raised again). Inside the hooks
    :attr:`step` says which request's answer it is.
    """

    TRANSITIONS: ClassVar[Transitions]
    """The machine's whole transition table: ``((step, state), input)`` to the next node."""

    def __init__(self) -> None:
        self._node: Node = IDLE
        self._events: deque[Event] = deque()
        self._error: HfClientError | None = None
        self._exchange: Exchange | None = None
        self._secrets: frozenset[str] = frozenset()  # every credential the flow has sent
        self._delay = 0.0

    @property
    def state(self) -> State:
        """Where the machine is in its current exchange (see :class:`State`)."""
        return self._node[1]

    @property
    def step(self) -> Step | None:
        """Which request of the flow the machine is on (``None`` before the first and when over)."""
        return self._node[0]

    @property
    def delay(self) -> float:
        """Seconds the driver must wait before sending the pending request."""
        return self._delay

    @property
    def provider(self) -> str | None:
        """The inference provider the current request goes to, when the flow has one."""
        return None if self._exchange is None else self._exchange.provider

    @property
    def read_timeout(self) -> float | None:
        """Seconds the driver allows between two response events (None: the transport's own)."""
        return None

    def next_request(self) -> HttpRequest:
        """Hand out the pending request (the driver sends it, then feeds the answer)."""
        self._fire(Input.SEND_REQUEST)
        assert self._exchange is not None
        request = self._exchange.request
        self._secrets |= request.secret_values()
        return request

    def receive(self, event: ResponseEvent) -> None:
        """Feed one event of the current response."""
        key = _EVENT_INPUTS.get(type(event))
        if key is None:
            self._fire(Input.FAIL)
            raise LocalProtocolError(f"can't handle {event!r}: not a response event")
        self._fire(key)
        exchange = self._exchange
        assert exchange is not None
        try:
            if isinstance(event, ResponseStarted):
                exchange.response = event
                if (
                    self._ok(exchange)
                    and self._reads_pages_as_errors(exchange)
                    and is_unexpected_page(exchange.operation, event)
                ):
                    # Not fed to a decoder: read as an error body.
                    exchange.page, exchange.stream = True, None
                elif exchange.stream is not None and self._ok(exchange):
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

    def connection_dropped(self) -> None:
        """The connection broke before the current response ended (e.g. mid-stream)."""
        self._fire(Input.CONNECTION_DROPPED)
        exchange = self._exchange
        assert exchange is not None
        try:
            self._on_connection_dropped(exchange)
            self._check_decided()
        except HfClientError as exc:
            self._fail(exc)

    def transport_failed(self, error: TransportError) -> None:
        """The transport raised ``error`` before any byte of the current response.

        Only allowed while waiting for the response (``WAITING``): once a
        response started, what was read cannot be taken back. The machine
        decides (a router retries or moves on; by default ``error`` is raised
        by the next :meth:`next_event`).
        """
        self._fire(Input.TRANSPORT_FAILED)
        exchange = self._exchange
        assert exchange is not None
        try:
            self._on_transport_failed(exchange, error)
            self._check_decided()
        except HfClientError as exc:
            self._fail(exc)

    def survives_read_error(self, error: TransportError) -> bool:
        """Whether a read error in the middle of a response is the machine's to handle.

        By default not: the driver raises it. A machine that can go on (by
        re-attaching to what the response was streaming) queues its next
        request and says True; the driver then drives on.
        """
        return False

    def next_event(self) -> MachineEvent:
        """The next unified event, or a sentinel: NEXT_REQUEST, NEED_DATA, NO_MORE_EVENTS."""
        if self._events:
            return self._events.popleft()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        state = self.state
        if state is State.READY:
            return NEXT_REQUEST
        if state in (State.WAITING, State.READING):
            return NEED_DATA
        if state is State.DONE:
            return NO_MORE_EVENTS
        raise LocalProtocolError(f"can't read events in state {describe_node(self._node)}")

    # The one place the state changes.

    def _fire(self, key: Key) -> None:
        """Move along the table's edge for ``key``; a missing edge fails the machine."""
        node = self._node
        after = self.TRANSITIONS.get((node, key))
        if after is None:
            if key is not Input.FAIL:
                self._fire(Input.FAIL)
            raise LocalProtocolError(
                f"can't handle {describe_key(key)} in state {describe_node(node)}"
            )
        self._node = after

    # For subclasses.

    def _queue(self, step: Step, exchange: Exchange, *, delay: float = 0.0) -> None:
        """Queue the request of ``step`` (a new machine, or the service deciding)."""
        self._fire((Input.QUEUE_REQUEST, step))
        self._exchange = exchange
        self._delay = delay

    def _retry(self, exchange: Exchange, *, delay: float = 0.0) -> None:
        """Queue the current step's request again, after ``delay`` seconds."""
        self._fire(Input.RETRY_REQUEST)
        self._exchange = exchange
        self._delay = delay

    def _complete(self) -> None:
        """The flow is over: the driver stops once the events are handed out."""
        self._fire(Input.COMPLETE)
        self._exchange = None

    def _emit(self, events: list[Event]) -> None:
        self._events.extend(events)

    def _on_stream_start(self, exchange: Exchange) -> list[Event]:
        return []

    def _reads_pages_as_errors(self, exchange: Exchange) -> bool:
        """Whether a 2xx HTML page (where the spec lists no ``text/html``) fails the exchange.

        Always for a stream; a machine whose JSON answers may be pages with a
        meaning of their own (a login page) says so for the others.
        """
        return exchange.stream is not None

    def _on_body(self, exchange: Exchange, body: bytes) -> None:
        raise NotImplementedError

    def _on_stream_end(self, exchange: Exchange) -> None:
        self._complete()

    def _on_error_status(self, exchange: Exchange, body: bytes) -> None:
        raise NotImplementedError

    def _on_connection_dropped(self, exchange: Exchange) -> None:
        raise ReadError("the connection dropped before the response ended")

    def _on_transport_failed(self, exchange: Exchange, error: TransportError) -> None:
        raise error

    # The exchange itself.

    @staticmethod
    def _ok(exchange: Exchange) -> bool:
        return exchange.response is not None and 200 <= exchange.response.status < 300

    def _read(self, exchange: Exchange, data: bytes) -> None:
        if exchange.stream is not None and self._ok(exchange):
            self._emit(exchange.stream.feed(data))
            return
        as_json = self._ok(exchange) and not exchange.page
        limit = JSON_BODY_LIMIT if as_json else ERROR_BODY_LIMIT
        room = limit - len(exchange.body)
        if len(data) > room and as_json:  # also when the limit falls inside this chunk
            raise RemoteProtocolError(f"{exchange.operation.name}: body larger than {limit} bytes")
        exchange.body += data[:room]
        if not as_json and len(exchange.body) >= limit:
            # An error body or page is only kept to its limit, and the rest is
            # never read: the machine decides now, and the driver closes the
            # connection (a 1 GiB error body, or one that never ends, costs 64 KiB).
            self._fire(Input.BODY_ENDED)
            self._end(exchange)

    def _end(self, exchange: Exchange) -> None:
        body = bytes(exchange.body)
        if exchange.page or not self._ok(exchange):
            body = redacted_body(body, self._secrets)  # an error body may echo credentials
        if exchange.page:
            assert exchange.response is not None
            url = exchange.request.redacted_url()
            raise page_error(exchange.operation, exchange.response, body, url=url)
        if not self._ok(exchange):
            self._on_error_status(exchange, body)
        elif exchange.stream is not None:
            self._emit(exchange.stream.close())
            self._on_stream_end(exchange)
        else:
            self._on_body(exchange, body)
        self._check_decided()

    def _check_decided(self) -> None:
        if self.state is State.DECIDING:
            raise LocalProtocolError(f"{type(self).__name__} decided nothing after a response")

    def _fail(self, error: HfClientError) -> None:
        redact(error, self._secrets)  # a server may echo the credentials it was sent
        self._error = error
        self._exchange = None
        self._fire(Input.FAIL)
