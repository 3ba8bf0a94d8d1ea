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
    headers gave; ``events`` keeps every event, in order.
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


class _Gathered:
    """The answer so far, one event at a time."""

    def __init__(self) -> None:
        self.seen: list[Event] = []
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.fields: dict[str, object] = {}
        self.sources: list[Source] = []
        self.calls: list[ToolCall] = []

    def add(self, event: Event) -> None:
        self.seen.append(event)
        if isinstance(event, TextDelta):
            self.text.append(event.text)
        elif isinstance(event, TextSnapshot):
            self.text = [event.text]
        elif isinstance(event, ReasoningDelta):
            self.reasoning.append(event.text)
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
        return Completion(
            text="".join(self.text),
            reasoning="".join(self.reasoning),
            sources=tuple(self.sources),
            tool_calls=tuple(self.calls),
            events=tuple(self.seen),
            **self.fields,  # type: ignore[arg-type]
        )
