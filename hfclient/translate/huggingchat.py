"""HuggingChat message updates to unified events (protocols/huggingchat.md §3)."""

from __future__ import annotations

import json
from collections.abc import Callable

from codec import huggingchat as wire
from codec.values import UNSET
from codec.values import Unknown as WireUnknown
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Event,
    File,
    Finished,
    ProviderInfo,
    ReasoningDelta,
    ReasoningStatus,
    ServiceError,
    Source,
    Sources,
    Status,
    Title,
    ToolCall,
    ToolResult,
    Unknown,
)
from hfclient.translate.errors import error_kind
from hfclient.translate.think import ThinkSplitter, strip_think

__all__ = ["HuggingChatTranslator"]


class HuggingChatTranslator:
    """Translates one answer stream; complete at ``finalAnswer`` or a ``status: error``.

    ``file_url`` builds the download URL of a generated file from its sha
    (the client knows the conversation); without it ``File.url`` is None.
    ``Finished`` comes at the end of the body, after any late title
    (§3.3 rule 5), so it is always the last event.
    """

    def __init__(self, *, file_url: Callable[[str], str] | None = None) -> None:
        self._file_url = file_url
        self._think = ThinkSplitter()
        self._final: wire.FinalAnswer | None = None
        self._failed = False
        self._provider: str | None = None
        self._model: str | None = None

    @property
    def complete(self) -> bool:
        """Whether the end signal (``finalAnswer`` or an error status) has come."""
        return self._final is not None or self._failed

    def feed(self, update: object) -> list[Event]:
        """Translate one decoded message update."""
        if isinstance(update, wire.Stream):
            return list(self._think.feed(update.token))
        if isinstance(update, wire.Status):
            return self._status(update)
        if isinstance(update, wire.Title):
            return [Title(update.title)]
        if isinstance(update, wire.ReasoningStream):
            return [ReasoningDelta(update.token)] if update.token else []
        if isinstance(update, wire.ReasoningStatus):
            return [ReasoningStatus(update.status)]
        if isinstance(update, wire.FinalAnswer):
            self._final = update
            events: list[Event] = list(self._think.flush())
            if update.web_sources:
                events.append(
                    Sources(tuple(Source(s.uri, _text(s.title)) for s in update.web_sources))
                )
            return events
        if isinstance(update, wire.RouterMetadata):
            return self._router(update)
        return self._other(update)

    def finish(self) -> list[Event]:
        """End of body: ``Finished``, or :class:`IncompleteStreamError` if no end signal came."""
        if not self.complete:
            raise IncompleteStreamError(
                "the HuggingChat stream ended before finalAnswer or an error status"
            )
        if self._final is None:
            return []
        reason = "interrupted" if self._final.interrupted is True else "stop"
        return [Finished(reason, strip_think(self._final.text))]

    def _status(self, update: wire.Status) -> list[Event]:
        if update.status == "keepAlive":
            return []  # about ten a second; they only prove the stream is alive (§3.1)
        if update.status == "error":
            self._failed = True
            message = _text(update.message) or "generation failed"
            status = update.status_code if isinstance(update.status_code, int) else None
            return [ServiceError(error_kind(status=status, message=message), message, raw=update)]
        return [Status(update.status, _text(update.message))]

    def _router(self, update: wire.RouterMetadata) -> list[Event]:
        # The provider may arrive later, alone, with empty route and model (§12).
        self._model = update.model or self._model
        self._provider = _text(update.provider) or self._provider
        return [ProviderInfo(self._provider, self._model)]

    def _other(self, update: object) -> list[Event]:
        if isinstance(update, wire.WebSearchSources):
            return [Sources(tuple(Source(s.link, _text(s.title)) for s in update.sources))]
        if isinstance(update, wire.WebSearchUpdate):
            return [Status("searching", _with_args(update.message, update.args))]
        if isinstance(update, wire.WebSearchError):
            return [Status("search_error", _with_args(update.message, update.args))]
        if isinstance(update, wire.WebSearchFinished):
            return [Status("search_finished")]
        if isinstance(update, wire.ToolCall):
            arguments = update.call.parameters
            text = json.dumps({} if arguments is UNSET else arguments, ensure_ascii=False)
            return [ToolCall(update.uuid, update.call.name, text)]
        if isinstance(update, wire.ToolResult):
            return [_tool_result(update)]
        if isinstance(update, wire.ToolError):
            return [ToolResult(update.uuid, None, error=update.message)]
        if isinstance(update, wire.ToolEta):
            return [Status("tool_eta", f"{update.eta:g}s")]
        if isinstance(update, wire.ToolProgress):
            total = "" if update.total is UNSET else f"/{update.total:g}"
            return [Status("tool_progress", f"{update.progress:g}{total}")]
        if isinstance(update, wire.File):
            url = self._file_url(update.sha) if self._file_url else None
            return [File(update.name, update.mime, update.sha, url)]
        if isinstance(update, WireUnknown):
            return [Unknown(update.raw, update.reason)]
        return [Unknown(update)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _with_args(message: str, args: object) -> str:
    if isinstance(args, list) and args:
        return f"{message}: {', '.join(str(a) for a in args)}"
    return message


def _tool_result(update: wire.ToolResult) -> ToolResult:
    result = update.result
    name = None
    if isinstance(result, dict):
        call = result.get("call")
        if isinstance(call, dict) and isinstance(call.get("name"), str):
            name = call["name"]
        if result.get("status") == "error":
            return ToolResult(update.uuid, name, result, error=str(result.get("message", "")))
    return ToolResult(update.uuid, name, result)
