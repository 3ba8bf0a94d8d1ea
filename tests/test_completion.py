"""``collect``: what a Completion keeps of a stream, and what that costs in memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Iterable
from itertools import pairwise

import anyio
from hypothesis import given
from hypothesis import strategies as st

from hfclient.completion import Completion, collect
from hfclient.events import (
    Event,
    Finished,
    ReasoningDelta,
    TextDelta,
    TextSnapshot,
    Title,
    ToolCall,
)


async def _events(events: Iterable[Event]) -> AsyncIterator[Event]:
    for event in events:
        yield event


def _collect(events: Iterable[Event]) -> Completion:
    async def run() -> Completion:
        return await collect(_events(events))

    return anyio.run(run)


CALL = ToolCall(id="call_1", name="search", arguments='{"q": "x"}')


def test_each_run_of_deltas_is_one_event_in_order() -> None:
    done = _collect(
        [
            TextDelta("Hel"),
            TextDelta("lo"),
            CALL,
            TextDelta(" there"),
            ReasoningDelta("hm"),
            ReasoningDelta("m"),
            TextDelta("."),
            Finished("stop"),
        ]
    )
    assert done.events == (
        TextDelta("Hello"),
        CALL,
        TextDelta(" there"),
        ReasoningDelta("hmm"),
        TextDelta("."),
        Finished("stop"),
    )
    assert (done.text, done.reasoning, done.finish_reason) == ("Hello there.", "hmm", "stop")
    assert done.tool_calls == (CALL,)


def test_a_snapshot_replaces_the_text_before_it_and_stays_an_event() -> None:
    done = _collect([TextDelta("draft"), TextSnapshot("Final"), TextDelta("!"), Title("T")])
    assert done.text == "Final!"
    assert done.events == (TextDelta("draft"), TextSnapshot("Final"), TextDelta("!"), Title("T"))


def test_the_answer_of_one_run_is_that_runs_string_not_a_copy() -> None:
    done = _collect([TextDelta(f"word{i} ") for i in range(5_000)])
    (only,) = done.events
    assert isinstance(only, TextDelta)
    assert only.text is done.text
    assert done.text == "".join(f"word{i} " for i in range(5_000))


def test_a_partial_completion_does_not_stop_the_run_from_growing() -> None:
    from hfclient.completion import _Gathered

    gathered = _Gathered()
    for piece in ("a", "b"):
        gathered.add(TextDelta(piece))
    assert gathered.completion().text == "ab"
    gathered.add(TextDelta("c"))
    assert gathered.completion().events == (TextDelta("abc"),)


pieces = st.lists(st.text(max_size=40), max_size=3_000)


@given(st.lists(st.tuples(st.booleans(), pieces), max_size=6))
def test_runs_of_any_length_keep_every_character(runs: list[tuple[bool, list[str]]]) -> None:
    events: list[Event] = []
    for reasoning, texts in runs:
        events += [ReasoningDelta(t) if reasoning else TextDelta(t) for t in texts]
        events.append(Title("between runs"))
    done = _collect(events)
    assert done.text == "".join(t for r, texts in runs if not r for t in texts)
    assert done.reasoning == "".join(t for r, texts in runs if r for t in texts)
    kinds = [type(e) for e in done.events]
    assert not any(a is b and a in (TextDelta, ReasoningDelta) for a, b in pairwise(kinds))


def test_a_long_answer_costs_about_its_text_not_an_object_per_token() -> None:
    # 200,000 tokens of 4 characters: one TextDelta and one str kept per token would be
    # over 70 bytes a token (the old cost, ~19x the text); joined as they come, the peak
    # is the text's characters twice (the pieces, then the answer) and a little more.
    tokens = 200_000
    text_bytes = 4 * tokens

    async def measured() -> tuple[int, int]:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        done = await collect(_events(TextDelta("abc ") for _ in range(tokens)))
        _, peak = tracemalloc.get_traced_memory()
        return len(done.text), peak - before

    _collect([TextDelta("warm")])  # imports and the event loop's first allocations
    tracemalloc.start()
    try:
        length, growth = anyio.run(measured)
    finally:
        tracemalloc.stop()
    assert length == text_bytes
    assert growth < 2.5 * text_bytes


def test_deltas_that_alternate_are_kept_as_they_came() -> None:
    # A provider that sends reasoning and content in every chunk alternates kinds each
    # token: every run is one delta, kept as the very event (a run would cost more).
    events: list[Event] = []
    for i in range(50):
        events += [ReasoningDelta(f"r{i}"), TextDelta(f"t{i}")]
    done = _collect(events)
    assert all(a is b for a, b in zip(done.events, events, strict=True))
    assert done.text == "".join(f"t{i}" for i in range(50))
    assert done.reasoning == "".join(f"r{i}" for i in range(50))
