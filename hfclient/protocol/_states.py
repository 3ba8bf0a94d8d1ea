"""The states of a protocol machine and the table of what each may receive.

Every machine runs a sequence of HTTP exchanges (HuggingChat: create, find
the parent message, send; the router: mapping, then providers in turn;
Hailuo: send). Each exchange goes through the same states; after a body
ends, the service's own logic decides whether another request follows.
A pair missing from the table is a :class:`~hfclient.errors.LocalProtocolError`.
"""

from __future__ import annotations

import enum
from typing import Final

from hfclient.exchange import BodyChunk, BodyEnded, ResponseStarted

__all__ = ["SEND", "TRANSITIONS", "State"]


class State(enum.Enum):
    """Where a machine is in its current exchange."""

    READY = "READY"  # a request is ready: call next_request()
    WAITING = "WAITING"  # the request is out: feed ResponseStarted
    READING = "READING"  # feed BodyChunk ..., then BodyEnded
    DECIDING = "DECIDING"  # the body ended: the service picks READY or DONE
    DONE = "DONE"  # nothing more to send or receive
    ERROR = "ERROR"  # something failed: the machine accepts nothing more

    def __repr__(self) -> str:
        return self.value


# The input "a request was handed out by next_request()".
SEND: Final = "next_request()"

TRANSITIONS: Final[dict[tuple[State, object], State]] = {
    (State.READY, SEND): State.WAITING,
    (State.WAITING, ResponseStarted): State.READING,
    (State.READING, BodyChunk): State.READING,
    (State.READING, BodyEnded): State.DECIDING,
}
