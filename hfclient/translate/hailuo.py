"""Hailuo chat events to unified events (protocols/hailuo.md §8, §9)."""

from __future__ import annotations

import json

from codec import hailuo as wire
from codec._generated.hailuo import END_IS_END
from codec.framing import ServerSentEvent
from codec.values import Unknown as WireUnknown
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Conversation,
    Event,
    Finished,
    ServiceError,
    Source,
    Sources,
    TextDelta,
    TextSnapshot,
    Title,
    Unknown,
)
from hfclient.translate.errors import error_kind

__all__ = ["HailuoTranslator"]

# The heartbeat event is type 3 and carries no answer (§8.2: exempt from the
# statusInfo check; "heart" in hailuo-free-api's fix).
_HEARTBEAT_TYPE = 3


class HailuoTranslator:
    """Translates one answer stream; complete at ``close_chunk`` or the final message.

    ``content`` is cumulative: it becomes ``TextDelta``\\ s, or a
    ``TextSnapshot`` when the service rewrote what was already given out; a
    trailing U+FFFD is held back until the next content replaces it. Any
    event whose ``statusInfo.code`` is not 0 is a ``ServiceError`` and ends
    the answer (§10).
    """

    def __init__(self) -> None:
        self._text = wire.CumulativeText()
        self._final: str | None = None
        self._closed = False
        self._failed = False
        self._sources_given = False

    @property
    def complete(self) -> bool:
        """Whether the end signal came (``close_chunk``, ``isEnd == 0``, or an error)."""
        return self._closed or self._failed or self._final is not None

    def feed(self, event: object) -> list[Event]:
        """Translate one decoded SSE event."""
        if isinstance(event, WireUnknown):
            if _is_heartbeat(event.raw):
                return []
            return [Unknown(event.raw, event.reason)]
        if isinstance(event, wire.CloseChunk):
            self._closed = True
            return self._check(event.status_info, event) if event.status_info else []
        if isinstance(event, wire.SendResult):
            return self._check(event.status_info, event) or self._sent(event)
        if isinstance(event, wire.MessageResult):
            return self._check(event.status_info, event) or self._message(event.data)
        if isinstance(event, wire.FollowUpQuestionResult):
            return self._check(event.status_info, event) or self._follow_up(event.data)
        return [Unknown(event)]

    def finish(self) -> list[Event]:
        """End of body: held-back text and ``Finished``; or IncompleteStreamError."""
        if not self.complete:
            raise IncompleteStreamError(
                "the Hailuo stream ended before close_chunk or the final message"
            )
        if self._failed:
            return []
        events: list[Event] = self._pieces(self._text.finish())
        return [
            *events,
            Finished("stop", self._final if self._final is not None else self._text.text),
        ]

    def _check(self, status: object, event: object) -> list[Event]:
        if not isinstance(status, wire.StatusInfo) or status.code == 0:
            return []
        self._failed = True
        message = status.message if isinstance(status.message, str) else f"code {status.code}"
        return [ServiceError(error_kind(message=message), message, raw=event)]

    def _sent(self, event: wire.SendResult) -> list[Event]:
        if not isinstance(event.data, wire.SendResultData):
            return []
        sent = event.data.send_result
        events: list[Event] = []
        if isinstance(sent.chat_title, str) and sent.chat_title:
            events.append(Title(sent.chat_title))
        events.append(Conversation("hailuo", chat_id=str(sent.chat_id)))
        return events

    def _message(self, data: object) -> list[Event]:
        if not isinstance(data, wire.MessageResultData):
            return []
        result = data.message_result
        if not isinstance(result, wire.MessageContent):
            return []
        events = self._pieces(self._text.update(result.content))
        if result.is_end == END_IS_END:
            self._final = result.content
        return events + self._sources(result.extra_data, data.extra_data)

    def _follow_up(self, data: object) -> list[Event]:
        # It repeats the final text (§8.2); only its references are new.
        if not isinstance(data, wire.MessageResultData):
            return []
        result = data.message_result
        inner = result.extra_data if isinstance(result, wire.MessageContent) else None
        return self._sources(inner, data.extra_data)

    def _sources(self, *extras: object) -> list[Event]:
        if self._sources_given:
            return []
        for extra in extras:
            links = _link_details(extra)
            if links:
                self._sources_given = True
                return [Sources(links)]
        return []

    @staticmethod
    def _pieces(pieces: list[wire.ContentPiece]) -> list[Event]:
        return [
            TextDelta(p.text) if isinstance(p, wire.ContentDelta) else TextSnapshot(p.text)
            for p in pieces
        ]


def _link_details(extra: object) -> tuple[Source, ...]:
    # extra.netSearchStatus.linkDetail: [{detail, url}] (§8.2; where it lives is uncertain).
    if not isinstance(extra, dict):
        return ()
    status = extra.get("netSearchStatus")
    links = status.get("linkDetail") if isinstance(status, dict) else None
    if not isinstance(links, list):
        return ()
    return tuple(
        Source(link["url"], link.get("detail") if isinstance(link.get("detail"), str) else None)
        for link in links
        if isinstance(link, dict) and isinstance(link.get("url"), str)
    )


def _is_heartbeat(raw: object) -> bool:
    if not isinstance(raw, ServerSentEvent):
        return False
    try:
        data = json.loads(raw.data)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("type") == _HEARTBEAT_TYPE
