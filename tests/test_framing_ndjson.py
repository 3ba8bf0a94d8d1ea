"""NDJSONDecoder: every rule of the framing contract, fed whole, bytewise and at random cuts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from codec.framing import NDJSONDecoder
from tests.conftest import DATA
from tests.framing_helpers import bytewise, cut, outcome, run

STREAMS = [
    "huggingchat-2025-05.stream.ndjson",
    "huggingchat-2026.stream.ndjson",
    "huggingchat.stream-error.ndjson",
    "huggingchat-2025-05.data-invalidated-11.jsonl",
]


def decode(data: bytes) -> list[object]:
    return run(NDJSONDecoder(), [data])


@pytest.mark.parametrize("name", STREAMS)
def test_example_streams_whole_equals_bytewise(name: str) -> None:
    data = (DATA / "examples" / name).read_bytes()
    whole = decode(data)
    assert whole  # the files are not empty
    assert run(NDJSONDecoder(), bytewise(data)) == whole
    expected = [json.loads(line) for line in data.split(b"\n") if line.strip()]
    assert whole == expected


@pytest.mark.parametrize("name", STREAMS)
@given(points=st.lists(st.integers(min_value=0, max_value=20_000), max_size=40))
def test_example_streams_at_random_cuts(name: str, points: list[int]) -> None:
    data = (DATA / "examples" / name).read_bytes()
    assert run(NDJSONDecoder(), cut(data, points)) == decode(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
padding = st.sampled_from([b"", b" ", b"\t", b"\r", b" " * 4096, b"\x0b\x0c"])


@given(
    values=st.lists(json_values, max_size=8),
    pads=st.lists(st.tuples(padding, padding), min_size=8, max_size=8),
    ensure_ascii=st.booleans(),
    points=st.lists(st.integers(min_value=0, max_value=50_000), max_size=20),
)
def test_random_documents_survive_any_cut(
    values: list[object],
    pads: list[tuple[bytes, bytes]],
    ensure_ascii: bool,
    points: list[int],
) -> None:
    body = b"".join(
        before + json.dumps(v, ensure_ascii=ensure_ascii).encode() + after + b"\n"
        for v, (before, after) in zip(values, pads, strict=False)
    )
    assert decode(body) == values
    assert run(NDJSONDecoder(), cut(body, points)) == values


def test_splits_on_lf_byte_only() -> None:
    # U+2028, U+2029 and U+0085 are raw in JSON.stringify output: not line ends.
    line = '{"token":"a\u2028b\u2029c\u0085d"}\n'.encode()
    assert decode(line) == [{"token": "a\u2028b\u2029c\u0085d"}]


def test_crlf_is_tolerated() -> None:
    assert decode(b'{"a":1}\r\n{"b":2}\r\n') == [{"a": 1}, {"b": 2}]


def test_trailing_spaces_then_line_directly() -> None:
    # huggingchat.md §3.1: 4096 spaces, no newline, then the next JSON line.
    body = b'{"type":"finalAnswer"}\n' + b" " * 4096 + b'{"type":"title"}\n' + b" " * 4096
    assert decode(body) == [{"type": "finalAnswer"}, {"type": "title"}]


def test_character_cut_across_chunks() -> None:
    body = '{"t":"你好🙂"}\n'.encode()
    for i in range(len(body)):
        assert run(NDJSONDecoder(), [body[:i], body[i:]]) == [{"t": "你好🙂"}]


def test_whitespace_tail_at_close_is_fine() -> None:
    decoder = NDJSONDecoder()
    assert decoder.feed(b'{"a":1}\n   \t') == [{"a": 1}]
    assert decoder.close() == []


def test_complete_document_without_final_newline_is_kept() -> None:
    assert decode(b'{"a":1}\n{"b":2}') == [{"a": 1}, {"b": 2}]


def test_partial_tail_at_close_raises_with_offset() -> None:
    decoder = NDJSONDecoder()
    assert decoder.feed(b'{"a":1}\n  {"b":') == [{"a": 1}]
    with pytest.raises(CodecError) as info:
        decoder.close()
    assert "ended inside" in str(info.value)
    assert info.value.offset == len(b'{"a":1}\n  {"b":')
    assert info.value.line == b'{"b":'


def test_invalid_json_reports_offset_line_and_events() -> None:
    decoder = NDJSONDecoder()
    body = b'{"a":1}\n{"b":2}\n  {"c" 3}\n{"d":4}\n'
    with pytest.raises(CodecError) as info:
        decoder.feed(body)
    error = info.value
    assert error.offset == body.index(b"3")
    assert error.line == b'{"c" 3}'
    assert error.events == [{"a": 1}, {"b": 2}]


def test_invalid_json_offset_counts_bytes_not_characters() -> None:
    body = '{"é":"你", x}\n'.encode()
    with pytest.raises(CodecError) as info:
        decode(body)
    assert info.value.offset == body.index(b"x")


def test_invalid_utf8_reports_offset() -> None:
    body = b'{"a":1}\n{"b":"\xff"}\n'
    with pytest.raises(CodecError) as info:
        decode(body)
    assert info.value.offset == body.index(b"\xff")
    assert info.value.events == [{"a": 1}]


def test_error_offset_is_absolute_across_feeds() -> None:
    decoder = NDJSONDecoder()
    decoder.feed(b'{"a":1}\n{"b"')
    with pytest.raises(CodecError) as info:
        decoder.feed(b":2}\n{oops}\n")
    assert info.value.offset == len(b'{"a":1}\n{"b":2}\n{')
    assert info.value.events == [{"b": 2}]


def test_refuses_input_after_an_error() -> None:
    decoder = NDJSONDecoder()
    with pytest.raises(CodecError):
        decoder.feed(b"nope\n")
    with pytest.raises(CodecError, match="already failed"):
        decoder.feed(b'{"a":1}\n')
    with pytest.raises(CodecError, match="already failed"):
        decoder.close()


def test_overlong_line_raises_before_it_ends() -> None:
    decoder = NDJSONDecoder(max_line_bytes=10)
    assert decoder.feed(b'{"a":1}\n{"b":') == [{"a": 1}]
    with pytest.raises(CodecError, match="max_line_bytes=10") as info:
        decoder.feed(b'"0123456789')  # no newline yet: known too long already
    assert info.value.offset == len(b'{"a":1}\n')


def test_overlong_complete_line_raises() -> None:
    with pytest.raises(CodecError, match="max_line_bytes") as info:
        run(NDJSONDecoder(max_line_bytes=8), [b'{"a":1}\n{"bb":"cccc"}\n'])
    assert info.value.offset == 8
    assert info.value.events == [{"a": 1}]


def test_line_at_the_limit_is_accepted() -> None:
    assert decode(b'{"a":1}\n') == run(NDJSONDecoder(max_line_bytes=7), [b'{"a":1}\n'])


def test_feed_after_close_raises() -> None:
    decoder = NDJSONDecoder()
    decoder.close()
    with pytest.raises(CodecError, match="closed"):
        decoder.feed(b"{}\n")


ndjson_lines = st.one_of(
    st.builds(lambda v: json.dumps(v, ensure_ascii=False).encode(), json_values),
    st.sampled_from(
        [b"", b"  ", b"\r", b"{", b"nope", b'{"a":"\xff"}', b'{"b":"\xc3"}', b"[1,2] 3"]
    ),
    st.builds(lambda n: b'"' + b"x" * n + b'"', st.integers(min_value=30, max_value=60)),
)


@given(
    lines=st.lists(ndjson_lines, max_size=12),
    tail=st.sampled_from([b"", b"\n", b"  ", b'{"a"', b'{"a":1}']),
    limit=st.sampled_from([40, 1 << 20]),
    points=st.lists(st.integers(min_value=0, max_value=800), max_size=20),
)
def test_whole_bytewise_and_cut_agree_errors_included(
    lines: list[bytes], tail: bytes, limit: int, points: list[int]
) -> None:
    # Same values, and the same error at the same offset, however the body is cut.
    body = b"\n".join(lines) + tail
    whole = outcome(NDJSONDecoder(max_line_bytes=limit), [body])
    assert outcome(NDJSONDecoder(max_line_bytes=limit), bytewise(body)) == whole
    assert outcome(NDJSONDecoder(max_line_bytes=limit), cut(body, points)) == whole
