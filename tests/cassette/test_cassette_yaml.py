"""The cassette model and its YAML form: any bytes and offsets come back identical."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hfclient.transport import cassette as cm
from hfclient.transport.cassette import (
    RESET,
    Cassette,
    Chunk,
    End,
    Exchange,
    MatchRule,
    Request,
    Response,
    dumps,
    loads,
    placeholder,
    stall,
)

SCHEMA = json.loads(
    resources.files("hfclient.transport").joinpath("cassette.schema.json").read_text()
)

# Text that stresses YAML: line breaks of every kind, NEL, BOM, quotes, indicators.
TRICKY = st.lists(
    st.sampled_from(
        [
            "\n",
            "\r",
            " ",
            "\x85",
            "\u2028",
            "\t",
            "\ufeff",
            "é",
            "a",
            "data: {}",
            "#",
            ": ",
            "- ",
            '"',
            "'",
            "|",
            ">",
            "\x00",
            "...",
            "---",
            "😀",
        ]
    ),
    max_size=12,
).map(lambda parts: "".join(parts).encode())
DATA = st.one_of(st.binary(), st.text().map(str.encode), TRICKY)
OFFSET = st.floats(min_value=0, allow_nan=False, allow_infinity=False)
CHUNKS = st.lists(st.builds(Chunk, DATA, OFFSET), max_size=6)
ENDS = st.one_of(
    st.just(cm.EOF), st.just(RESET), st.floats(min_value=1e-6, max_value=1e6).map(stall)
)


def valid(text: str) -> None:
    jsonschema.validate(yaml.safe_load(text), SCHEMA)


@settings(max_examples=300)
@given(chunks=CHUNKS, body=st.one_of(st.none(), DATA), end=ENDS, head=OFFSET)
def test_any_bytes_and_offsets_survive_dump_and_load(
    chunks: list[Chunk], body: bytes | None, end: End, head: float
) -> None:
    cassette = Cassette(
        (
            Exchange(
                Request("POST", "https://x.test/a", (), body),
                Response(200, "OK", (), chunks, end, head),
            ),
        )
    )
    text = dumps(cassette)
    back = loads(text)
    assert back == cassette
    assert [c.data for c in back.exchanges[0].response.chunks] == [c.data for c in chunks]
    assert [c.at for c in back.exchanges[0].response.chunks] == [c.at for c in chunks]
    # The pure-Python loader agrees with libyaml's.
    assert cm.from_data(yaml.load(text, Loader=yaml.SafeLoader)) == cassette
    valid(text)


@settings(max_examples=200)
@given(text=st.one_of(st.text(), TRICKY.map(lambda b: b.decode("utf-8", "replace"))))
def test_any_string_field_survives(text: str) -> None:
    cassette = Cassette(
        (Exchange(Request("GET", text, ((text, text),)), Response(200, text, ((text, text),))),),
        service="router",
        fault=text,
    )
    assert loads(dumps(cassette)) == cassette


def test_a_chunk_is_text_when_it_alone_is_utf8_else_base64() -> None:
    split = "é".encode()
    cassette = Cassette(
        (Exchange.of("GET", "https://x.test/", chunks=[b"data: {}\n\n", split[:1], split[1:]]),)
    )
    chunks = yaml.safe_load(dumps(cassette))["exchanges"][0]["response"]["chunks"]
    assert chunks[0] == {"at": 0.0, "text": "data: {}\n\n"}
    assert set(chunks[1]) == {"at", "base64"}
    assert set(chunks[2]) == {"at", "base64"}


def test_nel_is_written_double_quoted() -> None:
    text = dumps(Cassette((Exchange.of("GET", "https://x.test/", chunks=["a\x85b".encode()]),)))
    assert '"a\\Nb"' in text
    assert loads(text).exchanges[0].response.body == "a\x85b".encode()


def test_stream_chunks_read_as_literal_blocks() -> None:
    text = dumps(Cassette((Exchange.of("GET", "https://x.test/", chunks=[b'data: {"a":1}\n\n']),)))
    assert 'text: |+\n        data: {"a":1}\n' in text


def test_the_full_form_loads_and_validates() -> None:
    text = """\
format: hfclient-cassette/1
service: router
fault: reset mid-stream
match: {add: [body.stream], remove: [body.messages]}
exchanges:
- request:
    method: POST
    url: https://router.huggingface.co/v1/chat/completions
    headers:
    - [content-type, application/json]
    - [authorization, "Bearer <secret:token>"]
    body: '{"model":"m","messages":[],"stream":true}'
  response:
    status: 200
    reason: OK
    at: 0.2
    headers:
    - [content-type, text/event-stream]
    chunks:
    - {at: 0.25, text: "data: {}\\n\\n"}
    - {at: 1, base64: "/w=="}
    end: reset
"""
    valid(text)
    cassette = loads(text)
    assert cassette.service == "router"
    assert cassette.match == MatchRule(add=("body.stream",), remove=("body.messages",))
    response = cassette.exchanges[0].response
    assert response.chunks == (Chunk(b"data: {}\n\n", 0.25), Chunk(b"\xff", 1.0))
    assert response.end == RESET
    assert cassette.exchanges[0].request.header("Authorization") == "Bearer <secret:token>"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("format: other/1\nexchanges: []\n", "format"),
        ("format: hfclient-cassette/1\nexchanges: []\nextra: 1\n", "extra"),
        (
            "format: hfclient-cassette/1\nexchanges:\n- request: {method: GET, url: u}\n"
            "  response: {status: 200, end: stop}\n",
            "eof, reset",
        ),
        (
            "format: hfclient-cassette/1\nexchanges:\n- request: {method: GET, url: u}\n"
            "  response: {chunks: [{at: 1, text: a, base64: YQ==}]}\n",
            "one of text",
        ),
        ("format: hfclient-cassette/1\nmatch: {only: [bogus]}\nexchanges: []\n", "match rule"),
        ("- 1\n", "not a mapping"),
    ],
)
def test_a_wrong_shape_says_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="not a cassette") as info:
        loads(text)
    assert why in str(info.value)


def test_values_are_checked() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        Chunk(b"", -1.0)
    with pytest.raises(ValueError, match="only a stall"):
        End("eof", 1.0)
    with pytest.raises(ValueError, match="positive"):
        stall(0)
    with pytest.raises(ValueError, match="placeholder"):
        placeholder("Has Space")
    assert placeholder("token") == "<secret:token>"


def test_match_rule_narrows_widens_or_replaces() -> None:
    spec = ("method", "path", "body.model", "body.messages")
    assert MatchRule(add=("body.stream",)).apply(spec) == (*spec, "body.stream")
    assert MatchRule(remove=("body.messages",)).apply(spec) == spec[:3]
    assert MatchRule(only=("method",), add=("path",)).apply(spec) == ("method", "path")


def test_repr_masks_credentials() -> None:
    request = Request("GET", "https://x.test/", (("Authorization", "Bearer hf_live"),), b"x")
    assert "hf_live" not in repr(request)
    response = Response(200, "OK", (("Set-Cookie", "hf-chat=sess"),), [Chunk(b"hf_body")])
    assert "hf_live" not in repr(Exchange(request, response))
    assert "sess" not in repr(response)
    assert "hf_body" not in repr(response)


def test_file_round_trip(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "c.yaml"
    cassette = Cassette((Exchange.of("GET", "https://x.test/", chunks=[b"a", b"\xff"]),))
    cm.dump(cassette, path)
    assert cm.load(path) == cassette


def test_the_documented_example_loads_and_validates() -> None:
    import pathlib
    import re

    doc = (pathlib.Path(__file__).parents[2] / "docs" / "cassette-format.md").read_text()
    example = re.search(r"```yaml\n(.*?)```", doc, re.DOTALL)
    assert example is not None
    valid(example.group(1))
    cassette = loads(example.group(1))
    assert cassette.exchanges[0].response.end == RESET
    assert loads(dumps(cassette)) == cassette


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "hfclient-cassette/1", "exchanges": [{}]}, SCHEMA)
