"""Coverage-guided fuzzing of every decoder and extractor with atheris.

The first input byte picks a target of :mod:`tools.fuzz.targets`; the rest is
its input. The seed corpus is the targets' real bodies. A target may return
anything or raise one of our errors; anything else is a crash atheris reports
with the input that caused it.

    .venv/bin/python tools/fuzz/harness.py -runs=5000 -seed=1 [libFuzzer flags]

``tests/test_fuzz.py`` runs it for a short fixed number of runs where atheris
installs (the ``test`` extra names it for Linux x86-64, CPython before 3.13).
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["codec", "hfclient"]):
    from tools.fuzz.targets import BODIES, OURS, TARGETS

NAMES = sorted(TARGETS)


def one_input(data: bytes) -> None:
    """Feed ``data[1:]`` to the target ``data[0]`` picks."""
    if not data:
        return
    target = TARGETS[NAMES[data[0] % len(NAMES)]][0]
    with contextlib.suppress(*OURS):
        target(data[1:])


def seed_corpus(folder: Path) -> None:
    """One file per target and real body: the target's byte, then the body."""
    for index, name in enumerate(NAMES):
        for body in TARGETS[name][1]:
            (folder / f"{name}-{body}").write_bytes(bytes([index]) + BODIES[body])


def main() -> None:
    with tempfile.TemporaryDirectory() as corpus:
        seed_corpus(Path(corpus))
        atheris.Setup([*sys.argv, corpus], one_input)
        atheris.Fuzz()


if __name__ == "__main__":
    main()
