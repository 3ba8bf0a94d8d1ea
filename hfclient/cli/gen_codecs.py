"""``hfclient gen-codecs [--spec DIR] [--out DIR] [--update]``: the code generator, installed.

The wheel ships the generator (``hfclient._codegen``, from ``tools/codegen``)
and the specs (``hfclient/spec``), so a changed spec can be turned into code
without a checkout. Like ``tools/gen_codecs.py``, it checks by default (exit
1 and a diff when a generated file differs) and rewrites with ``--update``.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
from pathlib import Path
from types import ModuleType

from hfclient.cli._base import Command

SUMMARY = "check (or --update) the generated codecs against a spec folder"

_PACKAGE = Path(__file__).resolve().parent.parent  # hfclient/


def define(parser: argparse.ArgumentParser) -> Command:
    """Add the arguments of ``gen-codecs``; return what runs it."""
    parser.add_argument(
        "--spec", type=Path, default=None, help="the spec folder (default: the one installed)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the folder holding codec/_generated and hfclient/translate/_generated "
        "(default: where hfclient is installed)",
    )
    parser.add_argument("--update", action="store_true", help="write the generated files")
    return run


def default_spec_dir() -> Path:
    """The specs shipped in the package, else (a checkout) the repository's ``spec/``."""
    shipped = _PACKAGE / "spec"
    return shipped if shipped.is_dir() else _PACKAGE.parent / "spec"


def generator() -> ModuleType:
    """The generator's ``generate`` module: installed (``hfclient._codegen``) or the checkout's."""
    try:
        return importlib.import_module("hfclient._codegen.generate")
    except ModuleNotFoundError:
        return importlib.import_module("tools.codegen.generate")


def run(args: argparse.Namespace) -> int:
    """Render every spec of ``--spec``; compare with (or write) the files under ``--out``."""
    spec_dir: Path = args.spec or default_spec_dir()
    out_dir: Path = args.out or _PACKAGE.parent
    if not spec_dir.is_dir() or not any(spec_dir.glob("*.yaml")):
        raise ValueError(f"no spec (*.yaml) in {spec_dir}")
    generate = generator()
    outputs, problems = generate.render_all(spec_dir)
    rerun = shlex.join(
        ["hfclient", "gen-codecs", "--spec", str(spec_dir), "--out", str(out_dir), "--update"]
    )
    code: int = generate.apply(
        outputs, problems, out_dir, update=args.update, out=sys.stdout, err=sys.stderr, rerun=rerun
    )
    return code
