"""The states of a protocol machine, its inputs, and the one table of transitions.

A machine runs a flow of HTTP exchanges (HuggingChat: create the
conversation, find the parent message, send; the router: the provider
mapping, then providers in turn; Hailuo: send). Its state has two parts:

- the :class:`Step` of the flow, i.e. which request it is on (each service
  names its own steps), and
- the :class:`State` of that request's exchange, the same for every step.

A machine's table maps ``((step, state), input)`` to the next
``(step, state)``; :meth:`Machine._fire <hfclient.protocol.Machine>` applies
it and is the only code that changes a machine's state. A pair missing from
the table is a :class:`~hfclient.errors.LocalProtocolError`. The service's
own logic runs in ``DECIDING`` and picks the next input there: queue the
next step's request, repeat this one, complete, or fail.

:func:`transition_table` builds a service's table from its flow (which
steps may start it, follow each other, repeat and complete it); the
exchange part is the same for every step. ``docs/protocol.md`` draws the
tables (``tools/state_diagram.py``).
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from typing import Final, TypeAlias

__all__ = [
    "EXCHANGE_TRANSITIONS",
    "Input",
    "Key",
    "Node",
    "State",
    "Step",
    "Transitions",
    "describe_key",
    "describe_node",
    "one_request",
    "transition_table",
]


class State(enum.Enum):
    """Where a machine is in the exchange of its current step.

    ``IDLE``: a new machine, nothing queued yet (its constructor queues the
    first request). ``READY``: a request is queued: call ``next_request()``.
    ``WAITING``: the request is out: feed ``ResponseStarted``. ``READING``:
    feed ``BodyChunk`` ..., then ``BodyEnded``. ``DECIDING``: the response
    ended (or its connection dropped) and the service picks what follows.
    ``DONE``: the flow completed; nothing more to send or receive.
    ``ERROR``: something failed; the machine accepts nothing more.
    """

    IDLE = "IDLE"
    READY = "READY"
    WAITING = "WAITING"
    READING = "READING"
    DECIDING = "DECIDING"
    DONE = "DONE"
    ERROR = "ERROR"

    def __repr__(self) -> str:
        return self.value


class Step(enum.Enum):
    """The requests of a service's flow; each service subclasses it with its own steps."""

    def __repr__(self) -> str:
        return str(self.value)


class Input(enum.Enum):
    """Everything that can move a machine.

    From the driver: ``SEND_REQUEST`` (``next_request()`` handed the request
    out), ``RESPONSE_STARTED``, ``BODY_CHUNK`` and ``BODY_ENDED`` (fed with
    ``receive``), ``CONNECTION_DROPPED`` (``connection_dropped()``: the
    connection broke before the response ended, e.g. mid-stream),
    ``TRANSPORT_FAILED`` (``transport_failed(error)``: the transport raised
    before any byte of the response, e.g. the connection was refused).

    From the service's own logic: ``QUEUE_REQUEST`` (paired with the
    :class:`Step` queued, as ``(Input.QUEUE_REQUEST, step)``),
    ``RETRY_REQUEST`` (the same step again, e.g. after a 429),
    ``COMPLETE`` (the flow is over) and ``FAIL`` (an error, or an input the
    state does not allow).
    """

    QUEUE_REQUEST = "QUEUE_REQUEST"
    RETRY_REQUEST = "RETRY_REQUEST"
    SEND_REQUEST = "SEND_REQUEST"
    RESPONSE_STARTED = "RESPONSE_STARTED"
    BODY_CHUNK = "BODY_CHUNK"
    BODY_ENDED = "BODY_ENDED"
    CONNECTION_DROPPED = "CONNECTION_DROPPED"
    TRANSPORT_FAILED = "TRANSPORT_FAILED"
    COMPLETE = "COMPLETE"
    FAIL = "FAIL"

    def __repr__(self) -> str:
        return self.value


Node: TypeAlias = tuple[Step | None, State]
"""A whole machine state: the step (``None`` before the first and after the last), the state."""

Key: TypeAlias = Input | tuple[Input, Step]
"""What a table is keyed by besides the node: an input, or ``(QUEUE_REQUEST, step)``."""

Transitions: TypeAlias = Mapping[tuple[Node, Key], Node]
"""A transition table: ``(node, input)`` to the next node."""

# The exchange of any one step: (state, input) -> state, the step staying the same.
EXCHANGE_TRANSITIONS: Final[Mapping[tuple[State, Input], State]] = {
    (State.READY, Input.SEND_REQUEST): State.WAITING,
    (State.WAITING, Input.RESPONSE_STARTED): State.READING,
    (State.WAITING, Input.CONNECTION_DROPPED): State.DECIDING,
    (State.WAITING, Input.TRANSPORT_FAILED): State.DECIDING,
    (State.READING, Input.BODY_CHUNK): State.READING,
    (State.READING, Input.BODY_ENDED): State.DECIDING,
    (State.READING, Input.CONNECTION_DROPPED): State.DECIDING,
}

IDLE: Final[Node] = (None, State.IDLE)
DONE: Final[Node] = (None, State.DONE)
ERROR: Final[Node] = (None, State.ERROR)


def transition_table(
    *,
    starts: Iterable[Step],
    follows: Mapping[Step, Iterable[Step]],
    retries: Collection[Step] = (),
    completes: Collection[Step],
) -> dict[tuple[Node, Key], Node]:
    """The whole table of a flow.

    ``starts``: the steps a new machine may queue first. ``follows``: the
    steps each step may queue once its response ended. ``retries``: the
    steps that may be repeated. ``completes``: the steps whose end may
    complete the flow. Every step gets the exchange states of
    :data:`EXCHANGE_TRANSITIONS`, and every node may ``FAIL`` into ``ERROR``.
    """
    starts = tuple(starts)
    steps: list[Step] = []
    for step in (*starts, *follows, *(s for after in follows.values() for s in after)):
        if step not in steps:
            steps.append(step)
    steps += [s for s in (*retries, *completes) if s not in steps]
    table: dict[tuple[Node, Key], Node] = {}
    for step in starts:
        table[IDLE, (Input.QUEUE_REQUEST, step)] = (step, State.READY)
    for step in steps:
        for (state, event), after in EXCHANGE_TRANSITIONS.items():
            table[(step, state), event] = (step, after)
        deciding: Node = (step, State.DECIDING)
        for following in follows.get(step, ()):
            table[deciding, (Input.QUEUE_REQUEST, following)] = (following, State.READY)
        if step in retries:
            table[deciding, Input.RETRY_REQUEST] = (step, State.READY)
        if step in completes:
            table[deciding, Input.COMPLETE] = DONE
    nodes = [IDLE, *((s, state) for s in steps for state in _STEP_STATES), DONE, ERROR]
    for node in nodes:
        table[node, Input.FAIL] = ERROR
    return table


def one_request(step: Step) -> dict[tuple[Node, Key], Node]:
    """The table of a flow of one request: ``step`` starts it and its end completes it."""
    return transition_table(starts=[step], follows={}, completes=[step])


_STEP_STATES: Final = (State.READY, State.WAITING, State.READING, State.DECIDING)


def describe_node(node: Node) -> str:
    """``READY of send_message``, or ``DONE`` for a node outside any step."""
    step, state = node
    return state.value if step is None else f"{state.value} of {step.value}"


def describe_key(key: Key) -> str:
    """``BODY_CHUNK``, or ``QUEUE_REQUEST(send_message)``."""
    if isinstance(key, tuple):
        event, step = key
        return f"{event.value}({step.value})"
    return key.value
