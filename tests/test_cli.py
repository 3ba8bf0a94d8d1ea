"""The ``hfclient`` command: exit codes, ``--version``, ``decode``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hfclient import __version__
from hfclient.cli import EXIT_NETWORK, EXIT_OK, EXIT_SERVICE, EXIT_USAGE, exit_code, main
from hfclient.errors import ConnectError, MissingAuthError, RateLimitError
from tests.conftest import DATA

STREAM = DATA / "examples" / "hf-router.stream.sse"


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hfclient", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"hfclient {__version__}")


def test_no_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert "usage: hfclient" in capsys.readouterr().err


def test_decode_prints_json_lines_with_the_type_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "router", str(STREAM), "--json"]) == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert list(lines[0]) == ["type", "provider", "model"]
    assert lines[-1] == {
        "type": "Finished",
        "reason": "tool_calls",
        "text": None,
    }
    assert "".join(e["text"] for e in lines if e["type"] == "ReasoningDelta").startswith("Okay,")


def test_decode_of_a_cut_body_prints_what_came_then_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.sse"
    cut.write_bytes(STREAM.read_bytes()[:300])
    assert main(["decode", "router", str(cut)]) == EXIT_SERVICE
    out, err = capsys.readouterr()
    assert out.startswith("ProviderInfo(")
    assert err.startswith("hfclient decode: ")


def test_a_missing_file_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "router", "/no/such/file"]) == EXIT_USAGE
    assert "No such file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (MissingAuthError("set HF_TOKEN"), EXIT_USAGE),
        (MissingAuthError("rejected", status=401), EXIT_SERVICE),
        (RateLimitError("slow down", status=429), EXIT_SERVICE),
        (ConnectError("refused"), EXIT_NETWORK),
        (ValueError("bad"), EXIT_USAGE),
    ],
)
def test_exit_codes(error: Exception, code: int) -> None:
    assert exit_code(error) == code


def test_cassette_import_vcr_then_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hfclient.transport.cassette import load

    dest = tmp_path / "cerebras.yaml"
    source = DATA / "real" / "router-cerebras-stream.vcr.yaml"
    assert main(["cassette", "import-vcr", str(source), str(dest)]) == EXIT_OK
    assert len(load(dest).exchanges) == 2
    assert main(["cassette", "show", str(dest)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "POST https://router.huggingface.co/cerebras/v1/chat/completions -> 200" in out


def test_cassette_without_an_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cassette"]) == EXIT_USAGE


def test_import_vcr_scrubs_what_vcrpy_kept(tmp_path: Path) -> None:
    import yaml

    token = "hf_" + "VcrKeptThisToken" * 2
    data = yaml.safe_load((DATA / "real" / "router-cerebras-stream.vcr.yaml").read_text())
    for interaction in data["interactions"]:
        interaction["request"]["headers"]["Authorization"] = [f"Bearer {token}"]
        interaction["request"]["headers"]["X-Amzn-Trace-Id"] = ["Root=1-abc"]
    source, dest = tmp_path / "kept.yaml", tmp_path / "ours.yaml"
    source.write_text(yaml.safe_dump(data))
    assert main(["cassette", "import-vcr", str(source), str(dest)]) == EXIT_OK
    text = dest.read_text()
    assert token not in text
    assert "Bearer <secret:token>" in text
    assert "x-amzn-trace-id" not in text.lower()  # default-deny: not a header the spec keeps


def test_models_lists_the_router_catalogue(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.e2e.fakes import FakeService, json_answer
    from tests.test_router_catalog import CATALOG
    from tests.transport.servers import HttpServer

    monkeypatch.setenv("HF_TOKEN", "hf_cli_models_token")
    with HttpServer() as server:
        fake = FakeService({("GET", "/v1/models"): [json_answer(json.dumps(CATALOG).encode())] * 2})
        server.handler = fake
        assert main(["models", "--base-url", server.url]) == EXIT_OK
        assert main(["models", "--base-url", server.url, "--json"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "openai/gpt-oss-120b\t131072\ttools\tcerebras,novita"
    assert json.loads(lines[-1])["id"] == "org/bare"
    assert fake.seen[0].header("authorization") == "Bearer hf_cli_models_token"


def test_a_missing_credential_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HF_TOKEN", raising=False)
    assert main(["models"]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert "HF_TOKEN" in err
    assert len(err.splitlines()) == 1


SUBCOMMANDS = [
    "chat", "demo", "models", "conversations", "decode", "drift",
    "replay-server", "cassette", "record", "gen-codecs",
]  # fmt: skip


def test_help_lists_every_subcommand_and_each_has_its_own(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--help"]) == EXIT_OK
    listed = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert f"    {name}" in listed
        assert main([name, "--help"]) == EXIT_OK
        assert capsys.readouterr().out.startswith(f"usage: hfclient {name}")
