"""Write the timeline of every dated wire fact of the specs into docs/eras.md.

The specs mark what came and went with ``since``/``until`` (spec/README.md,
"Eras"); this renders those marks, for every service, as one table per
service, newest change first. By default it checks: it exits 1, with a diff,
when docs/eras.md holds another table. ``--update`` writes it. Each table sits
between ``<!-- eras:SERVICE -->`` and ``<!-- /eras -->``; the text around
them is left alone.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.rendered_doc import check_or_update

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "eras.md"
SPECS = ROOT / "spec"
_BLOCK = re.compile(r"(<!-- eras:(?P<name>\w+) -->\n)(?P<body>.*?)(<!-- /eras -->)", re.S)

Row = tuple[str, str, str]  # since, until, what


def _dated(node: Any, since: str = "", until: str = "") -> tuple[str, str]:
    return str(node.get("since") or since), str(node.get("until") or until)


def _fields(owner: str, fields: dict[str, Any]) -> Iterator[Row]:
    for key, field in fields.items():
        if isinstance(field, dict) and ("since" in field or "until" in field):
            since, until = _dated(field)
            yield since, until, f"field `{owner}.{key.rstrip('?')}`"


def rows(spec: dict[str, Any]) -> list[Row]:
    """Every dated item of one spec: auth entries, operations and their
    parameters, records, streams, events and fields."""
    found: list[Row] = []
    for entry in spec.get("auth", []):
        if "since" in entry or "until" in entry:
            found.append((*_dated(entry), f"{entry['in']} `{entry['name']}`"))
    for name, operation in spec.get("operations", {}).items():
        if "since" in operation or "until" in operation:
            path = f"{operation['method']} {operation['path']}"
            found.append((*_dated(operation), f"operation `{name}` ({path})"))
        for kind in ("query", "headers"):
            for parameter in operation.get(kind) or []:
                if "since" in parameter or "until" in parameter:
                    what = f"{kind} parameter `{parameter['name']}` of `{name}`"
                    found.append((*_dated(parameter), what))
    for name, record in spec.get("types", {}).items():
        if "since" in record or "until" in record:
            found.append((*_dated(record), f"record `{name}`"))
        found.extend(_fields(name, record.get("fields") or {}))
    for name, stream in spec.get("streams", {}).items():
        if "since" in stream or "until" in stream:
            found.append((*_dated(stream), f"stream `{name}`"))
        for key, event in (stream.get("events") or {}).items():
            if "since" in event or "until" in event:
                found.append((*_dated(event), f"event `{key}` of `{name}`"))
            found.extend(_fields(key, event.get("fields") or {}))
    # Newest change first (the later of the two dates decides), then by name.
    by_name = sorted(found, key=lambda row: row[2])
    return sorted(by_name, key=lambda row: max(row[0], row[1]), reverse=True)


def table(spec: dict[str, Any]) -> str:
    """The Markdown table of one spec's dated items."""
    lines = ["| since | until | what |", "|---|---|---|"]
    lines += [
        f"| {since or '…'} | {until or 'now'} | {what} |" for since, until, what in rows(spec)
    ]
    return "\n".join(lines) + "\n"


def render(text: str) -> str:
    """``text`` with every table block rendered from its service's spec."""

    def one(match: re.Match[str]) -> str:
        path = SPECS / f"{match['name']}.yaml"
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        return match.group(1) + table(spec) + match.group(4)

    return _BLOCK.sub(one, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Check docs/eras.md against the specs (exit 1 with a diff), or ``--update`` it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--update", action="store_true", help="rewrite docs/eras.md")
    args = parser.parse_args(argv)
    rendered = render(DOC.read_text(encoding="utf-8"))
    command = "python tools/eras_table.py --update"
    return check_or_update(DOC, rendered, update=args.update, command=command)


if __name__ == "__main__":
    raise SystemExit(main())
