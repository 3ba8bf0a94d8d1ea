"""Response bodies framed from the bytes after the head, sans-IO: chunked, by length, to EOF.

h11 parses the response head (status line, headers, 1xx responses); the body
is framed here, because h11 spends a regex, an event object and a step of
its state machine on every chunk, and a streaming answer comes as one chunk
per event. What is accepted is what h11 accepts (``tests/transport/
test_body_framer.py`` checks it against h11), but for one thing: a chunk-size
line or trailer section over :data:`LINE_LIMIT` bytes is refused however it
arrives (h11 takes a longer one that comes whole in one read). A chunk-size line is 1-20 hex
digits, an optional extension (``;`` then anything, ignored) and optional
trailing spaces or tabs, ended by CRLF; chunk data is followed by CRLF; the
trailer section's field lines (ended by CRLF or a bare LF, as h11 allows
there) are checked and dropped.

Hostile input costs O(n) and bounded memory: every byte is searched once, a
chunk-size line and the whole trailer section are refused past
:data:`LINE_LIMIT` bytes, and the only bytes held between reads are an
unfinished line. Errors say what was wrong and at which body offset, never
the bytes themselves: a body may carry secrets.
"""

from __future__ import annotations

import re
from typing import Final, Protocol

import h11

__all__ = [
    "LINE_LIMIT",
    "BodyFramer",
    "ChunkedBody",
    "FramingError",
    "LengthBody",
    "UntilCloseBody",
    "body_framer",
]

#: The longest chunk-size line, and the longest trailer section, in bytes (h11's limit
#: for an event it has not finished reading).
LINE_LIMIT: Final = 16 * 1024
_SIZE_DIGITS: Final = 20  # h11's bound: len(str(2**64)) digits
_HEX: Final = b"0123456789abcdefABCDEF"
# A trailer field line (RFC 9110 §5.1), as leniently as h11 reads a header line: any byte in
# the value but NUL, CR, LF, VT and FF; a line that starts with a space or tab continues
# the previous one (obs-fold).
_FIELD_LINE: Final = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+:[^\x00\n\r\x0b\x0c]*")
_CONTINUATION: Final = re.compile(rb"[ \t][^\x00\n\r\x0b\x0c]*")

# Where a chunked body is: a chunk-size line, chunk data, the CR and the LF after it,
# the trailer section, the end.
_SIZE, _DATA, _CR, _LF, _TRAILER, _DONE = range(6)


class FramingError(h11.RemoteProtocolError):
    """A body that is not framed as its head says (an ``h11.RemoteProtocolError``).

    ``framed`` is the payload that came before the problem in the bytes just
    given: the caller hands it on first, then the error.
    """

    def __init__(self, message: str, framed: bytes = b"") -> None:
        super().__init__(message)
        self.framed = framed


class BodyFramer(Protocol):
    """Frames one response body from the bytes that follow its head (h11's way: no I/O).

    ``receive`` takes the next bytes read and answers the payload framed from
    them, as one piece; ``done`` turns true at the body's end, after which
    ``unread`` holds whatever came after it. ``eof`` says the peer closed: it
    ends a body delimited by the close and raises :class:`FramingError` for
    any other that is not done.
    """

    done: bool
    unread: bytes

    def receive(self, data: bytes) -> bytes:
        """The payload framed from ``data``, joined; raises :class:`FramingError`."""
        ...

    def eof(self) -> None:
        """The peer closed the connection; raises :class:`FramingError` if the body is cut short."""
        ...


def body_framer(request_method: bytes, response: h11.Response) -> BodyFramer:
    """The framer for ``response``'s body, chosen as h11 chooses (RFC 9112 §6.3).

    h11 has already checked the head: a ``Transfer-Encoding`` is exactly
    ``chunked`` (it wins over a ``Content-Length``), and a ``Content-Length``
    is one number. HEAD, 204, 304 and a CONNECT's 2xx have no body; a
    response with neither header runs until the connection closes.
    """
    status = response.status_code
    if (
        status in (204, 304)
        or request_method == b"HEAD"
        or (request_method == b"CONNECT" and 200 <= status < 300)
    ):
        return LengthBody(0)
    length: int | None = None
    for name, value in response.headers:  # names lower-cased by h11
        if name == b"transfer-encoding":
            return ChunkedBody()
        if name == b"content-length":
            length = int(value)
    return UntilCloseBody() if length is None else LengthBody(length)


class LengthBody:
    """A body of ``Content-Length`` bytes."""

    __slots__ = ("_left", "done", "length", "unread")

    def __init__(self, length: int) -> None:
        self.length = length
        self._left = length
        self.done = length == 0
        self.unread = b""

    def receive(self, data: bytes) -> bytes:
        """The next ``data`` bytes, up to the length; what follows goes to ``unread``."""
        left = self._left
        if len(data) < left:
            self._left = left - len(data)
            return data
        self._left = 0
        self.done = True
        if len(data) > left:
            self.unread += data[left:]
            return data[:left]
        return data

    def eof(self) -> None:
        """Raise :class:`FramingError` unless every byte of the length arrived."""
        if not self.done:
            got = self.length - self._left
            raise FramingError(
                "the peer closed the connection without sending the complete body "
                f"(received {got} bytes, expected {self.length})"
            )

    def __repr__(self) -> str:
        return f"<LengthBody {self.length - self._left}/{self.length} bytes>"


class UntilCloseBody:
    """A body with neither length nor chunks: everything until the peer closes (HTTP/1.0 style).

    Framed here rather than by h11 so that every body takes one path; such a
    connection is never reused, since its end is its close.
    """

    __slots__ = ("done", "unread")

    def __init__(self) -> None:
        self.done = False
        self.unread = b""

    def receive(self, data: bytes) -> bytes:
        """All of ``data``: the body runs until the close."""
        return data

    def eof(self) -> None:
        """The close is the body's end."""
        self.done = True

    def __repr__(self) -> str:
        return f"<UntilCloseBody done={self.done}>"


class ChunkedBody:
    """A chunked body (RFC 9112 §7.1): chunk data joined, extensions and trailers dropped."""

    __slots__ = (
        "_broken",
        "_fields",
        "_held",
        "_left",
        "_offset",
        "_room",
        "_state",
        "done",
        "unread",
    )

    def __init__(self) -> None:
        self.done = False
        self.unread = b""
        self._state = _SIZE
        self._left = 0  # chunk data still to come
        self._held = bytearray()  # an unfinished line, kept between reads
        self._room = LINE_LIMIT  # what the trailer section may still take
        self._fields = False  # whether a trailer field line came (a continuation needs one)
        self._offset = 0  # body bytes given before the current ``data``
        self._broken: FramingError | None = None

    def receive(self, data: bytes) -> bytes:
        """The chunk data framed from ``data``; the bytes after the body go to ``unread``."""
        if self._broken is not None:
            raise self._broken
        out: list[bytes] = []
        try:
            self._frame(data, out)
        except FramingError as exc:
            exc.framed = b"".join(out)
            self._broken = FramingError(str(exc))  # what later calls raise, data-free
            raise
        finally:
            self._offset += len(data)
        if len(out) == 1:
            return out[0]
        return b"".join(out)

    def eof(self) -> None:
        """Raise :class:`FramingError` unless the body ended."""
        if self._broken is not None:
            raise self._broken
        if not self.done:
            raise FramingError(
                "the peer closed the connection without sending the complete body "
                f"(chunked, cut after {self._offset} bytes)"
            )

    @property
    def buffered(self) -> int:
        """How many bytes are held between reads (an unfinished line): never over the limit."""
        return len(self._held)

    def __repr__(self) -> str:
        return f"<ChunkedBody at byte {self._offset} done={self.done}>"

    def _frame(self, data: bytes, out: list[bytes]) -> None:
        # The loop every read of a stream runs: one chunk per event, each whole in the read,
        # costs one find, one slice and one int() here; everything else goes the slow way.
        pos, end = 0, len(data)
        while pos < end:
            state = self._state
            if state == _SIZE:
                if self._held:
                    line, pos = self._line(data, pos, LINE_LIMIT)
                    if line is None:
                        return
                    size = self._size(line, self._offset + pos - len(line) - 1)
                elif (eol := data.find(b"\n", pos, pos + LINE_LIMIT)) < 0:
                    self._hold(data, pos, LINE_LIMIT)
                    return
                else:
                    digits = data[pos : eol - 1] if eol > pos else b""  # an empty line: bad
                    if (
                        0 < len(digits) <= _SIZE_DIGITS
                        and data[eol - 1] == 13
                        and not digits.translate(None, _HEX)
                    ):
                        size = int(digits, 16)
                    else:
                        size = self._size(data[pos:eol], self._offset + pos)
                    pos = eol + 1
                if size == 0:
                    self._state = _TRAILER
                    continue
                stop = pos + size
                if stop + 2 <= end and data[stop] == 13 and data[stop + 1] == 10:
                    out.append(data[pos:stop])
                    pos = stop + 2
                    continue
                self._state, self._left = _DATA, size  # it goes on in the next read, or is bad
            elif state == _DATA:
                take = min(self._left, end - pos)
                out.append(data[pos : pos + take])
                pos += take
                self._left -= take
                if not self._left:
                    self._state = _CR
            elif state in (_CR, _LF):
                expected = 13 if state == _CR else 10
                if data[pos] != expected:
                    raise FramingError(
                        f"chunk data is not followed by CRLF (body offset {self._offset + pos})"
                    )
                pos += 1
                self._state = _LF if state == _CR else _SIZE
            elif state == _TRAILER:
                line, pos = self._line(data, pos, self._room)
                if line is None:
                    return
                self._room -= len(line) + 1
                self._trailer_line(line, self._offset + pos - len(line) - 1)
            else:  # _DONE
                self.unread += data[pos:]
                return

    def _line(self, data: bytes, pos: int, limit: int) -> tuple[bytes | None, int]:
        # The line starting at ``pos`` (with what is held from earlier reads), LF excluded, and
        # where the next one starts; None when it does not end in ``data``: then it is held.
        # Only bytes not searched before are searched, and never more than ``limit`` in all.
        held = self._held
        eol = data.find(b"\n", pos, pos + limit - len(held))
        if eol < 0:
            self._hold(data, pos, limit)
            return None, len(data)
        if held:
            line = bytes(held) + data[pos:eol]
            held.clear()
        else:
            line = data[pos:eol]
        return line, eol + 1

    def _hold(self, data: bytes, pos: int, limit: int) -> None:
        # Keep the unfinished line that starts at ``pos`` (searched already: no LF in it up to
        # ``limit`` bytes of line) for the next read; refuse it if the limit is reached.
        held = self._held
        if len(held) + len(data) - pos >= limit:
            what = "a chunk-size line" if self._state == _SIZE else "the trailer section"
            raise FramingError(
                f"{what} is longer than {LINE_LIMIT} bytes "
                f"(the line at body offset {self._offset + pos - len(held)})"
            )
        held += data[pos:]

    def _size(self, line: bytes, offset: int) -> int:
        # A chunk-size line (LF excluded) off the fast path: an extension, trailing blanks, or bad.
        if not line.endswith(b"\r"):
            raise FramingError(f"the chunk-size line at body offset {offset} does not end in CRLF")
        line = line[:-1]
        semicolon = line.find(b";")
        digits = line[:semicolon] if semicolon >= 0 else line.rstrip(b" \t")
        if not 0 < len(digits) <= _SIZE_DIGITS or digits.translate(None, _HEX):
            raise FramingError(
                f"the chunk-size line at body offset {offset} is not 1 to {_SIZE_DIGITS} hex digits"
                " (and an optional extension)"
            )
        return int(digits, 16)

    def _trailer_line(self, line: bytes, offset: int) -> None:
        # One line of the trailer section (LF excluded): a field, checked and dropped, or the end.
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            self._state, self.done = _DONE, True
            return
        if line[0] in b" \t":  # obs-fold: it continues the field line before it
            if self._fields and _CONTINUATION.fullmatch(line) is not None:
                return
        elif _FIELD_LINE.fullmatch(line) is not None:
            self._fields = True
            return
        raise FramingError(f"the trailer line at body offset {offset} is not a field line")
