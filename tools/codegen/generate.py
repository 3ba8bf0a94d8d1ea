"""Render every spec of a folder and check (or rewrite) the generated files under a root.

Shared by the checkout's ``tools/gen_codecs.py`` and the installed ``hfclient
gen-codecs`` (the generator ships in the wheel as ``hfclient._codegen``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from .model import Loader, Problem, Spec, SpecProblems
from .render import ModuleRenderer
from .render_unified import UnifiedRenderer

__all__ = ["OUT_DIRS", "apply", "load_spec", "render_all"]

OUT_DIRS = ("codec/_generated", "hfclient/translate/_generated")
"""Where the generated modules live, from the root (the checkout, or site-packages)."""


def load_spec(path: Path) -> Spec:
    """The spec at ``path``, named ``spec/<file>`` in what it generates."""
    return Loader(f"spec/{path.name}", path.read_bytes()).load()


def render_all(spec_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """Render every spec; return {output path (from the root): text} and all problems found."""
    outputs: dict[str, str] = {}
    problems: list[Problem] = []
    for path in sorted(spec_dir.glob("*.yaml")):
        try:
            spec = load_spec(path)
            translation = UnifiedRenderer(spec).render()
        except SpecProblems as exc:
            problems += [
                Problem(f"{path.name}: {p.where}", p.message, p.severity) for p in exc.problems
            ]
            continue
        if spec.service != path.stem:
            problems.append(
                Problem(path.name, f"service {spec.service!r} must match the file name")
            )
            continue
        outputs[f"codec/_generated/{spec.service}.py"] = ModuleRenderer(spec).render()
        outputs[f"hfclient/translate/_generated/{spec.service}.py"] = translation
    return outputs, problems


def apply(
    outputs: Mapping[str, str],
    problems: Sequence[Problem],
    root: Path,
    *,
    update: bool,
    out: TextIO,
    err: TextIO,
    rerun: str,
) -> int:
    """Compare ``outputs`` with the files under ``root`` (``update``: write them instead).

    Exit status: 0 all current, 1 stale (a diff on ``out``) or a generated
    file without a spec, 2 problems in a spec (nothing written). ``rerun``
    is the command that rewrites, for the message.
    """
    if problems:
        for problem in problems:
            print(problem, file=err)
        print(f"{len(problems)} problem(s) in the spec; nothing generated", file=err)
        return 2
    stale = []
    for name, text in outputs.items():
        target = root / name
        current = target.read_text() if target.exists() else ""
        if current == text:
            continue
        if update:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            print(f"wrote {name}", file=out)
        else:
            stale.append(name)
            out.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{name} (committed)",
                    f"{name} (from spec)",
                )
            )
    expected = set(outputs) | {f"{d}/__init__.py" for d in OUT_DIRS}
    strays = sorted(
        f"{d}/{p.name}"
        for d in OUT_DIRS
        for p in (root / d).glob("*.py")
        if f"{d}/{p.name}" not in expected
    )
    for name in strays:
        print(f"{name} has no spec", file=err)
    if stale or strays:
        if stale:
            print(f"stale: {', '.join(stale)}; run: {rerun}", file=err)
        return 1
    return 0
