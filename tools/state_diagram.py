"""Draw the protocol machines' transition tables as Mermaid state diagrams in docs/protocol.md.

By default it checks: it renders the diagrams from the tables and exits 1,
with a diff, when docs/protocol.md holds other ones. ``--update`` writes
them. Each diagram sits between ``<!-- diagram:NAME -->`` and
``<!-- /diagram -->``; the text around them is left alone.

``exchange`` is the exchange of one step (every step has the same one);
each machine's own diagram shows its flow: which step follows which, and
how the flow ends.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hfclient.protocol import HailuoMachine, HuggingChatMachine, Input, Machine, RouterMachine
from hfclient.protocol._states import Key, State, Transitions
from tools.rendered_doc import check_or_update

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "protocol.md"
MACHINES: tuple[type[Machine], ...] = (HuggingChatMachine, RouterMachine, HailuoMachine)
_BLOCK = re.compile(r"(<!-- diagram:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /diagram -->)", re.S)

Edge = tuple[str, str, str]  # from, to, label


def _input(key: Key) -> Input:
    return key[0] if isinstance(key, tuple) else key


def _mermaid(edges: Iterable[Edge]) -> str:
    """A stateDiagram; edges between the same two states share one arrow."""
    labels: dict[tuple[str, str], list[str]] = {}
    for source, target, label in edges:
        names = labels.setdefault((source, target), [])
        if label and label not in names:
            names.append(label)
    lines = ["```mermaid", "stateDiagram-v2"]
    for (source, target), names in labels.items():
        lines.append(f"    {source} --> {target}" + (f": {', '.join(names)}" if names else ""))
    lines.append("```")
    return "\n".join(lines) + "\n"


def exchange_diagram(tables: Sequence[Transitions]) -> str:
    """Every table with the step left out: the exchange each step goes through."""
    order = list(State)
    inputs = list(Input)
    seen: set[tuple[State, Input, State]] = set()
    for table in tables:
        for ((_, before), key), (_, after) in table.items():
            seen.add((before, _input(key), after))
    edges = sorted(seen, key=lambda e: (order.index(e[0]), inputs.index(e[1]), order.index(e[2])))
    return _mermaid(
        [("[*]", State.IDLE.value, "")]
        + [(before.value, after.value, key.value) for before, key, after in edges]
        + [(State.DONE.value, "[*]", "")]
    )


def flow_diagram(table: Transitions) -> str:
    """One machine's steps: how its flow starts, moves from step to step, and ends."""
    edges: list[Edge] = []
    for ((step, before), key), (next_step, after) in table.items():
        source = "[*]" if step is None and before is State.IDLE else None
        if step is not None:
            source = str(step.value)
        if source is None:
            continue  # DONE or ERROR failing into ERROR: drawn once, below
        if next_step is not None and next_step == step and after is not State.READY:
            continue  # inside the step's exchange
        target = str(next_step.value) if next_step is not None else after.value
        edges.append((source, target, _input(key).value))
    edges.sort(key=lambda e: (e[0] != "[*]", e[2] == Input.FAIL.value))
    return _mermaid([*edges, (State.DONE.value, "[*]", "")])


def render() -> dict[str, str]:
    """Diagram name -> its Mermaid block."""
    tables = [cls.TRANSITIONS for cls in MACHINES]
    diagrams = {"exchange": exchange_diagram(tables)}
    for cls in MACHINES:
        diagrams[cls.__name__] = flow_diagram(cls.TRANSITIONS)
    return diagrams


def updated(text: str, diagrams: dict[str, str]) -> str:
    """``text`` with each marked diagram replaced by its rendering."""
    missing = set(diagrams) - {m.group("name") for m in _BLOCK.finditer(text)}
    if missing:
        raise SystemExit(f"docs/protocol.md has no place for: {', '.join(sorted(missing))}")

    def block(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in diagrams:
            raise SystemExit(f"docs/protocol.md: no machine draws the diagram {name!r}")
        return match.group(1) + diagrams[name] + match.group(4)

    return _BLOCK.sub(block, text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write docs/protocol.md")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    command = "python tools/state_diagram.py --update"
    return check_or_update(DOC, updated(text, render()), update=args.update, command=command)


if __name__ == "__main__":
    raise SystemExit(main())
