"""What a spec says of its operations and streams, as values for the protocol machines."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from codec.errorkinds import ErrorKind

__all__ = ["OperationInfo", "StreamInfo"]


@attrs.frozen(slots=True)
class OperationInfo:
    """One operation of a spec.

    ``errors`` maps an HTTP status to an error kind (:mod:`codec.errorkinds`);
    ``stream`` names the stream the response carries;
    ``since``/``until`` bound the era (ISO dates) in which the service had it.
    """

    name: str
    method: str
    path: str
    response: str
    stream: str | None = None
    errors: Mapping[int, ErrorKind] = attrs.field(factory=dict)
    since: str | None = None
    until: str | None = None


@attrs.frozen(slots=True)
class StreamInfo:
    """One stream of a spec.

    ``complete_on`` names the events (spec keys, or ``done``) whose arrival
    means the answer is complete; ``errors`` the events that may carry an
    in-band error; ``read_to_eof`` says whether events may still follow the
    completing one; ``content`` is ``delta`` or ``cumulative``; ``done`` is the
    SSE data that marks the end, when the stream has one.
    """

    name: str
    framing: str
    content: str
    complete_on: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    read_to_eof: bool = True
    done: str | None = None
