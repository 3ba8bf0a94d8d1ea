"""Object hooks: a translator reading a record's wire object gives what its typed hook gives.

The router translator reads plain chunks straight from their JSON objects
(``RouterTranslator.chunk_object``) and leaves the rest to the typed path. Here
the same bodies go through it twice, with its object hooks and without them:
the events, the errors and the end must be the same, whatever the chunks hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codec import router as wire
from codec.streams import decode_located
from hfclient.decoding import StreamDecoder
from hfclient.events import Event, TextDelta
from hfclient.translate._base import ObjectHooks
from hfclient.translate.router import RouterTranslator
from hfclient.transport.cassette import load
from hfclient.transport.vcr import import_vcr
from tools.build_fixtures import FIXTURES

DATA = Path(__file__).parent / "data"


class TypedOnly(RouterTranslator):
    """The router translator with every chunk decoded into its records first."""

    def object_hooks(self) -> ObjectHooks:
        return {}


def _run(body_chunks: list[bytes], translator: RouterTranslator) -> tuple[list[Event], str]:
    decoder = StreamDecoder("router", translator=translator)
    events: list[Event] = []
    try:
        for chunk in body_chunks:
            events += decoder.feed(chunk)
        events += decoder.close()
    except Exception as exc:  # the same error, after the same events
        return events + list(getattr(exc, "events", [])), f"{type(exc).__name__}: {exc}"
    return events, ""


def _cut(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)] or [b""]


def _same_both_ways(body_chunks: list[bytes]) -> tuple[list[Event], str]:
    hooked = _run(body_chunks, RouterTranslator())
    assert hooked == _run(body_chunks, TypedOnly())
    return hooked


def _stream_bodies() -> dict[str, list[bytes]]:
    bodies = {
        "examples/hf-router.stream.sse": [(DATA / "examples/hf-router.stream.sse").read_bytes()],
        "examples/hf-router.stream-error.sse": [
            (DATA / "examples/hf-router.stream-error.sse").read_bytes()
        ],
    }
    for path in sorted((DATA / "real").glob("router-*.vcr.yaml")):
        for exchange in import_vcr(path).exchanges:
            if exchange.response.chunks:
                bodies[path.name] = [c.data for c in exchange.response.chunks]
    for path in sorted((FIXTURES / "router").glob("*.yaml")):
        for n, exchange in enumerate(load(path).exchanges):
            chunks = [c.data for c in exchange.response.chunks]
            if b"data:" in b"".join(chunks):
                bodies[f"{path.name}#{n}"] = chunks
    return bodies


BODIES = _stream_bodies()


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_recorded_router_stream_decodes_the_same_with_and_without_object_hooks(
    name: str,
) -> None:
    _same_both_ways(BODIES[name])


def test_the_recorded_bodies_include_plain_chunks_the_hook_reads() -> None:
    # Not a vacuous comparison: the hook takes most chunks of the recorded streams itself.
    taken = declined = 0
    translator = RouterTranslator()
    for chunks in BODIES.values():
        for line in b"".join(chunks).split(b"\n"):
            if line.startswith(b"data: {"):
                try:
                    obj = json.loads(line[6:])
                except ValueError:
                    continue  # the broken bodies of the fault cassettes
                if "error" in obj:
                    continue
                if translator.chunk_object(obj) is None:
                    declined += 1
                else:
                    taken += 1
    assert taken > declined > 0


# Values of every JSON kind, and the ones each field expects, for the fields the hook reads.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "hi", " there", "<think>", "stop", "length", "tool_calls"]),
    st.lists(st.integers(0, 2), max_size=2),
    st.just({}),
)
words = st.text(alphabet="ab <>/think", min_size=1, max_size=6)
texty = st.one_of(words, words, words, anything)
part = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["text", "image"]), "text": texty}),
    anything,
)
delta = st.fixed_dictionaries(
    {},
    optional={
        "role": st.one_of(st.just("assistant"), anything),
        "content": st.one_of(texty, st.lists(part, max_size=2)),
        "reasoning_content": texty,
        "reasoning": texty,
        "reasoning_text": texty,
        "tool_calls": st.one_of(
            anything,
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "index": st.one_of(st.integers(0, 1), anything),
                        "id": st.one_of(st.sampled_from(["call_1", "call_2"]), anything),
                        "function": st.fixed_dictionaries(
                            {}, optional={"name": texty, "arguments": texty}
                        ),
                    },
                ),
                max_size=2,
            ),
        ),
        "token_id": anything,
        "surprise": anything,
    },
)
choice = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "index": st.one_of(st.just(0), anything),
            "delta": st.one_of(delta, anything),
            "finish_reason": st.one_of(st.none(), st.sampled_from(["stop", "length"]), anything),
            "logprobs": anything,
            "surprise": anything,
        },
    ),
    anything,
)
usage = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"prompt_tokens": st.integers(0, 9), "completion_tokens": st.integers(0, 9)},
        optional={"total_tokens": anything},
    ),
    anything,
)
noisy_chunk = st.fixed_dictionaries(
    {},
    optional={
        "id": anything,
        "object": st.one_of(st.just("chat.completion.chunk"), anything),
        "model": st.one_of(st.sampled_from(["org/model", ""]), anything),
        "choices": st.one_of(st.lists(choice, max_size=2), anything),
        "usage": usage,
        "error": st.one_of(st.none(), st.just("overloaded")),
        "surprise": anything,
    },
)
# What the hook takes: one choice or none, no usage, no tool calls; noise in every field it reads.
plain_delta = st.fixed_dictionaries(
    {"content": texty},
    optional={
        "role": st.one_of(st.just("assistant"), anything),
        "reasoning_content": texty,
        "reasoning": texty,
        "reasoning_text": texty,
        "tool_calls": st.none(),
        "surprise": anything,
    },
)
plain_choice = st.fixed_dictionaries(
    {"delta": st.one_of(plain_delta, plain_delta, anything)},
    optional={
        "index": st.one_of(st.just(0), anything),
        "finish_reason": st.one_of(st.none(), st.sampled_from(["stop", "length"]), anything),
        "logprobs": anything,
    },
)
plain_chunk = st.fixed_dictionaries(
    {"choices": st.lists(plain_choice, min_size=1, max_size=1) | st.just([])},
    optional={
        "id": anything,
        "model": st.one_of(st.sampled_from(["org/model", ""]), anything),
        "usage": st.none(),
        "surprise": anything,
    },
)
chunk = st.one_of(plain_chunk, noisy_chunk)


@settings(max_examples=400, deadline=None)
@given(st.lists(chunk, max_size=6), st.booleans())
def test_any_chunks_decode_the_same_with_and_without_object_hooks(
    chunks: list[dict[str, Any]], done: bool
) -> None:
    body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
    _same_both_ways([body + (b"data: [DONE]\n\n" if done else b"")])


@settings(max_examples=300, deadline=None)
@given(chunk)
def test_a_chunk_the_hook_takes_gives_what_its_record_gives(obj: dict[str, Any]) -> None:
    # One chunk at a time, state included: the hook takes it (or not) without side effects
    # on a decline, and what it gives equals the typed hook's events and state.
    hooked, typed = RouterTranslator(), RouterTranslator()
    events = hooked.chunk_object(obj)
    if events is None:
        assert vars_of(hooked) == vars_of(RouterTranslator())  # a decline changes nothing
        return
    record = decode_located(wire.ChatCompletionChunk, obj, obj)
    assert isinstance(record, wire.ChatCompletionChunk)
    assert events == typed.chunk(record)
    assert vars_of(hooked) == vars_of(typed)


def vars_of(translator: RouterTranslator) -> dict[str, object]:
    return {
        k: v
        for k, v in vars(translator).items()
        if k not in ("_by_type", "_fallback")  # bound to the instance itself
    }


def test_a_subclass_gets_every_chunk_through_feed_and_chunk() -> None:
    class Shouting(RouterTranslator):
        fed = 0

        def feed(self, event: object) -> list[Event]:
            self.fed += 1
            return super().feed(event)

        def chunk(self, event: wire.ChatCompletionChunk) -> list[Event]:
            return [TextDelta("!"), *super().chunk(event)]

    body = b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n'
    translator = Shouting()
    events, _ = _run([body], translator)
    assert events[:2] == [TextDelta("!"), TextDelta("hi")]
    assert translator.fed == 2  # the chunk and [DONE]


# Any JSON anywhere, for the fields of every level: what the records' types do not expect.
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3, 3),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["", "a", "stop", "text", "0", "call_1"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["type", "text", "index", "id", "function", "name", "arguments"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)
any_delta = st.dictionaries(
    st.sampled_from(
        ["role", "content", "reasoning_content", "reasoning", "reasoning_text", "tool_calls", "x"]
    ),
    json_values,
    max_size=5,
)
any_choice = st.one_of(
    st.dictionaries(
        st.sampled_from(["index", "delta", "finish_reason", "logprobs", "text", "stop_reason"]),
        st.one_of(json_values, any_delta, any_delta),
        max_size=5,
    ),
    json_values,
)
any_chunk = st.one_of(
    st.dictionaries(
        st.sampled_from(["id", "object", "model", "choices", "usage", "time_info", "error"]),
        st.one_of(json_values, st.lists(any_choice, max_size=2), st.lists(any_choice, max_size=2)),
        max_size=6,
    ),
    json_values,
)
any_frame = st.one_of(
    any_chunk.map(lambda c: b"data: " + json.dumps(c).encode() + b"\n\n"),
    st.sampled_from(
        [
            b"data: {bad\n\n",
            b"data: [DONE]\n\n",
            b": heartbeat\n\n",
            b"event: other\ndata: {}\n\n",
            b'data: "a string"\n\n',
            b"data: \xff\n\n",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(any_frame, max_size=8), st.integers(1, 60))
def test_any_frames_cut_anywhere_decode_the_same_with_and_without_object_hooks(
    frames: list[bytes], size: int
) -> None:
    # Split reads (the one-frame path and batches), broken frames among hooked chunks, and
    # state carried from chunk to chunk: the same events, error and message either way.
    _same_both_ways(_cut(b"".join(frames), size))
