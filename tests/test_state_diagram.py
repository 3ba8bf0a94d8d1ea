"""tools/state_diagram.py: docs/protocol.md holds the diagrams the tables draw."""

from __future__ import annotations

import pytest

from hfclient.protocol import HuggingChatMachine
from tools import state_diagram


def test_committed_diagrams_match_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert state_diagram.main([]) == 0
    assert capsys.readouterr().out == ""


def test_a_stale_diagram_is_found_and_rewritten() -> None:
    diagrams = state_diagram.render()
    stale = "<!-- diagram:exchange -->\nold\n<!-- /diagram -->\n"
    text = stale + "".join(
        f"<!-- diagram:{name} -->\n<!-- /diagram -->\n" for name in diagrams if name != "exchange"
    )
    new = state_diagram.updated(text, diagrams)
    assert "old" not in new
    assert diagrams["exchange"] in new
    assert state_diagram.updated(new, diagrams) == new


def test_every_flow_edge_of_a_table_is_drawn() -> None:
    drawn = state_diagram.render()["HuggingChatMachine"]
    for ((step, _), key), (next_step, _) in HuggingChatMachine.TRANSITIONS.items():
        if isinstance(key, tuple) and step is not None and next_step is not None:
            assert f"{step.value} --> {next_step.value}: QUEUE_REQUEST" in drawn


def test_a_missing_place_for_a_diagram_is_an_error() -> None:
    with pytest.raises(SystemExit, match="no place"):
        state_diagram.updated("", state_diagram.render())
