"""tools/eras_table.py: docs/eras.md holds the timeline the specs' dates make."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import eras_table


def test_the_committed_timeline_matches_the_specs(capsys: pytest.CaptureFixture[str]) -> None:
    assert eras_table.main([]) == 0
    assert capsys.readouterr().out == ""


def test_every_kind_of_dated_fact_is_a_row() -> None:
    spec = {
        "auth": [{"in": "cookie", "name": "token", "since": "2025-10-14"}],
        "operations": {
            "stop": {
                "method": "POST",
                "path": "/stop",
                "since": "2026-06-11",
                "query": [{"name": "seq", "until": "2026-07-01"}],
            }
        },
        "types": {"Send": {"fields": {"web_search?": {"type": "bool", "until": "2025-09-24"}}}},
        "streams": {"updates": {"events": {"title": {"since": "2024-05-23", "fields": {}}}}},
    }
    assert eras_table.rows(spec) == [
        ("", "2026-07-01", "query parameter `seq` of `stop`"),
        ("2026-06-11", "", "operation `stop` (POST /stop)"),
        ("2025-10-14", "", "cookie `token`"),
        ("", "2025-09-24", "field `Send.web_search`"),
        ("2024-05-23", "", "event `title` of `updates`"),
    ]


def test_a_stale_timeline_is_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / "eras.md"
    stale.write_text("<!-- eras:huggingchat -->\n| old |\n<!-- /eras -->\n", encoding="utf-8")
    monkeypatch.setattr(eras_table, "DOC", stale)
    assert eras_table.main([]) == 1
    assert "| old |" in capsys.readouterr().out
    assert eras_table.main(["--update"]) == 0
    assert "answer_elicitation" in stale.read_text(encoding="utf-8")
