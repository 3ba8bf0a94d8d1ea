"""A whole answer gathered from its events: what ``complete()`` returns."""

from __future__ import annotations

from collections.abc import AsyncIterable

import attrs

from hfclient.errors import StreamServiceError
from hfclient.events import (
    Conversation,
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
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
    deltas built; ``events`` keeps every event, in order.
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
    events: tuple[Event, ...] = attrs.field(default=(), repr=False)


async def collect(events: AsyncIterable[Event]) -> Completion:
    """Gather ``events`` into a :class:`Completion`; an in-band error raises.

    A :class:`~hfclient.events.ServiceError` raises
    :class:`~hfclient.errors.StreamServiceError` carrying it.
    """
    seen: list[Event] = []
    text: list[str] = []
    reasoning: list[str] = []
    fields: dict[str, object] = {}
    sources: list[Source] = []
    calls: list[ToolCall] = []
    async for event in events:
        seen.append(event)
        if isinstance(event, TextDelta):
            text.append(event.text)
        elif isinstance(event, TextSnapshot):
            text = [event.text]
        elif isinstance(event, ReasoningDelta):
            reasoning.append(event.text)
        elif isinstance(event, Title):
            fields["title"] = event.title
        elif isinstance(event, Sources):
            sources.extend(event.sources)
        elif isinstance(event, ToolCall):
            calls.append(event)
        elif isinstance(event, Usage):
            fields["usage"] = event
        elif isinstance(event, ProviderInfo):
            fields["provider"] = event
        elif isinstance(event, Conversation):
            fields["conversation"] = event
        elif isinstance(event, Finished):
            fields["finish_reason"] = event.reason
            if event.text is not None:
                text = [event.text]
        elif isinstance(event, ServiceError):
            raise StreamServiceError(event, f"{event.kind}: {event.message}")
    return Completion(
        text="".join(text),
        reasoning="".join(reasoning),
        sources=tuple(sources),
        tool_calls=tuple(calls),
        events=tuple(seen),
        **fields,  # type: ignore[arg-type]
    )
