"""Shows a stream of unified events as a person reads it: answer as it arrives, then a footer.

Reasoning is kept apart from the answer: dimmed on a terminal (unless
``NO_COLOR`` is set), under a ``[reasoning]`` heading otherwise, with an
``[answer]`` heading before the answer that follows it. After the stream:
the title, the sources, the provider and the token usage, one line each.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final, TextIO

from hfclient.events import (
    Conversation,
    Elicitation,
    Event,
    File,
    ProviderInfo,
    ReasoningDelta,
    ServiceError,
    Source,
    Sources,
    TextDelta,
    TextSnapshot,
    Title,
    ToolCall,
    Usage,
)

__all__ = ["Renderer", "color_allowed"]

_DIM: Final = "\x1b[2m"
_RESET: Final = "\x1b[0m"


def color_allowed(stream: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether to color ``stream``: a terminal, and ``NO_COLOR`` unset or empty (no-color.org)."""
    env = os.environ if env is None else env
    return stream.isatty() and not env.get("NO_COLOR")


class Renderer:
    """Prints events to ``out`` as they come; :meth:`close` ends the answer and prints the footer.

    ``styled`` dims the reasoning (a terminal); otherwise headings set it apart.
    What it saw stays readable afterwards (``text``, ``title``, ``usage``, ...).
    """

    def __init__(self, out: TextIO, *, styled: bool) -> None:
        self._out = out
        self._styled = styled
        self._section: str | None = None  # "reasoning" or "answer": what is being printed
        self._at_line_start = True
        self.text = ""
        self.reasoning = ""
        self.title: str | None = None
        self.sources: tuple[Source, ...] = ()
        self.provider: ProviderInfo | None = None
        self.usage: Usage | None = None
        self.conversation: Conversation | None = None
        self.error: ServiceError | None = None
        self.tool_calls: list[ToolCall] = []
        self.files: list[File] = []
        self.questions: list[Elicitation] = []

    @property
    def started(self) -> bool:
        """Whether any answer or reasoning text has been printed."""
        return self._section is not None

    def feed(self, event: Event) -> None:
        """Show one event (the footer's parts are kept for :meth:`close`)."""
        if isinstance(event, ReasoningDelta):
            self._enter("reasoning")
            self.reasoning += event.text
            self._write(event.text)
        elif isinstance(event, TextDelta):
            self._enter("answer")
            self.text += event.text
            self._write(event.text)
        elif isinstance(event, TextSnapshot):
            self._snapshot(event.text)
        elif isinstance(event, Title):
            self.title = event.title
        elif isinstance(event, Sources):
            self.sources += event.sources
        elif isinstance(event, ProviderInfo):
            self.provider = event
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, Conversation):
            self.conversation = event
        elif isinstance(event, ServiceError):
            self.error = event
        elif isinstance(event, ToolCall):
            self.tool_calls.append(event)
        elif isinstance(event, File):
            self.files.append(event)
        elif isinstance(event, Elicitation):
            self.questions.append(event)

    def close(self, *, footer: bool = True) -> None:
        """End the answer's line and reset the style; then the footer lines."""
        self._leave()
        if not self._at_line_start:
            self._write("\n")
        if footer:
            for line in self.footer():
                self._write(line + "\n")
        self._out.flush()

    def footer(self) -> list[str]:
        """The lines after the answer: tool calls, files, title, sources, provider, usage."""
        lines = [f"tool call: {c.name}({c.arguments})" for c in self.tool_calls]
        lines += [  # the command does not answer them: the web app does
            f"question from {q.server}: {q.message}{' <' + q.url + '>' if q.url else ''}"
            for q in self.questions
        ]
        lines += [f"file: {f.name} ({f.mime}){' ' + f.url if f.url else ''}" for f in self.files]
        if self.title:
            lines.append(f"title: {self.title}")
        if self.sources:
            lines.append("sources:")
            lines += [
                f"  [{n}] {s.title + ' ' if s.title else ''}<{s.url}>"
                for n, s in enumerate(self.sources, 1)
            ]
        if self.provider is not None and (self.provider.provider or self.provider.model):
            model = f" ({self.provider.model})" if self.provider.model else ""
            lines.append(f"provider: {self.provider.provider or '?'}{model}")
        if self.usage is not None:
            lines.append(f"usage: {usage_text(self.usage)}")
        return lines

    def _snapshot(self, text: str) -> None:
        # The service rewrote its answer: print what is new, or the whole answer again.
        self._enter("answer")
        if text.startswith(self.text):
            self._write(text[len(self.text) :])
        else:
            self._write("\n[rewritten]\n" + text)
        self.text = text

    def _enter(self, section: str) -> None:
        if self._section == section:
            return
        self._leave()
        if not self._at_line_start:
            self._write("\n")
        if self._styled:
            if section == "reasoning":
                self._write(_DIM)
        elif section == "reasoning" or self._section == "reasoning":
            self._write(f"[{section}]\n")
        self._section = section

    def _leave(self) -> None:
        if self._styled and self._section == "reasoning":
            self._write(_RESET)

    def _write(self, text: str) -> None:
        if not text:
            return
        self._out.write(text)
        self._out.flush()
        if not text.startswith("\x1b"):
            self._at_line_start = text.endswith("\n")


def usage_text(usage: Usage) -> str:
    """``41 prompt + 12 completion = 53 tokens`` (and the cached and reasoning parts)."""
    text = (
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion"
        f" = {usage.total_tokens} tokens"
    )
    parts = []
    if usage.cached_tokens:
        parts.append(f"{usage.cached_tokens} cached")
    if usage.reasoning_tokens:
        parts.append(f"{usage.reasoning_tokens} reasoning")
    return text + (f" ({', '.join(parts)})" if parts else "")
