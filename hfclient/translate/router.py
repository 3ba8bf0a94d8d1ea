"""Router chat-completion chunks to unified events (protocols/hf-inference.md §5)."""

from __future__ import annotations

import attrs

from codec import router as wire
from codec.values import Unknown as WireUnknown
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ServiceError,
    TextDelta,
    ToolCall,
    Unknown,
    Usage,
)
from hfclient.translate.errors import error_kind

__all__ = ["RouterTranslator"]


@attrs.define
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = attrs.field(factory=list)


class RouterTranslator:
    """Translates one chat-completion stream.

    Complete at ``[DONE]``, at a chunk with a ``finish_reason`` (cerebras sends
    no ``[DONE]``), or at an error object. Reading goes on after the
    ``finish_reason``: the usage chunk comes later (§5.2). Tool-call fragments
    are merged by index and each call is given once, complete, when the
    choice finishes. ``Usage`` (the last one seen: some providers send
    cumulative usage on every chunk) and ``Finished`` come at the end.
    """

    def __init__(self, *, provider: str | None = None) -> None:
        self._provider = provider
        self._model_seen = False
        self._calls: dict[int, _PendingCall] = {}
        self._text: list[str] = []
        self._usage: wire.Usage | None = None
        self._finish_reason: str | None = None
        self._done = False
        self._failed = False

    @property
    def provider(self) -> str | None:
        """The provider answering, when known (the auto route may name it late)."""
        return self._provider

    @provider.setter
    def provider(self, value: str | None) -> None:
        self._provider = value

    @property
    def complete(self) -> bool:
        """Whether an end signal came (``[DONE]``, a finish_reason, or an error)."""
        return self._done or self._failed or self._finish_reason is not None

    def feed(self, event: object) -> list[Event]:
        """Translate one decoded SSE event."""
        if isinstance(event, wire.ChatCompletionChunk):
            return self._chunk(event)
        if isinstance(event, wire.Done):
            self._done = True
            return []
        if isinstance(event, wire.StreamError):
            self._failed = True
            return [self._error(event)]
        if isinstance(event, WireUnknown):
            return [Unknown(event.raw, event.reason)]
        return [Unknown(event)]

    def finish(self) -> list[Event]:
        """End of body: pending tool calls, ``Usage``, ``Finished``; or IncompleteStreamError."""
        if not self.complete:
            raise IncompleteStreamError(
                "the router stream ended before [DONE], a finish_reason or an error"
            )
        if self._failed:
            return []
        events: list[Event] = self._flush_calls()
        if self._usage is not None:
            u = self._usage
            events.append(Usage(u.prompt_tokens, u.completion_tokens, u.total_tokens))
        events.append(Finished(self._finish_reason or "stop", "".join(self._text)))
        return events

    def _chunk(self, chunk: wire.ChatCompletionChunk) -> list[Event]:
        events: list[Event] = []
        if not self._model_seen and isinstance(chunk.model, str) and chunk.model:
            self._model_seen = True
            events.append(ProviderInfo(self._provider, chunk.model))
        if isinstance(chunk.usage, wire.Usage):
            self._usage = chunk.usage
        for choice in chunk.choices:
            if choice.index != 0:
                continue  # one answer per request: n is never set above 1
            delta = choice.delta
            if isinstance(delta, wire.ChunkDelta):
                events += self._delta(delta)
            if isinstance(choice.finish_reason, str):
                self._finish_reason = choice.finish_reason
                events += self._flush_calls()
        return events

    def _delta(self, delta: wire.ChunkDelta) -> list[Event]:
        events: list[Event] = []
        # Providers name the field reasoning_content or reasoning (§5.3).
        for reasoning in (delta.reasoning_content, delta.reasoning):
            if isinstance(reasoning, str) and reasoning:
                events.append(ReasoningDelta(reasoning))
        if isinstance(delta.content, str) and delta.content:
            self._text.append(delta.content)
            events.append(TextDelta(delta.content))
        if isinstance(delta.tool_calls, list):
            for fragment in delta.tool_calls:
                call = self._calls.setdefault(fragment.index, _PendingCall())
                if isinstance(fragment.id, str) and fragment.id:
                    call.id = fragment.id
                function = fragment.function
                if isinstance(function, wire.FunctionDelta):
                    if isinstance(function.name, str) and function.name:
                        call.name = function.name
                    if isinstance(function.arguments, str):
                        call.arguments.append(function.arguments)
        return events

    def _flush_calls(self) -> list[Event]:
        calls, self._calls = self._calls, {}
        return [
            ToolCall(call.id, call.name, "".join(call.arguments))
            for _, call in sorted(calls.items())
        ]

    def _error(self, event: wire.StreamError) -> ServiceError:
        error = event.error
        if isinstance(error, wire.ErrorMessage):
            message = error.message
            error_type = error.type if isinstance(error.type, str) else None
        else:
            message = error
            error_type = event.error_type if isinstance(event.error_type, str) else None
        kind = error_kind(message=message, error_type=error_type)
        return ServiceError(kind, message, provider=self._provider, raw=event)
