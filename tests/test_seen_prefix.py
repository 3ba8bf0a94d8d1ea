"""SeenPrefix: a replay cut differently gives, after the events already seen, exactly the rest."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from hfclient.events import Conversation, Event, ReasoningDelta, Status, TextDelta, Title
from hfclient.translate.seen import SeenPrefix

RUN: list[Event] = [
    Status("started"),
    ReasoningDelta("thinking about it"),
    TextDelta("Let me look that up."),
    Status("tool_progress", "1/2"),
    TextDelta("The answer is 42, "),
    TextDelta("as everyone knows."),
    Title("Answers"),
]


def recut(events: list[Event], points: list[int]) -> list[Event]:
    """The same events, every delta cut into pieces at ``points``."""
    out: list[Event] = []
    for event in events:
        if isinstance(event, TextDelta | ReasoningDelta):
            cuts = sorted({p % (len(event.text) + 1) for p in points} | {0, len(event.text)})
            out += [type(event)(event.text[a:b]) for a, b in itertools.pairwise(cuts) if a < b]
        else:
            out.append(event)
    return out


def joined(events: list[Event]) -> list[Event]:
    out: list[Event] = []
    for event in events:
        if out and isinstance(event, TextDelta | ReasoningDelta) and type(out[-1]) is type(event):
            out[-1] = type(event)(out[-1].text + event.text)  # type: ignore[union-attr]
        else:
            out.append(event)
    return out


@given(
    seen_cuts=st.lists(st.integers(0, 40), max_size=6),
    replay_cuts=st.lists(st.integers(0, 40), max_size=6),
    upto=st.integers(0, 40),
)
def test_seen_then_the_rest_is_the_run(
    seen_cuts: list[int], replay_cuts: list[int], upto: int
) -> None:
    first = recut(RUN, seen_cuts)
    seen = [Conversation("huggingchat", conversation_id="c"), *first[: upto % (len(first) + 1)]]
    skip = SeenPrefix(seen)
    rest = [new for e in recut(RUN, replay_cuts) if (new := skip.take(e)) is not None]
    assert joined(seen[1:] + rest) == joined(RUN)
    assert skip.caught_up


def test_a_replay_that_differs_is_given_whole_from_there() -> None:
    skip = SeenPrefix([Status("started"), TextDelta("abc")])
    assert skip.take(Status("started")) is None
    assert skip.take(TextDelta("abX")) == TextDelta("abX")
    assert skip.caught_up
