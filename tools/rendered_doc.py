"""Docs with parts rendered from the code or the specs: check them, or rewrite them.

``tools/state_diagram.py`` and ``tools/eras_table.py`` each render their part
of a doc; this says whether the committed doc holds it.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

__all__ = ["check_or_update"]


def check_or_update(doc: Path, rendered: str, *, update: bool, command: str) -> int:
    """0 when ``doc`` holds ``rendered`` (after writing it, with ``update``); else 1.

    A stale doc prints the diff on stdout and, on stderr, the ``command`` that
    rewrites it.
    """
    committed = doc.read_text(encoding="utf-8")
    if rendered == committed:
        return 0
    if update:
        doc.write_text(rendered, encoding="utf-8")
        return 0
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True), rendered.splitlines(keepends=True),
        "committed", "rendered",
    )  # fmt: skip
    sys.stdout.writelines(diff)
    print(f"{doc.name} is stale: run {command}", file=sys.stderr)
    return 1
