"""``hfclient decode`` on the repository's real streams, and ``hfclient models`` per service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfclient.transport.vcr import import_vcr
from tests.cli.runner import clean_env, hfclient
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("recording", "text", "reason"),
    [
        (
            "router-together-stream.vcr.yaml",
            "Deep learning is a subfield of machine learning",
            "length",
        ),
        (
            "router-cerebras-stream.vcr.yaml",
            "Deep learning is a subset of machine learning",
            "length",
        ),
    ],
)
def test_decode_a_real_stream_body_saved_to_a_file(
    tmp_path: Path, recording: str, text: str, reason: str
) -> None:
    # The real recordings are vcrpy cassettes: save the stream's body as a user would have it.
    cassette = import_vcr(DATA / "real" / recording)
    body = cassette.exchanges[-1].response.body
    saved = tmp_path / "body.sse"
    saved.write_bytes(body)
    done = hfclient("decode", "router", str(saved), "--json", env=clean_env(tmp_path))
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    answer = "".join(e["text"] for e in events if e["type"] == "TextDelta")
    assert answer.startswith(text)
    assert events[-1]["type"] == "Finished"
    assert events[-1]["reason"] == reason
    usage = next(e for e in events if e["type"] == "Usage")
    assert usage["completion_tokens"] == 20
    # The same body from stdin, as repr lines.
    piped = hfclient("decode", "router", "-", env=clean_env(tmp_path), stdin=body)
    assert piped.returncode == 0
    assert piped.stdout.splitlines()[-1].startswith("Finished(reason='length'")


def test_huggingchat_models_without_a_session_name_the_cookie(tmp_path: Path) -> None:
    done = hfclient("models", "--service", "huggingchat", env=clean_env(tmp_path))
    assert done.returncode == 2
    assert "HF_CHAT_COOKIE" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("service", ["hailuo"])
def test_models_of_a_service_without_a_model_list_says_so(tmp_path: Path, service: str) -> None:
    done = hfclient("models", "--service", service, env=clean_env(tmp_path))
    if done.returncode == 0:  # the service's client has gained models(): nothing to say here
        pytest.skip(f"{service} lists its models now")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"hfclient models: {service}: listing its models is not available in this version"
    )
