"""Hailuo chat events to unified events (protocols/hailuo.md §8, §9)."""

from __future__ import annotations

from codec import hailuo as wire
from hfclient.errors import IncompleteStreamError
from hfclient.events import (
    Conversation,
    Event,
    Finished,
    Source,
    Sources,
    TextDelta,
    TextSnapshot,
    Title,
)
from hfclient.translate._base import RuleTranslator
from hfclient.translate._generated.hailuo import (
    dispatch_chat_events,
    translate_chat_events,
)

__all__ = ["HailuoTranslator"]


class HailuoTranslator(RuleTranslator):
    """Translates one answer stream; complete at ``close_chunk`` or the final message.

    The spec's rules (``spec/hailuo.yaml``) drop heartbeats, end the answer
    and report any ``statusInfo.code`` other than 0 as a ``ServiceError``
    (§10), by the data's ``type`` whatever the SSE event is named. The hooks
    here turn cumulative content into ``TextDelta``\\ s, or a ``TextSnapshot``
    when the service rewrote what was already given out; a trailing U+FFFD is
    held back until the next content replaces it.
    """

    def __init__(self) -> None:
        super().__init__(dispatch_chat_events, translate_chat_events)
        self._text = wire.CumulativeText()
        self._sources_given = False

    def finish(self) -> list[Event]:
        """End of body: held-back text and ``Finished``; or IncompleteStreamError."""
        if not self.complete:
            raise IncompleteStreamError(
                "the Hailuo stream ended before close_chunk or the final message"
            )
        if self.failed:
            return []
        events: list[Event] = self._pieces(self._text.finish())
        return [*events, Finished("stop", self._text.text)]

    # Hooks the spec names.

    def sent(self, event: wire.SendResult) -> list[Event]:
        """The chat id (to continue the chat) and the title of a new chat."""
        if not isinstance(event.data, wire.SendResultData):
            return []
        sent = event.data.send_result
        events: list[Event] = []
        if isinstance(sent.chat_title, str) and sent.chat_title:
            events.append(Title(sent.chat_title))
        events.append(Conversation("hailuo", chat_id=str(sent.chat_id)))
        return events

    def message(self, event: wire.MessageResult) -> list[Event]:
        """The cumulative answer so far, as what it adds."""
        data = event.data
        if not isinstance(data, wire.MessageResultData):
            return []
        result = data.message_result
        if not isinstance(result, wire.MessageContent):
            return []
        events = self._pieces(self._text.update(result.content))
        return events + self._sources(result.extra_data, data.extra_data)

    def follow_up(self, event: wire.FollowUpQuestionResult) -> list[Event]:
        """Follow-up suggestions: they repeat the final text (§8.2); only references are new."""
        data = event.data
        if not isinstance(data, wire.MessageResultData):
            return []
        result = data.message_result
        inner = result.extra_data if isinstance(result, wire.MessageContent) else None
        return self._sources(inner, data.extra_data)

    def _sources(self, *extras: object) -> list[Event]:
        if self._sources_given:
            return []
        for extra in extras:
            if not isinstance(extra, dict):
                continue  # as nearly every event: no extra data
            links = _link_details(extra)
            if links:
                self._sources_given = True
                return [Sources(links)]
        return []

    @staticmethod
    def _pieces(pieces: list[wire.ContentPiece]) -> list[Event]:
        if len(pieces) == 1 and type(pieces[0]) is wire.ContentDelta:  # what the answer adds
            return [TextDelta(pieces[0].text)]
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
