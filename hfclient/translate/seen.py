"""Skipping, in a replayed answer, the unified events a caller already has.

A run replayed from its start (HuggingChat's ``GET /conversation/{id}/stream``
with ``fromSeq=0``) gives the same events as the first reading, in the same
order, but cuts its text differently: the server's log joins tokens. So the
seen events are compared as a sequence of items, consecutive text (or
reasoning) deltas joined into one, and a replayed delta is matched by its
text. Once the replay gives something the caller did not see, or runs past
what it saw, everything is new. A ``Conversation`` handle is no part of a
run's replay, so it is left out of the seen events.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from hfclient.events import Conversation, Event, ReasoningDelta, TextDelta

__all__ = ["SeenPrefix"]

_Delta = TextDelta | ReasoningDelta


class SeenPrefix:
    """Filters a replay: :meth:`take` gives what of each event is new (None: seen)."""

    def __init__(self, seen: Iterable[Event]) -> None:
        self._items: list[Event] = []
        for event in seen:
            if isinstance(event, Conversation):
                continue
            last = self._items[-1] if self._items else None
            if isinstance(event, _Delta) and type(last) is type(event):
                assert isinstance(last, _Delta)
                self._items[-1] = type(event)(last.text + event.text)
            else:
                self._items.append(event)
        self._at = 0
        self._offset = 0  # characters of a delta item already matched

    @property
    def caught_up(self) -> bool:
        """Whether the replay is past what was seen (everything from now on is new)."""
        return self._at >= len(self._items)

    def take(self, event: Event) -> Event | None:
        """``event`` as far as the caller has not seen it."""
        if self.caught_up:
            return event
        item = self._items[self._at]
        if isinstance(event, _Delta) and type(item) is type(event):
            assert isinstance(item, _Delta)
            rest = item.text[self._offset :]
            if rest.startswith(event.text):
                self._offset += len(event.text)
                if self._offset >= len(item.text):
                    self._next()
                return None
            if event.text.startswith(rest):
                self._next()
                return attrs.evolve(event, text=event.text[len(rest) :])
        elif event == item:
            self._next()
            return None
        self._at = len(self._items)  # the replay went its own way: give it all
        return event

    def _next(self) -> None:
        self._at += 1
        self._offset = 0
