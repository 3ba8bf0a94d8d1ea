"""``hfclient gen-codecs`` in a checkout: the repository's specs and generated code."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfclient.cli import main
from hfclient.cli.gen_codecs import default_spec_dir
from tests.cli.runner import ROOT


def test_in_a_checkout_it_checks_the_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert default_spec_dir() == ROOT / "spec"
    assert main(["gen-codecs"]) == 0
    assert capsys.readouterr().err == ""


def test_a_folder_without_a_spec_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gen-codecs", "--spec", str(tmp_path)]) == 2
    assert "no spec (*.yaml) in" in capsys.readouterr().err
