"""Scan every cassette under ``fixtures/`` and ``hfclient/demo/cassettes/`` (or the paths
given) for secrets; CI runs it.

A cassette fails when it holds anything token-shaped (``hf_...``, a JWT, a
bearer credential that is not a ``<secret:...>`` placeholder), or the value
of a credential variable set in this environment (``HF_TOKEN``,
``HAILUO_TOKEN``, ... of :data:`hfclient.credentials.ENVIRONMENT`). Each
problem is one line naming the file, the exchange and the field, never the
value. Exit 0 when every cassette is clean, or when there is no ``fixtures/``
yet; 1 when a secret was found; 2 when a file is not a cassette.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import yaml

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hfclient.credentials import ENVIRONMENT
from hfclient.transport.cassette import load
from hfclient.transport.scan import Finding, scan

ROOT = Path(__file__).resolve().parent.parent
# The corpus, and the demo's cassettes shipped in the package.
DEFAULT_PATHS = (ROOT / "fixtures", ROOT / "hfclient" / "demo" / "cassettes")
SUFFIXES = (".yaml", ".yml")


def cassettes(paths: Sequence[Path]) -> Iterator[Path]:
    """The cassette files at ``paths`` (files as given, folders searched recursively), sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.exists():
            yield path


def environment_secrets(env: Mapping[str, str]) -> list[str]:
    """The credentials set in ``env``: a cassette must hold none of them."""
    return [env[name] for name in ENVIRONMENT.values() if env.get(name)]


def _why(error: BaseException) -> str:
    # Not the error's text: YAML errors quote the file's line, which may hold the secret.
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        return f"YAML error at line {mark.line + 1}"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return "not the cassette format"


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "paths", nargs="*", type=Path, help="default: fixtures/, hfclient/demo/cassettes/"
    )
    args = parser.parse_args(argv)
    paths: list[Path] = args.paths or list(DEFAULT_PATHS)
    secrets = environment_secrets(os.environ if env is None else env)
    findings: list[Finding] = []
    broken = 0
    count = 0
    for path in cassettes(paths):
        count += 1
        try:
            cassette = load(path)
        except (OSError, ValueError, yaml.YAMLError) as error:
            print(f"{path}: not a cassette ({_why(error)})", file=sys.stderr)
            broken += 1
            continue
        findings.extend(scan(cassette, secrets, source=path))
    for finding in findings:
        print(finding, file=sys.stderr)
    if broken:
        return 2
    if findings:
        print(f"{len(findings)} secrets found in cassettes: not safe to commit", file=sys.stderr)
        return 1
    print(f"scrub check: {count} cassettes, no secrets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
