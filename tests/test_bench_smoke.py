"""The benchmarks run and decode every event (speed itself is never asserted in tests)."""

from __future__ import annotations

import pytest

from tools.bench import decode, framing


def test_benchmark_runs_on_a_small_stream(capsys: pytest.CaptureFixture[str]) -> None:
    assert decode.main(["--events", "300", "--repeat", "1"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split() == ["case", "events/s", "x", "floor"]
    labels = [row.rsplit(None, 2)[0] for row in rows[1:]]
    assert labels == [
        "huggingchat ndjson: json.loads floor",
        "huggingchat ndjson: iter_events, one event per chunk",
        "huggingchat ndjson: iter_events, 64 KiB chunks",
        "router sse: json.loads floor",
        "router sse: iter_events, one event per chunk",
        "router sse: iter_events, 64 KiB chunks",
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
