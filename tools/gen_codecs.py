"""Generate ``codec/_generated/<service>.py`` and its translation from ``spec/<service>.yaml``.

The codec module holds the wire records, stream decoders and request
builders; ``hfclient/translate/_generated/<service>.py`` the spec's
``unified`` rules, wire events to :mod:`hfclient.events`.

By default it checks: it renders every spec and exits 1, with a diff, when a
committed file differs. ``--update`` writes the files instead. The output
depends on the spec bytes and the generator only, so it is identical run to
run. Problems in a spec are collected and reported together, exit status 2
(spec/README.md documents the format).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.codegen.model import Loader, Problem, Spec, SpecProblems
from tools.codegen.render import ModuleRenderer
from tools.codegen.render_unified import UnifiedRenderer

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"
OUT_DIRS = ("codec/_generated", "hfclient/translate/_generated")


def load_spec(path: Path) -> Spec:
    return Loader(f"spec/{path.name}", path.read_bytes()).load()


def render_all(spec_dir: Path = SPEC_DIR) -> tuple[dict[str, str], list[Problem]]:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the generated files")
    args = parser.parse_args(argv)
    outputs, problems = render_all()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in spec/; nothing generated", file=sys.stderr)
        return 2
    stale = []
    for name, text in outputs.items():
        target = ROOT / name
        current = target.read_text() if target.exists() else ""
        if current == text:
            continue
        if args.update:
            target.write_text(text)
            print(f"wrote {name}")
        else:
            stale.append(name)
            sys.stdout.writelines(
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
        for p in (ROOT / d).glob("*.py")
        if f"{d}/{p.name}" not in expected
    )
    for name in strays:
        print(f"{name} has no spec", file=sys.stderr)
    if stale or strays:
        if stale:
            print(
                f"stale: {', '.join(stale)}; run: python tools/gen_codecs.py --update",
                file=sys.stderr,
            )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
