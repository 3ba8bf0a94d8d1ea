"""Runs the ``hfclient`` command as a user does: a subprocess, with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.conftest import DATA

ROOT = DATA.parent.parent
FIXTURES = ROOT / "fixtures"
CREDENTIAL_VARIABLES = (
    "HF_TOKEN",
    "HF_CHAT_COOKIE",
    "HF_CHAT_TOKEN_COOKIE",
    "HAILUO_TOKEN",
    "HAILUO_DEVICE_ID",
    "HAILUO_UUID",
)


def clean_env(state: Path, **more: str) -> dict[str, str]:
    """The environment without credentials or NO_COLOR, state under ``state``, plus ``more``."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES and k != "NO_COLOR"}
    env["XDG_STATE_HOME"] = str(state)
    env.update(more)
    return env


def hfclient(
    *args: str,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float = 60,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m hfclient ARGS`` to its end (``stdin`` its input), output captured as text."""
    done = subprocess.run(
        [sys.executable, "-m", "hfclient", *args],
        capture_output=True,
        input=stdin,
        env=dict(env),
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def cassettes(tmp: Path, *names: str) -> Path:
    """A folder under ``tmp`` holding copies of the corpus cassettes ``names`` (service/name)."""
    folder = tmp / "cassettes"
    folder.mkdir(exist_ok=True)
    for name in names:
        source = FIXTURES / f"{name}.yaml"
        (folder / source.name).write_bytes(source.read_bytes())
    return folder
