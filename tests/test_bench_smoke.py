"""The benchmarks run, small, and decode every event (speed is never asserted in tests)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfclient.decoding import decode_stream
from hfclient.events import Finished
from tools.bench import bodies, decode, framing
from tools.bench.__main__ import main


def test_decode_suite_decodes_every_body_against_its_floor() -> None:
    rows = decode.run(events=60, repeat=1)
    bodies = {row.body for row in rows}
    assert bodies == {
        "router sse, plain",
        "router sse, examples",
        "huggingchat ndjson, plain",
        "huggingchat ndjson, examples",
        "hailuo sse, plain",
    }
    for body in bodies:
        for chunking in decode.CHUNKINGS:
            cases = [r.case for r in rows if r.body == body and r.chunking == chunking]
            assert cases[:3] == ["json.loads floor", "codec iter_events", "hfclient unified events"]
    assert all(row.events > 0 and row.seconds > 0 for row in rows)


def test_the_benchmark_bodies_decode_to_their_length() -> None:
    assert len(bodies.huggingchat_lines(1000)) == 1000
    assert len(bodies.router_payloads(1000)) == 1000
    events = list(decode_stream("router", bodies.router_frames(bodies.router_payloads(5))))
    assert [type(e).__name__ for e in events].count("TextDelta") == 4
    assert events[-1] == Finished("stop")


def test_one_command_runs_every_suite_small_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "benchmarks.md"
    assert main(["--quick", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    written = out.read_text()
    for title in ("Decode", "End to end", "Scale", "Memory", "Time to first event", "Targets"):
        assert f"## {title}" in printed
        assert f"## {title}" in written
    assert "Machine: " in written
    # hfclient's own rows are there whatever peers are installed; every stream completed.
    assert "| hfclient anyio (asyncio) " in written
    scale_rows = [line for line in written.splitlines() if line.startswith("| hfclient anyio")]
    assert scale_rows


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
