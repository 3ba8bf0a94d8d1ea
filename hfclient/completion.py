"""A whole answer gathered from its events: what ``complete()`` returns."""

from __future__ import annotations

from collections.abc import AsyncIterable

import attrs

from hfclient.errors import HfClientError, StreamServiceError
from hfclient.events import (
    Conversation,
    Elicitation,
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ResponseMetadata,
    ServiceError,
    Source,
    Sources,
    TextDelta,
    TextSnapshot,
    Title,
    ToolCall,
    Usage,
)

__all__ = ["Completion", "collect"]


@attrs.frozen(slots=True)
class Completion:
    """The final answer with everything the service said about it.

    ``text`` is the service's final text when it sent one, else the text the
    deltas built; ``metadata`` the request id and rate limits the answer's
    headers gave; ``events`` keeps every event, in order, with each run of
    ``TextDelta`` (or ``ReasoningDelta``) in a row given as one event of the
    run's whole text: a long answer costs its text, not an object per token.
    """

    text: str
    reasoning: str = ""
    title: str | None = None
    sources: tuple[Source, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage | None = None
    provider: ProviderInfo | None = None
    conversation: Conversation | None = None
    finish_reason: str | None = None
    metadata: ResponseMetadata | None = None
    events: tuple[Event, ...] = attrs.field(default=(), repr=False)

    @property
    def elicitation(self) -> Elicitation | None:
        """The question the turn stopped on (``finish_reason == "elicitation"``), else None.

        Answer it and resume the turn with ``HuggingChat.answer_elicitation``
        and ``HuggingChat.resume_elicitation``.
        """
        if self.finish_reason != "elicitation":
            return None
        asked = [e for e in self.events if isinstance(e, Elicitation) and e.parked]
        return asked[-1] if asked else None


async def collect(events: AsyncIterable[Event]) -> Completion:
    """Gather ``events`` into a :class:`Completion`; an in-band error raises.

    A :class:`~hfclient.events.ServiceError` raises
    :class:`~hfclient.errors.StreamServiceError` carrying it. Any hfclient
    error raised on the way carries what arrived before it as ``partial``.
    """
    gathered = _Gathered()
    iterator = aiter(events)
    try:
        async for event in iterator:
            gathered.add(event)
            if isinstance(event, ServiceError):
                raise StreamServiceError(event, f"{event.kind}: {event.message}")
    except HfClientError as error:
        error.partial = gathered.completion()
        raise
    finally:
        # Left on an error, the stream still holds its response: release it before raising.
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
    return gathered.completion()


# A run's pieces are joined as they come, in two steps (a few KiB, then about a MiB):
# a long answer costs about its characters, not a string object per token, and its big
# pieces are blocks the allocator gives back whole.
_PIECES_JOINED_AT = 256
_CHARS_JOINED_AT = 1 << 16
_CHARS_JOINED_AGAIN_AT = 1 << 20


class _Run:
    """Deltas of one kind in a row (text or reasoning): one event in ``Completion.events``."""

    __slots__ = ("joined", "joined_chars", "kind", "loose", "loose_chars", "parts")

    def __init__(self, kind: type[TextDelta | ReasoningDelta]) -> None:
        self.kind = kind
        # parts: big pieces, then ``joined`` pieces of a few KiB, then ``loose`` ones as they came.
        self.parts: list[str] = []
        self.loose = self.loose_chars = 0
        self.joined = self.joined_chars = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.loose += 1
        self.loose_chars += len(text)
        if self.loose >= _PIECES_JOINED_AT or self.loose_chars >= _CHARS_JOINED_AT:
            self.parts[-self.loose :] = ["".join(self.parts[-self.loose :])]
            self.joined += 1
            self.joined_chars += self.loose_chars
            self.loose = self.loose_chars = 0
            if self.joined_chars >= _CHARS_JOINED_AGAIN_AT:
                self.parts[-self.joined :] = ["".join(self.parts[-self.joined :])]
                self.joined = self.joined_chars = 0

    def text(self) -> str:
        # Joined once: the parts give way to the whole, so a run is never held twice.
        if len(self.parts) != 1:
            self.parts = ["".join(self.parts)]
            self.loose = self.loose_chars = self.joined = self.joined_chars = 0
        return self.parts[0] if self.parts else ""

    def event(self) -> TextDelta | ReasoningDelta:
        return self.kind(self.text())


class _Gathered:
    """The answer so far, one event at a time."""

    def __init__(self) -> None:
        self.seen: list[Event | _Run] = []
        # The answer's pieces since the last snapshot, and the reasoning's: a lone delta's
        # text, or the run a second delta of the same kind in a row turned it into.
        self.text: list[str | _Run] = []
        self.reasoning: list[str | _Run] = []
        self.fields: dict[str, object] = {}
        self.sources: list[Source] = []
        self.calls: list[ToolCall] = []

    def add(self, event: Event) -> None:
        if isinstance(event, TextDelta | ReasoningDelta):
            kind = type(event)
            pieces = self.text if kind is TextDelta else self.reasoning
            last = self.seen[-1] if self.seen else None
            if type(last) is _Run and last.kind is kind:
                last.add(event.text)
            elif type(last) is kind:  # the second in a row: the two become a run
                run = _Run(kind)
                run.add(last.text)
                run.add(event.text)
                self.seen[-1] = pieces[-1] = run
            else:  # alone so far: kept as it came (a run costs more than one event)
                self.seen.append(event)
                pieces.append(event.text)
            return
        self.seen.append(event)
        if isinstance(event, TextSnapshot):
            self.text = [event.text]
        elif isinstance(event, Title):
            self.fields["title"] = event.title
        elif isinstance(event, Sources):
            self.sources.extend(event.sources)
        elif isinstance(event, ToolCall):
            self.calls.append(event)
        elif isinstance(event, Usage):
            self.fields["usage"] = event
        elif isinstance(event, ProviderInfo):
            self.fields["provider"] = event
        elif isinstance(event, ResponseMetadata):
            self.fields["metadata"] = event
        elif isinstance(event, Conversation):
            self.fields["conversation"] = event
        elif isinstance(event, Finished):
            self.fields["finish_reason"] = event.reason
            if event.text is not None:
                self.text = [event.text]

    def completion(self) -> Completion:
        # Runs first, each joined once; then the answer, which for a single run is that
        # very string (str.join of one str gives it back), not a copy of it.
        events = tuple(e.event() if isinstance(e, _Run) else e for e in self.seen)
        return Completion(
            text=_joined(self.text),
            reasoning=_joined(self.reasoning),
            sources=tuple(self.sources),
            tool_calls=tuple(self.calls),
            events=events,
            **self.fields,  # type: ignore[arg-type]
        )


def _joined(pieces: list[str | _Run]) -> str:
    return "".join(p if isinstance(p, str) else p.text() for p in pieces)
