"""The one typed event model users see, for all three services.

Each service's wire events map onto these (``hfclient.translate``); the wire
events themselves stay reachable through ``codec.<service>.iter_events``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import attrs

from codec.errorkinds import ErrorKind

__all__ = [
    "Conversation",
    "Elicitation",
    "ElicitationResolved",
    "ErrorKind",
    "Event",
    "File",
    "Finished",
    "ProviderInfo",
    "ReasoningDelta",
    "ReasoningStatus",
    "ResponseMetadata",
    "Result",
    "ServiceError",
    "ServiceErrorKind",
    "Source",
    "Sources",
    "Status",
    "TextDelta",
    "TextSnapshot",
    "Title",
    "ToolCall",
    "ToolProgress",
    "ToolResult",
    "Unknown",
    "Usage",
]

ServiceErrorKind: TypeAlias = ErrorKind
"""The kinds of ``ServiceError.kind``: ``codec.errorkinds.ErrorKind``, the one vocabulary."""


@attrs.frozen(slots=True)
class TextDelta:
    """More answer text: append it."""

    text: str


@attrs.frozen(slots=True)
class TextSnapshot:
    """The whole answer so far: it replaces what was shown (the service rewrote it)."""

    text: str


@attrs.frozen(slots=True)
class ReasoningDelta:
    """More of the model's thinking: append it to the reasoning shown."""

    text: str


@attrs.frozen(slots=True)
class ReasoningStatus:
    """A line about the reasoning, such as "Done in 3s."."""

    text: str


@attrs.frozen(slots=True)
class Title:
    """The conversation's title, as the service named it."""

    title: str


@attrs.frozen(slots=True)
class Source:
    """One web source an answer used."""

    url: str
    title: str | None = None


@attrs.frozen(slots=True)
class Sources:
    """The web sources an answer used."""

    sources: tuple[Source, ...]


@attrs.frozen(slots=True)
class File:
    """A file the service produced; ``url`` downloads it (with the same credentials)."""

    name: str
    mime: str
    sha: str | None = None
    url: str | None = None


@attrs.frozen(slots=True)
class ToolCall:
    """One complete tool call; ``arguments`` is its JSON text.

    ``original_id`` is the id the model's provider gave the call, when the
    service says (``id`` is the service's own); ``reasoning`` and ``content``
    are the thinking and the text of the round that led to the call, when the
    service repeats them on the call.
    """

    id: str
    name: str
    arguments: str
    original_id: str | None = None
    reasoning: str | None = None
    content: str | None = None


@attrs.frozen(slots=True)
class ToolResult:
    """What a tool returned (``result``), or why it failed (``error``)."""

    id: str
    name: str | None
    result: object = None
    error: str | None = None


@attrs.frozen(slots=True)
class ToolProgress:
    """A running tool's progress (``progress`` of ``total``, ``message``), or queue ``eta`` (s)."""

    id: str
    progress: float | None = None
    total: float | None = None
    message: str | None = None
    eta: float | None = None


@attrs.frozen(slots=True)
class Elicitation:
    """A tool asks the user something before it goes on (an MCP elicitation).

    ``id`` answers it (``HuggingChat.answer_elicitation``); ``server`` is who
    asks; ``mode`` is ``"form"`` (answer ``fields``, each a mapping with
    ``kind``, ``name``, ``required``, ...) or ``"url"`` (open ``url``).
    ``expires_at`` (seconds since the epoch) is set when the tool call waits
    with the stream open: answer before then and the same stream goes on.
    Without it the turn is ``parked``: the stream ends with
    ``Finished(reason="elicitation")``, and once answered the turn is
    resumed (``HuggingChat.resume_elicitation``). ``tool_id`` is the waiting
    tool call, when the service could tell which; ``request`` the wire
    payload whole.
    """

    id: str
    server: str
    mode: str
    message: str
    fields: tuple[Mapping[str, object], ...] = ()
    url: str | None = None
    expires_at: float | None = None
    tool_id: str | None = None
    request: Mapping[str, object] = attrs.field(factory=dict, eq=False, repr=False, hash=False)

    @property
    def parked(self) -> bool:
        """Whether the turn stops here until answered and resumed (no live call waits)."""
        return self.expires_at is None


@attrs.frozen(slots=True)
class ElicitationResolved:
    """An elicitation is over.

    ``action`` is accept, decline or cancel; ``resolution`` user, expired,
    aborted or withdrawn; ``content`` what was submitted.
    """

    id: str
    action: str
    resolution: str
    content: Mapping[str, object] | None = attrs.field(default=None, hash=False)


@attrs.frozen(slots=True)
class Status:
    """Progress the service reports: ``started``, ``searching``, ``tool_progress``, ..."""

    status: str
    message: str | None = None


@attrs.frozen(slots=True)
class Usage:
    """Token counts of the exchange.

    ``cached_tokens`` (of the prompt, from the provider's cache) and
    ``reasoning_tokens`` (of the completion, spent thinking) when the
    service said.
    """

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None


@attrs.frozen(slots=True)
class ResponseMetadata:
    """What the answer's headers say about the call, given before its content.

    ``request_id`` traces the call (quote it when reporting a problem);
    ``rate_limits`` holds the rate-limit headers, names lower-cased (e.g.
    ``x-ratelimit-remaining-requests``), values as sent.
    """

    request_id: str | None = None
    rate_limits: Mapping[str, str] = attrs.field(factory=dict, hash=False)


@attrs.frozen(slots=True)
class ProviderInfo:
    """Which provider and model answered (either may be unknown)."""

    provider: str | None
    model: str | None = None


@attrs.frozen(slots=True)
class Conversation:
    """The handle to continue a conversation: pass it back to the client.

    ``conversation_id`` and ``message_id`` are HuggingChat's (the parent of
    the next turn), and ``generation_id`` the id of its run in flight (to
    stop it or re-attach to it); ``chat_id`` is Hailuo's. The generation id
    is new for every run, so it is no part of the handle's equality or repr.
    """

    service: str
    conversation_id: str | None = None
    message_id: str | None = None
    chat_id: str | None = None
    model: str | None = None
    generation_id: str | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class ServiceError:
    """An error the service reported inside the stream (HTTP status was 200).

    ``raw`` is the wire event that carried it.
    """

    kind: ServiceErrorKind
    message: str
    retry_after: float | None = None
    provider: str | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(slots=True)
class Finished:
    """The answer is complete; ``text`` is the full answer when the service sent it."""

    reason: str
    text: str | None = None


@attrs.frozen(slots=True)
class Result:
    """The answer of a machine that fetches one value rather than a text (a catalogue, a mapping).

    Such a machine emits exactly one event, this one, then completes; the
    machine's own ``result`` property holds the same value, typed.
    """

    value: object = attrs.field(eq=True, repr=False)


@attrs.frozen(slots=True)
class Unknown:
    """A wire event with no unified meaning, kept whole (``raw``) instead of dropped.

    ``reason`` is ``None`` for an event type the spec does not know, else why a
    known type's payload did not fit its spec (as the codec said it).
    """

    raw: object
    reason: str | None = None


Event: TypeAlias = (
    TextDelta
    | TextSnapshot
    | ReasoningDelta
    | ReasoningStatus
    | Title
    | Sources
    | File
    | ToolCall
    | ToolResult
    | ToolProgress
    | Elicitation
    | ElicitationResolved
    | Status
    | Usage
    | ResponseMetadata
    | ProviderInfo
    | Conversation
    | ServiceError
    | Finished
    | Result
    | Unknown
)
