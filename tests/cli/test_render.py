"""The chat renderer: reasoning apart, rewrites, the footer, styles."""

from __future__ import annotations

import io

from hfclient.cli._render import Renderer, color_allowed
from hfclient.events import (
    Elicitation,
    ProviderInfo,
    ReasoningDelta,
    Source,
    Sources,
    TextDelta,
    TextSnapshot,
    Title,
    Usage,
)


def shown(*events: object, styled: bool = False) -> str:
    out = io.StringIO()
    renderer = Renderer(out, styled=styled)
    for event in events:
        renderer.feed(event)  # type: ignore[arg-type]
    renderer.close()
    return out.getvalue()


def test_headings_set_the_reasoning_apart_and_the_footer_follows() -> None:
    text = shown(
        ReasoningDelta("Think"),
        ReasoningDelta("ing."),
        TextDelta("Hi"),
        TextDelta("!"),
        Title("Greeting"),
        Sources((Source("https://a.example", "A"), Source("https://b.example"))),
        ProviderInfo("groq", "llama"),
        Usage(3, 2, 5, reasoning_tokens=1),
    )
    assert text == (
        "[reasoning]\nThinking.\n[answer]\nHi!\n"
        "title: Greeting\nsources:\n  [1] A <https://a.example>\n  [2] <https://b.example>\n"
        "provider: groq (llama)\nusage: 3 prompt + 2 completion = 5 tokens (1 reasoning)\n"
    )


def test_on_a_terminal_the_reasoning_is_dimmed_without_headings() -> None:
    assert shown(ReasoningDelta("hm"), TextDelta("Yes"), styled=True) == "\x1b[2mhm\x1b[0m\nYes\n"


def test_a_snapshot_that_extends_prints_the_rest_and_a_rewrite_prints_it_whole() -> None:
    assert shown(TextDelta("Hel"), TextSnapshot("Hello")) == "Hello\n"
    assert shown(TextDelta("Helo"), TextSnapshot("Hello")) == "Helo\n[rewritten]\nHello\n"


def test_a_question_the_command_cannot_answer_is_shown() -> None:
    question = Elicitation("el-1", "search", "url", "Sign in first", url="https://x.example")
    assert shown(TextDelta("Wait."), question).endswith(
        "question from search: Sign in first <https://x.example>\n"
    )


def test_no_color_and_pipes_turn_styles_off() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert color_allowed(Terminal(), env={})
    assert not color_allowed(Terminal(), env={"NO_COLOR": "1"})
    assert color_allowed(Terminal(), env={"NO_COLOR": ""})  # empty means unset (no-color.org)
    assert not color_allowed(io.StringIO(), env={})
