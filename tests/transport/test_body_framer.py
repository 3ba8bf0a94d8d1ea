"""The body framer, the h11 way: cut anywhere, checked against h11 itself, and hostile input.

h11 is the oracle: for any chunked body (valid, or one byte changed), the
framer gives the payload h11 gives and refuses what h11 refuses, however the
bytes are cut into reads. Hostile input is measured in bytes held and bytes
searched, never in time.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import h11
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hfclient.transport._body import (
    LINE_LIMIT,
    BodyFramer,
    ChunkedBody,
    FramingError,
    LengthBody,
    UntilCloseBody,
    body_framer,
)

CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
SECRET = b"hf_PlantedSecretToken0123456789"


@dataclass(frozen=True)
class Outcome:
    """What framing a body came to: the payload (up to a refusal), what followed, the refusal."""

    payload: bytes
    unread: bytes
    refused: str | None  # our message, or "h11" for h11's refusals


def pieces(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at ``cuts`` (offsets, any order, duplicates fine)."""
    points = [0, *sorted({c for c in cuts if 0 < c < len(data)}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(points)]


def framed(framer: BodyFramer, reads: Sequence[bytes], *, eof: bool = True) -> Outcome:
    """Feed ``reads`` to ``framer`` (then EOF), as the connection does: payload, then the error."""
    out: list[bytes] = []
    try:
        for data in reads:
            out.append(framer.receive(data))
        if eof:
            framer.eof()
    except FramingError as exc:
        out.append(exc.framed)
        return Outcome(b"".join(out), b"", str(exc))
    return Outcome(b"".join(out), framer.unread if framer.done else b"", None)


def ours(body: bytes, cuts: Iterable[int] = ()) -> Outcome:
    return framed(ChunkedBody(), pieces(body, cuts))


def h11s(body: bytes, *, method: str = "GET", head: bytes = CHUNKED_HEAD) -> Outcome:
    """What h11 frames from ``head + body`` then EOF, as a client that sent ``method``."""
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "example")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(head + body)
    conn.receive_data(b"")
    out: list[bytes] = []
    try:
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Data):
                out.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return Outcome(b"".join(out), conn.trailing_data[0], None)
            else:
                assert isinstance(event, h11.Response), event
    except h11.RemoteProtocolError:
        return Outcome(b"".join(out), b"", "h11")


def same_verdict(mine: Outcome, theirs: Outcome) -> None:
    assert (mine.refused is None) == (theirs.refused is None), (mine, theirs)
    assert mine.payload == theirs.payload
    assert mine.unread == theirs.unread


# Valid chunked bodies, in every form h11 reads: sizes in either case with leading zeros,
# extensions, blanks before the CRLF, trailers with CRLF or bare LF and continuation lines.
TCHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-!#$%&'*+.^_`|~"
TOKEN = st.text(TCHARS, min_size=1, max_size=8)
FIELD_VALUE = st.binary(max_size=12).map(
    lambda b: bytes(c for c in b if c not in b"\x00\n\r\x0b\x0c")
)


@st.composite
def size_lines(draw: st.DrawFn, size: int) -> bytes:
    digits = format(size, draw(st.sampled_from(["x", "X"]))).encode()
    digits = b"0" * draw(st.integers(0, 20 - len(digits))) + digits
    tail = draw(
        st.one_of(
            st.just(b""),
            st.sampled_from([b" ", b"\t", b" \t "]),
            st.binary(max_size=12).map(lambda b: b";" + b.replace(b"\n", b"")),
            st.builds(lambda n, v: f";{n}={v}".encode(), TOKEN, TOKEN),
        )
    )
    return digits + tail + b"\r\n"


@st.composite
def trailers(draw: st.DrawFn) -> bytes:
    lines = []
    for name, value in draw(st.lists(st.tuples(TOKEN, FIELD_VALUE), max_size=3)):
        lines.append(name.encode() + b":" + value + draw(st.sampled_from([b"\r\n", b"\n"])))
        if draw(st.booleans()):
            lines.append(b" \t" + draw(FIELD_VALUE) + b"\r\n")
    return b"".join(lines) + draw(st.sampled_from([b"\r\n", b"\n"]))


@st.composite
def chunked_bodies(draw: st.DrawFn) -> bytes:
    parts = [
        draw(size_lines(len(chunk))) + chunk + b"\r\n"
        for chunk in draw(st.lists(st.binary(min_size=1, max_size=40), max_size=8))
    ]
    return b"".join(parts) + draw(size_lines(0)) + draw(trailers())


@st.composite
def cut_points(draw: st.DrawFn, data: bytes) -> list[int]:
    return draw(st.lists(st.integers(0, len(data)), max_size=12))


EXAMPLES = [
    b"5\r\nhello\r\n6;name=value\r\n world\r\n0\r\n\r\n",
    b"5\r\nhello\r\n0\r\nExpires: never\r\nX-A: b\r\n  folded\r\n\r\nafter the body",
    b"0\r\n\n",
    b"000A\r\n0123456789\r\n0;last\r\n\r\n",
    b"5\r\nhello\r\nzz\r\n",  # not hex
    b"5\r\nhelloXX0\r\n\r\n",  # no CRLF after the data
    b"5\n\r\nhello\r\n0\r\n\r\n",  # a bare LF ends the size line
    b"5 ;x\r\nhello\r\n0\r\n\r\n",  # a blank before the extension
    b"0\r\nnot a field\r\n\r\n",
    b"0\r\n folded first\r\n\r\n",
    b"5\r\nhel",  # cut short
    b"",
]


@pytest.mark.parametrize("body", EXAMPLES)
def test_h11_agrees_and_reads_of_one_byte_change_nothing(body: bytes) -> None:
    whole = ours(body)
    same_verdict(whole, h11s(body))
    assert ours(body, range(len(body))) == whole


@given(st.data())
def test_valid_bodies_give_h11s_payload_however_they_are_cut(data: st.DataObject) -> None:
    body = data.draw(chunked_bodies()) + data.draw(st.binary(max_size=8))
    whole = ours(body)
    assert whole.refused is None
    same_verdict(whole, h11s(body))
    assert ours(body, data.draw(cut_points(body))) == whole


@given(st.data())
def test_a_changed_byte_is_refused_exactly_when_h11_refuses_it(data: st.DataObject) -> None:
    body = bytearray(data.draw(chunked_bodies()))
    where = data.draw(st.integers(0, len(body)))
    change = data.draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
    byte = data.draw(st.sampled_from([0, 9, 10, 13, 32, 48, 59, 65, 103, 255]))
    if change == "replace" and where < len(body):
        body[where] = byte
    elif change == "insert":
        body.insert(where, byte)
    elif change == "delete" and where < len(body):
        del body[where]
    else:
        del body[where:]
    whole = ours(bytes(body))
    same_verdict(whole, h11s(bytes(body)))
    assert ours(bytes(body), data.draw(cut_points(bytes(body)))) == whole


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
@pytest.mark.parametrize("status", [200, 204, 304, 404])
@pytest.mark.parametrize(
    "framing",
    [
        b"Transfer-Encoding: chunked\r\n",
        b"Content-Length: 5\r\n",
        b"Content-Length: 0\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        b"",
    ],
)
@pytest.mark.parametrize("version", [b"1.1", b"1.0"])
def test_the_framing_is_the_one_h11_chooses(
    method: str, status: int, framing: bytes, version: bytes
) -> None:
    head = b"HTTP/%s %d Whatever\r\n%s\r\n" % (version, status, framing)
    body = b"5\r\nhello\r\n0\r\n\r\n"
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target="/", headers=[("Host", "example")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(head + body)
    response = conn.next_event()
    assert isinstance(response, h11.Response)
    framer = body_framer(method.encode(), response)
    mine = framed(framer, [conn.trailing_data[0]])
    same_verdict(mine, h11s(body, method=method, head=head))


def test_a_length_body_counts_its_bytes_and_keeps_what_follows() -> None:
    for reads in ([b"hello", b"next"], [b"he", b"llonext"], [b"hellonext"]):
        assert framed(LengthBody(5), reads) == Outcome(b"hello", b"next", None)
    cut = framed(LengthBody(5), [b"hel"])
    assert cut.payload == b"hel"
    assert cut.refused == (
        "the peer closed the connection without sending the complete body "
        "(received 3 bytes, expected 5)"
    )
    assert LengthBody(0).done


def test_a_body_without_length_runs_until_the_close() -> None:
    framer = UntilCloseBody()
    assert framer.receive(b"any") == b"any"
    assert not framer.done
    framer.eof()
    assert framer.done


def test_payload_framed_before_a_problem_comes_with_the_error() -> None:
    framer = ChunkedBody()
    with pytest.raises(FramingError) as caught:
        framer.receive(b"5\r\nhello\r\n3\r\nabcXY")
    assert caught.value.framed == b"helloabc"
    with pytest.raises(FramingError) as again:  # broken for good, and says why again
        framer.receive(b"more")
    assert str(again.value) == str(caught.value)
    assert again.value.framed == b""


# Hostile input: bounded memory, every byte searched once, refused at the limit.


class Searched(bytes):
    """Bytes that count, in ``examined``, how many of theirs ``find`` looked at."""

    examined = 0

    def find(self, sub: bytes, start: int | None = None, end: int | None = None) -> int:
        first = start or 0
        stop = len(self) if end is None else min(end, len(self))
        found = super().find(sub, start, end)
        Searched.examined += max(0, stop - first) if found < 0 else found + 1 - first
        return found


def fed(framer: ChunkedBody, data: bytes, size: int) -> tuple[int, int, FramingError | None]:
    """Feed ``data`` in reads of ``size``: bytes given, most bytes held, the refusal if any."""
    Searched.examined = 0
    given_bytes, held = 0, 0
    for piece in pieces(data, range(size, len(data), size)):
        given_bytes += len(piece)
        try:
            framer.receive(Searched(piece))
        except FramingError as exc:
            return given_bytes, held, exc
        held = max(held, framer.buffered)
    return given_bytes, held, None


@pytest.mark.parametrize("read_size", [1, 7, 1000, 64 * 1024])
@pytest.mark.parametrize(
    "prefix", [b"", b"5\r\nhello\r\n", b"0\r\nX-A: b\r\n"], ids=["size", "size-later", "trailer"]
)
def test_a_line_that_never_ends_is_refused_at_the_limit(read_size: int, prefix: bytes) -> None:
    endless = prefix + b"1;" + b"x" * (4 * LINE_LIMIT)
    given_bytes, held, error = fed(ChunkedBody(), endless, read_size)
    assert error is not None
    what = "the trailer section" if prefix.startswith(b"0") else "a chunk-size line"
    assert str(error).startswith(f"{what} is longer than {LINE_LIMIT} bytes")
    assert held <= LINE_LIMIT
    assert given_bytes <= len(prefix) + LINE_LIMIT + read_size
    assert Searched.examined <= given_bytes  # no byte searched twice


@pytest.mark.parametrize("read_size", [1, 64 * 1024])
def test_endless_trailer_lines_are_refused_once_they_pass_the_limit(read_size: int) -> None:
    endless = b"0\r\n" + b"X-Pad: 0123456789\r\n" * (LINE_LIMIT // 4)
    given_bytes, held, error = fed(ChunkedBody(), endless, read_size)
    assert error is not None
    assert str(error).startswith(f"the trailer section is longer than {LINE_LIMIT} bytes")
    assert given_bytes <= 3 + LINE_LIMIT + read_size
    assert held <= LINE_LIMIT
    assert Searched.examined <= given_bytes


def test_a_flood_of_tiny_chunks_holds_nothing_and_loses_nothing() -> None:
    framer = ChunkedBody()
    flood = b"1\r\nx\r\n" * 200_000
    out = []
    for piece in pieces(flood, range(65536, len(flood), 65536)):
        payload = framer.receive(piece)
        assert len(payload) <= len(piece)
        assert framer.buffered <= 2  # at most "1\r" of a size line cut by the read
        out.append(payload)
    assert b"".join(out) == b"x" * 200_000
    assert not framer.done


def test_the_biggest_size_h11_takes_is_streamed_and_a_longer_one_refused() -> None:
    framer = ChunkedBody()
    assert framer.receive(b"f" * 20 + b"\r\n" + b"a" * 1000) == b"a" * 1000
    assert framer.receive(b"b" * 70_000) == b"b" * 70_000
    assert framer.buffered == 0
    for digits in (b"f" * 21, b"0" * 20 + b"1"):
        assert ours(digits + b"\r\n").refused is not None
        assert h11s(digits + b"\r\n").refused is not None
    assert ours(b"0" * 19 + b"1\r\nx\r\n0\r\n\r\n").payload == b"x"


@pytest.mark.parametrize(
    "body",
    [
        SECRET + b"\r\n",
        b"%x\r\n" % len(SECRET) + SECRET + SECRET,
        b"0\r\n" + SECRET + b"\r\n\r\n",
        b"0\r\nA: b\r\n" + SECRET + b"\r\n\r\n",
        b"1;" + SECRET * 1000,
        b"5" + SECRET + b"\n",
        b"5\r\nhello\r\n" + SECRET,
    ],
    ids=["size", "after-data", "trailer", "second-trailer", "endless", "bare-lf", "cut"],
)
def test_a_refusal_never_quotes_the_body(body: bytes) -> None:
    for reads in ([body], pieces(body, range(len(body)))):
        framer = ChunkedBody()
        outcome = framed(framer, reads)
        assert outcome.refused is not None
        with pytest.raises(FramingError) as caught:
            framer.eof()
        shown = "".join(traceback.format_exception(caught.value))
        assert SECRET.decode() not in shown
        assert SECRET.decode() not in (outcome.refused or "")
        assert "body offset" in outcome.refused or "complete body" in outcome.refused
