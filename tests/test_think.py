"""ThinkSplitter: inline <think> reasoning split out of answer tokens, however they are cut."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from hfclient.events import ReasoningDelta, TextDelta
from hfclient.translate.think import ThinkSplitter, strip_think


def split(tokens: list[str]) -> tuple[str, str]:
    splitter = ThinkSplitter()
    pieces = [p for t in tokens for p in splitter.feed(t)] + splitter.flush()
    assert all(p.text for p in pieces)  # never an empty piece
    reasoning = "".join(p.text for p in pieces if isinstance(p, ReasoningDelta))
    answer = "".join(p.text for p in pieces if isinstance(p, TextDelta))
    return reasoning, answer


def tokens_of(text: str, points: list[int]) -> list[str]:
    bounds = sorted({0, len(text), *(min(p, len(text)) for p in points)})
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


safe_text = st.text(alphabet=st.characters(blacklist_characters="<>"), max_size=30)


@given(reasoning=safe_text, answer=safe_text, points=st.lists(st.integers(0, 80), max_size=10))
def test_reasoning_and_answer_survive_any_cut(
    reasoning: str, answer: str, points: list[int]
) -> None:
    text = f"<think>{reasoning}</think>{answer}"
    assert split(tokens_of(text, points)) == (reasoning, answer)


@given(answer=safe_text, points=st.lists(st.integers(0, 40), max_size=10))
def test_text_without_think_is_all_answer(answer: str, points: list[int]) -> None:
    assert split(tokens_of(answer, points)) == ("", answer)


def test_every_think_section_is_reasoning() -> None:
    # A tool-using turn streams one section per round (chat-ui runMcpFlow.ts).
    assert split(["Use ", "<think>", "x</think>"]) == ("x", "Use ")
    assert split(["\n ", "<think>a</think>b"]) == ("a", "b")
    assert split(["<think>r1</think>Let me look.", "<thi", "nk>r2</th", "ink>Found it."]) == (
        "r1r2",
        "Let me look.Found it.",
    )


@given(
    rounds=st.lists(st.tuples(safe_text, safe_text), min_size=1, max_size=4),
    points=st.lists(st.integers(0, 300), max_size=20),
)
def test_rounds_survive_any_cut(rounds: list[tuple[str, str]], points: list[int]) -> None:
    text = "".join(f"<think>{r}</think>{a}" for r, a in rounds)
    reasoning, answer = split(tokens_of(text, points))
    assert reasoning == "".join(r for r, _ in rounds)
    # Only whitespace before the first section is dropped, and the text starts with one:
    # the deltas add up to the answer as the final text shows it (strip_think).
    assert answer == "".join(a for _, a in rounds) == strip_think(text)


def test_whitespace_after_the_first_section_is_text() -> None:
    # Whitespace between rounds is the answer's, shown or not yet: the deltas then add up
    # to Finished.text (strip_think), which keeps it.
    for tokens in (
        ["<think></think> <think></think> "],
        ["<think>a</think> ", "<think>b</think> ", "c"],
        ["<think>a</think>x ", "<think>b</think> c"],
    ):
        _, answer = split(tokens)
        assert answer == strip_think("".join(tokens))
    assert split(["<think>a</think> ", "<think>b</think> ", "c"]) == ("ab", "  c")


def test_whitespace_between_sections_is_answer() -> None:
    # Only whitespace before the first section goes (hypothesis found this one).
    assert split(["<think></think>\r<think></think>\r"]) == ("", "\r\r")
    assert split([" \n<think>r</think>", "a"]) == ("r", "a")


def test_unclosed_think_is_reasoning_at_the_end() -> None:
    assert split(["<think>still", " thinking</th"]) == ("still thinking</th", "")


def test_a_lone_angle_bracket_is_answer() -> None:
    assert split(["<"]) == ("", "<")
    assert split(["<", "b>"]) == ("", "<b>")


def test_strip_think() -> None:
    assert strip_think("<think>a</think>\n\nB") == "\n\nB"
    assert strip_think("B <think>a</think>") == "B "
    assert strip_think("<think>a</think>Look.<think>b</think>Done.") == "Look.Done."
    # chat-ui hides an unclosed section to the end of the text.
    assert strip_think("A<think>unclosed") == "A"
