"""The benchmarks run and decode every event (speed itself is never asserted in tests)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import pytest

from tools.bench import decode, framing


@pytest.mark.parametrize("keep", [[], ["--keep-results"]])
def test_benchmark_runs_on_a_small_stream(
    capsys: pytest.CaptureFixture[str], keep: list[str]
) -> None:
    assert decode.main(["--events", "300", "--repeat", "1", *keep]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["case", "events/s", "x", "floor"]
    labels = [row.rsplit(None, 2)[0] for row in rows[1:]]
    assert labels == [
        "huggingchat ndjson: json.loads floor",
        "huggingchat ndjson: iter_events, one event per chunk",
        "huggingchat ndjson: iter_events, 64 KiB chunks",
        "huggingchat ndjson: decode_stream, one event per chunk",
        "huggingchat ndjson: decode_stream, 64 KiB chunks",
        "router sse: json.loads floor",
        "router sse: iter_events, one event per chunk",
        "router sse: iter_events, 64 KiB chunks",
        "router sse: decode_stream, one event per chunk",
        "router sse: decode_stream, 64 KiB chunks",
    ]


def test_streams_have_the_requested_length() -> None:
    assert len(decode.huggingchat_lines(1000)) == 1000
    assert len(decode.router_payloads(1000)) == 1000


def test_framing_benchmark_runs_on_small_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert framing.main(["--sizes", "1", "2", "--chunk", "16", "--repeat", "1"]) == 0
    rows = [row.split() for row in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["framer", "line", "KB", "seconds", "x", "first"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("ndjson", "1"),
        ("ndjson", "2"),
        ("sse", "1"),
        ("sse", "2"),
    ]
    assert rows[1][3] == rows[3][3] == "1.00"


@pytest.mark.parametrize("size", [9, 10, 1000])
def test_framing_benchmark_bodies_have_the_requested_size(size: int) -> None:
    assert len(framing.ndjson_body(size)) == size
    assert len(framing.sse_body(size)) == size


class _Value:
    pass


def _values(alive_before: list[bool]) -> Iterator[_Value]:
    # Notes, before making each value, whether the one before is still alive.
    previous: weakref.ref[_Value] | None = None
    for _ in range(3):
        alive_before.append(previous is not None and previous() is not None)
        value = _Value()
        previous = weakref.ref(value)
        yield value
        del value


def test_consume_keeps_no_value_alive_but_keep_does() -> None:
    consumed: list[bool] = []
    decode.consume(_values(consumed))
    assert consumed == [False, False, False]
    kept: list[bool] = []
    decode.keep(_values(kept))
    assert kept == [False, True, True]
