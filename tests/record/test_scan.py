"""The scanner: a secret planted in one chunk of a copied cassette is caught, a placeholder not."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from hfclient.transport.cassette import Cassette, Chunk, Exchange, dump, load, placeholder
from hfclient.transport.scan import SecretLeakError, check, scan
from tests.conftest import DATA
from tools import scrub_check

from . import planted

REAL = DATA / "real" / "router-cerebras-stream.vcr.yaml"


def plant(cassette: Cassette, index: int, text: bytes) -> Cassette:
    """``cassette`` with ``text`` put into chunk ``index`` of its streamed exchange."""
    number, exchange = max(enumerate(cassette.exchanges), key=lambda e: len(e[1].response.chunks))
    chunks = list(exchange.response.chunks)
    chunks[index] = Chunk(chunks[index].data + text, chunks[index].at)
    changed = attrs.evolve(exchange, response=attrs.evolve(exchange.response, chunks=chunks))
    exchanges = list(cassette.exchanges)
    exchanges[number] = changed
    return attrs.evolve(cassette, exchanges=exchanges)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of a real router recording, in our format, in a folder of its own."""
    folder = tmp_path / "fixtures" / "router"
    folder.mkdir(parents=True)
    path = folder / "stream.yaml"
    dump(load(REAL), path)
    return path


def test_the_real_recordings_are_clean() -> None:
    assert scan(load(REAL)) == []


@pytest.mark.parametrize("secret", [planted.HF_TOKEN, planted.JWT, f"Bearer {planted.SESSION}"])
def test_a_secret_planted_in_one_chunk_is_caught(
    copy: Path, secret: str, capsys: pytest.CaptureFixture[str]
) -> None:
    dump(plant(load(copy), 2, f" {secret} ".encode()), copy)
    assert scrub_check.main([str(copy.parent.parent)], env={}) == 1
    err = capsys.readouterr().err
    assert f"{copy}, exchange 1, response.chunks[2]: " in err
    assert secret not in err
    assert planted.SESSION not in err


def test_a_placeholder_is_not_flagged(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = f"Bearer {placeholder('token')} and {placeholder('hf-chat')}".encode()
    dump(plant(load(copy), 2, text), copy)
    assert scrub_check.main([str(copy)], env={}) == 0
    assert "1 cassettes, no secrets" in capsys.readouterr().out


def test_a_value_seen_while_recording_is_caught_even_across_chunks() -> None:
    body = f"echo {planted.DEVICE_ID} done".encode()
    cut = body.index(b"9")  # inside the device id
    exchange = Exchange.of("GET", "http://127.0.0.1:1/x", chunks=(body[:cut], body[cut:]))
    cassette = Cassette((exchange,))
    assert scan(cassette) == []  # digits only: no token shape
    with pytest.raises(SecretLeakError) as info:
        check(cassette, [planted.DEVICE_ID], source="x.yaml")
    (finding,) = info.value.findings
    assert (
        str(finding)
        == "x.yaml, exchange 0, response.chunks[0]: a secret value seen while recording"
    )
    assert planted.DEVICE_ID not in str(info.value)


def test_headers_urls_and_request_bodies_are_scanned() -> None:
    exchange = Exchange.of(
        "POST",
        f"http://127.0.0.1:1/x?key={planted.HF_TOKEN}",
        headers=[("x-echo", planted.JWT)],
        request_headers=[("authorization", f"Bearer {planted.SESSION}")],
        body=planted.UUID.encode(),
    )
    fields = {(f.field, f.what) for f in scan(Cassette((exchange,)), [planted.UUID])}
    assert fields == {
        ("request.url", "a Hugging Face token (hf_...)"),
        ("request.headers[authorization]", "a bearer token"),
        ("request.body", "a secret value seen while recording"),
        ("response.headers[x-echo]", "a JWT"),
    }


def test_prose_about_bearer_tokens_is_not_flagged() -> None:
    exchange = Exchange.of(
        "GET",
        "http://127.0.0.1:1/x",
        status=401,
        headers=[("www-authenticate", 'Bearer realm="Authentication required"')],
        chunks=(b'{"error":"Bearer authentication required: pass a token"}',),
    )
    assert scan(Cassette((exchange,))) == []


def test_no_fixtures_folder_is_clean(tmp_path: Path) -> None:
    assert scrub_check.main([str(tmp_path / "fixtures")], env={}) == 0


def test_an_environment_credential_in_a_cassette_is_caught(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump(plant(load(copy), 0, planted.DEVICE_ID.encode()), copy)
    assert scrub_check.main([str(copy)], env={"HAILUO_DEVICE_ID": planted.DEVICE_ID}) == 1
    err = capsys.readouterr().err
    assert "response.chunks[0]: a secret value seen while recording" in err
    assert planted.DEVICE_ID not in err


def test_a_file_that_is_not_a_cassette_is_named_without_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"format: [{planted.HF_TOKEN}\n")
    assert scrub_check.main([str(bad)], env={}) == 2
    err = capsys.readouterr().err
    assert str(bad) in err
    assert planted.HF_TOKEN not in err
