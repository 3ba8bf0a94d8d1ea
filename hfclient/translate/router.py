"""Router chat-completion chunks to unified events (protocols/hf-inference.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

import attrs

from codec import router as wire
from codec.values import UNSET
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Event,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    TextDelta,
    ToolCall,
    Usage,
)
from hfclient.translate._base import ObjectHooks, RuleTranslator
from hfclient.translate._generated.router import (
    dispatch_chat_completion_chunks,
    translate_chat_completion_chunks,
)

__all__ = ["RouterTranslator"]


@attrs.define
class _PendingCall:
    id: str = ""
    name: str = ""
    arguments: list[str] = attrs.field(factory=list)


class RouterTranslator(RuleTranslator):
    """Translates one chat-completion stream.

    Complete at ``[DONE]``, at a chunk with a ``finish_reason`` (cerebras sends
    no ``[DONE]``), or at an error object. Reading goes on after the
    ``finish_reason``: the usage chunk comes later (§5.2). Tool-call fragments
    are merged by index (without one, a new id starts a call and no id
    continues the last) and each call is given once, complete, when the
    choice finishes. ``Usage`` (the last one seen: some providers send
    cumulative usage on every chunk) and ``Finished`` come at the end.

    Accepted as chat-ui accepts them: ``content`` as a list of text parts,
    reasoning under ``reasoning_content``, ``reasoning`` or ``reasoning_text``
    (given once when several carry the same text), usage without
    ``total_tokens``, finish reasons of any name (given as sent).

    A stream never sends the whole text, so its ``Finished`` has none (``text``
    ``None``): nothing is kept of what was already given out as ``TextDelta``;
    a whole answer (``completion``) has its message's text.
    """

    def __init__(self, *, provider: str | None = None) -> None:
        super().__init__(dispatch_chat_completion_chunks, translate_chat_completion_chunks)
        self.provider = provider
        self._model_seen = False
        self._calls: list[_PendingCall] = []
        self._call_at: dict[int, _PendingCall] = {}
        self._text: list[str] | None = None  # only for a whole answer: its text, kept
        self._usage: Usage | None = None
        self._finish_reason: str | None = None

    def object_hooks(self) -> ObjectHooks:
        """Records whose wire objects this translator reads itself (see :meth:`chunk_object`).

        Only this class's own: a subclass may change ``feed`` or ``chunk``, so
        its chunks are all decoded and fed (it can name hooks of its own).
        """
        if type(self) is not RouterTranslator:
            return {}
        return {wire.ChatCompletionChunk: self.chunk_object}

    def finish(self) -> list[Event]:
        """End of body: pending tool calls, ``Usage``, ``Finished``; or IncompleteStreamError."""
        if not self.complete:
            raise IncompleteStreamError(
                "the router stream ended before [DONE], a finish_reason or an error"
            )
        if self.failed:
            return []
        events: list[Event] = self._flush_calls()
        if self._usage is not None:
            events.append(self._usage)
        text = None if self._text is None else "".join(self._text)
        events.append(Finished(self._finish_reason or "stop", text))
        return events

    # Hooks the spec names.

    def chunk(self, event: wire.ChatCompletionChunk) -> list[Event]:
        """One chunk: its first choice's text, reasoning and tool-call fragments."""
        events: list[Event] = []
        self._model(event.model, events)
        usage = event.usage
        if isinstance(usage, wire.Usage):
            self._usage = _usage(usage)
        for choice in event.choices:
            if choice.index not in (0, UNSET):
                continue  # one answer per request: n is never set above 1
            delta = choice.delta
            if isinstance(delta, wire.ChunkDelta):
                content = delta.content
                if type(content) is list:
                    content = "".join(
                        part.text
                        for part in content
                        if part.type == "text" and isinstance(part.text, str)
                    )
                self._reasoning(
                    events, delta.reasoning_content, delta.reasoning, delta.reasoning_text
                )
                self._content(events, content)
                if type(delta.tool_calls) is list:
                    for fragment in delta.tool_calls:
                        self._fragment(fragment)
            self._finished(choice.finish_reason, events)
        return events

    def chunk_object(self, chunk: dict[str, Any]) -> list[Event] | None:
        """A plain chunk read from its wire object, as :meth:`chunk` reads its record.

        Plain: one choice (or none) whose delta has text or reasoning, maybe a
        finish reason; no usage, no tool calls, no list of content parts.
        Anything else is ``None``: decoded and given to :meth:`chunk`. (Nearly
        every chunk of a stream is plain; building its three records only to
        read two fields of them was half the cost of decoding it.) Every field
        is taken as its record would have it: a value of another type than
        the spec's counts as absent.
        """
        choices = chunk.get("choices")
        if type(choices) is not list or len(choices) > 1 or chunk.get("usage") is not None:
            return None
        choice = choices[0] if choices else {}
        if type(choice) is not dict:
            return None  # the record would not decode: Unknown, then what is saved of it
        delta = choice.get("delta")
        if type(delta) is not dict:
            delta = {}
        content = delta.get("content")
        if type(content) is list or delta.get("tool_calls") is not None:
            return None
        # Nothing below declines: from here on the translator's state changes.
        events: list[Event] = []
        if not self._model_seen:
            self._model(chunk.get("model"), events)
        index = choice.get("index")
        if type(index) is int and index != 0:
            return events
        if len(delta) > 1 or type(content) is not str:  # more than the usual lone content
            self._reasoning(
                events,
                delta.get("reasoning_content"),
                delta.get("reasoning"),
                delta.get("reasoning_text"),
            )
        self._content(events, content)
        reason = choice.get("finish_reason")
        if reason is not None:
            self._finished(reason, events)
        return events

    def completion(self, answer: wire.ChatCompletion) -> list[Event]:
        """A whole non-streaming answer: the same events a stream of it gives, ``Finished`` last.

        The message is read as one chunk's delta (its tool calls are whole),
        so both paths share every rule above.
        """
        choices = [
            wire.ChunkChoice(
                index=choice.index,
                finish_reason=choice.finish_reason
                if type(choice.finish_reason) is str
                else "stop",  # an answer that came back whole is finished
                delta=_as_delta(choice.message)
                if isinstance(choice.message, wire.CompletionMessage)
                else UNSET,
            )
            for choice in answer.choices
        ]
        chunk = wire.ChatCompletionChunk(model=answer.model, usage=answer.usage, choices=choices)
        self._text = []
        events = self.chunk(chunk)
        if not self.complete:
            self.end()  # no choice at all: nothing more will come either
        return events + self.finish()

    def salvage_chunk(self, wire_object: Mapping[str, Any]) -> list[Event]:
        """A chunk whose ``choices`` did not fit: the choices that are objects still count."""
        choices = wire_object.get("choices")
        usage = wire_object.get("usage")
        model = wire_object.get("model")
        return self.chunk(
            wire.ChatCompletionChunk(
                model=model if type(model) is str else UNSET,
                usage=wire.Usage.from_wire(usage) if _is_usage(usage) else None,
                choices=[
                    wire.ChunkChoice.from_wire(choice)
                    for choice in (choices if type(choices) is list else ())
                    if type(choice) is dict
                ],
            )
        )

    def stream_error(self, event: wire.StreamError) -> list[Event]:
        """An error object inside the 200 stream: a string (TGI) or OpenAI style."""
        error = event.error
        if isinstance(error, wire.ErrorMessage):
            message = error.message
            error_type = error.type if isinstance(error.type, str) else None
        else:
            message = error
            error_type = event.error_type if isinstance(event.error_type, str) else None
        return [self.error(message=message, status=None, error_type=error_type, raw=event)]

    def _model(self, model: object, events: list[Event]) -> None:
        if not self._model_seen and type(model) is str and model:
            self._model_seen = True
            events.append(ProviderInfo(self.provider, model))

    def _reasoning(self, events: list[Event], first: object, second: object, third: object) -> None:
        # Providers name the field reasoning_content, reasoning or reasoning_text
        # (§5.3); some send the same text under two of them: given once. (Type
        # tests, not truth: UNSET's truth is a Python call.)
        if type(first) is str and first:
            events.append(ReasoningDelta(first))
        if type(second) is str and second and second != first:
            events.append(ReasoningDelta(second))
        if type(third) is str and third and third != first and third != second:
            events.append(ReasoningDelta(third))

    def _content(self, events: list[Event], content: object) -> None:
        if type(content) is str and content:
            if self._text is not None:
                self._text.append(content)
            events.append(TextDelta(content))

    def _finished(self, reason: object, events: list[Event]) -> None:
        if type(reason) is str:
            self._finish_reason = reason
            self.end()
            events += self._flush_calls()

    def _fragment(self, fragment: wire.ToolCallDelta) -> None:
        new_id = fragment.id if isinstance(fragment.id, str) and fragment.id else None
        if isinstance(fragment.index, int):
            call = self._call_at.get(fragment.index)
            if call is None:
                call = self._call_at[fragment.index] = _PendingCall()
                self._calls.append(call)
        elif new_id is not None or not self._calls:
            # No index: a new id starts a call, a fragment without one continues the last.
            if self._calls and self._calls[-1].id in ("", new_id):
                call = self._calls[-1]
            else:
                call = _PendingCall()
                self._calls.append(call)
        else:
            call = self._calls[-1]
        if new_id is not None:
            call.id = new_id
        function = fragment.function
        if isinstance(function, wire.FunctionDelta):
            if isinstance(function.name, str) and function.name:
                call.name = function.name
            if isinstance(function.arguments, str):
                call.arguments.append(function.arguments)

    def _flush_calls(self) -> list[Event]:
        calls = sorted(
            self._calls,
            key=lambda c: next((i for i, p in self._call_at.items() if p is c), -1),
        )
        self._calls, self._call_at = [], {}
        return [ToolCall(call.id, call.name, "".join(call.arguments)) for call in calls]


def _usage(usage: wire.Usage) -> Usage:
    total = usage.total_tokens
    if type(total) is not int:
        total = usage.prompt_tokens + usage.completion_tokens
    prompt, completion = usage.prompt_tokens_details, usage.completion_tokens_details
    cached = prompt.cached_tokens if isinstance(prompt, wire.PromptTokensDetails) else None
    reasoning = (
        completion.reasoning_tokens
        if isinstance(completion, wire.CompletionTokensDetails)
        else None
    )
    return Usage(
        usage.prompt_tokens,
        usage.completion_tokens,
        total,
        cached_tokens=cached if type(cached) is int else None,
        reasoning_tokens=reasoning if type(reasoning) is int else None,
    )


def _as_delta(message: wire.CompletionMessage) -> wire.ChunkDelta:
    return wire.ChunkDelta(
        role=message.role,
        content=message.content,
        reasoning_content=message.reasoning_content,
        reasoning=message.reasoning,
        reasoning_text=message.reasoning_text,
        tool_calls=message.tool_calls,
    )


def _is_usage(value: object) -> TypeGuard[dict[str, Any]]:
    return (
        isinstance(value, dict)
        and type(value.get("prompt_tokens")) is int
        and type(value.get("completion_tokens")) is int
    )
