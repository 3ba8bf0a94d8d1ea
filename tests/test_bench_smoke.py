"""The decode benchmark runs and decodes every event (speed itself is never asserted in tests)."""

from __future__ import annotations

import pytest

from tools.bench import decode


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
