"""Splitting inline ``<think>…</think>`` reasoning out of a streamed answer.

From 2025-10-14 HuggingChat sends reasoning inline, at the start of the
answer, instead of as ``reasoning`` updates (protocols/huggingchat.md §12).
The tags can be cut anywhere between tokens, so a possible partial tag is
held back until the next token settles it.
"""

from __future__ import annotations

from typing import Final

from hfclient.events import ReasoningDelta, TextDelta

__all__ = ["ThinkSplitter", "strip_think"]

_OPEN: Final = "<think>"
_CLOSE: Final = "</think>"


def strip_think(text: str) -> str:
    """``text`` without a leading ``<think>…</think>`` block (the answer part only)."""
    head = text.lstrip()
    if head.startswith(_OPEN) and _CLOSE in head:
        return head.split(_CLOSE, 1)[1]
    return text


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper beginning of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Turns answer tokens into ``ReasoningDelta`` and ``TextDelta`` pieces."""

    def __init__(self) -> None:
        self._state = "start"  # start -> thinking -> answer, or start -> answer
        self._held = ""

    def feed(self, token: str) -> list[ReasoningDelta | TextDelta]:
        """Take the next token; return what can be shown now."""
        if self._state == "answer":
            return [TextDelta(token)] if token else []
        self._held += token
        if self._state == "start":
            head = self._held.lstrip()
            if _OPEN.startswith(head):
                return []  # still a possible "<think>"
            if not head.startswith(_OPEN):
                self._state = "answer"
                return self._give_text()
            self._state = "thinking"
            self._held = head[len(_OPEN) :]
        return self._thinking()

    def flush(self) -> list[ReasoningDelta | TextDelta]:
        """End of the answer: give out what is held back."""
        held, self._held = self._held, ""
        if not held:
            return []
        return [ReasoningDelta(held)] if self._state == "thinking" else [TextDelta(held)]

    def _thinking(self) -> list[ReasoningDelta | TextDelta]:
        out: list[ReasoningDelta | TextDelta] = []
        if _CLOSE in self._held:
            reasoning, answer = self._held.split(_CLOSE, 1)
            if reasoning:
                out.append(ReasoningDelta(reasoning))
            self._state = "answer"
            self._held = answer
            return out + self._give_text()
        keep = _partial_suffix(self._held, _CLOSE)
        ready, self._held = (
            self._held[: len(self._held) - keep],
            self._held[len(self._held) - keep :],
        )
        return [ReasoningDelta(ready)] if ready else []

    def _give_text(self) -> list[ReasoningDelta | TextDelta]:
        held, self._held = self._held, ""
        return [TextDelta(held)] if held else []
