"""The wheel, built and installed into a fresh venv, works from any folder: ``hfclient demo``
and ``hfclient gen-codecs`` (the generator and the specs ship inside it).

No download: the wheel is built without build isolation (hatchling is in the test extra)
and installed with ``--no-index --no-deps``; its dependencies come from this environment
through a ``.pth`` file. About ten seconds; ``-m "not wheel"`` leaves it out.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import anyio
import attrs
import cattrs
import h11
import pytest
import yaml

from tests.cli.runner import ROOT, clean_env

pytestmark = pytest.mark.wheel


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Never PYTHONPATH: the fresh venv must import the wheel, not a checkout.
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel of this checkout installed; its ``bin``."""
    pytest.importorskip("hatchling", reason="building the wheel offline needs the [test] extra")
    tmp = tmp_path_factory.mktemp("wheel")
    env = clean_env(tmp)
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-w", tmp / "dist", ROOT, cwd=tmp, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("hfclient-*.whl")
    venv.create(tmp / "venv", with_pip=False)
    python = tmp / "venv" / "bin" / "python"
    done = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-index", "--no-deps",
        wheel, cwd=tmp, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    site = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp, env=env
    ).stdout.strip()
    # The dependencies, from where this environment has them (not the checkout itself).
    deps = sorted(
        {
            str(Path(m.__file__ or "").resolve().parent.parent)
            for m in (anyio, attrs, cattrs, h11, yaml)
        }
    )
    (Path(site) / "hfclient-test-deps.pth").write_text("\n".join(deps) + "\n")
    return tmp / "venv" / "bin"


def test_the_installed_package_is_the_wheels(installed: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    where = "import hfclient, codec; print(hfclient.__file__, codec.__file__)"
    done = _run(installed / "python", "-c", where, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    for path in done.stdout.split():
        assert Path(path).is_relative_to(installed.parent), path


def test_demo_runs_from_another_folder(installed: Path, tmp_path: Path) -> None:
    done = _run(installed / "hfclient", "demo", cwd=tmp_path, env=clean_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert f"cassettes: {installed.parent}" in done.stdout  # the package's own cassettes
    assert "Goodbye is 再见 (zàijiàn)." in done.stdout
    assert done.stdout.splitlines()[-2].startswith("router: 1 turn, 9 words; failed over")


def test_gen_codecs_checks_the_install_and_regenerates_a_changed_spec(
    installed: Path, tmp_path: Path
) -> None:
    env = clean_env(tmp_path)
    hfclient = installed / "hfclient"
    check = _run(hfclient, "gen-codecs", cwd=tmp_path, env=env)
    assert (check.returncode, check.stderr) == (0, "")  # the installed code matches its spec
    # A copy of the installed specs with one more field, into a folder of one's own.
    site = next(installed.parent.glob("lib/python*/site-packages"))
    spec = tmp_path / "spec"
    spec.mkdir()
    for source in (site / "hfclient" / "spec").glob("*.yaml"):
        (spec / source.name).write_bytes(source.read_bytes())
    hailuo = spec / "hailuo.yaml"
    text = hailuo.read_text()
    assert "      message?: str\n" in text
    hailuo.write_text(
        text.replace("      message?: str\n", "      message?: str\n      hint?: str\n", 1)
    )
    out = tmp_path / "out"
    stale = _run(hfclient, "gen-codecs", "--spec", spec, "--out", out, cwd=tmp_path, env=env)
    assert stale.returncode == 1
    assert "run: hfclient gen-codecs" in stale.stderr
    update = _run(
        hfclient, "gen-codecs", "--spec", spec, "--out", out, "--update", cwd=tmp_path, env=env
    )
    assert update.returncode == 0, update.stderr
    assert "hint: str | Unset = UNSET" in (out / "codec" / "_generated" / "hailuo.py").read_text()
    again = _run(hfclient, "gen-codecs", "--spec", spec, "--out", out, cwd=tmp_path, env=env)
    assert again.returncode == 0
