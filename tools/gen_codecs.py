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
import sys
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.codegen import generate
from tools.codegen.generate import OUT_DIRS, load_spec
from tools.codegen.model import Problem

__all__ = ["OUT_DIRS", "ROOT", "SPEC_DIR", "load_spec", "main", "render_all"]

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "spec"


def render_all(spec_dir: Path = SPEC_DIR) -> tuple[dict[str, str], list[Problem]]:
    """Render every spec; return {output path (from the root): text} and all problems found."""
    return generate.render_all(spec_dir)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the generated files")
    args = parser.parse_args(argv)
    outputs, problems = render_all()
    return generate.apply(
        outputs,
        problems,
        ROOT,
        update=args.update,
        out=sys.stdout,
        err=sys.stderr,
        rerun="python tools/gen_codecs.py --update",
    )


if __name__ == "__main__":
    sys.exit(main())
