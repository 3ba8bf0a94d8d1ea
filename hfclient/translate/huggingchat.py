"""HuggingChat message updates to unified events (protocols/huggingchat.md §3).

The spec's ``unified`` rules (``spec/huggingchat.yaml``) say what each update
means; this module holds the hooks they name, for what needs state: answer
tokens split at ``<think>`` (one section per tool round), the final answer
merged with the text streamed before the tools ran (chat-ui
``src/lib/utils/mergeFinalAnswer.ts``), the provider that may come late, tool
calls, elicitations, files; and which stream of the run it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final, Literal

from codec import huggingchat as wire
from codec.framing import ServerSentEvent
from codec.values import UNSET
from codec.values import Unknown as WireUnknown
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Elicitation,
    ElicitationResolved,
    Event,
    File,
    Finished,
    ProviderInfo,
    Source,
    Sources,
    Status,
    ToolCall,
    ToolProgress,
    ToolResult,
)
from hfclient.translate._base import RuleTranslator
from hfclient.translate._generated.huggingchat import (
    dispatch_generation_updates,
    dispatch_message_updates,
    translate_generation_updates,
    translate_message_updates,
)
from hfclient.translate._rules import some, text
from hfclient.translate.think import ThinkSplitter, strip_think

__all__ = ["HuggingChatTranslator", "merge_final_answer"]


# JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator), which chat-ui trims with:
# not Python's str.isspace (which has \x1c-\x1f and lacks U+FEFF).
_JS_SPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_TRAILING_SPACE: Final = re.compile(f"[{_JS_SPACE}]+\\Z")
_JS_LEADING_SPACE: Final = re.compile(f"^[{_JS_SPACE}]+")


def merge_final_answer(existing: str, final: str, *, had_tools: bool, interrupted: bool) -> str:
    """The message content once ``finalAnswer`` came, as chat-ui computes it.

    ``existing`` is the text streamed so far (``<think>`` sections included),
    ``final`` the final answer's text. A stopped run keeps what was streamed
    unless the server's (clamped) text is a prefix of it; with tools, text
    streamed before the tools ran is kept (chat-ui
    ``src/lib/utils/mergeFinalAnswer.ts``, 2026-07-24; the server's own copy
    in ``src/routes/conversation/[id]/+server.ts``).
    """
    if interrupted:
        return existing if existing and not (final and existing.startswith(final)) else final
    if not had_tools or not existing:
        return final
    tail = _JS_TRAILING_SPACE.sub("", existing)
    head = _JS_LEADING_SPACE.sub("", final)
    if final and (existing.endswith(final) or (head and tail.endswith(head))):
        return existing
    if final and (final.startswith(existing) or (tail and head.startswith(tail))):
        return final
    gap = "" if existing.endswith("\n\n") or final.startswith("\n") else "\n\n"
    return existing + gap + final


def _counted(
    translator: HuggingChatTranslator, translate: Callable[[Any], list[Event]], event: object
) -> list[Event]:
    # A re-attach stream's translation of one event, its updates counted.
    if _is_update(event):
        translator.updates_seen += 1
    return translate(event)


def _is_update(event: object) -> bool:
    # An `update` SSE event carries a MessageUpdate; anything else keeps its ServerSentEvent.
    if isinstance(event, WireUnknown):
        return not isinstance(event.raw, ServerSentEvent)
    return not isinstance(event, wire.GenerationEnd)


class HuggingChatTranslator(RuleTranslator):
    """Translates one answer stream; complete at ``finalAnswer``, an error, or a parked question.

    ``stream`` is ``message_updates`` (the answer to a POST) or
    ``generation_updates`` (re-attaching to a running generation, 2026);
    :meth:`switch_stream` goes on with another such stream of the same run
    (after a plain close, from the next update on).
    ``file_url`` builds the download URL of a generated file from its sha
    (the client knows the conversation); without it ``File.url`` is None.
    ``Finished`` comes at the end of the body, after any late title
    (§3.3 rule 5), so it is always the last event. Its text is the message
    as chat-ui shows it: merged with text from before the tools ran, every
    ``<think>`` section left out.
    """

    def __init__(
        self,
        *,
        file_url: Callable[[str], str] | None = None,
        stream: Literal["message_updates", "generation_updates"] = "message_updates",
    ) -> None:
        self._file_url = file_url
        self._think = ThinkSplitter()
        self._final: wire.FinalAnswer | None = None
        self._content: list[str] = []  # the streamed text, <think> sections included
        self._had_tools = False
        self._tool_names: dict[str, str] = {}
        self._parked: Elicitation | None = None
        self._provider: str | None = None
        self._model: str | None = None
        self.updates_seen = 0  # `update` events of a generation_updates stream
        self._use(stream)

    def _use(self, stream: str) -> None:
        if stream == "generation_updates":  # the 2026 re-attach stream: SSE around updates
            super().__init__(dispatch_generation_updates, translate_generation_updates)
            # Its updates are counted, to resume after the last one seen; a POST's stream
            # counts nothing, so its tokens do not pay for this.
            self._by_type = {kind: partial(_counted, self, f) for kind, f in self._by_type.items()}
            self._fallback = partial(_counted, self, self._fallback)
        else:
            super().__init__(dispatch_message_updates, translate_message_updates)

    def switch_stream(self) -> None:
        """Go on with a new ``generation_updates`` stream of the same run, right after the last
        update seen (its ``update`` events are counted anew)."""
        ended, failed = self._ended, self._failed
        self._use("generation_updates")
        self._ended, self._failed = ended, failed
        self.updates_seen = 0

    @property
    def content(self) -> str:
        """The text streamed so far, ``<think>`` sections included (what chat-ui stores)."""
        return "".join(self._content)

    def finish(self) -> list[Event]:
        """End of body: ``Finished``, or :class:`IncompleteStreamError` if no end signal came."""
        if not self.complete and self._parked is None:
            raise IncompleteStreamError(
                "the HuggingChat stream ended before finalAnswer or an error status"
            )
        if self.failed:
            return []
        events = self._think.flush()
        streamed = self.content
        if self._final is None:
            # A parked question, or a finalAnswer that did not fit: the tokens are the answer.
            reason = "elicitation" if self._parked is not None else "stop"
            return [*events, Finished(reason, strip_think(streamed))]
        interrupted = self._final.interrupted is True
        merged = merge_final_answer(
            streamed, self._final.text, had_tools=self._had_tools, interrupted=interrupted
        )
        return [*events, Finished("interrupted" if interrupted else "stop", strip_think(merged))]

    # Hooks the spec names.

    def answer_token(self, event: wire.Stream) -> list[Event]:
        """An answer token: text, or reasoning inside ``<think>``."""
        self._content.append(event.token)
        return self._think.feed(event.token)

    def final_answer(self, event: wire.FinalAnswer) -> list[Event]:
        """The full answer: what the splitter held back, then the web sources."""
        self._final = event
        events = self._think.flush()
        if event.web_sources:
            events.append(Sources(tuple(Source(s.uri, text(s.title)) for s in event.web_sources)))
        return events

    def status_finished(self, event: wire.Status) -> list[Event]:
        """The run is over; after a parked question that is the turn's end."""
        if self._parked is not None and self._final is None:
            self.end()
        return [Status(event.status, text(event.message))]

    def router_metadata(self, event: wire.RouterMetadata) -> list[Event]:
        """The route's model and provider; the provider may arrive later, alone (§12)."""
        self._model = event.model or self._model
        self._provider = text(event.provider) or self._provider
        return [ProviderInfo(self._provider, self._model)]

    def web_search_status(self, event: wire.WebSearchUpdate | wire.WebSearchError) -> list[Event]:
        """Web search progress or failure, its arguments joined to the message."""
        status = "searching" if isinstance(event, wire.WebSearchUpdate) else "search_error"
        message = event.message
        if isinstance(event.args, list) and event.args:
            message = f"{message}: {', '.join(str(a) for a in event.args)}"
        return [Status(status, message)]

    def tool_call(self, event: wire.ToolCall) -> list[Event]:
        """A tool call: its arguments as the model sent them, else its parameters as JSON."""
        self._had_tools = True
        self._tool_names[event.uuid] = event.call.name
        arguments = some(event.arguments_raw)
        if arguments is None:
            parameters = event.call.parameters
            arguments = json.dumps({} if parameters is UNSET else parameters, ensure_ascii=False)
        return [
            ToolCall(
                event.uuid,
                event.call.name,
                arguments,
                original_id=text(event.original_id),
                reasoning=text(event.reasoning),
                content=text(event.content),
            )
        ]

    def tool_result(self, event: wire.ToolResult) -> list[Event]:
        """A tool's result; ``result.status == "error"`` makes it a failed one."""
        self._had_tools = True
        result = event.result
        name = self._tool_names.get(event.uuid)
        if isinstance(result, dict):
            call = result.get("call")
            if isinstance(call, dict) and isinstance(call.get("name"), str):
                name = call["name"]
            if result.get("status") == "error":
                return [ToolResult(event.uuid, name, result, error=str(result.get("message", "")))]
        return [ToolResult(event.uuid, name, result)]

    def tool_error(self, event: wire.ToolError) -> list[Event]:
        """A tool raised: a failed ``ToolResult`` named after its call."""
        self._had_tools = True
        return [ToolResult(event.uuid, self._tool_names.get(event.uuid), error=event.message)]

    def tool_status(self, event: wire.ToolEta | wire.ToolProgress) -> list[Event]:
        """A tool's queue ETA or progress."""
        self._had_tools = True
        if isinstance(event, wire.ToolEta):
            return [ToolProgress(event.uuid, eta=event.eta)]
        return [
            ToolProgress(
                event.uuid,
                progress=event.progress,
                total=some(event.total),
                message=text(event.message),
            )
        ]

    def elicitation_request(self, event: wire.ElicitationRequest) -> list[Event]:
        """A tool asks the user; without an expiry the turn parks on it."""
        request = event.request
        fields = request.fields if isinstance(request.fields, list) else []
        expires = some(event.expires_at)
        asked = Elicitation(
            request.elicitation_id,
            request.server,
            request.mode,
            request.message,
            fields=tuple(f for f in fields if isinstance(f, Mapping)),
            url=text(request.url),
            expires_at=None if expires is None else expires / 1000,  # the wire says epoch ms
            tool_id=text(event.tool_uuid),
            request=request.to_wire(),
        )
        if asked.parked:
            self._parked = asked
        return [asked]

    def elicitation_resolved(self, event: wire.ElicitationResolved) -> list[Event]:
        """An elicitation is over (answered, expired, aborted or withdrawn)."""
        content = event.content if isinstance(event.content, Mapping) else None
        return [ElicitationResolved(event.elicitation_id, event.action, event.resolution, content)]

    def file(self, event: wire.File) -> list[Event]:
        """A file a tool made, with its download URL when the client knows it."""
        url = self._file_url(event.sha) if self._file_url else None
        return [File(event.name, event.mime, event.sha, url)]
