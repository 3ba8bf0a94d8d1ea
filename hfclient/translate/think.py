"""Splitting inline ``<think>…</think>`` reasoning out of a streamed answer.

From 2025-10-14 HuggingChat sends reasoning inline instead of as
``reasoning`` updates (protocols/huggingchat.md §12), and a turn that runs
tools streams one ``<think>`` section per round (chat-ui
``src/lib/server/textGeneration/mcp/runMcpFlow.ts``), so a section can open
anywhere in the answer, not only at its start. The tags can be cut anywhere
between tokens, so a possible partial tag is held back until the next token
settles it.
"""

from __future__ import annotations

import re
from typing import Final

from hfclient.events import Event, ReasoningDelta, TextDelta

__all__ = ["ThinkSplitter", "strip_think"]

_OPEN: Final = "<think>"
_CLOSE: Final = "</think>"
# chat-ui hides each section, an unclosed one to the end of the text.
_SECTION: Final = re.compile(r"<think>[\s\S]*?(?:</think>|$)")


def strip_think(text: str) -> str:
    """``text`` without its ``<think>…</think>`` sections: the answer as chat-ui shows it.

    Whitespace before a leading section goes with it.
    """
    head = text.lstrip()
    if head.startswith(_OPEN):
        text = head
    return _SECTION.sub("", text)


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper beginning of ``tag``."""
    if tag[0] not in text[1 - len(tag) :]:
        return 0  # every beginning of the tag starts with its "<": the common case, one scan
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0


class ThinkSplitter:
    """Turns answer tokens into ``ReasoningDelta`` and ``TextDelta`` pieces.

    Whitespace before the first section of the answer is dropped, as chat-ui
    does; every later ``<think>`` re-enters reasoning.
    """

    def __init__(self) -> None:
        self._thinking = False
        self._started = False  # any text or section seen yet
        self._held = ""

    def feed(self, token: str) -> list[Event]:
        """Take the next token; return what can be shown now."""
        if not self._held and (self._started or self._thinking) and token and "<" not in token:
            # Nearly every token: nothing held back, no tag can start in it.
            return [ReasoningDelta(token) if self._thinking else TextDelta(token)]
        self._held += token
        out: list[Event] = []
        while self._held:
            tag = _CLOSE if self._thinking else _OPEN
            if not self._started and not self._thinking:
                head = self._held.lstrip()
                if not head or _OPEN.startswith(head):
                    break  # still a possible leading "<think>"
                if head.startswith(_OPEN):
                    self._held = head
            found = self._held.find(tag)
            if found >= 0:
                self._give(out, self._held[:found])
                self._held = self._held[found + len(tag) :]
                self._thinking = not self._thinking
                self._started = True  # only whitespace before the first section goes
                continue
            keep = _partial_suffix(self._held, tag)
            self._give(out, self._held[: len(self._held) - keep])
            self._held = self._held[len(self._held) - keep :]
            break
        return out

    def flush(self) -> list[Event]:
        """End of the answer: give out what is held back."""
        out: list[Event] = []
        held, self._held = self._held, ""
        self._give(out, held)
        return out

    def _give(self, out: list[Event], piece: str) -> None:
        if not piece:
            return
        if self._thinking:
            out.append(ReasoningDelta(piece))
        else:
            self._started = True
            out.append(TextDelta(piece))
