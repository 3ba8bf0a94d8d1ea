"""HuggingChat message updates to unified events (protocols/huggingchat.md §3).

The spec's ``unified`` rules (``spec/huggingchat.yaml``) say what each update
means; this module holds the hooks they name, for what needs state: answer
tokens split at ``<think>``, the final answer, the provider that may come
late, tool calls and files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal

from codec import huggingchat as wire
from codec.values import UNSET
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Event,
    File,
    Finished,
    ProviderInfo,
    Source,
    Sources,
    Status,
    ToolCall,
    ToolResult,
)
from hfclient.translate._base import RuleTranslator
from hfclient.translate._generated.huggingchat import (
    dispatch_generation_updates,
    dispatch_message_updates,
    translate_generation_updates,
    translate_message_updates,
)
from hfclient.translate._rules import text
from hfclient.translate.think import ThinkSplitter, strip_think

__all__ = ["HuggingChatTranslator"]


class HuggingChatTranslator(RuleTranslator):
    """Translates one answer stream; complete at ``finalAnswer`` or a ``status: error``.

    ``stream`` is ``message_updates`` (the answer to a POST) or
    ``generation_updates`` (re-attaching to a running generation, 2026).
    ``file_url`` builds the download URL of a generated file from its sha
    (the client knows the conversation); without it ``File.url`` is None.
    ``Finished`` comes at the end of the body, after any late title
    (§3.3 rule 5), so it is always the last event.
    """

    def __init__(
        self,
        *,
        file_url: Callable[[str], str] | None = None,
        stream: Literal["message_updates", "generation_updates"] = "message_updates",
    ) -> None:
        if stream == "generation_updates":  # the 2026 re-attach stream: SSE around updates
            super().__init__(dispatch_generation_updates, translate_generation_updates)
        else:
            super().__init__(dispatch_message_updates, translate_message_updates)
        self._file_url = file_url
        self._think = ThinkSplitter()
        self._final: wire.FinalAnswer | None = None
        self._tokens: list[str] = []  # the answer, should finalAnswer not fit
        self._provider: str | None = None
        self._model: str | None = None

    def finish(self) -> list[Event]:
        """End of body: ``Finished``, or :class:`IncompleteStreamError` if no end signal came."""
        if not self.complete:
            raise IncompleteStreamError(
                "the HuggingChat stream ended before finalAnswer or an error status"
            )
        if self.failed:
            return []
        events: list[Event] = list(self._think.flush())
        if self._final is None:  # a finalAnswer that did not fit: the tokens are the answer
            return [*events, Finished("stop", strip_think("".join(self._tokens)))]
        reason = "interrupted" if self._final.interrupted is True else "stop"
        return [*events, Finished(reason, strip_think(self._final.text))]

    # Hooks the spec names.

    def answer_token(self, event: wire.Stream) -> list[Event]:
        """An answer token: text, or reasoning inside ``<think>``."""
        self._tokens.append(event.token)
        return list(self._think.feed(event.token))

    def final_answer(self, event: wire.FinalAnswer) -> list[Event]:
        """The full answer: what the splitter held back, then the web sources."""
        self._final = event
        events: list[Event] = list(self._think.flush())
        if event.web_sources:
            events.append(Sources(tuple(Source(s.uri, text(s.title)) for s in event.web_sources)))
        return events

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
        """A tool call, its parameters as JSON text."""
        arguments = event.call.parameters
        encoded = json.dumps({} if arguments is UNSET else arguments, ensure_ascii=False)
        return [ToolCall(event.uuid, event.call.name, encoded)]

    def tool_result(self, event: wire.ToolResult) -> list[Event]:
        """A tool's result; ``result.status == "error"`` makes it a failed one."""
        result = event.result
        name = None
        if isinstance(result, dict):
            call = result.get("call")
            if isinstance(call, dict) and isinstance(call.get("name"), str):
                name = call["name"]
            if result.get("status") == "error":
                return [ToolResult(event.uuid, name, result, error=str(result.get("message", "")))]
        return [ToolResult(event.uuid, name, result)]

    def tool_status(self, event: wire.ToolEta | wire.ToolProgress) -> list[Event]:
        """A tool's queue ETA or progress, as a ``Status``."""
        if isinstance(event, wire.ToolEta):
            return [Status("tool_eta", f"{event.eta:g}s")]
        total = "" if event.total is UNSET else f"/{event.total:g}"
        return [Status("tool_progress", f"{event.progress:g}{total}")]

    def file(self, event: wire.File) -> list[Event]:
        """A file a tool made, with its download URL when the client knows it."""
        url = self._file_url(event.sha) if self._file_url else None
        return [File(event.name, event.mime, event.sha, url)]
