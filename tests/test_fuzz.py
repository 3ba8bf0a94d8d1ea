"""Fuzzing every decoder and extractor: any input ends in a result or one of our errors.

Each target gets random bytes, and its real example bodies broken the ways
a careless server or a hostile proxy breaks them: truncated, a slice
duplicated, lines reordered or dropped, a byte flipped, an oversized line,
UTF-8 cut inside a character, NUL and U+2028 inside strings. The property:
the call returns, or raises :class:`~codec.errors.CodecError` or
:class:`~hfclient.errors.HfClientError`, never anything else; its peak
memory stays within a fixed multiple of the input; and a stream decoded in
pieces cut anywhere ends exactly as the whole body does.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfclient.decoding import STREAM_NAMES, StreamDecoder
from tools.fuzz.targets import BODIES, OURS, TARGETS


@st.composite
def broken(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` broken one to three of the ways servers and proxies break bodies."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(body)))
        way = draw(
            st.sampled_from(
                ["truncate", "duplicate", "reorder", "drop", "flip", "long", "utf8", "nul", "ls"]
            )
        )
        if way == "truncate":
            body = body[:at]
        elif way == "duplicate":
            end = draw(st.integers(at, len(body)))
            body = body[:end] + body[at:end] + body[end:]
        elif way in ("reorder", "drop"):
            lines = body.split(b"\n")
            if len(lines) > 1:
                i = draw(st.integers(0, len(lines) - 1))
                j = draw(st.integers(0, len(lines) - 1))
                if way == "reorder":
                    lines[i], lines[j] = lines[j], lines[i]
                else:
                    del lines[i]
            body = b"\n".join(lines)
        elif way == "flip" and body:
            at = min(at, len(body) - 1)
            body = body[:at] + bytes([body[at] ^ draw(st.integers(1, 255))]) + body[at + 1 :]
        elif way == "long":
            body = body[:at] + b"x" * draw(st.integers(1, 200_000)) + body[at:]
        elif way == "utf8":
            body = body[:at] + "é".encode()[:1] + body[at:]  # a character cut in two
        else:
            # Inside a string where there is one: after the next quote.
            quote = body.find(b'"', at)
            at = quote + 1 if quote >= 0 else at
            body = body[:at] + ("\x00" if way == "nul" else "\u2028").encode() + body[at:]
    return body


def inputs(name: str) -> st.SearchStrategy[bytes]:
    starts = [BODIES[body] for body in TARGETS[name][1]]
    return st.one_of(
        st.binary(max_size=2048),
        st.sampled_from(starts).flatmap(broken),
    )


def outcome(target: Callable[[bytes], object], data: bytes) -> object:
    """What ``target`` made of ``data``: its result, or the class of our error."""
    try:
        return target(data)
    except OURS as exc:
        return type(exc)


# Peak memory a call may take: a generous multiple of the input, plus a floor.
MEMORY_PER_BYTE: Final = 64
MEMORY_FLOOR: Final = 4 * 1024 * 1024


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_input_ends_in_a_result_or_our_error(name: str) -> None:
    target = TARGETS[name][0]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(inputs(name))
    def check(data: bytes) -> None:
        tracemalloc.start()
        try:
            outcome(target, data)  # anything but our errors propagates and fails the test
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak <= MEMORY_FLOOR + MEMORY_PER_BYTE * len(data), (peak, len(data))

    check()


@pytest.mark.parametrize("stream", STREAM_NAMES)
def test_a_fuzzed_stream_cut_anywhere_ends_as_the_whole_one(stream: str) -> None:
    whole = TARGETS[stream][0]

    @settings(max_examples=40, deadline=None)
    @given(inputs(stream), st.lists(st.integers(0, 1 << 20), max_size=8))
    def check(data: bytes, cuts: list[int]) -> None:
        points = sorted({cut % (len(data) + 1) for cut in cuts})
        pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
        decoder = StreamDecoder(stream=stream)
        events: list[object] = []
        try:
            for piece in pieces:
                events += decoder.feed(piece)
            events += decoder.close()
            cut: object = events
        except OURS as exc:
            cut = type(exc)
        assert cut == outcome(whole, data)

    check()


HARNESS = Path(__file__).resolve().parents[1] / "tools" / "fuzz" / "harness.py"


def test_the_atheris_harness_runs_clean() -> None:
    if importlib.util.find_spec("atheris") is None:
        pytest.skip("atheris is not installed here (the test extra has it for Linux x86-64)")
    done = subprocess.run(
        [sys.executable, str(HARNESS), "-runs=3000", "-seed=1", "-max_len=65536"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Done 3000 runs" in done.stderr
