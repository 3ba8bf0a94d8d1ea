"""SSEDecoder: WHATWG event-stream rules, our end-of-stream rule, limits and errors."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from codec.errors import CodecError
from codec.framing import ServerSentEvent, SSEDecoder
from tests.conftest import DATA
from tests.framing_helpers import bytewise, cut, outcome, run


def decode(data: bytes) -> list[ServerSentEvent]:
    return run(SSEDecoder(), [data])


def datas(data: bytes) -> list[str]:
    return [e.data for e in decode(data)]


def real_body(name: str) -> bytes:
    cassette = yaml.safe_load((DATA / "real" / name).read_text())
    body: str = cassette["interactions"][1]["response"]["body"]["string"]
    return body.encode()


STREAMS = {
    "hf-router.stream.sse": (DATA / "examples" / "hf-router.stream.sse").read_bytes(),
    "hf-router.stream-error.sse": (DATA / "examples" / "hf-router.stream-error.sse").read_bytes(),
    "hailuo.stream.sse": (DATA / "examples" / "hailuo.stream.sse").read_bytes(),
    "hailuo.stream-error.sse": (DATA / "examples" / "hailuo.stream-error.sse").read_bytes(),
    "router-cerebras": real_body("router-cerebras-stream.vcr.yaml"),
    "router-together": real_body("router-together-stream.vcr.yaml"),
}


@pytest.mark.parametrize("name", STREAMS)
def test_streams_whole_equals_bytewise(name: str) -> None:
    data = STREAMS[name]
    whole = decode(data)
    assert whole
    assert run(SSEDecoder(), bytewise(data)) == whole


@pytest.mark.parametrize("name", STREAMS)
@given(points=st.lists(st.integers(min_value=0, max_value=12_000), max_size=40))
def test_streams_at_random_cuts(name: str, points: list[int]) -> None:
    data = STREAMS[name]
    assert run(SSEDecoder(), cut(data, points)) == decode(data)


def test_router_example_shape() -> None:
    events = decode(STREAMS["hf-router.stream.sse"])
    assert len(events) == 30  # protocols/hf-inference.md §10.1
    assert events[-1].data == "[DONE]"
    assert {e.event for e in events} == {"message"}


def test_hailuo_example_names() -> None:
    events = decode(STREAMS["hailuo.stream.sse"])
    assert len(events) == 19  # protocols/hailuo.md §12
    assert events[0].event == "send_result"
    assert events[-1].event == "close_chunk"


line_ends = st.sampled_from([b"\n", b"\r", b"\r\n"])
field_lines = st.one_of(
    st.builds(lambda v: b"data:" + v, st.sampled_from([b"", b" ", b" x", b"y", b"  z", b"{}"])),
    st.builds(lambda v: b"event:" + v, st.sampled_from([b"", b" e", b"name"])),
    st.builds(lambda v: b"id:" + v, st.sampled_from([b"", b" 1", b"a\x00b"])),
    st.builds(lambda v: b"retry:" + v, st.sampled_from([b" 10", b"x", b"1.5", b"\xd9\xa3"])),
    st.sampled_from([b"data", b": comment", b"other: x", b"", b"", "data: 你好".encode()]),
)


@given(
    lines=st.lists(st.tuples(field_lines, line_ends), max_size=30),
    bom=st.booleans(),
    points=st.lists(st.integers(min_value=0, max_value=600), max_size=20),
)
def test_random_streams_survive_any_cut(
    lines: list[tuple[bytes, bytes]], bom: bool, points: list[int]
) -> None:
    body = (b"\xef\xbb\xbf" if bom else b"") + b"".join(line + end for line, end in lines)
    whole = decode(body)
    assert run(SSEDecoder(), cut(body, points)) == whole
    assert run(SSEDecoder(), bytewise(body)) == whole


@pytest.mark.parametrize("end", [b"\n", b"\r", b"\r\n"])
def test_all_three_line_ends(end: bytes) -> None:
    body = b"data: a" + end + b"data: b" + end + end + b"data: c" + end + end
    assert datas(body) == ["a\nb", "c"]


def test_cr_then_lf_in_next_chunk_is_one_line_end() -> None:
    # Two line ends here would make a blank line and dispatch "a" alone.
    assert [e.data for e in run(SSEDecoder(), [b"data: a\r", b"\ndata: b\n\n"])] == ["a\nb"]


def test_cr_then_cr_in_next_chunk_is_two_line_ends() -> None:
    assert [e.data for e in run(SSEDecoder(), [b"data: a\r", b"\rdata: b\n\n"])] == ["a", "b"]


def test_one_leading_bom_is_dropped_even_when_split() -> None:
    events = run(SSEDecoder(), [b"\xef", b"\xbb", b"\xbfdata: x\n\n"])
    assert [e.data for e in events] == ["x"]


def test_only_one_bom_is_dropped() -> None:
    # A second BOM makes the first field name "\ufeffdata", which is ignored.
    assert datas(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\ndata: y\n\n") == ["y"]


def test_comments_are_ignored() -> None:
    assert datas(b": keep-alive\ndata: x\n: another\n\n") == ["x"]


def test_field_without_colon_and_optional_space() -> None:
    events = decode(b"data\n\ndata:no-space\n\ndata:  two spaces\n\n")
    assert [e.data for e in events] == ["", "no-space", " two spaces"]


def test_no_data_no_dispatch_and_type_resets() -> None:
    events = decode(b"event: ping\n\ndata: x\n\nevent: named\ndata: y\n\ndata: z\n\n")
    assert [(e.event, e.data) for e in events] == [
        ("message", "x"),
        ("named", "y"),
        ("message", "z"),
    ]


def test_empty_event_name_means_message() -> None:
    assert decode(b"event:\ndata: x\n\n")[0].event == "message"


def test_id_carries_over_and_nul_id_is_ignored() -> None:
    events = decode(b"id: 1\ndata: a\n\ndata: b\n\nid: x\x00y\ndata: c\n\nid\ndata: d\n\n")
    assert [e.id for e in events] == ["1", "1", "1", ""]


def test_id_without_data_still_updates_last_id() -> None:
    assert decode(b"id: 9\n\ndata: a\n\n")[0].id == "9"


def test_retry_only_in_its_own_block_and_only_digits() -> None:
    events = decode(
        b"retry: 250\ndata: a\n\ndata: b\n\nretry: 2x\ndata: c\n\nretry: \xd9\xa3\ndata: d\n\n"
    )
    assert [e.retry for e in events] == [250, None, None, None]


def test_unknown_fields_are_ignored() -> None:
    assert decode(b"foo: bar\ndata: x\n\n") == [ServerSentEvent(data="x")]


def test_close_dispatches_pending_complete_event() -> None:
    # The cerebras stream ends with "\n\n"; this one stops after one line end.
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b\n") == [ServerSentEvent(data="a")]
    assert decoder.close() == [ServerSentEvent(data="b")]


def test_close_inside_a_line_raises_with_offset() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\ndata: [DO")
    with pytest.raises(CodecError, match="inside a line") as info:
        decoder.close()
    assert info.value.offset == len(b"data: a\n\n")
    assert info.value.line == b"data: [DO"


def test_close_after_trailing_cr_is_complete() -> None:
    assert run(SSEDecoder(), [b"data: a\r"]) == [ServerSentEvent(data="a")]


def test_character_cut_across_chunks() -> None:
    body = "data: 你好🙂\n\n".encode()
    for i in range(len(body)):
        assert [e.data for e in run(SSEDecoder(), [body[:i], body[i:]])] == ["你好🙂"]


def test_invalid_utf8_reports_offset_and_events() -> None:
    body = b"data: ok\n\ndata: \xc3(\n\n"
    with pytest.raises(CodecError, match="UTF-8") as info:
        decode(body)
    assert info.value.offset == body.index(b"\xc3")
    assert info.value.events == [ServerSentEvent(data="ok")]


def test_refuses_input_after_an_error() -> None:
    decoder = SSEDecoder()
    with pytest.raises(CodecError):
        decoder.feed(b"data: \xff\n")
    with pytest.raises(CodecError, match="already failed"):
        decoder.feed(b"data: x\n\n")


def test_overlong_line_raises_before_it_ends() -> None:
    decoder = SSEDecoder(max_line_bytes=16)
    assert decoder.feed(b"data: a\n\ndata: ") == [ServerSentEvent(data="a")]
    with pytest.raises(CodecError, match="max_line_bytes=16") as info:
        decoder.feed(b"0123456789abcdef")
    assert info.value.offset == len(b"data: a\n\n")


def test_overlong_complete_line_raises_with_events() -> None:
    with pytest.raises(CodecError, match="max_line_bytes") as info:
        run(SSEDecoder(max_line_bytes=8), [b"data: a\n\ndata: 0123456789\n\n"])
    assert info.value.offset == 9
    assert info.value.events == [ServerSentEvent(data="a")]


def test_overlong_event_raises() -> None:
    decoder = SSEDecoder(max_event_bytes=20)
    with pytest.raises(CodecError, match="max_event_bytes=20") as info:
        decoder.feed(b"data: 0123456789\ndata: 0123456789\n\n")
    assert info.value.offset == len(b"data: 0123456789\n")


def test_event_limit_resets_between_events() -> None:
    decoder = SSEDecoder(max_event_bytes=20)
    body = b"data: 0123456789\n\n" * 5
    assert len(run(decoder, [body])) == 5


bad_lines = st.sampled_from(
    [b"data: \xff", b"event: \xc3", b"data: " + b"y" * 30, b"x" * 40, b": " + b"z" * 40]
)


@given(
    lines=st.lists(st.tuples(field_lines | bad_lines, line_ends), max_size=30),
    bom=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xef\xbb"]),
    tail=st.sampled_from([b"", b"data: x", b"\r", b"\n"]),
    limits=st.sampled_from([(24, 40), (1 << 20, 8 << 20)]),
    points=st.lists(st.integers(min_value=0, max_value=600), max_size=20),
)
def test_whole_bytewise_and_cut_agree_errors_included(
    lines: list[tuple[bytes, bytes]],
    bom: bytes,
    tail: bytes,
    limits: tuple[int, int],
    points: list[int],
) -> None:
    # Same events, and the same error at the same offset, however the body is cut.
    body = bom + b"".join(line + end for line, end in lines) + tail
    line_limit, event_limit = limits

    def make() -> SSEDecoder:
        return SSEDecoder(max_line_bytes=line_limit, max_event_bytes=event_limit)

    whole = outcome(make(), [body])
    assert outcome(make(), bytewise(body)) == whole
    assert outcome(make(), cut(body, points)) == whole
